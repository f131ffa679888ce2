// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// mpiPool is testPool (4 vCPUs, 16 GiB, 100 s boot, $0.001/s, 60 s minimum, EFA) with up to n nodes.
func mpiPool(name string, n int) Pool {
	pl := testPool(name, KindHPC)
	pl.MaxNodes = n
	return pl
}

// A 4-node MPI task, hand-computed. Stage sim: one task of 16 ranks, 50 s, nodes = 4; stage post: one
// 1-core 10 s task after it. Pool: 4-vCPU nodes, 0..4 of them, 100 s boot, $0.001/s, 60 s idle time.
//
// t=0    sim ready: it spans 4 whole nodes, none is up: the pool boots 4 (all-or-nothing).
// t=100  the 4 nodes are ready and idle: sim starts on nodes 0..3, finishes at 150.
// t=150  post starts on node 0 (all four equally free: the lowest index), finishes at 160.
// Billing: nodes 1..3 from 0 to 150 + 60 s idle = 210 s each, node 0 to 160 + 60 = 220 s: 850 s, $0.85.
// Busy: 16 × 50 + 10 = 810 core-seconds of 850 × 4 billed. The stages share the cost by the
// core-seconds they held: sim 4 nodes × 4 vCPUs × 50 s = 800, post 10.
func TestEvaluateMPI_fourNodeTask(t *testing.T) {
	w := mustFromStages(t, []StageSpec{
		{Name: "sim", TaskCount: 1, RuntimeS: 50, Cores: 16, MemoryMB: 1024, Coupling: CouplingMPI, Nodes: 4},
		{Name: "post", TaskCount: 1, RuntimeS: 10, Cores: 1, MemoryMB: 1024, DependsOn: []string{"sim"}},
	})
	pl := mpiPool("hpc", 4)
	pl.IdleTimeoutS = 60
	p := NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{0, 0})
	sim, post := ev.Tasks[0], ev.Tasks[1]
	if sim.StartS != 100 || sim.FinishS != 150 || !reflect.DeepEqual(sim.Nodes, []int{0, 1, 2, 3}) || sim.Node != 0 {
		t.Fatalf("sim %+v, want 100..150 on nodes 0..3", sim)
	}
	if post.StartS != 150 || post.FinishS != 160 || post.Node != 0 || post.Nodes != nil {
		t.Fatalf("post %+v, want 150..160 on node 0", post)
	}
	if ev.MakespanS != 160 || !near(ev.CostUSD, 0.85) || ev.Pools[0].Nodes != 4 {
		t.Fatalf("makespan %v cost %v nodes %d, want 160, 0.85, 4", ev.MakespanS, ev.CostUSD, ev.Pools[0].Nodes)
	}
	if !near(ev.Pools[0].BusyCoreS, 810) || !near(ev.Pools[0].BilledCoreS, 850*4) {
		t.Fatalf("busy %v billed %v, want 810 and 3400", ev.Pools[0].BusyCoreS, ev.Pools[0].BilledCoreS)
	}
	if !near(ev.Stages[0].CostUSD, 0.85*800/810) || !near(ev.Stages[1].CostUSD, 0.85*10/810) {
		t.Fatalf("stage costs %v %v", ev.Stages[0].CostUSD, ev.Stages[1].CostUSD)
	}
	// HEFT's own schedule sees the same: four nodes booted together, then post.
	h, err := HEFT(p)
	if err != nil {
		t.Fatal(err)
	}
	if h.TaskStartS[0] != 100 || h.TaskFinishS[0] != 150 || h.TaskMakespanS != 160 {
		t.Fatalf("HEFT sim %v..%v, makespan %v; want 100..150, 160", h.TaskStartS[0], h.TaskFinishS[0], h.TaskMakespanS)
	}
	// Without nodes, 16 ranks on 4-vCPU nodes derive the same 4 nodes.
	w.Stages[0].Nodes = 0
	if ev2 := evalOK(t, p, Assignment{0, 0}); !reflect.DeepEqual(ev2.Tasks[0].Nodes, []int{0, 1, 2, 3}) || ev2.CostUSD != ev.CostUSD {
		t.Fatalf("derived nodes: %+v cost %v", ev2.Tasks[0], ev2.CostUSD)
	}
}

