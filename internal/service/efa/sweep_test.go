// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
)

// The sweeper goes by the ownership tags, not by names.
func TestSweepable(t *testing.T) {
	tagged := func(name string, extra ...string) []ec2types.Tag {
		tags := ownerOf(name).Tags(partSecurityGroup)
		for i := 0; i+1 < len(extra); i += 2 {
			tags[extra[i]] = extra[i+1]
		}
		return conns.EC2Tags(tags)
	}
	for _, tc := range []struct {
		name string
		tags []ec2types.Tag
		want bool
	}{
		{"a test network's part", tagged("tf-acc-test-1234567890"), true},
		{"named otherwise, owner says a test network", tagged("tf-acc-test-1", "Name", "mpi-nodes"), true},
		{"pending create", conns.EC2Tags(ownerOf("tf-acc-test-2").PendingTags(partSecurityGroup)), true},
		{"another network", tagged("prod-efa"), false},
		{"prefix only in the middle", tagged("mpi-tf-acc-test"), false},
		{"a test workspace's group (another type)", conns.EC2Tags(owner.New("rayhpc_lustre_workspace", "tf-acc-test-1").Tags("security-group")), false},
		{"untagged, test-like Name", []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("tf-acc-test-1")}}, false},
		{"no tags", nil, false},
	} {
		if got := sweepable(tc.tags, "tf-acc-test"); got != tc.want {
			t.Errorf("%s: sweepable = %v, want %v", tc.name, got, tc.want)
		}
	}
	if sweepable(tagged("anything"), "") {
		t.Error("an empty prefix must match nothing")
	}
}
