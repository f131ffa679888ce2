// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// lambdaTestPool is a serverless pool with round numbers: 1 GB per vCPU, $1 per GB-second, no request
// price, 1 ms billing, 1 s cold start, 100 MB/s to S3.
func lambdaTestPool(name string) Pool {
	return Pool{Name: name, Kind: KindServerless, InstanceType: "lambda-x86_64", Speed: 1, StartLatencyS: 1,
		GBSecondUSD: 1, MBPerVCPU: 1024, MinMemoryMB: 128, MaxMemoryMB: 10240, TimeoutS: 900, Concurrency: 1000,
		BillingTickS: 0.001, S3BandwidthBps: 100e6, EphemeralFree: 512, EphemeralMax: 10240, EphemeralUSD: 0.5}
}

// Serverless duration is billed per started millisecond: fractional durations must not be rounded to the
// second (nor truncated).
func TestServerless_billedPerMillisecond(t *testing.T) {
	for _, tc := range []struct {
		runtime, billed float64
	}{
		{0.2344, 1.235},     // 1 s cold start + 0.2344 s → 1.2344 s, billed 1.235 s
		{0.2341, 1.235},     // 1.2341 s → 1.235 s
		{0.2350, 1.235},     // exactly 1.235 s → 1.235 s
		{2.0001, 3.001},     // 3.0001 s → 3.001 s
		{0.0100, 1.010},     // the shortest runtime
		{12.5, 13.5},        // half seconds
		{0.999, 1.999},      // just under two seconds
		{899.0005, 900.001}, // 900.0005 s → 900.001 s
	} {
		w := mustFromStages(t, []StageSpec{{Name: "f", TaskCount: 1, RuntimeS: tc.runtime, ServerlessMemoryMB: 1024}})
		pl := lambdaTestPool("fn")
		pl.TimeoutS = 1000
		ev := evalOK(t, NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: testStorage()}), Assignment{0})
		// 1,024 MB = 1 GB at $1 per GB-second; no ephemeral storage above the free 512 MB.
		if want := tc.billed; math.Abs(ev.CostUSD-want) > 1e-9 {
			t.Errorf("runtime %v s: cost %v, want %v (billed %v s)", tc.runtime, ev.CostUSD, want, tc.billed)
		}
		if want := 1 + tc.runtime; math.Abs(ev.MakespanS-want) > 1e-9 {
			t.Errorf("runtime %v s: makespan %v, want %v", tc.runtime, ev.MakespanS, want)
		}
	}
}

