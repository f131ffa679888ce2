// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// CheckSecurityGroups checks the user's groups before CreateFileSystem, which FSx refuses without them
// [UG-SG]: inbound TCP 988 and 1018-1023 from the groups themselves (or from a CIDR block holding the
// subnet), and for an EFA-enabled file system all traffic inbound from and outbound to one group itself.
// The error names the missing rule and how to add it.
func CheckSecurityGroups(ctx context.Context, conn *ec2.Client, subnetID string, ids []string, efa bool) error {
	var rules []ec2types.SecurityGroupRule
	p := ec2.NewDescribeSecurityGroupRulesPaginator(conn, &ec2.DescribeSecurityGroupRulesInput{
		Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: ids}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("reading the rules of %s: %w", strings.Join(ids, ", "), err)
		}
		rules = append(rules, page.SecurityGroupRules...)
	}
	var subnet *net.IPNet
	if sn, err := conn.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{subnetID}}); err == nil && len(sn.Subnets) > 0 {
		_, subnet, _ = net.ParseCIDR(aws.ToString(sn.Subnets[0].CidrBlock)) //nolint:errcheck // nil narrows what counts
	}
	for _, ports := range lustrePorts {
		if !slices.ContainsFunc(rules, func(r ec2types.SecurityGroupRule) bool { return lustreRule(r, ids, subnet, ports) }) {
			what := fmt.Sprintf("TCP %d", ports[0])
			if ports[0] != ports[1] {
				what = fmt.Sprintf("TCP %d-%d", ports[0], ports[1])
			}
			return fmt.Errorf("none of the security groups %s allows inbound %s from the groups themselves (or from a CIDR "+
				"block holding the subnet), which FSx for Lustre needs to create the file system (FSx for Lustre User Guide, "+
				"\"File system access control with Amazon VPC\"). Add the rule, for example: aws ec2 authorize-security-group-ingress "+
				"--group-id %s --protocol tcp --port %s --source-group %s", strings.Join(ids, ", "), what, ids[0],
				strings.ReplaceAll(strings.TrimPrefix(what, "TCP "), " ", ""), ids[0])
		}
	}
	if efa && !slices.ContainsFunc(ids, func(id string) bool { return efaRules(rules, id) }) {
		return fmt.Errorf("none of the security groups %s allows all traffic inbound from itself and outbound to itself, which "+
			"an EFA-enabled file system needs (FSx for Lustre User Guide, \"Creating an FSx for Lustre file system fails\": "+
			"\"Insufficient security group permissions to create an EFA-enabled file system\"). Add both rules to %s: "+
			"aws ec2 authorize-security-group-ingress --group-id %[2]s --protocol -1 --source-group %[2]s, and "+
			"aws ec2 authorize-security-group-egress --group-id %[2]s --protocol -1 --source-group %[2]s",
			strings.Join(ids, ", "), ids[0])
	}
	return nil
}

// lustreRule reports whether an inbound rule allows TCP ports from one of the groups or from a CIDR block
// holding the subnet.
func lustreRule(r ec2types.SecurityGroupRule, ids []string, subnet *net.IPNet, ports [2]int32) bool {
	if aws.ToBool(r.IsEgress) {
		return false
	}
	proto := aws.ToString(r.IpProtocol)
	if proto != "-1" && proto != "tcp" && proto != "6" {
		return false
	}
	if proto != "-1" && (aws.ToInt32(r.FromPort) > ports[0] || aws.ToInt32(r.ToPort) < ports[1]) {
		return false
	}
	if ref := r.ReferencedGroupInfo; ref != nil && slices.Contains(ids, aws.ToString(ref.GroupId)) {
		return true
	}
	if c := aws.ToString(r.CidrIpv4); c != "" && subnet != nil {
		if _, n, err := net.ParseCIDR(c); err == nil {
			ones, _ := n.Mask.Size()
			sub, _ := subnet.Mask.Size()
			return n.Contains(subnet.IP) && ones <= sub
		}
	}
	return false
}

// efaRules reports whether group id allows all traffic inbound from itself and outbound to itself (or to
// 0.0.0.0/0, which holds it).
func efaRules(rules []ec2types.SecurityGroupRule, id string) bool {
	in, out := false, false
	for _, r := range rules {
		if aws.ToString(r.GroupId) != id || aws.ToString(r.IpProtocol) != "-1" {
			continue
		}
		self := r.ReferencedGroupInfo != nil && aws.ToString(r.ReferencedGroupInfo.GroupId) == id
		if aws.ToBool(r.IsEgress) {
			out = out || self || aws.ToString(r.CidrIpv4) == "0.0.0.0/0"
		} else {
			in = in || self
		}
	}
	return in && out
}
