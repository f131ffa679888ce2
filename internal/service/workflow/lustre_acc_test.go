// SPDX-License-Identifier: MPL-2.0

package workflow_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// lustreConfig is 16 tasks reading 2 GB each at once on one warm 16-vCPU HPC node, with the lustre block
// given (or none).
func lustreConfig(name, block string) string {
	return fmt.Sprintf(`
data "rayhpc_stage_placement" %q {
  stage {
    name        = "read"
    task_count  = 16
    runtime_s   = 10
    input_bytes = 2000000000
    pin         = "hpc"
  }
  hpc {
    name            = "hpc"
    instance_type   = "c6i.4xlarge"
    min_nodes       = 1
    max_nodes       = 1
    start_latency_s = 0
  }
  objective   = "makespan"
  pricing_api = false
  %s
}
`, name, block)
}

// The workspace's aggregate throughput is shared by the tasks reading it at once, and the lustre block sets
// it. Default (SCRATCH_2, 1,200 GiB: 1200/1024 × 200 MB/s = 234.375 MB/s): the k-th task to start reads
// at 234.375/k MB/s, the 16th for 16 × 2 GB / 234.375 MB/s = 136.533 s, then computes 10 s: 146.533 s.
// PERSISTENT_2, 4,800 GiB at 1,000 MB/s/TiB (4,687.5 MB/s): the first 9 tasks read at the per-task
// 500 MB/s, the 16th at 4,687.5/16 MB/s for 6.827 s: 16.827 s. Plan-time rules name the block's attribute
// and the rule.
func TestAccStagePlacementDataSource_lustreWorkspace(t *testing.T) {
	scratch, persistent := "data.rayhpc_stage_placement.scratch", "data.rayhpc_stage_placement.persistent"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      lustreConfig("bad", `lustre { storage_capacity_gib = 1800 }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid storage capacity for SSD storage.*lustre\[0\]\.storage_capacity_gib:\s+SCRATCH_2\s+SSD\s+file\s+systems\s+take\s+storage_capacity_gib\s+1200,\s+2400,\s+or\s+a\s+multiple\s+of\s+2400\s+GiB;\s+1800\s+is\s+not`),
			},
			{
				Config:      lustreConfig("bad", `lustre { deployment_type = "PERSISTENT_2" }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Missing throughput tier.*per_unit_storage_throughput\s+is\s+required\s+for\s+PERSISTENT_2\s+SSD\s+file\s+systems;\s+valid\s+values\s+are\s+125,\s+250,\s+500,\s+1000`),
			},
			{
				Config:      lustreConfig("bad", `lustre { per_unit_storage_throughput = 250 }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Throughput tier not supported.*SCRATCH_2\s+file\s+systems\s+have\s+a\s+fixed\s+baseline\s+throughput\s+of\s+200\s+MB/s/TiB`),
			},
			{
				Config: lustreConfig("bad", `lustre {}
  lustre {}`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)lustre.*at most 1`),
			},
			{
				Config: lustreConfig("bad", `lustre {}
  model_overrides = { lustre_capacity_gb = 2400 }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Conflicting Lustre settings.*model_overrides\.lustre_capacity_gb\s+and\s+the\s+lustre\s+block`),
			},
			// Last, so that the post-test destroy has a valid configuration.
			{
				Config: lustreConfig("scratch", "") + lustreConfig("persistent", `lustre {
    deployment_type             = "PERSISTENT_2"
    storage_capacity_gib        = 4800
    per_unit_storage_throughput = 1000
  }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(scratch, "makespan_s", "146.533"),
					resource.TestCheckResourceAttr(scratch, "baselines.0.name", "static-cluster"),
					resource.TestCheckResourceAttr(scratch, "baselines.0.makespan_s", "146.533"),
					resource.TestCheckResourceAttr(persistent, "makespan_s", "16.827"),
					resource.TestCheckResourceAttr(persistent, "baselines.0.makespan_s", "16.827"),
				),
			},
		},
	})
}
