// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"sort"
	"testing"
)

// lustreProblem is n tasks each reading in bytes and writing out bytes with 1 s of compute, on one warm
// HPC node of n vCPUs (all start at time 0), with the per-task Lustre limit 500 MB/s and the workspace's
// aggregate read and write throughput.
func lustreProblem(t *testing.T, n int, in, out int64, aggRead, aggWrite float64) *Problem {
	t.Helper()
	w := mustFromStages(t, []StageSpec{{Name: "io", TaskCount: n, RuntimeS: 1, InputBytes: in, OutputBytes: out}})
	pl := testPool("hpc", KindHPC)
	pl.VCPUs, pl.MinNodes, pl.MaxNodes = n, 1, 1
	st := Storage{Lustre: true, LustreBandwidthBps: 500e6, LustreAggregateBps: aggRead, LustreWriteAggregateBps: aggWrite}
	return NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: st})
}

func sortedFinishes(ev *Evaluation) []float64 {
	var f []float64
	for _, task := range ev.Tasks {
		f = append(f, task.FinishS)
	}
	sort.Float64s(f)
	return f
}

// Eight tasks reading 1 GB each at once from a 240 MB/s workspace (per task 500 MB/s). The k-th to start
// gets 240/k MB/s and keeps it: it reads for k × 1e9 / 240e6 = 4.1667·k s, then computes 1 s. The last
// finishes at 8 GB / 240 MB/s + 1 s = 34.333 s, when fair sharing would finish them all; without the
// aggregate every task reads at 500 MB/s and finishes at 3 s.
func TestLustreAggregate_handComputed(t *testing.T) {
	p := lustreProblem(t, 8, 1e9, 0, 0, 0)
	ev := evalOK(t, p, Assignment{0})
	if !near(ev.MakespanS, 3) {
		t.Fatalf("no aggregate limit: makespan %v, want 3 (1 GB at 500 MB/s + 1 s)", ev.MakespanS)
	}
	p = lustreProblem(t, 8, 1e9, 0, 240e6, 0)
	ev = evalOK(t, p, Assignment{0})
	for k, f := range sortedFinishes(ev) {
		if want := float64(k+1)*1e9/240e6 + 1; !near(f, want) {
			t.Errorf("task %d of 8 finishes at %v, want %v", k+1, f, want)
		}
	}
	if want := 8e9/240e6 + 1; !near(ev.MakespanS, want) {
		t.Errorf("makespan %v, want %v (8 GB at 240 MB/s + 1 s)", ev.MakespanS, want)
	}
	// HEFT books the same shares: its own estimate is the simulator's makespan.
	h, err := HEFT(p)
	if err != nil {
		t.Fatal(err)
	}
	if !near(h.TaskMakespanS, ev.MakespanS) {
		t.Errorf("HEFT's estimate %v, the simulator %v", h.TaskMakespanS, ev.MakespanS)
	}
}

// The per-task (per-client) limit applies alone: one task reading 1 GB from a workspace of 100 GB/s still
// reads at 500 MB/s (2 s + 1 s), and from a 240 MB/s one at 240 MB/s.
func TestLustreAggregate_perTaskLimitAlone(t *testing.T) {
	for _, c := range []struct{ agg, want float64 }{{100e9, 3}, {240e6, 1e9/240e6 + 1}, {0, 3}} {
		if ev := evalOK(t, lustreProblem(t, 1, 1e9, 0, c.agg, 0), Assignment{0}); !near(ev.MakespanS, c.want) {
			t.Errorf("aggregate %g B/s: makespan %v, want %v", c.agg, ev.MakespanS, c.want)
		}
	}
}

// Writes share the write aggregate (SCRATCH_2: half the read figure): two tasks writing 1 GB each at once
// to a workspace of 200 MB/s read and 100 MB/s write: 1 s of compute, then 1e9/100e6 = 10 s and
// 1e9/50e6 = 20 s. Without a write figure the read one applies: 5 s and 10 s.
func TestLustreAggregate_writes(t *testing.T) {
	ev := evalOK(t, lustreProblem(t, 2, 0, 1e9, 200e6, 100e6), Assignment{0})
	if f := sortedFinishes(ev); !near(f[0], 11) || !near(f[1], 21) {
		t.Errorf("write aggregate 100 MB/s: finishes %v, want 11 and 21", f)
	}
	ev = evalOK(t, lustreProblem(t, 2, 0, 1e9, 200e6, 0), Assignment{0})
	if f := sortedFinishes(ev); !near(f[0], 6) || !near(f[1], 11) {
		t.Errorf("no write aggregate: finishes %v, want 6 and 11 (the read aggregate)", f)
	}
}

