// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// inputsModel holds the inputs the data source and the resource share.
type inputsModel struct {
	WfCommonsJSON types.String  `tfsdk:"wfcommons_json"`
	Stage         types.List    `tfsdk:"stage"`
	StageOverride types.List    `tfsdk:"stage_override"`
	HPC           types.List    `tfsdk:"hpc"`
	Ray           types.List    `tfsdk:"ray"`
	Serverless    types.List    `tfsdk:"serverless"`
	Batch         types.List    `tfsdk:"batch"`
	Lustre        types.List    `tfsdk:"lustre"`
	Objective     types.String  `tfsdk:"objective"`
	CostWeight    types.Float64 `tfsdk:"cost_weight"`
	DeadlineS     types.Float64 `tfsdk:"deadline_s"`
	BudgetUSD     types.Float64 `tfsdk:"budget_usd"`
	SplitStages   types.Bool    `tfsdk:"split_stages"`
	StaticNodes   types.Int64   `tfsdk:"static_cluster_nodes"`
	StaticUp      types.Bool    `tfsdk:"static_cluster_up"`
	EnvironmentUp types.Bool    `tfsdk:"environment_up"`
	PricingAPI    types.Bool    `tfsdk:"pricing_api"`
	ModelOverride types.Map     `tfsdk:"model_overrides"`
	HPCHeadType   types.String  `tfsdk:"hpc_head_node_instance_type"`
	RayHeadType   types.String  `tfsdk:"ray_head_node_instance_type"`

	// Not attributes: the decoded blocks and the parsed trace, kept by decode and validateInputs so
	// that expand and the diagnostics do not decode or parse them again.
	decoded *decodedInputs      `tfsdk:"-"`
	trace   *placement.Workflow `tfsdk:"-"`
}

// outputsModel holds the computed placement both share.
type outputsModel struct {
	Stages         types.List    `tfsdk:"stages"`
	MakespanS      types.Float64 `tfsdk:"makespan_s"`
	CostUSD        types.Float64 `tfsdk:"cost_usd"`
	Method         types.String  `tfsdk:"method"`
	FoundBy        types.String  `tfsdk:"found_by"`
	Optimal        types.Bool    `tfsdk:"optimal"`
	ParetoFront    types.List    `tfsdk:"pareto_front"`
	Baselines      types.List    `tfsdk:"baselines"`
	GanttMermaid   types.String  `tfsdk:"gantt_mermaid"`
	Table          types.String  `tfsdk:"table"`
	BaselinesTable types.String  `tfsdk:"baselines_table"`
	InputHash      types.String  `tfsdk:"input_hash"`
	PriceSources   types.Map     `tfsdk:"price_sources"`
	// The lower bound and the placement's gap to it (see flattenBound).
	MakespanLowerBoundS types.Float64 `tfsdk:"makespan_lower_bound_s"`
	CostLowerBoundUSD   types.Float64 `tfsdk:"cost_lower_bound_usd"`
	MakespanGapPct      types.Float64 `tfsdk:"makespan_gap_pct"`
	CostGapPct          types.Float64 `tfsdk:"cost_gap_pct"`
}

type stageModel struct {
	Name               types.String  `tfsdk:"name"`
	TaskCount          types.Int64   `tfsdk:"task_count"`
	RuntimeS           types.Float64 `tfsdk:"runtime_s"`
	Cores              types.Int64   `tfsdk:"cores"`
	MemoryMB           types.Int64   `tfsdk:"memory_mb"`
	GPUs               types.Int64   `tfsdk:"gpus"`
	InputBytes         types.Int64   `tfsdk:"input_bytes"`
	OutputBytes        types.Int64   `tfsdk:"output_bytes"`
	DependsOn          types.List    `tfsdk:"depends_on"`
	Coupling           types.String  `tfsdk:"coupling"`
	Nodes              types.Int64   `tfsdk:"nodes"`
	Stateful           types.Bool    `tfsdk:"stateful"`
	Pin                types.String  `tfsdk:"pin"`
	ServerlessMemoryMB types.Int64   `tfsdk:"serverless_memory_mb"`
}

