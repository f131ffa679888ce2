// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// Solution.FoundBy names the step that found the placement, and the placement is what that step makes:
// a baseline's own figures, HEFT's per-stage reduction, a task-level plan refined from HEFT's, a split
// plan, or a whole-stage plan of the search. Checked on random problems (every step is seen) and on the
// shipped traces.
func TestFoundBy_matchesThePlacement(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	seen := map[string]int{}
	check := func(name string, sol *Solution) {
		t.Helper()
		fb := sol.FoundBy
		kind := fb
		if strings.HasPrefix(fb, "baseline ") {
			kind = "baseline"
		}
		seen[kind]++
		h := sol.Baseline(BaselineHEFT)
		switch {
		case fb == "baseline "+BaselineHEFT+" (per stage)":
			if !reflect.DeepEqual(sol.Assignment, h.Assignment) || sol.TaskPools != nil || sol.Burst != nil {
				t.Errorf("%s: found by %s: %v, HEFT per stage %v", name, fb, sol.Assignment, h.Assignment)
			}
		case kind == "baseline":
			b := sol.Baseline(strings.TrimPrefix(fb, "baseline "))
			if b == nil || !b.candidate || b.MakespanS != sol.Evaluation.MakespanS || b.CostUSD != sol.Evaluation.CostUSD ||
				sol.Burst != nil || !reflect.DeepEqual(sol.TaskPools, b.TaskPools) {
				t.Errorf("%s: found by %s, but the placement (%v s, $%v) is not it: %+v", name, fb, sol.Evaluation.MakespanS,
					sol.Evaluation.CostUSD, b)
			}
		case fb == "refining heft":
			if sol.TaskPools == nil || sol.Burst != nil || reflect.DeepEqual(sol.TaskPools, h.TaskPools) {
				t.Errorf("%s: found by %s: task pools %v (HEFT's %v), burst %v", name, fb, sol.TaskPools, h.TaskPools, sol.Burst)
			}
		case fb == "splitting":
			split := false
			for s := range sol.Assignment {
				split = split || sol.Plan().burstOf(s) >= 0
			}
			if !split || sol.TaskPools != nil {
				t.Errorf("%s: found by %s, but no stage is split: burst %v", name, fb, sol.Burst)
			}
		case fb == "exhaustive" || fb == "local-search":
			if sol.Method != fb || sol.Burst != nil || sol.TaskPools != nil {
				t.Errorf("%s: found by %s with method %s, burst %v, task pools %v", name, fb, sol.Method, sol.Burst, sol.TaskPools != nil)
			}
		default:
			t.Errorf("%s: found by %q, not a documented step", name, fb)
		}
	}
	for it := 0; it < 80; it++ {
		p := NewProblem(randomWorkflow(rng, 2+rng.IntN(6)), smallPlatforms())
		opt := Options{Objective: []Objective{ObjectiveCost, ObjectiveMakespan, ObjectiveWeighted}[it%3]}
		if it%4 == 3 {
			opt.MaxExhaustive = 1
		}
		if it%5 == 4 {
			opt.NoSplit = true
		}
		if sol, err := Solve(p, opt); err == nil {
			check("random", sol)
			if opt.NoSplit && (sol.Burst != nil || sol.TaskPools != nil || sol.Baseline(BaselineHEFT).candidate) {
				t.Errorf("NoSplit: burst %v, task pools %v, HEFT's mapping a candidate", sol.Burst, sol.TaskPools != nil)
			}
		}
	}
	for _, f := range traceFiles(t) {
		_, sol := solveTrace(t, loadTrace(t, f), balanced)
		check(f, sol)
	}
	for _, k := range []string{"baseline", "exhaustive", "local-search", "refining heft", "splitting"} {
		if seen[k] == 0 {
			t.Errorf("no problem was found by %s (%v): the test does not check that step", k, seen)
		}
	}
}

// By default a task-level placement (HEFT's mapping as a candidate) is offered for workflows of at most
// DefaultMaxTaskLevelTasks tasks, and not beyond.
func TestSolve_defaultTaskLevelLimit(t *testing.T) {
	for _, n := range []int{DefaultMaxTaskLevelTasks, DefaultMaxTaskLevelTasks + 1} {
		w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: n - 1, RuntimeS: 10}, {Name: "b", TaskCount: 1, RuntimeS: 5, DependsOn: []string{"a"}}})
		sol, err := Solve(NewProblem(w, DefaultPlatforms()), Options{Objective: ObjectiveMakespan})
		if err != nil {
			t.Fatal(err)
		}
		h := sol.Baseline(BaselineHEFT)
		if want := n <= DefaultMaxTaskLevelTasks; h.candidate != want || (!want && sol.TaskPools != nil) {
			t.Errorf("%d tasks: HEFT's mapping a candidate %v, task-level placement %v; want a candidate %v", n, h.candidate,
				sol.TaskPools != nil, want)
		}
	}
}
