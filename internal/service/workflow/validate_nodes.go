// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// validateNodes checks the `nodes` of stage and stage_override blocks at plan time: a stage_override
// sets it only with coupling = "mpi" in the same block (a trace's stages are not coupled; the stage
// blocks' rule is placement.RuleNodes, checked with the other stage rules), and no known `nodes` is
// above the max_nodes of every HPC pool with EFA, the only pools a multi-node MPI task runs on (it
// needs all its nodes at once). Nothing is checked while a value it needs is unknown.
func validateNodes(ctx context.Context, m *inputsModel, d *decodedInputs) diag.Diagnostics {
	var diags diag.Diagnostics
	type nodesAt struct {
		at    path.Path
		stage string
		nodes types.Int64
	}
	var given []nodesAt
	for i, s := range d.stages {
		if s.Coupling.ValueString() != "mpi" { // nodes without it: placement.RuleNodes
			continue
		}
		given = append(given, nodesAt{path.Root("stage").AtListIndex(i).AtName(placement.FieldNodes), s.Name.ValueString(), s.Nodes})
	}
	for i, o := range d.overrides {
		at := path.Root("stage_override").AtListIndex(i).AtName(placement.FieldNodes)
		if o.Nodes.IsNull() || o.Nodes.IsUnknown() || o.Coupling.IsUnknown() {
			continue
		}
		c := placement.CouplingNone
		if o.Coupling.ValueString() == "mpi" {
			c = placement.CouplingMPI
		}
		spec := placement.StageSpec{Name: o.Name.ValueString(), TaskCount: 1, Nodes: int(o.Nodes.ValueInt64()), Coupling: c}
		if errs := placement.CheckStages([]placement.StageSpec{spec}, nil); len(errs) > 0 {
			diags.AddAttributeError(at, stageRuleSummaries[placement.RuleNodes], fmt.Sprintf("%s: %s.", at, errs[0]))
			continue
		}
		given = append(given, nodesAt{at, o.Name.ValueString(), o.Nodes})
	}
	if len(given) == 0 {
		return diags
	}
	maxN, pools, ok := efaMaxNodes(ctx, m, d)
	if !ok || len(pools) == 0 { // unknown, or no EFA pool at all: the engine's coupling rule says so
		return diags
	}
	for _, g := range given {
		if g.nodes.IsNull() || g.nodes.IsUnknown() || g.nodes.ValueInt64() <= int64(maxN) {
			continue
		}
		diags.AddAttributeError(g.at, "Too many nodes per task",
			fmt.Sprintf("%s: stage %q asks for %d nodes per task, but no HPC pool with EFA has that many (max_nodes: %s). "+
				"A multi-node MPI task needs all its nodes at once, in one pool: lower nodes or raise max_nodes.",
				g.at, g.stage, g.nodes.ValueInt64(), strings.Join(pools, ", ")))
	}
	return diags
}

// efaMaxNodes returns the largest max_nodes among the HPC pools with EFA that an MPI stage may use (the
// hpc blocks as expandVMPool builds them for a workflow with an MPI stage, or the default HPC pool when no
// platform block is given), with each pool's "name = max_nodes"; ok is false while a value they depend on
// is unknown.
func efaMaxNodes(ctx context.Context, m *inputsModel, d *decodedInputs) (int, []string, bool) {
	if !d.known || !mapKnown(m.ModelOverride) {
		return 0, nil, false
	}
	cat, ds := expandCatalog(ctx, m)
	if ds.HasError() {
		return 0, nil, false
	}
	mpi := &placement.Workflow{Stages: []placement.Stage{{Coupling: placement.CouplingMPI}}}
	hpc := d.hpc
	if !d.hasPlatforms() {
		hpc = []vmPoolModel{{Name: types.StringValue("hpc")}} // the default HPC pool
	}
	maxN, pools := 0, []string(nil)
	for _, b := range hpc {
		if b.InstanceType.IsUnknown() || b.MaxNodes.IsUnknown() || b.EFA.IsUnknown() || b.VCPUs.IsUnknown() || b.Name.IsUnknown() {
			return 0, nil, false
		}
		pl, ds := expandVMPool(cat, mpi, path.Root("hpc"), b, placement.KindHPC)
		if ds.HasError() || !pl.EFA {
			continue
		}
		maxN = max(maxN, pl.MaxNodes)
		pools = append(pools, fmt.Sprintf("%s = %d", pl.Name, pl.MaxNodes))
	}
	return maxN, pools, true
}

// mapKnown reports whether a map and all its elements are known.
func mapKnown(m types.Map) bool {
	if m.IsUnknown() {
		return false
	}
	for _, e := range m.Elements() {
		if e.IsUnknown() {
			return false
		}
	}
	return true
}
