// SPDX-License-Identifier: MPL-2.0

// Package kube runs the Kubernetes part of the sandbox: etcd, kube-apiserver, kube-controller-manager
// and kube-scheduler built from their Go modules, the KubeRay CRDs (server-side applied) and operator,
// and kwok, which plays the nodes (labelled as EKS nodes of real EC2 instance types) and their pods.
// Every listener is on 127.0.0.1; every process is started and stopped by PID.
//
// Bearer tokens are authenticated by a webhook served by the launcher (kube-apiserver's
// --authentication-token-webhook-config-file); the sandbox plugs in the EKS token check there.
package kube

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Network ranges: service and pod addresses stay on loopback, so a stray connection to one of them
// never leaves the machine.
const (
	serviceCIDR = "127.96.0.0/16"
	serviceIP   = "127.96.0.1" // the kubernetes.default service
	podCIDR     = "127.244.0.0/16"
	// FieldManager is the field manager the launcher applies CRDs and nodes with.
	FieldManager = "rayhpc-sandbox"
)

// Options configures Start.
type Options struct {
	// Nodes are the kwok nodes to create (the sandbox derives them from EC2 DescribeInstanceTypes).
	Nodes []Node
	// Authenticate checks a bearer token the apiserver does not know (every token but the launcher's
	// own admin token) and returns the user it maps to. Nil: only the admin token works.
	Authenticate func(ctx context.Context, token string) (User, error)
	// Log receives progress lines (nil: discarded).
	Log io.Writer
	// StartTimeout bounds each wait for a component (default 120s).
	StartTimeout time.Duration
}

// User is an authenticated Kubernetes user.
type User struct {
	Username string
	UID      string
	Groups   []string
	Extra    map[string][]string
}

// Stack is a running control plane.
type Stack struct {
	RunDir     string
	Host       string // https://127.0.0.1:PORT
	CAPEM      []byte
	AdminToken string
	Kubeconfig string // admin kubeconfig (static token), for the launcher's own components

	pki               *pki
	procs             []*process // start order
	webhook           *http.Server
	webhookKubeconfig string
	auditLog          string
	etcdURL           string
	log               io.Writer
	timeout           time.Duration
	bins              Binaries

	mu     sync.Mutex
	extras []*APIServer // StartAPIServer's, stopped by Stop if their owner did not
}

// Start builds what is missing, then starts the stack. On error everything started is stopped.
func Start(ctx context.Context, opts Options) (_ *Stack, err error) {
	bins, err := Build(ctx, opts.Log)
	if err != nil {
		return nil, err
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 120 * time.Second
	}
	runDir, err := os.MkdirTemp("", "rayhpc-k8s-run-")
	if err != nil {
		return nil, err
	}
	s := &Stack{RunDir: runDir, log: opts.Log, timeout: opts.StartTimeout, bins: bins}
	defer func() {
		if err != nil {
			s.Stop()
		}
	}()
	t0 := time.Now()
	if s.pki, err = newPKI(filepath.Join(runDir, "pki"), serviceIP); err != nil {
		return nil, err
	}
	s.CAPEM = s.pki.caPEM
	s.AdminToken = randomHex(16)
	if err := s.startWebhook(opts.Authenticate); err != nil {
		return nil, err
	}
	if err := s.startEtcd(ctx, bins); err != nil {
		return nil, err
	}
	if err := s.startAPIServer(ctx, bins); err != nil {
		return nil, err
	}
	cs, err := s.clientset()
	if err != nil {
		return nil, err
	}
	if err := s.applyCRDs(ctx, s.RESTConfig(), s.proc("kube-apiserver"), CRDFiles...); err != nil {
		return nil, err
	}
	// Controllers start after the CRDs exist: the garbage collector would otherwise not know ray.io/v1
	// for a while and leave RayCluster-owned pods behind.
	if err := s.startControllers(bins); err != nil {
		return nil, err
	}
	if err := s.startKwok(bins); err != nil {
		return nil, err
	}
	if err := s.createNodes(ctx, cs, opts.Nodes); err != nil {
		return nil, err
	}
	if err := s.startOperator(ctx, bins); err != nil {
		return nil, err
	}
	if err := s.waitDefaultServiceAccount(ctx, cs); err != nil {
		return nil, err
	}
	fmt.Fprintf(s.log, "kube: stack up in %s at %s\n", time.Since(t0).Round(100*time.Millisecond), s.Host)
	return s, nil
}