// Ephemeral storage: a task keeps its input and output in /tmp; above the free 512 MB the storage is billed
// per GB-second for the billed duration, and beyond the limit the stage cannot run serverless.
func TestServerless_ephemeralStorage(t *testing.T) {
	// 1,024 MiB in, 512 MiB out: 1,536 MB of /tmp, 1,024 MB above the free 512 MB = 1 GB at $0.5/GB-s.
	// Duration: 1 s cold start + 1,610,612,736 B / 100 MB/s = 16.10612736 s + 1 s compute → 18.107 s billed.
	w := mustFromStages(t, []StageSpec{{Name: "io", TaskCount: 1, RuntimeS: 1, ServerlessMemoryMB: 1024,
		InputBytes: 1 << 30, OutputBytes: 512 << 20}})
	p := NewProblem(w, Platforms{Pools: []Pool{lambdaTestPool("fn")}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{0})
	billed := 18.107
	if want := billed*1 + billed*0.5; math.Abs(ev.CostUSD-want) > 1e-9 {
		t.Errorf("cost %v, want %v (memory %v + storage %v)", ev.CostUSD, want, billed, billed*0.5)
	}
	// 11 GiB of input: more than 10,240 MB of /tmp.
	big := mustFromStages(t, []StageSpec{{Name: "big", TaskCount: 1, RuntimeS: 1, InputBytes: 11 << 30}})
	_, err := Evaluate(NewProblem(big, Platforms{Pools: []Pool{lambdaTestPool("fn")}, Storage: testStorage()}), Assignment{0})
	if err == nil || !strings.Contains(err.Error(), "ephemeral storage") {
		t.Fatalf("11 GiB of input on Lambda: %v, want an ephemeral storage error", err)
	}
}

// Idle billing, fixed costs and the Lustre file system, by hand. One HPC pool of test nodes at $0.001/s,
// booting 100 s, idle timeout 600 s, head node $3.6/h; Lustre at $7.2/h.
func TestVM_idleFixedAndLustreBilling(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 1, RuntimeS: 50}})
	pl := testPool("hpc", KindHPC)
	pl.IdleTimeoutS, pl.FixedHourlyUSD = 600, 3.6
	st := testStorage()
	st.LustreHourlyUSD = 7.2
	ev := evalOK(t, NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: st}), Assignment{0})
	// The node starts at 0, is ready at 100, runs the task until 150, stays 600 s idle: billed 750 s.
	// Head node and Lustre: the 150 s run at $0.001/s and $0.002/s.
	if ev.MakespanS != 150 {
		t.Fatalf("makespan %v, want 150", ev.MakespanS)
	}
	node, head, fs := 750*0.001, 150*0.001, 150*0.002
	if !near(ev.CostUSD, node+head+fs) || !near(ev.StorageUSD, fs) || !near(ev.Pools[0].CostUSD, node+head) {
		t.Errorf("cost %v (pool %v, storage %v), want %v (node %v, head %v, Lustre %v)", ev.CostUSD, ev.Pools[0].CostUSD,
			ev.StorageUSD, node+head+fs, node, head, fs)
	}
	// A warm node (MinNodes 1): no boot, billed for the run only, idle timeout does not apply.
	pl.MinNodes = 1
	ev = evalOK(t, NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: st}), Assignment{0})
	if ev.MakespanS != 50 || !near(ev.CostUSD, 60*0.001+50*0.001+50*0.002) {
		t.Errorf("warm node: makespan %v cost %v, want 50 s and %v (60 s minimum billing)", ev.MakespanS, ev.CostUSD, 0.06+0.05+0.1)
	}
	// A cluster created for the run (MinNodesBoot): the static node boots too, billed until the makespan.
	pl.MinNodesBoot = true
	ev = evalOK(t, NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: st}), Assignment{0})
	if ev.MakespanS != 150 || !near(ev.CostUSD, 150*0.001+150*0.001+150*0.002) {
		t.Errorf("booting static node: makespan %v cost %v, want 150 s and %v", ev.MakespanS, ev.CostUSD, 0.6)
	}
}

