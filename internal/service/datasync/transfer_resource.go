// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"errors"
	"fmt"
	"time"

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

// secrets are the write-only values, read from the configuration.
type secrets struct {
	SMBPassword string
	SecretKey   string
}

func readSecrets(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics, m *transferModel) (secrets, diag.Diagnostics) {
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

// maskSecrets keeps the write-only values out of the provider's own log fields.
func maskSecrets(ctx context.Context) context.Context {
	return tflog.MaskFieldValuesWithFieldKeys(ctx, "password", "secret_key", "Password", "SecretKey")
}

// applyError adds the diagnostic for a failed create or update: DataSync's code and message for a
// failed execution, the cause otherwise.
func applyError(diags *diag.Diagnostics, action, name string, t *Transfer, err error) {
	var failed *ExecutionFailedError
	var start *StartError
	switch {
	case errors.As(err, &failed):
		diags.AddError(fmt.Sprintf("DataSync transfer (%s) failed", name),
			fmt.Sprintf("%s: %s\n\nTask execution %s ended in ERROR. Check the source and destination, fix the cause and apply again (the execution is started again when the transfer's inputs change, or taint the resource).",
				failed.Code, failed.Detail, failed.ARN))
	case errors.As(err, &start):
		diags.AddError(fmt.Sprintf("starting DataSync transfer (%s)", name), start.Err.Error())
	case t != nil && t.LastExecution != nil:
		diags.AddError(fmt.Sprintf("waiting for DataSync transfer (%s) execution", name),
			err.Error()+"\n\nThe execution keeps running in DataSync; last_execution records where it was.")
	default:
		diags.AddError(fmt.Sprintf("%s DataSync transfer (%s)", action, name), err.Error())
	}
}

func (r *transferResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan transferModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = maskSecrets(tflog.SetField(ctx, "datasync_task_name", name))
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	sec, d := readSecrets(ctx, req.Config.GetAttribute, &plan)
	resp.Diagnostics.Append(d...)
	spec, d := plan.expand(ctx, sec)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	spec.Tags = r.Client().MergeTags(spec.Tags)
	spec.Run = plan.RunOnApply.ValueBool()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	t, err := CreateTransfer(ctx, r.Client(), spec)
	if t != nil {
		// The task exists: keep it in state (tainted, when err is set).
		resp.Diagnostics.Append(plan.flattenComputed(t)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
	if err != nil {
		applyError(&resp.Diagnostics, "creating", name, t, err)
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
	if state.Source == nil { // import
		state.Options = &optionsModel{}
		state.RunOnApply, state.WaitForCompletion = types.BoolValue(false), types.BoolValue(true)
		state.LastExecution = types.ObjectNull(lastExecutionAttrTypes)
	}
	prior, d := state.transfer(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	t, err := ReadTransfer(ctx, r.Client(), *prior)
	if wait.NotFound(err) {
		resp.Diagnostics.AddWarning("DataSync transfer not found",
			fmt.Sprintf("DataSync task %s or one of its locations no longer exists (%s); removing the transfer from state so that it is created again.", arn, err))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading DataSync transfer (%s)", arn), err.Error())
		return
	}
	if len(t.Missing) > 0 {
		resp.Diagnostics.AddWarning(fmt.Sprintf("DataSync transfer (%s) partly deleted outside Terraform", arn),
			fmt.Sprintf("No longer found: %v. The next apply replaces the transfer: it deletes what is left (a task never outlives its locations, nor a location its task) and creates it again.", t.Missing))
	}
	resp.Diagnostics.Append(state.flatten(ctx, t, r.Client().DefaultTags)...)
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
	ctx = maskSecrets(tflog.SetField(ctx, "datasync_task_arn", state.ID.ValueString()))
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	sec, d := readSecrets(ctx, req.Config.GetAttribute, &plan)
	resp.Diagnostics.Append(d...)
	from, d := state.transfer(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	spec, d := plan.expand(ctx, sec)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	spec.Tags = r.Client().MergeTags(spec.Tags)
	spec.Run = plan.RunOnApply.ValueBool() && inputsChanged(ctx, &plan, &state)
	if !spec.Run && plan.LastExecution.IsUnknown() {
		plan.LastExecution = state.LastExecution
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	t, err := UpdateTransfer(ctx, r.Client(), from, spec)
	if err != nil && t == from {
		applyError(&resp.Diagnostics, "updating", name, nil, err)
		return
	}
	resp.Diagnostics.Append(plan.flattenComputed(t)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if err != nil {
		applyError(&resp.Diagnostics, "updating", name, t, err)
	}
}

func (r *transferResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state transferModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = tflog.SetField(ctx, "datasync_task_arn", state.ID.ValueString())
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	t, d := state.transfer(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := DeleteTransfer(ctx, r.Client(), t); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("deleting DataSync transfer (%s)", state.Name.ValueString()), err.Error())
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
