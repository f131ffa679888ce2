// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/datasync"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// fakeAPI answers DescribeTaskExecution from a script: each entry is a status to report, or
// "throttle" / "5xx" for a throttling error or an InternalException.
type fakeAPI struct {
	mu     sync.Mutex
	script []string
	calls  int
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	step := f.script[min(f.calls, len(f.script)-1)]
	f.calls++
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch step {
	case "throttle":
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"__type":"ThrottlingException","message":"Rate exceeded"}`)
	case "5xx":
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"__type":"InternalException","message":"internal error"}`)
	case "gone":
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"__type":"InvalidRequestException","message":"Task execution arn:x not found."}`)
	case "ERROR":
		fmt.Fprint(w, `{"TaskExecutionArn":"arn:x","Status":"ERROR","BytesTransferred":5,"Result":{"ErrorCode":"S3AccessDenied","ErrorDetail":"Access denied to s3://lake/raw"}}`)
	default:
		fmt.Fprintf(w, `{"TaskExecutionArn":"arn:x","Status":%q,"BytesTransferred":%d,"EstimatedBytesToTransfer":100,"StartTime":%d}`, step, 10*f.calls, time.Now().Add(-time.Second).Unix())
	}
}

// fakeClient is a provider client whose DataSync endpoint is the fake, polling every 50ms (the
// provider's poll_interval).
func fakeClient(t *testing.T, script ...string) (*conns.Client, *fakeAPI) {
	t.Helper()
	f := &fakeAPI{script: script}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "k")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	c, diags := conns.New(context.Background(), conns.Config{
		Region: "us-east-1", Endpoints: map[string]string{"datasync": srv.URL}, PollInterval: "50ms", MaxRetries: 3,
		SkipCredentialsValidation: true,
	})
	if diags.HasError() {
		t.Fatalf("building the client: %v", diags)
	}
	return c, f
}

// withTimeout is the resource timeout the waiters run under (the context deadline).
func withTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestWaitExecutionDone(t *testing.T) {
	// Phases, with throttling and a 5xx in between (the SDK retries them).
	c, f := fakeClient(t, "QUEUED", "throttle", "LAUNCHING", "5xx", "PREPARING", "TRANSFERRING", "throttle", "throttle", "TRANSFERRING", "VERIFYING", "SUCCESS")
	out, err := waitExecutionDone(withTimeout(t, 10*time.Second), c, "arn:x")
	if err != nil || string(out.Status) != "SUCCESS" || f.calls != 11 {
		t.Fatalf("got %v, %v after %d calls", out, err, f.calls)
	}

	// An execution that fails carries DataSync's code and message.
	c, _ = fakeClient(t, "LAUNCHING", "TRANSFERRING", "ERROR")
	out, err = waitExecutionDone(withTimeout(t, 10*time.Second), c, "arn:x")
	var failed *ExecutionFailedError
	if !errors.As(err, &failed) || failed.Code != "S3AccessDenied" || !strings.Contains(err.Error(), "Access denied to s3://lake/raw") || out == nil {
		t.Fatalf("got %v, %v", out, err)
	}

	// Persistent 5xx exhausts the SDK's retries and fails the wait (no endless loop).
	c, _ = fakeClient(t, "QUEUED", "5xx")
	if _, err = waitExecutionDone(withTimeout(t, 10*time.Second), c, "arn:x"); err == nil || !strings.Contains(err.Error(), "InternalException") {
		t.Fatalf("persistent 5xx: %v", err)
	}

	// A timeout reports the last state.
	c, _ = fakeClient(t, "TRANSFERRING")
	_, err = waitExecutionDone(withTimeout(t, 300*time.Millisecond), c, "arn:x")
	var te *wait.TimeoutError
	if !errors.As(err, &te) || te.LastState != "TRANSFERRING" {
		t.Fatalf("timeout: %v", err)
	}

	// An execution that disappears is reported as not found after the tolerated checks.
	c, _ = fakeClient(t, "gone")
	if _, err = waitExecutionDone(withTimeout(t, 5*time.Second), c, "arn:x"); !wait.NotFound(err) {
		t.Fatalf("gone: %v", err)
	}
}

func TestProgressFields(t *testing.T) {
	t.Parallel()
	start := time.Now().Add(-10 * time.Second)
	f := progressFields(&datasync.DescribeTaskExecutionOutput{BytesTransferred: 500, EstimatedBytesToTransfer: 1000, LaunchTime: &start}, time.Now())
	if f["percent"].(float64) != 50 {
		t.Errorf("percent = %v", f["percent"])
	}
	if r := f["rate_bytes_per_second"].(float64); r < 45 || r > 51 {
		t.Errorf("rate = %v", r)
	}
}
