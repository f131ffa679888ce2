// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

type rayClusterModel struct {
	Annotations           types.Map         `tfsdk:"annotations"`
	Autoscaling           *autoscalingModel `tfsdk:"autoscaling"`
	ClientAddress         types.String      `tfsdk:"client_address"`
	Conditions            types.List        `tfsdk:"conditions"`
	CreateNamespace       types.Bool        `tfsdk:"create_namespace"`
	DashboardURL          types.String      `tfsdk:"dashboard_url"`
	DataLake              *dataLakeModel    `tfsdk:"data_lake"`
	DesiredWorkerReplicas types.Int64       `tfsdk:"desired_worker_replicas"`
	EKSClusterName        types.String      `tfsdk:"eks_cluster_name"`
	Head                  *headModel        `tfsdk:"head"`
	HeadServiceName       types.String      `tfsdk:"head_service_name"`
	ID                    types.String      `tfsdk:"id"`
	Image                 types.String      `tfsdk:"image"`
	Kubernetes            *kubernetesModel  `tfsdk:"kubernetes"`
	Labels                types.Map         `tfsdk:"labels"`
	Lustre                *lustreModel      `tfsdk:"lustre"`
	Name                  types.String      `tfsdk:"name"`
	Namespace             types.String      `tfsdk:"namespace"`
	RayVersion            types.String      `tfsdk:"ray_version"`
	ReadyWorkerReplicas   types.Int64       `tfsdk:"ready_worker_replicas"`
	ServiceAccountRoleARN types.String      `tfsdk:"service_account_role_arn"`
	State                 types.String      `tfsdk:"state"`
	Suspend               types.Bool        `tfsdk:"suspend"`
	Timeouts              timeouts.Value    `tfsdk:"timeouts"`
	WaitForReady          types.Bool        `tfsdk:"wait_for_ready"`
	WorkerGroups          []workerModel     `tfsdk:"worker_group"`
}

type autoscalingModel struct {
	Enabled       types.Bool   `tfsdk:"enabled"`
	IdleTimeoutS  types.Int64  `tfsdk:"idle_timeout_s"`
	UpscalingMode types.String `tfsdk:"upscaling_mode"`
}

type dataLakeModel struct {
	S3URI types.String `tfsdk:"s3_uri"`
}

type kubernetesModel struct {
	ClusterCACertificate types.String `tfsdk:"cluster_ca_certificate"`
	Host                 types.String `tfsdk:"host"`
	Token                types.String `tfsdk:"token"`
}

type lustreModel struct {
	MountPath   types.String `tfsdk:"mount_path"`
	WorkspaceID types.String `tfsdk:"workspace_id"`
}

type tolerationModel struct {
	Effect   types.String `tfsdk:"effect"`
	Key      types.String `tfsdk:"key"`
	Operator types.String `tfsdk:"operator"`
	Value    types.String `tfsdk:"value"`
}

type headModel struct {
	CPU            types.String      `tfsdk:"cpu"`
	Env            types.Map         `tfsdk:"env"`
	GPU            types.Int64       `tfsdk:"gpu"`
	Memory         types.String      `tfsdk:"memory"`
	NodeSelector   types.Map         `tfsdk:"node_selector"`
	RayStartParams types.Map         `tfsdk:"ray_start_params"`
	ServiceType    types.String      `tfsdk:"service_type"`
	Tolerations    []tolerationModel `tfsdk:"tolerations"`
}

type workerModel struct {
	CPU            types.String      `tfsdk:"cpu"`
	EFAInterfaces  types.Int64       `tfsdk:"efa_interfaces"`
	Env            types.Map         `tfsdk:"env"`
	GPU            types.Int64       `tfsdk:"gpu"`
	MaxReplicas    types.Int64       `tfsdk:"max_replicas"`
	Memory         types.String      `tfsdk:"memory"`
	MinReplicas    types.Int64       `tfsdk:"min_replicas"`
	Name           types.String      `tfsdk:"name"`
	NodeSelector   types.Map         `tfsdk:"node_selector"`
	NumOfHosts     types.Int64       `tfsdk:"num_of_hosts"`
	RayStartParams types.Map         `tfsdk:"ray_start_params"`
	Replicas       types.Int64       `tfsdk:"replicas"`
	Tolerations    []tolerationModel `tfsdk:"tolerations"`
}

