// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"
	"testing"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

// A model expands into a spec, the spec's launch template data reads back (through the API's response
// shape) into a Network, and the Network flattens into the same model.
func TestNetworkExpandFlattenRoundTrip(t *testing.T) {
	ctx := context.Background()
	c := &conns.Client{DefaultTags: map[string]string{"team": "hpc"}}
	lt := launchTemplateModel{
		IAMInstanceProfile: types.StringValue("arn:aws:iam::123456789012:instance-profile/efa"), ImageID: types.StringValue("ami-0123456789abcdef0"),
		KeyName: types.StringNull(), RootVolumeSizeGiB: types.Int64Value(200), UserData: types.StringValue("#!/bin/bash\necho efa"),
	}
	ltObj, d := types.ObjectValueFrom(ctx, launchTemplateAttrTypes, lt)
	if d.HasError() {
		t.Fatal(d)
	}
	groups, _ := types.SetValueFrom(ctx, types.StringType, []string{"sg-0000000000000000b", "sg-0000000000000000a"})
	tags, _ := types.MapValueFrom(ctx, types.StringType, map[string]string{"app": "cfd"})
	in := networkModel{
		Name: types.StringValue("net"), SubnetID: types.StringValue("subnet-01234567"), InstanceType: types.StringValue("c5n.18xlarge"),
		PlacementStrategy: types.StringValue(strategyCluster), AdditionalSecurityGroupIDs: groups, LaunchTemplate: ltObj, Tags: tags,
	}
	spec, d := in.expand(ctx, c)
	if d.HasError() {
		t.Fatal(d)
	}
	if spec.Tags["team"] != "hpc" || spec.Tags["app"] != "cfd" || spec.Tags["Name"] != "net" {
		t.Errorf("tags %v: want the default tag, the own tag and Name", spec.Tags)
	}
	if spec.AdditionalSecurityGroupIDs[0] != "sg-0000000000000000a" {
		t.Errorf("additional groups %v, want them sorted", spec.AdditionalSecurityGroupIDs)
	}

	ti := typeInfo{Name: "c5n.18xlarge", EFASupported: true, MaxEFAInterfaces: 1, NetworkCards: []int{0}}
	req := launchTemplateData(spec, resolved{Type: ti, RootDeviceName: "/dev/xvda"}, "sg-0000000000000000e", "net")
	n := &Network{Name: "net", LaunchTemplateID: "lt-1", SecurityGroupID: "sg-0000000000000000e", GPUCount: 0,
		Tags: map[string]string{"team": "hpc", "app": "cfd", "Name": "net"}}
	flattenLaunchTemplateData(n, responseOf(req))

	out := networkModel{Tags: types.MapNull(types.StringType)}
	if d := out.flatten(ctx, n, c.DefaultTags); d.HasError() {
		t.Fatal(d)
	}
	for name, pair := range map[string][2]any{
		"name":          {in.Name, out.Name},
		"subnet_id":     {in.SubnetID, out.SubnetID},
		"instance_type": {in.InstanceType, out.InstanceType},
		"strategy":      {in.PlacementStrategy, out.PlacementStrategy},
		"groups":        {in.AdditionalSecurityGroupIDs, out.AdditionalSecurityGroupIDs},
		"template":      {in.LaunchTemplate, out.LaunchTemplate},
		"tags":          {in.Tags, out.Tags},
	} {
		if !equalAttr(pair[0], pair[1]) {
			t.Errorf("%s: %v after the round trip, want %v", name, pair[1], pair[0])
		}
	}
	if out.EFAInterfaceCount.ValueInt64() != 1 || out.PlacementGroupName.ValueString() != "net" {
		t.Errorf("efa_interface_count %v, placement_group_name %v", out.EFAInterfaceCount, out.PlacementGroupName)
	}
}

func equalAttr(a, b any) bool {
	switch x := a.(type) {
	case types.String:
		return x.Equal(b.(types.String))
	case types.Set:
		return x.Equal(b.(types.Set))
	case types.Object:
		return x.Equal(b.(types.Object))
	case types.Map:
		return x.Equal(b.(types.Map))
	}
	return false
}

// responseOf turns a launch template request into the shape DescribeLaunchTemplateVersions answers.
func responseOf(r *ec2types.RequestLaunchTemplateData) *ec2types.ResponseLaunchTemplateData {
	out := &ec2types.ResponseLaunchTemplateData{InstanceType: r.InstanceType, ImageId: r.ImageId, KeyName: r.KeyName, UserData: r.UserData}
	if r.Placement != nil {
		out.Placement = &ec2types.LaunchTemplatePlacement{GroupName: r.Placement.GroupName}
	}
	if p := r.IamInstanceProfile; p != nil {
		out.IamInstanceProfile = &ec2types.LaunchTemplateIamInstanceProfileSpecification{Arn: p.Arn, Name: p.Name}
	}
	for _, b := range r.BlockDeviceMappings {
		out.BlockDeviceMappings = append(out.BlockDeviceMappings, ec2types.LaunchTemplateBlockDeviceMapping{
			DeviceName: b.DeviceName, Ebs: &ec2types.LaunchTemplateEbsBlockDevice{VolumeSize: b.Ebs.VolumeSize}})
	}
	for _, ni := range r.NetworkInterfaces {
		out.NetworkInterfaces = append(out.NetworkInterfaces, ec2types.LaunchTemplateInstanceNetworkInterfaceSpecification{
			InterfaceType: ni.InterfaceType, SubnetId: ni.SubnetId, Groups: ni.Groups, NetworkCardIndex: ni.NetworkCardIndex, DeviceIndex: ni.DeviceIndex})
	}
	return out
}
