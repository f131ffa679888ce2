// SPDX-License-Identifier: MPL-2.0

package hybrid_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// The examples with a Ray cluster need the sandbox's Kubernetes control plane, which this package starts
// (internal/examplestest registers them in appliedElsewhere). Each ends with nothing of its environment
// left in the sandbox, Kubernetes included.

func TestAccExample_hybridCluster(t *testing.T) {
	acctest.TestExample(t, "resources/rayhpc_hybrid_cluster", checkRayInventory(t, "genomics"))
	if err := checkNothingLeft(t, "genomics")(nil); err != nil {
		t.Error(err)
	}
}

// The demo places its workflows with one rayhpc_workflow_placement and for_each, which the in-process
// harness cannot read back (acctest.TestExampleCLI): it is applied through the terraform CLI, as make
// demo does.
func TestAccExample_demo(t *testing.T) {
	acctest.TestExampleCLI(t, "demo", func(*acctest.CLI) error { return checkRayInventory(t, "rayhpc-demo")(nil) }, checkDemoPlacements)
	if err := checkNothingLeft(t, "rayhpc-demo")(nil); err != nil {
		t.Error(err)
	}
}

// checkDemoPlacements checks the demo's placements: one per workflow (montage, pipeline), each on the
// environment's queues and worker groups with its head node types (c5.xlarge, m6i.xlarge) and workspace
// (PERSISTENT_2), the head nodes priced by the sandbox's Price List, each published under its own key; the
// pipeline's MPI stage on the mpi queue; and the outputs make demo prints.
func checkDemoPlacements(cli *acctest.CLI) error {
	state := cli.StateValues()
	api := "AWS Price List API, us-east-1, on demand, Linux"
	for _, w := range []string{"montage", "pipeline"} {
		addr := fmt.Sprintf("rayhpc_workflow_placement.workflow[%q]", w)
		v := state[addr]
		if v == nil {
			return fmt.Errorf("no %s in the state: %v", addr, slices.Sorted(maps.Keys(state)))
		}
		sources, _ := v["price_sources"].(map[string]any)
		lustre, _ := v["lustre"].([]any)
		manifest, _ := v["manifest"].(map[string]any)
		got := fmt.Sprintf("%v %v %v %v %d", v["hpc_head_node_instance_type"], v["ray_head_node_instance_type"],
			sources["hpc_head_node"], sources["ray_head_node"], len(lustre))
		want := fmt.Sprintf("c5.xlarge m6i.xlarge %s (c5.xlarge) %s (m6i.xlarge) 1", api, api)
		if got != want {
			return fmt.Errorf("%s: head node types, their price sources and lustre blocks: %s, want %s", addr, got, want)
		}
		if l, _ := lustre[0].(map[string]any); l["deployment_type"] != "PERSISTENT_2" {
			return fmt.Errorf("%s: lustre %v, want the environment's PERSISTENT_2 workspace", addr, l)
		}
		if manifest["key"] != "placements/"+w+".json" {
			return fmt.Errorf("%s: manifest %v, want the key placements/%s.json", addr, manifest, w)
		}
	}
	stages, _ := state[`rayhpc_workflow_placement.workflow["pipeline"]`]["stages"].([]any)
	simulate := "no stage simulate"
	for _, s := range stages {
		if st, _ := s.(map[string]any); st["name"] == "simulate" {
			simulate = fmt.Sprint(st["pool"])
		}
	}
	if simulate != "mpi" {
		return fmt.Errorf("the pipeline's simulate stage: %s, want it on the mpi queue", simulate)
	}
	outs := cli.Outputs()
	for _, name := range []string{"montage_table", "montage_baselines", "montage_gantt", "pipeline_table"} {
		if s, _ := outs[name].(string); s == "" {
			return fmt.Errorf("output %s is empty", name)
		}
	}
	if err := checkDemoGaps(outs["placement_gaps"]); err != nil {
		return err
	}
	if m, _ := outs["placement_manifests"].([]any); len(m) != 2 {
		return fmt.Errorf("output placement_manifests = %v, want the two manifests", outs["placement_manifests"])
	}
	return nil
}

// checkDemoGaps checks the demo's placement_gaps output: for each workflow, lower bounds above 0 and no
// more than the placement's makespan and cost, and gaps not negative.
func checkDemoGaps(out any) error {
	gaps, _ := out.(map[string]any)
	for _, w := range []string{"montage", "pipeline"} {
		g, _ := gaps[w].(map[string]any)
		num := func(k string) float64 { f, _ := g[k].(float64); return f }
		if !(num("makespan_lower_bound_s") > 0 && num("makespan_lower_bound_s") <= num("makespan_s") &&
			num("cost_lower_bound_usd") > 0 && num("cost_lower_bound_usd") <= num("cost_usd")) {
			return fmt.Errorf("output placement_gaps[%q] = %v: want bounds in (0, the placement's]", w, g)
		}
		if _, ok := g["makespan_gap_pct"].(float64); !ok || num("makespan_gap_pct") < 0 || num("cost_gap_pct") < 0 {
			return fmt.Errorf("output placement_gaps[%q] = %v: want gaps of 0 or more", w, g)
		}
	}
	return nil
}