// stageOverrideModel is one `stage_override` block: settings for a stage of the WfCommons trace.
type stageOverrideModel struct {
	Name               types.String `tfsdk:"name"`
	Coupling           types.String `tfsdk:"coupling"`
	Nodes              types.Int64  `tfsdk:"nodes"`
	Stateful           types.Bool   `tfsdk:"stateful"`
	Pin                types.String `tfsdk:"pin"`
	ServerlessMemoryMB types.Int64  `tfsdk:"serverless_memory_mb"`
}

type vmPoolModel struct {
	Name          types.String  `tfsdk:"name"`
	InstanceType  types.String  `tfsdk:"instance_type"`
	MinNodes      types.Int64   `tfsdk:"min_nodes"`
	MaxNodes      types.Int64   `tfsdk:"max_nodes"`
	PricePerHour  types.Float64 `tfsdk:"price_per_hour"`
	Speed         types.Float64 `tfsdk:"speed"`
	StartLatencyS types.Float64 `tfsdk:"start_latency_s"`
	VCPUs         types.Int64   `tfsdk:"vcpus"`
	MemoryGiB     types.Float64 `tfsdk:"memory_gib"`
	GPUs          types.Int64   `tfsdk:"gpus"`
	EFA           types.Bool    `tfsdk:"efa"`
	Spot          types.Bool    `tfsdk:"spot"`
	IdleTimeoutS  types.Float64 `tfsdk:"idle_timeout_s"`
	Cluster       types.String  `tfsdk:"cluster"`
}

type serverlessPoolModel struct {
	Name             types.String  `tfsdk:"name"`
	Architecture     types.String  `tfsdk:"architecture"`
	MemoryMB         types.Int64   `tfsdk:"memory_mb"`
	Concurrency      types.Int64   `tfsdk:"concurrency"`
	TimeoutS         types.Float64 `tfsdk:"timeout_s"`
	ColdStartS       types.Float64 `tfsdk:"cold_start_s"`
	Speed            types.Float64 `tfsdk:"speed"`
	PricePerGBSecond types.Float64 `tfsdk:"price_per_gb_second"`
}

type batchPoolModel struct {
	Name             types.String  `tfsdk:"name"`
	MaxVCPUs         types.Int64   `tfsdk:"max_vcpus"`
	StartLatencyS    types.Float64 `tfsdk:"start_latency_s"`
	Speed            types.Float64 `tfsdk:"speed"`
	PricePerVCPUHour types.Float64 `tfsdk:"price_per_vcpu_hour"`
	PricePerGBHour   types.Float64 `tfsdk:"price_per_gb_hour"`
}

// decodedInputs are the block lists of inputsModel as Go slices. A list that is unknown (dynamic blocks
// over unknown values) leaves its known flag false.
type decodedInputs struct {
	stages     []stageModel
	overrides  []stageOverrideModel
	hpc        []vmPoolModel
	ray        []vmPoolModel
	serverless []serverlessPoolModel
	batch      []batchPoolModel
	lustre     []lustreModel
	known      bool // every list is known
}

// elems decodes a list of objects; ok is false when the list or one of its elements is unknown.
func elems[T any](ctx context.Context, l types.List, diags *diag.Diagnostics) ([]T, bool) {
	if l.IsUnknown() {
		return nil, false
	}
	if l.IsNull() {
		return nil, true
	}
	if hasUnknown(l) {
		return nil, false
	}
	var out []T
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out, true
}

