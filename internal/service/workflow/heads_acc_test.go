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

// testAccHeadsWorkflow is one stage pinned to an HPC pool and one to a Ray pool, each stage placed whole
// (split_stages = false, objective makespan), in a standing environment (environment_up defaults to true):
// both head nodes are billed for the whole makespan whatever they cost. heads sets the head node types.
func testAccHeadsWorkflow(heads string) string {
	return fmt.Sprintf(`
data "rayhpc_stage_placement" "heads" {
%s
  stage {
    name       = "sim"
    task_count = 8
    runtime_s  = 600
    pin        = "hpc"
  }
  stage {
    name       = "post"
    task_count = 8
    runtime_s  = 300
    depends_on = ["sim"]
    pin        = "ray"
  }
  hpc {
    name          = "hpc"
    instance_type = "c6i.xlarge"
    max_nodes     = 2
  }
  ray {
    name          = "ray"
    instance_type = "m6i.large"
    max_nodes     = 2
  }
  objective    = "makespan"
  split_stages = false
}
`, heads)
}

// The head node instance types set in HCL, through the terraform CLI and the Price List API: the
// placement is the same (same makespan), and its cost grows by the head nodes' price difference over the
// makespan, computed by hand from the sandbox's us-east-1 prices (AWS EC2 On-Demand pricing page, Linux):
// c5n.large $0.108 against c6i.large $0.085, m6i.2xlarge $0.384 against m6i.xlarge $0.192, so $0.215 per
// hour more. price_sources names the types and the Price List. A type the catalogue does not know, and a
// Ray head too small for the head's task memory (8 GiB on a 4 GiB c6i.large), fail the plan at the
// attribute with the rule (first: the harness destroys with the last step's configuration).
func TestAccStagePlacementDataSource_headNodeTypes(t *testing.T) {
	n := "data.rayhpc_stage_placement.heads"
	var baseCost, baseMakespan float64
	src := func(k string) tfjsonpath.Path { return tfjsonpath.New("price_sources").AtMapKey(k) }
	api := "AWS Price List API, us-east-1, on demand, Linux"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccHeadsWorkflow(`  hpc_head_node_instance_type = "t3.medium"`),
			ExpectError: regexp.MustCompile(`(?s)Invalid head node instance type.*hpc_head_node_instance_type = "t3.medium".*` +
				wrapped(`hpc_head_node_instance_type: the ParallelCluster head node must be an instance type of the catalog, which prices it: "t3.medium" is not one`)),
		}, {
			Config: testAccHeadsWorkflow(`  ray_head_node_instance_type = "c6i.large"`),
			ExpectError: regexp.MustCompile(`(?s)Invalid head node instance type.*ray_head_node_instance_type = "c6i.large".*` +
				wrapped(`ray_head_task_memory_gib and ray_head_node_instance_type: the Ray head's task memory (8 GiB) must not exceed the 4 GiB of its instance type c6i.large`)),
		}, {
			Config: testAccHeadsWorkflow(""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(n, src("hpc_head_node"), knownvalue.StringExact(api+" (c6i.large)")),
				statecheck.ExpectKnownValue(n, src("ray_head_node"), knownvalue.StringExact(api+" (m6i.xlarge)")),
			},
			Check: func(s *terraform.State) (err error) {
				rs := s.RootModule().Resources[n]
				if baseCost, err = attrFloat(rs, "cost_usd"); err != nil {
					return err
				}
				baseMakespan, err = attrFloat(rs, "makespan_s")
				return err
			},
		}, {
			// The head node type of the examples, the demo and the hybrid-environment module: c5.xlarge at the
			// Price List's $0.17 (the sandbox serves it), $0.085 per hour more than c6i.large.
			Config: testAccHeadsWorkflow(`  hpc_head_node_instance_type = "c5.xlarge"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(n, src("hpc_head_node"), knownvalue.StringExact(api+" (c5.xlarge)")),
			},
			Check: func(s *terraform.State) error {
				return checkHeadCost(s.RootModule().Resources[n], baseCost, baseMakespan, 0.17-0.085)
			},
		}, {
			Config: testAccHeadsWorkflow(`  hpc_head_node_instance_type = "c5n.large"
  ray_head_node_instance_type = "m6i.2xlarge"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(n, src("hpc_head_node"), knownvalue.StringExact(api+" (c5n.large)")),
				statecheck.ExpectKnownValue(n, src("ray_head_node"), knownvalue.StringExact(api+" (m6i.2xlarge)")),
				statecheck.ExpectKnownValue(n, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("pool"), knownvalue.StringExact("hpc")),
				statecheck.ExpectKnownValue(n, tfjsonpath.New("stages").AtSliceIndex(1).AtMapKey("pool"), knownvalue.StringExact("ray")),
			},
			Check: func(s *terraform.State) error {
				return checkHeadCost(s.RootModule().Resources[n], baseCost, baseMakespan, 0.108-0.085+0.384-0.192)
			},
		}},
	})
}

// checkHeadCost checks that the placement rs has the makespan of the base placement and costs usdPerHour
// more over it: the head nodes' price difference.
func checkHeadCost(rs *terraform.ResourceState, baseCost, baseMakespan, usdPerHour float64) error {
	cost, err := attrFloat(rs, "cost_usd")
	if err != nil {
		return err
	}
	makespan, err := attrFloat(rs, "makespan_s")
	if err != nil {
		return err
	}
	want := baseCost + usdPerHour*makespan/3600
	// cost_usd is rounded to 6 decimals: both sides within a rounding step each.
	if makespan != baseMakespan || makespan == 0 || math.Abs(cost-want) > 2e-6 {
		return fmt.Errorf("cost $%v over %v s, want $%v + $%v/h over %v s = $%v", cost, makespan, baseCost, usdPerHour, baseMakespan, want)
	}
	return nil
}
