// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// Generous defaults: FSx for Lustre creates take 5-15 minutes, storage scaling can keep a file system
// UPDATING for a long time, and association changes are serialised.
const (
	defaultCreateTimeout = 60 * time.Minute
	defaultUpdateTimeout = 3 * time.Hour
	defaultDeleteTimeout = 60 * time.Minute
)

var (
	_ resource.ResourceWithConfigure      = (*workspaceResource)(nil)
	_ resource.ResourceWithImportState    = (*workspaceResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*workspaceResource)(nil)
	_ resource.ResourceWithValidateConfig = (*workspaceResource)(nil)
)

// NewWorkspaceResource returns the rayhpc_lustre_workspace resource.
func NewWorkspaceResource() resource.Resource { return &workspaceResource{} }

type workspaceResource struct {
	framework.WithClient
}

func (r *workspaceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_lustre_workspace"
}

// lastIncreaseKey is the private-state key holding when the last storage capacity increase was
// requested (RFC 3339), for the plan-time check of the 6-hour rule.
const lastIncreaseKey = "last_storage_increase"

// privateSetter is the part of the framework's private state a response carries.
type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func recordLastIncrease(ctx context.Context, p privateSetter, fs *fsxtypes.FileSystem) diag.Diagnostics {
	v := ""
	if t := LastStorageIncrease(fs); !t.IsZero() {
		v = t.UTC().Format(time.RFC3339)
	}
	return p.SetKey(ctx, lastIncreaseKey, []byte(fmt.Sprintf("%q", v)))
}

// fullSpec is the model's spec with the provider's default tags merged in.
func (r *workspaceResource) fullSpec(ctx context.Context, m *workspaceModel) (WorkspaceSpec, diag.Diagnostics) {
	spec, diags := m.spec(ctx)
	spec.Tags = r.Client().MergeTags(spec.Tags)
	return spec, diags
}

func (r *workspaceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan workspaceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "workspace_name", name)
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	spec, d := r.fullSpec(ctx, &plan)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	ws, err := CreateWorkspace(ctx, r.Client(), spec)
	if err != nil {
		if id := ws.ID(); id != "" {
			// The file system exists: keep its ID in state (tainted), so nothing paid for is lost track of.
			resp.Diagnostics.Append(saveMinimal(ctx, &resp.State, &plan, id, ws.SecurityGroupID)...)
		}
		addCreateError(&resp.Diagnostics, name, ws.ID(), err)
		return
	}
	resp.Diagnostics.Append(plan.flatten(ctx, ws, r.Client().DefaultTags)...)
	resp.Diagnostics.Append(recordLastIncrease(ctx, resp.Private, ws.FileSystem)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// saveMinimal records the attributes that identify what exists after a failed create.
func saveMinimal(ctx context.Context, state *tfsdk.State, plan *workspaceModel, id, groupID string) diag.Diagnostics {
	var diags diag.Diagnostics
	group := types.StringNull()
	if groupID != "" {
		group = types.StringValue(groupID)
	}
	for _, kv := range []struct {
		p string
		v any
	}{
		{"id", types.StringValue(id)}, {"name", plan.Name}, {"deployment_type", plan.DeploymentType},
		{"storage_type", plan.StorageType}, {"storage_capacity_gib", plan.StorageCapacityGiB},
		{"subnet_id", plan.SubnetID}, {"security_group_ids", plan.SecurityGroupIDs},
		{"security_group_id", group}, {"timeouts", plan.Timeouts},
	} {
		diags.Append(state.SetAttribute(ctx, path.Root(kv.p), kv.v)...)
	}
	return diags
}

// addCreateError turns CreateWorkspace's error into a diagnostic naming the step that failed.
func addCreateError(diags *diag.Diagnostics, name, id string, err error) {
	var se *StepError
	if !errors.As(err, &se) {
		diags.AddError(fmt.Sprintf("creating FSx for Lustre workspace (%s)", name), err.Error())
		return
	}
	kept := "\n\nThe file system is kept in state and marked tainted: the next apply deletes and recreates it, or `terraform destroy` removes it."
	switch se.Step {
	case StepSecurityGroup:
		diags.AddError(fmt.Sprintf("creating security group for FSx for Lustre workspace (%s)", name), se.Err.Error()+
			"\n\nThe workspace creates a security group in the VPC of subnet_id when security_group_ids is not set, and checks "+
			"the groups in security_group_ids otherwise; check the subnet, the groups' rules and that the credentials may manage "+
			"EC2 security groups.")
	case StepFileSystem:
		diags.AddError(fmt.Sprintf("creating FSx for Lustre file system (%s)", name), se.Err.Error())
	case StepWait:
		diags.AddError(fmt.Sprintf("waiting for FSx for Lustre file system (%s) create", id), se.Err.Error()+kept)
	case StepAssociation:
		at := path.Root("data_repository")
		if se.Index >= 0 {
			at = at.AtListIndex(se.Index)
		}
		diags.AddAttributeError(at, fmt.Sprintf("creating FSx data repository association on %s", id), se.Err.Error()+kept)
	default:
		diags.AddError(fmt.Sprintf("creating FSx for Lustre workspace (%s): %s", name, se.Step), se.Err.Error()+kept)
	}
}

func (r *workspaceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state workspaceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "file_system_id", id)
	findGroup := state.SecurityGroupID.IsNull() && state.SecurityGroupIDs.IsNull() // imported
	ws, err := ReadWorkspace(ctx, r.Client(), id, state.SecurityGroupID.ValueString(), findGroup)
	if wait.NotFound(err) {
		r.readGone(ctx, &state, resp)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading FSx for Lustre workspace (%s)", id), err.Error())
		return
	}
	if ws.FileSystem.Lifecycle == fsxtypes.FileSystemLifecycleDeleting {
		// Kept in state (with its security group), so that the next apply replaces it and destroy finishes
		// the delete: dropping it here would orphan the group (ModifyPlan plans the replacement).
		resp.Diagnostics.AddWarning(fmt.Sprintf("FSx for Lustre file system (%s) is being deleted", id),
			"The file system is being deleted (an interrupted destroy, or outside Terraform). The next apply replaces it; "+
				"`terraform destroy` waits for the delete and removes the workspace's security group.")
	}
	resp.Diagnostics.Append(state.flatten(ctx, ws, r.Client().DefaultTags)...)
	resp.Diagnostics.Append(recordLastIncrease(ctx, resp.Private, ws.FileSystem)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// lifecycleDeleted is the lifecycle_state of a workspace whose file system is gone while its security
// group remains: it stays in state so that the next apply replaces it, and destroy removes the group.
const lifecycleDeleted = "DELETED"

// readGone handles a file system that no longer exists. When the workspace's own group remains, the
// workspace stays in state as DELETED (the next apply replaces it, deleting the group first; destroy
// deletes the group), so that the group is never orphaned. Otherwise it is removed from state, and the
// next apply creates it again.
func (r *workspaceResource) readGone(ctx context.Context, state *workspaceModel, resp *resource.ReadResponse) {
	id := state.ID.ValueString()
	if known(state.SecurityGroupID) {
		exists, err := SecurityGroupExists(ctx, r.Client(), state.SecurityGroupID.ValueString())
		if err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("reading security group of FSx for Lustre workspace (%s)", id), err.Error())
			return
		}
		if exists {
			resp.Diagnostics.AddWarning(fmt.Sprintf("FSx for Lustre file system (%s) not found", id),
				fmt.Sprintf("The file system was deleted outside Terraform (or by an interrupted destroy). The workspace stays in "+
					"state as %s because its security group %s remains: the next apply replaces the workspace (deleting the "+
					"group first), and `terraform destroy` deletes the group.", lifecycleDeleted, state.SecurityGroupID.ValueString()))
			state.Lifecycle = types.StringValue(lifecycleDeleted)
			resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
			return
		}
	}
	resp.Diagnostics.AddWarning(fmt.Sprintf("FSx for Lustre file system (%s) not found", id),
		"The file system was deleted outside Terraform; it is removed from state and the next apply creates it again.")
	resp.State.RemoveResource(ctx)
}

