// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"reflect"
	"testing"
)

func evalOK(t *testing.T, p *Problem, a Assignment) *Evaluation {
	t.Helper()
	ev, err := Evaluate(p, a)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestEvaluateTwoStageChainOnOneVMPool(t *testing.T) {
	// Stage A: 2 tasks of 10 s, 1 core; stage B: 1 task of 20 s after A.
	// One pool: 4-vCPU nodes, 0..1 nodes, 100 s boot, $3.60/h = $0.001/s.
	//
	// t=0    A0, A1 ready; 2 cores queued → start ceil(2/4) = 1 node.
	// t=100  node ready; A0 and A1 start (2 of 4 vCPUs), finish at 110.
	// t=110  B ready, starts on the node, finishes at 130.
	// Makespan 130 s. The node is billed from 0 to its last task's end:
	// 130 s × $0.001 = $0.13. Each stage used 20 core-seconds, so each is
	// charged half: $0.065.
	w := mustFromStages(t, []StageSpec{
		{Name: "A", TaskCount: 2, RuntimeS: 10, Cores: 1, MemoryMB: 1024},
		{Name: "B", TaskCount: 1, RuntimeS: 20, Cores: 1, MemoryMB: 1024, DependsOn: []string{"A"}},
	})
	p := NewProblem(w, Platforms{Pools: []Pool{testPool("vm", KindHPC)}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{0, 0})
	if !near(ev.MakespanS, 130) || !near(ev.CostUSD, 0.13) {
		t.Fatalf("makespan %v cost %v, want 130 and 0.13", ev.MakespanS, ev.CostUSD)
	}
	if !near(ev.Stages[0].StartS, 100) || !near(ev.Stages[0].FinishS, 110) || !near(ev.Stages[1].StartS, 110) || !near(ev.Stages[1].FinishS, 130) {
		t.Fatalf("stage spans %+v", ev.Stages)
	}
	if !near(ev.Stages[0].CostUSD, 0.065) || !near(ev.Stages[1].CostUSD, 0.065) {
		t.Fatalf("stage costs %v %v, want 0.065 each", ev.Stages[0].CostUSD, ev.Stages[1].CostUSD)
	}
	if ev.Pools[0].Nodes != 1 {
		t.Fatalf("nodes %d, want 1", ev.Pools[0].Nodes)
	}
	// Utilisation: 40 busy core-seconds of 130 s × 4 vCPUs billed.
	if !near(ev.Utilisation, 40.0/520) {
		t.Fatalf("utilisation %v", ev.Utilisation)
	}
	if got := ev.Platforms[0]; got.Platform != KindHPC || !near(got.CostUSD, 0.13) {
		t.Fatalf("platform cost %+v", got)
	}
}

func TestEvaluateSpeedAndLustreIO(t *testing.T) {
	// One task: 10 s on the reference core, speed 2 → 5 s; 1 GB in and
	// 0.5 GB out over Lustre at 1 GB/s → 1.5 s. Duration 6.5 s after a
	// 100 s boot: makespan 106.5 s, billed ceil(106.5) = 107 s → $0.107.
	w := mustFromStages(t, []StageSpec{{Name: "A", TaskCount: 1, RuntimeS: 10, InputBytes: 1e9, OutputBytes: 5e8}})
	pool := testPool("vm", KindRay)
	pool.Speed = 2
	p := NewProblem(w, Platforms{Pools: []Pool{pool}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{0})
	if !near(ev.MakespanS, 106.5) || !near(ev.CostUSD, 0.107) {
		t.Fatalf("makespan %v cost %v, want 106.5 and 0.107", ev.MakespanS, ev.CostUSD)
	}
}

func TestEvaluateMinimumBillingAndStaticNodes(t *testing.T) {
	// A static node (MinNodes 1) is up at t=0: a 10 s task ends at 10 s, but
	// the node is billed the 60 s minimum → $0.06.
	w := mustFromStages(t, []StageSpec{{Name: "A", TaskCount: 1, RuntimeS: 10}})
	pool := testPool("vm", KindHPC)
	pool.MinNodes = 1
	p := NewProblem(w, Platforms{Pools: []Pool{pool}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{0})
	if !near(ev.MakespanS, 10) || !near(ev.CostUSD, 0.06) {
		t.Fatalf("makespan %v cost %v, want 10 and 0.06", ev.MakespanS, ev.CostUSD)
	}
}

func TestEvaluateCapacityCoresAndMemory(t *testing.T) {
	// 8 one-core 10 s tasks on one 4-vCPU node: two waves after the boot →
	// 100 + 20 = 120 s. With 6 GiB each on a 16 GiB node only two fit at
	// once: four waves → 140 s.
	pool := testPool("vm", KindHPC)
	p := NewProblem(mustFromStages(t, []StageSpec{{Name: "A", TaskCount: 8, RuntimeS: 10, MemoryMB: 1024}}),
		Platforms{Pools: []Pool{pool}, Storage: testStorage()})
	if ev := evalOK(t, p, Assignment{0}); !near(ev.MakespanS, 120) {
		t.Fatalf("cores: makespan %v, want 120", ev.MakespanS)
	}
	p.Workflow = mustFromStages(t, []StageSpec{{Name: "A", TaskCount: 8, RuntimeS: 10, MemoryMB: 6 << 10}})
	if ev := evalOK(t, p, Assignment{0}); !near(ev.MakespanS, 140) {
		t.Fatalf("memory: makespan %v, want 140", ev.MakespanS)
	}
}

func TestEvaluateScaleUp(t *testing.T) {
	// 10 one-core tasks, nodes of 4 vCPUs, up to 3 nodes: ceil(10/4) = 3
	// nodes start at 0, are ready at 100, all tasks run 100..110.
	// Cost 3 nodes × 110 s × $0.001 = $0.33. With max 2 nodes: 8 run at
	// 100..110, 2 at 110..120; the first goes to node 0 (equally free,
	// lower index), the second to node 1 (now the freer one), so both nodes
	// are billed 120 s: $0.24.
	pool := testPool("vm", KindHPC)
	pool.MaxNodes = 3
	p := NewProblem(mustFromStages(t, []StageSpec{{Name: "A", TaskCount: 10, RuntimeS: 10}}),
		Platforms{Pools: []Pool{pool}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{0})
	if !near(ev.MakespanS, 110) || !near(ev.CostUSD, 0.33) || ev.Pools[0].Nodes != 3 {
		t.Fatalf("makespan %v cost %v nodes %d, want 110, 0.33, 3", ev.MakespanS, ev.CostUSD, ev.Pools[0].Nodes)
	}
	p.Pools[0].MaxNodes = 2
	ev = evalOK(t, p, Assignment{0})
	if !near(ev.MakespanS, 120) || !near(ev.CostUSD, 0.24) {
		t.Fatalf("makespan %v cost %v, want 120 and 0.24", ev.MakespanS, ev.CostUSD)
	}
}

func TestEvaluateServerlessColdWarmAndConcurrency(t *testing.T) {
	// Lambda, concurrency 2, 1 s cold start, three 10 s one-core tasks with
	// 100 MiB: memory setting max(100, 1 × 1769) = 1769 MB.
	// t=0 tasks 0 and 1 start cold → end 11; task 2 reuses a warm
	// environment at 11 → end 21. Billed 11 + 11 + 10 = 32 s at
	// 1769/1024 GB, plus 3 requests, plus one GET and one PUT per task.
	c := DefaultCatalog()
	lam := NewServerlessPool(c, "lambda", "x86_64")
	lam.Concurrency = 2
	st := NewStorage(c)
	p := NewProblem(mustFromStages(t, []StageSpec{{Name: "A", TaskCount: 3, RuntimeS: 10, MemoryMB: 100}}),
		Platforms{Pools: []Pool{lam}, Storage: st})
	ev := evalOK(t, p, Assignment{0})
	want := 32*(1769.0/1024)*0.0000166667 + 3*0.20/1e6 + 3*(0.0004+0.005)/1000
	if !near(ev.MakespanS, 21) || !near(ev.CostUSD, want) {
		t.Fatalf("makespan %v cost %v, want 21 and %v", ev.MakespanS, ev.CostUSD, want)
	}
	if ev.Pools[0].ColdStarts != 2 || ev.Stages[0].MemoryMB != 1769 || ev.Pools[0].Nodes != 2 {
		t.Fatalf("cold starts %d memory %d peak %d", ev.Pools[0].ColdStarts, ev.Stages[0].MemoryMB, ev.Pools[0].Nodes)
	}
	if !ev.Tasks[0].Cold || !ev.Tasks[1].Cold || ev.Tasks[2].Cold {
		t.Fatalf("cold flags %+v", ev.Tasks)
	}
}

func TestEvaluateBatchFargate(t *testing.T) {
	// One 1-core task with 512 MiB → Fargate 1 vCPU / 2 GB; 100 s runtime
	// + 45 s start = 145 s, billed 145 s × (0.04048 + 2 × 0.004445) / 3600.
	c := DefaultCatalog()
	p := NewProblem(mustFromStages(t, []StageSpec{{Name: "A", TaskCount: 1, RuntimeS: 100}}),
		Platforms{Pools: []Pool{NewBatchPool(c, "batch")}, Storage: Storage{Lustre: true, LustreBandwidthBps: 1e9}})
	ev := evalOK(t, p, Assignment{0})
	want := 145 * (0.04048 + 2*0.004445) / 3600
	if !near(ev.MakespanS, 145) || !near(ev.CostUSD, want) {
		t.Fatalf("makespan %v cost %v, want 145 and %v", ev.MakespanS, ev.CostUSD, want)
	}
}

func TestEvaluateCrossDomainReadsThroughS3(t *testing.T) {
	// B reads 0.9 GB produced by A. With A on the VM pool too, B reads it
	// from Lustre (1 GB/s → 0.9 s); with A on Lambda, from S3 at the VM
	// pool's 100 MB/s → 9 s.
	c := DefaultCatalog()
	w := mustFromStages(t, []StageSpec{
		{Name: "A", TaskCount: 1, RuntimeS: 1},
		{Name: "B", TaskCount: 1, RuntimeS: 10, InputBytes: 9e8, DependsOn: []string{"A"}},
	})
	vm := testPool("vm", KindHPC)
	vm.MinNodes = 1
	p := NewProblem(w, Platforms{Pools: []Pool{vm, NewServerlessPool(c, "lambda", "x86_64")}, Storage: testStorage()})
	same := evalOK(t, p, Assignment{0, 0})
	cross := evalOK(t, p, Assignment{1, 0})
	if d := same.Tasks[1].FinishS - same.Tasks[1].StartS; !near(d, 10.9) {
		t.Fatalf("same-domain duration %v, want 10.9", d)
	}
	if d := cross.Tasks[1].FinishS - cross.Tasks[1].StartS; !near(d, 19) {
		t.Fatalf("cross-domain duration %v, want 19", d)
	}
}

func TestEvaluateTaskLevelDependencies(t *testing.T) {
	// Diamond a → {b, c} → d on one static 4-vCPU node: 1 + max(2, 3) + 4.
	w := &Workflow{Name: "diamond", Stages: []Stage{{Name: "s"}}, Tasks: []Task{
		{ID: "a", RuntimeS: 1, Cores: 1, MemoryBytes: 1},
		{ID: "b", RuntimeS: 2, Cores: 1, MemoryBytes: 1, Parents: []int{0}},
		{ID: "c", RuntimeS: 3, Cores: 1, MemoryBytes: 1, Parents: []int{0}},
		{ID: "d", RuntimeS: 4, Cores: 1, MemoryBytes: 1, Parents: []int{1, 2}},
	}}
	pool := testPool("vm", KindHPC)
	pool.MinNodes = 1
	p := NewProblem(w, Platforms{Pools: []Pool{pool}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{0})
	if !near(ev.MakespanS, 8) || !near(ev.Tasks[3].StartS, 4) {
		t.Fatalf("makespan %v, d starts %v; want 8 and 4", ev.MakespanS, ev.Tasks[3].StartS)
	}
}

func TestEvaluateDeterministic(t *testing.T) {
	w := Synthetic(3000, 8, 7)
	p := NewProblem(w, DefaultPlatforms())
	a := Assignment{2, 1, 0, 1, 2, 3, 0, 1}
	ev1 := evalOK(t, p, a)
	ev2 := evalOK(t, p, a)
	if !reflect.DeepEqual(ev1, ev2) {
		t.Fatal("two evaluations of the same assignment differ")
	}
	// Sum of stage costs and the Lustre file system equals the total (every
	// pool used has busy time).
	sum := ev1.StorageUSD
	for _, s := range ev1.Stages {
		sum += s.CostUSD
	}
	if !near(sum, ev1.CostUSD) {
		t.Fatalf("stage costs sum to %v, total %v", sum, ev1.CostUSD)
	}
	// Dependencies hold in the timeline.
	for i, task := range w.Tasks {
		for _, par := range task.Parents {
			if ev1.Tasks[i].StartS < ev1.Tasks[par].FinishS-1e-9 {
				t.Fatalf("task %s starts before its parent %s finishes", task.ID, w.Tasks[par].ID)
			}
		}
	}
}

func TestEvaluateRejectsInfeasibleAssignment(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "train", TaskCount: 1, RuntimeS: 10, GPUs: 1}})
	p := NewProblem(w, DefaultPlatforms())
	_, err := Evaluate(p, Assignment{p.PoolIndex("lambda")})
	var ie *InfeasibleError
	if !errors.As(err, &ie) || ie.Stage != "train" {
		t.Fatalf("want InfeasibleError for stage train, got %v", err)
	}
	if _, err := Evaluate(p, Assignment{0, 1}); err == nil {
		t.Fatal("wrong-length assignment accepted")
	}
}

func TestAssignmentFromNames(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 1}, {Name: "b", TaskCount: 1}})
	p := NewProblem(w, DefaultPlatforms())
	a, err := AssignmentFromNames(p, map[string]string{"a": "ray", "b": "lambda"})
	if err != nil || !reflect.DeepEqual(a, Assignment{1, 2}) {
		t.Fatalf("got %v %v", a, err)
	}
	if _, err := AssignmentFromNames(p, map[string]string{"a": "ray"}); err == nil {
		t.Fatal("missing stage accepted")
	}
	if _, err := AssignmentFromNames(p, map[string]string{"a": "ray", "b": "nope"}); err == nil {
		t.Fatal("unknown pool accepted")
	}
}