// A split stage fills the warm node and bursts the rest: 8 one-core 10 s tasks, one warm 4-vCPU node
// (no scale-out), burst to Lambda (1 s cold start). Four run on the node [0, 10], four on Lambda [0, 11].
func TestSplit_fillWarmBurstRest(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "wide", TaskCount: 8, RuntimeS: 10, ServerlessMemoryMB: 1024}})
	node := testPool("hpc", KindHPC)
	node.MinNodes, node.MaxNodes = 1, 1
	p := NewProblem(w, Platforms{Pools: []Pool{node, lambdaTestPool("fn")}, Storage: testStorage()})
	ev, err := EvaluatePlan(p, Plan{Stages: Assignment{0}, Burst: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	if ev.MakespanS != 11 || ev.Stages[0].BurstTasks != 4 || ev.Stages[0].BurstPool != "fn" {
		t.Fatalf("makespan %v, %d tasks burst to %q; want 11 s and 4 to fn", ev.MakespanS, ev.Stages[0].BurstTasks, ev.Stages[0].BurstPool)
	}
	// The node is billed for the run (11 s, at least 60 s: $0.06); four invocations of 11 s at 1 GB and $1/GB-s.
	if want := 0.06 + 4*11.0; !near(ev.CostUSD, want) {
		t.Errorf("cost %v, want %v", ev.CostUSD, want)
	}
	// Whole stage on the node: two waves, 20 s; whole stage on Lambda: 11 s but eight invocations. On the
	// makespan objective the split ties with Lambda and is cheaper, so Solve finds it by splitting.
	sol, err := Solve(p, Options{Objective: ObjectiveMakespan})
	if err != nil {
		t.Fatal(err)
	}
	if sol.FoundBy != "splitting" || sol.Burst == nil || sol.Assignment[0] != 0 || sol.Burst[0] != 1 {
		t.Fatalf("found by %q: %v burst %v; want the split hpc+fn found by splitting", sol.FoundBy, sol.Assignment, sol.Burst)
	}
	if sol.Evaluation.MakespanS != 11 {
		t.Errorf("makespan %v, want 11", sol.Evaluation.MakespanS)
	}
	// Without splitting, the best whole-stage placement is Lambda.
	whole, err := Solve(p, Options{Objective: ObjectiveMakespan, NoSplit: true})
	if err != nil {
		t.Fatal(err)
	}
	if whole.Burst != nil || whole.Assignment[0] != 1 || !(whole.Evaluation.CostUSD > sol.Evaluation.CostUSD) {
		t.Errorf("no split: %v at $%v, want fn and dearer than the split's $%v", whole.Assignment, whole.Evaluation.CostUSD, sol.Evaluation.CostUSD)
	}
}

// The static cluster is sized for the widest stage, boots at time 0, and is billed for the whole run.
func TestStaticClusterBaseline(t *testing.T) {
	// Widest stage: 10 tasks of 1 core = 10 cores → 3 test nodes of 4 vCPUs.
	w := mustFromStages(t, []StageSpec{
		{Name: "wide", TaskCount: 10, RuntimeS: 10},
		{Name: "narrow", TaskCount: 1, RuntimeS: 30, DependsOn: []string{"wide"}},
	})
	pl := testPool("hpc", KindHPC)
	pl.MaxNodes, pl.IdleTimeoutS = 8, 600
	p := NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: testStorage()})
	if n := StaticClusterNodes(p, 0); n != 3 {
		t.Fatalf("StaticClusterNodes = %d, want 3", n)
	}
	sol, err := Solve(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := sol.Baseline(BaselineStatic)
	// Boot 100 s, wide 10 s, narrow 30 s: 140 s; three nodes billed 140 s each at $0.001/s.
	if b == nil || !b.Feasible || b.Nodes != 3 || b.MakespanS != 140 || !near(b.CostUSD, 3*140*0.001) {
		t.Fatalf("static cluster %+v, want 3 nodes, 140 s, $0.42", b)
	}
	// The autoscaled cluster: same makespan; each node billed until 600 s after its last task.
	a := sol.Baseline(BaselineAllHPC)
	if a.MakespanS != 140 || !near(a.CostUSD, (140+600)*0.001+2*(110+600)*0.001) {
		t.Errorf("autoscaled %v s $%v, want 140 s and $%v", a.MakespanS, a.CostUSD, 0.74+1.42)
	}
	// Up before the run: no boot, billed for the 40 s run (60 s minimum each).
	sol, err = Solve(p, Options{StaticUp: true, StaticNodes: 2})
	if err != nil {
		t.Fatal(err)
	}
	b = sol.Baseline(BaselineStatic)
	// Two nodes: wide runs 8 then 2 tasks (20 s), narrow 30 s: 50 s, billed 60 s each.
	if b.Nodes != 2 || b.MakespanS != 50 || !near(b.CostUSD, 2*60*0.001) {
		t.Fatalf("standing static cluster %+v, want 2 nodes, 50 s, $0.12", b)
	}
	if ev, err := EvaluateBaseline(p, b); err != nil || ev.MakespanS != b.MakespanS || ev.CostUSD != b.CostUSD {
		t.Errorf("EvaluateBaseline = %v, %v", ev, err)
	}
}

