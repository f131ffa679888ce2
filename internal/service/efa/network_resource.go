// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

const (
	defaultCreateTimeout = 10 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 15 * time.Minute
)

var (
	_ resource.ResourceWithConfigure   = (*networkResource)(nil)
	_ resource.ResourceWithImportState = (*networkResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*networkResource)(nil)
)

// NewNetworkResource is the rayhpc_efa_network resource.
func NewNetworkResource() resource.Resource { return &networkResource{} }

type networkResource struct{ framework.WithClient }

func (r *networkResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_efa_network"
}

func (r *networkResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan networkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "efa_network_name", name)
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	spec, d := plan.expand(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	n, err := CreateNetwork(ctx, r.Client(), spec)
	if n.hasParts() {
		// Whatever was created is saved (tainted, when err is set), so nothing is orphaned.
		plan.flattenComputed(n)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("creating EFA network (%s)", name), err.Error())
	}
}

func (r *networkResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state networkModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prior, d := state.network(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = tflog.SetField(ctx, "efa_network_name", prior.Name)
	importing := state.LaunchTemplateID.IsNull()

	n, err := ReadNetwork(ctx, r.Client(), *prior)
	switch {
	case wait.NotFound(err) && importing:
		resp.Diagnostics.AddError(fmt.Sprintf("importing EFA network (%s)", prior.Name),
			fmt.Sprintf("no launch template named %q: import an EFA network by its name (the name of its launch template).", prior.Name))
		return
	case wait.NotFound(err):
		resp.Diagnostics.AddWarning("EFA network not found, removing from state",
			fmt.Sprintf("The placement group, security group and launch template of EFA network %q no longer exist; Terraform will create it again.", prior.Name))
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		resp.Diagnostics.AddError(fmt.Sprintf("reading EFA network (%s)", prior.Name), err.Error())
		return
	}
	if len(n.Missing) > 0 {
		resp.Diagnostics.AddWarning(fmt.Sprintf("EFA network (%s) partly deleted outside Terraform", n.Name),
			fmt.Sprintf("No longer found: %v. The next apply replaces the network.", n.Missing))
	}
	resp.Diagnostics.Append(state.flatten(ctx, n, r.Client().DefaultTags)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *networkResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state networkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "efa_network_name", name)
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	from, d := state.network(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	spec, d := plan.expand(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	n, err := UpdateNetwork(ctx, r.Client(), from, spec)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("updating EFA network (%s)", name), err.Error())
		return
	}
	plan.flattenComputed(n)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *networkResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state networkModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	n, d := state.network(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	ctx = tflog.SetField(ctx, "efa_network_name", n.Name)
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := DeleteNetwork(ctx, r.Client(), n); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("deleting EFA network (%s)", n.Name), err.Error())
	}
}

func (r *networkResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
}
