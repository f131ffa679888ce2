// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// smallPlatforms are the default pools shrunk so that capacity matters on
// small workflows.
func smallPlatforms() Platforms {
	pl := DefaultPlatforms()
	pl.Pools[0].MaxNodes = 1 // hpc
	pl.Pools[1].MaxNodes = 3 // ray
	pl.Pools[2].Concurrency = 4
	pl.Pools[3].MaxVCPUs = 8
	return pl
}

// randomWorkflow builds a small random workflow mixing task-level and
// stage-level dependencies, long tasks (not serverless-feasible), GPU-free
// multi-core tasks, and sometimes a pinned or mpi stage.
func randomWorkflow(rng *rand.Rand, nStages int) *Workflow {
	w := &Workflow{Name: "random"}
	var prev []int
	for s := 0; s < nStages; s++ {
		st := Stage{Name: fmt.Sprintf("st%d", s)}
		switch rng.IntN(12) {
		case 0:
			st.Coupling = CouplingMPI
		case 1:
			st.Stateful = true
		case 2:
			st.Pin = "ray"
		}
		if s > 0 && rng.IntN(3) == 0 {
			st.DependsOn = []int{rng.IntN(s)}
		}
		w.Stages = append(w.Stages, st)
		n := 1 + rng.IntN(6)
		var cur []int
		long := rng.IntN(4) == 0
		for i := 0; i < n; i++ {
			t := Task{ID: fmt.Sprintf("st%d_%d", s, i), Stage: s, Cores: 1 + rng.IntN(2),
				RuntimeS:    1 + 200*rng.Float64(),
				MemoryBytes: int64(64+rng.IntN(4000)) << 20,
				InputBytes:  int64(rng.IntN(2e9)), OutputBytes: int64(rng.IntN(5e8))}
			if long {
				t.RuntimeS = 900 + 600*rng.Float64()
			}
			for _, p := range prev {
				if rng.IntN(2) == 0 {
					t.Parents = append(t.Parents, p)
				}
			}
			cur = append(cur, len(w.Tasks))
			w.Tasks = append(w.Tasks, t)
		}
		prev = cur
	}
	return w
}

// bruteForce evaluates every assignment over every pool and returns the best
// (violation, score) under the solution's normalisation, or ok=false when no
// assignment is feasible and meets the constraints.
func bruteForce(t *testing.T, p *Problem, opt Options, norm Normalisation) (best float64, bestA Assignment, ok bool) {
	t.Helper()
	nS, nP := len(p.Workflow.Stages), len(p.Pools)
	a := make(Assignment, nS)
	best = math.Inf(1)
	var rec func(s int)
	rec = func(s int) {
		if s == nS {
			ev, err := Evaluate(p, a)
			if err != nil {
				var ie *InfeasibleError
				if !errors.As(err, &ie) {
					t.Fatal(err)
				}
				return
			}
			if opt.DeadlineS > 0 && ev.MakespanS > opt.DeadlineS || opt.BudgetUSD > 0 && ev.CostUSD > opt.BudgetUSD {
				return
			}
			if sc := opt.Score(ev.CostUSD, ev.MakespanS, norm); sc < best {
				best, bestA, ok = sc, append(Assignment(nil), a...), true
			}
			return
		}
		for k := 0; k < nP; k++ {
			a[s] = k
			rec(s + 1)
		}
	}
	rec(0)
	return best, bestA, ok
}

func TestSolveMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 2024))
	iters := 60
	if raceEnabled || testing.Short() {
		iters = 15
	}
	objectives := []Objective{ObjectiveCost, ObjectiveMakespan, ObjectiveWeighted}
	checked := 0
	for it := 0; it < iters; it++ {
		w := randomWorkflow(rng, 2+rng.IntN(3))
		p := NewProblem(w, smallPlatforms())
		opt := Options{Objective: objectives[it%3], CostWeight: 0.2 + 0.6*rng.Float64()}
		if it%5 == 4 {
			opt.DeadlineS = 400 + 2000*rng.Float64()
		}
		if it%7 == 6 {
			opt.BudgetUSD = 0.05 + rng.Float64()
		}
		// Brute force enumerates whole-stage assignments: without splitting
		// Solve must find the same optimum, with splitting one no worse.
		split, err := Solve(p, opt)
		opt.NoSplit = true
		sol, err2 := Solve(p, opt)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("iteration %d: with splitting %v, without %v", it, err, err2)
		}
		if err == nil && split.Score > sol.Score+1e-12 {
			t.Fatalf("iteration %d: splitting scores %v, worse than whole stages' %v", it, split.Score, sol.Score)
		}
		if err != nil {
			var ie *InfeasibleError
			if !errors.As(err, &ie) {
				t.Fatalf("iteration %d: %v", it, err)
			}
			// Infeasible: brute force must agree that nothing qualifies.
			norm := Normalisation{CostUSD: 1, MakespanS: 1}
			if _, a, ok := bruteForce(t, p, opt, norm); ok {
				t.Fatalf("iteration %d: Solve says infeasible (%v) but %v qualifies", it, err, a)
			}
			continue
		}
		if sol.Method != "exhaustive" || !sol.Optimal {
			t.Fatalf("iteration %d: method %s", it, sol.Method)
		}
		best, bestA, ok := bruteForce(t, p, sol.Options, sol.Normalisation)
		if !ok {
			t.Fatalf("iteration %d: brute force found nothing but Solve returned %v", it, sol.Assignment)
		}
		if !near(best, sol.Score) {
			t.Fatalf("iteration %d (%s): Solve score %v (%v), brute force %v (%v)", it, opt.Objective, sol.Score, sol.Assignment, best, bestA)
		}
		checked++
	}
	if checked < iters/2 {
		t.Fatalf("only %d of %d iterations were feasible; the generator is too harsh", checked, iters)
	}
}

func TestLocalSearchNeverWorseThanBaselines(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	iters := 12
	if raceEnabled || testing.Short() {
		iters = 4
	}
	for it := 0; it < iters; it++ {
		w := randomWorkflow(rng, 6+rng.IntN(3))
		p := NewProblem(w, smallPlatforms())
		opt := Options{Objective: []Objective{ObjectiveCost, ObjectiveMakespan, ObjectiveWeighted}[it%3], MaxExhaustive: 1}
		sol, err := Solve(p, opt)
		if err != nil {
			t.Fatalf("iteration %d: %v", it, err)
		}
		if sol.Method != "local-search" || sol.Optimal {
			t.Fatalf("iteration %d: method %s optimal %v", it, sol.Method, sol.Optimal)
		}
		for _, b := range sol.Baselines {
			if (b.candidate || b.Name == BaselineBestSingle) && b.Feasible && b.Score < sol.Score-1e-12 {
				t.Fatalf("iteration %d: baseline %s scores %v, better than the solution's %v", it, b.Name, b.Score, sol.Score)
			}
		}
		// The reported evaluation matches a fresh one.
		ev, err := EvaluatePlan(p, sol.Plan())
		if err != nil {
			t.Fatal(err)
		}
		if !near(ev.CostUSD, sol.Evaluation.CostUSD) || !near(ev.MakespanS, sol.Evaluation.MakespanS) {
			t.Fatalf("iteration %d: evaluation mismatch", it)
		}
	}
}