// RESTConfig is an admin client configuration for the stack.
func (s *Stack) RESTConfig() *rest.Config {
	return &rest.Config{
		Host:            s.Host,
		BearerToken:     s.AdminToken,
		TLSClientConfig: rest.TLSClientConfig{CAData: s.CAPEM},
		QPS:             50,
		Burst:           100,
	}
}

func (s *Stack) clientset() (*kubernetes.Clientset, error) {
	return kubernetes.NewForConfig(s.RESTConfig())
}

// PIDs lists the processes the stack started, by component name.
func (s *Stack) PIDs() map[string]int {
	out := map[string]int{}
	for _, p := range s.procs {
		out[p.name] = p.PID()
	}
	return out
}

// Stop stops every process the stack started (operator, kwok and controllers first, then the
// apiserver, then etcd), closes the webhook and removes the run directory. It is idempotent.
func (s *Stack) Stop() {
	s.mu.Lock()
	extras := s.extras
	s.extras = nil
	s.mu.Unlock()
	for _, a := range extras {
		a.Stop()
	}
	byName := map[string]*process{}
	for _, p := range s.procs {
		byName[p.name] = p
	}
	stopAll(10*time.Second, byName["ray-operator"], byName["kwok"], byName["kube-scheduler"], byName["kube-controller-manager"])
	stopAll(10*time.Second, byName["kube-apiserver"])
	stopAll(10*time.Second, byName["etcd"])
	s.procs = nil
	if s.webhook != nil {
		_ = s.webhook.Close()
		s.webhook = nil
	}
	if s.RunDir != "" {
		_ = os.RemoveAll(s.RunDir)
		s.RunDir = ""
	}
}

func (s *Stack) start(name, bin string, args ...string) (*process, error) {
	p, err := startProcess(s.RunDir, name, bin, args...)
	if err != nil {
		return nil, err
	}
	s.procs = append(s.procs, p)
	return p, nil
}