// A task that started earlier counts by its duty on the workspace, not as a whole reader: task a reads
// 100 MB (0.41667 s at 240 MB/s) then computes 100 s; task b, on a pool whose node boots in 10 s, starts
// at 10 s while a computes and reads 1 GB at 240 / (1 + duty(a)) MB/s, duty(a) = 0.41667 / 100.41667.
func TestLustreAggregate_dutyOfEarlierTasks(t *testing.T) {
	w := mustFromStages(t, []StageSpec{
		{Name: "a", TaskCount: 1, RuntimeS: 100, InputBytes: 100e6, Pin: "warm"},
		{Name: "b", TaskCount: 1, RuntimeS: 1, InputBytes: 1e9, Pin: "cold"},
	})
	warm, cold := testPool("warm", KindHPC), testPool("cold", KindHPC)
	warm.MinNodes, cold.StartLatencyS = 1, 10
	st := Storage{Lustre: true, LustreBandwidthBps: 500e6, LustreAggregateBps: 240e6}
	ev := evalOK(t, NewProblem(w, Platforms{Pools: []Pool{warm, cold}, Storage: st}), Assignment{0, 1})
	readA := 100e6 / 240e6
	duty := readA / (readA + 100)
	if want := 10 + 1e9/(240e6/(1+duty)) + 1; !near(ev.Tasks[1].FinishS, want) {
		t.Errorf("b finishes at %v, want %v", ev.Tasks[1].FinishS, want)
	}
}

// The static-cluster baseline is slowed by the workspace's throughput like every placement, and
// EvaluateBaseline (outside Solve) gives the figures Solve reported.
func TestLustreAggregate_staticClusterBaseline(t *testing.T) {
	w := mustFromStages(t, []StageSpec{
		{Name: "read", TaskCount: 64, RuntimeS: 5, InputBytes: 2e9, Pin: "hpc"},
		{Name: "reduce", TaskCount: 1, RuntimeS: 5, InputBytes: 1e9, DependsOn: []string{"read"}},
	})
	pls := DefaultPlatforms()
	base := map[bool]float64{}
	for _, limit := range []bool{false, true} {
		if !limit {
			pls.Storage.LustreAggregateBps, pls.Storage.LustreWriteAggregateBps = 0, 0
		} else {
			pls.Storage = NewStorage(DefaultCatalog())
		}
		p := NewProblem(w, pls)
		sol, err := Solve(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b := sol.Baseline(BaselineStatic)
		ev, err := EvaluateBaseline(p, b)
		if err != nil {
			t.Fatal(err)
		}
		if ev.MakespanS != b.MakespanS || ev.CostUSD != b.CostUSD {
			t.Errorf("limit %v: EvaluateBaseline %v s / $%v, Solve %v s / $%v", limit, ev.MakespanS, ev.CostUSD, b.MakespanS, b.CostUSD)
		}
		re, err := EvaluatePlan(p, sol.Plan())
		if err != nil {
			t.Fatal(err)
		}
		if re.MakespanS != sol.Evaluation.MakespanS || re.CostUSD != sol.Evaluation.CostUSD {
			t.Errorf("limit %v: EvaluatePlan %v s, Solve %v s", limit, re.MakespanS, sol.Evaluation.MakespanS)
		}
		base[limit] = b.MakespanS
	}
	// 128 GB of input at the default workspace's 234.4 MB/s (1,200 GiB × 200 MB/s/TiB) take at least 546 s.
	if floor := 128e9 / LustreThroughput(1200, 200); base[true] < floor || base[true] <= base[false] {
		t.Errorf("static cluster: %v s with the workspace's limit, %v s without; want at least %v s with it", base[true], base[false], floor)
	}
}

func TestLustreAggregate_validation(t *testing.T) {
	p := lustreProblem(t, 1, 1e9, 0, -1, 0)
	if _, err := Evaluate(p, Assignment{0}); err == nil {
		t.Error("a negative aggregate throughput was accepted")
	}
	p.Storage.LustreAggregateBps, p.Storage.LustreWriteAggregateBps = 240e6, 0.5
	if _, err := Evaluate(p, Assignment{0}); err == nil {
		t.Error("an aggregate write throughput under 1 B/s was accepted")
	}
}

// The default workspace is the hybrid environment's default: SCRATCH_2, 1,200 GiB, 200 MB/s/TiB read and
// 100 MB/s/TiB write at baseline.
func TestLustreAggregate_defaults(t *testing.T) {
	st := NewStorage(DefaultCatalog())
	if !near(st.LustreAggregateBps, 234.375e6) || !near(st.LustreWriteAggregateBps, 117.1875e6) {
		t.Errorf("default workspace: %v B/s read, %v B/s write; want 234.375e6 and 117.1875e6", st.LustreAggregateBps, st.LustreWriteAggregateBps)
	}
}
