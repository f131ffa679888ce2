// SPDX-License-Identifier: MPL-2.0

package pcluster

import (
	"strings"
	"testing"
)

// Cluster names: ClusterNameValidator (a letter, then letters, digits and hyphens, at most 60).
func TestClusterNameRegexp(t *testing.T) {
	for name, want := range map[string]bool{
		"a": true, "demo-1": true, "Demo": true, "a" + strings.Repeat("b", 59): true,
		"a" + strings.Repeat("b", 60): false, "1demo": false, "-demo": false, "demo_1": false, "": false, "demo.1": false,
	} {
		if got := ClusterNameRegexp.MatchString(name); got != want {
			t.Errorf("ClusterNameRegexp(%q) = %v, want %v", name, got, want)
		}
	}
}

// Queue and compute resource names: NameValidator (lowercase, a letter first, at most 25, not "default").
func TestValidateName(t *testing.T) {
	for name, wantErr := range map[string]string{
		"compute":               "",
		"q-1":                   "",
		strings.Repeat("q", 25): "",
		strings.Repeat("q", 26): "at most 25",
		"Compute":               "lowercase",
		"1q":                    "begin with a letter",
		"q_1":                   "lowercase letters, digits and hyphens",
		"default":               "cannot be used",
		"":                      "begin with a letter",
	} {
		err := ValidateName(name)
		switch {
		case wantErr == "" && err != nil:
			t.Errorf("ValidateName(%q) = %v, want nil", name, err)
		case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
			t.Errorf("ValidateName(%q) = %v, want an error with %q", name, err, wantErr)
		}
	}
}

func TestValidateSharedStorageName(t *testing.T) {
	for name, ok := range map[string]bool{
		"shared": true, "fs-0123_data": true, strings.Repeat("s", 30): true,
		strings.Repeat("s", 31): false, "a b": false, "a/b": false, "": false,
	} {
		if err := ValidateSharedStorageName(name); (err == nil) != ok {
			t.Errorf("ValidateSharedStorageName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

// ComputeResourceSizeValidator and the schema's ranges: MinCount >= 0, MaxCount >= 1, MaxCount >= MinCount.
func TestValidateCounts(t *testing.T) {
	for _, tc := range []struct {
		min, max int64
		wantErr  string
	}{
		{0, 1, ""}, {0, 10, ""}, {4, 4, ""},
		{-1, 4, "min_count must be 0 or more"},
		{0, 0, "max_count must be 1 or more"},
		{5, 4, "greater than or equal to min count"},
	} {
		err := ValidateCounts(tc.min, tc.max)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("ValidateCounts(%d, %d) = %v, want nil", tc.min, tc.max, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("ValidateCounts(%d, %d) = %v, want an error with %q", tc.min, tc.max, err, tc.wantErr)
		}
	}
}

// The parallelcluster: prefix is ParallelCluster's own (validate_no_reserved_tag); the provider's
// ownership tag is not reserved.
func TestValidateTagKey(t *testing.T) {
	for key, ok := range map[string]bool{
		"team": true, OwnerTagKey: true, "cluster:parallelcluster": true,
		"parallelcluster:cluster-name": false, "parallelcluster:": false,
	} {
		if err := ValidateTagKey(key); (err == nil) != ok {
			t.Errorf("ValidateTagKey(%q) = %v, want ok=%v", key, err, ok)
		}
	}
}
