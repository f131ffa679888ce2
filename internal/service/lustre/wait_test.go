// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// fakeFSx answers DescribeFileSystems / DescribeDataRepositoryAssociations from a script: each call takes
// the next reply (the last one repeats). A reply is an HTTP status plus a JSON body.
type fakeFSx struct {
	mu      sync.Mutex
	replies []fakeReply
	calls   int
}

type fakeReply struct {
	status int
	body   any
}

func (f *fakeFSx) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	i := min(f.calls, len(f.replies)-1)
	f.calls++
	rep := f.replies[i]
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(rep.status)
	_ = json.NewEncoder(w).Encode(rep.body) //nolint:errcheck // test server
}

func fsReply(lifecycle string, actions ...map[string]any) fakeReply {
	fs := map[string]any{
		"FileSystemId": "fs-0123456789abcdef0", "FileSystemType": "LUSTRE", "Lifecycle": lifecycle,
		"StorageCapacity": 1200, "StorageType": "SSD", "DNSName": "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com",
		"LustreConfiguration": map[string]any{"DeploymentType": "PERSISTENT_2", "MountName": "abcdefgh", "PerUnitStorageThroughput": 125},
	}
	if lifecycle == "FAILED" {
		fs["FailureDetails"] = map[string]any{"Message": "The subnet has no free IP addresses."}
	}
	if len(actions) > 0 {
		fs["AdministrativeActions"] = actions
	}
	return fakeReply{200, map[string]any{"FileSystems": []any{fs}}}
}

func action(status string) map[string]any {
	return map[string]any{"AdministrativeActionType": "FILE_SYSTEM_UPDATE", "Status": status}
}

var (
	throttle    = fakeReply{400, map[string]any{"__type": "ThrottlingException", "message": "Rate exceeded"}}
	serverError = fakeReply{503, map[string]any{"__type": "InternalServerError", "Message": "Service unavailable"}}
	notFound    = fakeReply{400, map[string]any{"__type": "FileSystemNotFound", "Message": "File system 'fs-0123456789abcdef0' does not exist."}}
)

// fakeClient is a provider client whose FSx endpoint is the fake, polling every 20 ms (the provider's
// poll_interval), with few quick retries.
func fakeClient(t *testing.T, f *fakeFSx) *conns.Client {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKID")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "SECRET")
	c, diags := conns.New(context.Background(), conns.Config{
		Region: "us-east-1", Endpoints: map[string]string{"fsx": srv.URL}, PollInterval: "20ms",
		MaxRetries: 5, SkipCredentialsValidation: true,
	})
	if diags.HasError() {
		t.Fatalf("building the client: %v", diags)
	}
	return c
}

// within is a context bounded by d (the waiters' deadline comes from the caller's context).
func within(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestWaitFileSystemCreated(t *testing.T) {
	cases := []struct {
		name    string
		replies []fakeReply
		wantErr string
	}{
		{"creating then available, through 5xx and throttling",
			[]fakeReply{fsReply("CREATING"), serverError, throttle, fsReply("CREATING"), throttle, serverError, fsReply("AVAILABLE")}, ""},
		{"failed carries FailureDetails", []fakeReply{fsReply("CREATING"), fsReply("FAILED")}, "The subnet has no free IP addresses."},
		{"not found after create is tolerated briefly", []fakeReply{notFound, fsReply("CREATING"), fsReply("AVAILABLE")}, ""},
		{"persistent 5xx gives up", []fakeReply{fsReply("CREATING"), serverError}, "StatusCode: 503"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeFSx{replies: tc.replies}
			fs, err := WaitFileSystemCreated(within(t, 10*time.Second), fakeClient(t, f), "fs-0123456789abcdef0")
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if string(fs.Lifecycle) != "AVAILABLE" {
					t.Fatalf("lifecycle %s", fs.Lifecycle)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
			}
		})
	}
}

func TestWaitFileSystemUpdated(t *testing.T) {
	f := &fakeFSx{replies: []fakeReply{
		fsReply("AVAILABLE", action("PENDING")), throttle, fsReply("UPDATING", action("IN_PROGRESS")), serverError,
		fsReply("UPDATING", action("IN_PROGRESS")), fsReply("AVAILABLE", action("UPDATED_OPTIMIZING")),
	}}
	if _, err := WaitFileSystemUpdated(within(t, 10*time.Second), fakeClient(t, f), "fs-0123456789abcdef0", updateStart); err != nil {
		t.Fatal(err)
	}
	// Idle also waits for the optimisation to finish.
	f = &fakeFSx{replies: []fakeReply{fsReply("AVAILABLE", action("UPDATED_OPTIMIZING")), throttle, fsReply("AVAILABLE", action("COMPLETED"))}}
	if _, err := WaitFileSystemIdle(within(t, 10*time.Second), fakeClient(t, f), "fs-0123456789abcdef0"); err != nil {
		t.Fatal(err)
	}
	if f.calls < 3 {
		t.Fatalf("idle wait returned after %d calls, before the optimisation completed", f.calls)
	}
	// A failed update reports its message.
	failed := action("FAILED")
	failed["FailureDetails"] = map[string]any{"Message": "Insufficient capacity"}
	f = &fakeFSx{replies: []fakeReply{fsReply("UPDATING", action("IN_PROGRESS")), fsReply("AVAILABLE", failed)}}
	_, err := WaitFileSystemUpdated(within(t, 10*time.Second), fakeClient(t, f), "fs-0123456789abcdef0", updateStart)
	if err == nil || !strings.Contains(err.Error(), "Insufficient capacity") {
		t.Fatalf("want the update failure, got %v", err)
	}
	// Timeout while still UPDATING.
	f = &fakeFSx{replies: []fakeReply{fsReply("UPDATING", action("IN_PROGRESS"))}}
	_, err = WaitFileSystemUpdated(within(t, 300*time.Millisecond), fakeClient(t, f), "fs-0123456789abcdef0", updateStart)
	var te *wait.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("want a timeout, got %v", err)
	}
}

