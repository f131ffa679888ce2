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
	for _, fam := range []string{"c6i", "m6i", "r6i", "c5", "m5"} {
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

// The head node and queue types of the examples (c5.xlarge heads, c5 and m5 queues) are in the table with
// their Price List figures (us-east-1, on demand, Linux) and sizes.
func TestInstances_exampleTypes(t *testing.T) {
	for _, w := range []Instance{
		{Name: "c5.xlarge", Family: "c5", VCPUs: 4, MemoryGiB: 8, HourlyUSD: 0.17},
		{Name: "c5.2xlarge", Family: "c5", VCPUs: 8, MemoryGiB: 16, HourlyUSD: 0.34},
		{Name: "m5.2xlarge", Family: "m5", VCPUs: 8, MemoryGiB: 32, HourlyUSD: 0.384},
	} {
		it, ok := InstanceType(w.Name)
		if !ok {
			t.Errorf("%s is not in the table", w.Name)
			continue
		}
		if it.Family != w.Family || it.VCPUs != w.VCPUs || it.MemoryGiB != w.MemoryGiB || it.HourlyUSD != w.HourlyUSD ||
			it.EFA || it.GPUs != 0 || it.Arch != "x86_64" || it.PriceSource != SrcEC2PriceList {
			t.Errorf("%s: %+v, want %+v from %s", w.Name, it, w, SrcEC2PriceList)
		}
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
