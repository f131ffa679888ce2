// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"
)

// atLeast fails when a makespan or cost x is below the bound lb (beyond rounding).
func atLeast(x, lb float64) bool { return x >= lb-1e-9*max(1, lb) }

// checkAboveBound checks that the solution, every plan its search kept on the Pareto front, every feasible
// baseline (simulated again outside Solve) and HEFT's own estimate of its schedule are no better than the
// bound.
func checkAboveBound(t testing.TB, p *Problem, sol *Solution, lb *LowerBound, fail func(string, ...any)) {
	t.Helper()
	// given: the plan runs on p's pools as given (every one but the static cluster's).
	check := func(what string, mk, cost float64, given bool) {
		if !atLeast(mk, lb.MakespanS) || !atLeast(cost, lb.CostUSD) ||
			(given && (!atLeast(mk, lb.PoolsAsGivenS) || !atLeast(cost, lb.CostPoolsAsGivenUSD))) {
			fail("%s: %v s, $%v, below the bound %+v", what, mk, cost, lb)
		}
	}
	check("the placement", sol.Evaluation.MakespanS, sol.Evaluation.CostUSD, true)
	for _, pp := range sol.Pareto {
		check(fmt.Sprintf("Pareto point %v", pp.Assignment), pp.MakespanS, pp.CostUSD, true)
	}
	for i := range sol.Baselines {
		b := &sol.Baselines[i]
		if !b.Feasible {
			continue
		}
		given := b.Name != BaselineStatic
		ev, err := EvaluateBaseline(p, b)
		if err != nil {
			fail("baseline %s simulated again: %v", b.Name, err)
		}
		if k := staticPool(p); !given && k >= 0 && b.Nodes > p.Pools[k].MaxNodes {
			// Options.StaticNodes beyond the pool's MaxNodes: other pools than p's, where only the
			// critical path (which does not depend on node counts) bounds the makespan.
			if !atLeast(b.MakespanS, lb.CriticalPathS) || !atLeast(ev.MakespanS, lb.CriticalPathS) {
				fail("static cluster of %d nodes: %v s, below the critical path %+v", b.Nodes, b.MakespanS, lb)
			}
			continue
		}
		check("baseline "+b.Name, b.MakespanS, b.CostUSD, given)
		check("baseline "+b.Name+" simulated again", ev.MakespanS, ev.CostUSD, given)
		if b.Name == BaselineHEFT && !atLeast(b.TaskLevelMakespanS, lb.PoolsAsGivenS) {
			fail("HEFT's own estimate %v s is below the bound %+v", b.TaskLevelMakespanS, lb)
		}
	}
}

// On every shipped trace, on the right-sized default platforms, with the static cluster created for the
// run and up before it: nothing Solve simulates beats the bound, and the bound is positive. And the README's
// claim: against the static cluster up before the run, no placement can have 34% less makespan on average
// (the most, 1 - bound / that cluster, is below it).
func TestBound_shippedTraces(t *testing.T) {
	most, n := 0.0, 0
	defer func() {
		if n == len(traceFiles(t)) && most/float64(n) >= 0.34 {
			t.Errorf("any placement could be %.1f%% faster than the standing cluster on average: the README says below 34%%",
				100*most/float64(n))
		}
	}()
	for _, f := range traceFiles(t) {
		w := loadTrace(t, f)
		for _, up := range []bool{false, true} {
			opt := balanced
			opt.StaticUp = up
			p, sol := solveTrace(t, w, opt)
			lb, err := Bound(p)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if !(lb.CriticalPathS > 0 && lb.CostUSD > 0 && lb.MakespanS >= lb.CriticalPathS && lb.MakespanS >= lb.WorkS) {
				t.Errorf("%s: bound %+v", f, lb)
			}
			fail := func(format string, a ...any) {
				t.Helper()
				t.Errorf("%s (static up %v): %s", filepath.Base(f), up, fmt.Sprintf(format, a...))
			}
			checkAboveBound(t, p, sol, lb, fail)
			if b := sol.Baseline(BaselineStatic); up && b.Feasible {
				most += 1 - lb.MakespanS/b.MakespanS
				n++
			}
			// The makespan objective: the fastest placement the search finds, and HEFT's.
			if !up {
				mk, err := Solve(p, Options{Objective: ObjectiveMakespan})
				if err != nil {
					t.Fatal(err)
				}
				checkAboveBound(t, p, mk, lb, fail)
			}
		}
	}
}

