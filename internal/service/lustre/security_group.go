// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/awserr"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// Lustre network ports (FSx for Lustre User Guide, "File system access control with Amazon VPC": inbound
// TCP 988 and 1018-1023 from the security groups of the clients and from the file system's own group).
var lustrePorts = [][2]int32{{988, 988}, {1018, 1023}}

// fileSystemTagKey marks a security group the workspace created with its file system's ID, so that an
// imported workspace finds its group again.
const fileSystemTagKey = "rayhpc:lustre-file-system-id"

// sgDeleteTimeout bounds retries of DeleteSecurityGroup while the file system's network interfaces are
// still being released (DependencyViolation).
const sgDeleteTimeout = 10 * time.Minute

// LustreIngress returns the ingress permissions of a Lustre security group: TCP 988 and 1018-1023 from
// the group itself, from each allowed group and from each allowed CIDR block.
func LustreIngress(selfID string, allowedGroups, allowedCIDRs []string) []ec2types.IpPermission {
	groups := append([]string{selfID}, allowedGroups...)
	var out []ec2types.IpPermission
	for _, pr := range lustrePorts {
		p := ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(pr[0]), ToPort: aws.Int32(pr[1])}
		for _, g := range groups {
			p.UserIdGroupPairs = append(p.UserIdGroupPairs, ec2types.UserIdGroupPair{GroupId: aws.String(g), Description: aws.String("Lustre traffic")})
		}
		for _, c := range allowedCIDRs {
			p.IpRanges = append(p.IpRanges, ec2types.IpRange{CidrIp: aws.String(c), Description: aws.String("Lustre traffic")})
		}
		out = append(out, p)
	}
	return out
}

// createSecurityGroup creates the workspace's security group in the subnet's VPC with the Lustre rules.
func createSecurityGroup(ctx context.Context, conn *ec2.Client, name, subnetID string, tags map[string]string, allowedGroups, allowedCIDRs []string) (string, error) {
	sn, err := conn.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{subnetID}})
	if err != nil {
		return "", fmt.Errorf("reading subnet %s: %w", subnetID, err)
	}
	if len(sn.Subnets) == 0 {
		return "", fmt.Errorf("subnet %s not found", subnetID)
	}
	vpcID := aws.ToString(sn.Subnets[0].VpcId)
	out, err := conn.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName:         aws.String(fmt.Sprintf("%s-lustre-%d", name, time.Now().UnixNano())),
		Description:       aws.String(fmt.Sprintf("Lustre traffic (TCP 988, 1018-1023) for workspace %s", name)),
		VpcId:             aws.String(vpcID),
		TagSpecifications: conns.EC2TagSpecs(ec2types.ResourceTypeSecurityGroup, tags),
	})
	if err != nil {
		return "", fmt.Errorf("creating security group in %s: %w", vpcID, err)
	}
	id := aws.ToString(out.GroupId)
	if _, err := conn.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: aws.String(id), IpPermissions: LustreIngress(id, allowedGroups, allowedCIDRs),
	}); err != nil {
		return id, fmt.Errorf("authorizing Lustre ingress on %s: %w", id, err)
	}
	return id, nil
}

// updateSecurityGroupRules replaces the allowed groups and CIDR blocks of the workspace's group.
func updateSecurityGroupRules(ctx context.Context, conn *ec2.Client, id string, oldGroups, oldCIDRs, newGroups, newCIDRs []string) error {
	addG, delG := diffStrings(oldGroups, newGroups)
	addC, delC := diffStrings(oldCIDRs, newCIDRs)
	if len(delG)+len(delC) > 0 {
		perms := stripSelf(LustreIngress(id, delG, delC))
		if _, err := conn.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: perms}); err != nil && !awserr.Is(err, "InvalidPermission.NotFound") {
			return fmt.Errorf("revoking Lustre ingress on %s: %w", id, err)
		}
	}
	if len(addG)+len(addC) > 0 {
		perms := stripSelf(LustreIngress(id, addG, addC))
		if _, err := conn.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: perms}); err != nil && !awserr.Is(err, "InvalidPermission.Duplicate") {
			return fmt.Errorf("authorizing Lustre ingress on %s: %w", id, err)
		}
	}
	return nil
}

// stripSelf drops the self-reference (always the first group pair) from permissions.
func stripSelf(perms []ec2types.IpPermission) []ec2types.IpPermission {
	for i := range perms {
		perms[i].UserIdGroupPairs = perms[i].UserIdGroupPairs[1:]
	}
	return perms
}

// readSecurityGroupRules returns the other groups and CIDR blocks allowed on port 988, or found=false
// when the group is gone.
func readSecurityGroupRules(ctx context.Context, conn *ec2.Client, id string) (groups, cidrs []string, found bool, err error) {
	out, err := conn.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	if awserr.Is(err, "InvalidGroup.NotFound") {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	if len(out.SecurityGroups) == 0 {
		return nil, nil, false, nil
	}
	for _, p := range out.SecurityGroups[0].IpPermissions {
		if aws.ToInt32(p.FromPort) != 988 {
			continue
		}
		for _, g := range p.UserIdGroupPairs {
			if gid := aws.ToString(g.GroupId); gid != id && !slices.Contains(groups, gid) {
				groups = append(groups, gid)
			}
		}
		for _, r := range p.IpRanges {
			if c := aws.ToString(r.CidrIp); !slices.Contains(cidrs, c) {
				cidrs = append(cidrs, c)
			}
		}
	}
	sort.Strings(groups)
	sort.Strings(cidrs)
	return groups, cidrs, true, nil
}

// findSecurityGroupByFileSystem finds the group a workspace created for a file system (import).
func findSecurityGroupByFileSystem(ctx context.Context, conn *ec2.Client, fsID string) (string, error) {
	out, err := conn.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag:" + fileSystemTagKey), Values: []string{fsID}},
	}})
	if err != nil {
		return "", err
	}
	if len(out.SecurityGroups) == 0 {
		return "", nil
	}
	return aws.ToString(out.SecurityGroups[0].GroupId), nil
}

func tagSecurityGroup(ctx context.Context, conn *ec2.Client, id, fsID string) error {
	_, err := conn.CreateTags(ctx, &ec2.CreateTagsInput{
		Resources: []string{id}, Tags: []ec2types.Tag{{Key: aws.String(fileSystemTagKey), Value: aws.String(fsID)}},
	})
	return err
}

// deleteSecurityGroup deletes the workspace's group, retrying while network interfaces still use it.
func deleteSecurityGroup(ctx context.Context, conn *ec2.Client, id string) error {
	inUse := func(err error) bool { return awserr.Is(err, "DependencyViolation") }
	return wait.RetryWhile(ctx, sgDeleteTimeout, inUse, func(ctx context.Context) error {
		_, err := conn.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
		if awserr.Is(err, "InvalidGroup.NotFound") {
			return nil
		}
		return err
	})
}

// diffStrings returns what b adds to a and what it removes.
func diffStrings(a, b []string) (add, del []string) {
	for _, x := range b {
		if !slices.Contains(a, x) {
			add = append(add, x)
		}
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			del = append(del, x)
		}
	}
	return add, del
}
