// SPDX-License-Identifier: MPL-2.0

// Package acctest holds what every acceptance test shares: the in-process provider factories, a local
// sandbox per test package (started by RunMain), and small config and call-log helpers.
package acctest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/provider"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// ResourcePrefix starts the name of every resource an acceptance test creates; sweepers match it in the
// ownership tag (rayhpc:owner = <type>/<name>, package owner) of what those resources made.
const ResourcePrefix = "tf-acc-test"

// ProtoV6ProviderFactories serve the provider in-process to the terraform CLI the tests drive.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"rayhpc": providerserver.NewProtocol6WithError(provider.New("acctest")()),
}

var sb *sandbox.Sandbox

var (
	exitMu    sync.Mutex
	exitFuncs []func()
)

// atExit registers clean-up that RunMain runs after the package's tests (and the sandbox stop).
func atExit(f func()) {
	exitMu.Lock()
	exitFuncs = append(exitFuncs, f)
	exitMu.Unlock()
}

func runExitFuncs() {
	exitMu.Lock()
	defer exitMu.Unlock()
	for _, f := range exitFuncs {
		f()
	}
	exitFuncs = nil
}

// RunMain is each acceptance-test package's TestMain body. With TF_ACC set it starts a sandbox (moto +
// the AWS gateway, fast lifecycle timings), points the AWS SDK at it through the environment, runs the
// tests and stops the sandbox by PID, whatever the outcome.
//
// With the -sweep flag (go test ./internal/service/... -sweep=us-east-1) it hands over to
// resource.TestMain, which runs the package's sweepers and exits: they delete leftovers of acceptance
// tests in real AWS, through the normal credential chain, so no sandbox is started.
func RunMain(m *testing.M) {
	if sweepRequested() {
		resource.TestMain(m) // runs the sweepers, then exits
		return
	}
	code := runMain(m, false)
	runExitFuncs()
	os.Exit(code)
}

// RunMainKubernetes is RunMain for packages whose tests need the sandbox's Kubernetes control plane
// (the KubeRay operator, kwok nodes, the EKS cluster sandbox.EKSClusterName): it costs about 1 GB and
// 15 s more, and builds the stack first when the cache lacks it.
func RunMainKubernetes(m *testing.M) {
	if sweepRequested() {
		resource.TestMain(m)
		return
	}
	code := runMain(m, true)
	runExitFuncs()
	os.Exit(code)
}

// sweepRequested reports whether the -sweep flag (registered by helper/resource) was given.
func sweepRequested() bool {
	if !flag.Parsed() {
		flag.Parse()
	}
	f := flag.Lookup("sweep")
	return f != nil && f.Value.String() != ""
}

func runMain(m *testing.M, withKube bool) int {
	if RealAWS() {
		if err := exportRealAWSVars(); err != nil {
			fmt.Fprintf(os.Stderr, "exporting the real-AWS test variables: %s\n", err)
			return 1
		}
		return m.Run()
	}
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	ctx := context.Background()
	s, err := sandbox.Start(ctx, sandbox.Options{Timings: gateway.FastTimings(), Seed: true, Kubernetes: withKube})
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting the sandbox: %s\n", err)
		return 1
	}
	defer s.Stop() //nolint:errcheck // best effort at exit; Stop kills by PID
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		if err := os.Setenv(k, v); err != nil {
			fmt.Fprintf(os.Stderr, "setting %s: %s\n", k, err)
			return 1
		}
	}
	sb = s
	return m.Run()
}

// PreCheck skips nothing: it fails the test when the sandbox was expected but is not running.
func PreCheck(t *testing.T) {
	t.Helper()
	if sb == nil && !RealAWS() {
		t.Fatal("the sandbox is not running: the test package's TestMain must call acctest.RunMain")
	}
}

// Sandbox returns the package's running sandbox. A test that needs it (the gateway's call log, fault
// injection, an emulator) fails on real AWS, saying so: it is never skipped.
func Sandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	if sb == nil {
		if RealAWS() {
			t.Fatal(sandboxOnlyMessage(t.Name()))
		}
		t.Fatal("the sandbox is not running: the test package's TestMain must call acctest.RunMain (with TF_ACC=1)")
	}
	return sb
}

// Gateway returns the sandbox's AWS gateway (call log, fault injection).
func Gateway(t *testing.T) *gateway.Gateway {
	t.Helper()
	return Sandbox(t).Gateway()
}

// Var returns a value the test environment provides: what the sandbox seeded (data_lake_bucket,
// subnet_id, vpc_id, region, ...) or, on real AWS, the RealAWSVars environment variable for it; a missing
// one fails the test naming the variable.
func Var(t *testing.T, name string) string {
	t.Helper()
	if sb == nil && RealAWS() {
		return realAWSValue(t, name)
	}
	v, ok := Sandbox(t).Vars()[name]
	if !ok {
		t.Fatalf("the sandbox seeded no %q", name)
	}
	return v
}

// RandomName returns a fresh name with the test prefix.
func RandomName() string {
	return sdkacctest.RandomWithPrefix(ResourcePrefix)
}

// ConfigCompose joins configuration fragments.
func ConfigCompose(parts ...string) string {
	return strings.Join(parts, "\n")
}