// boundCase builds a random problem's workflow as checkCase does; nil when the input is invalid.
func boundCase(c *genCase) *Problem {
	w, err := FromStages(c.specs)
	if err != nil {
		return nil
	}
	nT := len(w.Tasks)
	for _, e := range c.edges {
		if par, ch := e[0]%nT, e[1]%nT; w.Tasks[par].Stage < w.Tasks[ch].Stage {
			w.Tasks[ch].Parents = append(w.Tasks[ch].Parents, par)
		}
	}
	addShared(w, c.shared)
	p := NewProblem(w, c.plat)
	if p.Validate() != nil {
		return nil
	}
	if _, err := c.opt.normalised(); err != nil {
		return nil
	}
	return p
}

// On random problems (the fuzz suite's generators: every pool kind, capacity limits, shared Lustre and S3
// throughput, shared files and the page cache, stage barriers and task edges, multi-node MPI stages, pins,
// budgets and deadlines), nothing Solve simulates beats the bound: the placement, every Pareto point, every
// baseline, HEFT's own estimate; nor do arbitrary per-stage assignments and task-level plans.
func TestBound_randomProblems(t *testing.T) {
	n := 300
	if raceEnabled || testing.Short() {
		n = 80
	}
	for _, g := range []struct {
		name string
		gen  func(f *fuzzSource) *genCase
	}{
		{"random", func(f *fuzzSource) *genCase { return genProblem(f, 60) }},
		{"mpi", genMPICase},
	} {
		checked, work, seeds := 0, 0, 0
		for ; checked < n && seeds < 20*n; seeds++ {
			c := g.gen(newFuzzSource(uint64(seeds), nil))
			p := boundCase(c)
			if p == nil {
				continue // invalid input
			}
			fail := func(format string, a ...any) {
				t.Helper()
				t.Fatalf("%s case %d: %s\n%s", g.name, seeds, fmt.Sprintf(format, a...), c)
			}
			lb, err := Bound(p)
			sol, serr := Solve(p, c.opt)
			if err != nil {
				if serr == nil {
					fail("Bound: %v, but Solve found a placement", err)
				}
				continue // a stage fits no pool
			}
			if serr != nil {
				continue // a deadline or budget no placement meets
			}
			checked++
			if lb.WorkS > lb.CriticalPathS {
				work++
			}
			checkAboveBound(t, p, sol, lb, fail)
			checkRandomPlans(t, p, lb, seeds, fail)
		}
		if checked < n {
			t.Fatalf("%s: only %d of %d random problems were solved", g.name, checked, seeds)
		}
		if work < checked/20 {
			t.Fatalf("%s: the capacity bound was the larger on only %d of %d problems", g.name, work, checked)
		}
		t.Logf("%s: %d problems checked (of %d seeds); the capacity bound was the larger on %d", g.name, checked, seeds, work)
	}
}

// checkRandomPlans simulates a few random per-stage assignments and task-level plans of p (each stage or
// task on a pool it may use) and checks them against the bound.
func checkRandomPlans(t testing.TB, p *Problem, lb *LowerBound, seed int, fail func(string, ...any)) {
	t.Helper()
	pr, err := prepare(p)
	if err != nil {
		fail("prepare: %v", err)
	}
	f := newFuzzSource(uint64(seed)+1<<32, nil)
	for r := 0; r < 4; r++ {
		plan := Plan{Stages: make(Assignment, len(p.Workflow.Stages))}
		for s := range plan.Stages {
			plan.Stages[s] = pr.allowed[s][f.intn(len(pr.allowed[s]))]
		}
		if r%2 == 1 {
			plan.Tasks = make([]int, len(p.Workflow.Tasks))
			for i := range plan.Tasks {
				a := pr.allowed[p.Workflow.Tasks[i].Stage]
				plan.Tasks[i] = a[f.intn(len(a))]
			}
		}
		ev, err := EvaluatePlan(p, plan)
		if err != nil {
			fail("EvaluatePlan(%+v): %v", plan, err)
		}
		if !atLeast(ev.MakespanS, lb.PoolsAsGivenS) || !atLeast(ev.CostUSD, lb.CostPoolsAsGivenUSD) {
			fail("plan %+v: %v s, $%v, below the bound %+v", plan, ev.MakespanS, ev.CostUSD, lb)
		}
	}
}

