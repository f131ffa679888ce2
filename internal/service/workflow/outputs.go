// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// Object types of the computed lists.
var (
	stageOutputType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"name": types.StringType, "platform": types.StringType, "pool": types.StringType, "instance_type": types.StringType,
		"task_count": types.Int64Type, "memory_mb": types.Int64Type, "start_s": types.Float64Type,
		"finish_s": types.Float64Type, "cost_usd": types.Float64Type, "burst_pool": types.StringType,
		"burst_tasks": types.Int64Type,
	}}
	paretoOutputType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"cost_usd": types.Float64Type, "makespan_s": types.Float64Type, "assignment": types.MapType{ElemType: types.StringType},
	}}
	baselineOutputType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"name": types.StringType, "feasible": types.BoolType, "reason": types.StringType, "makespan_s": types.Float64Type,
		"cost_usd": types.Float64Type, "meets_constraints": types.BoolType,
		"makespan_improvement_pct": types.Float64Type, "cost_improvement_pct": types.Float64Type,
		"of": types.StringType, "nodes": types.Int64Type,
	}}
)

// stageRow is one element of `stages`.
type stageRow struct {
	Name         string
	Platform     string
	Pool         string
	InstanceType string
	TaskCount    int64
	MemoryMB     int64
	StartS       float64
	FinishS      float64
	CostUSD      float64
	BurstPool    string
	BurstTasks   int64
}

func stageRowsFromManifest(m *placement.Manifest) []stageRow {
	rows := make([]stageRow, 0, len(m.Stages))
	for _, r := range m.Stages {
		rows = append(rows, stageRow{Name: r.Name, Platform: string(r.Platform), Pool: r.Pool, InstanceType: r.InstanceType,
			TaskCount: int64(r.Tasks), MemoryMB: int64(r.MemoryMB), StartS: r.StartS, FinishS: r.FinishS, CostUSD: r.CostUSD,
			BurstPool: r.BurstPool, BurstTasks: int64(r.BurstTasks)})
	}
	return rows
}

// flattenStageRows builds `stages`, rounding times and costs (see round), whether the rows come from a
// solution or from a manifest read back.
func flattenStageRows(rows []stageRow) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	vals := make([]attr.Value, 0, len(rows))
	for _, r := range rows {
		o, d := types.ObjectValue(stageOutputType.AttrTypes, map[string]attr.Value{
			"name": types.StringValue(r.Name), "platform": types.StringValue(r.Platform), "pool": types.StringValue(r.Pool),
			"instance_type": types.StringValue(r.InstanceType), "task_count": types.Int64Value(r.TaskCount),
			"memory_mb": types.Int64Value(r.MemoryMB), "start_s": roundedFloat(r.StartS, seconds),
			"finish_s": roundedFloat(r.FinishS, seconds), "cost_usd": roundedFloat(r.CostUSD, usd),
			"burst_pool": types.StringValue(r.BurstPool), "burst_tasks": types.Int64Value(r.BurstTasks),
		})
		diags.Append(d...)
		vals = append(vals, o)
	}
	l, d := types.ListValue(stageOutputType, vals)
	diags.Append(d...)
	return l, diags
}

// expandStageRows reads `stages` back (for the plan's move summary).
func expandStageRows(ctx context.Context, l types.List) ([]stageRow, diag.Diagnostics) {
	var diags diag.Diagnostics
	if l.IsNull() || l.IsUnknown() {
		return nil, diags
	}
	type row struct {
		Name         types.String  `tfsdk:"name"`
		Platform     types.String  `tfsdk:"platform"`
		Pool         types.String  `tfsdk:"pool"`
		InstanceType types.String  `tfsdk:"instance_type"`
		TaskCount    types.Int64   `tfsdk:"task_count"`
		MemoryMB     types.Int64   `tfsdk:"memory_mb"`
		StartS       types.Float64 `tfsdk:"start_s"`
		FinishS      types.Float64 `tfsdk:"finish_s"`
		CostUSD      types.Float64 `tfsdk:"cost_usd"`
		BurstPool    types.String  `tfsdk:"burst_pool"`
		BurstTasks   types.Int64   `tfsdk:"burst_tasks"`
	}
	var in []row
	diags.Append(l.ElementsAs(ctx, &in, false)...)
	out := make([]stageRow, 0, len(in))
	for _, r := range in {
		out = append(out, stageRow{Name: r.Name.ValueString(), Platform: r.Platform.ValueString(), Pool: r.Pool.ValueString(),
			InstanceType: r.InstanceType.ValueString(), TaskCount: r.TaskCount.ValueInt64(), MemoryMB: r.MemoryMB.ValueInt64(),
			StartS: r.StartS.ValueFloat64(), FinishS: r.FinishS.ValueFloat64(), CostUSD: r.CostUSD.ValueFloat64(),
			BurstPool: r.BurstPool.ValueString(), BurstTasks: r.BurstTasks.ValueInt64()})
	}
	return out, diags
}