func (m *inputsModel) decode(ctx context.Context) (decodedInputs, diag.Diagnostics) {
	var diags diag.Diagnostics
	var d decodedInputs
	var k [7]bool
	d.stages, k[0] = elems[stageModel](ctx, m.Stage, &diags)
	d.hpc, k[1] = elems[vmPoolModel](ctx, m.HPC, &diags)
	d.ray, k[2] = elems[vmPoolModel](ctx, m.Ray, &diags)
	d.serverless, k[3] = elems[serverlessPoolModel](ctx, m.Serverless, &diags)
	d.batch, k[4] = elems[batchPoolModel](ctx, m.Batch, &diags)
	d.overrides, k[5] = elems[stageOverrideModel](ctx, m.StageOverride, &diags)
	d.lustre, k[6] = elems[lustreModel](ctx, m.Lustre, &diags)
	d.known = k[0] && k[1] && k[2] && k[3] && k[4] && k[5] && k[6]
	m.decoded = &d
	return d, diags
}

func (d *decodedInputs) hasPlatforms() bool {
	return len(d.hpc)+len(d.ray)+len(d.serverless)+len(d.batch) > 0
}

func stringList(ctx context.Context, l types.List, diags *diag.Diagnostics) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out
}

func i64or(v types.Int64, def int64) int64 {
	if v.IsNull() || v.IsUnknown() {
		return def
	}
	return v.ValueInt64()
}

func set[T any](v interface{ IsNull() bool }, get func() T, dst *T) {
	if !v.IsNull() {
		*dst = get()
	}
}

// stageSpecs converts the stage blocks into the engine's stage specifications, with what is not known
// yet (at plan time) marked for placement.CheckStages.
func stageSpecs(ctx context.Context, stages []stageModel, diags *diag.Diagnostics) ([]placement.StageSpec, []placement.StageUnknowns) {
	specs := make([]placement.StageSpec, 0, len(stages))
	unknown := make([]placement.StageUnknowns, 0, len(stages))
	for _, s := range stages {
		u := placement.StageUnknowns{Name: s.Name.IsUnknown() || s.Name.IsNull(), TaskCount: s.TaskCount.IsUnknown() || s.TaskCount.IsNull(),
			DependsOn: s.DependsOn.IsUnknown() || hasUnknown(s.DependsOn), Coupling: s.Coupling.IsUnknown(), Nodes: s.Nodes.IsUnknown()}
		spec := placement.StageSpec{
			Name:        s.Name.ValueString(),
			TaskCount:   int(s.TaskCount.ValueInt64()),
			RuntimeS:    s.RuntimeS.ValueFloat64(),
			Cores:       int(i64or(s.Cores, 1)),
			MemoryMB:    i64or(s.MemoryMB, 0),
			GPUs:        int(i64or(s.GPUs, 0)),
			InputBytes:  i64or(s.InputBytes, 0),
			OutputBytes: i64or(s.OutputBytes, 0),
			Nodes:       int(i64or(s.Nodes, 0)),
			Stateful:    s.Stateful.ValueBool(),
			Pin:         s.Pin.ValueString(),
		}
		if !u.DependsOn {
			spec.DependsOn = stringList(ctx, s.DependsOn, diags)
		}
		if s.Coupling.ValueString() == "mpi" {
			spec.Coupling = placement.CouplingMPI
		}
		spec.ServerlessMemoryMB = int(i64or(s.ServerlessMemoryMB, 0))
		specs = append(specs, spec)
		unknown = append(unknown, u)
	}
	return specs, unknown
}

// hasUnknown reports whether a known list holds an unknown element.
func hasUnknown(l types.List) bool {
	for _, e := range l.Elements() {
		if e.IsUnknown() {
			return true
		}
	}
	return false
}

