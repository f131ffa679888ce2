// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"fmt"
	"math"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// unit is what a float output measures; it decides how many decimals the output keeps. The simulator's
// raw values (say 2.260449576230468 USD) would make plans noisy, so every float output is rounded here
// when it is flattened into plan or state, and the `moves` text prints the same decimals. The manifest
// keeps the engine's exact numbers; Read rounds what it parses back from it with the same helper, so the
// state after a refresh equals the plan.
type unit int

const (
	usd     unit = iota // US dollars: 6 decimals (a millionth of a dollar)
	seconds             // seconds: 3 decimals (a millisecond)
	percent             // percentages: 2 decimals
)

// decimals is the number of decimals kept for u.
func (u unit) decimals() int {
	switch u {
	case usd:
		return 6
	case seconds:
		return 3
	default:
		return 2
	}
}

// round rounds v to the decimals of u: to the nearest decimal (an exact binary tie such as 0.0625 at 3
// decimals goes to the even digit), returned as the float64 nearest to that decimal, so it prints with at
// most that many decimals. Negative zero becomes zero; NaN and ±Inf are returned unchanged.
func round(v float64, u unit) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	// FormatFloat rounds the exact binary value correctly; ParseFloat returns the nearest float64.
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'f', u.decimals(), 64), 64)
	if err != nil || r == 0 {
		return 0
	}
	return r
}

// roundedFloat is the Float64 value of an output: v rounded for u.
func roundedFloat(v float64, u unit) types.Float64 { return types.Float64Value(round(v, u)) }

// format prints v rounded for u with exactly the unit's decimals, as the `moves` text does.
func format(v float64, u unit) string { return fmt.Sprintf("%.*f", u.decimals(), round(v, u)) }

// formatDelta is format with a sign, for changes.
func formatDelta(v float64, u unit) string { return fmt.Sprintf("%+.*f", u.decimals(), round(v, u)) }

// roundDown rounds a lower bound down to the decimals of u, so the value shown is still a bound. A value
// within 10⁻⁹ (relative) below a decimal counts as on it: the bound's floating-point arithmetic has that
// much noise, and a bound computed as 59.99999999999 for a makespan of 60 would otherwise show 59.999.
func roundDown(v float64, u unit) float64 {
	r := round(v, u)
	if r-v > 1e-9*math.Max(1, math.Abs(v)) {
		r = round(r-math.Pow10(-u.decimals()), u)
	}
	return r
}
