// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
)

type networkModel struct {
	AdditionalSecurityGroupIDs  types.Set      `tfsdk:"additional_security_group_ids"`
	AvailabilityZone            types.String   `tfsdk:"availability_zone"`
	EFAInterfaceCount           types.Int64    `tfsdk:"efa_interface_count"`
	GPUCount                    types.Int64    `tfsdk:"gpu_count"`
	ID                          types.String   `tfsdk:"id"`
	InstanceType                types.String   `tfsdk:"instance_type"`
	LaunchTemplate              types.Object   `tfsdk:"launch_template"`
	LaunchTemplateID            types.String   `tfsdk:"launch_template_id"`
	LaunchTemplateLatestVersion types.Int64    `tfsdk:"launch_template_latest_version"`
	Name                        types.String   `tfsdk:"name"`
	PlacementGroupName          types.String   `tfsdk:"placement_group_name"`
	PlacementStrategy           types.String   `tfsdk:"placement_strategy"`
	SecurityGroupID             types.String   `tfsdk:"security_group_id"`
	SubnetID                    types.String   `tfsdk:"subnet_id"`
	Tags                        types.Map      `tfsdk:"tags"`
	Timeouts                    timeouts.Value `tfsdk:"timeouts"`
	VPCID                       types.String   `tfsdk:"vpc_id"`
}

type launchTemplateModel struct {
	IAMInstanceProfile types.String `tfsdk:"iam_instance_profile"`
	ImageID            types.String `tfsdk:"image_id"`
	KeyName            types.String `tfsdk:"key_name"`
	RootVolumeSizeGiB  types.Int64  `tfsdk:"root_volume_size_gib"`
	UserData           types.String `tfsdk:"user_data"`
}

var launchTemplateAttrTypes = map[string]attr.Type{
	"iam_instance_profile": types.StringType,
	"image_id":             types.StringType,
	"key_name":             types.StringType,
	"root_volume_size_gib": types.Int64Type,
	"user_data":            types.StringType,
}

func (m *networkModel) launchTemplate(ctx context.Context) (*launchTemplateModel, diag.Diagnostics) {
	if m.LaunchTemplate.IsNull() || m.LaunchTemplate.IsUnknown() {
		return nil, nil
	}
	var lt launchTemplateModel
	diags := m.LaunchTemplate.As(ctx, &lt, basetypes.ObjectAsOptions{})
	return &lt, diags
}

func (m *networkModel) additionalGroups(ctx context.Context) ([]string, diag.Diagnostics) {
	if m.AdditionalSecurityGroupIDs.IsNull() || m.AdditionalSecurityGroupIDs.IsUnknown() {
		return nil, nil
	}
	var ids []string
	diags := m.AdditionalSecurityGroupIDs.ElementsAs(ctx, &ids, false)
	sort.Strings(ids)
	return ids, diags
}

func (m *networkModel) tags(ctx context.Context) (map[string]string, diag.Diagnostics) {
	out := map[string]string{}
	if m.Tags.IsNull() || m.Tags.IsUnknown() {
		return out, nil
	}
	diags := m.Tags.ElementsAs(ctx, &out, false)
	return out, diags
}

// allTags is the complete tag set of every part: the provider's default tags, the resource's own, and
// Name (the network's name, unless the configuration sets Name itself).
func (m *networkModel) allTags(ctx context.Context, c *conns.Client) (map[string]string, diag.Diagnostics) {
	own, diags := m.tags(ctx)
	tags := c.MergeTags(own)
	if _, ok := tags["Name"]; !ok {
		tags["Name"] = m.Name.ValueString()
	}
	return tags, diags
}

func (lt *launchTemplateModel) expand() *LaunchTemplateSettings {
	if lt == nil {
		return nil
	}
	s := &LaunchTemplateSettings{
		IAMInstanceProfile: lt.IAMInstanceProfile.ValueString(), ImageID: lt.ImageID.ValueString(),
		KeyName: lt.KeyName.ValueString(), UserData: lt.UserData.ValueString(),
	}
	if !lt.RootVolumeSizeGiB.IsNull() && !lt.RootVolumeSizeGiB.IsUnknown() {
		s.RootVolumeSizeGiB = int32(lt.RootVolumeSizeGiB.ValueInt64())
	}
	if *s == (LaunchTemplateSettings{}) {
		return nil
	}
	return s
}

// expand turns the model into the spec the plain Go layer works from.
func (m *networkModel) expand(ctx context.Context, c *conns.Client) (NetworkSpec, diag.Diagnostics) {
	var diags diag.Diagnostics
	spec := NetworkSpec{
		Name: m.Name.ValueString(), SubnetID: m.SubnetID.ValueString(),
		InstanceType: m.InstanceType.ValueString(), PlacementStrategy: m.PlacementStrategy.ValueString(),
	}
	var d diag.Diagnostics
	spec.AdditionalSecurityGroupIDs, d = m.additionalGroups(ctx)
	diags.Append(d...)
	lt, d := m.launchTemplate(ctx)
	diags.Append(d...)
	spec.LaunchTemplate = lt.expand()
	spec.Tags, d = m.allTags(ctx, c)
	diags.Append(d...)
	return spec, diags
}