// expandWorkflow builds the engine workflow from `wfcommons_json` (with its `stage_override` blocks) or
// the `stage` blocks.
func expandWorkflow(ctx context.Context, m *inputsModel, d *decodedInputs) (*placement.Workflow, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !m.WfCommonsJSON.IsNull() {
		w := m.trace // parsed by validateInputs
		if w == nil {
			var ds diag.Diagnostics
			if w, ds = validateWorkflowSource(m, d); w == nil {
				if !ds.HasError() {
					ds.AddAttributeError(path.Root("wfcommons_json"), "Invalid WfCommons workflow", "wfcommons_json is not known")
				}
				return nil, ds
			}
		}
		diags.Append(applyStageOverrides(w, d.overrides)...)
		if diags.HasError() {
			return nil, diags
		}
		return w, diags
	}
	specs, _ := stageSpecs(ctx, d.stages, &diags)
	w, err := placement.FromStages(specs)
	var se *placement.StageError
	switch {
	case errors.As(err, &se):
		diags.Append(stageDiagnostic(se))
		return nil, diags
	case err != nil:
		diags.AddAttributeError(path.Root("stage"), "Invalid workflow stages", err.Error())
		return nil, diags
	}
	return w, diags
}

// applyStageOverrides sets the attributes each `stage_override` block gives on the trace stage of that
// name; unset attributes keep the stage's values. A name the trace does not have is an error naming the
// block (validateInputs reports it at plan time already).
func applyStageOverrides(w *placement.Workflow, overrides []stageOverrideModel) diag.Diagnostics {
	var diags diag.Diagnostics
	for i, o := range overrides {
		name := o.Name.ValueString()
		k := w.StageIndex(name)
		if k < 0 {
			diags.Append(unknownOverrideStage(i, name, w))
			continue
		}
		st := &w.Stages[k]
		if !o.Coupling.IsNull() {
			st.Coupling = placement.CouplingNone
			if o.Coupling.ValueString() == "mpi" {
				st.Coupling = placement.CouplingMPI
			}
		}
		if !o.Nodes.IsNull() {
			st.Nodes = int(o.Nodes.ValueInt64())
		}
		set(o.Stateful, o.Stateful.ValueBool, &st.Stateful)
		set(o.Pin, o.Pin.ValueString, &st.Pin)
		if !o.ServerlessMemoryMB.IsNull() {
			st.ServerlessMemoryMB = int(o.ServerlessMemoryMB.ValueInt64())
		}
	}
	return diags
}

// unknownOverrideStage is the error for a `stage_override` naming no stage of the trace; it lists the
// trace's stages in workflow order.
func unknownOverrideStage(i int, name string, w *placement.Workflow) diag.Diagnostic {
	p := path.Root("stage_override").AtListIndex(i).AtName("name")
	names := make([]string, len(w.Stages))
	for k := range w.Stages {
		names[k] = w.Stages[k].Name
	}
	return diag.NewAttributeErrorDiagnostic(p, "Unknown stage in stage_override",
		fmt.Sprintf("%s: %q is not a stage of the wfcommons_json trace; its stages are: %s.", p, name, strings.Join(names, ", ")))
}

// expandPlatforms builds the pools from the platform blocks, or the engine's defaults right-sized for w
// when there are none. Pools keep the order hpc, ray, serverless, batch, each in configuration order.
func expandPlatforms(cat *placement.Catalog, d *decodedInputs, w *placement.Workflow) (placement.Platforms, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !d.hasPlatforms() {
		pls, err := placement.DefaultPlatformsFor(w, cat)
		if err != nil {
			diags.Append(defaultPlatformsError(cat, w, len(d.stages) > 0, err))
		}
		return pls, diags
	}
	out := placement.Platforms{Storage: placement.NewStorage(cat)}
	for i, m := range d.hpc {
		pl, ds := expandVMPool(cat, w, path.Root("hpc").AtListIndex(i), m, placement.KindHPC)
		diags.Append(ds...)
		out.Pools = append(out.Pools, pl)
	}
	for i, m := range d.ray {
		pl, ds := expandVMPool(cat, w, path.Root("ray").AtListIndex(i), m, placement.KindRay)
		diags.Append(ds...)
		out.Pools = append(out.Pools, pl)
	}
	for _, m := range d.serverless {
		out.Pools = append(out.Pools, expandServerlessPool(cat, m))
	}
	for _, m := range d.batch {
		out.Pools = append(out.Pools, expandBatchPool(cat, m))
	}
	if !diags.HasError() {
		diags.Append(checkPools(out.Pools, d)...)
	}
	return out, diags
}

