// SPDX-License-Identifier: MPL-2.0

package kuberay

import "testing"

func TestValidate(t *testing.T) {
	if errs := ValidateClusterName("ray-1"); len(errs) != 0 {
		t.Errorf("ray-1: %v", errs)
	}
	for _, bad := range []string{"Ray", "1ray", "ray_1", "a23456789012345678901234567890123456789012345678901234"} {
		if len(ValidateClusterName(bad)) == 0 {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, q := range []string{"500m", "2", "8Gi", "1.5"} {
		if err := ValidateQuantity(q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	for _, q := range []string{"two", "-1", "8GB"} {
		if ValidateQuantity(q) == nil {
			t.Errorf("%q accepted", q)
		}
	}
	if ValidateReplicas(2, 1, 3) != nil || ValidateReplicas(0, 0, 0) != nil {
		t.Error("valid bounds refused")
	}
	if ValidateReplicas(4, 1, 3) == nil || ValidateReplicas(1, 2, 3) == nil || ValidateReplicas(1, 3, 2) == nil {
		t.Error("invalid bounds accepted")
	}
	if ValidateUnique([]string{"a", "b"}) != nil || ValidateUnique([]string{"a", "b", "a"}) == nil {
		t.Error("uniqueness")
	}
	p4d := InstanceAccelerators{GPUs: 8, EFAInterfaces: 4}
	if ValidateAccelerators("p4d.24xlarge", p4d, 8, 4) != nil || ValidateAccelerators("p4d.24xlarge", p4d, 9, 0) == nil ||
		ValidateAccelerators("p4d.24xlarge", p4d, 0, 5) == nil || ValidateAccelerators("m6i.xlarge", InstanceAccelerators{}, 1, 0) == nil {
		t.Error("accelerators")
	}
}
