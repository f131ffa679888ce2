// SPDX-License-Identifier: MPL-2.0

package kube

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Versions of what the stack is built from. Kubernetes is built through a wrapper module that pins its
// staging modules (k8s.io/api, k8s.io/client-go, ...) to their published v0.34.4 releases, since
// k8s.io/kubernetes itself replaces them with ./staging directories.
const (
	EtcdVersion       = "v3.6.16"
	KubernetesVersion = "v1.34.4"
	KubeRayVersion    = "v1.5.0"
	KwokVersion       = "v0.8.0"
)

// modules holds the wrapper modules' go.mod and go.sum (pinned, checked in) and their tools.go.
//
//go:embed modules
var modules embed.FS

// component is one wrapper module and what is built from it.
type component struct {
	name    string   // directory under modules/ and under the cache's src/
	pkgs    []string // packages built
	bins    []string // binary names, one per package
	ldflags string
}

func components() []component {
	ld := "-s -w"
	for _, p := range []string{"k8s.io/component-base/version", "k8s.io/client-go/pkg/version"} {
		ld += fmt.Sprintf(" -X %[1]s.gitVersion=%[2]s -X %[1]s.gitMajor=1 -X %[1]s.gitMinor=34 -X %[1]s.gitTreeState=clean"+
			" -X %[1]s.buildDate=1970-01-01T00:00:00Z", p, KubernetesVersion)
	}
	return []component{
		{name: "etcd", pkgs: []string{"go.etcd.io/etcd/server/v3"}, bins: []string{"etcd"}, ldflags: "-s -w"},
		{name: "kubernetes", ldflags: ld,
			pkgs: []string{"k8s.io/kubernetes/cmd/kube-apiserver", "k8s.io/kubernetes/cmd/kube-controller-manager", "k8s.io/kubernetes/cmd/kube-scheduler"},
			bins: []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler"}},
		{name: "kuberay", pkgs: []string{"github.com/ray-project/kuberay/ray-operator"}, bins: []string{"ray-operator"}, ldflags: "-s -w"},
		{name: "kwok", pkgs: []string{"sigs.k8s.io/kwok/cmd/kwok"}, bins: []string{"kwok"}, ldflags: "-s -w"},
	}
}

// CacheDir is where binaries and wrapper modules are kept between runs: $RAYHPC_K8S_CACHE, else
// $XDG_CACHE_HOME/rayhpc-k8s, else ~/.cache/rayhpc-k8s.
func CacheDir() (string, error) {
	if d := os.Getenv("RAYHPC_K8S_CACHE"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "rayhpc-k8s"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("kube: no cache directory (set RAYHPC_K8S_CACHE): %w", err)
	}
	return filepath.Join(home, ".cache", "rayhpc-k8s"), nil
}

// Binaries are the built executables of the stack.
type Binaries struct {
	Dir string // holds etcd, kube-apiserver, kube-controller-manager, kube-scheduler, ray-operator, kwok
	// CRDDir is the KubeRay module's config/crd/bases in the module cache (RayCluster, RayJob, RayService).
	CRDDir string
	// KwokStage is kwok's kustomize/stage directory in the module cache (node and pod lifecycles).
	KwokStage string
}

// Path returns the path of a binary.
func (b Binaries) Path(name string) string { return filepath.Join(b.Dir, name) }

// Build builds every binary of the stack that is missing or stale (its version stamp differs) into the
// cache and returns where they are. The first build takes about 15 minutes on 2 cores and fills the Go
// caches with about 6.5 GB; later calls return at once. log receives progress lines (may be nil).
func Build(ctx context.Context, log io.Writer) (Binaries, error) {
	if log == nil {
		log = io.Discard
	}
	root, err := CacheDir()
	if err != nil {
		return Binaries{}, err
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return Binaries{}, fmt.Errorf("kube: the go command is needed to build the Kubernetes stack: %w", err)
	}
	goVersion, err := goOutput(ctx, goBin, "", "env", "GOVERSION")
	if err != nil {
		return Binaries{}, err
	}
	bins := Binaries{Dir: filepath.Join(root, "bin")}
	if err := os.MkdirAll(bins.Dir, 0o755); err != nil {
		return Binaries{}, err
	}
	for _, c := range components() {
		src := filepath.Join(root, "src", c.name)
		stamp, err := writeModule(c, src, goVersion)
		if err != nil {
			return Binaries{}, err
		}
		if c.fresh(bins.Dir, stamp) {
			continue
		}
		fmt.Fprintf(log, "kube: building %s (%s); the first build of the Kubernetes stack takes about 15 minutes\n", c.name, strings.Join(c.bins, ", "))
		t0 := time.Now()
		args := append([]string{"build", "-trimpath", "-ldflags", c.ldflags, "-o", bins.Dir + string(os.PathSeparator)}, c.pkgs...)
		if len(c.pkgs) == 1 {
			args = append([]string{"build", "-trimpath", "-ldflags", c.ldflags, "-o", bins.Path(c.bins[0])}, c.pkgs...)
		}
		if _, err := goOutput(ctx, goBin, src, args...); err != nil {
			return Binaries{}, fmt.Errorf("kube: building %s: %w", c.name, err)
		}
		for _, b := range c.bins {
			if err := os.WriteFile(stampFile(bins.Dir, b), []byte(stamp), 0o644); err != nil {
				return Binaries{}, err
			}
		}
		fmt.Fprintf(log, "kube: built %s in %s\n", c.name, time.Since(t0).Round(time.Second))
	}
	if bins.CRDDir, err = moduleDir(ctx, goBin, filepath.Join(root, "src", "kuberay"), "github.com/ray-project/kuberay/ray-operator@"+KubeRayVersion); err != nil {
		return Binaries{}, err
	}
	bins.CRDDir = filepath.Join(bins.CRDDir, "config", "crd", "bases")
	if bins.KwokStage, err = moduleDir(ctx, goBin, filepath.Join(root, "src", "kwok"), "sigs.k8s.io/kwok@"+KwokVersion); err != nil {
		return Binaries{}, err
	}
	bins.KwokStage = filepath.Join(bins.KwokStage, "kustomize", "stage")
	return bins, nil
}

// writeModule writes the component's wrapper module into src and returns its version stamp: a hash of
// the module files, the linker flags and the Go version, so any change rebuilds.
func writeModule(c component, src, goVersion string) (string, error) {
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	h := sha256.New()
	for _, f := range []struct{ from, to string }{{"go.mod.txt", "go.mod"}, {"go.sum.txt", "go.sum"}, {"tools.go.txt", "tools.go"}} {
		b, err := modules.ReadFile("modules/" + c.name + "/" + f.from)
		if err != nil {
			return "", fmt.Errorf("kube: embedded wrapper module %s: %w", c.name, err)
		}
		h.Write(b)
		to := filepath.Join(src, f.to)
		if old, err := os.ReadFile(to); err == nil && bytes.Equal(old, b) {
			continue
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			return "", err
		}
	}
	fmt.Fprintf(h, "\x00%s\x00%s", c.ldflags, goVersion)
	return hex.EncodeToString(h.Sum(nil)), nil
}

func stampFile(dir, bin string) string { return filepath.Join(dir, "."+bin+".stamp") }

func (c component) fresh(dir, stamp string) bool {
	for _, b := range c.bins {
		if st, err := os.Stat(filepath.Join(dir, b)); err != nil || st.Mode()&0o111 == 0 {
			return false
		}
		if s, err := os.ReadFile(stampFile(dir, b)); err != nil || string(s) != stamp {
			return false
		}
	}
	return true
}

func moduleDir(ctx context.Context, goBin, src, mod string) (string, error) {
	out, err := goOutput(ctx, goBin, src, "mod", "download", "-json", mod)
	if err != nil {
		return "", err
	}
	var m struct{ Dir string }
	if err := json.Unmarshal([]byte(out), &m); err != nil || m.Dir == "" {
		return "", fmt.Errorf("kube: locating %s in the module cache: %q", mod, out)
	}
	return m.Dir, nil
}

// goOutput runs the go command in dir (outside any workspace, with module downloads allowed by the
// pinned go.sum) and returns its trimmed standard output.
func goOutput(ctx context.Context, goBin, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=readonly"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, tail(stderr.String(), 4000))
	}
	return strings.TrimSpace(stdout.String()), nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