func TestSolveDeterministic(t *testing.T) {
	w := Synthetic(2000, 9, 3)
	p := NewProblem(w, DefaultPlatforms())
	s1, err := Solve(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Solve(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m1, _ := NewManifest(p, s1)
	m2, _ := NewManifest(p, s2)
	j1, _ := m1.JSON()
	j2, _ := m2.JSON()
	if string(j1) != string(j2) || fmt.Sprint(s1.Pareto) != fmt.Sprint(s2.Pareto) {
		t.Fatal("Solve is not deterministic")
	}
}

func TestParetoFront(t *testing.T) {
	w := randomWorkflow(rand.New(rand.NewPCG(1, 1)), 4)
	p := NewProblem(w, smallPlatforms())
	sol, err := Solve(p, Options{Objective: ObjectiveCost})
	if err != nil {
		t.Fatal(err)
	}
	if len(sol.Pareto) == 0 {
		t.Fatal("empty Pareto front")
	}
	for i := 1; i < len(sol.Pareto); i++ {
		a, b := sol.Pareto[i-1], sol.Pareto[i]
		if !(b.MakespanS >= a.MakespanS && b.CostUSD < a.CostUSD) {
			t.Fatalf("front not sorted/non-dominated at %d: %+v then %+v", i, a, b)
		}
	}
	// The cost optimum is the cheapest point of the front.
	last := sol.Pareto[len(sol.Pareto)-1]
	if !near(last.CostUSD, sol.Evaluation.CostUSD) {
		t.Fatalf("cheapest front point %v, cost optimum %v", last.CostUSD, sol.Evaluation.CostUSD)
	}
	if !near(sol.Pareto[0].MakespanS, minMakespanBrute(t, p)) {
		t.Fatalf("fastest front point %v is not the fastest assignment", sol.Pareto[0].MakespanS)
	}
}

func minMakespanBrute(t *testing.T, p *Problem) float64 {
	best, _, _ := bruteForce(t, p, Options{Objective: ObjectiveMakespan}, Normalisation{})
	return best
}

func TestSolveHonoursPinsCouplingAndGPUs(t *testing.T) {
	c := DefaultCatalog()
	pl := DefaultPlatforms()
	gpu, err := NewRayPool(c, "gpu", "g5.xlarge", 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	pl.Pools = append(pl.Pools, gpu)
	w := mustFromStages(t, []StageSpec{
		{Name: "prep", TaskCount: 50, RuntimeS: 5},
		{Name: "sim", TaskCount: 4, RuntimeS: 600, Cores: 36, Coupling: CouplingMPI, DependsOn: []string{"prep"}},
		{Name: "train", TaskCount: 2, RuntimeS: 300, GPUs: 1, DependsOn: []string{"sim"}},
		{Name: "report", TaskCount: 1, RuntimeS: 5, Pin: "batch", DependsOn: []string{"train"}},
	})
	p := NewProblem(w, pl)
	sol, err := Solve(p, Options{Objective: ObjectiveCost})
	if err != nil {
		t.Fatal(err)
	}
	got := sol.Assignment.Names(p)
	if got[1] != "hpc" || got[2] != "gpu" || got[3] != "batch" {
		t.Fatalf("placement %v: want sim on hpc, train on gpu, report on batch", got)
	}
	// The all-serverless baseline is reported infeasible, with the stage.
	b := sol.Baseline(BaselineAllServerless)
	if b == nil || b.Feasible || !strings.Contains(b.Reason, `"sim"`) {
		t.Fatalf("all-serverless baseline %+v", b)
	}
}

func TestInfeasibleErrors(t *testing.T) {
	noGPU := mustFromStages(t, []StageSpec{
		{Name: "prep", TaskCount: 2, RuntimeS: 5},
		{Name: "train", TaskCount: 1, RuntimeS: 50, GPUs: 1, DependsOn: []string{"prep"}},
	})
	cases := []struct {
		name  string
		w     *Workflow
		pools func(Platforms) Platforms
		opt   Options
		stage string
		want  string
	}{
		{name: "gpu", w: noGPU, stage: "train", want: "fits no platform"},
		{name: "mpi without EFA", w: mustFromStages(t, []StageSpec{{Name: "sim", TaskCount: 2, RuntimeS: 5, Coupling: CouplingMPI}}),
			pools: func(p Platforms) Platforms { p.Pools[0].EFA = false; return p }, stage: "sim", want: "EFA"},
		{name: "pinned to serverless but too long", w: mustFromStages(t, []StageSpec{{Name: "long", TaskCount: 1, RuntimeS: 2000, Pin: "serverless"}}),
			stage: "long", want: "timeout"},
		{name: "too big for any node", w: mustFromStages(t, []StageSpec{{Name: "big", TaskCount: 1, RuntimeS: 100, Cores: 200}}),
			stage: "big", want: "200 cores"},
		{name: "deadline", w: mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 4, RuntimeS: 100}, {Name: "b", TaskCount: 1, RuntimeS: 100, DependsOn: []string{"a"}}}),
			opt: Options{DeadlineS: 150}, stage: "b", want: "deadline"},
		{name: "budget", w: mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 100, RuntimeS: 100}}),
			opt: Options{Objective: ObjectiveMakespan, BudgetUSD: 1e-6}, stage: "a", want: "budget"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pl := DefaultPlatforms()
			if tc.pools != nil {
				pl = tc.pools(pl)
			}
			_, err := Solve(NewProblem(tc.w, pl), tc.opt)
			var ie *InfeasibleError
			if !errors.As(err, &ie) {
				t.Fatalf("want InfeasibleError, got %v", err)
			}
			if ie.Stage != tc.stage || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %q (stage %q), want stage %q and %q", err, ie.Stage, tc.stage, tc.want)
			}
			wantConstraint := ""
			if tc.want == ConstraintDeadline || tc.want == ConstraintBudget {
				wantConstraint = tc.want
			}
			if ie.Constraint != wantConstraint {
				t.Errorf("Constraint = %q, want %q", ie.Constraint, wantConstraint)
			}
		})
	}
}