// warmPool is a VM pool of one node up at time 0 (no boot), 2 vCPUs, $3.60 an hour, no fixed cost.
func warmPool(name string, kind PlatformKind) Pool {
	pl := testPool(name, kind)
	pl.VCPUs, pl.MinNodes, pl.MaxNodes, pl.IdleTimeoutS = 2, 1, 1, 0
	return pl
}

// chainSpecs is a chain of one-task stages a → b → c with the given runtimes and bytes.
func chainSpecs(pin string) []StageSpec {
	return []StageSpec{
		{Name: "a", TaskCount: 1, RuntimeS: 10, InputBytes: 2e9, OutputBytes: 1e9, Pin: pin},
		{Name: "b", TaskCount: 1, RuntimeS: 20, InputBytes: 1e9, OutputBytes: 5e8, DependsOn: []string{"a"}, Pin: pin},
		{Name: "c", TaskCount: 1, RuntimeS: 30, InputBytes: 5e8, OutputBytes: 0, DependsOn: []string{"b"}, Pin: pin},
	}
}

// A chain on one warm node (no boot) and on Batch is as fast as the bound says, to the microsecond: the
// bound is tight where nothing but the chain's own work takes time; and on the node its cost bound is the
// node's bill when the chain keeps it busy.
func TestBound_tightChain(t *testing.T) {
	cat := DefaultCatalog()
	hpc := warmPool("hpc", KindHPC)
	hpc.VCPUs = 1
	batch := NewBatchPool(cat, "batch")
	batch.S3BandwidthBps = 5e8
	p := NewProblem(mustFromStages(t, chainSpecs("")), Platforms{Pools: []Pool{hpc, batch}, Storage: testStorage()})
	p.Storage.S3GetUSD, p.Storage.S3PutUSD = 0, 0
	// On the node: Lustre at 1e9 B/s (faster than the node's S3): a 2 + 10 + 1, b 1 + 20 + 0.5, c 0.5 + 30.
	// On Batch: 45 s start each, S3 at 5e8 B/s: a 45 + 6 + 10, b 45 + 3 + 20, c 45 + 1 + 30.
	for _, c := range []struct {
		pool               int
		makespan, critical float64
	}{{0, 65, 65}, {1, 205, 65}} {
		ev := evalOK(t, p, Assignment{c.pool, c.pool, c.pool})
		lb, err := Bound(p)
		if err != nil {
			t.Fatal(err)
		}
		if !near(ev.MakespanS, c.makespan) || !near(lb.CriticalPathS, c.critical) || !near(lb.MakespanS, 65) {
			t.Errorf("pool %d: makespan %v (want %v), bound %+v (critical path want %v)", c.pool, ev.MakespanS, c.makespan, lb, c.critical)
		}
	}
	// Batch only: the bound is the Batch chain, start latencies included. The node only: 65 s of its one
	// vCPU at $3.60/h is $0.065, its bill and the cost bound.
	for _, c := range []struct {
		pin      string
		makespan float64
		cost     float64
	}{{"batch", 205, -1}, {"hpc", 65, 0.065}} {
		for s := range p.Workflow.Stages {
			p.Workflow.Stages[s].Pin = c.pin
		}
		lb, err := Bound(p)
		if err != nil || !near(lb.MakespanS, c.makespan) || (c.cost >= 0 && !near(lb.CostUSD, c.cost)) {
			t.Errorf("%s only: bound %+v (%v), want %v s, $%v", c.pin, lb, err, c.makespan, c.cost)
		}
	}
	if ev := evalOK(t, p, Assignment{0, 0, 0}); !near(ev.CostUSD, 0.065) {
		t.Errorf("the chain on the node costs %v, want $0.065", ev.CostUSD)
	}
}

