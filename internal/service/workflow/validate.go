// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/prices"
)

// inputsValidator checks the cross-attribute rules of the placement inputs at plan time, for the data
// source and the resource alike. Rules on single values (ranges, enums, name syntax) are attribute
// validators in the schema.
type inputsValidator struct{}

var (
	_ datasource.ConfigValidator = inputsValidator{}
	_ resource.ConfigValidator   = inputsValidator{}
)

func (inputsValidator) Description(context.Context) string {
	return "exactly one of wfcommons_json and stage; unique stage and pool names; task_count in range; depends_on names " +
		"known stages without cycles; pin names a pool or platform kind; the lustre block follows FSx's capacity and throughput rules; " +
		"stage_override only with wfcommons_json, once per stage, naming a stage of the trace; nodes only with coupling \"mpi\" and at " +
		"most the max_nodes of an HPC pool with EFA; min_nodes <= max_nodes; instance types outside the " +
		"catalog give vcpus, memory_gib and price_per_hour; cost_weight only with objective \"weighted\""
}

func (v inputsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (inputsValidator) ValidateDataSource(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateConfig(ctx, req.Config)...)
}

func (inputsValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateConfig(ctx, req.Config)...)
}

// readInputs reads the shared inputs from a configuration, plan or state attribute by attribute (the
// whole object also holds the outputs and, for the resource, more).
func readInputs(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics) (inputsModel, diag.Diagnostics) {
	var m inputsModel
	var diags diag.Diagnostics
	for name, dst := range map[string]any{
		"wfcommons_json": &m.WfCommonsJSON, "stage": &m.Stage, "stage_override": &m.StageOverride, "hpc": &m.HPC, "ray": &m.Ray,
		"serverless": &m.Serverless, "batch": &m.Batch, "lustre": &m.Lustre, "objective": &m.Objective, "cost_weight": &m.CostWeight,
		"deadline_s": &m.DeadlineS, "budget_usd": &m.BudgetUSD, "split_stages": &m.SplitStages,
		"static_cluster_nodes": &m.StaticNodes, "static_cluster_up": &m.StaticUp, "environment_up": &m.EnvironmentUp,
		"pricing_api":     &m.PricingAPI,
		"model_overrides": &m.ModelOverride,
		attrHPCHead:       &m.HPCHeadType,
		attrRayHead:       &m.RayHeadType,
	} {
		diags.Append(get(ctx, path.Root(name), dst)...)
	}
	return m, diags
}

func validateConfig(ctx context.Context, cfg tfsdk.Config) diag.Diagnostics {
	m, diags := readInputs(ctx, cfg.GetAttribute)
	if diags.HasError() {
		return diags
	}
	d, ds := m.decode(ctx)
	diags.Append(ds...)
	if diags.HasError() {
		return diags
	}
	diags.Append(validateInputs(ctx, &m, &d, false)...)
	return diags
}

// validateInputs checks the cross-attribute rules. Unknown values skip the rules that need them unless
// requireKnown is set (at read or apply time everything is known). With wfcommons_json known it also
// parses the document, so a bad trace fails the plan, and keeps the parsed trace in m for expand.
func validateInputs(ctx context.Context, m *inputsModel, d *decodedInputs, requireKnown bool) diag.Diagnostics {
	trace, diags := validateWorkflowSource(m, d)
	m.trace = trace
	pools, ds := validatePools(d)
	diags.Append(ds...)
	diags.Append(validateStages(ctx, d, pools)...)
	diags.Append(validateOverrides(m, d, trace, pools)...)
	diags.Append(validateNodes(ctx, m, d)...)
	if !m.ModelOverride.IsUnknown() && !m.HPCHeadType.IsUnknown() && !m.RayHeadType.IsUnknown() {
		_, ds := expandCatalog(ctx, m) // unknown names and bad values, naming the key or the head node type
		diags.Append(ds...)
	}
	diags.Append(validateLustre(ctx, m, d)...)
	if !m.CostWeight.IsNull() && !m.Objective.IsUnknown() && m.Objective.ValueString() != objectiveWeighted {
		diags.AddAttributeError(path.Root("cost_weight"), "cost_weight needs objective \"weighted\"",
			fmt.Sprintf("cost_weight only applies to objective = \"weighted\" (objective is %q).", objectiveOrDefault(m)))
	}
	if requireKnown && !d.known {
		diags.AddError("computing the workflow placement", "some inputs are not known yet")
	}
	return diags
}

