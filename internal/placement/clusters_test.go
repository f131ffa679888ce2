// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"strings"
	"testing"
)

// The fixed cost and the head of a cluster (Pool.Cluster) count once: two queues of one ParallelCluster
// cluster, or two worker groups of one RayCluster, share one head node (and EKS control plane).

// twoStages is two independent stages of n one-core tasks of 100 s each, no data.
func twoStages(t *testing.T, n int) *Workflow {
	return mustFromStages(t, []StageSpec{{Name: "a", TaskCount: n, RuntimeS: 100}, {Name: "b", TaskCount: n, RuntimeS: 100}})
}

// cheapVM is a pool of one-second-billed nodes at $0.001/s (3.6/h) that start at once, with a fixed cost of
// $0.01/s (36/h).
func cheapVM(name string, kind PlatformKind, cluster string) Pool {
	pl := testPool(name, kind)
	pl.StartLatencyS, pl.MinBillingS, pl.FixedHourlyUSD, pl.Cluster = 0, 0, 36, cluster
	return pl
}

// Stage a on the first pool and b on the second, one task each, both 0-100 s on a node of their own:
// nodes 2 × 100 s × $0.001 = $0.2, and the fixed cost $0.01/s × 100 s once per cluster.
func TestCluster_fixedCostBilledOncePerCluster(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pools    []Pool
		want     float64
		clusters int
	}{
		{"two queues of one ParallelCluster cluster", []Pool{cheapVM("q1", KindHPC, ""), cheapVM("q2", KindHPC, "")}, 1.2, 1},
		{"two worker groups of one RayCluster", []Pool{cheapVM("g1", KindRay, "rc"), cheapVM("g2", KindRay, "rc")}, 1.2, 1},
		{"two ParallelCluster clusters", []Pool{cheapVM("q1", KindHPC, "left"), cheapVM("q2", KindHPC, "right")}, 2.2, 2},
		{"a queue and a worker group", []Pool{cheapVM("q", KindHPC, "x"), cheapVM("g", KindRay, "x")}, 2.2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewProblem(twoStages(t, 1), Platforms{Pools: tc.pools, Storage: testStorage()})
			if got := len(p.Clusters()); got != tc.clusters {
				t.Fatalf("%d clusters, want %d", got, tc.clusters)
			}
			ev, err := Evaluate(p, Assignment{0, 1})
			if err != nil {
				t.Fatal(err)
			}
			if !near(ev.MakespanS, 100) || !near(ev.CostUSD, tc.want) {
				t.Fatalf("makespan %v s, cost $%v; want 100 s, $%v", ev.MakespanS, ev.CostUSD, tc.want)
			}
			// The pools share the bill by the core-seconds they held (equal here); the stages carry it all.
			stages := 0.0
			for s, r := range ev.Stages {
				stages += r.CostUSD
				if !near(r.CostUSD, tc.want/2) || !near(ev.Pools[s].CostUSD, tc.want/2) {
					t.Errorf("stage %s $%v, pool %s $%v; want $%v each", r.Stage, r.CostUSD, ev.Pools[s].Pool, ev.Pools[s].CostUSD, tc.want/2)
				}
			}
			if !near(stages, ev.CostUSD) || strings.Contains(Table(ev), "no stage used") {
				t.Errorf("stages add up to $%v of $%v:\n%s", stages, ev.CostUSD, Table(ev))
			}
		})
	}
}

