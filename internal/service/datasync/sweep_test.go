// SPDX-License-Identifier: MPL-2.0

package datasync

import "testing"

func TestSweepableTask(t *testing.T) {
	for _, tc := range []struct {
		name, prefix string
		want         bool
	}{
		{"tf-acc-test-1234567890", "tf-acc-test", true},
		{"tf-acc-test-1234567890-renamed", "tf-acc-test", true},
		{"tf-acc-test", "tf-acc-test", true},
		{"rayhpc-demo-ingest", "tf-acc-test", false},
		{"nightly-tf-acc-test", "tf-acc-test", false},
		{"TF-ACC-TEST-1", "tf-acc-test", false},
		{"", "tf-acc-test", false},
		{"anything", "", false},
	} {
		if got := sweepableTask(tc.name, tc.prefix); got != tc.want {
			t.Errorf("sweepableTask(%q, %q) = %v, want %v", tc.name, tc.prefix, got, tc.want)
		}
	}
}