// validateWorkflowSource checks that exactly one of wfcommons_json and stage gives the workflow, and
// parses the trace (returned when valid).
func validateWorkflowSource(m *inputsModel, d *decodedInputs) (*placement.Workflow, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch {
	case m.WfCommonsJSON.IsUnknown() || m.Stage.IsUnknown():
	case m.WfCommonsJSON.IsNull() && len(d.stages) == 0:
		diags.AddAttributeError(path.Root("wfcommons_json"), "Missing workflow",
			"Give the workflow either as wfcommons_json (a WfCommons JSON document, e.g. file(\"montage.json\")) or as at least one stage block.")
	case !m.WfCommonsJSON.IsNull() && len(d.stages) > 0:
		diags.AddAttributeError(path.Root("wfcommons_json"), "Conflicting workflow inputs",
			"wfcommons_json and stage blocks are mutually exclusive: give the workflow one way only.")
	case !m.WfCommonsJSON.IsNull():
		w, err := placement.LoadWfCommons(strings.NewReader(m.WfCommonsJSON.ValueString()))
		if err != nil {
			diags.AddAttributeError(path.Root("wfcommons_json"), "Invalid WfCommons workflow",
				fmt.Sprintf("wfcommons_json must be a WfCommons WfFormat JSON document (schema 1.4 or 1.5): %s", err))
			return nil, diags
		}
		return w, diags
	}
	return nil, diags
}

// poolSet is the pool names of the configuration (or of the default platforms) with the path that
// defines each; known is false while a name is unknown.
type poolSet struct {
	names map[string]string
	known bool
}

type stringValue interface {
	IsUnknown() bool
	IsNull() bool
	ValueString() string
}

// validatePools checks unique pool names, node bounds and instance types outside the catalogue.
func validatePools(d *decodedInputs) (poolSet, diag.Diagnostics) {
	var diags diag.Diagnostics
	ps := poolSet{names: map[string]string{}, known: d.known}
	add := func(p path.Path, name stringValue) {
		if name.IsUnknown() || name.IsNull() {
			ps.known = false
			return
		}
		if prev, dup := ps.names[name.ValueString()]; dup {
			diags.AddAttributeError(p.AtName("name"), "Duplicate pool name",
				fmt.Sprintf("pool name %q is already used by %s; pool names must be unique across hpc, ray, serverless and batch blocks.",
					name.ValueString(), prev))
			return
		}
		ps.names[name.ValueString()] = p.String()
	}
	for _, blk := range []struct {
		name  string
		pools []vmPoolModel
	}{{"hpc", d.hpc}, {"ray", d.ray}} {
		for i, pl := range blk.pools {
			p := path.Root(blk.name).AtListIndex(i)
			add(p, pl.Name)
			diags.Append(validateVMPool(p, blk.name, pl)...)
		}
	}
	for i, pl := range d.serverless {
		add(path.Root("serverless").AtListIndex(i), pl.Name)
	}
	for i, pl := range d.batch {
		add(path.Root("batch").AtListIndex(i), pl.Name)
	}
	if ps.known && !d.hasPlatforms() {
		for _, pl := range placement.DefaultPlatforms().Pools {
			ps.names[pl.Name] = "the default platforms"
		}
	}
	return ps, diags
}

