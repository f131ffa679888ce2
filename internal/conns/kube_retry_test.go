// SPDX-License-Identifier: MPL-2.0

package conns

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// flakyTransport fails the first n requests with err, then answers 200 with the request body echoed.
type flakyTransport struct {
	n      int
	err    error
	calls  int
	bodies []string
}

func (f *flakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.calls++
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		f.bodies = append(f.bodies, string(b))
	}
	if f.calls <= f.n {
		return nil, f.err
	}
	return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("ok")), Request: r}, nil
}

func TestKubeRetryRoundTripper(t *testing.T) {
	refused := fmt.Errorf("dial tcp 127.0.0.1:6443: %w", syscall.ECONNREFUSED)
	eof := fmt.Errorf("read: %w", io.EOF)
	request := func(method, contentType, body string) *http.Request {
		var rd io.Reader
		if body != "" {
			rd = bytes.NewReader([]byte(body))
		}
		r, err := http.NewRequestWithContext(context.Background(), method, "https://127.0.0.1:6443/apis/ray.io/v1/namespaces/default/rayclusters/x", rd)
		if err != nil {
			t.Fatal(err)
		}
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		return r
	}
	cases := []struct {
		name      string
		req       *http.Request
		fail      int
		err       error
		wantCalls int
		wantOK    bool
	}{
		{"a read rides out a refused server", request(http.MethodGet, "", ""), 5, refused, 6, true},
		{"a delete rides out a dropped connection", request(http.MethodDelete, "", ""), 2, eof, 3, true},
		{"a server-side apply is sent again with its body", request(http.MethodPatch, applyPatchType, "spec: {}"), 3, eof, 4, true},
		{"a create is never sent twice", request(http.MethodPost, "application/json", "{}"), 1, eof, 1, false},
		{"a merge patch is never sent twice", request(http.MethodPatch, "application/merge-patch+json", "{}"), 1, eof, 1, false},
		{"an answer is not retried here (client-go handles Retry-After)", request(http.MethodGet, "", ""), 0, nil, 1, true},
		{"other errors are returned at once", request(http.MethodGet, "", ""), 1, fmt.Errorf("x509: certificate signed by unknown authority"), 1, false},
		{"attempts are bounded", request(http.MethodGet, "", ""), 100, refused, 8, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &flakyTransport{n: tc.fail, err: tc.err}
			var slept []time.Duration
			rt := newRetryRoundTripper(f, 8)
			rt.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
			resp, err := rt.RoundTrip(tc.req)
			if (err == nil) != tc.wantOK {
				t.Fatalf("RoundTrip error %v, want ok=%v", err, tc.wantOK)
			}
			if resp != nil {
				_ = resp.Body.Close()
			}
			if f.calls != tc.wantCalls {
				t.Errorf("%d attempts, want %d", f.calls, tc.wantCalls)
			}
			for i, b := range f.bodies {
				if b != f.bodies[0] {
					t.Errorf("attempt %d sent body %q, the first %q", i+1, b, f.bodies[0])
				}
			}
			for i, d := range slept {
				if d <= 0 || d > kubeRetryMaxBackoff {
					t.Errorf("backoff %d = %s", i, d)
				}
			}
		})
	}
}

// TestKubeRetryStopsWithTheContext: a cancelled request is not tried again.
func TestKubeRetryStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := &flakyTransport{n: 100, err: syscall.ECONNREFUSED}
	rt := newRetryRoundTripper(f, 25)
	rt.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://127.0.0.1:6443/api", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.RoundTrip(r); err == nil || f.calls != 1 {
		t.Errorf("after cancellation: err %v, %d attempts", err, f.calls)
	}
}
