// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestJSONOpsErrors pins the answers of the operation tables for an
// undecodable body and for an operation the sandbox does not implement.
func TestJSONOpsErrors(t *testing.T) {
	g, _ := newTestGateway(t, testTimings)
	ds, fs := newDataSyncService(g), newFSxService(g)
	for _, tc := range []struct {
		name      string
		svc       Service
		op, body  string
		errType   string
		errorCode string // DataSync's errorCode member ("" for none)
		message   string // prefix of Message
	}{
		{"datasync bad body", ds, "CreateTask", `{"SourceLocationArn": 5}`, "InvalidRequestException", "InvalidParameters", "Could not parse request body: "},
		{"datasync bad body describe location", ds, "DescribeLocationSmb", `[`, "InvalidRequestException", "InvalidParameters", "Could not parse request body: "},
		{"datasync describe location kind", ds, "DescribeLocationNfs", `{"LocationArn": "arn:aws:datasync:us-east-1:123456789012:location/loc-0123456789abcdef0"}`, "InvalidRequestException", "", "Location arn:aws:datasync:us-east-1:123456789012:location/loc-0123456789abcdef0 not found."},
		{"datasync unknown op", ds, "CreateAgent", `{}`, "InvalidRequestException", "", "The sandbox does not implement DataSync operation CreateAgent."},
		{"fsx bad body", fs, "CreateFileSystem", `{"StorageCapacity": "x"}`, "SerializationException", "", "Could not parse request body: "},
		{"fsx unknown op", fs, "CreateBackup", `{}`, "BadRequest", "", "The sandbox does not implement FSx operation CreateBackup."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.svc.Handles(tc.op) {
				t.Fatalf("Handles(%s) = false, want true (every operation is claimed)", tc.op)
			}
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			r = r.WithContext(withRequestInfo(r.Context(), &requestInfo{service: tc.svc.Name(), op: tc.op, protocol: ProtoJSON}))
			tc.svc.Serve(w, r, tc.op, []byte(tc.body))
			if w.Code != http.StatusBadRequest {
				t.Errorf("status %d, want 400", w.Code)
			}
			if got := w.Header().Get("X-Amzn-ErrorType"); got != tc.errType {
				t.Errorf("error type %q, want %q", got, tc.errType)
			}
			var body map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if got, _ := body["errorCode"].(string); got != tc.errorCode {
				t.Errorf("errorCode %q, want %q", got, tc.errorCode)
			}
			// The message member as the model names it: DataSync's error shapes have "message".
			member := jsonModelOf(tc.svc.Name()).message
			if got, _ := body[member].(string); !strings.HasPrefix(got, tc.message) {
				t.Errorf("Message %q, want prefix %q", got, tc.message)
			}
		})
	}
}