// A multi-node task waits until enough nodes are idle, and the pool boots only the nodes it lacks.
func TestEvaluateMPI_gangWaitsForIdleNodes(t *testing.T) {
	// Two 3-node tasks of 20 s on at most 4 nodes: the pool boots 4 (6 wanted, 4 allowed); at 100
	// the first takes nodes 0..2; the second finds one idle node and waits for the first to finish
	// at 120, then takes nodes 0..2 again until 140. Node 3 runs nothing: billed from 0 until it was
	// ready, 100 s. Nodes 0..2: 140 s. Total 520 s: $0.52.
	w := mustFromStages(t, []StageSpec{{Name: "sim", TaskCount: 2, RuntimeS: 20, Cores: 12, MemoryMB: 1024, Coupling: CouplingMPI, Nodes: 3}})
	p := NewProblem(w, Platforms{Pools: []Pool{mpiPool("hpc", 4)}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{0})
	a, b := ev.Tasks[0], ev.Tasks[1]
	if a.StartS != 100 || b.StartS != 120 || b.FinishS != 140 || !reflect.DeepEqual(b.Nodes, []int{0, 1, 2}) {
		t.Fatalf("tasks %+v %+v; want 100..120 and 120..140 on nodes 0..2", a, b)
	}
	if ev.Pools[0].Nodes != 4 || !near(ev.CostUSD, 0.52) {
		t.Fatalf("%d nodes, cost %v; want 4, 0.52", ev.Pools[0].Nodes, ev.CostUSD)
	}

	// Warm nodes: four up at 0 (no boot), and a one-core 30 s task of another stage takes node 0
	// first (its bottom level is longer). The 4-node task finds three idle nodes: it waits, and boots
	// nothing (the pool is at max_nodes), until the other task ends at 30, then runs 30..50. The four
	// static nodes are billed until the makespan, at least the 60 s minimum: 4 × 60 s = $0.24.
	w = mustFromStages(t, []StageSpec{
		{Name: "pre", TaskCount: 1, RuntimeS: 30, Cores: 1, MemoryMB: 1024},
		{Name: "sim", TaskCount: 1, RuntimeS: 20, Cores: 16, MemoryMB: 1024, Coupling: CouplingMPI, Nodes: 4},
	})
	pl := mpiPool("hpc", 4)
	pl.MinNodes = 4
	p = NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: testStorage()})
	ev = evalOK(t, p, Assignment{0, 0})
	if ev.Tasks[0].StartS != 0 || ev.Tasks[1].StartS != 30 || ev.MakespanS != 50 || ev.Pools[0].Nodes != 4 || !near(ev.CostUSD, 0.24) {
		t.Fatalf("pre %+v sim %+v, makespan %v, %d nodes, cost %v; want sim 30..50, 4 nodes, 0.24",
			ev.Tasks[0], ev.Tasks[1], ev.MakespanS, ev.Pools[0].Nodes, ev.CostUSD)
	}

	// Two warm nodes and room for two more: the 4-node task boots only the two it lacks.
	pl.MinNodes = 2
	p = NewProblem(mustFromStages(t, w.specs(t)[1:]), Platforms{Pools: []Pool{pl}, Storage: testStorage()})
	ev = evalOK(t, p, Assignment{0})
	if ev.Tasks[0].StartS != 100 || ev.Pools[0].Nodes != 4 {
		t.Fatalf("sim %+v on %d nodes; want a start at 100 on 4", ev.Tasks[0], ev.Pools[0].Nodes)
	}
}

// specs rebuilds the stage specifications of a workflow of identical tasks per stage (FromStages'
// inverse, for tests), without dependencies.
func (w *Workflow) specs(t *testing.T) []StageSpec {
	t.Helper()
	out := make([]StageSpec, len(w.Stages))
	for s, st := range w.Stages {
		out[s] = StageSpec{Name: st.Name, Coupling: st.Coupling, Nodes: st.Nodes, Stateful: st.Stateful, Pin: st.Pin}
	}
	for _, task := range w.Tasks {
		sp := &out[task.Stage]
		sp.TaskCount++
		sp.RuntimeS, sp.Cores, sp.MemoryMB, sp.GPUs = task.RuntimeS, task.Cores, task.MemoryBytes>>20, task.GPUs
	}
	return out
}