func (r *workspaceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state workspaceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "file_system_id", id)
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	from, d := r.fullSpec(ctx, &state)
	resp.Diagnostics.Append(d...)
	to, d := r.fullSpec(ctx, &plan)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	plan.ID, plan.ARN, plan.SecurityGroupID = state.ID, state.ARN, state.SecurityGroupID
	current := &Workspace{FileSystem: &fsxtypes.FileSystem{FileSystemId: state.ID.ValueStringPointer(), ResourceARN: state.ARN.ValueStringPointer()},
		SecurityGroupID: state.SecurityGroupID.ValueString()}

	ws, err := UpdateWorkspace(ctx, r.Client(), current, from, to)
	if err != nil {
		if ws != nil {
			// Record what exists now, so that the next plan shows the remaining difference.
			partial := plan
			resp.Diagnostics.Append(partial.flatten(ctx, ws, r.Client().DefaultTags)...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &partial)...)
		}
		var se *StepError
		if errors.As(err, &se) && se.Step == StepAssociation {
			resp.Diagnostics.AddError(fmt.Sprintf("updating data repository associations of FSx for Lustre file system (%s)", id), se.Err.Error())
			return
		}
		resp.Diagnostics.AddError(fmt.Sprintf("updating FSx for Lustre workspace (%s)", id), err.Error())
		return
	}
	resp.Diagnostics.Append(plan.flatten(ctx, ws, r.Client().DefaultTags)...)
	resp.Diagnostics.Append(recordLastIncrease(ctx, resp.Private, ws.FileSystem)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *workspaceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state workspaceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "file_system_id", id)
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := DeleteWorkspace(ctx, r.Client(), id, state.SecurityGroupID.ValueString()); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("deleting FSx for Lustre workspace (%s)", id), err.Error())
	}
}

func (r *workspaceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !strings.HasPrefix(req.ID, "fs-") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("import rayhpc_lustre_workspace by its FSx file system ID, such as fs-0123456789abcdef0; got %q", req.ID))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
