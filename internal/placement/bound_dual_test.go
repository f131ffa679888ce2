// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"math"
	"math/rand/v2"
	"testing"
)

// maxDual's early exit (primalBound) is sound: on random matrices (pools a task may not use at +Inf,
// tasks outside a window at 0, alike rows) no λ the search finds beats the greedy assignment's largest
// load, and with a stop the verdict (above it or not) is the full search's.
func TestMaxDual_primalExit(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 13))
	exits := 0
	for it := 0; it < 3000; it++ {
		nT, nK := 1+rng.IntN(40), 1+rng.IntN(5)
		a := make([]float64, nT*nK)
		for i := range a {
			switch r := rng.Float64(); {
			case r < 0.15:
				a[i] = math.Inf(1)
			case r < 0.25:
				a[i] = 0
			default:
				a[i] = rng.Float64() / float64(1+rng.IntN(nT))
			}
			if v := i / nK; v > 0 && rng.Float64() < 0.3 { // alike tasks
				a[i] = a[i-nK]
			}
		}
		full := maxDual(a, nT, nK, math.Inf(1))
		rows, count := uniqueRows(a, nT, nK)
		if primal := primalBound(rows, count, nK); full > primal*(1+1e-12) {
			t.Fatalf("case %d: dual %v above the greedy assignment's %v", it, full, primal)
		}
		stop := full * (0.5 + rng.Float64())
		if math.IsInf(full, 1) {
			stop = 1
		}
		if got := maxDual(a, nT, nK, stop); (got > stop) != (full > stop) {
			t.Fatalf("case %d: with stop %v: %v, full search %v", it, stop, got, full)
		} else if got == 0 && full > 0 {
			exits++
		}
	}
	if exits == 0 {
		t.Error("the greedy assignment never ended a search early")
	}
	t.Logf("%d of 3000 searches ended by the greedy assignment", exits)
}
