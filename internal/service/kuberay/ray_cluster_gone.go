// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The values of `state` a refresh writes when the RayCluster is not there (KubeRay's own states are
// lower-case words such as ready and suspended; these cannot be mistaken for one).
const (
	// StateNotFound: the RayCluster was deleted out of band, but what the provider made for it
	// (namespace, service account, volume, claim) remains. The resource stays in state so that nothing
	// is orphaned: the next apply makes the RayCluster again (in place, adopting them), and a destroy or
	// removing the resource from the configuration deletes them.
	StateNotFound = "not_found"
	// StateCRDNotServed: the cluster no longer serves ray.io/v1 RayCluster (the KubeRay CRD deleted,
	// which deleted every RayCluster with it). The resource stays in state; an apply that keeps it fails
	// with ErrCRDMissing (the update that would make it again), a destroy succeeds (with a warning).
	StateCRDNotServed = "crd_not_served"
)

// describeTarget names the Kubernetes cluster of a model for messages.
func (m *rayClusterModel) describeTarget() string {
	if m.Kubernetes != nil && !m.Kubernetes.Host.IsNull() {
		return "the Kubernetes API server " + m.Kubernetes.Host.ValueString()
	}
	return "EKS cluster " + m.EKSClusterName.ValueString()
}

// imported: a state only import wrote (the ID and where), never read into.
func (m *rayClusterModel) imported() bool { return m.RayVersion.IsNull() }

// markGone writes what a refresh knows of a RayCluster that is not there: state (StateNotFound or
// StateCRDNotServed), no pods, no conditions, no addresses. The configuration's values stay as they were.
func (m *rayClusterModel) markGone(state string) {
	m.State = types.StringValue(state)
	m.ReadyWorkerReplicas, m.DesiredWorkerReplicas = types.Int64Value(0), types.Int64Value(0)
	m.Conditions = types.ListValueMust(conditionType, nil)
	m.HeadServiceName, m.DashboardURL, m.ClientAddress = types.StringValue(""), types.StringValue(""), types.StringValue("")
}

// readGone is Read's answer when the RayCluster is not there (err is wait.NotFound or ErrCRDMissing
// from ReadRayCluster; crdMissing says which). It reports whether the resource stays in state (the
// caller then saves state); otherwise it was removed or an error was added.
func (r *rayClusterResource) readGone(ctx context.Context, state *rayClusterModel, crdMissing bool, err error, resp *resource.ReadResponse) bool {
	ns, name := state.Namespace.ValueString(), state.Name.ValueString()
	if crdMissing {
		if state.imported() {
			resp.Diagnostics.AddError(fmt.Sprintf("reading RayCluster (%s/%s)", ns, name), err.Error())
			return false
		}
		resp.Diagnostics.AddWarning(fmt.Sprintf("RayCluster (%s/%s): the cluster does not serve ray.io/v1 RayCluster", ns, name),
			fmt.Sprintf("%s does not serve ray.io/v1 RayCluster: the KubeRay CRD has been deleted (for example with the KubeRay operator), "+
				"and Kubernetes deletes every RayCluster with its CRD. The resource stays in state: a destroy (or removing it from the "+
				"configuration) deletes what the provider made for it; an apply that keeps it plans to create the RayCluster again "+
				"and fails until the KubeRay operator is installed again.",
				state.describeTarget()))
		state.markGone(StateCRDNotServed)
		return true
	}
	left, ferr := FindCompanions(ctx, r.Client(), state.target(), ns, name)
	if ferr != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading RayCluster (%s/%s)", ns, name), ferr.Error())
		return false
	}
	if len(left) == 0 || state.imported() {
		resp.Diagnostics.AddWarning("RayCluster not found, removing from state",
			fmt.Sprintf("RayCluster %s/%s no longer exists; Terraform will create it again.", ns, name))
		resp.State.RemoveResource(ctx)
		return false
	}
	var parts []string
	for _, o := range left {
		parts = append(parts, o.String())
	}
	resp.Diagnostics.AddWarning(fmt.Sprintf("RayCluster (%s/%s) not found, what the provider made for it remains", ns, name),
		fmt.Sprintf("RayCluster %s/%s no longer exists, but %s remain. The resource stays in state (state %q): the next apply "+
			"creates the RayCluster again and adopts them; a destroy, or removing the resource from the configuration, deletes them.",
			ns, name, strings.Join(parts, ", "), StateNotFound))
	state.markGone(StateNotFound)
	return true
}

// planGone handles a prior state that a refresh marked gone, for a plan that keeps the resource: an
// update makes the RayCluster again (its computed values unknown). With the CRD not served that update
// fails with ErrCRDMissing at apply, as a create would; the plan itself cannot fail, because Terraform
// plans the same way in the refresh before a destroy (a normal-mode plan), which must succeed. A destroy
// plan (plan null) is left alone.
func planGone(ctx context.Context, req resource.ModifyPlanRequest, plan *rayClusterModel, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		return
	}
	var prior types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("state"), &prior)...)
	if v := prior.ValueString(); v != StateNotFound && v != StateCRDNotServed {
		return
	}
	plan.State = types.StringUnknown()
	plan.ReadyWorkerReplicas, plan.DesiredWorkerReplicas = types.Int64Unknown(), types.Int64Unknown()
	plan.Conditions = types.ListUnknown(conditionType)
	plan.HeadServiceName, plan.DashboardURL, plan.ClientAddress = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
}
