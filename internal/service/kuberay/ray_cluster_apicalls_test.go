// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// TestAccKubeRayRayCluster_APICalls measures, for make bench, the AWS calls of one create, one refresh
// and one destroy of a GPU Ray cluster (EKS DescribeCluster for the endpoint, EC2 DescribeInstanceTypes for
// the plan-time GPU check; the Kubernetes calls go to the apiserver, not AWS), and checks that the
// refresh mutates nothing in AWS and that the cluster's endpoint is read once per operation. Not
// parallel, so the call log holds only its calls.
func TestAccKubeRayRayCluster_APICalls(t *testing.T) {
	skipUnlessAcc(t)
	acctest.PreCheck(t)
	calls := acctest.NewAPICalls(t)
	cfg := testAccConfig(clusterOpts{name: acctest.RandomName(), workers: workerGroup("gpu", 1,
		"gpu = 1\n    node_selector = { \"node.kubernetes.io/instance-type\" = \"g5.xlarge\" }")})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             calls.CheckDestroy(testAccCheckDestroy(t)),
		Steps:                    calls.Steps(cfg),
	})
	if t.Failed() {
		return
	}
	t.Log(calls.Line("ray_cluster", "eks", "ec2"))
	calls.Check(t)
	for phase, log := range map[string]int{"refresh": acctest.CountOps(calls.Refresh, "eks", "*"), "destroy": acctest.CountOps(calls.Destroy, "eks", "*")} {
		if log != 1 {
			t.Errorf("%s: %d EKS calls, want 1 DescribeCluster (the client is built once per provider run)", phase, log)
		}
	}
}
