// SPDX-License-Identifier: MPL-2.0

// Package efa holds the EFA building blocks: the rayhpc_efa_network resource (cluster placement
// group, EFA security group, launch template with one EFA interface per network card) and the
// rayhpc_efa_instance_types data source.
package efa

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/awserr"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// NetworkSpec is everything a user asks of an EFA network.
type NetworkSpec struct {
	Name                       string
	SubnetID                   string
	InstanceType               string
	PlacementStrategy          string   // strategyCluster or strategyNone
	AdditionalSecurityGroupIDs []string // sorted
	LaunchTemplate             *LaunchTemplateSettings
	Tags                       map[string]string // the complete tag set: provider defaults, own tags, Name
}

// LaunchTemplateSettings are the launch template settings besides the network interfaces and placement.
type LaunchTemplateSettings struct {
	IAMInstanceProfile string // name or ARN
	ImageID            string
	KeyName            string
	RootVolumeSizeGiB  int32 // 0: not set
	UserData           string
}

// Network is what exists of an EFA network, with every part's ID ("" for a part that does not exist).
type Network struct {
	Name                        string
	SubnetID                    string
	VPCID                       string
	AvailabilityZone            string
	InstanceType                string
	PlacementStrategy           string
	PlacementGroupName          string
	SecurityGroupID             string
	LaunchTemplateID            string
	LaunchTemplateLatestVersion int64
	AdditionalSecurityGroupIDs  []string
	LaunchTemplate              *LaunchTemplateSettings
	EFAInterfaceCount           int
	GPUCount                    int               // -1: not known
	Tags                        map[string]string // the security group's tags, as read (nil: not read)
	Missing                     []string          // parts found deleted outside Terraform (ReadNetwork)
}

// hasParts reports whether any part of the network exists.
func (n *Network) hasParts() bool {
	return n != nil && (n.PlacementGroupName != "" || n.SecurityGroupID != "" || n.LaunchTemplateID != "")
}

// resolved is what a create or a new launch template version needs from EC2: the instance type (for
// the interface layout), the subnet's VPC and Availability Zone, the AMI's root device name.
type resolved struct {
	Type           typeInfo
	VPCID          string
	AZ             string
	RootDeviceName string
}

func resolve(ctx context.Context, conn *ec2.Client, spec NetworkSpec, needSubnet bool) (resolved, error) {
	var r resolved
	ti, err := findInstanceType(ctx, conn, spec.InstanceType)
	if err != nil {
		return r, err
	}
	if !ti.EFASupported {
		return r, fmt.Errorf("instance type %s does not support EFA", ti.Name)
	}
	r.Type = ti
	if needSubnet {
		sn, err := findSubnet(ctx, conn, spec.SubnetID)
		if err != nil {
			return r, err
		}
		r.VPCID, r.AZ = aws.ToString(sn.VpcId), aws.ToString(sn.AvailabilityZone)
		// The plan checks this too, but only warns for an existing network (network_plan.go): the
		// apply stops here, before anything changes.
		offered, err := offeredTypes(ctx, conn, r.AZ, spec.InstanceType)
		if err != nil {
			return r, err
		}
		if !offered[spec.InstanceType] {
			return r, fmt.Errorf("instance type %s is not offered in %s, the Availability Zone of subnet %s (DescribeInstanceTypeOfferings)", spec.InstanceType, r.AZ, spec.SubnetID)
		}
	}
	if lt := spec.LaunchTemplate; lt != nil && lt.RootVolumeSizeGiB > 0 && lt.ImageID != "" {
		img, err := findImage(ctx, conn, lt.ImageID)
		if err != nil {
			return r, err
		}
		r.RootDeviceName = aws.ToString(img.RootDeviceName)
	}
	return r, nil
}

