// SPDX-License-Identifier: MPL-2.0

package workflow_test

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/workflow"
)

// mpiStagesConfig is a prep stage of four 10 s tasks and an MPI stage of two 144-rank tasks of 50 s with
// the given nodes line, on c5n.18xlarge HPC nodes (at most maxNodes, $3.60/h: one cent per 10 s)
// starting at once and removed when idle.
func mpiStagesConfig(nodes string, maxNodes int) string {
	return fmt.Sprintf(`
data "rayhpc_stage_placement" "test" {
  stage {
    name       = "prep"
    task_count = 4
    runtime_s  = 10
  }
  stage {
    name       = "sim"
    task_count = 2
    runtime_s  = 50
    cores      = 144
    coupling   = "mpi"
    %s
    depends_on = ["prep"]
  }
  hpc {
    name            = "queue"
    instance_type   = "c5n.18xlarge"
    max_nodes       = %d
    price_per_hour  = 3.6
    start_latency_s = 0
    idle_timeout_s  = 0
  }
  objective = "cost"
}
`, nodes, maxNodes)
}

// Multi-node MPI stages with the real terraform CLI. Plan-time errors name the attribute and the rule:
// nodes without coupling "mpi", below 1, or above the max_nodes of every HPC pool with EFA. Then, by
// hand: prep runs on one node 0..10 s; each sim task spans 2 whole nodes, and the queue has 2: the first
// boots the second node at 10 s (it lacks one) and runs 10..60, the second waits for both and runs
// 60..110. Nodes billed 110 s and 100 s ($0.21), the head node (c6i.large, $0.085/h) and the Lustre file
// system ($0.230137/h) for the 110 s run: $0.219629. The stages share the pool's $0.212597 by the
// core-seconds they held: prep 40, sim 2 × 144 × 50 = 14,400. A trace stage made MPI with nodes by a
// stage_override runs on the HPC pool.
func TestAccStagePlacementDataSource_mpiNodes(t *testing.T) {
	trace := filepath.Join(workflow.TracesDir(t), "montage-chameleon-2mass-005d-001.json")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:   mpiStagesConfig("nodes = 3", 2),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Too many nodes per task.*` + wrapped(
					`stage[1].nodes: stage "sim" asks for 3 nodes per task, but no HPC pool with EFA has that many (max_nodes: queue = 2)`)),
			},
			{
				Config:      mpiStagesConfig("nodes = 0", 2),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)stage\[1\]\.nodes.*at least 1`),
			},
			{
				Config:   strings.Replace(mpiStagesConfig("nodes = 2", 2), `coupling   = "mpi"`, `coupling   = "none"`, 1),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Invalid nodes.*` + wrapped(
					`stage[1].nodes: stage "sim": nodes = 2 needs coupling = "mpi"`)),
			},
			{
				Config: fmt.Sprintf(`
data "rayhpc_stage_placement" "test" {
  wfcommons_json = file(%q)

  stage_override {
    name  = "mAdd"
    nodes = 2
  }
}
`, trace),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid nodes.*` + wrapped(`stage_override[0].nodes: stage "mAdd": nodes = 2 needs coupling = "mpi"`)),
			},
			{
				Config: fmt.Sprintf(`
data "rayhpc_stage_placement" "test" {
  wfcommons_json = file(%q)

  stage_override {
    name     = "mAdd"
    coupling = "mpi"
    nodes    = 2
  }
}
`, trace),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckTypeSetElemNestedAttrs(dsName, "stages.*", map[string]string{
						"name": "mAdd", "platform": "hpc", "pool": "hpc", "instance_type": "c5n.18xlarge", "burst_pool": ""}),
				),
			},
			{
				Config: mpiStagesConfig("nodes = 2", 2),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith(dsName, "makespan_s", approx(110)),
					resource.TestCheckResourceAttrWith(dsName, "cost_usd", approx(0.219629)),
					resource.TestCheckResourceAttr(dsName, "stages.1.name", "sim"),
					resource.TestCheckResourceAttr(dsName, "stages.1.pool", "queue"),
					resource.TestCheckResourceAttrWith(dsName, "stages.0.finish_s", approx(10)),
					resource.TestCheckResourceAttrWith(dsName, "stages.1.start_s", approx(10)),
					resource.TestCheckResourceAttrWith(dsName, "stages.1.finish_s", approx(110)),
					resource.TestCheckResourceAttr(dsName, "stages.0.cost_usd", "0.000589"),
					resource.TestCheckResourceAttr(dsName, "stages.1.cost_usd", "0.212008"),
				),
			},
		},
	})
}