// Capacity: eight independent 100 s one-core tasks on one warm node of 2 vCPUs take 400 s, which the
// capacity bound gives exactly (the critical path is 100 s), and cost the node's 400 s, which the cost
// bound gives too.
func TestBound_tightCapacity(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "s", TaskCount: 8, RuntimeS: 100}})
	p := NewProblem(w, Platforms{Pools: []Pool{warmPool("hpc", KindHPC)}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{0})
	lb, err := Bound(p)
	if err != nil {
		t.Fatal(err)
	}
	if !near(ev.MakespanS, 400) || !near(lb.CriticalPathS, 100) || !near(lb.WorkS, 400) || !near(lb.MakespanS, 400) {
		t.Errorf("makespan %v, bound %+v; want 400 s, critical path 100 s, capacity 400 s", ev.MakespanS, lb)
	}
	if !near(ev.CostUSD, 0.4) || !near(lb.CostUSD, 0.4) {
		t.Errorf("cost %v, bound %v; want $0.40", ev.CostUSD, lb.CostUSD)
	}
	// With a second pool the tasks may use, the capacity is shared: 8 × 100 core-seconds over 2 + 2 vCPUs.
	p.Pools = append(p.Pools, warmPool("ray", KindRay))
	if lb, err := Bound(p); err != nil || !near(lb.WorkS, 200) {
		t.Errorf("two pools: bound %+v (%v), want capacity 200 s", lb, err)
	}
	// A Ray head that runs tasks adds its vCPUs: one node and a 2-vCPU head run the eight in 200 s.
	ray := warmPool("ray", KindRay)
	ray.HeadVCPUs, ray.HeadMemoryBytes = 2, 4<<30
	p.Pools = []Pool{ray}
	ev = evalOK(t, p, Assignment{0})
	if lb, err := Bound(p); err != nil || !near(ev.MakespanS, 200) || !near(lb.MakespanS, 200) {
		t.Errorf("node and head: makespan %v, bound %+v (%v); want both 200 s", ev.MakespanS, lb, err)
	}
}

