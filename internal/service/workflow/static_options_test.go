// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// static_cluster_nodes and static_cluster_up reach the static-cluster baseline of the outputs, and
// split_stages = false gives a whole-stage placement. One HPC pool of 4-vCPU nodes booting in 100 s at
// $3.60/h, no idle time (the head node and the Lustre file system billed for the run); stage a: 8 one-core
// tasks of 10 s.
//
//	default (enough nodes for the widest stage, created for the run): 2 nodes, 100 s boot + 10 s = 110 s
//	static_cluster_nodes = 1, up before the run: 1 node, two waves = 20 s, billed the 60 s minimum
func TestSolve_staticClusterOptionsAndNoSplit(t *testing.T) {
	ctx := context.Background()
	staticRow := func(m *inputsModel) (baselineNodes int64, makespan, cost float64, sol *placement.Solution) {
		t.Helper()
		p, o := mustExpand(t, m)
		sol, d := solve(ctx, m, p, o)
		if d.HasError() {
			t.Fatal(d)
		}
		var out outputsModel
		if d := out.flatten(p, sol); d.HasError() {
			t.Fatal(d)
		}
		var rows []struct {
			Name     string  `tfsdk:"name"`
			Nodes    int64   `tfsdk:"nodes"`
			Makespan float64 `tfsdk:"makespan_s"`
			Cost     float64 `tfsdk:"cost_usd"`
			Feasible bool    `tfsdk:"feasible"`
			Reason   string  `tfsdk:"reason"`
			MeetsC   bool    `tfsdk:"meets_constraints"`
			MkPct    float64 `tfsdk:"makespan_improvement_pct"`
			CostPct  float64 `tfsdk:"cost_improvement_pct"`
			Of       string  `tfsdk:"of"`
		}
		if d := out.Baselines.ElementsAs(ctx, &rows, false); d.HasError() {
			t.Fatal(d)
		}
		for _, r := range rows {
			if r.Name == placement.BaselineStatic {
				return r.Nodes, r.Makespan, r.Cost, sol
			}
		}
		t.Fatal("no static-cluster row")
		return 0, 0, 0, nil
	}
	m := nullInputs(t)
	m.Stage = listOf(t, "stage", []stageModel{stage("a", 8, 10)})
	h := vmPool("hpc", "c6i.xlarge")
	h.MaxNodes, h.PricePerHour, h.StartLatencyS, h.IdleTimeoutS = types.Int64Value(4), types.Float64Value(3.6), types.Float64Value(100),
		types.Float64Value(0)
	m.HPC = listOf(t, "hpc", []vmPoolModel{h})
	m.Serverless = listOf(t, "serverless", []serverlessPoolModel{lambdaPool("lambda")})
	m.PricingAPI, m.EnvironmentUp = types.BoolValue(false), types.BoolValue(false)
	p, _ := mustExpand(t, &m)
	// Billed for the run besides the nodes: the ParallelCluster head node and the Lustre file system.
	head := (p.Pools[0].FixedHourlyUSD + p.Storage.LustreHourlyUSD) / 3600
	if !(head > 0) {
		t.Fatalf("no head node or file system price: %+v", p.Pools[0])
	}
	near := func(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 } // outputs are rounded to 6 decimals

	n, mk, cost, _ := staticRow(&m)
	if n != 2 || mk != 110 || !near(cost, 2*110*0.001+110*head) {
		t.Errorf("default static cluster: %d nodes, %v s, $%v; want 2 nodes, 110 s, $%v", n, mk, cost, 2*110*0.001+110*head)
	}
	m.StaticNodes, m.StaticUp = types.Int64Value(1), types.BoolValue(true)
	n, mk, cost, _ = staticRow(&m)
	if n != 1 || mk != 20 || !near(cost, 60*0.001+20*head) {
		t.Errorf("static_cluster_nodes = 1, up: %d nodes, %v s, $%v; want 1 node, 20 s, $%v", n, mk, cost, 60*0.001+20*head)
	}
	m.SplitStages = types.BoolValue(false)
	if _, _, _, sol := staticRow(&m); sol.Burst != nil || sol.TaskPools != nil || !sol.Options.NoSplit {
		t.Errorf("split_stages = false: burst %v, task pools %v", sol.Burst, sol.TaskPools != nil)
	}
}