func TestSolveDeadlineAndBudgetSteerTheChoice(t *testing.T) {
	w := mustFromStages(t, []StageSpec{
		{Name: "burst", TaskCount: 200, RuntimeS: 20},
		{Name: "merge", TaskCount: 1, RuntimeS: 60, DependsOn: []string{"burst"}},
	})
	p := NewProblem(w, DefaultPlatforms())
	cheap, err := Solve(p, Options{Objective: ObjectiveCost})
	if err != nil {
		t.Fatal(err)
	}
	fast, err := Solve(p, Options{Objective: ObjectiveMakespan})
	if err != nil {
		t.Fatal(err)
	}
	if !(fast.Evaluation.MakespanS <= cheap.Evaluation.MakespanS && cheap.Evaluation.CostUSD <= fast.Evaluation.CostUSD) {
		t.Fatalf("cost optimum %+v vs makespan optimum %+v", cheap.Evaluation.MakespanS, fast.Evaluation.MakespanS)
	}
	if fast.Evaluation.MakespanS < cheap.Evaluation.MakespanS {
		// A deadline between the two forces a faster, costlier placement.
		d := (fast.Evaluation.MakespanS + cheap.Evaluation.MakespanS) / 2
		sol, err := Solve(p, Options{Objective: ObjectiveCost, DeadlineS: d})
		if err != nil {
			t.Fatal(err)
		}
		if sol.Evaluation.MakespanS > d {
			t.Fatalf("deadline %v not met: %v", d, sol.Evaluation.MakespanS)
		}
	}
	if _, err := Solve(p, Options{Objective: "speed"}); err == nil {
		t.Fatal("unknown objective accepted")
	}
}

func TestHEFTTaskLevelSchedule(t *testing.T) {
	w := Synthetic(500, 6, 11)
	p := NewProblem(w, DefaultPlatforms())
	h, err := HEFT(p)
	if err != nil {
		t.Fatal(err)
	}
	for i, task := range w.Tasks {
		for _, par := range task.Parents {
			if h.TaskStartS[i] < h.TaskFinishS[par]-1e-9 {
				t.Fatalf("HEFT starts %s before its parent finishes", task.ID)
			}
		}
		if h.TaskFinishS[i] > h.TaskMakespanS+1e-9 {
			t.Fatal("task finishes after HEFT makespan")
		}
	}
	if _, err := Evaluate(p, h.Assignment); err != nil {
		t.Fatalf("HEFT's per-stage reduction is not feasible: %v", err)
	}
}
