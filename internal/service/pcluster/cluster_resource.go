// SPDX-License-Identifier: MPL-2.0

package pcluster

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// Generous defaults: ParallelCluster's head node bootstrap alone may take 35 minutes
// (constants.py NODE_BOOTSTRAP_TIMEOUT = 2100 s).
const (
	defaultCreateTimeout = 90 * time.Minute
	defaultUpdateTimeout = 90 * time.Minute
	defaultDeleteTimeout = 60 * time.Minute
)

var (
	_ resource.ResourceWithConfigure      = (*clusterResource)(nil)
	_ resource.ResourceWithImportState    = (*clusterResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*clusterResource)(nil)
	_ resource.ResourceWithValidateConfig = (*clusterResource)(nil)
)

// NewClusterResource is the rayhpc_hpc_cluster resource.
func NewClusterResource() resource.Resource { return &clusterResource{} }

type clusterResource struct{ framework.WithClient }

func (r *clusterResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_hpc_cluster"
}

func (r *clusterResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan clusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "hpc_cluster_name", name)
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	spec, d := plan.expand(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	doc, err := RenderConfig(spec)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("config_overrides"), "invalid config_overrides", err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cl, err := CreateCluster(ctx, r.Client(), spec)
	if cl != nil {
		// Whatever was created stays in the state (tainted when err is set), so destroy removes it.
		plan.Region = types.StringValue(spec.Region)
		plan.ClusterConfiguration = NewYAMLValue(doc)
		plan.flattenComputed(cl)
		plan.nullComputed()
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("creating ParallelCluster cluster (%s)", name), err.Error())
	}
}

func (r *clusterResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state clusterModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "hpc_cluster_name", name)
	importing := state.HeadNode == nil
	cl, err := ReadCluster(ctx, r.Client(), state.Region.ValueString(), name)
	switch {
	case wait.NotFound(err) && importing:
		resp.Diagnostics.AddError(fmt.Sprintf("importing ParallelCluster cluster (%s)", name), "no ParallelCluster cluster of this name in the region: import a cluster by its name.")
		return
	case wait.NotFound(err):
		resp.Diagnostics.AddWarning("ParallelCluster cluster not found, removing from state",
			fmt.Sprintf("The ParallelCluster cluster %s no longer exists (deleted outside Terraform); Terraform will create it again.", name))
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		resp.Diagnostics.AddError(fmt.Sprintf("reading ParallelCluster cluster (%s)", name), err.Error())
		return
	}
	if cl.ConfigurationURL != "" {
		doc, err := FetchConfiguration(ctx, cl.ConfigurationURL)
		switch {
		case err != nil:
			resp.Diagnostics.AddWarning(fmt.Sprintf("reading the configuration of ParallelCluster cluster (%s)", name), err.Error())
		case importing:
			spec, err := ParseConfig(doc)
			if err != nil {
				resp.Diagnostics.AddError(fmt.Sprintf("importing ParallelCluster cluster (%s)", name), err.Error())
				return
			}
			resp.Diagnostics.Append(state.flattenSpec(ctx, spec)...)
			resp.Diagnostics.Append(state.flattenTags(ctx, spec.Tags, r.Client())...)
			state.ClusterConfiguration = NewYAMLValue(doc)
		case state.ClusterConfiguration.IsNull() || !SemanticallyEqual(state.ClusterConfiguration.ValueString(), doc):
			// Changed outside Terraform: the next plan updates it back.
			state.ClusterConfiguration = NewYAMLValue(doc)
		}
	}
	if importing {
		state.StopComputeFleetWhenRequired = types.BoolValue(true)
		state.ConfigOverrides = YAMLNull()
	}
	state.flattenComputed(cl)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *clusterResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state clusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "hpc_cluster_name", name)
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	spec, d := plan.expand(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	doc, err := RenderConfig(spec)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("config_overrides"), "invalid config_overrides", err.Error())
		return
	}
	if !state.ClusterConfiguration.IsNull() && SemanticallyEqual(state.ClusterConfiguration.ValueString(), doc) {
		// Only provider-side settings changed (timeouts, stop_compute_fleet_when_required): no API call.
		tflog.Debug(ctx, "the cluster configuration is unchanged; nothing to update in ParallelCluster")
		plan.copyComputed(&state)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cl, err := UpdateCluster(ctx, r.Client(), spec)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("updating ParallelCluster cluster (%s)", name), err.Error())
		return
	}
	plan.ClusterConfiguration = NewYAMLValue(doc)
	plan.flattenComputed(cl)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *clusterResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state clusterModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "hpc_cluster_name", name)
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := DeleteCluster(ctx, r.Client(), state.Region.ValueString(), name); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("deleting ParallelCluster cluster (%s)", name), err.Error())
	}
}

func (r *clusterResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !ClusterNameRegexp.MatchString(req.ID) {
		resp.Diagnostics.AddError("invalid import ID", "import a ParallelCluster cluster by its name: "+ClusterNameRule)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
}

// copyComputed takes the computed attributes from the state (an update with no API call).
func (m *clusterModel) copyComputed(s *clusterModel) {
	m.ID, m.Region, m.Status, m.ComputeFleetStatus, m.Version = s.ID, s.Region, s.Status, s.ComputeFleetStatus, s.Version
	m.CloudFormationStackARN, m.SSHCommand, m.ClusterConfiguration = s.CloudFormationStackARN, s.SSHCommand, s.ClusterConfiguration
	m.HeadNodeInstanceID, m.HeadNodePrivateIP, m.HeadNodePublicIP = s.HeadNodeInstanceID, s.HeadNodePrivateIP, s.HeadNodePublicIP
}
