// SPDX-License-Identifier: MPL-2.0

// Package gateway is the AWS gateway of the local sandbox: an HTTP server on a
// loopback port that answers AWS SDK requests. It serves natively the services
// moto lacks or gets wrong (FSx for Lustre, EC2 placement groups, and whatever
// else registers a Service) and reverse-proxies everything else to moto
// unchanged. It can inject faults per operation and keeps a log of every call.
package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultAccountID is the account moto uses by default.
const DefaultAccountID = "123456789012"

// DefaultRegion is the region used when none is configured.
const DefaultRegion = "us-east-1"

// Config configures a Gateway.
type Config struct {
	// MotoURL is the base URL of the moto server requests are forwarded to.
	// Empty means there is no upstream: unhandled requests get the protocol's unknown-operation error.
	MotoURL string
	// Timings are the lifecycle durations of natively served resources.
	// The zero value means FastTimings.
	Timings Timings
	// AccountID is the account reported in ARNs and OwnerId (default moto's 123456789012).
	AccountID string
	// Region is the default region (default us-east-1) used when a request's
	// credential scope names none.
	Region string
	// Logf, if set, receives one line per request and diagnostic messages.
	Logf func(format string, args ...any)
	// Seed seeds the random source used for fault injection and generated
	// identifiers (0 means a fixed default seed, so runs are reproducible).
	Seed int64
	// AccessKeys maps the access key IDs the gateway accepts to their secrets
	// (empty means DefaultAccessKeys). Keys moto issues through the gateway
	// (STS, IAM CreateAccessKey) are learned on top of these.
	AccessKeys map[string]string
}

// Service is a natively implemented AWS service (or part of one).
type Service interface {
	// Name is the SigV4 signing name of the service, e.g. "fsx" or "ec2".
	Name() string
	// Handles reports whether the service serves this operation itself.
	// Operations it does not handle are forwarded to moto.
	Handles(op string) bool
	// Serve answers one request. body is the full request body (already read).
	Serve(w http.ResponseWriter, r *http.Request, op string, body []byte)
}

// OperationNamer is implemented by a Service of a REST API whose operations are named by method and
// path (the ParallelCluster API emulator), so the call log and faults use the operation's name rather
// than "METHOD /path".
type OperationNamer interface {
	OperationName(r *http.Request) string
}

// Gateway is the sandbox's AWS gateway.
type Gateway struct {
	cfg      Config
	upstream *url.URL
	proxy    *httputil.ReverseProxy

	mu       sync.RWMutex
	services map[string][]Service

	calls  callLog
	faults faultTable

	timingsMu sync.RWMutex
	keys      *keyStore
	rnd       *lockedRand

	listener net.Listener
	server   *http.Server
	url      string
	closeMu  sync.Mutex
	closed   bool

	now func() time.Time
}

// New creates a gateway with the FSx for Lustre and EC2 placement group
// services registered. Call Start to serve.
func New(cfg Config) (*Gateway, error) {
	if cfg.AccountID == "" {
		cfg.AccountID = DefaultAccountID
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.Timings == (Timings{}) {
		cfg.Timings = FastTimings()
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = 20180301
	}
	g := &Gateway{
		cfg:      cfg,
		services: map[string][]Service{},
		rnd:      newLockedRand(seed),
		now:      time.Now,
		keys:     newKeyStore(cfg.AccessKeys),
	}
	if cfg.MotoURL != "" {
		u, err := url.Parse(cfg.MotoURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("gateway: invalid moto URL %q", cfg.MotoURL)
		}
		g.upstream = u
		g.proxy = &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetURL(u)
				// Keep the client's Host header: it is part of the SigV4
				// signature and moto routes S3 virtual-host requests by it.
				pr.Out.Host = pr.In.Host
			},
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				g.logf("gateway: upstream error for %s %s: %v", r.Method, r.URL.Path, err)
				http.Error(w, "sandbox gateway: moto unreachable: "+err.Error(), http.StatusBadGateway)
			},
			ModifyResponse: func(resp *http.Response) error {
				if err := g.learnCredentials(resp); err != nil {
					return err
				}
				return g.answerUnimplemented(resp) // unimplemented.go
			},
		}
	}
	g.Register(newFSxService(g))
	g.Register(newPlacementGroupService(g))
	g.Register(newDataSyncService(g))
	g.Register(newPricingService(g))
	return g, nil
}

// Config returns the gateway's effective configuration.
func (g *Gateway) Config() Config { return g.cfg }

