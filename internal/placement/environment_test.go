// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"strings"
	"testing"
)

// A Ray pool's head node runs tasks with its task vCPUs: up at time 0, not billed per node (its price is
// in the pool's fixed cost), not counted as a node.
//
// Three one-core 10 s tasks, head with 2 task vCPUs and 4 GiB, 4-vCPU workers booting in 100 s at
// $0.001/s, fixed cost $3.60/h = $0.001/s. Two tasks run on the head [0, 10]; the third waits, so a
// worker is started at 0 (the autoscaler sees a pending task), but the head frees first and runs it
// [10, 20]. Cost: the idle worker from 0 until ready at 100 (no idle timeout here) 100 s × $0.001, the
// fixed cost 20 s × $0.001.
func TestRayHead_runsTasks(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "s", TaskCount: 3, RuntimeS: 10, MemoryMB: 1024}})
	ray := testPool("ray", KindRay)
	ray.HeadVCPUs, ray.HeadMemoryBytes, ray.FixedHourlyUSD = 2, 4<<30, 3.6
	p := NewProblem(w, Platforms{Pools: []Pool{ray}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{0})
	if ev.MakespanS != 20 || ev.Pools[0].Nodes != 1 || !near(ev.CostUSD, 0.100+0.020) {
		t.Fatalf("makespan %v, %d nodes, cost %v; want 20 s, 1 node, 0.12", ev.MakespanS, ev.Pools[0].Nodes, ev.CostUSD)
	}
	onHead := 0
	for _, ts := range ev.Tasks {
		if ts.Node == 0 && ts.StartS == 0 {
			onHead++
		}
	}
	if onHead != 2 {
		t.Fatalf("%d tasks on the head at 0, want 2: %+v", onHead, ev.Tasks)
	}
	// A task that does not fit the head's memory waits for a worker.
	w2 := mustFromStages(t, []StageSpec{{Name: "big", TaskCount: 1, RuntimeS: 10, MemoryMB: 8192}})
	ev = evalOK(t, NewProblem(w2, Platforms{Pools: []Pool{ray}, Storage: testStorage()}), Assignment{0})
	if ev.MakespanS != 110 || ev.Tasks[0].Node != 1 {
		t.Fatalf("8 GiB task: makespan %v on node %d; want 110 s on the worker (node 1)", ev.MakespanS, ev.Tasks[0].Node)
	}
	// HEFT sees the head too.
	h, err := HEFT(p)
	if err != nil {
		t.Fatal(err)
	}
	if !near(h.TaskMakespanS, 20) {
		t.Fatalf("HEFT estimate %v, want 20", h.TaskMakespanS)
	}
	// The default Ray pool gets the catalog's head capacity; 0 turns it off (num-cpus 0).
	c := DefaultCatalog()
	def, err := NewRayPool(c, "ray", "m6i.xlarge", 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	if def.HeadVCPUs != int(c.RayHeadTaskVCPUs.V) || def.HeadVCPUs == 0 {
		t.Fatalf("default head vCPUs %d", def.HeadVCPUs)
	}
	if err := c.Set("ray_head_task_memory_gib", 0, "test"); err != nil {
		t.Fatal(err)
	}
	if off, _ := NewRayPool(c, "ray", "m6i.xlarge", 0, 4); off.HeadVCPUs != 0 || off.HeadMemoryBytes != 0 {
		t.Fatalf("head without memory still runs tasks: %d vCPUs %d B", off.HeadVCPUs, off.HeadMemoryBytes)
	}
}

// In a standing environment every pool's fixed cost and the Lustre file system are billed for the run,
// whether the placement uses them or not; otherwise only when used.
//
// One 10 s task on Lambda (1 s cold start, 1 GB at $1/GB-s: $11) beside an unused VM pool with a
// $3.60/h fixed cost and Lustre at $36/h: standing, 11 s × ($0.001 + $0.01) more.
func TestStanding_billsFixedCostsToEveryPlacement(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "f", TaskCount: 1, RuntimeS: 10, ServerlessMemoryMB: 1024}})
	vm := testPool("vm", KindHPC)
	vm.FixedHourlyUSD = 3.6
	st := testStorage()
	st.LustreHourlyUSD = 36
	pl := Platforms{Pools: []Pool{vm, lambdaTestPool("fn")}, Storage: st}
	perRun := evalOK(t, NewProblem(w, pl), Assignment{1})
	pl.Standing = true
	standing := evalOK(t, NewProblem(w, pl), Assignment{1})
	if perRun.MakespanS != 11 || !near(perRun.CostUSD, 11) || perRun.StorageUSD != 0 {
		t.Fatalf("per run: %v s, $%v (storage $%v); want 11 s, $11, no storage", perRun.MakespanS, perRun.CostUSD, perRun.StorageUSD)
	}
	if standing.MakespanS != 11 || !near(standing.CostUSD, 11+11*0.001+11*0.01) || !near(standing.StorageUSD, 0.11) ||
		!near(standing.Pools[0].CostUSD, 0.011) {
		t.Fatalf("standing: %v s, $%v (storage $%v, vm $%v); want 11 s, $11.121", standing.MakespanS, standing.CostUSD,
			standing.StorageUSD, standing.Pools[0].CostUSD)
	}
}