// vmInstanceType is a VM block's instance type: the configured one (added to the catalog from vcpus,
// memory_gib, gpus, efa and price_per_hour when the catalog lacks it), or one right-sized for w.
func vmInstanceType(cat *placement.Catalog, w *placement.Workflow, m vmPoolModel, kind placement.PlatformKind) (string, error) {
	if it := m.InstanceType.ValueString(); it != "" {
		if _, ok := cat.Instance(it); !ok {
			cat.Instances[it] = placement.InstanceType{Name: it, VCPUs: int(i64or(m.VCPUs, 1)),
				MemoryGiB: m.MemoryGiB.ValueFloat64(), GPUs: int(i64or(m.GPUs, 0)), EFA: m.EFA.ValueBool(),
				Arch: "x86_64", HourlyUSD: m.PricePerHour.ValueFloat64(), PriceSource: "configuration (price_per_hour)",
				SpecSource: "configuration (vcpus, memory_gib, gpus, efa)"}
		}
		return it, nil
	}
	families := placement.RayFamilies
	if kind == placement.KindHPC {
		for _, s := range w.Stages {
			if s.Coupling == placement.CouplingMPI {
				return placement.MPIInstanceType, nil
			}
		}
		families = placement.HPCFamilies
	}
	it, err := placement.RightSize(cat, w, families)
	return it.Name, err
}

func expandVMPool(cat *placement.Catalog, w *placement.Workflow, at path.Path, m vmPoolModel, kind placement.PlatformKind) (placement.Pool, diag.Diagnostics) {
	var diags diag.Diagnostics
	it, err := vmInstanceType(cat, w, m, kind)
	if err != nil {
		diags.AddAttributeError(at.AtName("instance_type"), "No instance type fits the workflow", err.Error())
		return placement.Pool{}, diags
	}
	def := int64(placement.DefaultHPCMaxNodes)
	ctor, capacity := placement.NewHPCPool, cat.HPCPoolVCPUs.V
	if kind == placement.KindRay {
		def, ctor, capacity = placement.DefaultRayMaxNodes, placement.NewRayPool, cat.RayPoolVCPUs.V
	}
	if m.InstanceType.ValueString() == "" { // right-sized: as many nodes as the default pool's vCPUs
		def = max(1, int64(capacity)/int64(cat.Instances[it].VCPUs))
	}
	pl, err := ctor(cat, m.Name.ValueString(), it, int(i64or(m.MinNodes, 0)), int(i64or(m.MaxNodes, def)))
	if err != nil {
		diags.AddAttributeError(at.AtName("instance_type"), "Unknown instance type", err.Error())
		return pl, diags
	}
	if m.Spot.ValueBool() && m.PricePerHour.IsNull() {
		pl = pl.WithSpot(cat)
	}
	if !m.PricePerHour.IsNull() {
		pl.HourlyUSD, pl.PriceSource = m.PricePerHour.ValueFloat64(), "configuration (price_per_hour)"
		pl.Spot = m.Spot.ValueBool()
	}
	set(m.Speed, m.Speed.ValueFloat64, &pl.Speed)
	set(m.StartLatencyS, m.StartLatencyS.ValueFloat64, &pl.StartLatencyS)
	set(m.IdleTimeoutS, m.IdleTimeoutS.ValueFloat64, &pl.IdleTimeoutS)
	if !m.VCPUs.IsNull() {
		pl.VCPUs = int(m.VCPUs.ValueInt64())
	}
	if !m.MemoryGiB.IsNull() {
		pl.MemoryBytes = int64(m.MemoryGiB.ValueFloat64() * (1 << 30))
	}
	if !m.GPUs.IsNull() {
		pl.GPUs = int(m.GPUs.ValueInt64())
	}
	set(m.EFA, m.EFA.ValueBool, &pl.EFA)
	set(m.Cluster, m.Cluster.ValueString, &pl.Cluster)
	return pl, diags
}

