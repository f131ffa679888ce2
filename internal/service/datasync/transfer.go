// SPDX-License-Identifier: MPL-2.0

// Package datasync holds rayhpc_datasync_transfer: a DataSync task with its own source and destination
// locations, optionally run (and waited for) on apply.
package datasync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

const (
	defaultCreateTimeout = 60 * time.Minute
	defaultUpdateTimeout = 60 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

var (
	_ resource.ResourceWithConfigure      = (*transferResource)(nil)
	_ resource.ResourceWithImportState    = (*transferResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*transferResource)(nil)
	_ resource.ResourceWithValidateConfig = (*transferResource)(nil)
)

// NewTransferResource returns the rayhpc_datasync_transfer resource.
func NewTransferResource() resource.Resource { return &transferResource{} }

type transferResource struct{ framework.WithClient }

func (r *transferResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_datasync_transfer"
}

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
	if m.Source != nil && m.Destination != nil && m.Source.S3 != nil && m.Destination.S3 != nil &&
		m.Source.S3.BucketARN.Equal(m.Destination.S3.BucketARN) && sameSubdir(m.Source.S3.Subdirectory.ValueString(), m.Destination.S3.Subdirectory.ValueString()) &&
		!m.Source.S3.BucketARN.IsUnknown() && !m.Source.S3.Subdirectory.IsUnknown() && !m.Destination.S3.Subdirectory.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("destination").AtName("s3").AtName("subdirectory"), "Source and destination overlap",
			"destination.s3 names the same bucket and subdirectory as source.s3; transfer into a different prefix.")
	}
}

// inputsChanged reports whether what an execution depends on changed (so run_on_apply runs again).
func inputsChanged(plan, state *transferModel) bool {
	return sourceChanged(plan.Source, state.Source) || destinationChanged(plan.Destination, state.Destination) ||
		!plan.Includes.Equal(state.Includes) || !plan.Excludes.Equal(state.Excludes) ||
		!optionsEqual(plan.Options, state.Options) || (plan.RunOnApply.ValueBool() && !state.RunOnApply.ValueBool())
}

func sourceChanged(p, s *sourceModel) bool {
	if sourceNeedsReplace(p, s) {
		return true
	}
	switch {
	case p.NFS != nil:
		return !(p.NFS.ServerHostname.Equal(s.NFS.ServerHostname) && p.NFS.Subdirectory.Equal(s.NFS.Subdirectory) && p.NFS.AgentARNs.Equal(s.NFS.AgentARNs) && p.NFS.MountVersion.Equal(s.NFS.MountVersion))
	case p.SMB != nil:
		return !(p.SMB.ServerHostname.Equal(s.SMB.ServerHostname) && p.SMB.Subdirectory.Equal(s.SMB.Subdirectory) && p.SMB.User.Equal(s.SMB.User) && p.SMB.Domain.Equal(s.SMB.Domain) && p.SMB.AgentARNs.Equal(s.SMB.AgentARNs) && p.SMB.PasswordVersion.Equal(s.SMB.PasswordVersion))
	case p.S3 != nil:
		return s3Changed(p.S3, s.S3)
	case p.ObjectStorage != nil:
		a, b := p.ObjectStorage, s.ObjectStorage
		return !(a.ServerHostname.Equal(b.ServerHostname) && a.ServerPort.Equal(b.ServerPort) && a.ServerProtocol.Equal(b.ServerProtocol) && a.Subdirectory.Equal(b.Subdirectory) && a.AccessKey.Equal(b.AccessKey) && a.AgentARNs.Equal(b.AgentARNs) && a.SecretKeyVersion.Equal(b.SecretKeyVersion))
	}
	return false
}

func destinationChanged(p, s *destinationModel) bool {
	if destinationNeedsReplace(p, s) {
		return true
	}
	if p.S3 != nil {
		return s3Changed(p.S3, s.S3)
	}
	return p.Lustre != nil && !p.Lustre.Subdirectory.Equal(s.Lustre.Subdirectory)
}

