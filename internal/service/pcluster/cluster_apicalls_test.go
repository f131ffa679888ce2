// SPDX-License-Identifier: MPL-2.0

package pcluster_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/pcluster"
)

// TestAccHPCCluster_APICalls measures, for make bench, the calls of one create, one refresh and one
// destroy of a standalone cluster (see acctest.APICalls for what each phase holds), and checks what must
// hold whatever the figures: one CreateCluster that creates (plus the plan's dry runs) and no fleet change
// per create, a refresh of DescribeCluster, DescribeClusterInstances and the configuration object, one
// DeleteCluster per destroy. Not parallel: the call log is the package's.
func TestAccHPCCluster_APICalls(t *testing.T) {
	acctest.PreCheck(t)
	calls := acctest.NewAPICalls(t)
	c := clusterConfig{name: acctest.RandomName(), subnet: acctest.Var(t, "subnet_id")}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             calls.CheckDestroy(testAccCheckClusterDestroy(t)),
		Steps:                    calls.Steps(c.standalone("", "c5.xlarge", c.subnet), resource.TestCheckResourceAttr(resName, "status", "CREATE_COMPLETE")),
	})
	if t.Failed() {
		return
	}
	t.Log(calls.Line("hpc_cluster", pcluster.ServiceName, "ec2", "s3"))
	calls.Check(t)
	api := pcluster.ServiceName
	for _, c := range []struct {
		phase string
		got   int
		op    string
		want  int
	}{
		{"create", acctest.CountOps(calls.Create, api, "UpdateComputeFleet"), "UpdateComputeFleet", 0},
		{"refresh", acctest.CountOps(calls.Refresh, api, "DescribeCluster"), "DescribeCluster", 1},
		{"refresh", acctest.CountOps(calls.Refresh, api, "DescribeClusterInstances"), "DescribeClusterInstances", 1},
		{"refresh", acctest.CountOps(calls.Refresh, "s3", "GetObject"), "s3:GetObject (the configuration)", 1},
		{"destroy", acctest.CountOps(calls.Destroy, api, "DeleteCluster"), "DeleteCluster", 1},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s called %d times, want %d", c.phase, c.op, c.got, c.want)
		}
	}
	// The create: the plan's dry run (once per plan) and exactly one CreateCluster that creates.
	if n := created(emulator(t), c.name); n != 1 {
		t.Errorf("create: %d clusters created, want 1", n)
	}
}
