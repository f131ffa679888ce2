// SPDX-License-Identifier: MPL-2.0

package workflow_test

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/workflow"
)

const dsName = "data.rayhpc_stage_placement.test"

// approx checks a float attribute within 1e-9.
func approx(want float64) resource.CheckResourceAttrWithFunc {
	return func(v string) error {
		got, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return err
		}
		if math.Abs(got-want) > 1e-9 {
			return fmt.Errorf("got %v, want %v", got, want)
		}
		return nil
	}
}

func attrFloat(rs *terraform.ResourceState, k string) (float64, error) {
	v, ok := rs.Primary.Attributes[k]
	if !ok {
		return 0, fmt.Errorf("no attribute %s", k)
	}
	return strconv.ParseFloat(v, 64)
}

// wrapped quotes text for a regexp that matches it however the CLI wraps the diagnostic's lines.
func wrapped(text string) string {
	words := strings.Fields(text)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(words, `\s+`)
}

// checkNotDominated fails when a feasible baseline is both cheaper and faster than the placement chosen.
func checkNotDominated(n string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[n]
		if !ok {
			return fmt.Errorf("not found in state: %s", n)
		}
		cost, err := attrFloat(rs, "cost_usd")
		if err != nil {
			return err
		}
		mk, err := attrFloat(rs, "makespan_s")
		if err != nil {
			return err
		}
		count, _ := strconv.Atoi(rs.Primary.Attributes["baselines.#"])
		for i := 0; i < count; i++ {
			p := fmt.Sprintf("baselines.%d.", i)
			if rs.Primary.Attributes[p+"feasible"] != "true" {
				continue
			}
			bc, _ := attrFloat(rs, p+"cost_usd")
			bm, _ := attrFloat(rs, p+"makespan_s")
			if bc < cost && bm < mk {
				return fmt.Errorf("baseline %s (%.4f USD, %.1f s) dominates the placement (%.4f USD, %.1f s)",
					rs.Primary.Attributes[p+"name"], bc, bm, cost, mk)
			}
		}
		return nil
	}
}