// CreateNetwork creates the EFA security group with its rules, the placement group (strategy cluster)
// and the launch template, each tagged with the network's ownership tags and looked for before it is
// created (network_owner.go), so a create interrupted by a crash or a lost answer is adopted by the next
// one. On failure it returns what it created with the error, so the caller can record it: nothing is
// left untracked.
func CreateNetwork(ctx context.Context, c *conns.Client, spec NetworkSpec) (*Network, error) {
	conn := c.EC2()
	r, err := resolve(ctx, conn, spec, true)
	if err != nil {
		return nil, fmt.Errorf("%w\nThe instance type, subnet or AMI could not be read; check them and the ec2:Describe* permissions", err)
	}
	n := &Network{
		Name: spec.Name, SubnetID: spec.SubnetID, VPCID: r.VPCID, AvailabilityZone: r.AZ,
		InstanceType: r.Type.Name, PlacementStrategy: spec.PlacementStrategy,
		AdditionalSecurityGroupIDs: spec.AdditionalSecurityGroupIDs, LaunchTemplate: spec.LaunchTemplate,
		EFAInterfaceCount: r.Type.efaInterfaceCount(), GPUCount: r.Type.GPUs, Tags: spec.Tags,
	}
	id := ownerOf(spec.Name)
	// The security group first: it is the network's main object and says whether an earlier create of
	// this network was interrupted (then its parts are adopted) or another network holds the name.
	tflog.Debug(ctx, "creating EFA security group", map[string]any{"vpc_id": r.VPCID})
	sgID, adopted, err := ensureSecurityGroup(ctx, conn, id, spec, r.VPCID)
	if err != nil {
		return n, fmt.Errorf("creating EFA security group: %w", err)
	}
	n.SecurityGroupID = sgID
	if adopted {
		tflog.Info(ctx, "adopted the security group of an interrupted create", map[string]any{"security_group_id": sgID})
	}
	if err := authorizeEFARules(ctx, conn, n.SecurityGroupID); err != nil {
		return n, fmt.Errorf("authorizing EFA security group (%s) rules: %w", n.SecurityGroupID, err)
	}
	if spec.PlacementStrategy == strategyCluster {
		tflog.Debug(ctx, "creating cluster placement group")
		if _, err := ensurePlacementGroup(ctx, conn, id, spec); err != nil {
			return n, fmt.Errorf("creating cluster placement group: %w", err)
		}
		n.PlacementGroupName = spec.Name
	}
	lt, _, err := ensureLaunchTemplate(ctx, conn, id, spec, launchTemplateData(spec, r, n.SecurityGroupID, n.PlacementGroupName), r.Type.Name)
	if err != nil {
		return n, fmt.Errorf("creating launch template: %w", err)
	}
	n.LaunchTemplateID = aws.ToString(lt.LaunchTemplateId)
	n.LaunchTemplateLatestVersion = aws.ToInt64(lt.LatestVersionNumber)
	if err := finishCreate(ctx, conn, n.SecurityGroupID); err != nil {
		return n, fmt.Errorf("marking the network created: %w", err)
	}
	return n, nil
}

func launchTemplateData(spec NetworkSpec, r resolved, sgID, pgName string) *ec2types.RequestLaunchTemplateData {
	return expandLaunchTemplateData(launchTemplateInput{
		InstanceType: r.Type.Name, SubnetID: spec.SubnetID, SecurityGroupID: sgID,
		AdditionalGroups: spec.AdditionalSecurityGroupIDs, PlacementGroupName: pgName, Layout: efaLayout(r.Type),
		Settings: spec.LaunchTemplate, RootDeviceName: r.RootDeviceName,
	})
}

// authorizeEFARules lets all traffic in from and out to the group itself, as EFA requires, and
// makes sure egress to anywhere is allowed (VPC security groups start with that rule).
func authorizeEFARules(ctx context.Context, conn *ec2.Client, sgID string) error {
	self := []ec2types.IpPermission{{IpProtocol: aws.String("-1"), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(sgID)}}}}
	if _, err := conn.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sgID), IpPermissions: self}); err != nil && !awserr.Is(err, "InvalidPermission.Duplicate") {
		return err
	}
	if _, err := conn.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(sgID), IpPermissions: self}); err != nil && !awserr.Is(err, "InvalidPermission.Duplicate") {
		return err
	}
	anywhere := []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}
	if _, err := conn.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(sgID), IpPermissions: anywhere}); err != nil && !awserr.Is(err, "InvalidPermission.Duplicate") {
		return err
	}
	return nil
}

// ReadNetwork reads the network known as prior (by name alone when importing: prior.LaunchTemplateID
// empty). Parts deleted outside Terraform are listed in Missing; when none exists it returns a
// NotFoundError. Facts derived from the instance type and the subnet are read again only when they are
// unknown or the instance type changed.
func ReadNetwork(ctx context.Context, c *conns.Client, prior Network) (*Network, error) {
	conn := c.EC2()
	n := prior
	n.Missing, n.Tags = nil, nil
	if n.PlacementStrategy == "" {
		n.PlacementStrategy = strategyCluster
	}
	if err := readLaunchTemplate(ctx, conn, &n); err != nil {
		return nil, err
	}
	if err := readSecurityGroup(ctx, conn, &n); err != nil {
		return nil, err
	}
	if err := readPlacementGroup(ctx, conn, &n); err != nil {
		return nil, err
	}
	if !n.hasParts() {
		return nil, wait.NewNotFound(fmt.Sprintf("EFA network (%s)", n.Name), nil)
	}
	if err := readDerived(ctx, conn, &n, prior.InstanceType); err != nil {
		return nil, err
	}
	return &n, nil
}