// The Mashup-style decision model on hand-computed estimates. HPC: one test node (4 vCPUs, $0.001/s,
// boot 100 s), warm. Lambda: $0.0001 per GB-second, 1 GB, cold start 1 s.
//
//	wide (40 x 10 s): VM 100 s boot (40 cores > 4 warm) + 10 waves x 10 s = 200 s, 1 node x 200 s = $0.20;
//	                  Lambda 11 s, 40 x 11 GB-s = $0.044: faster and cheaper.
//	pair (2 x 100 s): VM 100 s (fits the warm node), $0.10; Lambda 101 s, 2 x 101 GB-s = $0.0202.
func TestMashupDecisionModel(t *testing.T) {
	w := mustFromStages(t, []StageSpec{
		{Name: "wide", TaskCount: 40, RuntimeS: 10, ServerlessMemoryMB: 1024},
		{Name: "pair", TaskCount: 2, RuntimeS: 100, ServerlessMemoryMB: 1024, DependsOn: []string{"wide"}},
	})
	node := testPool("hpc", KindHPC)
	node.MinNodes = 1
	fn := lambdaTestPool("fn")
	fn.GBSecondUSD = 0.0001
	p := NewProblem(w, Platforms{Pools: []Pool{node, fn}, Storage: testStorage()})
	for _, tc := range []struct {
		opt  Options
		want string
	}{
		{Options{Objective: ObjectiveMakespan}, "fn,hpc"},                    // pair: 100 s < 101 s
		{Options{Objective: ObjectiveCost}, "fn,fn"},                         // pair: $0.0202 < $0.10
		{Options{Objective: ObjectiveWeighted, CostWeight: 0.5}, "fn,fn"},    // 0.5 x 0.202 + 0.5 x 1.01 < 1
		{Options{Objective: ObjectiveWeighted, CostWeight: 0.001}, "fn,hpc"}, // almost all makespan
	} {
		a, err := MashupAssignment(p, tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(a.Names(p), ","); got != tc.want {
			t.Errorf("%s (w %v): %s, want %s", tc.opt.Objective, tc.opt.CostWeight, got, tc.want)
		}
	}
	// A stateful stage never goes serverless, whatever the estimates.
	w.Stages[0].Stateful = true
	a, err := MashupAssignment(p, Options{Objective: ObjectiveCost})
	if err != nil || a[0] != 0 {
		t.Errorf("stateful wide stage on %v (%v), want hpc", a, err)
	}
}

// Right-sizing picks the cheapest task slot: 1-core tasks with 3 GiB fit one per c6i.large (4 GiB, $0.085)
// but two per m6i.large (8 GiB, $0.096): m6i.large. An mpi stage makes the HPC pool c5n.18xlarge.
func TestRightSize(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 10, RuntimeS: 10, MemoryMB: 3072}})
	it, err := RightSize(DefaultCatalog(), w, HPCFamilies)
	if err != nil || it.Name != "m6i.large" {
		t.Fatalf("RightSize = %v, %v; want m6i.large", it.Name, err)
	}
	// 1-core tasks with 1 GiB: two per c6i.large at $0.0425 a slot, the cheapest.
	w = mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 10, RuntimeS: 10, MemoryMB: 1024}})
	if it, _ := RightSize(DefaultCatalog(), w, HPCFamilies); it.Name != "c6i.large" {
		t.Errorf("1 GiB tasks: %s, want c6i.large", it.Name)
	}
	w.Stages[0].Coupling = CouplingMPI
	pl, err := DefaultPlatformsFor(w, DefaultCatalog())
	if err != nil || pl.Pools[0].InstanceType != MPIInstanceType || pl.Pools[0].MaxNodes != 16 {
		t.Errorf("mpi: hpc pool %s x %d (%v), want %s x 16", pl.Pools[0].InstanceType, pl.Pools[0].MaxNodes, err, MPIInstanceType)
	}
	// A task larger than every type of the families.
	w = mustFromStages(t, []StageSpec{{Name: "huge", TaskCount: 1, RuntimeS: 1, Cores: 500}})
	if _, err := RightSize(DefaultCatalog(), w, HPCFamilies); err == nil {
		t.Error("a 500-core task was right-sized")
	}
}