// flatten fills the outputs from a solution of problem p. Float outputs are rounded (see round). The
// stages are the manifest's (placement.NewManifest), as rayhpc_workflow_placement's Read gives them back:
// a split stage's burst_pool is where its overflow goes even when none did in the simulation.
func (o *outputsModel) flatten(p *placement.Problem, sol *placement.Solution) diag.Diagnostics {
	var diags diag.Diagnostics
	ev := sol.Evaluation
	man, err := placement.NewManifest(p, sol)
	if err != nil {
		diags.AddError("building the placement's stages", err.Error())
		return diags
	}
	var d diag.Diagnostics
	o.Stages, d = flattenStageRows(stageRowsFromManifest(man))
	diags.Append(d...)
	o.MakespanS = roundedFloat(ev.MakespanS, seconds)
	o.CostUSD = roundedFloat(ev.CostUSD, usd)
	o.flattenBound(man)
	o.Method = types.StringValue(sol.Method)
	o.FoundBy = types.StringValue(sol.FoundBy)
	o.Optimal = types.BoolValue(sol.Optimal)

	pareto := make([]attr.Value, 0, len(sol.Pareto))
	for _, pt := range sol.Pareto {
		am := make(map[string]attr.Value, len(pt.Pools))
		for s, pool := range pt.Pools {
			am[p.Workflow.Stages[s].Name] = types.StringValue(pool)
		}
		mv, d := types.MapValue(types.StringType, am)
		diags.Append(d...)
		ov, d := types.ObjectValue(paretoOutputType.AttrTypes, map[string]attr.Value{
			"cost_usd": roundedFloat(pt.CostUSD, usd), "makespan_s": roundedFloat(pt.MakespanS, seconds), "assignment": mv,
		})
		diags.Append(d...)
		pareto = append(pareto, ov)
	}
	o.ParetoFront, d = types.ListValue(paretoOutputType, pareto)
	diags.Append(d...)

	bls := make([]attr.Value, 0, len(sol.Baselines))
	for _, b := range sol.Baselines {
		ov, d := types.ObjectValue(baselineOutputType.AttrTypes, map[string]attr.Value{
			"name": types.StringValue(b.Name), "feasible": types.BoolValue(b.Feasible), "reason": types.StringValue(b.Reason),
			"makespan_s": roundedFloat(b.MakespanS, seconds), "cost_usd": roundedFloat(b.CostUSD, usd),
			"meets_constraints":        types.BoolValue(b.MeetsConstraints),
			"makespan_improvement_pct": roundedFloat(b.MakespanReductionPct, percent),
			"cost_improvement_pct":     roundedFloat(b.CostReductionPct, percent),
			"of":                       types.StringValue(b.Of), "nodes": types.Int64Value(int64(b.Nodes)),
		})
		diags.Append(d...)
		bls = append(bls, ov)
	}
	o.Baselines, d = types.ListValue(baselineOutputType, bls)
	diags.Append(d...)

	title := p.Workflow.Name
	if title == "" || title == "stages" {
		title = "workflow"
	}
	o.GanttMermaid = types.StringValue(placement.GanttMermaid(title+" placement", p, ev))
	o.Table = types.StringValue(placement.Table(ev))
	o.BaselinesTable = types.StringValue(placement.BaselineTable(sol))
	o.InputHash = types.StringValue(placement.InputHash(p))
	o.PriceSources, d = stringMapValue(p.PriceSources)
	diags.Append(d...)
	return diags
}

// flattenBound sets the lower bound's outputs from a manifest, built from the solution or read back: the
// bounds rounded down (see roundDown), the gaps computed from the manifest's unrounded values, so an
// unchanged manifest read back gives the plan's values. A manifest without a bound (written before the
// provider had it) gives zero bounds and null gaps.
func (o *outputsModel) flattenBound(m *placement.Manifest) {
	o.MakespanLowerBoundS = types.Float64Value(roundDown(m.MakespanLowerBoundS, seconds))
	o.CostLowerBoundUSD = types.Float64Value(roundDown(m.CostLowerBoundUSD, usd))
	o.MakespanGapPct = gapValue(m.ExpectedMakespanS, m.MakespanLowerBoundS)
	o.CostGapPct = gapValue(m.ExpectedCostUSD, m.CostLowerBoundUSD)
}

// gapValue is placement.GapPct as an output: rounded to 2 decimals, null when the bound is not positive.
func gapValue(ours, bound float64) types.Float64 {
	g, ok := placement.GapPct(ours, bound)
	if !ok {
		return types.Float64Null()
	}
	return roundedFloat(g, percent)
}

// stringMapValue is a map of strings as a Terraform map (empty, not null, for none).
func stringMapValue(m map[string]string) (types.Map, diag.Diagnostics) {
	vals := make(map[string]attr.Value, len(m))
	for k, v := range m {
		vals[k] = types.StringValue(v)
	}
	return types.MapValue(types.StringType, vals)
}