// A pool whose max_nodes is below a task's nodes cannot run the stage; the error names the stage,
// the task's nodes and the rule.
func TestMPI_infeasibleWhenMaxNodesTooSmall(t *testing.T) {
	for _, tc := range []struct {
		name  string
		nodes int
		want  string
	}{
		{"given", 4, `task "sim_0" spans 4 nodes (coupling "mpi", nodes = 4), more than the pool's max_nodes of 2`},
		{"derived", 0, `task "sim_0" spans 4 nodes (coupling "mpi", derived from the task's cores, memory and GPUs), ` +
			`more than the pool's max_nodes of 2`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := mustFromStages(t, []StageSpec{{Name: "sim", TaskCount: 1, RuntimeS: 50, Cores: 16, Coupling: CouplingMPI, Nodes: tc.nodes}})
			p := NewProblem(w, Platforms{Pools: []Pool{mpiPool("hpc", 2), testPool("ray", KindRay)}, Storage: testStorage()})
			_, err := Evaluate(p, Assignment{0})
			var ie *InfeasibleError
			if !errors.As(err, &ie) || ie.Stage != "sim" || !strings.Contains(ie.Reason, tc.want) {
				t.Fatalf("Evaluate: %v; want an infeasible stage sim: %s", err, tc.want)
			}
			_, err = Solve(p, Options{})
			if !errors.As(err, &ie) || ie.Stage != "sim" || !strings.Contains(err.Error(), `fits no platform (hpc: `+tc.want) ||
				!strings.Contains(err.Error(), `ray: coupling "mpi" needs an HPC pool with EFA`) {
				t.Fatalf("Solve: %v", err)
			}
		})
	}
	// Per node, a task's share must fit: 16 ranks over 2 nodes of 4 vCPUs do not.
	w := mustFromStages(t, []StageSpec{{Name: "sim", TaskCount: 1, RuntimeS: 50, Cores: 16, Coupling: CouplingMPI, Nodes: 2}})
	_, err := Evaluate(NewProblem(w, Platforms{Pools: []Pool{mpiPool("hpc", 8)}, Storage: testStorage()}), Assignment{0})
	if err == nil || !strings.Contains(err.Error(), `task "sim_0" needs 8 cores on each of its 2 nodes, test.large nodes have 4 vCPUs`) {
		t.Fatalf("per-node share: %v", err)
	}
}

// mpiProblem is a workflow with an MPI stage of 2-node tasks among stages that may go anywhere, on an
// HPC pool with EFA (a warm node, so that a split may burst), a second one, Ray, Lambda and Batch.
func mpiProblem(t *testing.T) *Problem {
	t.Helper()
	w := mustFromStages(t, []StageSpec{
		{Name: "prep", TaskCount: 40, RuntimeS: 20, Cores: 1, MemoryMB: 1024},
		{Name: "sim", TaskCount: 6, RuntimeS: 600, Cores: 8, MemoryMB: 4096, Coupling: CouplingMPI, Nodes: 2, DependsOn: []string{"prep"}},
		{Name: "post", TaskCount: 20, RuntimeS: 30, Cores: 1, MemoryMB: 1024, DependsOn: []string{"sim"}},
	})
	c := DefaultCatalog()
	plat := DefaultPlatforms()
	hpc := mpiPool("hpc", 4)
	hpc.MinNodes = 1
	hpc2 := mpiPool("hpc2", 8)
	hpc2.HourlyUSD = 7.2
	ray, err := NewRayPool(c, "ray", "m6i.xlarge", 0, 8)
	if err != nil {
		t.Fatal(err)
	}
	plat.Pools = []Pool{hpc, hpc2, ray, NewServerlessPool(c, "lambda", "x86_64"), NewBatchPool(c, "batch")}
	return NewProblem(w, plat)
}