func expandServerlessPool(cat *placement.Catalog, m serverlessPoolModel) placement.Pool {
	arch := "x86_64"
	set(m.Architecture, m.Architecture.ValueString, &arch)
	pl := placement.NewServerlessPool(cat, m.Name.ValueString(), arch)
	if !m.MemoryMB.IsNull() {
		pl.MaxMemoryMB = int(m.MemoryMB.ValueInt64())
	}
	if !m.Concurrency.IsNull() {
		pl.Concurrency = int(m.Concurrency.ValueInt64())
	}
	set(m.TimeoutS, m.TimeoutS.ValueFloat64, &pl.TimeoutS)
	set(m.ColdStartS, m.ColdStartS.ValueFloat64, &pl.StartLatencyS)
	set(m.Speed, m.Speed.ValueFloat64, &pl.Speed)
	if !m.PricePerGBSecond.IsNull() {
		pl.GBSecondUSD, pl.PriceSource = m.PricePerGBSecond.ValueFloat64(), "configuration (price_per_gb_second)"
	}
	return pl
}

func expandBatchPool(cat *placement.Catalog, m batchPoolModel) placement.Pool {
	pl := placement.NewBatchPool(cat, m.Name.ValueString())
	if !m.MaxVCPUs.IsNull() {
		pl.MaxVCPUs = int(m.MaxVCPUs.ValueInt64())
	}
	set(m.StartLatencyS, m.StartLatencyS.ValueFloat64, &pl.StartLatencyS)
	set(m.Speed, m.Speed.ValueFloat64, &pl.Speed)
	if !m.PricePerVCPUHour.IsNull() {
		pl.VCPUHourUSD, pl.PriceSource = m.PricePerVCPUHour.ValueFloat64(), "configuration (price_per_vcpu_hour)"
	}
	set(m.PricePerGBHour, m.PricePerGBHour.ValueFloat64, &pl.GBHourUSD)
	return pl
}

// expandOptions maps objective, cost_weight, deadline_s and budget_usd to solver options.
func expandOptions(m *inputsModel) placement.Options {
	o := placement.Options{Objective: placement.ObjectiveWeighted, CostWeight: placement.DefaultCostWeight}
	switch m.Objective.ValueString() {
	case objectiveCost:
		o.Objective = placement.ObjectiveCost
	case objectiveMakespan:
		o.Objective = placement.ObjectiveMakespan
	case objectiveWeighted:
		set(m.CostWeight, m.CostWeight.ValueFloat64, &o.CostWeight)
	}
	set(m.DeadlineS, m.DeadlineS.ValueFloat64, &o.DeadlineS)
	set(m.BudgetUSD, m.BudgetUSD.ValueFloat64, &o.BudgetUSD)
	o.NoSplit = !m.SplitStages.IsNull() && !m.SplitStages.ValueBool()
	o.StaticNodes = int(i64or(m.StaticNodes, 0))
	o.StaticUp = m.StaticUp.ValueBool()
	return o
}

