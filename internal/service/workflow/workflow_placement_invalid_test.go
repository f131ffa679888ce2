// SPDX-License-Identifier: MPL-2.0

package workflow_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

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