// An MPI stage is never split or burst off its EFA HPC pools, by Solve, HEFT, the baselines or a plan
// given to EvaluatePlan; and EvaluatePlan and EvaluateBaseline re-simulate Solve's figures exactly.
func TestMPI_neverOffHPCAndEvaluatePlanAgrees(t *testing.T) {
	p := mpiProblem(t)
	sim := p.Workflow.StageIndex("sim")
	onEFA := func(k int) bool { return p.Pools[k].Kind == KindHPC && p.Pools[k].EFA }
	for _, opt := range []Options{{}, {Objective: ObjectiveCost}, {Objective: ObjectiveMakespan}, {NoSplit: true}} {
		sol, err := Solve(p, opt)
		if err != nil {
			t.Fatal(err)
		}
		pl := sol.Plan()
		if !onEFA(pl.Stages[sim]) || (pl.burstOf(sim) >= 0 && !onEFA(pl.burstOf(sim))) {
			t.Fatalf("%+v: sim on %d, burst %d", opt, pl.Stages[sim], pl.burstOf(sim))
		}
		multi := 0
		for i, ts := range sol.Evaluation.Tasks {
			if p.Workflow.Tasks[i].Stage != sim {
				continue
			}
			if !onEFA(ts.Pool) || len(ts.Nodes) != 2 {
				t.Fatalf("%+v: sim task %d on pool %d nodes %v", opt, i, ts.Pool, ts.Nodes)
			}
			multi++
		}
		if multi != 6 || sol.Evaluation.Stages[sim].NodesPerTask != 2 || sol.Evaluation.Stages[0].NodesPerTask != 0 {
			t.Fatalf("%d multi-node tasks, want 6; nodes per task %d and %d, want 2 and 0", multi,
				sol.Evaluation.Stages[sim].NodesPerTask, sol.Evaluation.Stages[0].NodesPerTask)
		}
		// The manifest tells a runner to submit each sim task as a 2-node job.
		if m, err := NewManifest(p, sol); err != nil || m.Stages[sim].NodesPerTask != 2 || m.Stages[0].NodesPerTask != 0 {
			t.Fatalf("manifest: %v %+v", err, m)
		}
		ev, err := EvaluatePlan(p, pl)
		if err != nil || ev.MakespanS != sol.Evaluation.MakespanS || ev.CostUSD != sol.Evaluation.CostUSD {
			t.Fatalf("%+v: EvaluatePlan %v, %v; Solve %v s $%v", opt, ev, err, sol.Evaluation.MakespanS, sol.Evaluation.CostUSD)
		}
		for i := range sol.Baselines {
			b := &sol.Baselines[i]
			if !b.Feasible {
				continue
			}
			if !onEFA(b.Assignment[sim]) {
				t.Fatalf("baseline %s puts sim on %d", b.Name, b.Assignment[sim])
			}
			for v, k := range b.TaskPools {
				if p.Workflow.Tasks[v].Stage == sim && !onEFA(k) {
					t.Fatalf("baseline %s puts task %d on %d", b.Name, v, k)
				}
			}
			ev, err := EvaluateBaseline(p, b)
			if err != nil || ev.MakespanS != b.MakespanS || ev.CostUSD != b.CostUSD {
				t.Fatalf("%+v: baseline %s re-simulated %v, %v; reported %v s $%v", opt, b.Name, ev, err, b.MakespanS, b.CostUSD)
			}
		}
	}
	h, err := HEFT(p)
	if err != nil {
		t.Fatal(err)
	}
	for v, k := range h.TaskPools {
		if p.Workflow.Tasks[v].Stage == sim && !onEFA(k) {
			t.Fatalf("HEFT puts task %d on pool %d", v, k)
		}
	}
	// A plan that bursts or maps an MPI task off HPC is refused, naming the stage.
	a := Assignment{0, 0, 0}
	for _, plan := range []Plan{
		{Stages: a, Burst: []int{-1, 3, -1}},
		{Stages: a, Tasks: append(make([]int, 40), 2, 0, 0, 0, 0, 0)},
	} {
		plan.Tasks = append(plan.Tasks, make([]int, 20*boolI(plan.Tasks != nil))...)
		var ie *InfeasibleError
		if _, err := EvaluatePlan(p, plan); !errors.As(err, &ie) || ie.Stage != "sim" || !strings.Contains(ie.Reason, `coupling "mpi" needs an HPC pool with EFA`) {
			t.Fatalf("plan %+v: %v", plan, err)
		}
	}
	// A burst to the other EFA pool is allowed: prep scaled hpc out to its 4 nodes; when sim is ready
	// two of its 2-node tasks take them, and the four that find no two idle nodes go to hpc2.
	ev, err := EvaluatePlan(p, Plan{Stages: a, Burst: []int{-1, 1, -1}})
	if err != nil || ev.Stages[sim].BurstPool != "hpc2" || ev.Stages[sim].BurstTasks != 4 {
		t.Fatalf("burst to hpc2: %v %+v", err, ev.Stages[sim])
	}
}

