// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

var (
	_ resource.ResourceWithConfigure        = (*workflowPlacementResource)(nil)
	_ resource.ResourceWithConfigValidators = (*workflowPlacementResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*workflowPlacementResource)(nil)
	_ resource.ResourceWithImportState      = (*workflowPlacementResource)(nil)
)

const defaultManifestTimeout = 5 * time.Minute

// NewWorkflowPlacementResource returns the rayhpc_workflow_placement resource.
func NewWorkflowPlacementResource() resource.Resource { return &workflowPlacementResource{} }

type workflowPlacementResource struct {
	framework.WithClient
}

func (r *workflowPlacementResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workflow_placement"
}

func (r *workflowPlacementResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	bucket, key, ok := strings.Cut(req.ID, "/")
	if !ok || bucket == "" || key == "" {
		resp.Diagnostics.AddError(fmt.Sprintf("importing workflow placement (%s)", req.ID),
			"the import ID must be <bucket>/<key> of the manifest, such as my-data-lake/placements/montage.json")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("manifest"), &manifestLocationModel{
		Bucket: types.StringValue(bucket), Key: types.StringValue(key)})...)
}

// write puts the manifest of plan unless the plan kept the ETag from state (content and location
// unchanged), computing the placement first when it was unknown at plan time.
func (r *workflowPlacementResource) write(ctx context.Context, plan, state *workflowPlacementModel, action string) diag.Diagnostics {
	var diags diag.Diagnostics
	bucket, key := plan.location()
	if plan.ManifestJSON.IsUnknown() {
		diags.Append(planPlacement(ctx, plan, state, false, pricingAPI(r.Client()))...)
		if diags.HasError() {
			return diags
		}
	}
	if !plan.ManifestETag.IsUnknown() {
		tflog.Debug(ctx, "manifest content unchanged; not writing it")
		return diags
	}
	obj, err := putManifest(ctx, r.Client().S3(), bucket, key, []byte(plan.ManifestJSON.ValueString()), plan.InputHash.ValueString(), r.Client().DefaultTags)
	if err != nil {
		diags.AddError(fmt.Sprintf("%s workflow placement manifest (%s)", action, s3URI(bucket, key)),
			err.Error()+"\n\nCheck that the bucket exists and that the provider's credentials allow s3:PutObject on the key.")
		return diags
	}
	plan.ManifestETag = types.StringValue(obj.ETag)
	plan.ManifestVersionID = framework.StringOrNull(obj.VersionID)
	tflog.Info(ctx, "wrote workflow placement manifest", map[string]any{"etag": obj.ETag, "version_id": obj.VersionID})
	return diags
}

func (r *workflowPlacementResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan workflowPlacementModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	bucket, key := plan.location()
	ctx = tflog.SetField(ctx, "manifest", s3URI(bucket, key))
	timeout, d := plan.Timeouts.Create(ctx, defaultManifestTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp.Diagnostics.Append(r.write(ctx, &plan, nil, "writing")...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *workflowPlacementResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state workflowPlacementModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	bucket, key := state.location()
	ctx = tflog.SetField(ctx, "manifest", s3URI(bucket, key))
	obj, err := FindManifest(ctx, r.Client().S3(), bucket, key)
	if wait.NotFound(err) {
		resp.Diagnostics.AddWarning("Workflow placement manifest not found",
			fmt.Sprintf("%s no longer exists (deleted outside Terraform); removing the resource from the state so the next apply writes it again.",
				s3URI(bucket, key)))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading workflow placement manifest (%s)", s3URI(bucket, key)),
			err.Error()+"\n\nCheck that the bucket exists and that the provider's credentials allow s3:GetObject on the key.")
		return
	}
	state.ID = types.StringValue(bucket + "/" + key)
	state.ManifestJSON = types.StringValue(string(obj.Body))
	state.ManifestETag = types.StringValue(obj.ETag)
	state.ManifestVersionID = framework.StringOrNull(obj.VersionID)
	// What the bucket says the placement is: a manifest edited out of band shows as a change of stages.
	if m := parseManifest(obj.Body); m != nil {
		var d diag.Diagnostics
		state.Stages, d = flattenStageRows(stageRowsFromManifest(m))
		resp.Diagnostics.Append(d...)
		// Rounded as flatten rounds the solution's values, so an unchanged manifest matches the plan.
		state.MakespanS = roundedFloat(m.ExpectedMakespanS, seconds)
		state.CostUSD = roundedFloat(m.ExpectedCostUSD, usd)
		state.flattenBound(m)
		state.Method = types.StringValue(m.Method)
		state.Optimal = types.BoolValue(m.Optimal)
		state.FoundBy = types.StringValue(m.FoundBy)
		state.InputHash = types.StringValue(m.InputHash)
		state.PriceSources, d = stringMapValue(m.PriceSources)
		resp.Diagnostics.Append(d...)
	} else {
		tflog.Warn(ctx, "the manifest object is not a placement manifest; the next apply rewrites it")
	}
	if state.Moves.IsNull() {
		state.Moves = types.ListValueMust(types.StringType, nil)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *workflowPlacementResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state workflowPlacementModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	bucket, key := plan.location()
	ctx = tflog.SetField(ctx, "manifest", s3URI(bucket, key))
	timeout, d := plan.Timeouts.Update(ctx, defaultManifestTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp.Diagnostics.Append(r.write(ctx, &plan, &state, "updating")...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *workflowPlacementResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state workflowPlacementModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	bucket, key := state.location()
	ctx = tflog.SetField(ctx, "manifest", s3URI(bucket, key))
	timeout, d := state.Timeouts.Delete(ctx, defaultManifestTimeout)
	resp.Diagnostics.Append(d...)
	if err := deleteManifest(ctx, r.Client().S3(), bucket, key, timeout); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("deleting workflow placement manifest (%s)", s3URI(bucket, key)),
			err.Error()+"\n\nCheck that the provider's credentials allow s3:DeleteObject on the key.")
	}
}
