// SPDX-License-Identifier: MPL-2.0

package kube

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/client-go/rest"
)

// APIServer is a kube-apiserver of its own, started by StartAPIServer for one test: a cluster with
// nothing but what a fresh apiserver makes itself (built-in APIs, default namespaces, RBAC bootstrap
// roles). It has none of the stack's objects: no KubeRay CRDs, no nodes, no operator.
type APIServer struct {
	Host       string // https://127.0.0.1:PORT
	CAPEM      []byte
	AdminToken string // a static token in system:masters

	dir   string
	proc  *process
	stack *Stack
}

// StartAPIServer starts another kube-apiserver on the stack's etcd, under a key prefix of its own
// (--etcd-prefix; the stack's apiserver keeps the default /registry), so neither sees the other's
// objects: a test gets a real API server without the KubeRay CRDs while the stack's, which other tests
// use in parallel, keeps them. It costs one process (no second etcd) and its start-up, a few seconds.
// It serves with the stack's CA and serving certificate, accepts only its own admin token, and keeps
// no audit log. The caller stops it with Stop; Stack.Stop stops it too.
func (s *Stack) StartAPIServer(ctx context.Context) (_ *APIServer, err error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	id := randomHex(6)
	dir := filepath.Join(s.RunDir, "apiserver-"+id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	a := &APIServer{Host: "https://127.0.0.1:" + strconv.Itoa(port), CAPEM: s.pki.caPEM, AdminToken: randomHex(16), dir: dir, stack: s}
	args, err := s.apiserverArgs(dir, port, a.AdminToken)
	if err != nil {
		return nil, err
	}
	// Only the stack's apiserver compacts etcd's history (every 5 minutes by default): two compacting
	// the one etcd would compact it twice as often under the stack's watchers.
	args = append(args, "--etcd-prefix=/rayhpc-apiserver-"+id, "--etcd-compaction-interval=0")
	if a.proc, err = startProcess(dir, "kube-apiserver", s.bins.Path("kube-apiserver"), args...); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.extras = append(s.extras, a)
	s.mu.Unlock()
	defer func() {
		if err != nil {
			stopAll(10*time.Second, a.proc) // its log stays in the stack's run directory
		}
	}()
	if err := s.waitFor(ctx, "kube-apiserver "+id+" /readyz", a.proc, func() error {
		return httpOK(a.CAPEM, a.Host+"/readyz", a.AdminToken)
	}); err != nil {
		return nil, err
	}
	return a, nil
}

// RESTConfig is an admin client configuration for the apiserver.
func (a *APIServer) RESTConfig() *rest.Config {
	return &rest.Config{Host: a.Host, BearerToken: a.AdminToken, TLSClientConfig: rest.TLSClientConfig{CAData: a.CAPEM}}
}

// ApplyCRDs installs KubeRay CRDs (files of CRDFiles; all of them when none is named) in this
// apiserver, as Start does in the stack's, and waits until they are Established: for a test that
// removes one later. Each takes one to three seconds (their schemas are large).
func (a *APIServer) ApplyCRDs(ctx context.Context, files ...string) error {
	if len(files) == 0 {
		files = CRDFiles
	}
	return a.stack.applyCRDs(ctx, a.RESTConfig(), a.proc, files...)
}

// PID is the apiserver's process ID.
func (a *APIServer) PID() int { return a.proc.PID() }

// Stop stops the apiserver by its PID and removes its directory. It is idempotent. What it wrote stays
// in etcd under its prefix until the stack stops.
func (a *APIServer) Stop() {
	if a.proc == nil {
		return
	}
	stopAll(10*time.Second, a.proc)
	_ = os.RemoveAll(a.dir)
}
