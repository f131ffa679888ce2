// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// ModifyPlan computes the placement at plan time, so the plan shows the stages, totals and manifest that
// apply will write, and which stages move. The solver is deterministic: unchanged inputs give the
// values already in state, hence an empty plan.
func (r *workflowPlacementResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() { // destroy
		return
	}
	if !req.Config.Raw.IsFullyKnown() {
		// Some input (say an instance type from a cluster not created yet) is unknown: the placement
		// is computed at apply time and the computed attributes stay unknown.
		tflog.Debug(ctx, "placement inputs not fully known at plan time; computing at apply")
		return
	}
	var plan workflowPlacementModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *workflowPlacementModel
	if !req.State.Raw.IsNull() {
		state = &workflowPlacementModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	bucket, key := plan.location()
	ctx = tflog.SetField(ctx, "manifest", s3URI(bucket, key))
	resp.Diagnostics.Append(planPlacement(ctx, &plan, state, true, pricingAPI(r.Client()))...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planPlacement computes every computed attribute of plan except the manifest's ETag and version ID,
// which it copies from state when the manifest content and location are unchanged (no write needed)
// and otherwise leaves unknown. warn adds a warning listing the stages that move.
func planPlacement(ctx context.Context, plan, state *workflowPlacementModel, warn bool, lookup *priceLookup) diag.Diagnostics {
	p, opts, diags := plan.expand(ctx, lookup)
	if diags.HasError() {
		return diags
	}
	sol, d := solve(ctx, &plan.inputsModel, p, opts)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	diags.Append(plan.outputsModel.flatten(p, sol)...)
	man, err := placement.NewManifest(p, sol)
	var body []byte
	if err == nil {
		body, err = man.JSON()
	}
	if err != nil {
		diags.AddError("building the workflow placement manifest", err.Error())
		return diags
	}
	plan.ManifestJSON = types.StringValue(string(body))
	bucket, key := plan.location()
	plan.ID = types.StringValue(bucket + "/" + key)

	unchanged := state != nil && state.ManifestJSON.ValueString() == string(body) && !state.ManifestJSON.IsNull()
	sameLocation := state != nil && state.ID.ValueString() == plan.ID.ValueString()
	if unchanged && sameLocation && !state.ManifestETag.IsNull() && !state.ManifestETag.IsUnknown() {
		plan.ManifestETag, plan.ManifestVersionID = state.ManifestETag, state.ManifestVersionID
	} else {
		plan.ManifestETag, plan.ManifestVersionID = types.StringUnknown(), types.StringUnknown()
	}

	var moves []string
	switch {
	case state == nil:
	case unchanged && !state.Moves.IsNull() && !state.Moves.IsUnknown():
		plan.Moves = state.Moves
		return diags
	case !unchanged:
		before, d := expandStageRows(ctx, state.Stages)
		diags.Append(d...)
		after, d := expandStageRows(ctx, plan.Stages)
		diags.Append(d...)
		moves = stageMoves(before, after)
		if warn && len(moves) > 0 {
			diags.AddWarning(fmt.Sprintf("Workflow placement changes: %d stage(s) move", countMoved(before, after)),
				strings.Join(moves, "\n")+"\n\n"+totalsLine(state, plan))
		}
	}
	vals := make([]attr.Value, 0, len(moves))
	for _, m := range moves {
		vals = append(vals, types.StringValue(m))
	}
	l, d := types.ListValue(types.StringType, vals)
	diags.Append(d...)
	plan.Moves = l
	return diags
}

// stageMoves describes, per stage in the new order, a change of pool, a new stage or (at the end) a
// stage that no longer exists. Costs and durations print with the decimals of the outputs (see round).
func stageMoves(before, after []stageRow) []string {
	old := make(map[string]stageRow, len(before))
	for _, r := range before {
		old[r.Name] = r
	}
	seen := map[string]bool{}
	var out []string
	for _, n := range after {
		seen[n.Name] = true
		o, ok := old[n.Name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("stage %s: new, on %s/%s (stage cost %s USD)", n.Name, n.Platform, n.Pool, format(n.CostUSD, usd)))
		case o.Pool != n.Pool || o.Platform != n.Platform:
			out = append(out, fmt.Sprintf("stage %s: %s/%s -> %s/%s (stage cost %s USD, stage duration %s s)",
				n.Name, o.Platform, o.Pool, n.Platform, n.Pool, formatDelta(n.CostUSD-o.CostUSD, usd),
				formatDelta((n.FinishS-n.StartS)-(o.FinishS-o.StartS), seconds)))
		}
	}
	for _, o := range before {
		if !seen[o.Name] {
			out = append(out, fmt.Sprintf("stage %s: removed (was on %s/%s)", o.Name, o.Platform, o.Pool))
		}
	}
	return out
}

func countMoved(before, after []stageRow) int {
	old := make(map[string]string, len(before))
	for _, r := range before {
		old[r.Name] = r.Pool
	}
	n := 0
	for _, r := range after {
		if p, ok := old[r.Name]; !ok || p != r.Pool {
			n++
		}
	}
	return n
}

func totalsLine(state, plan *workflowPlacementModel) string {
	oc, nc := state.CostUSD.ValueFloat64(), plan.CostUSD.ValueFloat64()
	om, nm := state.MakespanS.ValueFloat64(), plan.MakespanS.ValueFloat64()
	s := fmt.Sprintf("workflow: cost %s -> %s USD (%s), makespan %s -> %s s (%s)", format(oc, usd), format(nc, usd),
		formatDelta(nc-oc, usd), format(om, seconds), format(nm, seconds), formatDelta(nm-om, seconds))
	if !state.InputHash.IsNull() && state.InputHash.ValueString() != plan.InputHash.ValueString() {
		s += fmt.Sprintf("; inputs changed (input_hash %.12s -> %.12s)", state.InputHash.ValueString(), plan.InputHash.ValueString())
	}
	return s
}

// parseManifest decodes a manifest read from S3; nil when the document is not one.
func parseManifest(body []byte) *placement.Manifest {
	var m placement.Manifest
	if err := json.Unmarshal(body, &m); err != nil || m.Version < 1 || len(m.Stages) == 0 {
		return nil
	}
	return &m
}
