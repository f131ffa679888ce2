// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Injected fault kinds, as recorded in Call.Fault.
const (
	FaultThrottle = "throttle"
	FaultError    = "error"
	FaultDrop     = "drop"
	FaultLatency  = "latency"
	// FaultLost is a lost answer: the gateway serves the request (natively or
	// through moto), so its effect happens, and then closes the connection
	// without answering, as when a response is lost on the way back.
	FaultLost = "lost"
)

// Fault describes faults injected into one operation of one service.
// Operation "*" (or empty) applies to every operation of the service.
// Rates are probabilities in [0, 1], drawn independently per request in the
// order drop, lost, throttle, error; Latency is added before any of them.
// Times, when positive, is how many requests the fault may still hit (drop,
// lost, throttle or error; latency does not count): "lose the first answer
// only" is LostRate 1, Times 1.
type Fault struct {
	Service      string        `json:"service"`
	Operation    string        `json:"operation"`
	ThrottleRate float64       `json:"throttle_rate,omitempty"`
	ErrorRate    float64       `json:"error_rate,omitempty"`
	Latency      time.Duration `json:"latency,omitempty"`
	DropRate     float64       `json:"drop_rate,omitempty"`
	LostRate     float64       `json:"lost_rate,omitempty"`
	Times        int           `json:"times,omitempty"`
}

// UnmarshalJSON accepts Latency as a Go duration string ("250ms") or a number
// of milliseconds, and the field names in snake_case or Go spelling.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	norm := map[string]json.RawMessage{}
	for k, v := range raw {
		norm[strings.ReplaceAll(strings.ToLower(k), "_", "")] = v
	}
	str := func(k string, dst *string) error {
		if v, ok := norm[k]; ok {
			return json.Unmarshal(v, dst)
		}
		return nil
	}
	num := func(k string, dst *float64) error {
		if v, ok := norm[k]; ok {
			return json.Unmarshal(v, dst)
		}
		return nil
	}
	*f = Fault{}
	for _, err := range []error{
		str("service", &f.Service), str("operation", &f.Operation),
		num("throttlerate", &f.ThrottleRate), num("errorrate", &f.ErrorRate), num("droprate", &f.DropRate),
		num("lostrate", &f.LostRate),
	} {
		if err != nil {
			return err
		}
	}
	if v, ok := norm["times"]; ok {
		if err := json.Unmarshal(v, &f.Times); err != nil {
			return fmt.Errorf("times: %w", err)
		}
	}
	for _, k := range []string{"latency", "latencyms"} {
		v, ok := norm[k]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			d, err := time.ParseDuration(s)
			if err != nil {
				if ms, err2 := strconv.ParseFloat(s, 64); err2 == nil {
					d = time.Duration(ms * float64(time.Millisecond))
				} else {
					return fmt.Errorf("latency: %w", err)
				}
			}
			f.Latency = d
			continue
		}
		var ms float64
		if err := json.Unmarshal(v, &ms); err != nil {
			return fmt.Errorf("latency: want a duration string or milliseconds")
		}
		f.Latency = time.Duration(ms * float64(time.Millisecond))
	}
	return nil
}

// MarshalJSON writes Latency as a Go duration string.
func (f Fault) MarshalJSON() ([]byte, error) {
	type out struct {
		Service      string  `json:"service"`
		Operation    string  `json:"operation"`
		ThrottleRate float64 `json:"throttle_rate,omitempty"`
		ErrorRate    float64 `json:"error_rate,omitempty"`
		Latency      string  `json:"latency,omitempty"`
		DropRate     float64 `json:"drop_rate,omitempty"`
		LostRate     float64 `json:"lost_rate,omitempty"`
		Times        int     `json:"times,omitempty"`
	}
	o := out{Service: f.Service, Operation: f.Operation, ThrottleRate: f.ThrottleRate, ErrorRate: f.ErrorRate,
		DropRate: f.DropRate, LostRate: f.LostRate, Times: f.Times}
	if f.Latency > 0 {
		o.Latency = f.Latency.String()
	}
	return json.Marshal(o)
}

func (f Fault) validate() error {
	if f.Service == "" {
		return fmt.Errorf("fault: service is required")
	}
	for name, r := range map[string]float64{"throttle_rate": f.ThrottleRate, "error_rate": f.ErrorRate, "drop_rate": f.DropRate, "lost_rate": f.LostRate} {
		if r < 0 || r > 1 {
			return fmt.Errorf("fault: %s must be within [0, 1], got %v", name, r)
		}
	}
	if f.Latency < 0 {
		return fmt.Errorf("fault: latency must not be negative")
	}
	if f.Times < 0 {
		return fmt.Errorf("fault: times must not be negative")
	}
	return nil
}

type faultTable struct {
	mu     sync.Mutex
	faults map[[2]string]Fault
}