// Stage rules: nodes only with coupling "mpi", and not negative.
func TestMPI_nodesRule(t *testing.T) {
	for _, tc := range []struct {
		spec StageSpec
		want string
	}{
		{StageSpec{Name: "a", TaskCount: 1, Nodes: 2}, `stage "a": nodes = 2 needs coupling = "mpi" (only a tightly coupled MPI task spans several nodes), the stage's coupling is "none"`},
		{StageSpec{Name: "a", TaskCount: 1, Nodes: -1, Coupling: CouplingMPI}, `stage "a": nodes must be at least 1, got -1`},
	} {
		errs := CheckStages([]StageSpec{{Name: "ok", TaskCount: 1}, tc.spec}, nil)
		if len(errs) != 1 || errs[0].Rule != RuleNodes || errs[0].Field != FieldNodes || errs[0].Index != 1 || errs[0].Error() != tc.want {
			t.Fatalf("CheckStages: %v; want %s", errs, tc.want)
		}
		if errs := CheckStages([]StageSpec{tc.spec}, []StageUnknowns{{Coupling: true}}); len(errs) != 0 {
			t.Fatalf("unknown coupling: %v", errs)
		}
		if _, err := FromStages([]StageSpec{tc.spec}); err == nil || err.Error() != tc.want {
			t.Fatalf("FromStages: %v", err)
		}
		w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 1}})
		w.Stages[0].Nodes, w.Stages[0].Coupling = tc.spec.Nodes, tc.spec.Coupling
		var se *StageError
		if err := w.Validate(); !errors.As(err, &se) || se.Rule != RuleNodes {
			t.Fatalf("Validate: %v", err)
		}
	}
}

// TaskNodes: given, or derived from cores, memory and GPUs on HPC pools only.
func TestTaskNodes(t *testing.T) {
	c := DefaultCatalog()
	c5n, err := NewHPCPool(c, "hpc", MPIInstanceType, 0, 16)
	if err != nil {
		t.Fatal(err)
	}
	ray := testPool("ray", KindRay)
	mpi := &Stage{Coupling: CouplingMPI}
	for _, tc := range []struct {
		task Task
		st   *Stage
		pl   *Pool
		want int
	}{
		{Task{Cores: 72}, mpi, &c5n, 1},
		{Task{Cores: 73}, mpi, &c5n, 2},
		{Task{Cores: 144}, mpi, &c5n, 2},
		{Task{Cores: 1, MemoryBytes: 400 << 30}, mpi, &c5n, 3}, // 192 GiB nodes
		{Task{Cores: 1}, &Stage{Coupling: CouplingMPI, Nodes: 4}, &c5n, 4},
		{Task{Cores: 144}, &Stage{}, &c5n, 1},
		{Task{Cores: 144}, mpi, &ray, 1},
	} {
		if got := TaskNodes(&tc.task, tc.st, tc.pl); got != tc.want {
			t.Errorf("TaskNodes(%+v, %+v, %s) = %d, want %d", tc.task, *tc.st, tc.pl.InstanceType, got, tc.want)
		}
	}
}

