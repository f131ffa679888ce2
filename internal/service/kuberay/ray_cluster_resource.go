// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// Default timeouts: pods of a new cluster wait on node scale-out and image pulls (Ray images are
// several GB) on a real EKS cluster.
const (
	defaultCreateTimeout = 30 * time.Minute
	defaultUpdateTimeout = 30 * time.Minute
	defaultDeleteTimeout = 15 * time.Minute
)

var (
	_ resource.ResourceWithConfigure        = (*rayClusterResource)(nil)
	_ resource.ResourceWithImportState      = (*rayClusterResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*rayClusterResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*rayClusterResource)(nil)
	_ resource.ResourceWithConfigValidators = (*rayClusterResource)(nil)
)

// NewRayClusterResource is the rayhpc_ray_cluster resource.
func NewRayClusterResource() resource.Resource { return &rayClusterResource{} }

type rayClusterResource struct{ framework.WithClient }

func (r *rayClusterResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ray_cluster"
}

func (r *rayClusterResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan rayClusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	spec, d := plan.expand(ctx)
	resp.Diagnostics.Append(d...)
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = tflog.SetField(ctx, "ray_cluster", spec.Namespace+"/"+spec.Name)
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "token")
	rc, err := CreateRayCluster(ctx, r.Client(), spec, Options{WaitForReady: plan.WaitForReady.ValueBool(), Timeout: timeout})
	var nothing *NothingCreatedError
	if errors.As(err, &nothing) {
		resp.Diagnostics.AddError(fmt.Sprintf("creating RayCluster (%s/%s)", spec.Namespace, spec.Name), err.Error())
		return
	}
	if err != nil {
		// The RayCluster may exist: record it (tainted, not orphaned); the next apply replaces it, and a
		// create of the same objects adopts whatever the interrupted one made.
		plan.nullUnknowns()
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		resp.Diagnostics.AddError(fmt.Sprintf("creating RayCluster (%s/%s)", spec.Namespace, spec.Name), err.Error())
		return
	}
	resp.Diagnostics.Append(plan.flatten(ctx, rc)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *rayClusterResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state rayClusterModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns, name := state.Namespace.ValueString(), state.Name.ValueString()
	if name == "" { // tainted after a failed create, or imported: the ID holds both
		ns, name, _ = strings.Cut(state.ID.ValueString(), "/")
	}
	ctx = tflog.SetField(ctx, "ray_cluster", ns+"/"+name)
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "token")
	rc, err := ReadRayCluster(ctx, r.Client(), state.target(), ns, name)
	switch {
	case wait.NotFound(err) || errors.Is(err, ErrCRDMissing):
		if state.Namespace.IsNull() || state.Name.IsNull() {
			state.Namespace, state.Name = types.StringValue(ns), types.StringValue(name)
		}
		if r.readGone(ctx, &state, errors.Is(err, ErrCRDMissing), err, resp) {
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		}
		return
	case err != nil:
		resp.Diagnostics.AddError(fmt.Sprintf("reading RayCluster (%s/%s)", ns, name), err.Error())
		return
	}
	resp.Diagnostics.Append(state.flatten(ctx, rc)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *rayClusterResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state rayClusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	to, d := plan.expand(ctx)
	resp.Diagnostics.Append(d...)
	from, d := state.expand(ctx)
	resp.Diagnostics.Append(d...)
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = tflog.SetField(ctx, "ray_cluster", to.Namespace+"/"+to.Name)
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "token")
	rc, err := UpdateRayCluster(ctx, r.Client(), from, to, Options{WaitForReady: plan.WaitForReady.ValueBool(), Timeout: timeout})
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("updating RayCluster (%s/%s)", to.Namespace, to.Name), err.Error())
		return
	}
	resp.Diagnostics.Append(plan.flatten(ctx, rc)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *rayClusterResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state rayClusterModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	spec, d := state.expand(ctx)
	resp.Diagnostics.Append(d...)
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	if spec.Name == "" {
		spec.Namespace, spec.Name, _ = strings.Cut(state.ID.ValueString(), "/")
	}
	ctx = tflog.SetField(ctx, "ray_cluster", spec.Namespace+"/"+spec.Name)
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "token")
	deleted, err := DeleteRayCluster(ctx, r.Client(), spec, timeout)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("deleting RayCluster (%s/%s)", spec.Namespace, spec.Name), err.Error())
		return
	}
	if w := deleted.Warning(); w != "" {
		resp.Diagnostics.AddWarning(fmt.Sprintf("RayCluster (%s/%s) already deleted with the KubeRay CRD", spec.Namespace, spec.Name), w)
	}
}

// ImportState takes eks_cluster_name/namespace/name (the state holds no other way to reach the
// cluster; a cluster reached through the kubernetes block, whose token is not kept in a form Terraform
// can import, cannot be imported).
func (r *rayClusterResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.Split(req.ID, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		resp.Diagnostics.AddError("importing RayCluster",
			fmt.Sprintf("the import ID %q is not eks_cluster_name/namespace/name (for example my-eks/default/ray)", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("eks_cluster_name"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), parts[1]+"/"+parts[2])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("namespace"), parts[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), parts[2])...)
}