// Two worker groups of one RayCluster have one head: its 2 task vCPUs are on the first group only. Stage a's
// two tasks run on the head at 0-100 s; stage b's need two nodes of the second group (1 vCPU each, ready
// after 50 s): 50-150 s. Nodes 2 × 150 s × $0.001 = $0.3, the fixed cost once, 150 s × $0.01 = $1.5.
// (Two heads ran all four tasks at 0 s: 100 s and $2.0.)
func TestCluster_rayHeadCapacityOncePerCluster(t *testing.T) {
	group := func(name string) Pool {
		pl := cheapVM(name, KindRay, "")
		pl.VCPUs, pl.MaxNodes, pl.StartLatencyS, pl.HeadVCPUs, pl.HeadMemoryBytes = 1, 2, 50, 2, 4<<30
		return pl
	}
	p := NewProblem(twoStages(t, 2), Platforms{Pools: []Pool{group("g1"), group("g2")}, Storage: testStorage()})
	ev, err := Evaluate(p, Assignment{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	if !near(ev.MakespanS, 150) || !near(ev.CostUSD, 1.8) {
		t.Fatalf("makespan %v s, cost $%v; want 150 s, $1.8", ev.MakespanS, ev.CostUSD)
	}
	if ev.Pools[0].Nodes != 0 || ev.Pools[1].Nodes != 2 {
		t.Fatalf("nodes started: %d and %d, want 0 (the head runs a) and 2", ev.Pools[0].Nodes, ev.Pools[1].Nodes)
	}
	for _, sp := range ev.Tasks {
		if onHead := sp.Pool == 0; onHead != (sp.StartS == 0) || (sp.Pool == 0 && sp.Node != 0) {
			t.Errorf("task %d on pool %d node %d at %v s", sp.Task, sp.Pool, sp.Node, sp.StartS)
		}
	}
	// HEFT sees the same single head: at most its 2 vCPUs' tasks start at 0 s (nodes are ready at 50 s).
	h, err := HEFT(p)
	if err != nil {
		t.Fatal(err)
	}
	atZero := 0
	for _, s := range h.TaskStartS {
		if s == 0 {
			atZero++
		}
	}
	if atZero > 2 {
		t.Fatalf("HEFT starts %d tasks at 0 s on one 2-vCPU head: %v", atZero, h.TaskStartS)
	}
	// Separate RayClusters have a head each.
	p.Pools[1].Cluster = "other"
	if ev, err = Evaluate(p, Assignment{0, 1}); err != nil || !near(ev.MakespanS, 100) || !near(ev.CostUSD, 2) {
		t.Fatalf("two clusters: %v s, $%v (%v); want 100 s, $2", ev.MakespanS, ev.CostUSD, err)
	}
}

// Worker groups and queues from the catalogue: the EKS control plane and the Ray head node, and the
// ParallelCluster head node, are billed once for the run, whatever the number of groups or queues used.
func TestCluster_catalogueHeadsBilledOnce(t *testing.T) {
	c := DefaultCatalog()
	head := func(it string) float64 { return c.Instances[it].HourlyUSD }
	for _, tc := range []struct {
		kind  PlatformKind
		ctor  func(*Catalog, string, string, int, int) (Pool, error)
		fixed float64
	}{
		{KindHPC, NewHPCPool, head(c.HPCHeadNodeType)},
		{KindRay, NewRayPool, c.EKSControlPlane.V + head(c.RayHeadNodeType)},
	} {
		var pools []Pool
		for _, it := range []string{"m6i.xlarge", "r6i.xlarge"} {
			pl, err := tc.ctor(c, it, it, 0, 4)
			if err != nil {
				t.Fatal(err)
			}
			pl.HourlyUSD = 0 // the fixed cost alone
			pools = append(pools, pl)
		}
		p := NewProblem(twoStages(t, 1), Platforms{Pools: pools, Storage: testStorage()})
		ev, err := Evaluate(p, Assignment{0, 1})
		if err != nil {
			t.Fatal(err)
		}
		if want := tc.fixed * ev.MakespanS / 3600; tc.fixed <= 0.05 || !near(ev.CostUSD, want) {
			t.Errorf("%s: $%v for %v s, want $%v/h once: $%v", tc.kind, ev.CostUSD, ev.MakespanS, tc.fixed, want)
		}
	}
}

// In a standing environment an unused cluster is billed once too, to every placement.
func TestCluster_standingUnusedClusterBilledOnce(t *testing.T) {
	pl := Platforms{Pools: []Pool{cheapVM("g1", KindRay, ""), cheapVM("g2", KindRay, ""), lambdaTestPool("fn")},
		Storage: testStorage(), Standing: true}
	pl.Pools[2].GBSecondUSD, pl.Pools[2].EphemeralUSD = 0, 0
	p := NewProblem(twoStages(t, 1), pl)
	ev, err := Evaluate(p, Assignment{2, 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := 0.01 * ev.MakespanS; !near(ev.CostUSD, want) || !near(ev.Pools[0].CostUSD, want) || ev.Pools[1].CostUSD != 0 {
		t.Fatalf("$%v (pools $%v, $%v) for %v s; want $%v once, on the cluster's first pool", ev.CostUSD,
			ev.Pools[0].CostUSD, ev.Pools[1].CostUSD, ev.MakespanS, want)
	}
	if !strings.Contains(Table(ev), "(fixed costs of clusters no stage used)") {
		t.Errorf("table:\n%s", Table(ev))
	}
}

func TestCluster_validation(t *testing.T) {
	w := twoStages(t, 1)
	fn := lambdaTestPool("fn")
	fn.Cluster = "x"
	if err := NewProblem(w, Platforms{Pools: []Pool{fn}, Storage: testStorage()}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "only HPC and Ray pools") {
		t.Errorf("cluster on a serverless pool: %v", err)
	}
	a, b := cheapVM("a", KindRay, "rc"), cheapVM("b", KindRay, "rc")
	b.HeadVCPUs, b.HeadMemoryBytes = 2, 1<<30
	err := NewProblem(w, Platforms{Pools: []Pool{a, b}, Storage: testStorage()}).Validate()
	if err == nil || !strings.Contains(err.Error(), `pools "a" and "b" are in one ray cluster`) {
		t.Errorf("one cluster, two heads: %v", err)
	}
	b = cheapVM("b", KindRay, "rc")
	b.FixedHourlyUSD = 1
	if err := NewProblem(w, Platforms{Pools: []Pool{a, b}, Storage: testStorage()}).Validate(); err == nil {
		t.Error("one cluster, two fixed costs: no error")
	}
	b.Cluster = "other"
	if err := NewProblem(w, Platforms{Pools: []Pool{a, b}, Storage: testStorage()}).Validate(); err != nil {
		t.Errorf("two clusters: %v", err)
	}
}

// The lower bound counts a cluster's fixed cost once too: with two worker groups of one standing RayCluster
// it must not exceed the cost of a placement (it added the fixed cost for each group).
func TestCluster_boundCountsFixedCostOnce(t *testing.T) {
	pl := Platforms{Pools: []Pool{cheapVM("g1", KindRay, ""), cheapVM("g2", KindRay, "")}, Storage: testStorage(), Standing: true}
	p := NewProblem(twoStages(t, 1), pl)
	b, err := Bound(p)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := Evaluate(p, Assignment{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	// One node for 100 s ($0.1) and the fixed cost once ($1.0); the bound: the fixed cost for its makespan and
	// each task's share of a node (1 of 4 vCPUs for 100 s: $0.025).
	if !near(ev.CostUSD, 1.1) || b.CostUSD > ev.CostUSD || !near(b.CostUSD, 0.01*b.MakespanS+0.05) {
		t.Fatalf("bound $%v (%v s), placement $%v; want at most $1.1", b.CostUSD, b.MakespanS, ev.CostUSD)
	}
}

// The manifest names the cluster of each pool used that is not its kind's default.
func TestCluster_manifest(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 1, RuntimeS: 100, Pin: "q1"},
		{Name: "b", TaskCount: 1, RuntimeS: 100, Pin: "q2"}})
	p := NewProblem(w, Platforms{Pools: []Pool{cheapVM("q1", KindHPC, ""), cheapVM("q2", KindHPC, "right")}, Storage: testStorage()})
	sol, err := Solve(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewManifest(p, sol)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, mp := range m.Pools {
		got[mp.Name] = mp.Cluster
	}
	if len(got) != 2 || got["q1"] != "" || got["q2"] != "right" {
		t.Fatalf("manifest pools %+v", m.Pools)
	}
}
