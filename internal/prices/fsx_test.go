// SPDX-License-Identifier: MPL-2.0

package prices

import (
	"strings"
	"testing"
)

// Every tier the FSx API accepts has a price with its source; scratch types ignore the tier; an unknown
// tier has none.
func TestFSxLustreGBMonth(t *testing.T) {
	if p, ok := FSxLustreGBMonth("SCRATCH_2", 0); !ok || p != FSxLustreScratch2GBMonth {
		t.Errorf("SCRATCH_2: %v %v", p, ok)
	}
	for dt, tiers := range map[string][]int64{"PERSISTENT_1": {50, 100, 200, 12, 40}, "PERSISTENT_2": {125, 250, 500, 1000}} {
		prev := 0.0
		for i, tier := range tiers {
			p, ok := FSxLustreGBMonth(dt, tier)
			if !ok || p.V <= 0 || p.Unit != "USD/GB-month" || !strings.HasPrefix(p.Source, SrcFSxLustre) {
				t.Errorf("%s %d: %+v %v", dt, tier, p, ok)
			}
			if i > 0 && tier > tiers[i-1] && p.V <= prev {
				t.Errorf("%s: %d MB/s/TiB costs $%v, not more than the tier below ($%v)", dt, tier, p.V, prev)
			}
			prev = p.V
		}
	}
	if _, ok := FSxLustreGBMonth("PERSISTENT_2", 200); ok {
		t.Error("PERSISTENT_2 at 200 MB/s/TiB has a price")
	}
}
