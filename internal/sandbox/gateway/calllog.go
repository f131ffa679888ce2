// SPDX-License-Identifier: MPL-2.0

package gateway

import (
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
	g.calls.mu.Lock()
	defer g.calls.mu.Unlock()
	n := 0
	for _, c := range g.calls.calls {
		if (service == "" || service == "*" || c.Service == service) &&
			(operation == "" || operation == "*" || c.Operation == operation) {
			n++
		}
	}
	return n
}
