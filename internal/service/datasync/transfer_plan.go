// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ValidateConfig checks the rules that span attributes, at plan time.
func (r *transferResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m transferModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if o := m.Options; o != nil {
		if o.PreserveDeletedFiles.ValueString() == string(dstypes.PreserveDeletedFilesRemove) && o.TransferMode.ValueString() == string(dstypes.TransferModeAll) {
			resp.Diagnostics.AddAttributeError(path.Root("options").AtName("preserve_deleted_files"), "Invalid DataSync options",
				`options.preserve_deleted_files = "REMOVE" cannot be combined with options.transfer_mode = "ALL" (DataSync rule); use transfer_mode = "CHANGED" or keep deleted files.`)
		}
		if lvl := o.LogLevel.ValueString(); (lvl == string(dstypes.LogLevelBasic) || lvl == string(dstypes.LogLevelTransfer)) && m.CloudWatchLogGroupARN.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("options").AtName("log_level"), "Missing log group",
				fmt.Sprintf("options.log_level = %q needs cloudwatch_log_group_arn to publish logs to.", lvl))
		}
		if o.VerifyMode.ValueString() == string(dstypes.VerifyModePointInTimeConsistent) && m.Destination != nil && m.Destination.S3 != nil {
			if sc := m.Destination.S3.StorageClass.ValueString(); sc == string(dstypes.S3StorageClassGlacier) || sc == string(dstypes.S3StorageClassDeepArchive) {
				resp.Diagnostics.AddAttributeError(path.Root("options").AtName("verify_mode"), "Invalid DataSync options",
					fmt.Sprintf(`options.verify_mode = "POINT_IN_TIME_CONSISTENT" cannot be used with destination.s3.storage_class = %q; use "ONLY_FILES_TRANSFERRED" or "NONE".`, sc))
			}
		}
	}
	if m.Source != nil {
		set := map[string]bool{"nfs": m.Source.NFS != nil, "smb": m.Source.SMB != nil, "s3": m.Source.S3 != nil, "object_storage": m.Source.ObjectStorage != nil}
		if err := oneOf("source", set, "nfs", "smb", "s3", "object_storage"); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("source"), "Invalid source", err.Error()+".")
		}
	}
	if m.Destination != nil {
		set := map[string]bool{"s3": m.Destination.S3 != nil, "lustre": m.Destination.Lustre != nil}
		if err := oneOf("destination", set, "s3", "lustre"); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("destination"), "Invalid destination", err.Error()+".")
		}
	}
	if m.TaskMode.ValueString() == string(dstypes.TaskModeEnhanced) && m.Source != nil && m.Destination != nil {
		src, _ := m.Source.expand(ctx, secrets{})
		dst, _ := m.Destination.expand(ctx)
		if !EnhancedSupported(src, dst) {
			resp.Diagnostics.AddAttributeError(path.Root("task_mode"), "Enhanced mode not available for these locations",
				`task_mode = "ENHANCED" works only for transfers into S3 from S3 or from object storage without agents (DataSync's rule); use "BASIC".`)
		}
	}
	if m.Source != nil && m.Destination != nil && m.Source.S3 != nil && m.Destination.S3 != nil &&
		m.Source.S3.BucketARN.Equal(m.Destination.S3.BucketARN) && sameSubdir(m.Source.S3.Subdirectory.ValueString(), m.Destination.S3.Subdirectory.ValueString()) &&
		!m.Source.S3.BucketARN.IsUnknown() && !m.Source.S3.BucketARN.IsNull() && !m.Source.S3.Subdirectory.IsUnknown() && !m.Destination.S3.Subdirectory.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("destination").AtName("s3").AtName("subdirectory"), "Source and destination overlap",
			"destination.s3 names the same bucket and subdirectory as source.s3; transfer into a different prefix.")
	}
}

// inputsChanged reports whether what an execution depends on changed (so run_on_apply runs again):
// the locations' settings (the secrets' versions included), the filters, the options, or run_on_apply
// newly set.
func inputsChanged(ctx context.Context, plan, state *transferModel) bool {
	p, _ := plan.expand(ctx, secrets{})
	s, _ := state.expand(ctx, secrets{})
	return !reflect.DeepEqual(p.Source, s.Source) || !reflect.DeepEqual(p.Destination, s.Destination) ||
		!slices.Equal(p.Includes, s.Includes) || !slices.Equal(p.Excludes, s.Excludes) || !p.Options.equal(s.Options) ||
		(plan.RunOnApply.ValueBool() && !state.RunOnApply.ValueBool())
}

// ModifyPlan plans a replacement when a location must be replaced, keeps the options DataSync
// reported, and marks last_execution unknown when run_on_apply will start an execution.
func (r *transferResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var plan, state transferModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A part deleted outside Terraform (Read empties its ARN): replace the whole transfer, so the
	// destroy removes what is left of it.
	for _, p := range []struct {
		v    types.String
		name string
	}{{state.ID, "id"}, {state.SourceLocationARN, "source_location_arn"}, {state.DestinationLocationARN, "destination_location_arn"}} {
		if p.v.ValueString() == "" {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root(p.name))
		}
	}
	if len(resp.RequiresReplace) > 0 {
		// The new parts' ARNs are not known yet: the difference makes Terraform replace.
		for _, name := range []string{"id", "source_location_arn", "destination_location_arn", "status"} {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), types.StringUnknown())...)
		}
		return
	}
	if plan.Source == nil || plan.Destination == nil || state.Source == nil || state.Destination == nil {
		return
	}
	// Options members left unset keep the values DataSync reported (the object may be new in the plan,
	// so UseStateForUnknown cannot do this).
	if o, so := plan.Options, state.Options; o != nil && so != nil {
		keepStr := func(p *types.String, s types.String) {
			if p.IsUnknown() && !s.IsNull() && !s.IsUnknown() {
				*p = s
			}
		}
		keepStr(&o.VerifyMode, so.VerifyMode)
		keepStr(&o.OverwriteMode, so.OverwriteMode)
		keepStr(&o.TransferMode, so.TransferMode)
		keepStr(&o.PreserveDeletedFiles, so.PreserveDeletedFiles)
		keepStr(&o.LogLevel, so.LogLevel)
		if o.BandwidthLimit.IsUnknown() && !so.BandwidthLimit.IsNull() && !so.BandwidthLimit.IsUnknown() {
			o.BandwidthLimit = so.BandwidthLimit
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("options"), o)...)
	}
	// A task's locations are fixed: a location DataSync cannot update replaces the whole transfer, and
	// the plan says so (instead of an in-place update whose id would change).
	from, d := state.expand(ctx, secrets{})
	resp.Diagnostics.Append(d...)
	to, d := plan.expand(ctx, secrets{})
	resp.Diagnostics.Append(d...)
	if SourceNeedsReplace(from.Source, to.Source) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("source"))
	}
	if DestinationNeedsReplace(from.Destination, to.Destination) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("destination"))
	}
	if plan.RunOnApply.ValueBool() && inputsChanged(ctx, &plan, &state) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("last_execution"), types.ObjectUnknown(lastExecutionAttrTypes))...)
	}
}
