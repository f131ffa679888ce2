// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
)

// The sweeper goes by the ownership tags, not by names.
func TestSweepable(t *testing.T) {
	for _, tc := range []struct {
		name string
		tags map[string]string
		want bool
	}{
		{"a test transfer's task", ownerOf("tf-acc-test-1234567890").Tags(partTask), true},
		{"pending create", ownerOf("tf-acc-test-1").PendingTags(partTask), true},
		{"a test transfer's location, other Name", owner.With(map[string]string{"Name": "ingest"}, ownerOf("tf-acc-test-2").Tags(partSource)), true},
		{"untagged, test-like Name", map[string]string{"Name": "tf-acc-test-1234567890"}, false},
		{"another transfer", ownerOf("rayhpc-demo-ingest").Tags(partTask), false},
		{"prefix only in the middle", ownerOf("nightly-tf-acc-test").Tags(partTask), false},
		{"case differs", ownerOf("TF-ACC-TEST-1").Tags(partTask), false},
		{"a test workspace's object", owner.New("rayhpc_lustre_workspace", "tf-acc-test-1").Tags("file-system"), false},
		{"no tags", nil, false},
	} {
		if got := sweepable(tc.tags, "tf-acc-test"); got != tc.want {
			t.Errorf("%s: sweepable = %v, want %v", tc.name, got, tc.want)
		}
	}
	if sweepable(ownerOf("anything").Tags(partTask), "") {
		t.Error("an empty prefix must match nothing")
	}
}