// validateVMPool checks min_nodes <= max_nodes and that an instance type outside the catalogue comes with
// vcpus, memory_gib and price_per_hour.
func validateVMPool(p path.Path, block string, pl vmPoolModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if !pl.MinNodes.IsNull() && !pl.MinNodes.IsUnknown() && !pl.MaxNodes.IsUnknown() {
		maxN := int64(placement.DefaultHPCMaxNodes)
		if block == "ray" {
			maxN = placement.DefaultRayMaxNodes
		}
		if !pl.MaxNodes.IsNull() {
			maxN = pl.MaxNodes.ValueInt64()
		}
		if pl.MinNodes.ValueInt64() > maxN {
			diags.AddAttributeError(p.AtName("min_nodes"), "Invalid node bounds",
				fmt.Sprintf("min_nodes (%d) must not exceed max_nodes (%d).", pl.MinNodes.ValueInt64(), maxN))
		}
	}
	it := pl.InstanceType
	if it.IsUnknown() || it.IsNull() {
		return diags
	}
	if _, ok := prices.InstanceType(it.ValueString()); ok {
		return diags
	}
	var missing []string
	for _, f := range []struct {
		name string
		null bool
	}{{"vcpus", pl.VCPUs.IsNull()}, {"memory_gib", pl.MemoryGiB.IsNull()}, {"price_per_hour", pl.PricePerHour.IsNull()}} {
		if f.null {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		diags.AddAttributeError(p.AtName("instance_type"), "Instance type not in the catalog",
			fmt.Sprintf("instance type %q is not in the built-in catalog (%s); set %s for it.",
				it.ValueString(), strings.Join(prices.InstanceNames(), ", "), strings.Join(missing, ", ")))
	}
	return diags
}

// validateStages applies the engine's stage rules (placement.CheckStages) to what is known of the stage
// blocks, each broken rule a diagnostic on its attribute, and checks pins.
func validateStages(ctx context.Context, d *decodedInputs, pools poolSet) diag.Diagnostics {
	var diags diag.Diagnostics
	specs, unknown := stageSpecs(ctx, d.stages, &diags)
	for _, e := range placement.CheckStages(specs, unknown) {
		diags.Append(stageDiagnostic(e))
	}
	if !pools.known {
		return diags
	}
	for i, s := range d.stages {
		if !s.Name.IsUnknown() {
			diags.Append(validatePin(path.Root("stage").AtListIndex(i).AtName("pin"), s.Name.ValueString(), s.Pin, pools.names)...)
		}
	}
	return diags
}

// stageRuleSummaries are the diagnostic summaries of the engine's stage rules.
var stageRuleSummaries = map[placement.StageRule]string{
	placement.RuleUniqueName:       "Duplicate stage name",
	placement.RuleKnownDependency:  "Unknown stage dependency",
	placement.RuleNoSelfDependency: "Invalid stage dependency",
	placement.RuleAcyclic:          "Stage dependency cycle",
	placement.RuleTaskCount:        "Invalid task_count",
	placement.RuleNodes:            "Invalid nodes",
}

// stageDiagnostic is a broken stage rule as a diagnostic on the stage block's attribute
// (stage[i].name, stage[i].depends_on, stage[i].task_count or stage[i].nodes), naming the attribute and the rule.
func stageDiagnostic(e *placement.StageError) diag.Diagnostic {
	p := path.Root("stage").AtListIndex(e.Index).AtName(e.Field)
	summary, ok := stageRuleSummaries[e.Rule]
	if !ok {
		summary = "Invalid stage"
	}
	return diag.NewAttributeErrorDiagnostic(p, summary, fmt.Sprintf("%s: %s.", p, e))
}

// validateOverrides checks that stage_override blocks come only with wfcommons_json, once per stage,
// naming a stage of the trace, with valid pins.
func validateOverrides(m *inputsModel, d *decodedInputs, trace *placement.Workflow, pools poolSet) diag.Diagnostics {
	var diags diag.Diagnostics
	if !m.StageOverride.IsUnknown() && len(d.overrides) > 0 && !m.WfCommonsJSON.IsUnknown() && m.WfCommonsJSON.IsNull() {
		diags.AddAttributeError(path.Root("stage_override").AtListIndex(0), "stage_override needs wfcommons_json",
			"stage_override blocks need wfcommons_json: they apply to the stages of a WfCommons trace. With stage blocks, set "+
				"coupling, stateful, pin and serverless_memory_mb on the stage block itself.")
	}
	overridden := map[string]int{}
	for i, o := range d.overrides {
		p := path.Root("stage_override").AtListIndex(i)
		if o.Name.IsUnknown() || o.Name.IsNull() {
			continue
		}
		n := o.Name.ValueString()
		if j, dup := overridden[n]; dup {
			diags.AddAttributeError(p.AtName("name"), "Duplicate stage_override name",
				fmt.Sprintf("%s: stage %q is already overridden by stage_override[%d]; give each stage at most one stage_override block.",
					p.AtName("name"), n, j))
			continue
		}
		overridden[n] = i
		if trace != nil && trace.StageIndex(n) < 0 {
			diags.Append(unknownOverrideStage(i, n, trace))
			continue
		}
		if pools.known {
			diags.Append(validatePin(p.AtName("pin"), n, o.Pin, pools.names)...)
		}
	}
	return diags
}

// validatePin checks that a known pin names a pool or a platform kind.
func validatePin(p path.Path, stage string, pin stringValue, poolNames map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	if pin.IsNull() || pin.IsUnknown() {
		return diags
	}
	if v := pin.ValueString(); !isKind(v) {
		if _, ok := poolNames[v]; !ok {
			diags.AddAttributeError(p, "Unknown pin",
				fmt.Sprintf("stage %q is pinned to %q, which is neither a pool (%s) nor a platform kind (hpc, ray, serverless, batch).",
					stage, v, strings.Join(sortedKeys(poolNames), ", ")))
		}
	}
	return diags
}

func objectiveOrDefault(m *inputsModel) string {
	if m.Objective.IsNull() {
		return objectiveBalanced
	}
	return m.Objective.ValueString()
}

func isKind(v string) bool {
	for _, k := range placement.Kinds {
		if string(k) == v {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
