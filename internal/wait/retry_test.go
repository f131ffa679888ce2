// SPDX-License-Identifier: MPL-2.0

package wait_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/awserr"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

func TestRetryWhile(t *testing.T) {
	inUse := &smithy.GenericAPIError{Code: "DependencyViolation"}
	retryable := func(err error) bool { return awserr.Is(err, "DependencyViolation") }

	calls := 0
	err := wait.RetryWhile(context.Background(), 10*time.Second, retryable, func(context.Context) error {
		calls++
		if calls < 2 {
			return inUse
		}
		return nil
	})
	if err != nil || calls != 2 {
		t.Fatalf("got %v after %d calls, want success on the 2nd", err, calls)
	}

	boom := errors.New("access denied")
	if err := wait.RetryWhile(context.Background(), 10*time.Second, retryable, func(context.Context) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("a non-retryable error must end the retries, got %v", err)
	}

	err = wait.RetryWhile(context.Background(), 100*time.Millisecond, retryable, func(context.Context) error { return inUse })
	var te *wait.TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, inUse) {
		t.Fatalf("want a timeout carrying the last error, got %v", err)
	}
}
