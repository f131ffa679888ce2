// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/awserr"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

var (
	notFoundInstanceType   = []string{"InvalidInstanceType"}
	notFoundSubnet         = []string{"InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed"}
	notFoundImage          = []string{"InvalidAMIID.NotFound", "InvalidAMIID.Malformed", "InvalidAMIID.Unavailable"}
	notFoundSecurityGroup  = []string{"InvalidGroup.NotFound", "InvalidGroupId.Malformed", "InvalidGroupId.NotFound"}
	notFoundPlacementGroup = []string{"InvalidPlacementGroup.Unknown"}
	notFoundLaunchTemplate = []string{"InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateId.NotFoundException",
		"InvalidLaunchTemplateName.NotFoundException", "InvalidLaunchTemplateId.Malformed"}
)

func findInstanceType(ctx context.Context, conn *ec2.Client, name string) (typeInfo, error) {
	out, err := conn.DescribeInstanceTypes(ctx, &ec2.DescribeInstanceTypesInput{InstanceTypes: []ec2types.InstanceType{ec2types.InstanceType(name)}})
	if awserr.Is(err, notFoundInstanceType...) {
		return typeInfo{}, wait.NewNotFound(fmt.Sprintf("EC2 instance type (%s)", name), err)
	}
	if err != nil {
		return typeInfo{}, err
	}
	for _, it := range out.InstanceTypes {
		if string(it.InstanceType) == name {
			return newTypeInfo(it), nil
		}
	}
	return typeInfo{}, wait.NewNotFound(fmt.Sprintf("EC2 instance type (%s)", name), nil)
}

// listEFATypes lists every EFA-capable instance type, optionally for one architecture.
func listEFATypes(ctx context.Context, conn *ec2.Client, arch string) ([]typeInfo, error) {
	in := &ec2.DescribeInstanceTypesInput{Filters: []ec2types.Filter{
		{Name: aws.String("network-info.efa-supported"), Values: []string{"true"}},
	}}
	if arch != "" {
		in.Filters = append(in.Filters, ec2types.Filter{Name: aws.String("processor-info.supported-architecture"), Values: []string{arch}})
	}
	var out []typeInfo
	p := ec2.NewDescribeInstanceTypesPaginator(conn, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, it := range page.InstanceTypes {
			out = append(out, newTypeInfo(it))
		}
	}
	return out, nil
}

// offeredTypes returns the instance types offered in an Availability Zone.
func offeredTypes(ctx context.Context, conn *ec2.Client, az string, types ...string) (map[string]bool, error) {
	in := &ec2.DescribeInstanceTypeOfferingsInput{
		LocationType: ec2types.LocationTypeAvailabilityZone,
		Filters:      []ec2types.Filter{{Name: aws.String("location"), Values: []string{az}}},
	}
	if len(types) > 0 {
		in.Filters = append(in.Filters, ec2types.Filter{Name: aws.String("instance-type"), Values: types})
	}
	set := map[string]bool{}
	p := ec2.NewDescribeInstanceTypeOfferingsPaginator(conn, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.InstanceTypeOfferings {
			set[string(o.InstanceType)] = true
		}
	}
	return set, nil
}

func findSubnet(ctx context.Context, conn *ec2.Client, id string) (*ec2types.Subnet, error) {
	out, err := conn.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{id}})
	if awserr.Is(err, notFoundSubnet...) {
		return nil, wait.NewNotFound(fmt.Sprintf("EC2 subnet (%s)", id), err)
	}
	if err != nil {
		return nil, err
	}
	if len(out.Subnets) == 0 {
		return nil, wait.NewNotFound(fmt.Sprintf("EC2 subnet (%s)", id), nil)
	}
	return &out.Subnets[0], nil
}

func findImage(ctx context.Context, conn *ec2.Client, id string) (*ec2types.Image, error) {
	out, err := conn.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{id}})
	if awserr.Is(err, notFoundImage...) {
		return nil, wait.NewNotFound(fmt.Sprintf("AMI (%s)", id), err)
	}
	if err != nil {
		return nil, err
	}
	if len(out.Images) == 0 {
		return nil, wait.NewNotFound(fmt.Sprintf("AMI (%s)", id), nil)
	}
	return &out.Images[0], nil
}

