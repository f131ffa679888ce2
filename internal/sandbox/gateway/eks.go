// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
)

// EKS clusters stay in moto (create, describe, tags, delete, their lifecycle); the gateway only makes
// the clusters attached to the sandbox's real Kubernetes control plane report that apiserver: it
// forwards DescribeCluster (GET /clusters/{name}, EKS API Reference) to moto and replaces
// cluster.endpoint and cluster.certificateAuthority.data in the answer. Clusters not attached keep
// moto's placeholder endpoint, which nothing serves, as an EKS cluster without a reachable control
// plane would.
type eksService struct {
	g        *Gateway
	mu       sync.RWMutex
	attached map[string]EKSControlPlane
}

// EKSControlPlane is what DescribeCluster reports for an attached cluster.
type EKSControlPlane struct {
	Endpoint string // https://127.0.0.1:PORT
	CAPEM    []byte // the apiserver's CA certificate (PEM); reported base64-encoded, as EKS does
}

const eksDescribePrefix = "GET /clusters/"

func (s *eksService) Name() string { return "eks" }

func (s *eksService) Handles(op string) bool {
	name, ok := strings.CutPrefix(op, eksDescribePrefix)
	if !ok || name == "" || strings.Contains(name, "/") {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok = s.attached[name]
	return ok
}

func (s *eksService) Serve(w http.ResponseWriter, r *http.Request, op string, _ []byte) {
	name := strings.TrimPrefix(op, eksDescribePrefix)
	s.mu.RLock()
	cp := s.attached[name]
	s.mu.RUnlock()
	if s.g.proxy == nil {
		http.Error(w, "sandbox gateway: no moto upstream for EKS", http.StatusNotImplemented)
		return
	}
	rec := httptest.NewRecorder()
	s.g.proxy.ServeHTTP(rec, r)
	res := rec.Result()
	body := rec.Body.Bytes()
	if res.StatusCode == http.StatusOK {
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err == nil {
			if c, ok := doc["cluster"].(map[string]any); ok {
				c["endpoint"] = cp.Endpoint
				c["certificateAuthority"] = map[string]any{"data": base64.StdEncoding.EncodeToString(cp.CAPEM)}
				if b, err := json.Marshal(doc); err == nil {
					body = b
				}
			}
		}
	}
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(res.StatusCode)
	_, _ = w.Write(body)
}

// eksServices holds each gateway's EKS service, made on the first AttachEKSCluster.
var eksServices sync.Map // *Gateway -> *eksService

// AttachEKSCluster makes DescribeCluster of the named (moto) cluster report the given control plane.
func (g *Gateway) AttachEKSCluster(name string, cp EKSControlPlane) {
	v, loaded := eksServices.LoadOrStore(g, &eksService{g: g, attached: map[string]EKSControlPlane{}})
	s := v.(*eksService)
	if !loaded {
		g.Register(s)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attached[name] = cp
}