// The Montage trace shipped with the engine, on the default platforms: in a standing environment (the
// default) the Ray head's task vCPUs take part of the stages and the rest runs on Lambda; in an
// environment made for the run (environment_up = false) the Ray pool's fixed costs weigh on any
// placement using it, and everything runs on Lambda.
func TestAccStagePlacementDataSource_montage(t *testing.T) {
	trace := filepath.Join(workflow.TracesDir(t), "montage-chameleon-2mass-005d-001.json")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "rayhpc_stage_placement" "test" {
  wfcommons_json = file(%q)
}
`, trace),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsName, tfjsonpath.New("stages"), knownvalue.ListSizeExact(8)),
				statecheck.ExpectKnownValue(dsName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("mProject")),
				statecheck.ExpectKnownValue(dsName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("task_count"), knownvalue.Int64Exact(12)),
				statecheck.ExpectKnownValue(dsName, tfjsonpath.New("baselines"), knownvalue.ListSizeExact(8)),
				statecheck.ExpectKnownValue(dsName, tfjsonpath.New("baselines").AtSliceIndex(6).AtMapKey("name"), knownvalue.StringExact("mashup")),
				statecheck.ExpectKnownValue(dsName, tfjsonpath.New("found_by"), knownvalue.StringExact("splitting")),
				statecheck.ExpectKnownValue(dsName, tfjsonpath.New("input_hash"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
				statecheck.ExpectKnownValue(dsName, tfjsonpath.New("gantt_mermaid"), knownvalue.StringRegexp(regexp.MustCompile(`(?s)^gantt\n.*dateFormat X.*section `))),
				statecheck.ExpectKnownValue(dsName, tfjsonpath.New("table"), knownvalue.StringRegexp(regexp.MustCompile(`(?m)^STAGE .*\n(.|\n)*^TOTAL +58 `))),
				statecheck.ExpectKnownValue(dsName, tfjsonpath.New("pareto_front").AtSliceIndex(0).AtMapKey("assignment").AtMapKey("mAdd"), knownvalue.NotNull()),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrWith(dsName, "makespan_s", func(v string) error {
					if f, _ := strconv.ParseFloat(v, 64); !(f > 0) {
						return fmt.Errorf("makespan_s %s is not positive", v)
					}
					return nil
				}),
				checkNotDominated(dsName),
				checkBurstOnLambda(dsName),
				checkBounds(dsName),
			),
		}, {
			Config: fmt.Sprintf(`
data "rayhpc_stage_placement" "test" {
  wfcommons_json = file(%q)
  environment_up = false
}
`, trace),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsName, tfjsonpath.New("found_by"), knownvalue.StringExact("baseline all-serverless")),
				statecheck.ExpectKnownValue(dsName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("pool"), knownvalue.StringExact("lambda")),
				statecheck.ExpectKnownValue(dsName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("burst_pool"), knownvalue.StringExact("")),
			},
		}},
	})
}

// checkBurstOnLambda fails unless some stage runs on the Ray pool with part of its tasks on Lambda.
func checkBurstOnLambda(n string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[n]
		if !ok {
			return fmt.Errorf("not found in state: %s", n)
		}
		count, _ := strconv.Atoi(rs.Primary.Attributes["stages.#"])
		for i := 0; i < count; i++ {
			p := fmt.Sprintf("stages.%d.", i)
			if rs.Primary.Attributes[p+"pool"] == "ray" && rs.Primary.Attributes[p+"burst_pool"] == "lambda" &&
				rs.Primary.Attributes[p+"burst_tasks"] != "0" {
				return nil
			}
		}
		return fmt.Errorf("no stage fills the Ray pool and bursts to Lambda: %v", rs.Primary.Attributes)
	}
}

// A stage_override pins a stage of the Montage trace (all on Lambda otherwise) to the Ray pool. An override
// naming no stage of the trace fails the plan, listing the trace's stages, and so does one without a
// trace. (The error steps come first: the post-test destroy uses the last step's configuration.)
func TestAccStagePlacementDataSource_montageStageOverride(t *testing.T) {
	trace := filepath.Join(workflow.TracesDir(t), "montage-chameleon-2mass-005d-001.json")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
data "rayhpc_stage_placement" "test" {
  wfcommons_json = file(%q)

  stage_override {
    name     = "mAdd"
    coupling = "mpi"
  }
  stage_override {
    name = "mProjectPP"
    pin  = "hpc"
  }
}
`, trace),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Unknown stage in stage_override.*` + wrapped(
					`stage_override[1].name: "mProjectPP" is not a stage of the wfcommons_json trace; its stages are: mProject, mDiffFit,`)),
			},
			{
				Config: `
data "rayhpc_stage_placement" "test" {
  stage {
    name       = "a"
    task_count = 1
    runtime_s  = 1
  }
  stage_override {
    name = "a"
    pin  = "hpc"
  }
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)stage_override needs wfcommons_json`),
			},
			{
				Config: fmt.Sprintf(`
