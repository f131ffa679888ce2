// SPDX-License-Identifier: MPL-2.0

//go:build unix

package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// CLI drives the real terraform CLI against a provider binary built from this module (a dev_overrides
// CLI configuration, no registry), in a working directory of its own, so that a test can do what the
// in-process test harness cannot: kill terraform — and the provider with it — in the middle of an apply
// or a destroy, as a crash would, then run terraform again on the same state.
//
//	cli := acctest.NewCLI(t)
//	cli.WriteConfig(config)                     // provider "rayhpc" {} and required_providers are added
//	cli.KillDuringApply(func(calls []gateway.Call) bool { return acctest.CountOps(calls, "fsx", "CreateFileSystem") > 0 })
//	cli.Apply()                                 // converges from where the crash left it
//	cli.Destroy()
//
// Apply and Destroy fail the test when terraform fails; Run returns the output and the error instead.
// The sandbox environment (endpoints, credentials, poll interval) reaches terraform and the provider
// through the process environment that RunMain set. The call-log predicates see the whole package's
// log, so tests using KillDuring* must not run in parallel with other tests of their package (or must
// match only their own calls).
type CLI struct {
	t   *testing.T
	Dir string
	env []string
}

var (
	providerBuild     sync.Once
	providerBuildDir  string
	providerBuildErr  error
	providerBuildTime time.Duration
)

// buildProvider builds the provider binary once per test binary into a directory removed by RunMain.
func buildProvider() (string, error) {
	providerBuild.Do(func() {
		start := time.Now()
		dir, err := os.MkdirTemp("", "rayhpc-provider-")
		if err != nil {
			providerBuildErr = err
			return
		}
		atExit(func() { _ = os.RemoveAll(dir) })
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-rayhpc"), "github.com/rayhpc/terraform-provider-rayhpc")
		if out, err := cmd.CombinedOutput(); err != nil {
			providerBuildErr = fmt.Errorf("building the provider: %w\n%s", err, out)
			return
		}
		providerBuildDir, providerBuildTime = dir, time.Since(start)
	})
	return providerBuildDir, providerBuildErr
}

// NewCLI builds the provider (once per test binary) and prepares an empty working directory with a CLI
// configuration whose dev_overrides point at it.
func NewCLI(t *testing.T) *CLI {
	t.Helper()
	PreCheck(t)
	bin, err := buildProvider()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("provider binary built in %s", providerBuildTime.Round(time.Millisecond))
	dir := t.TempDir()
	rc := filepath.Join(dir, "terraformrc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", "rayhpc/rayhpc", bin)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	return &CLI{t: t, Dir: work, env: env}
}

func terraformPath() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// WriteConfig writes main.tf: the rayhpc provider requirement and an empty provider block, then config.
func (c *CLI) WriteConfig(config string) {
	c.t.Helper()
	hcl := "terraform {\n  required_providers {\n    rayhpc = { source = \"rayhpc/rayhpc\" }\n  }\n}\n\nprovider \"rayhpc\" {}\n\n" + config
	if err := os.WriteFile(filepath.Join(c.Dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

func (c *CLI) command(ctx context.Context, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, terraformPath(), args...)
	cmd.Dir, cmd.Env = c.Dir, c.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// Its own process group, so that a kill takes the provider plugin (terraform's child) with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	return cmd, &out
}

// cliTimeout bounds one terraform command.
const cliTimeout = 10 * time.Minute

// Run runs terraform with args and returns its combined output.
func (c *CLI) Run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd, out := c.command(ctx, args...)
	err := cmd.Run()
	return out.String(), err
}

// Apply runs terraform apply -auto-approve and fails the test when it fails.
func (c *CLI) Apply() string {
	c.t.Helper()
	out, err := c.Run("apply", "-auto-approve", "-no-color")
	if err != nil {
		c.t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	return out
}

// Destroy runs terraform destroy -auto-approve and fails the test when it fails.
func (c *CLI) Destroy() string {
	c.t.Helper()
	out, err := c.Run("destroy", "-auto-approve", "-no-color")
	if err != nil {
		c.t.Fatalf("terraform destroy: %v\n%s", err, out)
	}
	return out
}

// KillDuringApply starts terraform apply and kills it (SIGKILL to terraform and the provider) as soon as
// when holds for the sandbox's call log; it fails the test when apply ended before that.
func (c *CLI) KillDuringApply(when func([]gateway.Call) bool) string {
	c.t.Helper()
	return c.KillDuring(when, "apply", "-auto-approve", "-no-color")
}

// KillDuringDestroy is KillDuringApply for terraform destroy.
func (c *CLI) KillDuringDestroy(when func([]gateway.Call) bool) string {
	c.t.Helper()
	return c.KillDuring(when, "destroy", "-auto-approve", "-no-color")
}

// killPoll is how often KillDuring reads the call log.
const killPoll = 10 * time.Millisecond

// KillDuring runs terraform with args and kills its process group when when holds.
func (c *CLI) KillDuring(when func([]gateway.Call) bool, args ...string) string {
	c.t.Helper()
	gw := Gateway(c.t)
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd, out := c.command(ctx, args...)
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(killPoll)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			c.t.Fatalf("terraform %s ended (%v) before the kill condition held:\n%s", args[0], err, out)
		case <-tick.C:
			if !when(gw.Calls()) {
				continue
			}
			if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
				c.t.Fatalf("killing terraform: %v", err)
			}
			err := <-done
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				c.t.Fatalf("terraform after the kill: %v", err)
			}
			c.t.Logf("killed terraform %s (%s)", args[0], ee)
			return out.String()
		}
	}
}

// StateResources lists the addresses and IDs of the resources terraform's state holds (terraform show).
func (c *CLI) StateResources() map[string]string {
	c.t.Helper()
	res := map[string]string{}
	for addr, values := range c.StateValues() {
		id, _ := values["id"].(string)
		res[addr] = id
	}
	return res
}

// StateValues returns the attribute values of each resource of the root module's state by address
// (terraform show -json), for_each instances included (`type.name["key"]`).
func (c *CLI) StateValues() map[string]map[string]any {
	c.t.Helper()
	out, err := c.Run("show", "-json")
	if err != nil {
		c.t.Fatalf("terraform show: %v\n%s", err, out)
	}
	var doc struct {
		Values *struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		c.t.Fatalf("reading terraform show -json: %v\n%s", err, out)
	}
	res := map[string]map[string]any{}
	if doc.Values != nil {
		for _, r := range doc.Values.RootModule.Resources {
			res[r.Address] = r.Values
		}
	}
	return res
}

// Plan runs terraform plan -detailed-exitcode and reports whether it shows changes.
func (c *CLI) Plan() (changes bool, out string) {
	c.t.Helper()
	out, err := c.Run("plan", "-detailed-exitcode", "-no-color")
	var ee *exec.ExitError
	switch {
	case err == nil:
		return false, out
	case errors.As(err, &ee) && ee.ExitCode() == 2:
		return true, out
	}
	c.t.Fatalf("terraform plan: %v\n%s", err, out)
	return false, out
}

// CallsSince returns the calls logged after the first n (for predicates counting a phase's calls).
func CallsSince(calls []gateway.Call, n int) []gateway.Call {
	if n >= len(calls) {
		return nil
	}
	return calls[n:]
}

// HasCall reports whether calls contain service:operation.
func HasCall(calls []gateway.Call, service, operation string) bool {
	return CountOps(calls, service, operation) > 0
}
