// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/awserr"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// Lustre network ports [UG-SG]: inbound TCP 988 and 1018-1023 from the security groups of the clients and
// from the file system's own group.
var lustrePorts = [][2]int32{{988, 988}, {1018, 1023}}

// fileSystemTagKey marked, before ownership tags, a security group the workspace created with its file
// system's ID; groups made by older versions are still found by it on import.
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

// efaPermissions is all traffic to or from the group itself, which an EFA-enabled file system's group
// needs inbound and outbound [UG-SG].
func efaPermissions(selfID string) []ec2types.IpPermission {
	return []ec2types.IpPermission{{IpProtocol: aws.String("-1"), UserIdGroupPairs: []ec2types.UserIdGroupPair{
		{GroupId: aws.String(selfID), Description: aws.String("EFA traffic within the file system")},
	}}}
}

var groupNameInvalid = regexp.MustCompile(`[^a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+`)

// groupName is the workspace group's name: deterministic (so that a repeated create gets a Duplicate,
// not a second group) and valid for EC2 (a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*, at most 255),
// with a hash of the owner so that names that differ only in characters EC2 refuses stay apart.
func groupName(o owner.ID) string {
	sum := sha256.Sum256([]byte(o.Value()))
	suffix := "-lustre-" + hex.EncodeToString(sum[:4])
	name := groupNameInvalid.ReplaceAllString(o.Name, "-")
	if len(name) > 255-len(suffix) {
		name = name[:255-len(suffix)]
	}
	return name + suffix
}

// ensureSecurityGroup finds the group this workspace made (an interrupted create, or one whose file
// system was deleted out of band) or creates it, and brings its rules to the spec. created says a group
// was made now; a group made now is deleted again when its rules cannot be set.
func ensureSecurityGroup(ctx context.Context, c *conns.Client, o owner.ID, spec WorkspaceSpec) (id string, created bool, err error) {
	conn := c.EC2()
	sn, err := conn.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{spec.SubnetID}})
	if err != nil {
		return "", false, fmt.Errorf("reading subnet %s: %w", spec.SubnetID, err)
	}
	if len(sn.Subnets) == 0 {
		return "", false, fmt.Errorf("subnet %s not found", spec.SubnetID)
	}
	vpcID := aws.ToString(sn.Subnets[0].VpcId)
	find := func(ctx context.Context) (string, bool, error) {
		groups, err := findOwnedSecurityGroups(ctx, conn, o, vpcID)
		if err != nil {
			return "", false, err
		}
		g, ok, err := owner.One(groups, func(g ec2types.SecurityGroup) string { return aws.ToString(g.GroupId) }, "security group")
		return aws.ToString(g.GroupId), ok, err
	}
	create := func(ctx context.Context) (string, error) {
		out, err := conn.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			GroupName:         aws.String(groupName(o)),
			Description:       aws.String("Lustre traffic (TCP 988, 1018-1023) for workspace " + groupNameInvalid.ReplaceAllString(o.Name, "-")),
			VpcId:             aws.String(vpcID),
			TagSpecifications: conns.EC2TagSpecs(ec2types.ResourceTypeSecurityGroup, groupTags(spec)),
		})
		if err != nil {
			return "", fmt.Errorf("creating security group in %s: %w", vpcID, err)
		}
		return aws.ToString(out.GroupId), nil
	}
	isDuplicate := func(err error) bool { return awserr.Is(err, "InvalidGroup.Duplicate") }
	id, adopted, err := owner.FindOrCreate(ctx, find, create, isDuplicate)
	if err != nil {
		return "", false, err
	}
	if adopted {
		tflog.Info(ctx, "adopting the security group an earlier create of this workspace made", map[string]any{"security_group_id": id})
	}
	if err := setGroupRules(ctx, conn, id, spec); err != nil {
		if !adopted {
			cleanupSecurityGroup(ctx, c, id)
		}
		return "", false, err
	}
	return id, !adopted, nil
}

// groupTags are the tags of the workspace's group: the spec's, a Name, and the ownership tags.
func groupTags(spec WorkspaceSpec) map[string]string {
	t := owner.With(spec.Tags, ownerOf(spec.Name).Tags(partSecurityGroup))
	t[nameTagKey] = spec.Name + "-lustre"
	return t
}

