// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// SetHeadNodeType takes a catalogue type with a price, and the pools' fixed costs and sources follow it;
// an unknown type, a type without a price, or a kind without a head is refused; Check refuses a Ray head
// whose task vCPUs or memory exceed its type's, naming both values.
func TestSetHeadNodeType(t *testing.T) {
	c := DefaultCatalog()
	if err := c.SetHeadNodeType(KindHPC, "c5n.large", "cfg"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetHeadNodeType(KindRay, "m6i.2xlarge", "cfg"); err != nil {
		t.Fatal(err)
	}
	hpc, _ := NewHPCPool(c, "h", "c6i.large", 0, 1)
	ray, _ := NewRayPool(c, "r", "m6i.large", 0, 1)
	if hpc.FixedHourlyUSD != 0.108 || hpc.FixedSource != "ParallelCluster head node c5n.large (cfg)" {
		t.Errorf("hpc: $%v %q", hpc.FixedHourlyUSD, hpc.FixedSource)
	}
	if ray.FixedHourlyUSD != c.EKSControlPlane.V+0.384 || !strings.HasSuffix(ray.FixedSource, "Ray head node m6i.2xlarge (cfg)") {
		t.Errorf("ray: $%v %q", ray.FixedHourlyUSD, ray.FixedSource)
	}
	if err := c.Check(); err != nil {
		t.Errorf("m6i.2xlarge Ray head with 2 task vCPUs: %v", err)
	}
	for _, bad := range []struct {
		kind PlatformKind
		it   string
	}{{KindHPC, "t3.medium"}, {KindRay, ""}, {KindServerless, "c6i.large"}} {
		if err := c.SetHeadNodeType(bad.kind, bad.it, "cfg"); err == nil {
			t.Errorf("%s head %q accepted", bad.kind, bad.it)
		}
	}
	c.Instances["c6i.large"] = InstanceType{Name: "c6i.large", VCPUs: 2, MemoryGiB: 4}
	if err := c.SetHeadNodeType(KindHPC, "c6i.large", "cfg"); err == nil || !strings.Contains(err.Error(), "price") {
		t.Errorf("a type without a price: %v", err)
	}
	if c.HPCHeadNodeType != "c5n.large" {
		t.Errorf("a refused type replaced the head node: %s", c.HPCHeadNodeType)
	}

	for _, tc := range []struct {
		head  string
		name  string
		value float64
		ok    bool
	}{{"m6i.2xlarge", "ray_head_task_vcpus", 8, true}, {"m6i.2xlarge", "ray_head_task_vcpus", 9, false},
		{"m6i.xlarge", "ray_head_task_vcpus", 5, false}, {"m6i.large", "ray_head_task_memory_gib", 8, true},
		{"c6i.xlarge", "ray_head_task_memory_gib", 8, true}, {"c5n.large", "ray_head_task_memory_gib", 6, false}} {
		c := DefaultCatalog()
		if err := c.SetHeadNodeType(KindRay, tc.head, "cfg"); err != nil {
			t.Fatal(err)
		}
		if err := c.Set(tc.name, tc.value, "cfg"); err != nil {
			t.Fatal(err)
		}
		err := c.Check()
		var ve *ValueError
		switch {
		case tc.ok && err != nil:
			t.Errorf("%s %s = %v: %v", tc.head, tc.name, tc.value, err)
		case !tc.ok && !(errors.As(err, &ve) && slices.Equal(ve.Names, []string{tc.name, RayHeadNodeTypeName}) &&
			strings.Contains(err.Error(), tc.head) && strings.Contains(err.Error(), "must not exceed")):
			t.Errorf("%s %s = %v: %v, want refused naming both", tc.head, tc.name, tc.value, err)
		}
	}
}