// network is what the state knows of the network, as the plain Go layer's Network. Tags are the
// complete tag set the state was applied with.
func (m *networkModel) network(ctx context.Context, c *conns.Client) (*Network, diag.Diagnostics) {
	spec, diags := m.expand(ctx, c)
	n := &Network{
		Name: spec.Name, SubnetID: spec.SubnetID, VPCID: m.VPCID.ValueString(), AvailabilityZone: m.AvailabilityZone.ValueString(),
		InstanceType: spec.InstanceType, PlacementStrategy: spec.PlacementStrategy,
		PlacementGroupName: m.PlacementGroupName.ValueString(), SecurityGroupID: m.SecurityGroupID.ValueString(),
		LaunchTemplateID: m.LaunchTemplateID.ValueString(), LaunchTemplateLatestVersion: m.LaunchTemplateLatestVersion.ValueInt64(),
		AdditionalSecurityGroupIDs: spec.AdditionalSecurityGroupIDs, LaunchTemplate: spec.LaunchTemplate,
		EFAInterfaceCount: int(m.EFAInterfaceCount.ValueInt64()), GPUCount: -1, Tags: spec.Tags,
	}
	if !m.GPUCount.IsNull() && !m.GPUCount.IsUnknown() {
		n.GPUCount = int(m.GPUCount.ValueInt64())
	}
	if n.Name == "" {
		n.Name = m.ID.ValueString()
	}
	return n, diags
}

// flattenComputed copies the attributes the provider computes, leaving what the configuration set as
// planned (Create and Update).
func (m *networkModel) flattenComputed(n *Network) {
	m.ID = types.StringValue(n.Name)
	m.VPCID, m.AvailabilityZone = types.StringValue(n.VPCID), types.StringValue(n.AvailabilityZone)
	m.PlacementGroupName = types.StringValue(n.PlacementGroupName)
	m.SecurityGroupID, m.LaunchTemplateID = types.StringValue(n.SecurityGroupID), types.StringValue(n.LaunchTemplateID)
	m.LaunchTemplateLatestVersion = types.Int64Value(n.LaunchTemplateLatestVersion)
	m.EFAInterfaceCount = types.Int64Value(int64(n.EFAInterfaceCount))
	m.GPUCount = types.Int64Value(int64(max(n.GPUCount, 0)))
}

// flatten copies what exists into the model (Read). Tags come from the security group (n.Tags nil: not
// read), leaving out the implicit Name tag and the provider's default tags.
func (m *networkModel) flatten(ctx context.Context, n *Network, defaults map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	m.flattenComputed(n)
	m.Name, m.SubnetID, m.InstanceType = types.StringValue(n.Name), types.StringValue(n.SubnetID), types.StringValue(n.InstanceType)
	m.PlacementStrategy = types.StringValue(n.PlacementStrategy)
	if len(n.AdditionalSecurityGroupIDs) == 0 {
		m.AdditionalSecurityGroupIDs = types.SetNull(types.StringType)
	} else {
		v, d := types.SetValueFrom(ctx, types.StringType, n.AdditionalSecurityGroupIDs)
		diags.Append(d...)
		m.AdditionalSecurityGroupIDs = v
	}
	diags.Append(m.flattenLaunchTemplate(ctx, n.LaunchTemplate)...)
	if n.Tags != nil {
		remote := make(map[string]string, len(n.Tags))
		for k, v := range n.Tags {
			remote[k] = v
		}
		if own, _ := m.tags(ctx); remote["Name"] == n.Name && own["Name"] == "" {
			delete(remote, "Name")
		}
		tags, d := framework.FlattenTags(ctx, remote, m.Tags, defaults)
		diags.Append(d...)
		m.Tags = tags
	}
	return diags
}

func (m *networkModel) flattenLaunchTemplate(ctx context.Context, s *LaunchTemplateSettings) diag.Diagnostics {
	if s == nil {
		m.LaunchTemplate = types.ObjectNull(launchTemplateAttrTypes)
		return nil
	}
	lt := launchTemplateModel{
		IAMInstanceProfile: framework.StringOrNull(s.IAMInstanceProfile), ImageID: framework.StringOrNull(s.ImageID),
		KeyName: framework.StringOrNull(s.KeyName), UserData: framework.StringOrNull(s.UserData), RootVolumeSizeGiB: types.Int64Null(),
	}
	if s.RootVolumeSizeGiB > 0 {
		lt.RootVolumeSizeGiB = types.Int64Value(int64(s.RootVolumeSizeGiB))
	}
	v, diags := types.ObjectValueFrom(ctx, launchTemplateAttrTypes, lt)
	m.LaunchTemplate = v
	return diags
}
