// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Call is one AWS request seen by the gateway.
type Call struct {
	Time      time.Time `json:"time"`
	Service   string    `json:"service"`
	Operation string    `json:"operation"`
	Region    string    `json:"region,omitempty"`
	// Status is the HTTP status answered: 0 when the connection was dropped
	// unserved, and for a lost answer (Fault "lost") the status of the answer
	// that was served and then not delivered.
	Status   int           `json:"status"`
	Native   bool          `json:"native"` // served by the gateway rather than moto
	Fault    string        `json:"fault,omitempty"`
	Duration time.Duration `json:"duration_ns"`
	// SignatureVerified: the request's SigV4 signature verified (package sigv4).
	// A request that fails verification is answered with the protocol's
	// authentication error and never reaches a service.
	SignatureVerified bool `json:"signature_verified"`
	// SignatureError is the verification failure ("Mismatch: ...") when not verified.
	SignatureError string `json:"signature_error,omitempty"`
	// AccessKeyID is the access key the request was signed with.
	AccessKeyID string `json:"access_key_id,omitempty"`
	// Attempt is the attempt number the AWS SDK sent in its amz-sdk-request header
	// ("attempt=2; max=3" for the first retry of a call); 0 when the client sent none.
	// A retry is the same logical call as its first attempt.
	Attempt int `json:"attempt,omitempty"`
	// ResponseBytes is the size of the answer's body as written to the client (0 for a dropped
	// connection or a lost answer). An answer larger than the client's read buffer (net/http's 4 KiB)
	// is one the client reads from the connection after the response arrived.
	ResponseBytes int64 `json:"response_bytes,omitempty"`
}

// Retry reports whether the call is an SDK's retry of an earlier attempt (Attempt > 1).
func (c Call) Retry() bool { return c.Attempt > 1 }

// sdkAttempt reads the attempt number of the amz-sdk-request header the AWS SDKs send on every attempt
// ("attempt=1; max=3"), or 0 without one.
func sdkAttempt(h http.Header) int {
	for _, part := range strings.Split(h.Get("Amz-Sdk-Request"), ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "attempt="); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
}

type callLog struct {
	mu    sync.Mutex
	calls []Call
}

func (l *callLog) add(c Call) {
	l.mu.Lock()
	l.calls = append(l.calls, c)
	l.mu.Unlock()
}

// Calls returns a copy of the call log, oldest first.
func (g *Gateway) Calls() []Call {
	g.calls.mu.Lock()
	defer g.calls.mu.Unlock()
	out := make([]Call, len(g.calls.calls))
	copy(out, g.calls.calls)
	return out
}

// ResetCalls empties the call log.
func (g *Gateway) ResetCalls() {
	g.calls.mu.Lock()
	g.calls.calls = nil
	g.calls.mu.Unlock()
}

// CountCalls counts logged calls of service and operation; an empty or "*"
// operation counts all operations of the service, an empty or "*" service
// counts all services.
func (g *Gateway) CountCalls(service, operation string) int {
	return g.count(service, operation, true)
}

// CountRequests is CountCalls without the SDK's retries (Call.Retry): the
// logical requests, which do not depend on an attempt the client retried on its
// own after failing to read an answer the gateway served.
func (g *Gateway) CountRequests(service, operation string) int {
	return g.count(service, operation, false)
}

func (g *Gateway) count(service, operation string, retries bool) int {
	g.calls.mu.Lock()
	defer g.calls.mu.Unlock()
	n := 0
	for _, c := range g.calls.calls {
		if (service == "" || service == "*" || c.Service == service) &&
			(operation == "" || operation == "*" || c.Operation == operation) && (retries || !c.Retry()) {
			n++
		}
	}
	return n
}
