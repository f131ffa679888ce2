// SPDX-License-Identifier: MPL-2.0

package efa

// Creates that are safe to repeat. EC2 security groups, placement groups and launch templates take no
// idempotency token, so every part of a network carries the provider's ownership tags (package owner)
// and each create looks first: a part this network made in an interrupted create (a crash, or a lost
// answer whose retry met InvalidGroup.Duplicate, InvalidPlacementGroup.Duplicate or
// InvalidLaunchTemplateName.AlreadyExistsException) is adopted, not made again; a part of that name
// that is not this network's is an error that names it. The security group is the network's main
// object: it carries rayhpc:create=pending until the create has finished, so a finished network of the
// same name (another configuration's) is refused, not adopted.

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/awserr"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

const (
	resourceType       = "rayhpc_efa_network"
	partSecurityGroup  = "security-group"
	partPlacementGroup = "placement-group"
	partLaunchTemplate = "launch-template"
)

// efaGroupDescriptionPrefix starts the description Create gives the EFA security group.
const efaGroupDescriptionPrefix = "EFA: "

// ownerOf is the ownership identity of a network.
func ownerOf(name string) owner.ID { return owner.New(resourceType, name) }

// notOurs says a part of this name exists that no interrupted create of this network made.
func notOurs(what, name string) error {
	return fmt.Errorf("a %s named %q already exists and is not this EFA network's (it lacks the %s tag of %s): choose another name, or delete or import it",
		what, name, owner.TagOwner, resourceType)
}

// ensureSecurityGroup finds or creates the network's security group (pending until the create finishes).
func ensureSecurityGroup(ctx context.Context, conn *ec2.Client, id owner.ID, spec NetworkSpec, vpcID string) (string, bool, error) {
	find := func(ctx context.Context) (string, bool, error) {
		sg, err := findSecurityGroupByName(ctx, conn, vpcID, spec.Name)
		switch {
		case wait.NotFound(err):
			return "", false, nil
		case err != nil:
			return "", false, err
		}
		tags := conns.EC2TagMap(sg.Tags)
		if !id.Owns(tags, partSecurityGroup) {
			return "", false, notOurs("security group", spec.Name)
		}
		if err := id.Adoptable(tags, "EFA security group "+aws.ToString(sg.GroupId)); err != nil {
			return "", false, err
		}
		return aws.ToString(sg.GroupId), true, nil
	}
	create := func(ctx context.Context) (string, error) {
		out, err := conn.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			GroupName:         aws.String(spec.Name),
			Description:       aws.String(efaGroupDescriptionPrefix + "all traffic to and from itself (rayhpc_efa_network " + spec.Name + ")"),
			VpcId:             aws.String(vpcID),
			TagSpecifications: conns.EC2TagSpecs(ec2types.ResourceTypeSecurityGroup, owner.With(spec.Tags, id.PendingTags(partSecurityGroup))),
		})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.GroupId), nil
	}
	return owner.FindOrCreate(ctx, find, create, func(err error) bool { return awserr.Is(err, "InvalidGroup.Duplicate") })
}

// ensurePlacementGroup finds or creates the network's cluster placement group.
func ensurePlacementGroup(ctx context.Context, conn *ec2.Client, id owner.ID, spec NetworkSpec) (bool, error) {
	find := func(ctx context.Context) (string, bool, error) {
		pg, err := findPlacementGroup(ctx, conn, spec.Name)
		switch {
		case wait.NotFound(err):
			return "", false, nil
		case err != nil:
			return "", false, err
		}
		if !id.Owns(conns.EC2TagMap(pg.Tags), partPlacementGroup) {
			return "", false, notOurs("placement group", spec.Name)
		}
		return spec.Name, true, nil
	}
	create := func(ctx context.Context) (string, error) {
		_, err := conn.CreatePlacementGroup(ctx, &ec2.CreatePlacementGroupInput{
			GroupName:         aws.String(spec.Name),
			Strategy:          ec2types.PlacementStrategyCluster,
			TagSpecifications: conns.EC2TagSpecs(ec2types.ResourceTypePlacementGroup, owner.With(spec.Tags, id.Tags(partPlacementGroup))),
		})
		return spec.Name, err
	}
	_, adopted, err := owner.FindOrCreate(ctx, find, create, func(err error) bool { return awserr.Is(err, "InvalidPlacementGroup.Duplicate") })
	return adopted, err
}