// A Lustre-domain task whose parent ran in the S3 domain reads its input from S3, at the node's S3
// bandwidth, which may be faster than the Lustre client's: the bound takes the faster. Lambda's cold start
// is not in the bound (a warm environment may be there): the bound is the makespan less it.
func TestBound_inputFromS3(t *testing.T) {
	cat := DefaultCatalog()
	hpc := warmPool("hpc", KindHPC)
	hpc.S3BandwidthBps = 4e9
	lambda := NewServerlessPool(cat, "lambda", "x86_64")
	w := mustFromStages(t, []StageSpec{
		{Name: "a", TaskCount: 1, RuntimeS: 10, Pin: "serverless"},
		{Name: "b", TaskCount: 1, RuntimeS: 20, InputBytes: 4e9, OutputBytes: 1e9, DependsOn: []string{"a"}, Pin: "hpc"},
	})
	p := NewProblem(w, Platforms{Pools: []Pool{hpc, lambda}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{1, 0})
	lb, err := Bound(p)
	if err != nil {
		t.Fatal(err)
	}
	// a: cold start + 10 s; b: 4e9 B from S3 at 4e9 B/s, 20 s, 1e9 B to Lustre at 1e9 B/s.
	want := 10 + 1 + 20 + 1.0
	if !near(ev.MakespanS, want+lambda.StartLatencyS) || !near(lb.MakespanS, want) {
		t.Errorf("makespan %v (want %v), bound %+v (want %v)", ev.MakespanS, want+lambda.StartLatencyS, lb, want)
	}
	// With the node's S3 slower than Lustre, b still reads from S3 what a left there (its only parent ran
	// in the S3 domain): 4e9 B at 2.5e8 B/s, 16 s. The bound counts it (a parent that can only run on
	// Lambda), and on the pools as given Lambda's cold start too: exact.
	p.Pools[0].S3BandwidthBps = 2.5e8
	ev = evalOK(t, p, Assignment{1, 0})
	lb, err = Bound(p)
	want = 10 + 16 + 20 + 1.0
	if err != nil || !near(ev.MakespanS, want+lambda.StartLatencyS) || !near(lb.MakespanS, want) ||
		!near(lb.PoolsAsGivenS, want+lambda.StartLatencyS) {
		t.Errorf("slower S3: makespan %v, bound %+v (%v); want %v s, %v s as given", ev.MakespanS, lb, err, want, want+lambda.StartLatencyS)
	}
}

// A shared input found in the node's page cache is not read, but only once a first copy is whole: b finds
// the database a read on the same node; two tasks started at once on one node both wait for the first's
// read. The bound is exact in both; without the page cache, every task reads it.
func TestBound_pageCache(t *testing.T) {
	w := mustFromStages(t, []StageSpec{
		{Name: "a", TaskCount: 1, RuntimeS: 10, InputBytes: 3e9},
		{Name: "b", TaskCount: 1, RuntimeS: 20, InputBytes: 3e9, DependsOn: []string{"a"}},
	})
	w.SharedFiles = []SharedFile{{ID: "db", Bytes: 2e9}}
	for i := range w.Tasks {
		w.Tasks[i].SharedInputs = []int32{0}
	}
	p := NewProblem(w, Platforms{Pools: []Pool{warmPool("hpc", KindHPC)}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{0, 0})
	lb, err := Bound(p)
	// a reads 3e9 B (1e9 B/s), b only the 1e9 B not shared: 3 + 10 + 1 + 20 = 34 s.
	if err != nil || !near(ev.MakespanS, 34) || !near(lb.MakespanS, 34) {
		t.Errorf("makespan %v, bound %+v (%v); want both 34 s", ev.MakespanS, lb, err)
	}
	p.Storage.NoPageCache = true
	ev = evalOK(t, p, Assignment{0, 0})
	if lb, err := Bound(p); err != nil || !near(ev.MakespanS, 36) || !near(lb.MakespanS, 36) {
		t.Errorf("no page cache: makespan %v, bound %+v (%v); want both 36 s", ev.MakespanS, lb, err)
	}
	// One stage of two tasks at once on the node's 2 vCPUs: the second waits for the first's read (3 s).
	w = mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 2, RuntimeS: 10, InputBytes: 3e9}})
	w.SharedFiles = []SharedFile{{ID: "db", Bytes: 2e9}}
	for i := range w.Tasks {
		w.Tasks[i].SharedInputs = []int32{0}
	}
	p = NewProblem(w, Platforms{Pools: []Pool{warmPool("hpc", KindHPC)}, Storage: testStorage()})
	ev = evalOK(t, p, Assignment{0})
	if lb, err := Bound(p); err != nil || !near(ev.MakespanS, 13) || !near(lb.MakespanS, 13) {
		t.Errorf("one wave: makespan %v, bound %+v (%v); want both 13 s", ev.MakespanS, lb, err)
	}
}

// A task alone on the Lustre workspace gets at most its aggregate throughput, below the per-task limit:
// the bound counts the aggregate, and is exact for one task alone.
func TestBound_aggregateThroughput(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "s", TaskCount: 1, RuntimeS: 10, InputBytes: 1e9, OutputBytes: 1e9}})
	st := testStorage()
	st.LustreAggregateBps, st.LustreWriteAggregateBps = 2.5e8, 1.25e8
	p := NewProblem(w, Platforms{Pools: []Pool{warmPool("hpc", KindHPC)}, Storage: st})
	ev := evalOK(t, p, Assignment{0})
	lb, err := Bound(p)
	// 1e9 B read at 2.5e8 B/s, 10 s, 1e9 B written at 1.25e8 B/s.
	if err != nil || !near(ev.MakespanS, 22) || !near(lb.MakespanS, 22) {
		t.Errorf("makespan %v, bound %+v (%v); want both 22 s", ev.MakespanS, lb, err)
	}
}

