// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// fakeEC2 answers DescribePlacementGroups: the group exists for the first `exists` calls, then EC2
// says it is unknown; "throttle" answers are given on the calls listed in throttleOn.
func fakeEC2(t *testing.T, exists int, throttleOn map[int]bool) (*conns.Client, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1))
		w.Header().Set("Content-Type", "text/xml")
		switch {
		case throttleOn[n]:
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>x</RequestID></Response>`)
		case n <= exists:
			fmt.Fprint(w, `<DescribePlacementGroupsResponse><placementGroupSet><item><groupName>pg</groupName><state>available</state><strategy>cluster</strategy></item></placementGroupSet></DescribePlacementGroupsResponse>`)
		default:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `<Response><Errors><Error><Code>InvalidPlacementGroup.Unknown</Code><Message>The Placement Group 'pg' is unknown.</Message></Error></Errors><RequestID>x</RequestID></Response>`)
		}
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "k")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	c, diags := conns.New(context.Background(), conns.Config{
		Region: "us-east-1", Endpoints: map[string]string{"ec2": srv.URL}, PollInterval: "20ms",
		SkipCredentialsValidation: true,
	})
	if diags.HasError() {
		t.Fatalf("building the client: %v", diags)
	}
	return c, &calls
}

func TestWaitPlacementGroupDeleted(t *testing.T) {
	c, calls := fakeEC2(t, 3, map[int]bool{2: true})
	start := time.Now()
	if err := waitPlacementGroupDeleted(context.Background(), c, "pg"); err != nil {
		t.Fatalf("waiting: %v", err)
	}
	if n := calls.Load(); n < 4 {
		t.Errorf("%d calls, want the group seen three times (one call throttled and retried) before it is gone", n)
	}
	// The provider's poll_interval (20ms) shapes the waiter: far below the 1s default.
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s: the waiter did not poll at the provider's poll_interval", d)
	}
}

func TestWaitPlacementGroupDeletedTimeout(t *testing.T) {
	c, _ := fakeEC2(t, 1<<30, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := waitPlacementGroupDeleted(ctx, c, "pg")
	var te *wait.TimeoutError
	if err == nil || (!errors.As(err, &te) && !errors.Is(err, context.DeadlineExceeded)) {
		t.Fatalf("got %v, want a timeout while the group still exists", err)
	}
}