// waitFor polls check until it succeeds, the process dies, or the timeout passes.
func (s *Stack) waitFor(ctx context.Context, what string, p *process, check func() error) error {
	deadline := time.Now().Add(s.timeout)
	var last error
	for {
		if last = check(); last == nil {
			return nil
		}
		if p != nil && p.exited() {
			return p.exitError()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("kube: timed out after %s waiting for %s: %v (logs in %s)", s.timeout, what, last, s.RunDir)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (s *Stack) startEtcd(ctx context.Context, bins Binaries) error {
	client, peer, err := freePorts2()
	if err != nil {
		return err
	}
	clientURL, peerURL := "http://127.0.0.1:"+strconv.Itoa(client), "http://127.0.0.1:"+strconv.Itoa(peer)
	p, err := s.start("etcd", bins.Path("etcd"), "--name=sandbox", "--data-dir="+filepath.Join(s.RunDir, "etcd"),
		"--listen-client-urls="+clientURL, "--advertise-client-urls="+clientURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=sandbox="+peerURL, "--listen-metrics-urls=", "--unsafe-no-fsync", "--log-level=warn")
	if err != nil {
		return err
	}
	s.etcdURL = clientURL
	return s.waitFor(ctx, "etcd", p, func() error { return httpOK(nil, clientURL+"/health", "") })
}

func (s *Stack) startAPIServer(ctx context.Context, bins Binaries) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	args, err := s.apiserverArgs(s.pki.dir, port, s.AdminToken)
	if err != nil {
		return err
	}
	if s.webhook != nil {
		// Every token the static file does not know goes to the webhook; answers are not cached, so a
		// token that expired is refused at once (as EKS's authenticator re-checks expiry).
		args = append(args, "--authentication-token-webhook-config-file="+s.webhookKubeconfig,
			"--authentication-token-webhook-version=v1", "--authentication-token-webhook-cache-ttl=0s")
	}
	audit, err := s.auditArgs()
	if err != nil {
		return err
	}
	p, err := s.start("kube-apiserver", bins.Path("kube-apiserver"), append(args, audit...)...)
	if err != nil {
		return err
	}
	s.Host = "https://127.0.0.1:" + strconv.Itoa(port)
	if err := s.writeKubeconfig(); err != nil {
		return err
	}
	return s.waitFor(ctx, "kube-apiserver /readyz", p, func() error {
		return httpOK(s.pki.caPEM, s.Host+"/readyz", s.AdminToken)
	})
}

// apiserverArgs are the flags of every kube-apiserver the stack runs: on its etcd, loopback only, its PKI,
// and the static admin token (written to dir/tokens.csv) in system:masters.
func (s *Stack) apiserverArgs(dir string, port int, adminToken string) ([]string, error) {
	tokens := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(adminToken+`,sandbox-admin,sandbox-admin,"system:masters"`+"\n"), 0o600); err != nil {
		return nil, err
	}
	return []string{
		"--etcd-servers=" + s.etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + dir, "--tls-cert-file=" + s.pki.certFile, "--tls-private-key-file=" + s.pki.keyFile,
		"--client-ca-file=" + s.pki.caFile, "--token-auth-file=" + tokens,
		"--authorization-mode=Node,RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + s.pki.saPub, "--service-account-signing-key-file=" + s.pki.saKey,
		"--service-cluster-ip-range=" + serviceCIDR, "--endpoint-reconciler-type=none",
		"--allow-privileged=true", "--profiling=false",
	}, nil
}

// nodeMonitorGracePeriod is how long a simulated node may go without a heartbeat before it is NotReady
// (kube-controller-manager --node-monitor-grace-period, default 50 s).
const nodeMonitorGracePeriod = 10 * time.Minute

func (s *Stack) startControllers(bins Binaries) error {
	if _, err := s.start("kube-controller-manager", bins.Path("kube-controller-manager"),
		"--kubeconfig="+s.Kubeconfig, "--secure-port=0", "--leader-elect=false",
		"--service-account-private-key-file="+s.pki.saKey, "--root-ca-file="+s.pki.caFile,
		"--flex-volume-plugin-dir="+filepath.Join(s.RunDir, "flexvolume"),
		// kwok renews every simulated node's lease from one process on a shared, loaded machine; a renewal
		// late by more than the default 50 s is not a node failure the tests are about, yet the node
		// lifecycle controller would mark the node NotReady and its pods not Ready, which nothing reverts
		// (kwok has no kubelet to report the pods Ready again): a ready RayCluster would never be again.
		"--node-monitor-grace-period="+nodeMonitorGracePeriod.String(),
		"--controllers=*,-endpoints-controller,-endpointslice-controller,-endpointslice-mirroring-controller"); err != nil {
		return err
	}
	_, err := s.start("kube-scheduler", bins.Path("kube-scheduler"), "--kubeconfig="+s.Kubeconfig, "--secure-port=0", "--leader-elect=false")
	return err
}

func (s *Stack) startOperator(ctx context.Context, bins Binaries) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	probe := "127.0.0.1:" + strconv.Itoa(port)
	p, err := s.start("ray-operator", bins.Path("ray-operator"), "--kubeconfig="+s.Kubeconfig,
		"--enable-leader-election=false", "--metrics-addr=0", "--health-probe-bind-address="+probe,
		"--log-stdout-encoder=console")
	if err != nil {
		return err
	}
	return s.waitFor(ctx, "the KubeRay operator /readyz", p, func() error { return httpOK(nil, "http://"+probe+"/readyz", "") })
}

func (s *Stack) writeKubeconfig() error {
	s.Kubeconfig = filepath.Join(s.RunDir, "kubeconfig")
	return os.WriteFile(s.Kubeconfig, []byte(kubeconfig(s.Host, s.pki.caPEM, "token: "+s.AdminToken)), 0o600)
}

func kubeconfig(server string, caPEM []byte, userFields string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: sandbox
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: user
  user:
    %s
contexts:
- name: sandbox
  context: {cluster: sandbox, user: user}
current-context: sandbox
`, server, b64(caPEM), userFields)
}

// httpOK GETs url (over TLS trusting caPEM when given, with a bearer token when given) and wants 200.
func httpOK(caPEM []byte, url, token string) error {
	client := &http.Client{Timeout: 2 * time.Second}
	if caPEM != nil {
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: certPool(caPEM), MinVersion: tls.VersionTLS12}}
	}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d %s", url, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("kube: finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func freePorts2() (int, int, error) {
	a, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	defer a.Close()
	b, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	defer b.Close()
	return a.Addr().(*net.TCPAddr).Port, b.Addr().(*net.TCPAddr).Port, nil
}
