// SPDX-License-Identifier: MPL-2.0

package hybrid

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/datasync"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
)

type hybridModel struct {
	ID                    types.String   `tfsdk:"id"`
	Name                  types.String   `tfsdk:"name"`
	SubnetID              types.String   `tfsdk:"subnet_id"`
	DataLake              *dataLakeModel `tfsdk:"data_lake"`
	Lustre                *lustreModel   `tfsdk:"lustre"`
	EFA                   *efaModel      `tfsdk:"efa"`
	HPC                   *hpcModel      `tfsdk:"hpc"`
	Ray                   *rayModel      `tfsdk:"ray"`
	Ingest                *ingestModel   `tfsdk:"ingest"`
	Tags                  types.Map      `tfsdk:"tags"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
	ChangedParts          types.List     `tfsdk:"changed_parts"`
	Platforms             types.Object   `tfsdk:"platforms"`
	EFAPlacementGroupName types.String   `tfsdk:"efa_placement_group_name"`
	EFASecurityGroupID    types.String   `tfsdk:"efa_security_group_id"`
	EFALaunchTemplateID   types.String   `tfsdk:"efa_launch_template_id"`
	LustreFileSystemID    types.String   `tfsdk:"lustre_file_system_id"`
	LustreDNSName         types.String   `tfsdk:"lustre_dns_name"`
	LustreMountName       types.String   `tfsdk:"lustre_mount_name"`
	LustreMountCommand    types.String   `tfsdk:"lustre_mount_command"`
	LustreSecurityGroupID types.String   `tfsdk:"lustre_security_group_id"`
	HPCClusterName        types.String   `tfsdk:"hpc_cluster_name"`
	HPCHeadNodePrivateIP  types.String   `tfsdk:"hpc_head_node_private_ip"`
	IngestTaskARN         types.String   `tfsdk:"ingest_task_arn"`
	RayHeadServiceName    types.String   `tfsdk:"ray_head_service_name"`
	RayDashboardURL       types.String   `tfsdk:"ray_dashboard_url"`
	RayClientAddress      types.String   `tfsdk:"ray_client_address"`
	RayLustreClaimName    types.String   `tfsdk:"ray_lustre_claim_name"`
}

type dataLakeModel struct {
	S3URI types.String `tfsdk:"s3_uri"`
}

type efaModel struct {
	InstanceType types.String `tfsdk:"instance_type"`
}

type lustreModel struct {
	DeploymentType           types.String `tfsdk:"deployment_type"`
	StorageType              types.String `tfsdk:"storage_type"`
	StorageCapacityGiB       types.Int64  `tfsdk:"storage_capacity_gib"`
	PerUnitStorageThroughput types.Int64  `tfsdk:"per_unit_storage_throughput"`
	DataCompression          types.String `tfsdk:"data_compression"`
	FileSystemPath           types.String `tfsdk:"file_system_path"`
	MountDir                 types.String `tfsdk:"mount_dir"`
	AutoImport               types.Set    `tfsdk:"auto_import"`
	AutoExport               types.Set    `tfsdk:"auto_export"`
}

type hpcModel struct {
	OS                   types.String `tfsdk:"os"`
	HeadNodeInstanceType types.String `tfsdk:"head_node_instance_type"`
	KeyName              types.String `tfsdk:"key_name"`
	ScaledownIdleMinutes types.Int64  `tfsdk:"scaledown_idle_minutes"`
	Queues               []queueModel `tfsdk:"queue"`
}

type queueModel struct {
	Name         types.String `tfsdk:"name"`
	InstanceType types.String `tfsdk:"instance_type"`
	MinCount     types.Int64  `tfsdk:"min_count"`
	MaxCount     types.Int64  `tfsdk:"max_count"`
	EFA          types.Bool   `tfsdk:"efa"`
	CapacityType types.String `tfsdk:"capacity_type"`
}

type ingestModel struct {
	Source            *sourceModel `tfsdk:"source"`
	Destination       types.String `tfsdk:"destination"`
	DataLakeRoleARN   types.String `tfsdk:"data_lake_role_arn"`
	Subdirectory      types.String `tfsdk:"subdirectory"`
	Schedule          types.String `tfsdk:"schedule"`
	RunOnApply        types.Bool   `tfsdk:"run_on_apply"`
	WaitForCompletion types.Bool   `tfsdk:"wait_for_completion"`
}

type sourceModel struct {
	NFS *nfsModel `tfsdk:"nfs"`
	S3  *s3Model  `tfsdk:"s3"`
}

type nfsModel struct {
	ServerHostname types.String `tfsdk:"server_hostname"`
	Subdirectory   types.String `tfsdk:"subdirectory"`
	AgentARNs      types.List   `tfsdk:"agent_arns"`
}

type s3Model struct {
	BucketARN           types.String `tfsdk:"bucket_arn"`
	Subdirectory        types.String `tfsdk:"subdirectory"`
	BucketAccessRoleARN types.String `tfsdk:"bucket_access_role_arn"`
}

func stringList(ctx context.Context, v interface {
	IsNull() bool
	IsUnknown() bool
	ElementsAs(context.Context, any, bool) diag.Diagnostics
}, diags *diag.Diagnostics) []string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(v.ElementsAs(ctx, &out, false)...)
	slices.Sort(out)
	return out
}

// expand is the spec the model asks for. c supplies the provider's default tags (nil: none, at plan time
// before the provider is configured).
func (m *hybridModel) expand(ctx context.Context, c *conns.Client) (HybridSpec, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := HybridSpec{Name: m.Name.ValueString(), SubnetID: m.SubnetID.ValueString()}
	if m.DataLake != nil {
		s.DataLakeS3URI = m.DataLake.S3URI.ValueString()
	}
	if m.EFA != nil {
		s.EFA.InstanceType = m.EFA.InstanceType.ValueString()
	}
	if l := m.Lustre; l != nil {
		s.Lustre = LustreSpec{
			DeploymentType: l.DeploymentType.ValueString(), StorageType: l.StorageType.ValueString(),
			StorageCapacityGiB: l.StorageCapacityGiB.ValueInt64(), PerUnitStorageThroughput: l.PerUnitStorageThroughput.ValueInt64(),
			DataCompression: l.DataCompression.ValueString(), FileSystemPath: l.FileSystemPath.ValueString(), MountDir: l.MountDir.ValueString(),
			AutoImport: stringList(ctx, l.AutoImport, &diags), AutoExport: stringList(ctx, l.AutoExport, &diags),
		}
	}
	if h := m.HPC; h != nil {
		s.HPC = HPCSpec{OS: h.OS.ValueString(), HeadNodeInstanceType: h.HeadNodeInstanceType.ValueString(), KeyName: h.KeyName.ValueString(),
			ScaledownIdleMinutes: h.ScaledownIdleMinutes.ValueInt64()}
		for _, q := range h.Queues {
			s.HPC.Queues = append(s.HPC.Queues, QueueSpec{Name: q.Name.ValueString(), InstanceType: q.InstanceType.ValueString(),
				MinCount: q.MinCount.ValueInt64(), MaxCount: q.MaxCount.ValueInt64(), EFA: q.EFA.ValueBool(), CapacityType: q.CapacityType.ValueString()})
		}
	}
	s.Ray = m.Ray.expand()
	if in := m.Ingest; in != nil {
		s.Ingest = in.expand(ctx, &diags)
	}
	own := map[string]string{}
	if !m.Tags.IsNull() && !m.Tags.IsUnknown() {
		diags.Append(m.Tags.ElementsAs(ctx, &own, false)...)
	}
	if c != nil {
		s.Tags = c.MergeTags(own)
	} else {
		s.Tags = own
	}
	return s, diags
}

func (in *ingestModel) expand(ctx context.Context, diags *diag.Diagnostics) *IngestSpec {
	out := &IngestSpec{ToDataLake: in.Destination.ValueString() == "data_lake", DataLakeRoleARN: in.DataLakeRoleARN.ValueString(),
		Subdirectory: in.Subdirectory.ValueString(), Schedule: in.Schedule.ValueString(),
		Run: in.RunOnApply.ValueBool(), WaitForCompletion: in.WaitForCompletion.ValueBool()}
	if src := in.Source; src != nil {
		if n := src.NFS; n != nil {
			var agents []string
			diags.Append(n.AgentARNs.ElementsAs(ctx, &agents, false)...)
			out.Source.NFS = &datasync.NFS{ServerHostname: n.ServerHostname.ValueString(), Subdirectory: n.Subdirectory.ValueString(), AgentARNs: agents}
		}
		if b := src.S3; b != nil {
			out.Source.S3 = &datasync.S3{BucketARN: b.BucketARN.ValueString(), Subdirectory: b.Subdirectory.ValueString(),
				BucketAccessRoleARN: b.BucketAccessRoleARN.ValueString()}
		}
	}
	return out
}

// flatten copies the identifiers and addresses of what exists into the model. A part that does not exist
// has null identifiers.
func (m *hybridModel) flatten(h *Hybrid) {
	m.ID = types.StringValue(h.Name)
	var pg, sg, lt string
	if n := h.Network; n != nil {
		pg, sg, lt = n.PlacementGroupName, n.SecurityGroupID, n.LaunchTemplateID
	}
	m.EFAPlacementGroupName, m.EFASecurityGroupID, m.EFALaunchTemplateID = framework.StringOrNull(pg), framework.StringOrNull(sg), framework.StringOrNull(lt)
	var fsID, dns, mount, cmd, lsg string
	if w := h.Workspace; w != nil {
		fsID, lsg = w.ID(), w.SecurityGroupID
		dns, mount = workspaceAddresses(w)
		if dns != "" && mount != "" {
			dir := "/fsx"
			if m.Lustre != nil && m.Lustre.MountDir.ValueString() != "" {
				dir = m.Lustre.MountDir.ValueString()
			}
			cmd = lustre.MountCommand(dns, mount, dir)
		}
	}
	m.LustreFileSystemID, m.LustreDNSName, m.LustreMountName = framework.StringOrNull(fsID), framework.StringOrNull(dns), framework.StringOrNull(mount)
	m.LustreMountCommand, m.LustreSecurityGroupID = framework.StringOrNull(cmd), framework.StringOrNull(lsg)
	var cname, ip string
	if cl := h.Cluster; cl != nil {
		cname = cl.Name
		if cl.HeadNode != nil {
			ip = cl.HeadNode.PrivateIPAddress
		}
	}
	m.HPCClusterName, m.HPCHeadNodePrivateIP = framework.StringOrNull(cname), framework.StringOrNull(ip)
	var task string
	if t := h.Transfer; t != nil {
		task = t.TaskARN
	}
	m.IngestTaskARN = framework.StringOrNull(task)
	m.flattenRay(h)
}

// setPlatforms sets platforms from the spec: the pools that the environment's queues are.
func (m *hybridModel) setPlatforms(s HybridSpec) diag.Diagnostics {
	p := s.Platforms()
	var diags diag.Diagnostics
	list := func(pools []Pool) types.List {
		elems := make([]attr.Value, 0, len(pools))
		for _, pl := range pools {
			o, d := types.ObjectValue(poolType.AttrTypes, map[string]attr.Value{
				"name": types.StringValue(pl.Name), "instance_type": types.StringValue(pl.InstanceType),
				"min_nodes": types.Int64Value(pl.MinNodes), "max_nodes": types.Int64Value(pl.MaxNodes), "efa": types.BoolValue(pl.EFA),
				"spot": types.BoolValue(pl.Spot),
			})
			diags.Append(d...)
			elems = append(elems, o)
		}
		l, d := types.ListValue(poolType, elems)
		diags.Append(d...)
		return l
	}
	o, d := types.ObjectValue(platformsType.AttrTypes, map[string]attr.Value{"hpc": list(p.HPC), "ray": list(p.Ray)})
	diags.Append(d...)
	m.Platforms = o
	return diags
}

func changeList(changes []Change) types.List {
	elems := make([]attr.Value, 0, len(changes))
	for _, c := range changes {
		elems = append(elems, types.StringValue(c.String()))
	}
	return types.ListValueMust(types.StringType, elems)
}