func readLaunchTemplate(ctx context.Context, conn *ec2.Client, n *Network) error {
	lt, err := findLaunchTemplate(ctx, conn, n.LaunchTemplateID, n.Name)
	switch {
	case wait.NotFound(err):
		if n.LaunchTemplateID != "" {
			n.Missing = append(n.Missing, "launch template "+n.LaunchTemplateID)
		}
		n.LaunchTemplateID = ""
		return nil
	case err != nil:
		return err
	}
	n.LaunchTemplateID = aws.ToString(lt.LaunchTemplateId)
	n.LaunchTemplateLatestVersion = aws.ToInt64(lt.LatestVersionNumber)
	v, err := findLaunchTemplateVersion(ctx, conn, n.LaunchTemplateID, "$Default")
	switch {
	case wait.NotFound(err):
		return nil
	case err != nil:
		return err
	}
	flattenLaunchTemplateData(n, v.LaunchTemplateData)
	return nil
}

func readSecurityGroup(ctx context.Context, conn *ec2.Client, n *Network) error {
	if n.SecurityGroupID == "" {
		return nil
	}
	sg, err := findSecurityGroup(ctx, conn, n.SecurityGroupID)
	switch {
	case wait.NotFound(err):
		n.Missing = append(n.Missing, "security group "+n.SecurityGroupID)
		n.SecurityGroupID = ""
		return nil
	case err != nil:
		return err
	}
	n.VPCID = aws.ToString(sg.VpcId)
	// The security group carries the network's tags, as its launch template does (moto does not report
	// tags added to a launch template after its creation; security groups it does).
	n.Tags = owner.WithoutOwnTags(conns.EC2TagMap(sg.Tags))
	return nil
}

func readPlacementGroup(ctx context.Context, conn *ec2.Client, n *Network) error {
	if n.PlacementGroupName == "" {
		return nil
	}
	_, err := findPlacementGroup(ctx, conn, n.PlacementGroupName)
	switch {
	case wait.NotFound(err):
		n.Missing = append(n.Missing, "placement group "+n.PlacementGroupName)
		n.PlacementGroupName = ""
		return nil
	case err != nil:
		return err
	}
	return nil
}

// readDerived fills the GPU count and the subnet's zone and VPC when they are not known, or the
// instance type changed.
func readDerived(ctx context.Context, conn *ec2.Client, n *Network, priorType string) error {
	if n.GPUCount < 0 || n.InstanceType != priorType {
		ti, err := findInstanceType(ctx, conn, n.InstanceType)
		switch {
		case err == nil:
			n.GPUCount = ti.GPUs
		case !wait.NotFound(err):
			return err
		}
	}
	if n.AvailabilityZone == "" {
		sn, err := findSubnet(ctx, conn, n.SubnetID)
		switch {
		case err == nil:
			n.AvailabilityZone, n.VPCID = aws.ToString(sn.AvailabilityZone), aws.ToString(sn.VpcId)
		case !wait.NotFound(err):
			return err
		}
	}
	return nil
}

// launchTemplateChanged reports whether the launch template data differs (a new version is needed).
func launchTemplateChanged(from *Network, to NetworkSpec) bool {
	return from.InstanceType != to.InstanceType || !slices.Equal(from.AdditionalSecurityGroupIDs, to.AdditionalSecurityGroupIDs) ||
		!sameSettings(from.LaunchTemplate, to.LaunchTemplate)
}

func sameSettings(a, b *LaunchTemplateSettings) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// UpdateNetwork brings the network from what it is to what spec asks: a new default launch template
// version when the launch template data changes, and the tags of every part. The name, subnet and
// placement strategy do not change in place.
func UpdateNetwork(ctx context.Context, c *conns.Client, from *Network, spec NetworkSpec) (*Network, error) {
	conn := c.EC2()
	n := *from
	if launchTemplateChanged(from, spec) {
		r, err := resolve(ctx, conn, spec, true)
		if err != nil {
			return from, err
		}
		data := launchTemplateData(spec, r, from.SecurityGroupID, from.PlacementGroupName)
		tflog.Debug(ctx, "creating launch template version", map[string]any{"instance_type": r.Type.Name})
		out, err := conn.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{
			LaunchTemplateId: aws.String(from.LaunchTemplateID), LaunchTemplateData: data, VersionDescription: aws.String(r.Type.Name),
		})
		if err != nil {
			return from, fmt.Errorf("creating launch template version: %w", err)
		}
		version := aws.ToInt64(out.LaunchTemplateVersion.VersionNumber)
		if _, err := conn.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{
			LaunchTemplateId: aws.String(from.LaunchTemplateID), DefaultVersion: aws.String(fmt.Sprint(version)),
		}); err != nil {
			return from, fmt.Errorf("making launch template version %d the default: %w", version, err)
		}
		n.LaunchTemplateLatestVersion = version
		n.InstanceType, n.EFAInterfaceCount, n.GPUCount = r.Type.Name, r.Type.efaInterfaceCount(), r.Type.GPUs
		n.AdditionalSecurityGroupIDs, n.LaunchTemplate = spec.AdditionalSecurityGroupIDs, spec.LaunchTemplate
	}
	if err := updateNetworkTags(ctx, conn, from, spec.Tags); err != nil {
		return &n, fmt.Errorf("updating tags: %w", err)
	}
	n.Tags = spec.Tags
	return &n, nil
}