// The first copy of a shared file: b, ready at 1 s, finds the database that a (started at 0 on the same
// node) is still reading and waits for it (until 3 s) rather than reading it (until 4 s); on a node of its
// own it reads it (a's read, with 8 GB more of a's own input, ends at 10 s). The bound is exact in both.
func TestBound_pageCacheFirstCopy(t *testing.T) {
	for _, c := range []struct {
		name            string
		nodes, vcpus    int
		aInput, bInput  int64
		makespan, bEnds float64
	}{
		{"waits on one node", 1, 2, 3e9, 3e9, 23, 23},
		{"reads on its own node", 2, 1, 10e9, 2e9, 23, 23},
	} {
		w := mustFromStages(t, []StageSpec{
			{Name: "p", TaskCount: 1, RuntimeS: 1},
			{Name: "a", TaskCount: 1, RuntimeS: 10, InputBytes: c.aInput},
			{Name: "b", TaskCount: 1, RuntimeS: 20, InputBytes: c.bInput, DependsOn: []string{"p"}},
		})
		w.SharedFiles = []SharedFile{{ID: "db", Bytes: 2e9}}
		w.Tasks[1].SharedInputs, w.Tasks[2].SharedInputs = []int32{0}, []int32{0}
		pl := warmPool("hpc", KindHPC)
		pl.MinNodes, pl.MaxNodes, pl.VCPUs = c.nodes, c.nodes, c.vcpus
		p := NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: testStorage()})
		ev := evalOK(t, p, Assignment{0, 0, 0})
		lb, err := Bound(p)
		bEnds := -1.0
		for _, ts := range ev.Tasks {
			if ts.Task == 2 {
				bEnds = ts.FinishS
			}
		}
		if err != nil || !near(ev.MakespanS, c.makespan) || !near(bEnds, c.bEnds) || !near(lb.MakespanS, c.makespan) {
			t.Errorf("%s: makespan %v (b ends %v), bound %+v (%v); want %v s", c.name, ev.MakespanS, bEnds, lb, err, c.makespan)
		}
	}
}

// firstCopy keeps the earliest copy and the earliest by another task: a task never finds its own.
func TestBound_firstCopyOfAnotherTask(t *testing.T) {
	c := firstCopy{at: math.Inf(1), next: math.Inf(1), by: -1}
	steps := []struct {
		task     int32
		at       float64
		of1, of2 float64 // what tasks 1 and 2 may find after the step
		ofOthers float64
	}{
		{1, 5, math.Inf(1), 5, 5},
		{2, 7, 7, 5, 5},
		{1, 3, 7, 3, 3}, // task 1 again, earlier: the next copy is still task 2's
		{3, 4, 4, 3, 3},
		{2, 2, 2, 3, 2}, // task 2 earliest; the next is task 1's 3
	}
	for i, s := range steps {
		c.add(s.task, s.at)
		if c.of(1) != s.of1 || c.of(2) != s.of2 || c.of(9) != s.ofOthers {
			t.Errorf("step %d: of(1) %v of(2) %v of(9) %v; want %v %v %v", i, c.of(1), c.of(2), c.of(9), s.of1, s.of2, s.ofOthers)
		}
	}
}

