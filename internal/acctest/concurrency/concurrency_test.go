// SPDX-License-Identifier: MPL-2.0

package concurrency_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// How many of each resource the configuration makes: with the one transfer, more resources than
// -parallelism=10 lets Terraform run at once, so the provider always has requests in flight together.
const (
	workspaces = 3
	networks   = 3
)

// Why the terraform CLI through terraform-exec, against a provider binary built here: resource.Test
// serves the provider in-process and runs terraform with options we cannot set (-parallelism), and
// Terraform's logging settings (TF_LOG, TF_LOG_PROVIDER) reach a provider only as the environment of
// the plugin process Terraform starts. Built and run this way, the provider is started exactly as a
// user's `terraform apply` starts it, with its request/response body logging running on every call.
func TestAccConcurrentApplyDestroy(t *testing.T) {
	sb := acctest.Sandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	prefix := acctest.RandomName()
	tf, out, vars := newTerraform(ctx, t, prefix)
	gw := sb.Gateway()
	gw.ResetCalls()

	if err := tf.Apply(ctx, append([]tfexec.ApplyOption{tfexec.Parallelism(10)}, applyVars(vars)...)...); err != nil {
		t.Fatalf("terraform apply -parallelism=10: %v\n%s%s", err, unverified(gw.Calls()), out)
	}
	inv := takeInventory(ctx, t, sb.AWSConfig(), prefix)
	want := inventory{
		fileSystems: workspaces, associations: workspaces, securityGroups: workspaces + networks,
		placementGroups: networks, launchTemplates: networks, tasks: 1, locations: 2,
	}
	if inv != want {
		t.Errorf("after apply the sandbox holds %+v, want %+v (something was created twice or not at all)", inv, want)
	}
	if err := tf.Destroy(ctx, append([]tfexec.DestroyOption{tfexec.Parallelism(10)}, destroyVars(vars)...)...); err != nil {
		t.Fatalf("terraform destroy -parallelism=10: %v\n%s%s", err, unverified(gw.Calls()), out)
	}
	if inv := takeInventory(ctx, t, sb.AWSConfig(), prefix); inv != (inventory{}) {
		t.Errorf("after destroy the sandbox still holds %+v", inv)
	}

	calls := gw.Calls()
	if msg := unverified(calls); msg != "" {
		t.Errorf("%s", msg)
	}
	if n := acctest.CountOps(calls, "fsx", "CreateFileSystem"); n < workspaces {
		t.Errorf("%d CreateFileSystem calls for %d workspaces: the apply did not run what it should", n, workspaces)
	}
	t.Logf("%d AWS calls, all signatures verified", len(calls))
}

func applyVars(vars []*tfexec.VarOption) []tfexec.ApplyOption {
	out := make([]tfexec.ApplyOption, len(vars))
	for i, v := range vars {
		out[i] = v
	}
	return out
}

func destroyVars(vars []*tfexec.VarOption) []tfexec.DestroyOption {
	out := make([]tfexec.DestroyOption, len(vars))
	for i, v := range vars {
		out[i] = v
	}
	return out
}