// updateStart is when the updates of the waiter tests were requested.
var updateStart = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)

// requestedAt is a FILE_SYSTEM_UPDATE action with its RequestTime.
func requestedAt(status string, at time.Time, message string) map[string]any {
	a := action(status)
	a["RequestTime"] = float64(at.Unix())
	if message != "" {
		a["FailureDetails"] = map[string]any{"Message": message}
	}
	return a
}

// An earlier failed update stays in the file system's history; it fails neither the wait before the
// next update nor the wait for it. A failure of the update itself still does.
func TestWaitFileSystemUpdated_oldFailedActionInHistory(t *testing.T) {
	old := requestedAt("FAILED", updateStart.Add(-2*time.Hour), "Insufficient capacity (last week's update)")
	f := &fakeFSx{replies: []fakeReply{fsReply("AVAILABLE", old)}}
	if _, err := WaitFileSystemIdle(within(t, 10*time.Second), fakeClient(t, f), "fs-0123456789abcdef0"); err != nil {
		t.Fatalf("idle wait failed on an old failed update: %v", err)
	}
	f = &fakeFSx{replies: []fakeReply{
		fsReply("UPDATING", old, requestedAt("IN_PROGRESS", updateStart, "")), throttle,
		fsReply("AVAILABLE", old, requestedAt("UPDATED_OPTIMIZING", updateStart, "")),
	}}
	if _, err := WaitFileSystemUpdated(within(t, 10*time.Second), fakeClient(t, f), "fs-0123456789abcdef0", updateStart); err != nil {
		t.Fatalf("update failed on an old failed update: %v", err)
	}
	if f.calls < 3 {
		t.Fatalf("update wait returned after %d calls, before the new values applied", f.calls)
	}
	f = &fakeFSx{replies: []fakeReply{
		fsReply("UPDATING", old, requestedAt("IN_PROGRESS", updateStart, "")),
		fsReply("AVAILABLE", old, requestedAt("FAILED", updateStart.Add(time.Second), "Throughput change not supported")),
	}}
	_, err := WaitFileSystemUpdated(within(t, 10*time.Second), fakeClient(t, f), "fs-0123456789abcdef0", updateStart)
	if err == nil || !strings.Contains(err.Error(), "Throughput change not supported") || strings.Contains(err.Error(), "last week") {
		t.Fatalf("want this update's failure, got %v", err)
	}
}

func TestUpdateRequestTime(t *testing.T) {
	fallback := updateStart.Add(time.Minute)
	if got := UpdateRequestTime(nil, fallback); !got.Equal(fallback) {
		t.Errorf("no answer: %s", got)
	}
	tm := func(d time.Duration) *time.Time { v := updateStart.Add(d); return &v }
	fs := &fsxtypes.FileSystem{AdministrativeActions: []fsxtypes.AdministrativeAction{
		{AdministrativeActionType: fsxtypes.AdministrativeActionTypeFileSystemUpdate, RequestTime: tm(-time.Hour)},
		{AdministrativeActionType: fsxtypes.AdministrativeActionTypeFileSystemUpdate, RequestTime: tm(0)},
		{AdministrativeActionType: fsxtypes.AdministrativeActionTypeStorageOptimization, RequestTime: tm(time.Hour)},
	}}
	if got := UpdateRequestTime(fs, fallback); !got.Equal(updateStart) {
		t.Errorf("got %s, want the newest FILE_SYSTEM_UPDATE's %s", got, updateStart)
	}
}

func TestWaitFileSystemDeleted(t *testing.T) {
	f := &fakeFSx{replies: []fakeReply{fsReply("DELETING"), throttle, serverError, fsReply("DELETING"), notFound}}
	if err := WaitFileSystemDeleted(within(t, 10*time.Second), fakeClient(t, f), "fs-0123456789abcdef0"); err != nil {
		t.Fatal(err)
	}
}

func draReply(lifecycle string) fakeReply {
	a := map[string]any{"AssociationId": "dra-0123456789abcdef0", "FileSystemId": "fs-0123456789abcdef0", "Lifecycle": lifecycle,
		"FileSystemPath": "/raw", "DataRepositoryPath": "s3://lake/raw/"}
	if lifecycle == "MISCONFIGURED" {
		a["FailureDetails"] = map[string]any{"Message": "The S3 bucket lake does not exist."}
	}
	return fakeReply{200, map[string]any{"Associations": []any{a}}}
}

func TestWaitAssociation(t *testing.T) {
	f := &fakeFSx{replies: []fakeReply{draReply("CREATING"), throttle, serverError, draReply("UPDATING"), draReply("AVAILABLE")}}
	if _, err := WaitAssociationAvailable(within(t, 10*time.Second), fakeClient(t, f), "dra-0123456789abcdef0"); err != nil {
		t.Fatal(err)
	}
	f = &fakeFSx{replies: []fakeReply{draReply("CREATING"), draReply("MISCONFIGURED")}}
	_, err := WaitAssociationAvailable(within(t, 10*time.Second), fakeClient(t, f), "dra-0123456789abcdef0")
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("want the misconfiguration message, got %v", err)
	}
	gone := fakeReply{400, map[string]any{"__type": "DataRepositoryAssociationNotFound", "Message": "gone"}}
	f = &fakeFSx{replies: []fakeReply{draReply("DELETING"), throttle, gone}}
	if err := WaitAssociationDeleted(within(t, 10*time.Second), fakeClient(t, f), "dra-0123456789abcdef0"); err != nil {
		t.Fatal(err)
	}
}