// DefaultMountPath is where the Lustre workspace is mounted when mount_path is not set.
const DefaultMountPath = "/fsx"

func strMap(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := map[string]string{}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

func expandTolerations(ts []tolerationModel) []Toleration {
	var out []Toleration
	for _, t := range ts {
		out = append(out, Toleration{Key: t.Key.ValueString(), Operator: t.Operator.ValueString(), Value: t.Value.ValueString(), Effect: t.Effect.ValueString()})
	}
	return out
}

// target is the Kubernetes cluster the model names.
func (m *rayClusterModel) target() conns.KubeTarget {
	if m.Kubernetes != nil && !m.Kubernetes.Host.IsNull() {
		return conns.KubeTarget{Host: m.Kubernetes.Host.ValueString(), CACertPEM: m.Kubernetes.ClusterCACertificate.ValueString(),
			Token: m.Kubernetes.Token.ValueString()}
	}
	return conns.KubeTarget{EKSClusterName: m.EKSClusterName.ValueString()}
}

// expand turns the model into the plain Go layer's spec.
func (m *rayClusterModel) expand(ctx context.Context) (RayClusterSpec, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := RayClusterSpec{
		Target: m.target(), Name: m.Name.ValueString(), Namespace: m.Namespace.ValueString(),
		CreateNamespace: m.CreateNamespace.ValueBool(), RayVersion: m.RayVersion.ValueString(), Image: m.Image.ValueString(),
		ServiceAccountRoleARN: m.ServiceAccountRoleARN.ValueString(), Suspend: m.Suspend.ValueBool(),
		Labels: strMap(ctx, m.Labels, &diags), Annotations: strMap(ctx, m.Annotations, &diags),
	}
	if s.Namespace == "" {
		s.Namespace = "default"
	}
	if h := m.Head; h != nil {
		s.Head = HeadSpec{CPU: h.CPU.ValueString(), Memory: h.Memory.ValueString(), GPU: h.GPU.ValueInt64(),
			NodeSelector: strMap(ctx, h.NodeSelector, &diags), Tolerations: expandTolerations(h.Tolerations),
			RayStartParams: strMap(ctx, h.RayStartParams, &diags), Env: strMap(ctx, h.Env, &diags), ServiceType: h.ServiceType.ValueString()}
	}
	for _, w := range m.WorkerGroups {
		maxR := w.MaxReplicas.ValueInt64()
		if w.MaxReplicas.IsNull() || w.MaxReplicas.IsUnknown() {
			maxR = max(w.Replicas.ValueInt64(), w.MinReplicas.ValueInt64())
		}
		s.WorkerGroups = append(s.WorkerGroups, WorkerGroupSpec{
			Name: w.Name.ValueString(), Replicas: int32(w.Replicas.ValueInt64()), MinReplicas: int32(w.MinReplicas.ValueInt64()),
			MaxReplicas: int32(maxR), CPU: w.CPU.ValueString(), Memory: w.Memory.ValueString(), GPU: w.GPU.ValueInt64(),
			EFAInterfaces: w.EFAInterfaces.ValueInt64(), NodeSelector: strMap(ctx, w.NodeSelector, &diags),
			Tolerations: expandTolerations(w.Tolerations), NumOfHosts: int32(max(w.NumOfHosts.ValueInt64(), 1)),
			RayStartParams: strMap(ctx, w.RayStartParams, &diags), Env: strMap(ctx, w.Env, &diags),
		})
	}
	if a := m.Autoscaling; a != nil && a.Enabled.ValueBool() {
		s.Autoscaling = &AutoscalingSpec{IdleTimeoutSeconds: int32(a.IdleTimeoutS.ValueInt64()), UpscalingMode: a.UpscalingMode.ValueString()}
	}
	if l := m.Lustre; l != nil && !l.WorkspaceID.IsNull() {
		s.Lustre = &LustreMount{WorkspaceID: l.WorkspaceID.ValueString(), MountPath: l.MountPath.ValueString()}
		if s.Lustre.MountPath == "" {
			s.Lustre.MountPath = DefaultMountPath
		}
	}
	if d := m.DataLake; d != nil {
		s.DataLakeS3URI = d.S3URI.ValueString()
	}
	return s, diags
}

// flatten writes what exists into the model. Values equal in meaning to what the model holds keep the
// model's spelling (quantities such as 1024Mi and 1Gi); the replicas of an autoscaled cluster keep the
// configured value (the autoscaler owns the live count).
func (m *rayClusterModel) flatten(ctx context.Context, rc *RayCluster) diag.Diagnostics {
	var diags diag.Diagnostics
	s := rc.Spec
	m.ID = types.StringValue(s.Namespace + "/" + s.Name)
	m.Name, m.Namespace = types.StringValue(s.Name), types.StringValue(s.Namespace)
	m.RayVersion, m.Image = types.StringValue(s.RayVersion), types.StringValue(s.Image)
	m.Suspend = types.BoolValue(s.Suspend)
	m.CreateNamespace = types.BoolValue(s.CreateNamespace)
	m.Labels = flatMap(m.Labels, s.Labels)
	m.Annotations = flatMap(m.Annotations, s.Annotations)
	m.ServiceAccountRoleARN = optString(s.ServiceAccountRoleARN)
	if m.WaitForReady.IsNull() {
		m.WaitForReady = types.BoolValue(true)
	}
	autoscaled := s.Autoscaling != nil
	if autoscaled {
		a := &autoscalingModel{Enabled: types.BoolValue(true), IdleTimeoutS: types.Int64Null(), UpscalingMode: optString(s.Autoscaling.UpscalingMode)}
		if s.Autoscaling.IdleTimeoutSeconds > 0 {
			a.IdleTimeoutS = types.Int64Value(int64(s.Autoscaling.IdleTimeoutSeconds))
		}
		m.Autoscaling = a
	} else if m.Autoscaling != nil && !m.Autoscaling.Enabled.ValueBool() {
		// An autoscaling block with enabled = false stays as written.
	} else {
		m.Autoscaling = nil
	}
	if s.DataLakeS3URI != "" {
		m.DataLake = &dataLakeModel{S3URI: types.StringValue(s.DataLakeS3URI)}
	} else {
		m.DataLake = nil
	}
	if s.Lustre != nil {
		m.Lustre = &lustreModel{WorkspaceID: types.StringValue(s.Lustre.WorkspaceID), MountPath: types.StringValue(s.Lustre.MountPath)}
	} else {
		m.Lustre = nil
	}
	m.Head = flattenHead(m.Head, s.Head)
	m.WorkerGroups = flattenWorkers(m.WorkerGroups, s.WorkerGroups, autoscaled)

	m.State = types.StringValue(rc.State)
	m.HeadServiceName, m.DashboardURL, m.ClientAddress = types.StringValue(rc.HeadServiceName), types.StringValue(rc.DashboardURL), types.StringValue(rc.ClientAddress)
	m.ReadyWorkerReplicas, m.DesiredWorkerReplicas = types.Int64Value(int64(rc.ReadyWorkerReplicas)), types.Int64Value(int64(rc.DesiredWorkerReplicas))
	conds := make([]attr.Value, 0, len(rc.Conditions))
	for _, c := range rc.Conditions {
		conds = append(conds, types.ObjectValueMust(conditionType.AttrTypes, map[string]attr.Value{
			"type": types.StringValue(c.Type), "status": types.StringValue(c.Status),
			"reason": types.StringValue(c.Reason), "message": types.StringValue(c.Message)}))
	}
	var d diag.Diagnostics
	m.Conditions, d = types.ListValue(conditionType, conds)
	diags.Append(d...)
	return diags
}

func flattenHead(prior *headModel, h HeadSpec) *headModel {
	out := &headModel{GPU: types.Int64Value(h.GPU), ServiceType: optString(h.ServiceType)}
	var p headModel
	if prior != nil {
		p = *prior
	}
	out.CPU, out.Memory = sameQuantity(p.CPU, h.CPU), sameQuantity(p.Memory, h.Memory)
	out.Env, out.NodeSelector, out.RayStartParams = flatMap(p.Env, h.Env), flatMap(p.NodeSelector, h.NodeSelector), flatMap(p.RayStartParams, h.RayStartParams)
	out.Tolerations = flattenTolerations(h.Tolerations)
	return out
}

func flattenWorkers(prior []workerModel, groups []WorkerGroupSpec, autoscaled bool) []workerModel {
	byName := map[string]workerModel{}
	for _, w := range prior {
		byName[w.Name.ValueString()] = w
	}
	var out []workerModel
	for _, g := range groups {
		p, had := byName[g.Name]
		w := workerModel{Name: types.StringValue(g.Name), Replicas: types.Int64Value(int64(g.Replicas)),
			MinReplicas: types.Int64Value(int64(g.MinReplicas)), MaxReplicas: types.Int64Value(int64(g.MaxReplicas)),
			GPU: types.Int64Value(g.GPU), EFAInterfaces: types.Int64Value(g.EFAInterfaces), NumOfHosts: types.Int64Value(int64(max(g.NumOfHosts, 1))),
			CPU: sameQuantity(p.CPU, g.CPU), Memory: sameQuantity(p.Memory, g.Memory),
			Env: flatMap(p.Env, g.Env), NodeSelector: flatMap(p.NodeSelector, g.NodeSelector), RayStartParams: flatMap(p.RayStartParams, g.RayStartParams),
			Tolerations: flattenTolerations(g.Tolerations)}
		if autoscaled && had {
			w.Replicas = p.Replicas
		}
		out = append(out, w)
	}
	return out
}

func flattenTolerations(ts []Toleration) []tolerationModel {
	var out []tolerationModel
	for _, t := range ts {
		op := t.Operator
		if op == "" {
			op = "Equal"
		}
		out = append(out, tolerationModel{Key: optString(t.Key), Operator: types.StringValue(op), Value: optString(t.Value), Effect: optString(t.Effect)})
	}
	return out
}

func optString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// sameQuantity keeps the prior spelling of a quantity equal in value to the one read.
func sameQuantity(prior types.String, read string) types.String {
	if read == "" {
		return types.StringNull()
	}
	if !prior.IsNull() && !prior.IsUnknown() {
		a, errA := resource.ParseQuantity(prior.ValueString())
		b, errB := resource.ParseQuantity(read)
		if errA == nil && errB == nil && a.Cmp(b) == 0 {
			return prior
		}
	}
	return types.StringValue(read)
}

// flatMap returns the map read, or the prior value when both are empty (null and {} stay as written).
func flatMap(prior types.Map, read map[string]string) types.Map {
	if len(read) == 0 {
		if !prior.IsNull() && !prior.IsUnknown() && len(prior.Elements()) == 0 {
			return prior
		}
		return types.MapNull(types.StringType)
	}
	vals := map[string]attr.Value{}
	for k, v := range maps.All(read) {
		vals[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, vals)
}

// nullUnknowns replaces the computed values still unknown after a failed create with nulls, so the
// plan can be saved as the (tainted) state.
func (m *rayClusterModel) nullUnknowns() {
	m.ID = types.StringValue(m.Namespace.ValueString() + "/" + m.Name.ValueString())
	for _, s := range []*types.String{&m.ClientAddress, &m.DashboardURL, &m.HeadServiceName, &m.State, &m.Image} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	for _, i := range []*types.Int64{&m.DesiredWorkerReplicas, &m.ReadyWorkerReplicas} {
		if i.IsUnknown() {
			*i = types.Int64Null()
		}
	}
	if m.Conditions.IsUnknown() {
		m.Conditions = types.ListNull(conditionType)
	}
	for i := range m.WorkerGroups {
		if m.WorkerGroups[i].MaxReplicas.IsUnknown() {
			m.WorkerGroups[i].MaxReplicas = types.Int64Null()
		}
	}
}
