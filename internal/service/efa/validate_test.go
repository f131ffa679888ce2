// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	for _, ok := range []string{"abc", "tf-acc-test-1", "hpc/(v1).net_2", strings.Repeat("a", 128)} {
		if err := validateName(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for bad, want := range map[string]string{
		"ab":                     "3 to 128",
		strings.Repeat("a", 129): "3 to 128",
		"bad|name*<>":            "3 to 128",
		"has space":              "3 to 128",
		"sg-network":             "must not start with",
		"SG-network":             "must not start with",
	} {
		err := validateName(bad)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error containing %q", bad, err, want)
		}
	}
}

func TestValidateTag(t *testing.T) {
	if err := validateTag("team", "hpc"); err != nil {
		t.Errorf("team=hpc refused: %v", err)
	}
	if err := validateTag(strings.Repeat("k", 127), strings.Repeat("v", 256)); err != nil {
		t.Errorf("key of 127 and value of 256 characters refused: %v", err)
	}
	for _, c := range []struct{ k, v, want string }{
		{"", "x", "empty"},
		{strings.Repeat("k", 128), "x", "longer than 127"},
		{"aws:owner", "x", "reserves"},
		{"AWS:owner", "x", "reserves"},
		{"team", strings.Repeat("v", 257), "longer than 256"},
	} {
		if err := validateTag(c.k, c.v); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q=%q: got %v, want an error containing %q", c.k, c.v, err, c.want)
		}
	}
}
