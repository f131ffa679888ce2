// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// Property tests: Solve and Evaluate never panic, and every solution they
// return is a valid schedule that respects the pools' limits, the pins and
// the constraints, is never worse than a baseline, and is optimal when it
// says so.

// checkCase solves a random problem and checks every property. brute
// enables the comparison with brute force on small problems.
func checkCase(t testing.TB, c *genCase, brute bool) {
	t.Helper()
	fail := func(format string, a ...any) {
		t.Helper()
		t.Fatalf("%s\n%s", fmt.Sprintf(format, a...), c)
	}
	w, err := FromStages(c.specs)
	if err != nil {
		return // invalid stage input is an error, not a panic
	}
	if len(c.edges) > 0 {
		nT := len(w.Tasks)
		for _, e := range c.edges {
			par, ch := e[0]%nT, e[1]%nT
			if w.Tasks[par].Stage < w.Tasks[ch].Stage {
				w.Tasks[ch].Parents = append(w.Tasks[ch].Parents, par)
			}
		}
		if err := w.Validate(); err != nil {
			fail("task edges from earlier stages made the workflow invalid: %v", err)
		}
	}
	addShared(w, c.shared)
	if err := w.Validate(); err != nil {
		fail("shared files made the workflow invalid: %v", err)
	}
	p := NewProblem(w, c.plat)
	validErr := p.Validate()
	sol, err := Solve(p, c.opt)
	_, optErr := c.opt.normalised()
	if err != nil {
		if sol != nil {
			fail("Solve returned both a solution and %v", err)
		}
		var ie *InfeasibleError
		if errors.As(err, &ie) {
			if validErr != nil || optErr != nil {
				fail("invalid input (%v, %v) reported as infeasible: %v", validErr, optErr, err)
			}
			if ie.Stage != "" && w.StageIndex(ie.Stage) < 0 {
				fail("infeasible error names unknown stage %q", ie.Stage)
			}
			if ie.Stage == "" && !(c.opt.DeadlineS > 0 && c.opt.BudgetUSD > 0) {
				fail("infeasible error names no stage: %v", err)
			}
		} else if validErr == nil && optErr == nil {
			fail("valid problem gave a non-infeasibility error: %v", err)
		}
		if brute && validErr == nil && optErr == nil && errors.As(err, &ie) {
			if _, a, ok := bruteForceCase(t, p, sol, c.opt); ok {
				fail("Solve says infeasible (%v) but %v qualifies", err, a)
			}
		}
		checkEvaluateRandom(t, p, c, fail)
		return
	}
	if validErr != nil || optErr != nil {
		fail("invalid input (%v, %v) was solved", validErr, optErr)
	}
	if sol.Evaluation == nil || len(sol.Assignment) != len(w.Stages) {
		fail("incomplete solution %+v", sol)
	}
	checkEvaluation(t, p, sol.Plan(), sol.Evaluation, fail)
	ev := sol.Evaluation
	if o := sol.Options; o.DeadlineS > 0 && ev.MakespanS > o.DeadlineS {
		fail("makespan %v misses the deadline %v", ev.MakespanS, o.DeadlineS)
	}
	if o := sol.Options; o.BudgetUSD > 0 && ev.CostUSD > o.BudgetUSD {
		fail("cost %v exceeds the budget %v", ev.CostUSD, o.BudgetUSD)
	}
	if !isFinite(sol.Score) || sol.Score < 0 {
		fail("score %v", sol.Score)
	}
	if sc := sol.Options.Score(ev.CostUSD, ev.MakespanS, sol.Normalisation); !near(sc, sol.Score) {
		fail("reported score %v, evaluation scores %v", sol.Score, sc)
	}
	for _, b := range sol.Baselines {
		if !b.Feasible {
			continue
		}
		if !isFinite(b.CostUSD) || !isFinite(b.MakespanS) || !isFinite(b.Score) {
			fail("baseline %s: non-finite figures %+v", b.Name, b)
		}
		// The search starts from the per-stage baselines on the problem's own
		// pools; the static cluster (other pools) and HEFT (task level) may
		// score better.
		searched := b.candidate || b.Name == BaselineBestSingle
		if searched && b.MeetsConstraints && b.Score < sol.Score && !near(b.Score, sol.Score) {
			fail("baseline %s scores %v, better than the solution's %v", b.Name, b.Score, sol.Score)
		}
	}
	// Every figure the search memoised is what a fresh evaluation gives.
	check := func(what string, a Assignment, mk, cost float64, ev *Evaluation, err error) {
		t.Helper()
		if err != nil {
			fail("%s %v: Evaluate = %v", what, a, err)
		}
		if ev.MakespanS != mk || ev.CostUSD != cost {
			fail("%s %v: reported %v s $%v, Evaluate gives %v s $%v", what, a, mk, cost, ev.MakespanS, ev.CostUSD)
		}
	}
	fresh := func(what string, pl Plan, mk, cost float64) {
		t.Helper()
		ev, err := EvaluatePlan(p, pl)
		check(what, pl.Stages, mk, cost, ev, err)
	}
	for i := range sol.Baselines {
		if b := &sol.Baselines[i]; b.Feasible {
			ev, err := EvaluateBaseline(p, b)
			check("baseline "+b.Name, b.Assignment, b.MakespanS, b.CostUSD, ev, err)
		}
	}
	for i, pp := range sol.Pareto {
		if !isFinite(pp.CostUSD) || !isFinite(pp.MakespanS) || pp.CostUSD < 0 || pp.MakespanS < 0 {
			fail("Pareto point %+v", pp)
		}
		if i < 4 {
			fresh("Pareto point", Plan{Stages: pp.Assignment, Burst: pp.Burst, Tasks: pp.TaskPools, Order: pp.TaskOrder}, pp.MakespanS, pp.CostUSD)
		}
	}
	// The reported evaluation is what Evaluate says.
	ev2, err := EvaluatePlan(p, sol.Plan())
	if err != nil {
		fail("Evaluate(solution) = %v", err)
	}
	if ev2.MakespanS != ev.MakespanS || ev2.CostUSD != ev.CostUSD {
		fail("Evaluate(solution) = %v s $%v, Solve reported %v s $%v", ev2.MakespanS, ev2.CostUSD, ev.MakespanS, ev.CostUSD)
	}
	if sol.Optimal && brute {
		best, a, ok := bruteForceCase(t, p, sol, sol.Options)
		if !ok {
			fail("brute force found nothing but Solve returned %v", sol.Assignment)
		}
		if !near(best, sol.Score) && best < sol.Score {
			fail("Solve (optimal) scores %v with %v, brute force %v with %v", sol.Score, sol.Assignment, best, a)
		}
	}
	// Nothing Solve simulates beats the lower bound (see bound_test.go).
	if lb, err := Bound(p); err != nil {
		fail("Bound of a problem Solve solved: %v", err)
	} else {
		checkAboveBound(t, p, sol, lb, fail)
	}
	// Rendering never panics.
	_ = GanttMermaid("fuzz", p, ev)
	_ = Table(ev)
	_ = BaselineTable(sol)
	if m, err := NewManifest(p, sol); err != nil {
		fail("NewManifest: %v", err)
	} else if _, err := m.JSON(); err != nil {
		fail("manifest JSON: %v", err)
	}
	checkEvaluateRandom(t, p, c, fail)
}