// unverified lists the calls whose signature did not verify (empty when all did).
func unverified(calls []gateway.Call) string {
	var b strings.Builder
	for _, c := range calls {
		if !c.SignatureVerified {
			fmt.Fprintf(&b, "  %s %s:%s -> %d: %s\n", c.Time.Format("15:04:05.000"), c.Service, c.Operation, c.Status, c.SignatureError)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "requests that reached the sandbox other than as they were signed:\n" + b.String()
}

// newTerraform builds the provider into a temporary directory, writes a CLI configuration whose
// dev_overrides points rayhpc/rayhpc at it and the configuration under test, and returns terraform-exec
// set up with debug logging (core and provider) to a file, the buffer collecting terraform's output, and
// the sandbox's TF_VAR_* values as -var options (terraform-exec refuses them in the environment).
func newTerraform(ctx context.Context, t *testing.T, prefix string) (*tfexec.Terraform, *bytes.Buffer, []*tfexec.VarOption) {
	t.Helper()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	root := moduleRoot(t)
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, "terraform-provider-rayhpc"), ".")
	build.Dir = root
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, b)
	}
	cliConfig := filepath.Join(tmp, "terraformrc")
	writeFile(t, cliConfig, fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"rayhpc/rayhpc\" = %q\n  }\n  direct {}\n}\n", bin))
	work := filepath.Join(tmp, "work")
	writeFile(t, filepath.Join(work, "main.tf"), configuration(prefix))

	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		var err error
		if terraform, err = exec.LookPath("terraform"); err != nil {
			t.Fatalf("the terraform CLI is needed (TF_ACC_TERRAFORM_PATH or PATH): %v", err)
		}
	}
	tf, err := tfexec.NewTerraform(work, terraform)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	var vars []*tfexec.VarOption
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if name, ok := strings.CutPrefix(k, "TF_VAR_"); ok {
			if strings.Contains(configuration(prefix), "variable \""+name+"\"") {
				vars = append(vars, tfexec.Var(name+"="+v))
			}
			continue
		}
		env[k] = v
	}
	env["TF_CLI_CONFIG_FILE"] = cliConfig
	env["CHECKPOINT_DISABLE"] = "1"
	for _, k := range []string{"TF_LOG", "TF_LOG_CORE", "TF_LOG_PROVIDER", "TF_LOG_PATH", "TF_REATTACH_PROVIDERS", "TF_APPEND_USER_AGENT", "TF_INPUT", "TF_IN_AUTOMATION", "TF_WORKSPACE"} {
		delete(env, k) // terraform-exec sets these itself and refuses them here
	}
	if err := tf.SetEnv(env); err != nil {
		t.Fatal(err)
	}
	// TF_LOG=DEBUG and TF_LOG_PROVIDER=DEBUG: the provider logs every request and response body.
	if err := tf.SetLog("DEBUG"); err != nil {
		t.Fatal(err)
	}
	if err := tf.SetLogProvider("DEBUG"); err != nil {
		t.Fatal(err)
	}
	if err := tf.SetLogPath(filepath.Join(tmp, "terraform.log")); err != nil {
		t.Fatal(err)
	}
	out := &bytes.Buffer{}
	tf.SetStdout(out)
	tf.SetStderr(out)
	return tf, out, vars
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	b, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(b)) == "" {
		t.Fatalf("finding the module root: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(b)))
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// configuration: workspaces Lustre workspaces (each with its created security group and one data
// repository association), networks EFA networks, and a DataSync transfer from the data lake into the
// first workspace, run on apply. Variables come from the sandbox's TF_VAR_* environment.
func configuration(prefix string) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    rayhpc = { source = "rayhpc/rayhpc" }
  }
}

variable "region" { type = string }
variable "account_id" { type = string }
variable "subnet_id" { type = string }
variable "data_lake_bucket" { type = string }
variable "datasync_role_arn" { type = string }

resource "rayhpc_lustre_workspace" "ws" {
  count                       = %[2]d
  name                        = "%[1]s-ws-${count.index}"
  deployment_type             = "PERSISTENT_2"
  storage_capacity_gib        = 1200
  per_unit_storage_throughput = 125
  subnet_id                   = var.subnet_id
  allowed_cidr_blocks         = ["10.0.0.0/16"]

  data_repository {
    file_system_path = "/raw"
    s3_uri           = "s3://${var.data_lake_bucket}/raw/"
  }
}

resource "rayhpc_efa_network" "net" {
  count         = %[3]d
  name          = "%[1]s-efa-${count.index}"
  subnet_id     = var.subnet_id
  instance_type = "c5n.18xlarge"
}

resource "rayhpc_datasync_transfer" "ingest" {
  name = "%[1]s-ingest"
  source = {
    s3 = {
      bucket_arn             = "arn:aws:s3:::${var.data_lake_bucket}"
      subdirectory           = "/raw"
      bucket_access_role_arn = var.datasync_role_arn
    }
  }
  destination = {
    lustre = {
      workspace_id        = rayhpc_lustre_workspace.ws[0].id
      subdirectory        = "/ingest"
      security_group_arns = ["arn:aws:ec2:${var.region}:${var.account_id}:security-group/${rayhpc_lustre_workspace.ws[0].security_group_id}"]
    }
  }
  run_on_apply        = true
  wait_for_completion = true
}
`, prefix, workspaces, networks)
}
