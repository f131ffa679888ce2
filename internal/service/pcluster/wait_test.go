// SPDX-License-Identifier: MPL-2.0

package pcluster

// The cluster and compute-fleet waiters against a fake ParallelCluster API that answers a script of
// statuses (and errors), through the production client (signed, retrying 5xx), with the test polling
// settings.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// scriptedAPI answers DescribeCluster (or DescribeComputeFleet) with the next answer of its script,
// repeating the last one; calls counts the answers given.
type scriptedAPI struct {
	mu     sync.Mutex
	script []scripted
	calls  int
}

type scripted struct {
	status int    // HTTP status
	body   string // JSON body
}

func cluster(status string, failures ...string) scripted {
	body := `{"clusterName":"c","region":"us-east-1","clusterStatus":"` + status + `"`
	if len(failures) > 0 {
		body += `,"failures":[` + strings.Join(failures, ",") + `]`
	}
	return scripted{http.StatusOK, body + `}`}
}

func fleet(status string) scripted {
	return scripted{http.StatusOK, `{"status":"` + status + `"}`}
}

func newScriptedAPI(t *testing.T, script ...scripted) (*scriptedAPI, API) {
	t.Helper()
	s := &scriptedAPI{script: script}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		a := s.script[min(s.calls, len(s.script)-1)]
		s.calls++
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
	t.Cleanup(srv.Close)
	// The production client: requests signed, 5xx and throttling retried by the doer.
	c, err := api.NewSignedClient(srv.URL, &api.SigningDoer{
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		Region:      "us-east-1", BaseDelay: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func (s *scriptedAPI) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// CREATE_IN_PROGRESS, a 503 (retried by the client, invisible to the waiter), then CREATE_COMPLETE.
func TestWaitClusterCreated(t *testing.T) {
	unavailable := scripted{http.StatusServiceUnavailable, `{"message":"Service Unavailable"}`}
	s, pc := newScriptedAPI(t, cluster("CREATE_IN_PROGRESS"), unavailable, cluster("CREATE_COMPLETE"))
	got, err := waitClusterCreated(context.Background(), pc, testPolling, "us-east-1", "c", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got.ClusterStatus != api.ClusterStatusCREATECOMPLETE || s.count() != 3 {
		t.Errorf("status %s after %d calls, want CREATE_COMPLETE after 3", got.ClusterStatus, s.count())
	}
}

// CREATE_FAILED ends the wait at once, with ParallelCluster's failure codes and reasons in the error.
func TestWaitClusterCreated_failed(t *testing.T) {
	s, pc := newScriptedAPI(t, cluster("CREATE_IN_PROGRESS"),
		cluster("CREATE_FAILED", `{"failureCode":"HeadNodeBootstrapFailure","failureReason":"Cluster creation failed because the head node bootstrap failed."}`,
			`{"failureReason":"See the stack events."}`))
	_, err := waitClusterCreated(context.Background(), pc, testPolling, "us-east-1", "c", time.Minute)
	var unexpected *wait.UnexpectedStateError
	if !errors.As(err, &unexpected) {
		t.Fatalf("err = %v, want an unexpected state", err)
	}
	for _, want := range []string{"CREATE_FAILED", "HeadNodeBootstrapFailure: Cluster creation failed because the head node bootstrap failed.", "See the stack events."} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if s.count() != 2 {
		t.Errorf("%d calls, want 2 (no poll after the failure)", s.count())
	}
}

// A cluster that is still creating when the timeout passes is a timeout error naming its last status.
func TestWaitClusterCreated_timeout(t *testing.T) {
	_, pc := newScriptedAPI(t, cluster("CREATE_IN_PROGRESS"))
	_, err := waitClusterCreated(context.Background(), pc, testPolling, "us-east-1", "c", 200*time.Millisecond)
	var timeout *wait.TimeoutError
	if !errors.As(err, &timeout) || timeout.LastState != "CREATE_IN_PROGRESS" {
		t.Fatalf("err = %v, want a timeout in CREATE_IN_PROGRESS", err)
	}
}

func TestWaitClusterUpdated_failed(t *testing.T) {
	_, pc := newScriptedAPI(t, cluster("UPDATE_IN_PROGRESS"), cluster("UPDATE_FAILED", `{"failureCode":"UpdateFailure","failureReason":"rollback"}`))
	_, err := waitClusterUpdated(context.Background(), pc, testPolling, "us-east-1", "c", time.Minute)
	if err == nil || !strings.Contains(err.Error(), "UPDATE_FAILED") || !strings.Contains(err.Error(), "UpdateFailure: rollback") {
		t.Fatalf("err = %v, want UPDATE_FAILED with its reason", err)
	}
}

// The delete waiter ends when DescribeCluster answers 404, and fails on DELETE_FAILED.
func TestWaitClusterDeleted(t *testing.T) {
	gone := scripted{http.StatusNotFound, `{"message":"Cluster 'c' does not exist or belongs to an incompatible ParallelCluster major version."}`}
	s, pc := newScriptedAPI(t, cluster("DELETE_IN_PROGRESS"), cluster("DELETE_IN_PROGRESS"), gone)
	if err := waitClusterDeleted(context.Background(), pc, testPolling, "us-east-1", "c", time.Minute); err != nil {
		t.Fatal(err)
	}
	if s.count() != 3 {
		t.Errorf("%d calls, want 3", s.count())
	}
	_, pc = newScriptedAPI(t, cluster("DELETE_IN_PROGRESS"), cluster("DELETE_FAILED"))
	if err := waitClusterDeleted(context.Background(), pc, testPolling, "us-east-1", "c", time.Minute); err == nil || !strings.Contains(err.Error(), "DELETE_FAILED") {
		t.Fatalf("err = %v, want DELETE_FAILED", err)
	}
}

// An error that is not transient (400) ends the wait with the API's message.
func TestWaitClusterCreated_apiError(t *testing.T) {
	_, pc := newScriptedAPI(t, cluster("CREATE_IN_PROGRESS"), scripted{http.StatusBadRequest, `{"message":"Bad Request: region is not supported"}`})
	_, err := waitClusterCreated(context.Background(), pc, testPolling, "us-east-1", "c", time.Minute)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || !strings.Contains(err.Error(), "region is not supported") {
		t.Fatalf("err = %v, want the API's 400 with its message", err)
	}
}

func TestWaitComputeFleet(t *testing.T) {
	s, pc := newScriptedAPI(t, fleet("STOP_REQUESTED"), fleet("STOPPING"), fleet("STOPPED"))
	if err := waitComputeFleet(context.Background(), pc, testPolling, "us-east-1", "c", api.ComputeFleetStatusSTOPPED, time.Minute); err != nil {
		t.Fatal(err)
	}
	if s.count() != 3 {
		t.Errorf("%d calls, want 3", s.count())
	}
	// Starting: STOPPED is not a state on the way to RUNNING.
	_, pc = newScriptedAPI(t, fleet("START_REQUESTED"), fleet("STOPPED"))
	if err := waitComputeFleet(context.Background(), pc, testPolling, "us-east-1", "c", api.ComputeFleetStatusRUNNING, time.Minute); err == nil {
		t.Fatal("a fleet that went back to STOPPED while starting ended the wait without an error")
	}
}