// Timings returns the lifecycle durations in use.
func (g *Gateway) Timings() Timings {
	g.timingsMu.RLock()
	defer g.timingsMu.RUnlock()
	return g.cfg.Timings
}

// SetTimings changes the lifecycle durations of the natively served FSx resources from now on (states
// are computed from the clock, so objects already in a transition follow the new durations). Tests use
// it to hold a file system in DELETING long enough to interrupt a destroy there; DataSync keeps the
// timings it was started with.
func (g *Gateway) SetTimings(t Timings) {
	g.timingsMu.Lock()
	defer g.timingsMu.Unlock()
	g.cfg.Timings = t
}

// Register adds a native service. Services registered later take precedence
// for operations that several handle.
func (g *Gateway) Register(s Service) {
	g.mu.Lock()
	defer g.mu.Unlock()
	name := strings.ToLower(s.Name())
	g.services[name] = append([]Service{s}, g.services[name]...)
}

func (g *Gateway) lookup(service, op string) Service {
	g.mu.RLock()
	defer g.mu.RUnlock()
	for _, s := range g.services[service] {
		if s.Handles(op) {
			return s
		}
	}
	return nil
}

// Start listens on a free 127.0.0.1 port and serves in the background. It
// returns the base URL, e.g. http://127.0.0.1:41234.
func (g *Gateway) Start() (string, error) {
	g.closeMu.Lock()
	defer g.closeMu.Unlock()
	if g.listener != nil {
		return g.url, nil
	}
	if g.closed {
		return "", errors.New("gateway: closed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("gateway: listen: %w", err)
	}
	g.listener = ln
	g.url = "http://" + ln.Addr().String()
	g.server = &http.Server{
		Handler:           g,
		ReadHeaderTimeout: 30 * time.Second,
	}
	go func() {
		if err := g.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			g.logf("gateway: serve: %v", err)
		}
	}()
	return g.url, nil
}

// URL returns the base URL once started.
func (g *Gateway) URL() string {
	g.closeMu.Lock()
	defer g.closeMu.Unlock()
	return g.url
}

// Close stops serving. It is idempotent.
func (g *Gateway) Close() error {
	g.closeMu.Lock()
	defer g.closeMu.Unlock()
	if g.closed {
		return nil
	}
	g.closed = true
	if g.server == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := g.server.Shutdown(ctx); err != nil {
		return g.server.Close()
	}
	return nil
}

func (g *Gateway) logf(format string, args ...any) {
	if g.cfg.Logf != nil {
		g.cfg.Logf(format, args...)
	}
}

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		g.serveControl(w, r)
		return
	}
	start := g.now()
	info, err := identify(r, g.cfg.Region)
	if err != nil {
		http.Error(w, "sandbox gateway: "+err.Error(), http.StatusBadRequest)
		return
	}
	rec := &StatusRecorder{ResponseWriter: w}
	call := Call{Time: start, Service: info.service, Operation: info.op, Region: info.region, Attempt: sdkAttempt(r.Header)}

	// Every request is verified before anything else, whoever serves it.
	if !g.authenticate(rec, r, info, &call) {
		call.Status, call.ResponseBytes = rec.Status(), rec.Bytes()
		call.Duration = g.now().Sub(start)
		g.record(call)
		return
	}

	native := g.lookup(info.service, info.op)
	call.Native = native != nil
	if n, ok := native.(OperationNamer); ok {
		info.op = n.OperationName(r)
		call.Operation = info.op
	}

	fault, delay := g.faults.decide(info.service, info.op, g.rnd)
	if delay > 0 || (fault != "" && fault != FaultLost) {
		if delay > 0 {
			call.Fault = "latency"
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
			}
		}
		if fault != "" && fault != FaultLost {
			call.Fault = joinFault(call.Fault, fault)
			if fault == FaultDrop {
				// Logged before the drop: the client sees the closed connection at once.
				call.Duration = g.now().Sub(start)
				g.record(call)
				dropConnection(w)
				return
			}
			writeInjectedFault(rec, info, fault)
			call.Status, call.ResponseBytes = rec.Status(), rec.Bytes()
			call.Duration = g.now().Sub(start)
			g.record(call)
			return
		}
	}

	if fault == FaultLost {
		// Serve the request for real, then lose the answer.
		call.Fault = joinFault(call.Fault, FaultLost)
		lost := newDiscardWriter()
		g.serve(lost, r, info, native)
		// Logged before the drop, as for FaultDrop: the client sees the closed connection at once and
		// may read the call log before this goroutine runs again.
		call.Status = lost.status()
		call.Duration = g.now().Sub(start)
		g.record(call)
		dropConnection(w)
		return
	}
	g.serve(rec, r, info, native)
	call.Status, call.ResponseBytes = rec.Status(), rec.Bytes()
	call.Duration = g.now().Sub(start)
	g.record(call)
}

