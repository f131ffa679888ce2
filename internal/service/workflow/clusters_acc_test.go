// SPDX-License-Identifier: MPL-2.0

package workflow_test

import (
	"fmt"
	"math"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// testAccClustersWorkflow is four stages, each pinned whole to a pool of its own: two Slurm queues and two
// Ray worker groups, in a standing environment (environment_up defaults to true), priced from the offline
// catalogue (pricing_api = false), with no tasks on the Ray head (so the head's capacity leaves the schedule
// alone). q2 and g2 set the `cluster` of the second queue and worker group ("" leaves it unset).
func testAccClustersWorkflow(q2, g2 string) string {
	cluster := func(name string) string {
		if name == "" {
			return ""
		}
		return fmt.Sprintf("    cluster       = %q\n", name)
	}
	return fmt.Sprintf(`
data "rayhpc_stage_placement" "clusters" {
  stage {
    name       = "sim"
    task_count = 4
    runtime_s  = 600
    pin        = "q1"
  }
  stage {
    name       = "mesh"
    task_count = 4
    runtime_s  = 300
    pin        = "q2"
  }
  stage {
    name       = "post"
    task_count = 4
    runtime_s  = 200
    depends_on = ["sim"]
    pin        = "g1"
  }
  stage {
    name       = "viz"
    task_count = 4
    runtime_s  = 100
    depends_on = ["mesh"]
    pin        = "g2"
  }
  hpc {
    name          = "q1"
    instance_type = "c6i.xlarge"
    max_nodes     = 2
  }
  hpc {
    name          = "q2"
    instance_type = "c6i.xlarge"
    max_nodes     = 2
%s  }
  ray {
    name          = "g1"
    instance_type = "m6i.large"
    max_nodes     = 2
  }
  ray {
    name          = "g2"
    instance_type = "m6i.large"
    max_nodes     = 2
%s  }
  model_overrides = { ray_head_task_vcpus = 0 }
  pricing_api     = false
  objective       = "makespan"
  split_stages    = false
}
`, cluster(q2), cluster(g2))
}

// Through the terraform CLI: two queues without `cluster` are one ParallelCluster cluster and two worker
// groups one RayCluster, each cluster's fixed cost billed once; naming a cluster of its own for the second
// queue and the second worker group adds exactly one more head node (c6i.large, $0.085/h) and one more EKS
// control plane and Ray head (m6i.xlarge: $0.10 + $0.192 per hour) over the same makespan, computed by
// hand from the offline catalogue (us-east-1). A cluster name outside the rule fails the plan at the
// attribute (first: the harness destroys with the last step's configuration).
func TestAccStagePlacementDataSource_clusters(t *testing.T) {
	n := "data.rayhpc_stage_placement.clusters"
	var oneCost, oneMakespan float64
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      testAccClustersWorkflow("no spaces", ""),
			ExpectError: regexp.MustCompile(`(?s)hpc\[1\]\.cluster.*` + wrapped(`must be 1-128 characters of letters, digits, '_', '.' and '-'`)),
		}, {
			Config: testAccClustersWorkflow("", ""),
			Check: func(s *terraform.State) (err error) {
				rs := s.RootModule().Resources[n]
				if oneCost, err = attrFloat(rs, "cost_usd"); err != nil {
					return err
				}
				oneMakespan, err = attrFloat(rs, "makespan_s")
				return err
			},
		}, {
			Config: testAccClustersWorkflow("second", "second"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(n, tfjsonpath.New("stages").AtSliceIndex(1).AtMapKey("pool"), knownvalue.StringExact("q2")),
				statecheck.ExpectKnownValue(n, tfjsonpath.New("stages").AtSliceIndex(3).AtMapKey("pool"), knownvalue.StringExact("g2")),
			},
			Check: func(s *terraform.State) error {
				rs := s.RootModule().Resources[n]
				cost, err := attrFloat(rs, "cost_usd")
				if err != nil {
					return err
				}
				makespan, err := attrFloat(rs, "makespan_s")
				if err != nil {
					return err
				}
				want := oneCost + (0.085+0.10+0.192)*makespan/3600
				// cost_usd is rounded to 6 decimals: both sides within a rounding step each.
				if makespan != oneMakespan || makespan == 0 || math.Abs(cost-want) > 2e-6 {
					return fmt.Errorf("cost $%v over %v s, want $%v + $0.377/h over %v s = $%v", cost, makespan, oneCost, oneMakespan, want)
				}
				return nil
			},
		}},
	})
}