// On the pools as given, a task waits for a node to boot unless a head node or a node up from the start
// holds it, and a Lambda task pays a cold start unless another of its stage has ended: exact on one task
// on a cold HPC pool, on a Ray head, and on a chain of one-task stages on Lambda; the bound of any pools
// leaves both out.
func TestBound_poolsAsGiven(t *testing.T) {
	cat := DefaultCatalog()
	one := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 1, RuntimeS: 10}})
	cold := testPool("hpc", KindHPC) // no node up, 100 s boot
	head := testPool("ray", KindRay)
	head.HeadVCPUs, head.HeadMemoryBytes = 2, 4<<30
	lambda := NewServerlessPool(cat, "lambda", "x86_64")
	chain := mustFromStages(t, []StageSpec{
		{Name: "a", TaskCount: 1, RuntimeS: 10},
		{Name: "b", TaskCount: 1, RuntimeS: 10, DependsOn: []string{"a"}},
	})
	for _, c := range []struct {
		name            string
		w               *Workflow
		pool            Pool
		makespan, given float64
	}{
		{"cold HPC pool", one, cold, 10, 110},
		{"Ray head", one, head, 10, 10},
		{"Lambda chain", chain, lambda, 20, 20 + 2*lambda.StartLatencyS},
	} {
		p := NewProblem(c.w, Platforms{Pools: []Pool{c.pool}, Storage: testStorage()})
		ev := evalOK(t, p, make(Assignment, len(c.w.Stages)))
		lb, err := Bound(p)
		if err != nil || !near(ev.MakespanS, c.given) || !near(lb.MakespanS, c.makespan) || !near(lb.PoolsAsGivenS, c.given) {
			t.Errorf("%s: makespan %v, bound %+v (%v); want bound %v s, %v s on the pools as given", c.name, ev.MakespanS, lb, err,
				c.makespan, c.given)
		}
	}
}

// Time windows on the pools as given: four 10 s tasks that only a 1-vCPU Ray head can run before a node
// boots (100 s) take 40 s, which the bound proves (the critical path is 10 s, and 10 s with the node's
// vCPUs up from the start); two such tasks, one of which may burst to Lambda, take 11 s (the head's 10 s,
// Lambda's cold start and 10 s), which the bound proves too.
func TestBound_windows(t *testing.T) {
	ray := testPool("ray", KindRay) // 4 vCPUs, 100 s boot
	ray.HeadVCPUs, ray.HeadMemoryBytes = 1, 4<<30
	lambda := NewServerlessPool(DefaultCatalog(), "lambda", "x86_64")
	for _, c := range []struct {
		name            string
		tasks           int
		plan            Plan
		makespan, given float64
	}{
		{"head only", 4, Plan{Stages: Assignment{0}}, 10, 40},
		{"head and Lambda", 2, Plan{Stages: Assignment{0}, Burst: []int{1}}, 10, 10 + lambda.StartLatencyS},
	} {
		pin := ""
		if c.plan.Burst == nil {
			pin = "ray"
		}
		w := mustFromStages(t, []StageSpec{{Name: "s", TaskCount: c.tasks, RuntimeS: 10, Pin: pin}})
		p := NewProblem(w, Platforms{Pools: []Pool{ray, lambda}, Storage: testStorage()})
		ev, err := EvaluatePlan(p, c.plan)
		if err != nil {
			t.Fatal(err)
		}
		lb, err := Bound(p)
		close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-5*b }
		if err != nil || !near(ev.MakespanS, c.given) || !near(lb.MakespanS, c.makespan) || !close(lb.PoolsAsGivenS, c.given) ||
			lb.PoolsAsGivenS > ev.MakespanS {
			t.Errorf("%s: makespan %v, bound %+v (%v); want %v s, %v s on the pools as given", c.name, ev.MakespanS, lb, err,
				c.makespan, c.given)
		}
	}
}

