// SPDX-License-Identifier: MPL-2.0

package prices

import (
	"strings"
	"testing"
)

func TestInstances_wellFormed(t *testing.T) {
	for name, it := range Instances() {
		if it.Name != name || !strings.HasPrefix(name, it.Family+".") {
			t.Errorf("%s: name %q, family %q", name, it.Name, it.Family)
		}
		if it.VCPUs < 1 || !(it.MemoryGiB > 0) || !(it.HourlyUSD > 0) || it.PriceSource == "" || it.SpecSource == "" {
			t.Errorf("%s: %+v", name, it)
		}
		if it.Arch != "x86_64" && it.Arch != "arm64" {
			t.Errorf("%s: arch %q", name, it.Arch)
		}
	}
	// Within a family the on-demand price is linear in vCPUs (AWS prices sizes of a family per vCPU).
	for _, fam := range []string{"c6i", "m6i", "r6i"} {
		large, _ := InstanceType(fam + ".large")
		for _, it := range Instances() {
			if it.Family == fam {
				want := large.HourlyUSD / 2 * float64(it.VCPUs)
				if d := it.HourlyUSD - want; d > 1e-9 || d < -1e-9 {
					t.Errorf("%s: $%v/h, want $%v/h (per-vCPU price of %s.large)", it.Name, it.HourlyUSD, want, fam)
				}
			}
		}
	}
	if it, _ := InstanceType("c5n.18xlarge"); !it.EFA || it.VCPUs != 72 || it.HourlyUSD != 3.888 {
		t.Errorf("c5n.18xlarge: %+v", it)
	}
	if it, _ := InstanceType("c6i.large"); it.EFA {
		t.Error("c6i.large has no EFA")
	}
	if it, _ := InstanceType("p5.48xlarge"); it.GPUs != 8 {
		t.Errorf("p5.48xlarge GPUs %d", it.GPUs)
	}
}

func TestInstances_returnsACopy(t *testing.T) {
	m := Instances()
	it := m["c6i.large"]
	it.HourlyUSD = 99
	m["c6i.large"] = it
	delete(m, "m6i.large")
	if got, _ := InstanceType("c6i.large"); got.HourlyUSD != 0.085 {
		t.Errorf("the table changed through a copy: %v", got.HourlyUSD)
	}
	if _, ok := InstanceType("m6i.large"); !ok {
		t.Error("m6i.large vanished from the table")
	}
}