// SetFault installs (or replaces) the fault for f.Service and f.Operation.
func (g *Gateway) SetFault(f Fault) error {
	if f.Operation == "" {
		f.Operation = "*"
	}
	f.Service = strings.ToLower(f.Service)
	if err := f.validate(); err != nil {
		return err
	}
	g.faults.mu.Lock()
	defer g.faults.mu.Unlock()
	if g.faults.faults == nil {
		g.faults.faults = map[[2]string]Fault{}
	}
	g.faults.faults[[2]string{f.Service, f.Operation}] = f
	return nil
}

// ClearFaults removes every injected fault.
func (g *Gateway) ClearFaults() {
	g.faults.mu.Lock()
	g.faults.faults = nil
	g.faults.mu.Unlock()
}

// Faults lists the installed faults.
func (g *Gateway) Faults() []Fault {
	g.faults.mu.Lock()
	defer g.faults.mu.Unlock()
	out := make([]Fault, 0, len(g.faults.faults))
	for _, f := range g.faults.faults {
		out = append(out, f)
	}
	return out
}

// decide returns the fault to inject (if any) and the latency to add. An
// operation-specific fault takes precedence over the service-wide one. A
// fault with Times left counts down and is removed when it reaches zero.
func (t *faultTable) decide(service, op string, rnd *lockedRand) (string, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	key := [2]string{service, op}
	f, ok := t.faults[key]
	if !ok {
		key = [2]string{service, "*"}
		f, ok = t.faults[key]
	}
	if !ok {
		return "", 0
	}
	kind := ""
	switch {
	case f.DropRate > 0 && rnd.Float64() < f.DropRate:
		kind = FaultDrop
	case f.LostRate > 0 && rnd.Float64() < f.LostRate:
		kind = FaultLost
	case f.ThrottleRate > 0 && rnd.Float64() < f.ThrottleRate:
		kind = FaultThrottle
	case f.ErrorRate > 0 && rnd.Float64() < f.ErrorRate:
		kind = FaultError
	}
	if kind != "" && f.Times > 0 {
		f.Times--
		if f.Times == 0 {
			delete(t.faults, key)
		} else {
			t.faults[key] = f
		}
	}
	return kind, f.Latency
}

// writeInjectedFault answers as AWS does for the request's protocol.
func writeInjectedFault(w http.ResponseWriter, info *requestInfo, fault string) {
	throttle := fault == FaultThrottle
	switch info.protocol {
	case ProtoJSON:
		// The 5xx error is the model's fault shape (wire.go: jsonModels).
		if throttle {
			writeModelJSONError(w, info.service, &APIError{Status: http.StatusBadRequest, Code: "ThrottlingException", Message: "Rate exceeded"})
		} else {
			writeModelJSONError(w, info.service, &APIError{Status: http.StatusInternalServerError, Code: jsonModelOf(info.service).fault,
				Message: "We encountered an internal error. Please try again. (sandbox fault injection)"})
		}
	case ProtoEC2:
		if throttle {
			WriteEC2Error(w, http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.")
		} else {
			WriteEC2Error(w, http.StatusInternalServerError, "InternalError", "An internal error has occurred (sandbox fault injection)")
		}
	case ProtoQuery:
		if throttle {
			WriteQueryError(w, http.StatusBadRequest, "Sender", "Throttling", "Rate exceeded")
		} else {
			WriteQueryError(w, http.StatusInternalServerError, "Receiver", "InternalFailure", "An internal error has occurred (sandbox fault injection)")
		}
	case ProtoS3:
		if throttle {
			WriteS3Error(w, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
		} else {
			WriteS3Error(w, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again. (sandbox fault injection)")
		}
	case ProtoRESTJSON:
		if info.service == "execute-api" {
			// API Gateway's own answers ("Gateway responses" in the API Gateway developer guide:
			// THROTTLED, DEFAULT_5XX).
			if throttle {
				WriteRESTJSONError(w, http.StatusTooManyRequests, "TooManyRequestsException", "Too Many Requests")
			} else {
				WriteRESTJSONError(w, http.StatusInternalServerError, "InternalServerErrorException", "Internal server error")
			}
			return
		}
		fallthrough
	default: // REST-JSON
		if throttle {
			WriteRESTJSONError(w, http.StatusTooManyRequests, "ThrottlingException", "Rate exceeded")
		} else {
			WriteRESTJSONError(w, http.StatusInternalServerError, "InternalFailure", "An internal error has occurred (sandbox fault injection)")
		}
	}
}

// lockedRand is a mutex-protected seeded random source.
type lockedRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

func newLockedRand(seed int64) *lockedRand {
	return &lockedRand{r: rand.New(rand.NewSource(seed))} //nolint:gosec // not for security
}

func (l *lockedRand) Float64() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Float64()
}

// hex returns n random lowercase hex digits.
func (l *lockedRand) hex(n int) string {
	return l.fromAlphabet(n, "0123456789abcdef")
}

// alnum returns n random lowercase alphanumerics.
func (l *lockedRand) alnum(n int) string {
	return l.fromAlphabet(n, "abcdefghijklmnopqrstuvwxyz0123456789")
}

func (l *lockedRand) fromAlphabet(n int, alphabet string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[l.r.Intn(len(alphabet))]
	}
	return string(b)
}
