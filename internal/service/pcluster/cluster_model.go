// SPDX-License-Identifier: MPL-2.0

package pcluster

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
)

type clusterModel struct {
	CloudFormationStackARN       types.String         `tfsdk:"cloudformation_stack_arn"`
	ClusterConfiguration         YAMLValue            `tfsdk:"cluster_configuration"`
	ComputeFleetStatus           types.String         `tfsdk:"compute_fleet_status"`
	ConfigOverrides              YAMLValue            `tfsdk:"config_overrides"`
	CustomAMI                    types.String         `tfsdk:"custom_ami"`
	HeadNode                     *headNodeModel       `tfsdk:"head_node"`
	HeadNodeInstanceID           types.String         `tfsdk:"head_node_instance_id"`
	HeadNodePrivateIP            types.String         `tfsdk:"head_node_private_ip"`
	HeadNodePublicIP             types.String         `tfsdk:"head_node_public_ip"`
	ID                           types.String         `tfsdk:"id"`
	Name                         types.String         `tfsdk:"name"`
	OS                           types.String         `tfsdk:"os"`
	Queues                       []queueModel         `tfsdk:"queue"`
	Region                       types.String         `tfsdk:"region"`
	SharedStorage                []sharedStorageModel `tfsdk:"shared_storage"`
	Slurm                        *slurmModel          `tfsdk:"slurm"`
	SSHCommand                   types.String         `tfsdk:"ssh_command"`
	Status                       types.String         `tfsdk:"status"`
	StopComputeFleetWhenRequired types.Bool           `tfsdk:"stop_compute_fleet_when_required"`
	Tags                         types.Map            `tfsdk:"tags"`
	Timeouts                     timeouts.Value       `tfsdk:"timeouts"`
	Version                      types.String         `tfsdk:"version"`
}

type headNodeModel struct {
	AdditionalIAMPolicies      types.Set    `tfsdk:"additional_iam_policies"`
	AdditionalSecurityGroupIDs types.Set    `tfsdk:"additional_security_group_ids"`
	InstanceType               types.String `tfsdk:"instance_type"`
	KeyName                    types.String `tfsdk:"key_name"`
	RootVolumeSizeGiB          types.Int64  `tfsdk:"root_volume_size_gib"`
	SubnetID                   types.String `tfsdk:"subnet_id"`
}

type slurmModel struct {
	QueueUpdateStrategy  types.String `tfsdk:"queue_update_strategy"`
	ScaledownIdleMinutes types.Int64  `tfsdk:"scaledown_idle_minutes"`
}

type queueModel struct {
	CapacityType     types.String           `tfsdk:"capacity_type"`
	ComputeResources []computeResourceModel `tfsdk:"compute_resource"`
	Name             types.String           `tfsdk:"name"`
	PlacementGroup   *placementGroupModel   `tfsdk:"placement_group"`
	SubnetIDs        types.List             `tfsdk:"subnet_ids"`
}

type placementGroupModel struct {
	Enabled types.Bool   `tfsdk:"enabled"`
	ID      types.String `tfsdk:"id"`
}

type computeResourceModel struct {
	DisableSMT   types.Bool   `tfsdk:"disable_simultaneous_multithreading"`
	EFA          *efaModel    `tfsdk:"efa"`
	InstanceType types.String `tfsdk:"instance_type"`
	Instances    types.List   `tfsdk:"instances"`
	MaxCount     types.Int64  `tfsdk:"max_count"`
	MinCount     types.Int64  `tfsdk:"min_count"`
	Name         types.String `tfsdk:"name"`
}

type efaModel struct {
	Enabled    types.Bool `tfsdk:"enabled"`
	GDRSupport types.Bool `tfsdk:"gdr_support"`
}

type sharedStorageModel struct {
	EBS       *ebsModel    `tfsdk:"ebs"`
	EFS       *fsIDModel   `tfsdk:"efs"`
	FSxLustre *fsIDModel   `tfsdk:"fsx_lustre"`
	MountDir  types.String `tfsdk:"mount_dir"`
	Name      types.String `tfsdk:"name"`
}

type fsIDModel struct {
	FileSystemID types.String `tfsdk:"file_system_id"`
}

type ebsModel struct {
	SizeGiB  types.Int64  `tfsdk:"size_gib"`
	VolumeID types.String `tfsdk:"volume_id"`
}