// checkEvaluateRandom evaluates a few arbitrary assignments (some out of
// range): no panic, and a valid schedule when it succeeds.
func checkEvaluateRandom(t testing.TB, p *Problem, c *genCase, fail func(string, ...any)) {
	t.Helper()
	if p.Workflow == nil {
		return
	}
	nS, nP := len(p.Workflow.Stages), len(p.Pools)
	seed := uint64(nS*131 + nP)
	for _, s := range c.specs {
		seed = seed*31 + uint64(s.TaskCount)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := 0; i < 3; i++ {
		a := make(Assignment, nS)
		for s := range a {
			a[s] = rng.IntN(nP+1) - boolI(rng.IntN(20) == 0)
		}
		if i == 2 && rng.IntN(10) == 0 {
			a = a[:len(a)-1]
		}
		ev, err := Evaluate(p, a)
		if err != nil {
			continue
		}
		checkEvaluation(t, p, Plan{Stages: a}, ev, fail)
	}
}

func boolI(b bool) int {
	if b {
		return 1
	}
	return 0
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// checkEvaluation verifies an evaluation independently of the simulator:
// timeline, dependencies, pool limits, pins and totals.
func checkEvaluation(t testing.TB, p *Problem, plan Plan, ev *Evaluation, fail func(string, ...any)) {
	t.Helper()
	a := plan.Stages
	w := p.Workflow
	if !isFinite(ev.MakespanS) || ev.MakespanS < 0 || !isFinite(ev.CostUSD) || ev.CostUSD < 0 {
		fail("makespan %v, cost %v", ev.MakespanS, ev.CostUSD)
	}
	if len(ev.Tasks) != len(w.Tasks) || len(ev.Stages) != len(w.Stages) || len(ev.Pools) != len(p.Pools) {
		fail("evaluation has %d tasks, %d stages, %d pools", len(ev.Tasks), len(ev.Stages), len(ev.Pools))
	}
	// Stages: pool limits, coupling, pins.
	for s := range w.Stages {
		st := &w.Stages[s]
		pl := &p.Pools[a[s]]
		if ev.Stages[s].Pool != pl.Name {
			fail("stage %s reported on %s, assigned to %s", st.Name, ev.Stages[s].Pool, pl.Name)
		}
		if st.Pin != "" && st.Pin != pl.Name && st.Pin != string(pl.Kind) {
			fail("stage %s pinned to %q runs on %s", st.Name, st.Pin, pl.Name)
		}
		if st.Coupling == CouplingMPI && !(pl.Kind == KindHPC && pl.EFA) {
			fail("mpi stage %s runs on %s (%s, efa %v)", st.Name, pl.Name, pl.Kind, pl.EFA)
		}
		if st.Stateful && pl.Kind == KindServerless {
			fail("stateful stage %s runs on serverless pool %s", st.Name, pl.Name)
		}
	}
	// Tasks: fit, timeline, dependencies.
	stageFinish := make([]float64, len(w.Stages))
	for i := range w.Tasks {
		sp := ev.Tasks[i]
		if !isFinite(sp.StartS) || !isFinite(sp.FinishS) || sp.StartS < 0 || sp.FinishS < sp.StartS {
			fail("task %s: start %v finish %v", w.Tasks[i].ID, sp.StartS, sp.FinishS)
		}
		if sp.FinishS > ev.MakespanS {
			fail("task %s finishes at %v after the makespan %v", w.Tasks[i].ID, sp.FinishS, ev.MakespanS)
		}
		stageFinish[w.Tasks[i].Stage] = max(stageFinish[w.Tasks[i].Stage], sp.FinishS)
	}
	lastFinish := 0.0
	for i := range w.Tasks {
		task := &w.Tasks[i]
		sp := ev.Tasks[i]
		lastFinish = max(lastFinish, sp.FinishS)
		if plan.Tasks != nil {
			if sp.Pool != plan.Tasks[i] {
				fail("task %s on pool %d, the plan puts it on %d", task.ID, sp.Pool, plan.Tasks[i])
			}
		} else if sp.Pool != a[task.Stage] && sp.Pool != plan.burstOf(task.Stage) {
			fail("task %s on pool %d, its stage is on %d", task.ID, sp.Pool, a[task.Stage])
		}
		for _, par := range task.Parents {
			if sp.StartS < ev.Tasks[par].FinishS {
				fail("task %s starts at %v before its parent %s finishes at %v", task.ID, sp.StartS, w.Tasks[par].ID, ev.Tasks[par].FinishS)
			}
		}
		for _, d := range w.Stages[task.Stage].DependsOn {
			if sp.StartS < stageFinish[d] {
				fail("task %s starts at %v before stage %s finishes at %v", task.ID, sp.StartS, w.Stages[d].Name, stageFinish[d])
			}
		}
		pl := &p.Pools[sp.Pool]
		switch pl.Kind {
		case KindHPC, KindRay:
			checkTaskNodes(p, i, sp, ev.Pools[sp.Pool].Nodes, fail)
			// Node 0 is the head node when the pool's head runs tasks.
			if sp.Node < 0 || sp.Node >= ev.Pools[sp.Pool].Nodes+headsOf(p, sp.Pool) {
				fail("task %s on node %d of %d", task.ID, sp.Node, ev.Pools[sp.Pool].Nodes)
			}
		case KindServerless:
			mem := ev.Stages[task.Stage].MemoryMB
			if task.GPUs > 0 || int64(mem)<<20 < task.MemoryBytes || mem < pl.MinMemoryMB || mem > pl.MaxMemoryMB {
				fail("task %s (%d B, %d GPUs) on function %s with %d MB", task.ID, task.MemoryBytes, task.GPUs, pl.Name, mem)
			}
			if d := sp.FinishS - sp.StartS; d > pl.TimeoutS*(1+1e-9) {
				fail("task %s runs %v s on %s, over the %v s timeout", task.ID, d, pl.Name, pl.TimeoutS)
			}
		case KindBatch:
			if task.GPUs > 0 || task.Cores > pl.MaxTaskVCPUs || task.Cores > 16 || task.MemoryBytes > pl.MaxTaskMemoryBytes || task.MemoryBytes > 120e9 {
				fail("task %s (%d cores, %d B, %d GPUs) on Fargate pool %s", task.ID, task.Cores, task.MemoryBytes, task.GPUs, pl.Name)
			}
		}
	}
	if !near(lastFinish, ev.MakespanS) {
		fail("makespan %v, last task finishes at %v", ev.MakespanS, lastFinish)
	}
	// Capacity over time: VM nodes, function concurrency, Fargate vCPUs.
	type ev1 struct {
		t     float64
		start bool
		i     int
	}
	for k := range p.Pools {
		pl := &p.Pools[k]
		if pl.Kind.isVM() && ev.Pools[k].Nodes > pl.MaxNodes {
			fail("pool %s runs %d nodes, max %d", pl.Name, ev.Pools[k].Nodes, pl.MaxNodes)
		}
		var evs []ev1
		for i := range ev.Tasks {
			if ev.Tasks[i].Pool == k && ev.Tasks[i].FinishS > ev.Tasks[i].StartS {
				evs = append(evs, ev1{ev.Tasks[i].StartS, true, i}, ev1{ev.Tasks[i].FinishS, false, i})
			}
		}
		sort.Slice(evs, func(x, y int) bool {
			if evs[x].t != evs[y].t {
				return evs[x].t < evs[y].t
			}
			return !evs[x].start && evs[y].start // ends before starts
		})
		type use struct {
			cores, gpus int
			mem         int64
		}
		nodes := map[int]*use{}
		running, vcpus := 0, 0
		for _, e := range evs {
			task := &w.Tasks[e.i]
			sg := 1
			if !e.start {
				sg = -1
			}
			switch pl.Kind {
			case KindHPC, KindRay:
				// A multi-node task holds each of its nodes whole.
				held, cores, gpus, mem := []int{ev.Tasks[e.i].Node}, task.Cores, task.GPUs, task.MemoryBytes
				if len(ev.Tasks[e.i].Nodes) > 0 {
					held, cores, gpus, mem = ev.Tasks[e.i].Nodes, pl.VCPUs, pl.GPUs, pl.MemoryBytes
				}
				for _, node := range held {
					n := nodes[node]
					if n == nil {
						n = &use{}
						nodes[node] = n
					}
					n.cores += sg * cores
					n.gpus += sg * gpus
					n.mem += int64(sg) * mem
					vc, gp, mem := pl.VCPUs, pl.GPUs, pl.MemoryBytes
					if node < headsOf(p, k) {
						vc, gp, mem = pl.HeadVCPUs, 0, pl.HeadMemoryBytes
					}
					if n.cores > vc || n.gpus > gp || n.mem > mem {
						fail("pool %s node %d over capacity at %v: %+v", pl.Name, node, e.t, *n)
					}
				}
			case KindServerless:
				running += sg
				if running > pl.Concurrency {
					fail("pool %s runs %d functions at %v, concurrency %d", pl.Name, running, e.t, pl.Concurrency)
				}
			case KindBatch:
				v, _, ok := fargateSize(task.Cores, task.MemoryBytes, pl)
				if !ok || v < task.Cores {
					fail("task %s has no Fargate size on %s", task.ID, pl.Name)
				}
				vcpus += sg * v
				if vcpus > pl.MaxVCPUs {
					fail("pool %s uses %d vCPUs at %v, max %d", pl.Name, vcpus, e.t, pl.MaxVCPUs)
				}
			}
		}
	}
	// Totals.
	sum := ev.S3RequestUSD + ev.StorageUSD
	for _, u := range ev.Pools {
		if !isFinite(u.CostUSD) || u.CostUSD < 0 {
			fail("pool %s cost %v", u.Pool, u.CostUSD)
		}
		sum += u.CostUSD
	}
	if math.Abs(sum-ev.CostUSD) > 1e-9*math.Max(1, ev.CostUSD) {
		fail("pool costs sum to %v, total %v", sum, ev.CostUSD)
	}
	for _, r := range ev.Stages {
		if !isFinite(r.CostUSD) || r.CostUSD < 0 || !isFinite(r.StartS) || !isFinite(r.FinishS) {
			fail("stage %+v", r)
		}
	}
}

// bruteForceCase evaluates every assignment and returns the best score under
// the solution's normalisation among those meeting the constraints. When sol
// is nil (Solve said infeasible) only feasibility matters.
func bruteForceCase(t testing.TB, p *Problem, sol *Solution, opts Options) (float64, Assignment, bool) {
	t.Helper()
	opt, _ := opts.normalised()
	norm := Normalisation{CostUSD: 1, MakespanS: 1}
	if sol != nil {
		norm = sol.Normalisation
	}
	nS, nP := len(p.Workflow.Stages), len(p.Pools)
	a := make(Assignment, nS)
	best, bestA, ok := math.Inf(1), Assignment(nil), false
	var rec func(s int)
	rec = func(s int) {
		if s == nS {
			ev, err := Evaluate(p, a)
			if err != nil {
				return
			}
			if opt.DeadlineS > 0 && ev.MakespanS > opt.DeadlineS || opt.BudgetUSD > 0 && ev.CostUSD > opt.BudgetUSD {
				return
			}
			if sc := opt.Score(ev.CostUSD, ev.MakespanS, norm); !ok || sc < best {
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

// headsOf is 1 when pool k has a head node that runs tasks (it is then node
// 0): its cluster's head runs tasks and k is the cluster's first pool (no
// earlier pool has its kind and cluster name).
func headsOf(p *Problem, k int) int {
	pl := &p.Pools[k]
	for j := 0; j < k; j++ {
		if p.Pools[j].Kind == pl.Kind && p.Pools[j].Cluster == pl.Cluster {
			return 0
		}
	}
	if pl.HeadVCPUs > 0 {
		return 1
	}
	return 0
}

// smallForBruteForce reports whether brute force over all assignments is
// cheap.
func smallForBruteForce(c *genCase) bool {
	tasks := 0
	for _, s := range c.specs {
		tasks += s.TaskCount
	}
	return math.Pow(float64(len(c.plat.Pools)), float64(len(c.specs))) <= 256 && tasks <= 200
}

func TestSolve_randomProblemsDoNotPanic(t *testing.T) {
	n := 2000
	if raceEnabled || testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		f := newFuzzSource(uint64(i), nil)
		c := genProblem(f, 300)
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			checkCase(t, c, smallForBruteForce(c) && i%4 == 0)
		})
		if t.Failed() {
			return
		}
	}
}

func FuzzSolve(f *testing.F) {
	for i := uint64(0); i < 16; i++ {
		f.Add(i, []byte{})
	}
	f.Add(uint64(1), []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"))
	f.Fuzz(func(t *testing.T, seed uint64, data []byte) {
		c := genProblem(newFuzzSource(seed, data), 300)
		checkCase(t, c, smallForBruteForce(c))
	})
}

// checkTaskNodes checks, independently of the simulator, where task i ran on
// a VM pool with started nodes: one node that holds it, or, for a task of
// an "mpi" stage that one node cannot hold (or whose stage sets nodes > 1),
// distinct worker nodes, as many as the stage's nodes or the fewest that
// hold it, each holding its share, on an HPC pool with EFA.
func checkTaskNodes(p *Problem, i int, sp TaskSpan, started int, fail func(string, ...any)) {
	task := &p.Workflow.Tasks[i]
	st := &p.Workflow.Stages[task.Stage]
	pl := &p.Pools[sp.Pool]
	want := 1
	if st.Coupling == CouplingMPI {
		want = max(st.Nodes, 1)
		for st.Nodes == 0 && want <= pl.MaxNodes && (ceilDiv(task.Cores, want) > pl.VCPUs || (task.MemoryBytes+int64(want)-1)/int64(want) > pl.MemoryBytes ||
			ceilDiv(task.GPUs, want) > pl.GPUs) {
			want++
		}
	}
	if want == 1 {
		if len(sp.Nodes) > 0 || task.Cores > pl.VCPUs || task.MemoryBytes > pl.MemoryBytes || task.GPUs > pl.GPUs {
			fail("task %s (%d cores, %d B, %d GPUs) on %s nodes (%d, %d, %d) %v", task.ID, task.Cores, task.MemoryBytes, task.GPUs,
				pl.Name, pl.VCPUs, pl.MemoryBytes, pl.GPUs, sp.Nodes)
		}
		// Node 0 is the head node when the pool's head runs tasks.
		if sp.Node < 0 || sp.Node >= started+headsOf(p, sp.Pool) {
			fail("task %s on node %d of %d", task.ID, sp.Node, started)
		}
		return
	}
	if pl.Kind != KindHPC || !pl.EFA || len(sp.Nodes) != want || want > pl.MaxNodes || sp.Node != sp.Nodes[0] {
		fail("mpi task %s spans nodes %v (node %d) of %s (%s, efa %v, max %d), want %d", task.ID, sp.Nodes, sp.Node, pl.Name,
			pl.Kind, pl.EFA, pl.MaxNodes, want)
		return
	}
	for j, n := range sp.Nodes {
		if n < headsOf(p, sp.Pool) || n >= started+headsOf(p, sp.Pool) || (j > 0 && n <= sp.Nodes[j-1]) {
			fail("mpi task %s spans nodes %v of %d started", task.ID, sp.Nodes, started)
		}
	}
	if ceilDiv(task.Cores, want) > pl.VCPUs || (task.MemoryBytes+int64(want)-1)/int64(want) > pl.MemoryBytes || ceilDiv(task.GPUs, want) > pl.GPUs {
		fail("mpi task %s (%d cores, %d B, %d GPUs) over %d %s nodes", task.ID, task.Cores, task.MemoryBytes, task.GPUs, want, pl.Name)
	}
}

// addShared gives w the shared files of genCase.shared: for each (stage, eighths), a file of that
// many eighths of the stage's smallest input, read by the stage's tasks and by every later task whose
// input leaves room for it beside the shared files it already reads.
func addShared(w *Workflow, shared [][2]int) {
	st := w.StageTasks()
	for _, sh := range shared {
		s := sh[0] % len(w.Stages)
		small := int64(-1)
		for _, i := range st[s] {
			if b := w.Tasks[i].InputBytes; small < 0 || b < small {
				small = b
			}
		}
		size := small / 8 * int64(sh[1])
		if size <= 0 {
			continue
		}
		f := int32(len(w.SharedFiles))
		w.SharedFiles = append(w.SharedFiles, SharedFile{ID: fmt.Sprintf("f%d", f), Bytes: size})
		for i := range w.Tasks {
			t := &w.Tasks[i]
			if t.Stage < s {
				continue
			}
			var used int64
			for _, g := range t.SharedInputs {
				used += w.SharedFiles[g].Bytes
			}
			if size <= t.InputBytes-used {
				t.SharedInputs = append(t.SharedInputs, f)
			}
		}
	}
}
