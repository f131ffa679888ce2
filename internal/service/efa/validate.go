// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"fmt"
	"regexp"
	"strings"
)

// The rules of rayhpc_efa_network, each stated once with its source. The schema validators, the plan
// checks and the plain Go layer use these values; the attribute descriptions are written from them.

// PlacementStrategyCluster is NetworkSpec.PlacementStrategy for a cluster placement group (the one EFA
// workloads use), for the packages that compose the network.
const PlacementStrategyCluster = strategyCluster

const (
	strategyCluster = "cluster"
	strategyNone    = "none"

	// maxUserDataBytes: EC2 limits user data to 16 KB before base64 encoding (EC2 User Guide, "Run
	// commands when you launch an EC2 instance with user data input").
	maxUserDataBytes = 16 * 1024

	// Root volume size of a gp3 volume: 1 to 16,384 GiB (EC2 API reference, CreateVolume, Size).
	minRootVolumeGiB, maxRootVolumeGiB = 1, 16384

	// EC2 tags: keys at most 127 Unicode characters and never starting with "aws:", values at most 256
	// (ec2 2016-11-15 service-2.json, shape Tag, members Key and Value).
	maxTagKeyLength   = 127
	maxTagValueLength = 256
	reservedTagPrefix = "aws:"
)

var (
	// nameRegexp: the network's name is the launch template's name, shape LaunchTemplateName of the EC2
	// model (ec2 2016-11-15 service-2.json: min 3, max 128, pattern [a-zA-Z0-9\(\)\.\-/_]+). The same
	// name is given to the placement group (up to 255 ASCII characters) and the security group (up to
	// 255 characters of a wider set), so the launch template's rule is the one that binds.
	nameRegexp = regexp.MustCompile(`^[a-zA-Z0-9().\-/_]{3,128}$`)
	// securityGroupNamePrefix: a security group name "can't start with sg-" (CreateSecurityGroup,
	// GroupName, ec2 2016-11-15 service-2.json).
	securityGroupNamePrefix = "sg-"

	// Resource IDs: the model types them as plain strings; the formats are EC2's resource ID formats
	// (EC2 User Guide, "Resource IDs": a prefix, a hyphen and 8 or 17 hexadecimal characters).
	subnetIDRegexp = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	sgIDRegexp     = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
	amiIDRegexp    = regexp.MustCompile(`^ami-[0-9a-f]{8,17}$`)
	// instanceTypeRegexp: instance type names are FAMILY[GENERATION][OPTIONS].SIZE (EC2 instance types
	// guide, "Amazon EC2 instance type naming conventions").
	instanceTypeRegexp = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9-]+$`)
)

// Validation messages, shared by the schema validators and the plan checks.
const (
	msgName         = "must be 3 to 128 characters of letters, digits and ( ) . - / _ (launch template name rules)"
	msgSubnetID     = "must be a subnet ID such as subnet-0123456789abcdef0"
	msgSGID         = "must be a security group ID such as sg-0123456789abcdef0"
	msgAMIID        = "must be an AMI ID such as ami-0123456789abcdef0"
	msgInstanceType = "must be an EC2 instance type such as c5n.18xlarge"
)

// validateName checks a network name against every rule the three EC2 objects that carry it impose.
func validateName(name string) error {
	if !nameRegexp.MatchString(name) {
		return fmt.Errorf("%q %s", name, msgName)
	}
	if strings.HasPrefix(strings.ToLower(name), securityGroupNamePrefix) {
		return fmt.Errorf("%q must not start with %q: the EFA security group gets this name, and EC2 refuses security group names that start with %q (CreateSecurityGroup)", name, securityGroupNamePrefix, securityGroupNamePrefix)
	}
	return nil
}

// validateTag checks one tag against EC2's tag rules.
func validateTag(key, value string) error {
	switch {
	case key == "":
		return fmt.Errorf("tag keys must not be empty (EC2 tag rules)")
	case len([]rune(key)) > maxTagKeyLength:
		return fmt.Errorf("tag key %q is longer than %d characters (EC2 tag rules)", key, maxTagKeyLength)
	case strings.HasPrefix(strings.ToLower(key), reservedTagPrefix):
		return fmt.Errorf("tag key %q starts with %q, which EC2 reserves for AWS", key, reservedTagPrefix)
	case len([]rune(value)) > maxTagValueLength:
		return fmt.Errorf("the value of tag %q is longer than %d characters (EC2 tag rules)", key, maxTagValueLength)
	}
	return nil
}
