// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestSweepableName(t *testing.T) {
	for _, tc := range []struct {
		name, prefix string
		want         bool
	}{
		{"tf-acc-test-1234567890", "tf-acc-test", true},
		{"tf-acc-test-x", "tf-acc-test", true},
		{"mpi-tf-acc-test", "tf-acc-test", false},
		{"TF-ACC-TEST-1", "tf-acc-test", false},
		{"rayhpc-demo-mpi", "tf-acc-test", false},
		{"anything", "", false},
	} {
		if got := sweepableName(tc.name, tc.prefix); got != tc.want {
			t.Errorf("sweepableName(%q, %q) = %v, want %v", tc.name, tc.prefix, got, tc.want)
		}
	}
}

func TestSweepableSecurityGroup(t *testing.T) {
	sg := func(name, desc string) ec2types.SecurityGroup {
		return ec2types.SecurityGroup{GroupName: aws.String(name), Description: aws.String(desc)}
	}
	for _, tc := range []struct {
		g    ec2types.SecurityGroup
		want bool
	}{
		{sg("tf-acc-test-1", "EFA: all traffic to and from itself (rayhpc_efa_network tf-acc-test-1)"), true},
		// A Lustre workspace's group carries the prefix too, but is the Lustre sweeper's.
		{sg("tf-acc-test-1-lustre-1718000000000000000", "Lustre traffic (TCP 988, 1018-1023) for workspace tf-acc-test-1"), false},
		{sg("default", "EFA: default VPC security group"), false},
		{sg("prod-efa", "EFA: all traffic to and from itself (rayhpc_efa_network prod-efa)"), false},
	} {
		if got := sweepableSecurityGroup(tc.g, "tf-acc-test"); got != tc.want {
			t.Errorf("sweepableSecurityGroup(%s, %q) = %v, want %v", aws.ToString(tc.g.GroupName), aws.ToString(tc.g.Description), got, tc.want)
		}
	}
}