// updateNetworkTags brings the tags of every part (security group, launch template, placement group,
// tagged by its pg- ID) from from.Tags to want.
func updateNetworkTags(ctx context.Context, conn *ec2.Client, from *Network, want map[string]string) error {
	if remove, set := conns.TagsDiff(from.Tags, want); len(remove) == 0 && len(set) == 0 {
		return nil
	}
	ids := []string{}
	for _, id := range []string{from.SecurityGroupID, from.LaunchTemplateID} {
		if id != "" {
			ids = append(ids, id)
		}
	}
	if from.PlacementGroupName != "" {
		pg, err := findPlacementGroup(ctx, conn, from.PlacementGroupName)
		switch {
		case err == nil && aws.ToString(pg.GroupId) != "":
			ids = append(ids, aws.ToString(pg.GroupId))
		case err != nil && !wait.NotFound(err):
			return err
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return conns.UpdateEC2Tags(ctx, conn, ids, from.Tags, want)
}

// DeleteNetwork deletes the launch template, then the security group and the placement group (each
// retried while instances still use it), and waits until all are gone.
func DeleteNetwork(ctx context.Context, c *conns.Client, n *Network) error {
	conn := c.EC2()
	if id := n.LaunchTemplateID; id != "" {
		_, err := conn.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(id)})
		if err != nil && !awserr.Is(err, notFoundLaunchTemplate...) {
			return fmt.Errorf("deleting launch template (%s): %w", id, err)
		}
	}
	if id := n.SecurityGroupID; id != "" {
		if err := deleteSecurityGroup(ctx, c, id); err != nil {
			return fmt.Errorf("%w\nTerminate the instances that use the security group, then apply again", err)
		}
	}
	if pg := n.PlacementGroupName; pg != "" {
		if err := deletePlacementGroup(ctx, c, pg); err != nil {
			return fmt.Errorf("%w\nTerminate the instances in the placement group, then apply again", err)
		}
	}
	if id := n.LaunchTemplateID; id != "" {
		if err := waitLaunchTemplateDeleted(ctx, c, id); err != nil {
			return fmt.Errorf("waiting for launch template (%s) to be deleted: %w", id, err)
		}
	}
	return nil
}

// deleteSecurityGroup deletes a security group, retrying while network interfaces still use it
// (DependencyViolation), and waits until it is gone.
func deleteSecurityGroup(ctx context.Context, c *conns.Client, id string) error {
	conn := c.EC2()
	err := deleteWhileInUse(ctx, []string{"DependencyViolation", "InvalidGroup.InUse"}, func(ctx context.Context) error {
		_, err := conn.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
		if awserr.Is(err, notFoundSecurityGroup...) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("deleting security group (%s): %w", id, err)
	}
	if err := waitSecurityGroupDeleted(ctx, c, id); err != nil {
		return fmt.Errorf("waiting for security group (%s) to be deleted: %w", id, err)
	}
	return nil
}

// deletePlacementGroup deletes a placement group, retrying while instances are in it
// (InvalidPlacementGroup.InUse), and waits until it is gone.
func deletePlacementGroup(ctx context.Context, c *conns.Client, name string) error {
	conn := c.EC2()
	err := deleteWhileInUse(ctx, []string{"InvalidPlacementGroup.InUse"}, func(ctx context.Context) error {
		_, err := conn.DeletePlacementGroup(ctx, &ec2.DeletePlacementGroupInput{GroupName: aws.String(name)})
		if awserr.Is(err, notFoundPlacementGroup...) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("deleting placement group (%s): %w", name, err)
	}
	if err := waitPlacementGroupDeleted(ctx, c, name); err != nil {
		return fmt.Errorf("waiting for placement group (%s) to be deleted: %w", name, err)
	}
	return nil
}

// deleteWhileInUse calls del until it stops failing with one of the in-use codes. It has no timeout of
// its own: the caller's context deadline bounds it.
func deleteWhileInUse(ctx context.Context, inUse []string, del func(context.Context) error) error {
	return wait.RetryWhile(ctx, 0, func(err error) bool { return awserr.Is(err, inUse...) }, del)
}
