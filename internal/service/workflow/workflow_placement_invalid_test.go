// SPDX-License-Identifier: MPL-2.0

package workflow_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// Plan-time errors: an infeasible stage and invalid inputs fail the plan, and nothing is written.
// Not parallel, so the S3 call count is this test's own.
func TestAccWorkflowPlacement_planTimeErrors(t *testing.T) {
	bucket := acctest.Var(t, "data_lake_bucket")
	gw := acctest.Gateway(t)
	puts := gw.CountCalls("s3", "PutObject")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "rayhpc_workflow_placement" "test" {
  stage {
    name       = "train"
    task_count = 2
    runtime_s  = 100
    gpus       = 2
  }
  manifest {
    bucket = %q
    key    = "placements/infeasible.json"
  }
}
`, bucket),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)no feasible placement for stage "train".*GPUs`),
			},
			{
				Config: fmt.Sprintf(`
resource "rayhpc_workflow_placement" "test" {
  stage {
    name       = "a"
    task_count = 1
    runtime_s  = 1
    pin        = "slurm"
  }
  manifest {
    bucket = %q
    key    = "placements/invalid.json"
  }
}
`, bucket),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Unknown pin.*pinned to "slurm"`),
			},
			{
				Config: `
resource "rayhpc_workflow_placement" "test" {
  stage {
    name       = "a"
    task_count = 1
    runtime_s  = 1
  }
  manifest {
    bucket = "Not_A_Bucket"
    key    = "/x.json"
  }
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)manifest\.bucket.*valid S3 bucket name`),
			},
			{
				Config: `
resource "rayhpc_workflow_placement" "test" {
  stage {
    name       = "a"
    task_count = 1
    runtime_s  = 1
  }
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Block manifest must have a configuration value`),
			},
		},
	})
	if got := gw.CountCalls("s3", "PutObject") - puts; got != 0 {
		t.Errorf("%d PutObject calls during plan-time errors, want 0", got)
	}
}

// The stage rules check what is known at plan time: a depends_on that holds a value unknown until apply
// plans (the checks that need it wait), and the cycle it makes once known is refused at apply, on the
// attribute, naming the rule.
func TestAccWorkflowPlacement_stageRulesUnknownAtPlan(t *testing.T) {
	bucket, key := acctest.Var(t, "data_lake_bucket"), manifestKey()
	config := func(dep string) string {
		return fmt.Sprintf(`
resource "terraform_data" "dep" {
  input = %[3]q
}

resource "rayhpc_workflow_placement" "test" {
  stage {
    name       = "a"
    task_count = 1
    runtime_s  = 1
    depends_on = [terraform_data.dep.output]
  }
  stage {
    name       = "b"
    task_count = 1
    runtime_s  = 1
  }
  stage {
    name       = "c"
    task_count = 1
    runtime_s  = 1
    depends_on = ["a"]
  }
  manifest {
    bucket = %[1]q
    key    = %[2]q
  }
}
`, bucket, key, dep)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkflowPlacementDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: config("b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(resName, tfjsonpath.New("stages")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("stages"), knownvalue.ListSizeExact(3)),
				},
			},
			{Config: config("c"), PlanOnly: true, ExpectNonEmptyPlan: true},
			{
				Config:      config("c"),
				ExpectError: regexp.MustCompile(`(?s)Stage dependency cycle.*stage\[0\]\.depends_on: the stages depend on each other in a\s+cycle: a -> c -> a`),
			},
		},
	})
}
