// SPDX-License-Identifier: MPL-2.0

package hybrid

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/kuberay"
)

type rayModel struct {
	EKSClusterName types.String     `tfsdk:"eks_cluster_name"`
	Namespace      types.String     `tfsdk:"namespace"`
	RayVersion     types.String     `tfsdk:"ray_version"`
	Image          types.String     `tfsdk:"image"`
	Head           *rayHeadModel    `tfsdk:"head"`
	WorkerGroups   []rayWorkerModel `tfsdk:"worker_group"`
}

type rayHeadModel struct {
	InstanceType types.String `tfsdk:"instance_type"`
	CPU          types.String `tfsdk:"cpu"`
	Memory       types.String `tfsdk:"memory"`
}

type rayWorkerModel struct {
	Name          types.String `tfsdk:"name"`
	InstanceType  types.String `tfsdk:"instance_type"`
	Replicas      types.Int64  `tfsdk:"replicas"`
	MinReplicas   types.Int64  `tfsdk:"min_replicas"`
	MaxReplicas   types.Int64  `tfsdk:"max_replicas"`
	CPU           types.String `tfsdk:"cpu"`
	Memory        types.String `tfsdk:"memory"`
	GPU           types.Int64  `tfsdk:"gpu"`
	EFAInterfaces types.Int64  `tfsdk:"efa_interfaces"`
}

func (m *rayModel) expand() *RaySpec {
	if m == nil {
		return nil
	}
	r := &RaySpec{EKSClusterName: m.EKSClusterName.ValueString(), Namespace: m.Namespace.ValueString(),
		RayVersion: m.RayVersion.ValueString(), Image: m.Image.ValueString()}
	if r.Namespace == "" {
		r.Namespace = "default"
	}
	if h := m.Head; h != nil {
		r.Head = RayHeadSpec{InstanceType: h.InstanceType.ValueString(), CPU: h.CPU.ValueString(), Memory: h.Memory.ValueString()}
	}
	for _, g := range m.WorkerGroups {
		maxR := g.MaxReplicas.ValueInt64()
		if g.MaxReplicas.IsNull() || g.MaxReplicas.IsUnknown() {
			maxR = max(g.Replicas.ValueInt64(), g.MinReplicas.ValueInt64())
		}
		r.WorkerGroups = append(r.WorkerGroups, RayWorkerGroupSpec{
			Name: g.Name.ValueString(), InstanceType: g.InstanceType.ValueString(), Replicas: g.Replicas.ValueInt64(),
			MinReplicas: g.MinReplicas.ValueInt64(), MaxReplicas: maxR, CPU: g.CPU.ValueString(), Memory: g.Memory.ValueString(),
			GPU: g.GPU.ValueInt64(), EFAInterfaces: g.EFAInterfaces.ValueInt64(),
		})
	}
	return r
}

// rayAt is where the model's Ray cluster runs (nil without one, or while unknown).
func (m *hybridModel) rayAt() *rayAt {
	r := m.Ray
	if r == nil || r.EKSClusterName.ValueString() == "" {
		return nil
	}
	ns := r.Namespace.ValueString()
	if ns == "" {
		ns = "default"
	}
	return &rayAt{EKSClusterName: r.EKSClusterName.ValueString(), Namespace: ns}
}

// flattenRay copies the Ray part's addresses into the model (null without one).
func (m *hybridModel) flattenRay(h *Hybrid) {
	var svc, dash, client, claim string
	if rc := h.Ray; rc != nil {
		svc, dash, client, claim = rc.HeadServiceName, rc.DashboardURL, rc.ClientAddress, rc.PersistentVolumeClaim
	}
	m.RayHeadServiceName, m.RayDashboardURL = framework.StringOrNull(svc), framework.StringOrNull(dash)
	m.RayClientAddress, m.RayLustreClaimName = framework.StringOrNull(client), framework.StringOrNull(claim)
}

// rayPools are the Ray worker groups as placement pools: the instance type of their nodes and the worker
// counts KubeRay keeps them between.
func (r *RaySpec) rayPools() []Pool {
	out := []Pool{}
	if r == nil {
		return out
	}
	for _, g := range r.WorkerGroups {
		out = append(out, Pool{Name: g.Name, InstanceType: g.InstanceType, MinNodes: g.MinReplicas, MaxNodes: g.MaxReplicas, EFA: g.EFAInterfaces > 0})
	}
	return out
}

// validateRay checks the Ray part's rules at plan time with the kuberay package's own rules: the
// environment's name as a RayCluster name, the namespace, the groups' names, quantities and replicas.
func validateRay(m *hybridModel, diags *diag.Diagnostics) {
	r := m.Ray
	if r == nil {
		return
	}
	at := path.Root("ray")
	if n := knownString(m.Name); n != "" {
		if errs := kuberay.ValidateClusterName(n); len(errs) > 0 {
			diags.AddAttributeError(path.Root("name"), "Invalid name for a Ray cluster",
				fmt.Sprintf("With ray, the environment's name %q also names its RayCluster, which %s.", n, strings.Join(errs, "; ")))
		}
	}
	if ns := knownString(r.Namespace); ns != "" {
		if errs := kuberay.ValidateNamespace(ns); len(errs) > 0 {
			diags.AddAttributeError(at.AtName("namespace"), "Invalid namespace", strings.Join(errs, "; "))
		}
	}
	quantities := func(p path.Path, cpu, mem types.String) {
		for name, v := range map[string]types.String{"cpu": cpu, "memory": mem} {
			if q := knownString(v); q != "" {
				if err := kuberay.ValidateQuantity(q); err != nil {
					diags.AddAttributeError(p.AtName(name), "Invalid quantity", err.Error())
				}
			}
		}
	}
	if h := r.Head; h != nil {
		quantities(at.AtName("head"), h.CPU, h.Memory)
	}
	var names []string
	for i, g := range r.WorkerGroups {
		gp := at.AtName("worker_group").AtListIndex(i)
		if n := knownString(g.Name); n != "" {
			names = append(names, n)
			if errs := kuberay.ValidateGroupName(n); len(errs) > 0 {
				diags.AddAttributeError(gp.AtName("name"), "Invalid worker group name", strings.Join(errs, "; "))
			}
		}
		quantities(gp, g.CPU, g.Memory)
		if g.Replicas.IsUnknown() || g.MinReplicas.IsUnknown() || g.MaxReplicas.IsUnknown() {
			continue
		}
		maxR := g.MaxReplicas.ValueInt64()
		if g.MaxReplicas.IsNull() {
			maxR = max(g.Replicas.ValueInt64(), g.MinReplicas.ValueInt64())
		}
		if err := kuberay.ValidateReplicas(g.Replicas.ValueInt64(), g.MinReplicas.ValueInt64(), maxR); err != nil {
			diags.AddAttributeError(gp.AtName("replicas"), "Invalid replicas", err.Error())
		}
	}
	if err := kuberay.ValidateUnique(names); err != nil {
		diags.AddAttributeError(at.AtName("worker_group"), "Duplicate worker group name", err.Error())
	}
}
