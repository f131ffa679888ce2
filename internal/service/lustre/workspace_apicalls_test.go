// SPDX-License-Identifier: MPL-2.0

package lustre_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// TestAccLustreWorkspace_APICalls measures, for make bench, the AWS calls of one create, one refresh and
// one destroy of a workspace with one data repository association (see acctest.APICalls for what each
// phase holds), and checks what must hold whatever the figures: one CreateFileSystem and one
// CreateDataRepositoryAssociation per create, no mutating call on refresh, one DeleteFileSystem and one
// DeleteSecurityGroup per destroy. Not parallel: the call log is the package's.
func TestAccLustreWorkspace_APICalls(t *testing.T) {
	setup(t)
	calls := acctest.NewAPICalls(t)
	cfg := wsConfig{name: acctest.RandomName(), throughput: 125, repos: []string{repo("/raw", "raw/", "")}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             calls.CheckDestroy(testAccCheckWorkspaceDestroy(t)),
		Steps:                    calls.Steps(cfg.String(), testAccCheckWorkspaceExists(t, resName), resource.TestCheckResourceAttr(resName, "data_repository.#", "1")),
	})
	if t.Failed() {
		return
	}
	t.Log(calls.Line("lustre_workspace", "fsx", "ec2"))
	calls.Check(t)
	for _, c := range []struct {
		phase   string
		calls   int
		service string
		op      string
		want    int
	}{
		{"create", acctest.CountOps(calls.Create, "fsx", "CreateFileSystem"), "fsx", "CreateFileSystem", 1},
		{"create", acctest.CountOps(calls.Create, "fsx", "CreateDataRepositoryAssociation"), "fsx", "CreateDataRepositoryAssociation", 1},
		{"create", acctest.CountOps(calls.Create, "ec2", "CreateSecurityGroup"), "ec2", "CreateSecurityGroup", 1},
		{"destroy", acctest.CountOps(calls.Destroy, "fsx", "DeleteFileSystem"), "fsx", "DeleteFileSystem", 1},
		{"destroy", acctest.CountOps(calls.Destroy, "ec2", "DeleteSecurityGroup"), "ec2", "DeleteSecurityGroup", 1},
		// Deleting the file system deletes its associations: no separate call.
		{"destroy", acctest.CountOps(calls.Destroy, "fsx", "DeleteDataRepositoryAssociation"), "fsx", "DeleteDataRepositoryAssociation", 0},
	} {
		if c.calls != c.want {
			t.Errorf("%s: %s:%s called %d times, want %d", c.phase, c.service, c.op, c.calls, c.want)
		}
	}
	// The refresh reads the file system, its associations and its security group, and nothing else.
	if n := acctest.CountOps(calls.Refresh, "fsx", "DescribeFileSystems"); n != 1 {
		t.Errorf("refresh: fsx:DescribeFileSystems called %d times, want 1", n)
	}
}