// serve answers one identified request natively or through moto.
func (g *Gateway) serve(w http.ResponseWriter, r *http.Request, info *requestInfo, native Service) {
	switch {
	case native != nil:
		body := info.body
		if body == nil && r.Body != nil {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "sandbox gateway: reading body: "+err.Error(), http.StatusBadRequest)
				return
			}
			body = b
		}
		r = r.WithContext(withRequestInfo(r.Context(), info))
		native.Serve(w, r, info.op, body)
	case g.proxy != nil:
		r = r.WithContext(withRequestInfo(r.Context(), info))
		if info.body != nil {
			r.Body = io.NopCloser(bytes.NewReader(info.body))
			r.ContentLength = int64(len(info.body))
		}
		g.proxy.ServeHTTP(w, r)
	default:
		writeUnimplemented(w, info, fmt.Sprintf("The sandbox does not implement %s operation %s (no moto upstream).", info.service, info.op))
	}
}

// discardWriter takes a whole answer and keeps only its status (the lost-answer fault).
type discardWriter struct {
	h    http.Header
	code int
}

func newDiscardWriter() *discardWriter { return &discardWriter{h: http.Header{}} }

func (d *discardWriter) Header() http.Header { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) {
	d.WriteHeader(http.StatusOK)
	return len(b), nil
}

func (d *discardWriter) WriteHeader(code int) {
	if d.code == 0 {
		d.code = code
	}
}

func (d *discardWriter) status() int {
	if d.code == 0 {
		return http.StatusOK
	}
	return d.code
}

// authenticate buffers the body, verifies the request's signature and notes
// the outcome in call; on failure it has answered the request.
func (g *Gateway) authenticate(w http.ResponseWriter, r *http.Request, info *requestInfo, call *Call) bool {
	if info.body == nil {
		b, err := readBody(r)
		if err != nil {
			http.Error(w, "sandbox gateway: reading body: "+err.Error(), http.StatusBadRequest)
			return false
		}
		info.body = b
	}
	res, authErr := g.verify(r, info, info.body)
	call.AccessKeyID = res.AccessKeyID
	if authErr != nil {
		call.SignatureError = authErr.Kind.String() + ": " + authErr.Message
		writeAuthError(w, info, authErr)
		return false
	}
	call.SignatureVerified = true
	return true
}

func (g *Gateway) record(c Call) {
	g.calls.add(c)
	sig := ""
	if !c.SignatureVerified {
		sig = " [signature: " + c.SignatureError + "]"
	}
	retry := ""
	if c.Retry() {
		retry = fmt.Sprintf(" [attempt %d]", c.Attempt)
	}
	g.logf("gateway: %s %s:%s -> %d%s%s%s (%s)", c.Region, c.Service, c.Operation, c.Status, faultSuffix(c.Fault), sig, retry, c.Duration.Round(time.Millisecond))
}

func faultSuffix(f string) string {
	if f == "" {
		return ""
	}
	return " [fault " + f + "]"
}

func joinFault(a, b string) string {
	if a == "" {
		return b
	}
	return a + "+" + b
}

// dropConnection closes the client connection without writing a response.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Cannot hijack (HTTP/2): abort the handler, which resets the stream.
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// StatusRecorder remembers the status code written through it (also used by the emulators the gateway
// serves).
type StatusRecorder struct {
	http.ResponseWriter
	code  int
	bytes int64
}

func (s *StatusRecorder) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *StatusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Bytes is the size of the body written so far.
func (s *StatusRecorder) Bytes() int64 { return s.bytes }

func (s *StatusRecorder) Status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush, Hijack).
func (s *StatusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

type ctxKey struct{}

func withRequestInfo(ctx context.Context, info *requestInfo) context.Context {
	return context.WithValue(ctx, ctxKey{}, info)
}

// RequestRegion returns the region of the request's credential scope, as
// identified by the gateway (empty outside a gateway request).
func RequestRegion(r *http.Request) string {
	if info, ok := r.Context().Value(ctxKey{}).(*requestInfo); ok {
		return info.region
	}
	return ""
}