// ModifyPlan marks what an update will recompute: the task (and its id) when a location must be
// replaced, and last_execution when run_on_apply will start an execution.
func (r *transferResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var plan, state transferModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.Source == nil || plan.Destination == nil || state.Source == nil || state.Destination == nil {
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
	replaceSrc := sourceNeedsReplace(plan.Source, state.Source)
	replaceDst := destinationNeedsReplace(plan.Destination, state.Destination)
	if replaceSrc || replaceDst {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), types.StringUnknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), types.StringUnknown())...)
		if replaceSrc {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("source_location_arn"), types.StringUnknown())...)
		}
		if replaceDst {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("destination_location_arn"), types.StringUnknown())...)
		}
	}
	if plan.RunOnApply.ValueBool() && inputsChanged(&plan, &state) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("last_execution"), types.ObjectUnknown(lastExecutionAttrTypes))...)
	}
}

func (r *transferResource) readSecrets(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics, m *transferModel) (secrets, diag.Diagnostics) {
	var sec secrets
	var diags diag.Diagnostics
	if m.Source != nil && m.Source.SMB != nil {
		var v types.String
		diags.Append(get(ctx, path.Root("source").AtName("smb").AtName("password"), &v)...)
		sec.SMBPassword = v.ValueString()
	}
	if m.Source != nil && m.Source.ObjectStorage != nil {
		var v types.String
		diags.Append(get(ctx, path.Root("source").AtName("object_storage").AtName("secret_key"), &v)...)
		sec.SecretKey = v.ValueString()
	}
	return sec, diags
}

func (r *transferResource) tags(ctx context.Context, m *transferModel) (map[string]string, diag.Diagnostics) {
	own := map[string]string{}
	var diags diag.Diagnostics
	if !m.Tags.IsNull() && !m.Tags.IsUnknown() {
		diags = m.Tags.ElementsAs(ctx, &own, false)
	}
	return r.Client().MergeTags(own), diags
}

