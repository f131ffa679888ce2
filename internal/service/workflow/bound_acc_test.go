// SPDX-License-Identifier: MPL-2.0

package workflow_test

import (
	"fmt"
	"math"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// checkBounds checks the lower bound's outputs against the placement's: both bounds positive and no
// more than the placement's makespan and cost, and each gap (ours − bound) / bound in percent as the
// rounded values give it (within what the rounding of the values can move it).
func checkBounds(n string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[n]
		if !ok {
			return fmt.Errorf("not found in state: %s", n)
		}
		for _, c := range []struct {
			ours, bound, gap string
			step             float64 // the rounding step of ours and the bound
		}{{"makespan_s", "makespan_lower_bound_s", "makespan_gap_pct", 1e-3}, {"cost_usd", "cost_lower_bound_usd", "cost_gap_pct", 1e-6}} {
			ours, err := attrFloat(rs, c.ours)
			if err != nil {
				return err
			}
			bound, err := attrFloat(rs, c.bound)
			if err != nil {
				return err
			}
			gap, err := attrFloat(rs, c.gap)
			if err != nil {
				return err
			}
			if !(bound > 0) || bound > ours {
				return fmt.Errorf("%s = %v, want in (0, %s = %v]", c.bound, bound, c.ours, ours)
			}
			// ours is within step/2 of its value, the bound within step below its own.
			lo := (ours - c.step/2 - bound) / (bound + c.step) * 100
			hi := (ours + c.step/2 - bound + c.step) / bound * 100
			if gap < 0 || gap < math.Floor(lo*100)/100-0.01 || gap > math.Ceil(hi*100)/100+0.01 {
				return fmt.Errorf("%s = %v, want (%s − %s) / %s = %v%% (%v..%v)", c.gap, gap, c.ours, c.bound, c.bound,
					(ours-bound)/bound*100, lo, hi)
			}
		}
		return nil
	}
}