data "rayhpc_stage_placement" "test" {
  wfcommons_json = file(%q)

  stage_override {
    name = "mProject"
    pin  = "ray"
  }
}
`, trace),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("mProject")),
					statecheck.ExpectKnownValue(dsName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("platform"), knownvalue.StringExact("ray")),
					statecheck.ExpectKnownValue(dsName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("pool"), knownvalue.StringExact("ray")),
					statecheck.ExpectKnownValue(dsName, tfjsonpath.New("pareto_front").AtSliceIndex(0).AtMapKey("assignment").AtMapKey("mProject"),
						knownvalue.StringExact("ray")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(dsName, "stages.#", "8"),
					// Rounded outputs: at most 6 decimals for USD, 3 for seconds.
					resource.TestMatchResourceAttr(dsName, "cost_usd", regexp.MustCompile(`^\d+(\.\d{1,6})?$`)),
					resource.TestMatchResourceAttr(dsName, "makespan_s", regexp.MustCompile(`^\d+(\.\d{1,3})?$`)),
					resource.TestMatchResourceAttr(dsName, "stages.0.finish_s", regexp.MustCompile(`^\d+(\.\d{1,3})?$`)),
				),
			},
		},
	})
}

// Stage blocks with hand-checkable numbers: one c5n.18xlarge node at $3.60/h (one cent per 10 s),
// starting at once and removed when idle. prep runs 4 x 10 s tasks side by side, then solve (8 cores, MPI)
// runs 50 s: the makespan is 60 s. The pool costs the node billed 60 s ($0.06) plus the head node
// (c6i.large, $0.085/h) for the run ($0.0014167), shared by busy core-seconds 40 : 400; the Lustre file
// system of the run (1,200 GB SCRATCH_2, $0.230137/h) adds $0.0038356: $0.065252 in all. The static
// cluster (one node, sized for solve's 8 cores) is the same placement.
func TestAccStagePlacementDataSource_stagesHandChecked(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "rayhpc_stage_placement" "test" {
  stage {
    name       = "prep"
    task_count = 4
    runtime_s  = 10
  }
  stage {
    name       = "solve"
    task_count = 1
    runtime_s  = 50
    cores      = 8
    coupling   = "mpi"
    depends_on = ["prep"]
  }
  hpc {
    name            = "hpc"
    instance_type   = "c5n.18xlarge"
    max_nodes       = 1
    price_per_hour  = 3.6
    start_latency_s = 0
    idle_timeout_s  = 0
  }
  objective = "cost"
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrWith(dsName, "makespan_s", approx(60)),
				resource.TestCheckResourceAttrWith(dsName, "cost_usd", approx(0.065252)),
				resource.TestCheckResourceAttr(dsName, "method", "exhaustive"),
				resource.TestCheckResourceAttr(dsName, "optimal", "true"),
				resource.TestCheckResourceAttr(dsName, "stages.#", "2"),
				resource.TestCheckResourceAttr(dsName, "stages.0.pool", "hpc"),
				resource.TestCheckResourceAttr(dsName, "stages.0.instance_type", "c5n.18xlarge"),
				resource.TestCheckResourceAttr(dsName, "stages.0.task_count", "4"),
				resource.TestCheckResourceAttrWith(dsName, "stages.0.start_s", approx(0)),
				resource.TestCheckResourceAttrWith(dsName, "stages.0.finish_s", approx(10)),
				// 0.0614167 x 40/440 and x 400/440, rounded to 6 decimals in state.
				resource.TestCheckResourceAttr(dsName, "stages.0.cost_usd", "0.005583"),
				resource.TestCheckResourceAttrWith(dsName, "stages.1.start_s", approx(10)),
				resource.TestCheckResourceAttrWith(dsName, "stages.1.finish_s", approx(60)),
				resource.TestCheckResourceAttr(dsName, "stages.1.cost_usd", "0.055833"),
				resource.TestCheckResourceAttr(dsName, "stages.1.burst_pool", ""),
				resource.TestCheckResourceAttr(dsName, "baselines.#", "8"),
				resource.TestCheckResourceAttr(dsName, "baselines.0.name", "static-cluster"),
				resource.TestCheckResourceAttr(dsName, "baselines.0.nodes", "1"),
				resource.TestCheckResourceAttrWith(dsName, "baselines.0.cost_usd", approx(0.065252)),
				resource.TestCheckResourceAttr(dsName, "baselines.1.name", "all-hpc"),
				resource.TestCheckResourceAttr(dsName, "baselines.1.feasible", "true"),
				resource.TestCheckResourceAttrWith(dsName, "baselines.1.cost_improvement_pct", approx(0)),
				resource.TestCheckResourceAttr(dsName, "baselines.2.name", "all-ray"),
				resource.TestCheckResourceAttr(dsName, "baselines.2.feasible", "false"),
				resource.TestCheckResourceAttr(dsName, "baselines.2.reason", `stage "prep" no ray pool is configured`),
				resource.TestCheckResourceAttr(dsName, "baselines.5.name", "best-single-platform"),
				resource.TestCheckResourceAttr(dsName, "baselines.5.of", "all-hpc"),
				resource.TestCheckResourceAttr(dsName, "pareto_front.#", "1"),
				resource.TestCheckResourceAttr(dsName, "pareto_front.0.assignment.solve", "hpc"),
				// The chain prep → solve on the one node up at once is as fast as any placement can be: the
				// makespan bound (10 s + 50 s) is the makespan, a gap of 0. The cost bound bills the node only
				// for the core-seconds the tasks hold (4 × 1 × 10 s + 8 × 50 s = 440 of the node's 72 vCPUs at
				// $0.001 a node-second: $0.0061111), plus the head node and the file system for the 60 s:
				// $0.011363 (0.0061111 + 0.0014167 + 0.0038356), against $0.065252 (the node billed whole).
				resource.TestCheckResourceAttrWith(dsName, "makespan_lower_bound_s", approx(60)),
				resource.TestCheckResourceAttrWith(dsName, "makespan_gap_pct", approx(0)),
				resource.TestCheckResourceAttrWith(dsName, "cost_lower_bound_usd", approx(0.011363)),
				checkBounds(dsName),
			),
		}},
	})
}

// A stage no platform can run is an error naming the stage; so is a deadline no placement meets.
func TestAccStagePlacementDataSource_infeasible(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "rayhpc_stage_placement" "test" {
  stage {
    name       = "prep"
    task_count = 2
    runtime_s  = 10
  }
  stage {
    name       = "train"
    task_count = 1
    runtime_s  = 600
    gpus       = 1
    depends_on = ["prep"]
  }
}
`,
				ExpectError: regexp.MustCompile(`(?s)no feasible placement for stage "train".*GPUs`),
			},
			{
				Config: `
data "rayhpc_stage_placement" "test" {
  stage {
    name       = "long"
    task_count = 1
    runtime_s  = 5000
  }
  deadline_s = 100
}
`,
				ExpectError: regexp.MustCompile(`(?s)no feasible placement for stage "long".*deadline`),
			},
		},
	})
}