// The trace loader marks stages beyond Lambda's hard limits, and Solve keeps them off serverless pools.
func TestLoadWfCommons_marksNotServerless(t *testing.T) {
	doc := `{"name":"t","schemaVersion":"1.5","workflow":{"specification":{"tasks":[
	  {"name":"small_ID1","id":"small_ID1","parents":[],"children":["big_ID2"],"inputFiles":[],"outputFiles":[]},
	  {"name":"big_ID2","id":"big_ID2","parents":["small_ID1"],"children":[],"inputFiles":[],"outputFiles":[]},
	  {"name":"long_ID3","id":"long_ID3","parents":[],"children":[],"inputFiles":["f"],"outputFiles":[]}],
	  "files":[{"id":"f","sizeInBytes":20000000000}]},
	  "execution":{"tasks":[{"id":"small_ID1","runtimeInSeconds":5},
	    {"id":"big_ID2","runtimeInSeconds":5,"memoryInBytes":20000000000},
	    {"id":"long_ID3","runtimeInSeconds":30}]}}}`
	w, err := LoadWfCommons(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"small": "", "big": "memory", "long": "/tmp"}
	for _, s := range w.Stages {
		if (want[s.Name] == "") != (s.NotServerless == "") || !strings.Contains(s.NotServerless, want[s.Name]) {
			t.Errorf("stage %s: NotServerless %q, want it to mention %q", s.Name, s.NotServerless, want[s.Name])
		}
	}
	p := NewProblem(w, Platforms{Pools: []Pool{lambdaTestPool("fn")}, Storage: testStorage()})
	var ie *InfeasibleError
	if _, err := Solve(p, Options{}); err == nil || !errors.As(err, &ie) || ie.Stage == "small" {
		t.Fatalf("Solve with only Lambda: %v, want an infeasible error for big or long", err)
	}
}

// Every numeric default of the catalog can be overridden by name, and an unknown name or a bad value is
// an error naming it.
func TestCatalogSet(t *testing.T) {
	c := DefaultCatalog()
	if err := c.Set("hpc_node_start_s", 240, "measured"); err != nil {
		t.Fatal(err)
	}
	if c.HPCNodeStartS.V != 240 || c.HPCNodeStartS.Unit != "s" || c.HPCNodeStartS.Source != "measured" {
		t.Errorf("hpc_node_start_s = %+v", c.HPCNodeStartS)
	}
	pl, _ := NewHPCPool(c, "hpc", "c6i.large", 0, 2)
	if pl.StartLatencyS != 240 {
		t.Errorf("pool start latency %v, want the override", pl.StartLatencyS)
	}
	if err := c.Set("no_such_value", 1, ""); err == nil || !strings.Contains(err.Error(), "lambda_cold_start_s") {
		t.Errorf("unknown name: %v", err)
	}
	if err := c.Set("spot_discount", math.NaN(), ""); err == nil {
		t.Error("NaN accepted")
	}
	if n := len(c.ValueNames()); n < 30 {
		t.Errorf("%d value names", n)
	}
}

// The S3 aggregate bandwidth is shared by the tasks moving data through S3: two functions reading 100 MB
// each at 100 MB/s per function, with 100 MB/s for all: the first starts alone (1 s of input), the second
// shares (50 MB/s, 2 s). With a 1 s cold start and 1 s of compute: 3 s and 4 s.
func TestS3AggregateBandwidth(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "read", TaskCount: 2, RuntimeS: 1, ServerlessMemoryMB: 1024, InputBytes: 100e6}})
	st := testStorage()
	p := NewProblem(w, Platforms{Pools: []Pool{lambdaTestPool("fn")}, Storage: st})
	if ev := evalOK(t, p, Assignment{0}); ev.MakespanS != 3 {
		t.Fatalf("no aggregate limit: makespan %v, want 3", ev.MakespanS)
	}
	p.Storage.S3AggregateBps = 100e6
	ev := evalOK(t, p, Assignment{0})
	if ev.MakespanS != 4 || ev.Tasks[0].FinishS != 3 || ev.Tasks[1].FinishS != 4 {
		t.Fatalf("aggregate 100 MB/s: tasks finish at %v and %v, want 3 and 4", ev.Tasks[0].FinishS, ev.Tasks[1].FinishS)
	}
	p.Storage.S3AggregateBps = -1
	if _, err := Evaluate(p, Assignment{0}); err == nil {
		t.Error("a negative aggregate bandwidth was accepted")
	}
}