func (r *transferResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan transferModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "datasync_task_name", name)
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "password", "secret_key", "Password", "SecretKey")
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	sec, d := r.readSecrets(ctx, req.Config.GetAttribute, &plan)
	resp.Diagnostics.Append(d...)
	tags, d := r.tags(ctx, &plan)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := r.Client().DataSync()
	summary := fmt.Sprintf("creating DataSync transfer (%s)", name)

	src, err := createSource(ctx, c, plan.Source, sec, tags)
	if err != nil {
		resp.Diagnostics.AddError(summary, "creating the source location: "+err.Error())
		return
	}
	dst, err := createDestination(ctx, r.Client(), plan.Destination, tags)
	if err != nil {
		resp.Diagnostics.AddError(summary, "creating the destination location: "+err.Error())
		r.cleanupLocations(ctx, src)
		return
	}
	taskARN, task, err := r.createTask(ctx, &plan, src, dst, tags, timeout)
	if taskARN == "" {
		resp.Diagnostics.AddError(summary, "creating the task: "+err.Error()+"\nThe locations just created were deleted again.")
		r.cleanupLocations(ctx, src, dst)
		return
	}
	ctx = tflog.SetField(ctx, "datasync_task_arn", taskARN)
	plan.ID = types.StringValue(taskARN)
	plan.SourceLocationARN = types.StringValue(src)
	plan.DestinationLocationARN = types.StringValue(dst)
	plan.Status = types.StringValue(string(dstypes.TaskStatusCreating))
	plan.LastExecution = types.ObjectNull(lastExecutionAttrTypes)
	if err != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...) // keep the task in state (tainted)
		resp.Diagnostics.AddError(fmt.Sprintf("waiting for DataSync transfer (%s) create", name), err.Error())
		return
	}
	resp.Diagnostics.Append(plan.flattenTask(ctx, task)...)

	if plan.RunOnApply.ValueBool() {
		r.run(ctx, &plan, timeout, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// createTask creates the task and waits until it is AVAILABLE. A non-empty ARN with an error means the
// task exists but did not become available.
func (r *transferResource) createTask(ctx context.Context, m *transferModel, src, dst string, tags map[string]string, timeout time.Duration) (string, *datasync.DescribeTaskOutput, error) {
	c := r.Client().DataSync()
	in, d := m.expandCreateTask(ctx, src, dst, tags)
	if err := diagErr(d); err != nil {
		return "", nil, err
	}
	out, err := c.CreateTask(ctx, in)
	if err != nil {
		return "", nil, err
	}
	arn := aws.ToString(out.TaskArn)
	task, err := waitTaskAvailable(ctx, c, arn, timeout)
	return arn, task, err
}

// cleanupLocations deletes locations created for a task that could not be created.
func (r *transferResource) cleanupLocations(ctx context.Context, arns ...string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	for _, a := range arns {
		if err := deleteLocation(ctx, r.Client().DataSync(), a); err != nil {
			tflog.Warn(ctx, "deleting a DataSync location left over by a failed create", map[string]any{"location_arn": a, "error": err.Error()})
		}
	}
}

// run starts an execution and, with wait_for_completion, waits for it. The outcome is recorded in
// m.LastExecution; a failed execution adds an error with DataSync's code and message.
func (r *transferResource) run(ctx context.Context, m *transferModel, timeout time.Duration, diags *diag.Diagnostics) {
	c := r.Client().DataSync()
	name := m.Name.ValueString()
	out, err := c.StartTaskExecution(ctx, &datasync.StartTaskExecutionInput{TaskArn: aws.String(m.ID.ValueString())})
	if err != nil {
		m.LastExecution = types.ObjectNull(lastExecutionAttrTypes)
		diags.AddError(fmt.Sprintf("starting DataSync transfer (%s)", name), err.Error())
		return
	}
	execARN := aws.ToString(out.TaskExecutionArn)
	ctx = tflog.SetField(ctx, "datasync_task_execution_arn", execARN)
	tflog.Info(ctx, "started DataSync task execution")
	var ex *datasync.DescribeTaskExecutionOutput
	if m.WaitForCompletion.ValueBool() {
		ex, err = waitExecutionDone(ctx, c, execARN, timeout)
	} else {
		ex, err = findTaskExecution(ctx, c, execARN)
	}
	view := executionView{ARN: execARN, Status: string(dstypes.TaskExecutionStatusQueued)}
	if ex != nil {
		view = executionFrom(ex)
	}
	obj, d := view.object()
	diags.Append(d...)
	m.LastExecution = obj
	if task, terr := findTask(ctx, c, m.ID.ValueString()); terr == nil {
		m.Status = types.StringValue(string(task.Status))
	}
	var failed *ExecutionFailedError
	switch {
	case errors.As(err, &failed):
		diags.AddError(fmt.Sprintf("DataSync transfer (%s) failed", name),
			fmt.Sprintf("%s: %s\n\nTask execution %s ended in ERROR. Check the source and destination, fix the cause and apply again (the execution is started again when the transfer's inputs change, or taint the resource).",
				failed.Code, failed.Detail, execARN))
	case err != nil:
		diags.AddError(fmt.Sprintf("waiting for DataSync transfer (%s) execution", name),
			err.Error()+"\n\nThe execution keeps running in DataSync; last_execution records where it was.")
	}
}

func (r *transferResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state transferModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	arn := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "datasync_task_arn", arn)
	c := r.Client().DataSync()
	imported := state.Source == nil

	task, err := findTask(ctx, c, arn)
	if wait.NotFound(err) {
		resp.Diagnostics.AddWarning("DataSync transfer not found", fmt.Sprintf("DataSync task %s no longer exists; removing it from state so that it is created again.", arn))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading DataSync transfer (%s)", arn), err.Error())
		return
	}
	if imported {
		state.Options = &optionsModel{}
		state.RunOnApply = types.BoolValue(false)
		state.WaitForCompletion = types.BoolValue(true)
		state.LastExecution = types.ObjectNull(lastExecutionAttrTypes)
	}
	resp.Diagnostics.Append(state.flattenTask(ctx, task)...)

	src, err := readSource(ctx, c, state.SourceLocationARN.ValueString(), state.Source)
	if err == nil {
		state.Source = src
		var dst *destinationModel
		dst, err = readDestination(ctx, c, state.DestinationLocationARN.ValueString(), state.Destination)
		state.Destination = dst
	}
	if wait.NotFound(err) {
		resp.Diagnostics.AddWarning("DataSync transfer location not found",
			fmt.Sprintf("A location of DataSync task %s no longer exists (%s); removing the transfer from state so that it is created again.", arn, err))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading DataSync transfer (%s) locations", arn), err.Error())
		return
	}

	tags, err := listTags(ctx, c, arn)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading DataSync transfer (%s) tags", arn), err.Error())
		return
	}
	var d diag.Diagnostics
	state.Tags, d = framework.FlattenTags(ctx, tags, state.Tags, r.Client().DefaultTags)
	resp.Diagnostics.Append(d...)

	// Refresh an execution that was still running when last seen.
	if execARN := lastExecutionField(state.LastExecution, "arn"); execARN != "" {
		switch lastExecutionField(state.LastExecution, "status") {
		case string(dstypes.TaskExecutionStatusSuccess), string(dstypes.TaskExecutionStatusError):
		default:
			if ex, err := findTaskExecution(ctx, c, execARN); err == nil {
				obj, d := executionFrom(ex).object()
				resp.Diagnostics.Append(d...)
				state.LastExecution = obj
			}
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *transferResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state transferModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "datasync_task_arn", state.ID.ValueString())
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "password", "secret_key", "Password", "SecretKey")
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	sec, d := r.readSecrets(ctx, req.Config.GetAttribute, &plan)
	resp.Diagnostics.Append(d...)
	tags, d := r.tags(ctx, &plan)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := r.Client().DataSync()
	summary := fmt.Sprintf("updating DataSync transfer (%s)", name)

	// Carry over what the plan does not know.
	plan.ID, plan.SourceLocationARN, plan.DestinationLocationARN = state.ID, state.SourceLocationARN, state.DestinationLocationARN
	if plan.LastExecution.IsUnknown() {
		plan.LastExecution = state.LastExecution
	}
	replaceSrc := sourceNeedsReplace(plan.Source, state.Source)
	replaceDst := destinationNeedsReplace(plan.Destination, state.Destination)
	sendPassword := plan.Source.SMB != nil && state.Source.SMB != nil && !plan.Source.SMB.PasswordVersion.Equal(state.Source.SMB.PasswordVersion)
	sendSecret := plan.Source.ObjectStorage != nil && state.Source.ObjectStorage != nil && !plan.Source.ObjectStorage.SecretKeyVersion.Equal(state.Source.ObjectStorage.SecretKeyVersion)

	var oldLocations []string
	if replaceSrc {
		arn, err := createSource(ctx, c, plan.Source, sec, tags)
		if err != nil {
			resp.Diagnostics.AddError(summary, "creating the replacement source location: "+err.Error())
			return
		}
		oldLocations = append(oldLocations, state.SourceLocationARN.ValueString())
		plan.SourceLocationARN = types.StringValue(arn)
	} else if _, err := updateSource(ctx, c, state.SourceLocationARN.ValueString(), plan.Source, state.Source, sec, sendPassword, sendSecret); err != nil {
		resp.Diagnostics.AddError(summary, "updating the source location: "+err.Error())
		return
	}
	if replaceDst {
		arn, err := createDestination(ctx, r.Client(), plan.Destination, tags)
		if err != nil {
			resp.Diagnostics.AddError(summary, "creating the replacement destination location: "+err.Error())
			r.cleanupNew(ctx, replaceSrc, plan.SourceLocationARN.ValueString())
			return
		}
		oldLocations = append(oldLocations, state.DestinationLocationARN.ValueString())
		plan.DestinationLocationARN = types.StringValue(arn)
	} else if _, err := updateDestination(ctx, c, state.DestinationLocationARN.ValueString(), plan.Destination, state.Destination); err != nil {
		resp.Diagnostics.AddError(summary, "updating the destination location: "+err.Error())
		return
	}

	if replaceSrc || replaceDst {
		// A task's locations cannot change: recreate the task around the new location(s).
		taskARN, task, err := r.createTask(ctx, &plan, plan.SourceLocationARN.ValueString(), plan.DestinationLocationARN.ValueString(), tags, timeout)
		if taskARN == "" {
			resp.Diagnostics.AddError(summary, "creating the task for the replaced location: "+err.Error())
			r.cleanupNew(ctx, replaceSrc, plan.SourceLocationARN.ValueString())
			r.cleanupNew(ctx, replaceDst, plan.DestinationLocationARN.ValueString())
			return
		}
		plan.ID = types.StringValue(taskARN)
		if err != nil {
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			resp.Diagnostics.AddError(fmt.Sprintf("waiting for DataSync transfer (%s) update", name), err.Error())
			return
		}
		resp.Diagnostics.Append(plan.flattenTask(ctx, task)...)
		if err := r.deleteTask(ctx, state.ID.ValueString(), timeout); err != nil {
			resp.Diagnostics.AddWarning("deleting the replaced DataSync task", err.Error())
		}
		for _, l := range oldLocations {
			if err := deleteLocation(ctx, c, l); err != nil {
				resp.Diagnostics.AddWarning("deleting a replaced DataSync location", err.Error())
			}
		}
	} else {
		in, d := plan.expandUpdateTask(ctx, &state)
		resp.Diagnostics.Append(d...)
		if in != nil {
			if _, err := c.UpdateTask(ctx, in); err != nil {
				resp.Diagnostics.AddError(summary, err.Error())
				return
			}
		}
		if err := r.updateTags(ctx, &plan, &state, tags); err != nil {
			resp.Diagnostics.AddError(summary, "updating tags: "+err.Error())
			return
		}
		task, err := findTask(ctx, c, plan.ID.ValueString())
		if err != nil {
			resp.Diagnostics.AddError(summary, err.Error())
			return
		}
		resp.Diagnostics.Append(plan.flattenTask(ctx, task)...)
	}

	if plan.RunOnApply.ValueBool() && inputsChanged(&plan, &state) {
		r.run(ctx, &plan, timeout, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *transferResource) cleanupNew(ctx context.Context, created bool, arn string) {
	if created {
		r.cleanupLocations(ctx, arn)
	}
}

// updateTags reconciles the tags of the task and its locations with the merged tags.
func (r *transferResource) updateTags(ctx context.Context, plan, state *transferModel, want map[string]string) error {
	if plan.Tags.Equal(state.Tags) {
		return nil
	}
	c := r.Client().DataSync()
	for _, arn := range []string{plan.ID.ValueString(), plan.SourceLocationARN.ValueString(), plan.DestinationLocationARN.ValueString()} {
		have, err := listTags(ctx, c, arn)
		if err != nil {
			return err
		}
		drop, add := framework.TagsDiff(have, want)
		if len(drop) > 0 {
			if _, err := c.UntagResource(ctx, &datasync.UntagResourceInput{ResourceArn: aws.String(arn), Keys: drop}); err != nil {
				return err
			}
		}
		if len(add) > 0 {
			if _, err := c.TagResource(ctx, &datasync.TagResourceInput{ResourceArn: aws.String(arn), Tags: tagEntries(add)}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *transferResource) deleteTask(ctx context.Context, arn string, timeout time.Duration) error {
	c := r.Client().DataSync()
	_, err := c.DeleteTask(ctx, &datasync.DeleteTaskInput{TaskArn: aws.String(arn)})
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	return waitTaskDeleted(ctx, c, arn, timeout)
}

func (r *transferResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state transferModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	arn := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "datasync_task_arn", arn)
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	summary := fmt.Sprintf("deleting DataSync transfer (%s)", state.Name.ValueString())
	if err := r.deleteTask(ctx, arn, timeout); err != nil {
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	// The locations belong to the task: delete them after it.
	c := r.Client().DataSync()
	for _, l := range []string{state.SourceLocationARN.ValueString(), state.DestinationLocationARN.ValueString()} {
		if err := deleteLocation(ctx, c, l); err != nil {
			resp.Diagnostics.AddError(summary, fmt.Sprintf("deleting location %s: %s", l, err))
		}
	}
}

// ImportState imports by task ARN; Read discovers the locations.
func (r *transferResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !taskARNRE.MatchString(req.ID) {
		resp.Diagnostics.AddError("invalid import ID",
			fmt.Sprintf("expected a DataSync task ARN such as arn:aws:datasync:us-east-1:123456789012:task/task-0123456789abcdef0, got %q", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