// setGroupRules brings the group's Lustre rules to the spec (adding what is missing, revoking other
// allowed sources an adopted group may have) and, for EFA, adds all traffic to and from itself. A rule
// that exists already (InvalidPermission.Duplicate: the answer to an earlier identical request was lost)
// is fine.
func setGroupRules(ctx context.Context, conn *ec2.Client, id string, spec WorkspaceSpec) error {
	have, found, err := readSecurityGroupRules(ctx, conn, id)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("security group %s not found", id)
	}
	if err := revokeAllowed(ctx, conn, id, have, spec); err != nil {
		return err
	}
	if _, err := conn.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: aws.String(id), IpPermissions: LustreIngress(id, spec.AllowedSecurityGroupIDs, spec.AllowedCIDRBlocks),
	}); err != nil && !awserr.Is(err, "InvalidPermission.Duplicate") {
		return fmt.Errorf("authorizing Lustre ingress on %s: %w", id, err)
	}
	if !spec.EFAEnabled {
		return nil
	}
	if _, err := conn.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: efaPermissions(id)}); err != nil && !awserr.Is(err, "InvalidPermission.Duplicate") {
		return fmt.Errorf("authorizing EFA ingress on %s: %w", id, err)
	}
	if _, err := conn.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(id), IpPermissions: efaPermissions(id)}); err != nil && !awserr.Is(err, "InvalidPermission.Duplicate") {
		return fmt.Errorf("authorizing EFA egress on %s: %w", id, err)
	}
	return nil
}

// revokeAllowed revokes the allowed sources an adopted group has beyond the spec's.
func revokeAllowed(ctx context.Context, conn *ec2.Client, id string, have *AllowedSources, spec WorkspaceSpec) error {
	_, delG := diffStrings(have.SecurityGroupIDs, spec.AllowedSecurityGroupIDs)
	_, delC := diffStrings(have.CIDRBlocks, spec.AllowedCIDRBlocks)
	if len(delG)+len(delC) == 0 {
		return nil
	}
	perms := stripSelf(LustreIngress(id, delG, delC))
	if _, err := conn.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: perms}); err != nil && !awserr.Is(err, "InvalidPermission.NotFound") {
		return fmt.Errorf("revoking Lustre ingress on %s: %w", id, err)
	}
	return nil
}

// updateSecurityGroup moves the workspace's group from one spec to another: its tags and allowed sources.
func updateSecurityGroup(ctx context.Context, c *conns.Client, id string, from, to WorkspaceSpec) error {
	conn := c.EC2()
	if err := conns.UpdateEC2Tags(ctx, conn, []string{id}, groupTags(from), groupTags(to)); err != nil {
		return fmt.Errorf("updating the tags of %s: %w", id, err)
	}
	if sameSet(from.AllowedSecurityGroupIDs, to.AllowedSecurityGroupIDs) && sameSet(from.AllowedCIDRBlocks, to.AllowedCIDRBlocks) {
		return nil
	}
	if err := revokeAllowed(ctx, conn, id, &AllowedSources{SecurityGroupIDs: from.AllowedSecurityGroupIDs, CIDRBlocks: from.AllowedCIDRBlocks}, to); err != nil {
		return err
	}
	addG, _ := diffStrings(from.AllowedSecurityGroupIDs, to.AllowedSecurityGroupIDs)
	addC, _ := diffStrings(from.AllowedCIDRBlocks, to.AllowedCIDRBlocks)
	if len(addG)+len(addC) == 0 {
		return nil
	}
	perms := stripSelf(LustreIngress(id, addG, addC))
	if _, err := conn.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: perms}); err != nil && !awserr.Is(err, "InvalidPermission.Duplicate") {
		return fmt.Errorf("authorizing Lustre ingress on %s: %w", id, err)
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
func readSecurityGroupRules(ctx context.Context, conn *ec2.Client, id string) (allowed *AllowedSources, found bool, err error) {
	out, err := conn.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	if awserr.Is(err, "InvalidGroup.NotFound") {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if len(out.SecurityGroups) == 0 {
		return nil, false, nil
	}
	allowed = &AllowedSources{}
	for _, p := range out.SecurityGroups[0].IpPermissions {
		if aws.ToInt32(p.FromPort) != 988 {
			continue
		}
		for _, g := range p.UserIdGroupPairs {
			if gid := aws.ToString(g.GroupId); gid != id && !slices.Contains(allowed.SecurityGroupIDs, gid) {
				allowed.SecurityGroupIDs = append(allowed.SecurityGroupIDs, gid)
			}
		}
		for _, r := range p.IpRanges {
			if c := aws.ToString(r.CidrIp); !slices.Contains(allowed.CIDRBlocks, c) {
				allowed.CIDRBlocks = append(allowed.CIDRBlocks, c)
			}
		}
	}
	slices.Sort(allowed.SecurityGroupIDs)
	slices.Sort(allowed.CIDRBlocks)
	return allowed, true, nil
}

// SecurityGroupExists reports whether the group exists.
func SecurityGroupExists(ctx context.Context, c *conns.Client, id string) (bool, error) {
	_, found, err := readSecurityGroupRules(ctx, c.EC2(), id)
	return found, err
}

// deleteSecurityGroup deletes the workspace's group, retrying while network interfaces still use it.
func deleteSecurityGroup(ctx context.Context, c *conns.Client, id string) error {
	inUse := func(err error) bool { return awserr.Is(err, "DependencyViolation") }
	return wait.RetryWhile(ctx, sgDeleteTimeout, inUse, func(ctx context.Context) error {
		_, err := c.EC2().DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
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