// ensureLaunchTemplate finds or creates the network's launch template.
func ensureLaunchTemplate(ctx context.Context, conn *ec2.Client, id owner.ID, spec NetworkSpec, data *ec2types.RequestLaunchTemplateData, version string) (*ec2types.LaunchTemplate, bool, error) {
	find := func(ctx context.Context) (*ec2types.LaunchTemplate, bool, error) {
		lt, err := findLaunchTemplate(ctx, conn, "", spec.Name)
		switch {
		case wait.NotFound(err):
			return nil, false, nil
		case err != nil:
			return nil, false, err
		}
		if !id.Owns(conns.EC2TagMap(lt.Tags), partLaunchTemplate) {
			return nil, false, notOurs("launch template", spec.Name)
		}
		return lt, true, nil
	}
	create := func(ctx context.Context) (*ec2types.LaunchTemplate, error) {
		out, err := conn.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{
			LaunchTemplateName: aws.String(spec.Name),
			LaunchTemplateData: data,
			VersionDescription: aws.String(version),
			TagSpecifications:  conns.EC2TagSpecs(ec2types.ResourceTypeLaunchTemplate, owner.With(spec.Tags, id.Tags(partLaunchTemplate))),
		})
		if err != nil {
			return nil, err
		}
		return out.LaunchTemplate, nil
	}
	return owner.FindOrCreate(ctx, find, create, func(err error) bool {
		return awserr.Is(err, "InvalidLaunchTemplateName.AlreadyExistsException")
	})
}

// finishCreate removes the pending mark from the network's main object: the create has finished.
func finishCreate(ctx context.Context, conn *ec2.Client, sgID string) error {
	_, err := conn.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{sgID}, Tags: []ec2types.Tag{{Key: aws.String(owner.TagCreate)}}})
	return err
}

// RepairNetwork makes again the placement group and launch template of a network whose security group
// still exists (ReadNetwork listed them in Missing), keeping the group: instances, file systems and
// other groups' rules that refer to the group keep working, and EC2 would refuse to delete a group that
// is in use (DependencyViolation; Amazon EC2 API Reference, DeleteSecurityGroup). A network without its
// security group cannot be repaired: it is replaced. The parts are looked for first, as in a create.
func RepairNetwork(ctx context.Context, c *conns.Client, n *Network, spec NetworkSpec) (*Network, error) {
	if n.SecurityGroupID == "" {
		return n, fmt.Errorf("EFA network (%s) has no security group left to repair around: replace it", spec.Name)
	}
	conn := c.EC2()
	r, err := resolve(ctx, conn, spec, true)
	if err != nil {
		return n, err
	}
	out := *n
	id := ownerOf(spec.Name)
	if spec.PlacementStrategy == strategyCluster && n.PlacementGroupName == "" {
		if _, err := ensurePlacementGroup(ctx, conn, id, spec); err != nil {
			return &out, fmt.Errorf("creating cluster placement group: %w", err)
		}
		out.PlacementGroupName = spec.Name
	}
	if n.LaunchTemplateID == "" {
		lt, _, err := ensureLaunchTemplate(ctx, conn, id, spec, launchTemplateData(spec, r, n.SecurityGroupID, out.PlacementGroupName), r.Type.Name)
		if err != nil {
			return &out, fmt.Errorf("creating launch template: %w", err)
		}
		out.LaunchTemplateID = aws.ToString(lt.LaunchTemplateId)
		out.LaunchTemplateLatestVersion = aws.ToInt64(lt.LatestVersionNumber)
	}
	out.Missing = nil
	return &out, nil
}