// expand validates the inputs and converts them into an engine problem and solver options. The inputs
// must be known.
func (m *inputsModel) expand(ctx context.Context, lookup *priceLookup) (*placement.Problem, placement.Options, diag.Diagnostics) {
	d, diags := m.decode(ctx)
	if diags.HasError() {
		return nil, placement.Options{}, diags
	}
	if !d.known || m.WfCommonsJSON.IsUnknown() {
		diags.AddError("computing the workflow placement", "some inputs are not known yet; this is a bug in the provider")
		return nil, placement.Options{}, diags
	}
	diags.Append(validateInputs(ctx, m, &d, true)...)
	if diags.HasError() {
		return nil, placement.Options{}, diags
	}
	w, ds := expandWorkflow(ctx, m, &d)
	diags.Append(ds...)
	if diags.HasError() {
		return nil, placement.Options{}, diags
	}
	cat, ds := expandCatalog(ctx, m)
	diags.Append(ds...)
	diags.Append(applyLustre(cat, &d, m)...)
	if !m.PricingAPI.IsNull() && !m.PricingAPI.ValueBool() { // pricing_api = false: no AWS call at all
		lookup = nil
	}
	items := serviceItems(&d)
	diags.Append(applyServicePrices(ctx, lookup, cat, items)...)
	diags.Append(lustrePriceWarning(lookup, &d, cat)...)
	diags.Append(applyInstancePrices(ctx, lookup, cat, instanceTypesToPrice(cat, &d, w))...)
	pls, ds := expandPlatforms(cat, &d, w)
	diags.Append(ds...)
	if diags.HasError() {
		return nil, placement.Options{}, diags
	}
	pls.PriceSources = priceSources(cat, &pls, items)
	pls.Standing = m.EnvironmentUp.IsNull() || m.EnvironmentUp.ValueBool()
	return placement.NewProblem(w, pls), expandOptions(m), diags
}

// solve runs the engine and turns an infeasible problem into a diagnostic that names the stage and the
// attribute concerned.
func solve(ctx context.Context, m *inputsModel, p *placement.Problem, o placement.Options) (*placement.Solution, diag.Diagnostics) {
	var diags diag.Diagnostics
	sol, err := placement.SolveBounded(p, o)
	if err == nil {
		diags.Append(serverlessOverTimeout(p, sol.Evaluation)...)
		return sol, diags
	}
	summary := "computing the workflow placement"
	detail := err.Error()
	var ie *placement.InfeasibleError
	var bug *placement.InternalError
	if errors.As(err, &bug) {
		tflog.Error(ctx, "placement engine internal error", map[string]any{"panic": fmt.Sprint(bug.Value), "stack": bug.Stack})
	}
	if errors.As(err, &ie) {
		at := infeasiblePath(ctx, m, ie)
		if ie.Stage != "" {
			summary = fmt.Sprintf("no feasible placement for stage %q", ie.Stage)
		} else {
			summary = "no feasible placement"
		}
		detail += "\n\nChange the stage's requirements or pin, add a platform it fits, or relax deadline_s / budget_usd."
		if !at.Equal(path.Empty()) {
			diags.AddAttributeError(at, summary, detail)
			return nil, diags
		}
	}
	diags.AddError(summary, detail)
	return nil, diags
}

// infeasiblePath is the attribute an infeasibility is about: the deadline or budget when those are what
// no placement meets, else the stage or stage_override block of the stage named, else the workflow.
func infeasiblePath(ctx context.Context, m *inputsModel, ie *placement.InfeasibleError) path.Path {
	switch {
	case ie.Constraint == placement.ConstraintDeadline && !m.DeadlineS.IsNull():
		return path.Root("deadline_s")
	case ie.Constraint == placement.ConstraintBudget && !m.BudgetUSD.IsNull():
		return path.Root("budget_usd")
	case ie.Constraint == placement.ConstraintBoth:
		return path.Empty()
	}
	d := m.decoded
	if d == nil { // not expanded: decode for the diagnostic
		dd, _ := m.decode(ctx)
		d = &dd
	}
	if !m.WfCommonsJSON.IsNull() {
		for i, o := range d.overrides {
			if o.Name.ValueString() == ie.Stage {
				return path.Root("stage_override").AtListIndex(i)
			}
		}
		return path.Root("wfcommons_json")
	}
	for i, s := range d.stages {
		if s.Name.ValueString() == ie.Stage {
			return path.Root("stage").AtListIndex(i)
		}
	}
	return path.Empty()
}
