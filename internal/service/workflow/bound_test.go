// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

func TestRoundDown(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		u    unit
		want float64
	}{
		{459.9998474121094, seconds, 459.999}, // nearest would be 460.000, above the bound
		{60, seconds, 60},
		{59.99999999999, seconds, 60}, // within 10⁻⁹ of 60: the bound's own noise
		{0.0113634, usd, 0.011363},
		{0.0113636, usd, 0.011363},
		{0, usd, 0},
	} {
		if got := roundDown(tc.v, tc.u); got != tc.want {
			t.Errorf("roundDown(%v, %v) = %v, want %v", tc.v, tc.u, got, tc.want)
		}
	}
}

// The bound's outputs from a manifest: the bounds rounded down, the gaps from the unrounded values; a
// manifest without a bound gives zero bounds and null gaps.
func TestFlattenBound(t *testing.T) {
	var o outputsModel
	o.flattenBound(&placement.Manifest{ExpectedMakespanS: 460, ExpectedCostUSD: 0.5, MakespanLowerBoundS: 459.9998474121094,
		CostLowerBoundUSD: 0.4000004})
	if o.MakespanLowerBoundS.ValueFloat64() != 459.999 || o.CostLowerBoundUSD.ValueFloat64() != 0.4 {
		t.Errorf("bounds %v s, %v USD; want 459.999, 0.4", o.MakespanLowerBoundS, o.CostLowerBoundUSD)
	}
	if o.MakespanGapPct.ValueFloat64() != 0 || o.CostGapPct.ValueFloat64() != 25 {
		t.Errorf("gaps %v%%, %v%%; want 0, 25", o.MakespanGapPct, o.CostGapPct)
	}
	o.flattenBound(&placement.Manifest{ExpectedMakespanS: 460, ExpectedCostUSD: 0.5})
	if o.MakespanLowerBoundS.ValueFloat64() != 0 || !o.MakespanGapPct.IsNull() || !o.CostGapPct.IsNull() {
		t.Errorf("no bound: %v s, gaps %v, %v; want 0 and nulls", o.MakespanLowerBoundS, o.MakespanGapPct, o.CostGapPct)
	}
}
