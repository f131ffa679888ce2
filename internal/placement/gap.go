// SPDX-License-Identifier: MPL-2.0

package placement

// SolveBounded is [Solve] with the problem's lower bound ([Bound]) in
// Solution.Bound, so the solution says how far it can be from the best
// placement of the problem: its makespan against Bound's PoolsAsGivenS
// (the bound on the pools exactly as given, which every placement Solve
// simulates runs on) and its cost against CostPoolsAsGivenUSD (see
// [GapPct]).
//
// The bound adds about a fifth to the search's time on synthetic workflows
// of 10,000 and 100,000 tasks (BenchmarkBound and BenchmarkSolveBounded in
// `make bench`). Its time windows start at up to maxReleases times up to
// maxReleaseTasks tasks, at time 0 only above (see bound_window.go); the
// result is a bound either way.
func SolveBounded(p *Problem, opts Options) (*Solution, error) {
	sol, err := Solve(p, opts)
	if err != nil {
		return nil, err
	}
	if sol.Bound, err = Bound(p); err != nil {
		return nil, err
	}
	return sol, nil
}

// GapPct is how much more than a lower bound a placement's value is, in
// percent of the bound: (ours − bound) / bound × 100, 0 when ours is at the
// bound (the placement is then optimal for that value: no placement can do
// better). It is at least how far the placement is from the best one, never
// less: the best placement may itself be above the bound. ok is false when
// the bound is not positive (no ratio to give).
func GapPct(ours, bound float64) (gap float64, ok bool) {
	if !(bound > 0) {
		return 0, false
	}
	if ours <= bound {
		return 0, true
	}
	return (ours - bound) / bound * 100, true
}
