// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"
	"encoding/base64"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
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

// launchTemplateInput is everything a launch template version is built from.
type launchTemplateInput struct {
	InstanceType       string
	SubnetID           string
	SecurityGroupID    string
	AdditionalGroups   []string
	PlacementGroupName string
	Layout             []efaInterfaceSpec
	Settings           *launchTemplateModel
	RootDeviceName     string // from the AMI, when a root volume size is set
}

// expandLaunchTemplateData builds the launch template data of a version.
func expandLaunchTemplateData(in launchTemplateInput) *ec2types.RequestLaunchTemplateData {
	groups := append([]string{in.SecurityGroupID}, in.AdditionalGroups...)
	data := &ec2types.RequestLaunchTemplateData{
		InstanceType:      ec2types.InstanceType(in.InstanceType),
		NetworkInterfaces: expandNetworkInterfaces(in.Layout, in.SubnetID, groups),
	}
	if in.PlacementGroupName != "" {
		data.Placement = &ec2types.LaunchTemplatePlacementRequest{GroupName: aws.String(in.PlacementGroupName)}
	}
	if s := in.Settings; s != nil {
		if v := s.ImageID.ValueString(); v != "" {
			data.ImageId = aws.String(v)
		}
		if v := s.KeyName.ValueString(); v != "" {
			data.KeyName = aws.String(v)
		}
		if v := s.UserData.ValueString(); v != "" {
			data.UserData = aws.String(base64.StdEncoding.EncodeToString([]byte(v)))
		}
		if v := s.IAMInstanceProfile.ValueString(); v != "" {
			if strings.HasPrefix(v, "arn:") {
				data.IamInstanceProfile = &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Arn: aws.String(v)}
			} else {
				data.IamInstanceProfile = &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String(v)}
			}
		}
		if !s.RootVolumeSizeGiB.IsNull() && !s.RootVolumeSizeGiB.IsUnknown() && in.RootDeviceName != "" {
			data.BlockDeviceMappings = []ec2types.LaunchTemplateBlockDeviceMappingRequest{{
				DeviceName: aws.String(in.RootDeviceName),
				Ebs: &ec2types.LaunchTemplateEbsBlockDeviceRequest{
					VolumeSize:          aws.Int32(int32(s.RootVolumeSizeGiB.ValueInt64())),
					VolumeType:          ec2types.VolumeTypeGp3,
					DeleteOnTermination: aws.Bool(true),
				},
			}}
		}
	}
	return data
}

// flattenLaunchTemplateData reads a launch template version back into the model: instance type,
// subnet, security groups, placement group, EFA interface count and the launch template settings.
func (m *networkModel) flattenLaunchTemplateData(ctx context.Context, d *ec2types.ResponseLaunchTemplateData) diag.Diagnostics {
	var diags diag.Diagnostics
	if d == nil {
		return diags
	}
	m.InstanceType = types.StringValue(string(d.InstanceType))
	efa := 0
	for _, ni := range d.NetworkInterfaces {
		if aws.ToString(ni.InterfaceType) == "efa" {
			efa++
		}
	}
	m.EFAInterfaceCount = types.Int64Value(int64(efa))
	if len(d.NetworkInterfaces) > 0 {
		ni := d.NetworkInterfaces[0]
		if v := aws.ToString(ni.SubnetId); v != "" {
			m.SubnetID = types.StringValue(v)
		}
		if len(ni.Groups) > 0 {
			m.SecurityGroupID = types.StringValue(ni.Groups[0])
			extra := append([]string(nil), ni.Groups[1:]...)
			if len(extra) == 0 {
				m.AdditionalSecurityGroupIDs = types.SetNull(types.StringType)
			} else {
				sort.Strings(extra)
				v, d := types.SetValueFrom(ctx, types.StringType, extra)
				diags.Append(d...)
				m.AdditionalSecurityGroupIDs = v
			}
		}
	}
	pg := ""
	if d.Placement != nil {
		pg = aws.ToString(d.Placement.GroupName)
	}
	m.PlacementGroupName = types.StringValue(pg)
	if pg == "" {
		m.PlacementStrategy = types.StringValue(strategyNone)
	} else {
		m.PlacementStrategy = types.StringValue(strategyCluster)
	}

	lt := launchTemplateModel{
		IAMInstanceProfile: types.StringNull(),
		ImageID:            stringOrNull(aws.ToString(d.ImageId)),
		KeyName:            stringOrNull(aws.ToString(d.KeyName)),
		RootVolumeSizeGiB:  types.Int64Null(),
		UserData:           types.StringNull(),
	}
	if p := d.IamInstanceProfile; p != nil {
		if v := aws.ToString(p.Arn); v != "" {
			lt.IAMInstanceProfile = types.StringValue(v)
		} else if v := aws.ToString(p.Name); v != "" {
			lt.IAMInstanceProfile = types.StringValue(v)
		}
	}
	if v := aws.ToString(d.UserData); v != "" {
		if b, err := base64.StdEncoding.DecodeString(v); err == nil {
			lt.UserData = types.StringValue(string(b))
		} else {
			lt.UserData = types.StringValue(v)
		}
	}
	for _, bdm := range d.BlockDeviceMappings {
		if bdm.Ebs != nil && bdm.Ebs.VolumeSize != nil {
			lt.RootVolumeSizeGiB = types.Int64Value(int64(aws.ToInt32(bdm.Ebs.VolumeSize)))
			break
		}
	}
	if lt.IAMInstanceProfile.IsNull() && lt.ImageID.IsNull() && lt.KeyName.IsNull() && lt.RootVolumeSizeGiB.IsNull() && lt.UserData.IsNull() {
		m.LaunchTemplate = types.ObjectNull(launchTemplateAttrTypes)
		return diags
	}
	v, d2 := types.ObjectValueFrom(ctx, launchTemplateAttrTypes, lt)
	diags.Append(d2...)
	m.LaunchTemplate = v
	return diags
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func ec2Tags(tags map[string]string) []ec2types.Tag {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]ec2types.Tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

func tagSpec(resourceType ec2types.ResourceType, tags map[string]string) []ec2types.TagSpecification {
	return []ec2types.TagSpecification{{ResourceType: resourceType, Tags: ec2Tags(tags)}}
}