func findSecurityGroups(ctx context.Context, conn *ec2.Client, ids []string) ([]ec2types.SecurityGroup, error) {
	out, err := conn.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: ids})
	if awserr.Is(err, notFoundSecurityGroup...) {
		return nil, wait.NewNotFound(fmt.Sprintf("security group (%v)", ids), err)
	}
	if err != nil {
		return nil, err
	}
	if len(out.SecurityGroups) < len(ids) {
		return nil, wait.NewNotFound(fmt.Sprintf("security group (%v)", ids), nil)
	}
	return out.SecurityGroups, nil
}

func findSecurityGroup(ctx context.Context, conn *ec2.Client, id string) (*ec2types.SecurityGroup, error) {
	sgs, err := findSecurityGroups(ctx, conn, []string{id})
	if err != nil {
		return nil, err
	}
	return &sgs[0], nil
}

func findPlacementGroup(ctx context.Context, conn *ec2.Client, name string) (*ec2types.PlacementGroup, error) {
	out, err := conn.DescribePlacementGroups(ctx, &ec2.DescribePlacementGroupsInput{GroupNames: []string{name}})
	if awserr.Is(err, notFoundPlacementGroup...) {
		return nil, wait.NewNotFound(fmt.Sprintf("placement group (%s)", name), err)
	}
	if err != nil {
		return nil, err
	}
	for _, pg := range out.PlacementGroups {
		if aws.ToString(pg.GroupName) == name && pg.State != ec2types.PlacementGroupStateDeleted {
			return &pg, nil
		}
	}
	return nil, wait.NewNotFound(fmt.Sprintf("placement group (%s)", name), nil)
}

// findLaunchTemplate finds a launch template by ID or, when id is empty, by name.
func findLaunchTemplate(ctx context.Context, conn *ec2.Client, id, name string) (*ec2types.LaunchTemplate, error) {
	in := &ec2.DescribeLaunchTemplatesInput{}
	what := fmt.Sprintf("launch template (%s)", id)
	if id != "" {
		in.LaunchTemplateIds = []string{id}
	} else {
		in.LaunchTemplateNames = []string{name}
		what = fmt.Sprintf("launch template (%s)", name)
	}
	out, err := conn.DescribeLaunchTemplates(ctx, in)
	if awserr.Is(err, notFoundLaunchTemplate...) {
		return nil, wait.NewNotFound(what, err)
	}
	if err != nil {
		return nil, err
	}
	if len(out.LaunchTemplates) == 0 {
		return nil, wait.NewNotFound(what, nil)
	}
	return &out.LaunchTemplates[0], nil
}

func findLaunchTemplateVersion(ctx context.Context, conn *ec2.Client, id, version string) (*ec2types.LaunchTemplateVersion, error) {
	out, err := conn.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateId: aws.String(id), Versions: []string{version},
	})
	if awserr.Is(err, append(notFoundLaunchTemplate, "InvalidLaunchTemplateVersion.NotFound")...) {
		return nil, wait.NewNotFound(fmt.Sprintf("launch template (%s) version %s", id, version), err)
	}
	if err != nil {
		return nil, err
	}
	if len(out.LaunchTemplateVersions) == 0 {
		return nil, wait.NewNotFound(fmt.Sprintf("launch template (%s) version %s", id, version), nil)
	}
	return &out.LaunchTemplateVersions[0], nil
}

// findSecurityGroupByName finds the security group of this name in a VPC (names are unique per VPC).
func findSecurityGroupByName(ctx context.Context, conn *ec2.Client, vpcID, name string) (*ec2types.SecurityGroup, error) {
	out, err := conn.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("group-name"), Values: []string{name}},
		{Name: aws.String("vpc-id"), Values: []string{vpcID}},
	}})
	if err != nil {
		return nil, err
	}
	for _, sg := range out.SecurityGroups {
		if aws.ToString(sg.GroupName) == name {
			return &sg, nil
		}
	}
	return nil, wait.NewNotFound(fmt.Sprintf("security group named %s in %s", name, vpcID), nil)
}
