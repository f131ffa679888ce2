// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

const testPrefix = "tf-acc-test"

func TestSweepableFileSystem(t *testing.T) {
	fs := func(typ fsxtypes.FileSystemType, lc fsxtypes.FileSystemLifecycle, tags ...string) fsxtypes.FileSystem {
		f := fsxtypes.FileSystem{FileSystemType: typ, Lifecycle: lc}
		for i := 0; i+1 < len(tags); i += 2 {
			f.Tags = append(f.Tags, fsxtypes.Tag{Key: aws.String(tags[i]), Value: aws.String(tags[i+1])})
		}
		return f
	}
	lustre, avail := fsxtypes.FileSystemTypeLustre, fsxtypes.FileSystemLifecycleAvailable
	for _, tc := range []struct {
		name   string
		fs     fsxtypes.FileSystem
		prefix string
		want   bool
	}{
		{"test workspace", fs(lustre, avail, "Name", "tf-acc-test-1234567890"), testPrefix, true},
		{"among other tags", fs(lustre, fsxtypes.FileSystemLifecycleFailed, "team", "hpc", "Name", "tf-acc-test-x"), testPrefix, true},
		{"being created", fs(lustre, fsxtypes.FileSystemLifecycleCreating, "Name", "tf-acc-test-x"), testPrefix, true},
		{"prefix only in the middle", fs(lustre, avail, "Name", "prod-tf-acc-test"), testPrefix, false},
		{"prefix in another tag", fs(lustre, avail, "Name", "prod", "owner", "tf-acc-test"), testPrefix, false},
		{"case differs", fs(lustre, avail, "Name", "TF-ACC-TEST-1"), testPrefix, false},
		{"name tag key case differs", fs(lustre, avail, "name", "tf-acc-test-1"), testPrefix, false},
		{"no tags", fs(lustre, avail), testPrefix, false},
		{"not Lustre", fs(fsxtypes.FileSystemTypeOntap, avail, "Name", "tf-acc-test-1"), testPrefix, false},
		{"already deleting", fs(lustre, fsxtypes.FileSystemLifecycleDeleting, "Name", "tf-acc-test-1"), testPrefix, false},
		{"empty prefix matches nothing", fs(lustre, avail, "Name", "anything"), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sweepableFileSystem(tc.fs, tc.prefix); got != tc.want {
				t.Errorf("sweepableFileSystem = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSweepableSecurityGroup(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"tf-acc-test-1234567890-lustre-1718000000000000000", true},
		{"tf-acc-test-abc-lustre-1", true},
		{"tf-acc-test-1234567890", false}, // an EFA network's group: the EFA sweeper's
		{"tf-acc-test-1234567890-lustre-", false},
		{"tf-acc-test-x-lustre-12a", false},
		{"prod-lustre-1718000000000000000", false},
		{"team-tf-acc-test-lustre-1", false},
	} {
		g := ec2types.SecurityGroup{GroupName: aws.String(tc.name)}
		if got := sweepableSecurityGroup(g, testPrefix); got != tc.want {
			t.Errorf("sweepableSecurityGroup(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
	if sweepableSecurityGroup(ec2types.SecurityGroup{GroupName: aws.String("x-lustre-1")}, "") {
		t.Error("an empty prefix must match nothing")
	}
}