// known reports whether every value the configuration is rendered from is known (plan time).
func (m *clusterModel) known() bool {
	vals := []interface {
		IsUnknown() bool
	}{m.Name, m.OS, m.CustomAMI, m.Tags, m.ConfigOverrides}
	if m.HeadNode != nil {
		h := m.HeadNode
		vals = append(vals, h.InstanceType, h.SubnetID, h.KeyName, h.RootVolumeSizeGiB, h.AdditionalIAMPolicies, h.AdditionalSecurityGroupIDs)
	}
	if m.Slurm != nil {
		vals = append(vals, m.Slurm.QueueUpdateStrategy, m.Slurm.ScaledownIdleMinutes)
	}
	for _, q := range m.Queues {
		vals = append(vals, q.Name, q.CapacityType, q.SubnetIDs)
		if q.PlacementGroup != nil {
			vals = append(vals, q.PlacementGroup.Enabled, q.PlacementGroup.ID)
		}
		for _, cr := range q.ComputeResources {
			vals = append(vals, cr.Name, cr.InstanceType, cr.Instances, cr.MinCount, cr.MaxCount, cr.DisableSMT)
			if cr.EFA != nil {
				vals = append(vals, cr.EFA.Enabled, cr.EFA.GDRSupport)
			}
		}
	}
	for _, s := range m.SharedStorage {
		vals = append(vals, s.Name, s.MountDir)
		for _, f := range []*fsIDModel{s.FSxLustre, s.EFS} {
			if f != nil {
				vals = append(vals, f.FileSystemID)
			}
		}
		if s.EBS != nil {
			vals = append(vals, s.EBS.VolumeID, s.EBS.SizeGiB)
		}
	}
	for _, v := range vals {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

func stringList(ctx context.Context, v interface {
	ElementsAs(context.Context, any, bool) diag.Diagnostics
	IsNull() bool
	IsUnknown() bool
}, diags *diag.Diagnostics) []string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(v.ElementsAs(ctx, &out, false)...)
	return out
}

// expand turns the model into the plain Go layer's spec (with the complete tag set: the provider's
// default tags, the resource's own and the ownership tag).
func (m *clusterModel) expand(ctx context.Context, c *conns.Client) (ClusterSpec, diag.Diagnostics) {
	var diags diag.Diagnostics
	spec := ClusterSpec{
		Name: m.Name.ValueString(), Region: m.Region.ValueString(), OS: m.OS.ValueString(), CustomAMI: m.CustomAMI.ValueString(),
		ConfigOverrides: m.ConfigOverrides.ValueString(), StopComputeFleetWhenRequired: m.StopComputeFleetWhenRequired.IsNull() || m.StopComputeFleetWhenRequired.ValueBool(),
		Slurm: SlurmSpec{ScaledownIdleMinutes: DefaultScaledownIdleMinutes},
	}
	if spec.Region == "" && c != nil {
		spec.Region = c.Region
	}
	if h := m.HeadNode; h != nil {
		spec.HeadNode = HeadNodeSpec{
			InstanceType: h.InstanceType.ValueString(), SubnetID: h.SubnetID.ValueString(), KeyName: h.KeyName.ValueString(),
			RootVolumeSizeGiB:          h.RootVolumeSizeGiB.ValueInt64(),
			AdditionalSecurityGroupIDs: sorted(stringList(ctx, h.AdditionalSecurityGroupIDs, &diags)),
			AdditionalIAMPolicies:      sorted(stringList(ctx, h.AdditionalIAMPolicies, &diags)),
		}
	}
	if s := m.Slurm; s != nil {
		if !s.ScaledownIdleMinutes.IsNull() && !s.ScaledownIdleMinutes.IsUnknown() {
			spec.Slurm.ScaledownIdleMinutes = s.ScaledownIdleMinutes.ValueInt64()
		}
		spec.Slurm.QueueUpdateStrategy = s.QueueUpdateStrategy.ValueString()
	}
	for _, q := range m.Queues {
		qs := QueueSpec{Name: q.Name.ValueString(), CapacityType: q.CapacityType.ValueString(), SubnetIDs: stringList(ctx, q.SubnetIDs, &diags)}
		if pg := q.PlacementGroup; pg != nil {
			qs.PlacementGroup = &PlacementGroupSpec{Enabled: pg.Enabled.IsNull() || pg.Enabled.ValueBool(), ID: pg.ID.ValueString()}
		}
		for _, cr := range q.ComputeResources {
			crs := ComputeResourceSpec{
				Name: cr.Name.ValueString(), InstanceType: cr.InstanceType.ValueString(), Instances: stringList(ctx, cr.Instances, &diags),
				MinCount: int64Or(cr.MinCount, DefaultMinCount), MaxCount: int64Or(cr.MaxCount, DefaultMaxCount), DisableSimultaneousMultithreading: cr.DisableSMT.ValueBool(),
			}
			if e := cr.EFA; e != nil {
				crs.EFA = &EFASpec{Enabled: e.Enabled.IsNull() || e.Enabled.ValueBool(), GDRSupport: e.GDRSupport.ValueBool()}
			}
			qs.ComputeResources = append(qs.ComputeResources, crs)
		}
		spec.Queues = append(spec.Queues, qs)
	}
	for _, s := range m.SharedStorage {
		ss := SharedStorageSpec{Name: s.Name.ValueString(), MountDir: s.MountDir.ValueString()}
		if s.FSxLustre != nil {
			ss.FSxLustreFileSystemID = s.FSxLustre.FileSystemID.ValueString()
		}
		if s.EFS != nil {
			ss.EFSFileSystemID = s.EFS.FileSystemID.ValueString()
		}
		if s.EBS != nil {
			ss.EBS = &EBSSpec{VolumeID: s.EBS.VolumeID.ValueString(), SizeGiB: s.EBS.SizeGiB.ValueInt64()}
		}
		spec.SharedStorage = append(spec.SharedStorage, ss)
	}
	own := map[string]string{}
	if !m.Tags.IsNull() && !m.Tags.IsUnknown() {
		diags.Append(m.Tags.ElementsAs(ctx, &own, false)...)
	}
	if c != nil {
		spec.Tags = c.MergeTags(own)
	} else {
		spec.Tags = own
	}
	spec.Tags[OwnerTagKey] = OwnerValue(spec.Name)
	return spec, diags
}

func int64Or(v types.Int64, d int64) int64 {
	if v.IsNull() || v.IsUnknown() {
		return d
	}
	return v.ValueInt64()
}

func sorted(in []string) []string {
	slices.Sort(in)
	return in
}

// osUsers is the default user of each OS (constants.py OS_MAPPING).
var osUsers = map[string]string{
	"alinux2": "ec2-user", "alinux2023": "ec2-user", "ubuntu2004": "ubuntu", "ubuntu2204": "ubuntu", "ubuntu2404": "ubuntu",
	"rhel8": "ec2-user", "rocky8": "rocky", "rhel9": "ec2-user", "rocky9": "rocky",
}

// flattenComputed copies what exists into the computed attributes.
func (m *clusterModel) flattenComputed(cl *Cluster) {
	m.ID = types.StringValue(cl.Name)
	m.Name = types.StringValue(cl.Name)
	if cl.Region != "" {
		m.Region = types.StringValue(cl.Region)
	}
	m.Status = types.StringValue(cl.Status)
	m.ComputeFleetStatus = types.StringValue(cl.ComputeFleetStatus)
	m.Version = types.StringValue(cl.Version)
	m.CloudFormationStackARN = types.StringValue(cl.StackARN)
	m.HeadNodeInstanceID, m.HeadNodePrivateIP, m.HeadNodePublicIP, m.SSHCommand = types.StringValue(""), types.StringValue(""), types.StringValue(""), types.StringValue("")
	if h := cl.HeadNode; h != nil {
		m.HeadNodeInstanceID = types.StringValue(h.InstanceID)
		m.HeadNodePrivateIP = types.StringValue(h.PrivateIPAddress)
		m.HeadNodePublicIP = types.StringValue(h.PublicIPAddress)
		m.SSHCommand = types.StringValue(sshCommand(m.OS.ValueString(), m.keyName(), h))
	}
}

func (m *clusterModel) keyName() string {
	if m.HeadNode == nil {
		return ""
	}
	return m.HeadNode.KeyName.ValueString()
}

func sshCommand(os, keyName string, h *HeadNode) string {
	user := osUsers[os]
	if user == "" {
		user = "ec2-user"
	}
	host := h.PublicIPAddress
	if host == "" {
		host = h.PrivateIPAddress
	}
	var b strings.Builder
	b.WriteString("ssh ")
	if keyName != "" {
		fmt.Fprintf(&b, "-i ~/.ssh/%s.pem ", keyName)
	}
	fmt.Fprintf(&b, "%s@%s", user, host)
	return b.String()
}

// nullComputed sets unknown computed attributes to null (a failed create saves what it knows).
func (m *clusterModel) nullComputed() {
	for _, p := range []*types.String{&m.CloudFormationStackARN, &m.ComputeFleetStatus, &m.HeadNodeInstanceID, &m.HeadNodePrivateIP, &m.HeadNodePublicIP, &m.ID, &m.Region, &m.SSHCommand, &m.Status, &m.Version} {
		if p.IsUnknown() {
			*p = types.StringNull()
		}
	}
	if m.ClusterConfiguration.IsUnknown() {
		m.ClusterConfiguration = YAMLNull()
	}
}

// flattenTags sets tags from the cluster's tags, leaving out the ownership tag, ParallelCluster's own
// and the provider's default tags.
func (m *clusterModel) flattenTags(ctx context.Context, remote map[string]string, c *conns.Client) diag.Diagnostics {
	own := map[string]string{}
	for k, v := range remote {
		if owner.IsOwnTag(k) || strings.HasPrefix(k, ReservedTagPrefix) {
			continue
		}
		own[k] = v
	}
	var defaults map[string]string
	if c != nil {
		defaults = c.DefaultTags
	}
	t, diags := framework.FlattenTags(ctx, own, m.Tags, defaults)
	m.Tags = t
	return diags
}

func stringsValue(ctx context.Context, in []string, diags *diag.Diagnostics, set bool) (types.List, types.Set) {
	if len(in) == 0 {
		return types.ListNull(types.StringType), types.SetNull(types.StringType)
	}
	if set {
		v, d := types.SetValueFrom(ctx, types.StringType, in)
		diags.Append(d...)
		return types.ListNull(types.StringType), v
	}
	v, d := types.ListValueFrom(ctx, types.StringType, in)
	diags.Append(d...)
	return v, types.SetNull(types.StringType)
}

func optString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// flattenSpec sets the typed arguments from a configuration read back from ParallelCluster (import).
func (m *clusterModel) flattenSpec(ctx context.Context, s ClusterSpec) diag.Diagnostics {
	var diags diag.Diagnostics
	m.OS, m.CustomAMI = types.StringValue(s.OS), optString(s.CustomAMI)
	if s.Region != "" {
		m.Region = types.StringValue(s.Region)
	}
	h := s.HeadNode
	m.HeadNode = &headNodeModel{InstanceType: types.StringValue(h.InstanceType), SubnetID: types.StringValue(h.SubnetID), KeyName: optString(h.KeyName), RootVolumeSizeGiB: types.Int64Null()}
	if h.RootVolumeSizeGiB > 0 {
		m.HeadNode.RootVolumeSizeGiB = types.Int64Value(h.RootVolumeSizeGiB)
	}
	_, m.HeadNode.AdditionalSecurityGroupIDs = stringsValue(ctx, h.AdditionalSecurityGroupIDs, &diags, true)
	_, m.HeadNode.AdditionalIAMPolicies = stringsValue(ctx, h.AdditionalIAMPolicies, &diags, true)
	m.Slurm = &slurmModel{ScaledownIdleMinutes: types.Int64Value(s.Slurm.ScaledownIdleMinutes), QueueUpdateStrategy: optString(s.Slurm.QueueUpdateStrategy)}
	m.Queues = nil
	for _, q := range s.Queues {
		qm := queueModel{Name: types.StringValue(q.Name), CapacityType: optString(q.CapacityType)}
		qm.SubnetIDs, _ = stringsValue(ctx, q.SubnetIDs, &diags, false)
		if pg := q.PlacementGroup; pg != nil {
			qm.PlacementGroup = &placementGroupModel{Enabled: types.BoolValue(pg.Enabled), ID: optString(pg.ID)}
		}
		for _, cr := range q.ComputeResources {
			crm := computeResourceModel{Name: types.StringValue(cr.Name), InstanceType: optString(cr.InstanceType), MinCount: types.Int64Value(cr.MinCount), MaxCount: types.Int64Value(cr.MaxCount), DisableSMT: types.BoolNull()}
			crm.Instances, _ = stringsValue(ctx, cr.Instances, &diags, false)
			if cr.DisableSimultaneousMultithreading {
				crm.DisableSMT = types.BoolValue(true)
			}
			if cr.EFA != nil {
				crm.EFA = &efaModel{Enabled: types.BoolValue(cr.EFA.Enabled), GDRSupport: types.BoolValue(cr.EFA.GDRSupport)}
			}
			qm.ComputeResources = append(qm.ComputeResources, crm)
		}
		m.Queues = append(m.Queues, qm)
	}
	m.SharedStorage = nil
	for _, st := range s.SharedStorage {
		sm := sharedStorageModel{Name: types.StringValue(st.Name), MountDir: types.StringValue(st.MountDir)}
		switch {
		case st.FSxLustreFileSystemID != "":
			sm.FSxLustre = &fsIDModel{FileSystemID: types.StringValue(st.FSxLustreFileSystemID)}
		case st.EFSFileSystemID != "":
			sm.EFS = &fsIDModel{FileSystemID: types.StringValue(st.EFSFileSystemID)}
		case st.EBS != nil:
			sm.EBS = &ebsModel{VolumeID: optString(st.EBS.VolumeID), SizeGiB: types.Int64Null()}
			if st.EBS.SizeGiB > 0 {
				sm.EBS.SizeGiB = types.Int64Value(st.EBS.SizeGiB)
			}
		}
		m.SharedStorage = append(m.SharedStorage, sm)
	}
	return diags
}
