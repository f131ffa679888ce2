// SPDX-License-Identifier: MPL-2.0

package acctest

// Faults on the Kubernetes API. The sandbox's EKS cluster reports its real kube-apiserver directly
// (DescribeCluster endpoint and CA), so the gateway's faults never reach Kubernetes traffic. KubeFaults
// puts a reverse proxy between the two for one test: the EKS cluster reports the proxy, which answers
// a share of the requests itself the way a loaded apiserver does — 429 Too Many Requests with
// Retry-After (API Priority and Fairness; Kubernetes documentation, "API Priority and Fairness":
// rejected requests get HTTP 429 with a Retry-After header) and 503 Service Unavailable with
// Retry-After — and forwards the rest, tokens included, to the apiserver.

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// KubeFaultProxy counts what it did.
type KubeFaultProxy struct {
	throttle, fail atomic.Uint64 // rates in millionths, changed with SetRates
	down           atomic.Bool   // every connection dropped unanswered (SetDown)
	Dropped        atomic.Int64
	Requests       atomic.Int64
	Throttled      atomic.Int64
	Failed         atomic.Int64

	mu   sync.Mutex
	seen []string // "METHOD path" of every request forwarded to the apiserver
}

// Count is the number of requests forwarded to the apiserver with this method whose path contains
// pathPart (for example "PATCH", "/rayclusters/": a RayCluster applied).
func (p *KubeFaultProxy) Count(method, pathPart string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, r := range p.seen {
		m, path, _ := strings.Cut(r, " ")
		if m == method && strings.Contains(path, pathPart) {
			n++
		}
	}
	return n
}

// SetRates changes the shares of requests answered 429 and 503 (0 turns the faults off).
func (p *KubeFaultProxy) SetRates(throttle, fail float64) {
	p.throttle.Store(uint64(throttle * 1e6))
	p.fail.Store(uint64(fail * 1e6))
}

// SetDown makes the apiserver unreachable (every connection closed unanswered) or reachable again.
func (p *KubeFaultProxy) SetDown(down bool) { p.down.Store(down) }

// Injected is the number of requests answered with a fault (dropped ones included).
func (p *KubeFaultProxy) Injected() int64 {
	return p.Throttled.Load() + p.Failed.Load() + p.Dropped.Load()
}

// KubeFaults makes the sandbox's EKS cluster (sandbox.EKSClusterName) report a fault-injecting proxy in
// front of its apiserver until the test ends. The package's TestMain must be RunMainKubernetes. Tests
// using it are not parallel (the EKS cluster is the package's).
func KubeFaults(t *testing.T, throttle, fail float64) *KubeFaultProxy {
	t.Helper()
	sb := Sandbox(t)
	st := sb.Kube()
	if st == nil {
		t.Fatal("KubeFaults needs the sandbox's Kubernetes control plane: the package's TestMain must call acctest.RunMainKubernetes")
	}
	upstream, err := url.Parse(st.Host)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(st.CAPEM) {
		t.Fatal("the apiserver's CA certificate does not parse")
	}
	p := &KubeFaultProxy{}
	p.SetRates(throttle, fail)
	rp := httputil.NewSingleHostReverseProxy(upstream)
	rp.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	rp.FlushInterval = -1 // watches stream
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.Requests.Add(1)
		x := uint64(rand.Float64() * 1e6)
		switch {
		case p.down.Load():
			p.Dropped.Add(1)
			dropConnection(w)
		case x < p.throttle.Load():
			p.Throttled.Add(1)
			kubeStatus(w, http.StatusTooManyRequests, "TooManyRequests", "too many requests, please try again later (sandbox fault)")
		case x < p.throttle.Load()+p.fail.Load():
			p.Failed.Add(1)
			kubeStatus(w, http.StatusServiceUnavailable, "ServiceUnavailable", "the server is currently unable to handle the request (sandbox fault)")
		default:
			p.mu.Lock()
			p.seen = append(p.seen, r.Method+" "+r.URL.Path)
			p.mu.Unlock()
			rp.ServeHTTP(w, r)
		}
	}))
	srv.StartTLS()
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	gw := sb.Gateway()
	gw.AttachEKSCluster(sandbox.EKSClusterName, gateway.EKSControlPlane{Endpoint: srv.URL, CAPEM: ca})
	t.Cleanup(func() {
		gw.AttachEKSCluster(sandbox.EKSClusterName, gateway.EKSControlPlane{Endpoint: st.Host, CAPEM: st.CAPEM})
		srv.Close()
	})
	return p
}

// dropConnection closes the client's connection without an answer, as an unreachable apiserver would.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // HTTP/2: the server resets the stream
}

// kubeStatus answers as the apiserver does: a metav1.Status body, and Retry-After, which client-go
// honours by retrying the request.
func kubeStatus(w http.ResponseWriter, code int, reason, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Retry-After", "1")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
		"status": "Failure", "message": message, "reason": reason, "code": code,
	})
}
