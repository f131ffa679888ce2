// SPDX-License-Identifier: MPL-2.0

package concurrency_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/inventory"
)

// How many of each resource the configuration makes: with the one transfer, more resources than
// -parallelism=10 lets Terraform run at once, so the provider always has requests in flight together.
const (
	workspaces = 3
	networks   = 3
)

// Why the terraform CLI on a built provider (acctest.CLI) rather than resource.Test: resource.Test
// serves the provider in-process and runs terraform with options we cannot set (-parallelism), and
// Terraform's logging settings (TF_LOG, TF_LOG_PROVIDER) reach a provider only as the environment of the
// plugin process Terraform starts. Built and run this way, the provider is started exactly as a user's
// `terraform apply` starts it, with its request/response body logging running on every call.
func TestAccConcurrentApplyDestroy(t *testing.T) {
	sb := acctest.Sandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// Debug logging of Terraform and the provider, to a file (NewCLI passes this environment on).
	t.Setenv("TF_LOG", "DEBUG")
	t.Setenv("TF_LOG_PROVIDER", "DEBUG")
	t.Setenv("TF_LOG_PATH", filepath.Join(t.TempDir(), "terraform.log"))
	prefix := acctest.RandomName()
	cli := acctest.NewCLI(t)
	cli.WriteConfig(configuration(prefix))
	gw := sb.Gateway()
	gw.ResetCalls()

	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-parallelism=10"); err != nil {
		t.Fatalf("terraform apply -parallelism=10: %v\n%s%s", err, unverified(gw.Calls()), out)
	}
	// The package's sandbox serves this test alone: everything in it is this configuration's.
	want := map[string]int{
		"fsx file system": workspaces, "fsx data repository association": workspaces,
		"ec2 security group": workspaces + networks, "ec2 placement group": networks,
		"ec2 launch template": networks, "datasync task": 1, "datasync location": 2,
	}
	inv := list(ctx, t, sb.AWSConfig())
	for _, kind := range inventory.Kinds {
		if len(inv[kind]) != want[kind] {
			t.Errorf("after apply the sandbox holds %d of %s, want %d (created twice or not at all):\n%s", len(inv[kind]), kind, want[kind], inv)
		}
	}
	if out, err := cli.Run("destroy", "-auto-approve", "-no-color", "-parallelism=10"); err != nil {
		t.Fatalf("terraform destroy -parallelism=10: %v\n%s%s", err, unverified(gw.Calls()), out)
	}
	if inv := list(ctx, t, sb.AWSConfig()); inv.Count() != 0 {
		t.Errorf("after destroy the sandbox still holds:\n%s", inv)
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

// list reads what the sandbox holds from the services themselves, never from Terraform's state.
func list(ctx context.Context, t *testing.T, cfg aws.Config) inventory.Inventory {
	t.Helper()
	inv, err := inventory.List(ctx, inventory.Options{AWS: cfg})
	if err != nil {
		t.Fatalf("listing the sandbox: %v", err)
	}
	return inv
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

// configuration: workspaces Lustre workspaces (each with its created security group and one data
// repository association), networks EFA networks, and a DataSync transfer from the data lake into the
// first workspace, run on apply. Variables come from the sandbox's TF_VAR_* environment.
func configuration(prefix string) string {
	return fmt.Sprintf(`
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