// The default platforms for a workflow with 144-rank MPI tasks: c5n.18xlarge HPC nodes (EFA), two per
// task; the Ray pool is still right-sized (MPI tasks never run there); the static cluster holds a whole
// stage's nodes.
func TestMPI_defaultPlatformsAndStaticCluster(t *testing.T) {
	w := mustFromStages(t, []StageSpec{
		{Name: "prep", TaskCount: 8, RuntimeS: 60, Cores: 1, MemoryMB: 2048},
		{Name: "sim", TaskCount: 3, RuntimeS: 3600, Cores: 144, MemoryMB: 65536, Coupling: CouplingMPI, DependsOn: []string{"prep"}},
	})
	plat, err := DefaultPlatformsFor(w, DefaultCatalog())
	if err != nil {
		t.Fatal(err)
	}
	if plat.Pools[0].InstanceType != MPIInstanceType || !plat.Pools[0].EFA || plat.Pools[1].VCPUs >= 144 {
		t.Fatalf("pools %s (efa %v), ray %s", plat.Pools[0].InstanceType, plat.Pools[0].EFA, plat.Pools[1].InstanceType)
	}
	p := NewProblem(w, plat)
	if n := StaticClusterNodes(p, 0); n != 6 {
		t.Fatalf("static cluster of %d nodes, want 6 (3 tasks × 2 nodes)", n)
	}
	sol, err := Solve(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, ts := range sol.Evaluation.Tasks {
		if w.Tasks[i].Stage == 1 && (ts.Pool != 0 || len(ts.Nodes) != 2) {
			t.Fatalf("sim task %d on pool %d nodes %v", i, ts.Pool, ts.Nodes)
		}
	}
	// A static cluster smaller than a task's nodes cannot run it: the baseline says why.
	sol, err = Solve(p, Options{StaticNodes: 1})
	if err != nil {
		t.Fatal(err)
	}
	if b := sol.Baselines[0]; b.Feasible || !strings.Contains(b.Reason, `stage "sim"`) || !strings.Contains(b.Reason, "max_nodes of 1") {
		t.Fatalf("static baseline %+v", b)
	}
}

// genMPICase is a random problem whose MPI stages span several nodes of an EFA pool (nodes given, or
// derived from up to 24 ranks over 4-vCPU nodes and their memory), beside stages that may go anywhere,
// on one or two EFA pools, a Ray pool, Lambda and Batch.
func genMPICase(f *fuzzSource) *genCase {
	cat := DefaultCatalog()
	c := &genCase{plat: Platforms{Storage: NewStorage(cat), Standing: f.chance(1, 2)}}
	for k := 0; k < f.between(1, 2); k++ {
		efa := mpiPool(fmt.Sprintf("hpc%d", k), f.between(1, 10))
		efa.MinNodes = f.between(0, min(2, efa.MaxNodes))
		efa.MinNodesBoot = f.chance(1, 4)
		efa.IdleTimeoutS = []float64{0, 60, 600}[f.intn(3)]
		efa.StartLatencyS = []float64{0, 30, 180}[f.intn(3)]
		c.plat.Pools = append(c.plat.Pools, efa)
	}
	ray := testPool("ray", KindRay)
	ray.MaxNodes = f.between(1, 8)
	c.plat.Pools = append(c.plat.Pools, ray, NewServerlessPool(cat, "lambda", "x86_64"), NewBatchPool(cat, "batch"))
	for s := 0; s < f.between(1, 5); s++ {
		sp := StageSpec{Name: fmt.Sprintf("s%d", s), TaskCount: f.between(1, 30), RuntimeS: f.logUniform(1, 3600),
			Cores: f.between(1, 4), MemoryMB: int64(f.logUniform(64, 8192)), InputBytes: int64(f.logUniform(1, 1e10))}
		if f.chance(1, 2) {
			sp.Coupling, sp.Nodes, sp.Cores = CouplingMPI, f.between(0, 4), f.between(1, 24)
			sp.MemoryMB = int64(f.logUniform(64, 48<<10))
		}
		for d := 0; d < s; d++ {
			if f.chance(1, 2) {
				sp.DependsOn = append(sp.DependsOn, fmt.Sprintf("s%d", d))
			}
		}
		c.specs = append(c.specs, sp)
	}
	c.opt = Options{Objective: []Objective{ObjectiveCost, ObjectiveMakespan, ObjectiveWeighted}[f.intn(3)], NoSplit: f.chance(1, 4),
		StaticNodes: f.between(0, 3)}
	return c
}

// Random problems with multi-node MPI tasks, with the fuzz suite's checks: an independent schedule
// check that sees every node a multi-node task holds, EvaluatePlan and EvaluateBaseline against
// Solve's figures, brute force on small cases.
func TestMPI_randomGangProblems(t *testing.T) {
	n := 400
	if raceEnabled || testing.Short() {
		n = 100
	}
	gang := 0
	for i := 0; i < n; i++ {
		c := genMPICase(newFuzzSource(uint64(i), nil))
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			checkCase(t, c, smallForBruteForce(c) && i%4 == 0)
		})
		if t.Failed() {
			return
		}
		if w, err := FromStages(c.specs); err == nil {
			if sol, err := Solve(NewProblem(w, c.plat), c.opt); err == nil {
				for _, ts := range sol.Evaluation.Tasks {
					if len(ts.Nodes) > 1 {
						gang++
						break
					}
				}
			}
		}
	}
	if gang < n/8 {
		t.Fatalf("only %d of %d cases ran a multi-node task", gang, n)
	}
	t.Logf("%d of %d cases ran multi-node tasks", gang, n)
}