// Plan-time validation names the attribute and the rule.
func TestAccStagePlacementDataSource_invalid(t *testing.T) {
	stages := func(extra string) string {
		return fmt.Sprintf(`
data "rayhpc_stage_placement" "test" {
  stage {
    name       = "a"
    task_count = 1
    runtime_s  = 1
  }
  %s
}
`, extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: stages(`stage {
    name       = "b"
    task_count = 1
    runtime_s  = 1
    depends_on = ["nope"]
  }`), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Unknown stage dependency.*depends_on = \["nope"\].*depends on "nope", which is\s+not a stage`)},
			{Config: stages(`stage {
    name       = "a"
    task_count = 1
    runtime_s  = 1
  }`), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Duplicate stage name.*"a" is already used by\s+stage\[0\]`)},
			{Config: stages(`stage {
    name       = "b"
    task_count = 0
    runtime_s  = 1
  }`), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)stage\[1\]\.task_count.*between 1 and 1000000`)},
			{Config: stages(`objective = "fastest"`), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)objective.*value must be one of`)},
			{Config: stages(`wfcommons_json = "{}"`), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Conflicting workflow inputs`)},
			{Config: stages(`hpc {
    name          = "h"
    instance_type = "c5n.18xlarge"
    min_nodes     = 4
    max_nodes     = 2
  }`), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Invalid node bounds.*min_nodes\s+=\s+4.*must not exceed max_nodes`)},
			// The engine's numeric bounds are schema rules naming the attribute (a speed of 1e-300 once made
			// the simulator's clock NaN and hung the plan).
			{Config: stages(`hpc {
    name          = "h"
    instance_type = "c5n.18xlarge"
    speed         = 1e-300
  }`), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)hpc\[0\]\.speed value must be between`)},
			{Config: stages(`serverless {
    name         = "l"
    cold_start_s = 5000
  }`), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)serverless\[0\]\.cold_start_s value must be between`)},
			// model_overrides: each value against its range, at its key (lambda_concurrency = 0 once failed the plan
			// with an engine error naming no attribute).
			{Config: stages(`model_overrides = { lambda_concurrency = 0 }`), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Invalid model override.*model_overrides = \{ lambda_concurrency = 0 \}.*lambda_concurrency: value must be\s+a\s+whole\s+number\s+between\s+1\s+and`)},
			{Config: `
data "rayhpc_stage_placement" "test" {
  stage {
    name       = "a"
    task_count = 1
    runtime_s  = 1
    depends_on = ["b"]
  }
  stage {
    name       = "b"
    task_count = 1
    runtime_s  = 1
    depends_on = ["a"]
  }
}
`, PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Stage dependency cycle.*a -> b -> a`)},
		},
	})
}