// A stage barrier whose stage ran in both storage domains: a0 is faster on Lambda, a1 (8 GB of input) on
// the node, so both end by 10 s (11 s with Lambda's cold start) only when split; c then reads half its
// input from S3 (at the node's 1e8 B/s) and half from Lustre: 5.5 s, computes 2 s and ends at 18.5 s. The
// bound lets the barrier end when its tasks can in either domain, counting the share of them in S3: 17.5 s,
// and 18.5 s on the pools as given.
func TestBound_mixedBarrier(t *testing.T) {
	hpc := warmPool("hpc", KindHPC)
	hpc.Speed, hpc.S3BandwidthBps = 0.5, 1e8
	lambda := NewServerlessPool(DefaultCatalog(), "lambda", "x86_64")
	w := mustFromStages(t, []StageSpec{
		{Name: "a", TaskCount: 2, RuntimeS: 10},
		{Name: "c", TaskCount: 1, RuntimeS: 1, InputBytes: 1e9, DependsOn: []string{"a"}, Pin: "hpc"},
	})
	w.Tasks[1].RuntimeS, w.Tasks[1].InputBytes = 1, 8e9
	p := NewProblem(w, Platforms{Pools: []Pool{hpc, lambda}, Storage: testStorage()})
	ev, err := EvaluatePlan(p, Plan{Stages: Assignment{1, 0}, Tasks: []int{1, 0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	lb, err := Bound(p)
	if err != nil || !near(ev.MakespanS, 18.5) || !near(lb.MakespanS, 17.5) || !near(lb.PoolsAsGivenS, 18.5) {
		t.Errorf("makespan %v, bound %+v (%v); want 18.5 s, bound 17.5 s, 18.5 s as given", ev.MakespanS, lb, err)
	}
}

// The head's time is not free beyond the makespan: in a standing environment (the cluster's fixed cost,
// $0.36/h, billed for the run), eight 100 s tasks on a Ray head of 2 vCPUs and a node of 2 vCPUs ($3.60/h,
// booting at once) take 200 s and cost $0.22 (the node's 200 s, the fixed cost's). The cost bound counts
// the head's 400 core-seconds within the 200 s the makespan must last as free, and the rest of the work at
// the cheaper of the node ($0.05 a task) and the fixed cost of the longer run it would take on the head
// ($0.01 a task): 4 × $0.01 + $0.02 = $0.04 (the autoscaler's node, which the relaxation does not see,
// makes the rest).
func TestBound_headCost(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "s", TaskCount: 8, RuntimeS: 100}})
	ray := warmPool("ray", KindRay)
	ray.MinNodes, ray.StartLatencyS, ray.MinBillingS = 0, 0, 0
	ray.HeadVCPUs, ray.HeadMemoryBytes, ray.FixedHourlyUSD = 2, 4<<30, 0.36
	p := NewProblem(w, Platforms{Pools: []Pool{ray}, Storage: testStorage(), Standing: true})
	ev := evalOK(t, p, Assignment{0})
	lb, err := Bound(p)
	if err != nil || !near(ev.MakespanS, 200) || !near(lb.MakespanS, 200) || !near(ev.CostUSD, 0.22) || !near(lb.CostUSD, 0.04) {
		t.Errorf("makespan %v, cost %v, bound %+v (%v); want 200 s and $0.22, bound 200 s and $0.04", ev.MakespanS, ev.CostUSD, lb, err)
	}
}

// A window that starts late: b's four 10 s tasks can only run on a 1-vCPU Ray head (the node boots after
// 1,000 s) and not before a ends on Lambda (11 s with its cold start): 51 s, which the bound proves from
// the window [11 s, T] (over [0, T] the head's time would allow 40 s).
func TestBound_lateWindow(t *testing.T) {
	ray := testPool("ray", KindRay)
	ray.HeadVCPUs, ray.HeadMemoryBytes, ray.StartLatencyS = 1, 4<<30, 1000
	lambda := NewServerlessPool(DefaultCatalog(), "lambda", "x86_64")
	w := mustFromStages(t, []StageSpec{
		{Name: "a", TaskCount: 1, RuntimeS: 10, Pin: "serverless"},
		{Name: "b", TaskCount: 4, RuntimeS: 10, DependsOn: []string{"a"}, Pin: "ray"},
	})
	p := NewProblem(w, Platforms{Pools: []Pool{ray, lambda}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{1, 0})
	lb, err := Bound(p)
	want := 50 + lambda.StartLatencyS
	if err != nil || !near(ev.MakespanS, want) || math.Abs(lb.PoolsAsGivenS-want) > 1e-5*want || lb.PoolsAsGivenS > ev.MakespanS {
		t.Errorf("makespan %v, bound %+v (%v); want %v s", ev.MakespanS, lb, err, want)
	}
}