// The table's rows add up to the total: in a standing environment the fixed costs of pools no stage
// used have a row of their own.
func TestTable_standingFixedCostsRow(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "f", TaskCount: 1, RuntimeS: 10, ServerlessMemoryMB: 1024}})
	vm := testPool("vm", KindHPC)
	vm.FixedHourlyUSD = 3.6
	pl := Platforms{Pools: []Pool{vm, lambdaTestPool("fn")}, Storage: testStorage(), Standing: true}
	ev := evalOK(t, NewProblem(w, pl), Assignment{1})
	if got := Table(ev); !strings.Contains(got, "(fixed costs of clusters no stage used)") || !strings.Contains(got, "0.0110") {
		t.Fatalf("no row for the unused pool's $0.011:\n%s", got)
	}
	pl.Standing = false
	if got := Table(evalOK(t, NewProblem(w, pl), Assignment{1})); strings.Contains(got, "no stage used") {
		t.Fatalf("a row for fixed costs nobody pays:\n%s", got)
	}
}

// On every shipped trace, with the default (standing) platforms, the placement is never worse on the
// objective than the best single platform, both simulated again outside Solve.
func TestSolve_neverWorseThanBestSingleResimulated(t *testing.T) {
	for _, f := range traceFiles(t) {
		w := loadTrace(t, f)
		pl, err := DefaultPlatformsFor(w, DefaultCatalog())
		if err != nil {
			t.Fatal(err)
		}
		p := NewProblem(w, pl)
		sol, err := Solve(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ours, err := EvaluatePlan(p, sol.Plan())
		if err != nil {
			t.Fatal(err)
		}
		b := sol.Baseline(BaselineBestSingle)
		single, err := EvaluateBaseline(p, b)
		if err != nil {
			t.Fatal(err)
		}
		o, s := sol.Options.Score(ours.CostUSD, ours.MakespanS, sol.Normalisation), sol.Options.Score(single.CostUSD, single.MakespanS, sol.Normalisation)
		if o > s*(1+1e-12) {
			t.Errorf("%s: placement scores %v (%.1f s, $%.4f), %s %v (%.1f s, $%.4f)", f, o, ours.MakespanS, ours.CostUSD, b.Of, s,
				single.MakespanS, single.CostUSD)
		}
	}
}

// A stage alone on a Ray pool whose head runs tasks may be split: it fills the head's vCPUs and bursts
// the rest to Lambda. Eight one-core 10 s tasks, head with 2 task vCPUs, workers booting in 100 s,
// Lambda with a 1 s cold start at 1 GB and $1/GB-s: two on the head [0, 10], six on Lambda [0, 11]:
// 11 s and $66, against $88 all on Lambda (also 11 s) and 110 s on the Ray pool alone.
func TestSplit_fillsRayHead(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "wide", TaskCount: 8, RuntimeS: 10, MemoryMB: 512, ServerlessMemoryMB: 1024}})
	ray := testPool("ray", KindRay)
	ray.HeadVCPUs, ray.HeadMemoryBytes, ray.MaxNodes = 2, 4<<30, 4
	p := NewProblem(w, Platforms{Pools: []Pool{ray, lambdaTestPool("fn")}, Storage: testStorage()})
	sol, err := Solve(p, Options{Objective: ObjectiveCost, DeadlineS: 12})
	if err != nil {
		t.Fatal(err)
	}
	if sol.Burst == nil || sol.Assignment[0] != 0 || sol.Burst[0] != 1 || sol.Evaluation.Stages[0].BurstTasks != 6 {
		t.Fatalf("found by %q: %v burst %v (%d burst); want ray filled and 6 burst to fn", sol.FoundBy, sol.Assignment, sol.Burst,
			sol.Evaluation.Stages[0].BurstTasks)
	}
	if sol.Evaluation.MakespanS != 11 || !near(sol.Evaluation.CostUSD, 66) {
		t.Fatalf("makespan %v cost %v, want 11 s and $66", sol.Evaluation.MakespanS, sol.Evaluation.CostUSD)
	}
}
