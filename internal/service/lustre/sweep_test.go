// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
)

const testPrefix = "tf-acc-test"

// The sweeper goes by the ownership tags, not by names.
func TestSweepableFileSystem(t *testing.T) {
	fs := func(typ fsxtypes.FileSystemType, lc fsxtypes.FileSystemLifecycle, tags map[string]string) fsxtypes.FileSystem {
		return fsxtypes.FileSystem{FileSystemType: typ, Lifecycle: lc, Tags: conns.FSxTags(tags)}
	}
	mine := func(name string, extra ...string) map[string]string {
		t := ownerOf(name).Tags(partFileSystem)
		for i := 0; i+1 < len(extra); i += 2 {
			t[extra[i]] = extra[i+1]
		}
		return t
	}
	lustre, avail := fsxtypes.FileSystemTypeLustre, fsxtypes.FileSystemLifecycleAvailable
	for _, tc := range []struct {
		name   string
		fs     fsxtypes.FileSystem
		prefix string
		want   bool
	}{
		{"test workspace", fs(lustre, avail, mine("tf-acc-test-1234567890", "Name", "tf-acc-test-1234567890")), testPrefix, true},
		{"unusual Name tag", fs(lustre, fsxtypes.FileSystemLifecycleFailed, mine("tf-acc-test-x", "Name", "scratch", "team", "hpc")), testPrefix, true},
		{"being created", fs(lustre, fsxtypes.FileSystemLifecycleCreating, ownerOf("tf-acc-test-x").PendingTags(partFileSystem)), testPrefix, true},
		{"untagged, test-like Name", fs(lustre, avail, map[string]string{"Name": "tf-acc-test-1"}), testPrefix, false},
		{"prefix only in the middle", fs(lustre, avail, mine("prod-tf-acc-test")), testPrefix, false},
		{"another resource type", fs(lustre, avail, owner.New("rayhpc_hpc_cluster", "tf-acc-test-1").Tags("file-system")), testPrefix, false},
		{"case differs", fs(lustre, avail, mine("TF-ACC-TEST-1")), testPrefix, false},
		{"no tags", fs(lustre, avail, nil), testPrefix, false},
		{"not Lustre", fs(fsxtypes.FileSystemTypeOntap, avail, mine("tf-acc-test-1")), testPrefix, false},
		{"already deleting", fs(lustre, fsxtypes.FileSystemLifecycleDeleting, mine("tf-acc-test-1")), testPrefix, false},
		{"empty prefix matches nothing", fs(lustre, avail, mine("anything")), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sweepableFileSystem(tc.fs, tc.prefix); got != tc.want {
				t.Errorf("sweepableFileSystem = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSweepableSecurityGroup(t *testing.T) {
	sg := func(name string, tags map[string]string) ec2types.SecurityGroup {
		return ec2types.SecurityGroup{GroupName: aws.String(name), Tags: conns.EC2Tags(tags)}
	}
	for _, tc := range []struct {
		name string
		g    ec2types.SecurityGroup
		want bool
	}{
		{"a test workspace's group", sg("tf-acc-test-1-lustre-0a1b2c3d", ownerOf("tf-acc-test-1").Tags(partSecurityGroup)), true},
		{"unusual name, tagged", sg("lustre-clients", ownerOf("tf-acc-test-2").Tags(partSecurityGroup)), true},
		{"untagged, matching name", sg("tf-acc-test-1-lustre-0a1b2c3d", map[string]string{"Name": "tf-acc-test-1-lustre"}), false},
		{"a test EFA network's group", sg("tf-acc-test-1", owner.New("rayhpc_efa_network", "tf-acc-test-1").Tags("security-group")), false},
		{"another workspace's group", sg("prod-lustre-0a1b2c3d", ownerOf("prod").Tags(partSecurityGroup)), false},
	} {
		if got := sweepableSecurityGroup(tc.g, testPrefix); got != tc.want {
			t.Errorf("%s: sweepableSecurityGroup = %v, want %v", tc.name, got, tc.want)
		}
	}
	if sweepableSecurityGroup(sg("x-lustre-1", ownerOf("x").Tags(partSecurityGroup)), "") {
		t.Error("an empty prefix must match nothing")
	}
}
