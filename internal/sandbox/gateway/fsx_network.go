// SPDX-License-Identifier: MPL-2.0

package gateway

// The security-group rules CreateFileSystem checks, against moto's EC2. Sources:
//   - FSx for Lustre User Guide, "File system access control with Amazon VPC": the file system's
//     security groups must allow inbound TCP 988 and 1018-1023 (Lustre traffic), from the group itself
//     (the file servers talk to each other) and from the clients.
//   - FSx for Lustre User Guide, "Creating an FSx for Lustre file system fails"
//     (LustreGuide/cannot-create-fs.html): the error messages "The file system cannot be created because
//     the default security group in the subnet provided or the provided security groups do not permit
//     Lustre LNET network traffic on port 988" and "Insufficient security group permissions to create an
//     EFA-enabled file system. Update security group to allow all internal inbound and outbound traffic."
//     ("An EFA requires a security group that allows all inbound and outbound traffic to and from the
//     security group itself").
//   - With no SecurityGroupIds, the VPC's default security group is used (same page, same message).
// The page states the message for port 988 only; ports 1018-1023 are refused with the same message
// naming those ports.

import (
	"context"
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
)

type motoPermission struct {
	Protocol string   `xml:"ipProtocol"`
	FromPort *int32   `xml:"fromPort"`
	ToPort   *int32   `xml:"toPort"`
	Groups   []string `xml:"groups>item>groupId"`
	CIDRs    []string `xml:"ipRanges>item>cidrIp"`
}

type motoGroup struct {
	ID      string           `xml:"groupId"`
	Name    string           `xml:"groupName"`
	VpcID   string           `xml:"vpcId"`
	Ingress []motoPermission `xml:"ipPermissions>item"`
	Egress  []motoPermission `xml:"ipPermissionsEgress>item"`
}

// covers reports whether the permission allows TCP traffic on every port of [from, to].
func (p motoPermission) covers(from, to int32) bool {
	if p.Protocol == "-1" || p.Protocol == "all" {
		return true
	}
	if p.Protocol != "tcp" && p.Protocol != "6" {
		return false
	}
	if p.FromPort == nil || p.ToPort == nil {
		return true
	}
	return *p.FromPort <= from && *p.ToPort >= to
}

// allTraffic reports whether the permission allows every protocol to or from group (or, for egress,
// to 0.0.0.0/0, which includes the group).
func (p motoPermission) allTraffic(group string, egress bool) bool {
	if p.Protocol != "-1" && p.Protocol != "all" {
		return false
	}
	return slices.Contains(p.Groups, group) || (egress && slices.Contains(p.CIDRs, "0.0.0.0/0"))
}

// describeGroups asks moto for the security groups (by ID, or the VPC's default group when ids is empty
// and vpcID is known). ok is false when moto could not be asked.
func (g *Gateway) describeGroups(ctx context.Context, region, vpcID string, ids []string) ([]motoGroup, bool) {
	form := url.Values{"Action": {"DescribeSecurityGroups"}, "Version": {"2016-11-15"}}
	if len(ids) == 0 {
		if vpcID == "" {
			return nil, false
		}
		form.Set("Filter.1.Name", "vpc-id")
		form.Set("Filter.1.Value.1", vpcID)
		form.Set("Filter.2.Name", "group-name")
		form.Set("Filter.2.Value.1", "default")
	}
	for i, id := range ids {
		form.Set(fmt.Sprintf("GroupId.%d", i+1), id)
	}
	status, b, err := g.motoDo(ctx, http.MethodPost, "/", "ec2", region, form)
	if err != nil || status != http.StatusOK {
		return nil, false
	}
	var out struct {
		Groups []motoGroup `xml:"securityGroupInfo>item"`
	}
	if xml.Unmarshal(b, &out) != nil {
		return nil, false
	}
	return out.Groups, true
}

// lustrePortsAllowed reports whether some group allows TCP [from, to] inbound from one of the file
// system's groups or from a CIDR block containing the subnet.
func lustrePortsAllowed(groups []motoGroup, subnetCIDR string, from, to int32) bool {
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = g.ID
	}
	_, subnet, _ := net.ParseCIDR(subnetCIDR) //nolint:errcheck // an unknown subnet CIDR only narrows what counts
	for _, g := range groups {
		for _, p := range g.Ingress {
			if !p.covers(from, to) {
				continue
			}
			for _, src := range p.Groups {
				if slices.Contains(ids, src) {
					return true
				}
			}
			for _, c := range p.CIDRs {
				if _, n, err := net.ParseCIDR(c); err == nil && subnet != nil {
					if ones, _ := n.Mask.Size(); n.Contains(subnet.IP) && ones <= maskOnes(subnet) {
						return true
					}
				}
			}
		}
	}
	return false
}

func maskOnes(n *net.IPNet) int {
	ones, _ := n.Mask.Size()
	return ones
}

// efaAllowed reports whether one of the groups allows all traffic inbound from itself and outbound to
// itself.
func efaAllowed(groups []motoGroup) bool {
	for _, g := range groups {
		in := slices.ContainsFunc(g.Ingress, func(p motoPermission) bool { return p.allTraffic(g.ID, false) })
		out := slices.ContainsFunc(g.Egress, func(p motoPermission) bool { return p.allTraffic(g.ID, true) })
		if in && out {
			return true
		}
	}
	return false
}

// checkFileSystemGroups refuses a CreateFileSystem whose security groups do not allow Lustre (and, for
// EFA, all internal) traffic. It judges only when moto answered.
func (g *Gateway) checkFileSystemGroups(ctx context.Context, region string, subnet motoSubnet, ids []string, efa bool) error {
	groups, ok := g.describeGroups(ctx, region, subnet.VpcID, ids)
	if !ok || len(groups) == 0 {
		return nil
	}
	if len(ids) == 0 {
		// The VPC's default group allows all inbound traffic from itself (Amazon VPC User Guide, "Default
		// security groups for your VPCs"); moto creates it without that rule, so the rule is added here.
		for i := range groups {
			groups[i].Ingress = append(groups[i].Ingress, motoPermission{Protocol: "-1", Groups: []string{groups[i].ID}})
		}
	}
	for _, ports := range [][2]int32{{988, 988}, {1018, 1023}} {
		if !lustrePortsAllowed(groups, subnet.CidrBlock, ports[0], ports[1]) {
			what := "port 988"
			if ports[0] != ports[1] {
				what = fmt.Sprintf("ports %d-%d", ports[0], ports[1])
			}
			return Errorf("InvalidNetworkSettings", "The file system cannot be created because the default security group in the subnet provided or the provided security groups do not permit Lustre LNET network traffic on %s", what)
		}
	}
	if efa && !efaAllowed(groups) {
		return Errorf("InvalidNetworkSettings", "Insufficient security group permissions to create an EFA-enabled file system. Update security group to allow all internal inbound and outbound traffic.")
	}
	return nil
}
