// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// A memory-bound stage makes the pool look past its top node while other nodes are still booting: the
// simulator once indexed the ready-node heap with a node it had never added and panicked.
func TestSolve_memoryBoundStageWhileNodesBoot(t *testing.T) {
	w, err := FromStages([]StageSpec{
		{Name: "ingest", TaskCount: 200, RuntimeS: 20, MemoryMB: 1024, InputBytes: 5e7, OutputBytes: 2e7},
		{Name: "preprocess", TaskCount: 400, RuntimeS: 45, MemoryMB: 2048, DependsOn: []string{"ingest"}},
		{Name: "simulate", TaskCount: 16, RuntimeS: 1800, MemoryMB: 65536, DependsOn: []string{"preprocess"}, Coupling: CouplingMPI},
		{Name: "features", TaskCount: 300, RuntimeS: 30, MemoryMB: 3072, DependsOn: []string{"simulate"}},
		{Name: "train", TaskCount: 8, RuntimeS: 2400, MemoryMB: 12288, DependsOn: []string{"features"}, Stateful: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := NewProblem(w, DefaultPlatforms())
	sol, err := Solve(p, Options{Objective: ObjectiveWeighted, CostWeight: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	// simulate is MPI: it must be on the HPC pool. Its 16 tasks of 64 GiB fit three to a 192 GiB
	// c5n.18xlarge, so the pool runs at least 6 nodes for the stage's 1,800 s: 6 × 0.5 h × $3.888.
	hpc := sol.Assignment[2]
	if got := p.Platforms.Pools[hpc].Kind; got != KindHPC {
		t.Fatalf("simulate placed on %s, want hpc", got)
	}
	st := sol.Evaluation.Stages[2]
	if d := st.FinishS - st.StartS; d < 1800 {
		t.Errorf("simulate ran %.0f s, less than one task's runtime", d)
	}
	u := sol.Evaluation.Pools[hpc]
	if u.Nodes < 6 || u.CostUSD < 6*0.5*3.888 {
		t.Errorf("hpc pool: %d nodes, %.2f USD; want at least 6 nodes and 11.66 USD", u.Nodes, u.CostUSD)
	}
}

// Found by FuzzSolve: a NaN start latency made the simulator's clock NaN; NaN never equals itself, so
// the event loop never consumed an event and Solve spun forever (terraform plan hung). Non-finite and
// absurd numbers are now validation errors.
func TestSolve_nonFiniteParametersAreValidationErrors(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 3, RuntimeS: 10}})
	cases := map[string]func(p *Platforms){
		"latency NaN":        func(p *Platforms) { p.Pools[2].StartLatencyS = math.NaN() },
		"latency Inf":        func(p *Platforms) { p.Pools[0].StartLatencyS = math.Inf(1) },
		"min billing NaN":    func(p *Platforms) { p.Pools[3].MinBillingS = math.NaN() },
		"hourly NaN":         func(p *Platforms) { p.Pools[1].HourlyUSD = math.NaN() },
		"hourly Inf":         func(p *Platforms) { p.Pools[1].HourlyUSD = math.Inf(1) },
		"speed tiny":         func(p *Platforms) { p.Pools[1].Speed = 1e-300 },
		"s3 bandwidth Inf":   func(p *Platforms) { p.Pools[2].S3BandwidthBps = math.Inf(1) },
		"GB-second NaN":      func(p *Platforms) { p.Pools[2].GBSecondUSD = math.NaN() },
		"MB per vCPU Inf":    func(p *Platforms) { p.Pools[2].MBPerVCPU = math.Inf(1) },
		"billing tick NaN":   func(p *Platforms) { p.Pools[2].BillingTickS = math.NaN() },
		"vCPU-hour NaN":      func(p *Platforms) { p.Pools[3].VCPUHourUSD = math.NaN() },
		"lustre NaN":         func(p *Platforms) { p.Storage.LustreBandwidthBps = math.NaN() },
		"s3 GET price NaN":   func(p *Platforms) { p.Storage.S3GetUSD = math.NaN() },
		"cold start 1e300 s": func(p *Platforms) { p.Pools[2].StartLatencyS = 1e300 },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			pl := DefaultPlatforms()
			mutate(&pl)
			done := make(chan error, 1)
			go func() {
				_, err := Solve(NewProblem(w, pl), Options{})
				done <- err
			}()
			select {
			case err := <-done:
				var ie *InfeasibleError
				if err == nil || errors.As(err, &ie) {
					t.Fatalf("want a validation error, got %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Solve did not return")
			}
		})
	}
	for _, o := range []Options{{DeadlineS: math.Inf(1)}, {BudgetUSD: math.NaN()}} {
		if _, err := Solve(NewProblem(w, DefaultPlatforms()), o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
	if _, err := FromStages([]StageSpec{{Name: "a", TaskCount: 1, RuntimeS: math.Inf(1)}}); err == nil {
		t.Error("infinite runtime accepted")
	}
	if _, err := FromStages([]StageSpec{{Name: "a", TaskCount: 1, MemoryMB: math.MaxInt64 / 2}}); err == nil {
		t.Error("memory overflowing int64 bytes accepted")
	}
}

// Found by FuzzSolve: the Lambda timeout check summed InputBytes+OutputBytes as int64; near the int64
// limit the sum wrapped negative, the task looked instantaneous, and the stage was put on a function
// that then ran 1.7e11 s against a 900 s timeout.
func TestSolve_serverlessTimeoutWithHugeByteCounts(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 3, RuntimeS: 600, Cores: 4, MemoryMB: 23,
		InputBytes: math.MaxInt64 - 1, OutputBytes: math.MaxInt64/2 + 1}})
	pl := DefaultPlatforms()
	p := NewProblem(w, pl)
	if _, err := Evaluate(p, Assignment{2}); err == nil {
		t.Fatal("the serverless pool accepted a stage whose tasks read 1.4e19 bytes at 80 MB/s")
	}
	sol, err := Solve(p, Options{Objective: ObjectiveCost})
	if err != nil {
		t.Fatal(err)
	}
	if k := pl.Pools[sol.Assignment[0]].Kind; k == KindServerless {
		t.Fatalf("stage placed on %s", k)
	}
}

// Found by FuzzLoadWfCommons: file sizes beyond the int64 range were converted as is (undefined; in
// practice MinInt64) and summed with wrap-around, so a task's byte counts were garbage. They now
// saturate at MaxFileBytes.
func TestLoadWfCommons_hugeFileSizesSaturate(t *testing.T) {
	doc := `{"workflow": {"specification": {"tasks": [{"id": "a", "outputFiles": ["f", "f", "g"]},
	  {"id": "b", "inputFiles": ["f"], "parents": ["a"]}],
	  "files": [{"id": "f", "sizeInBytes": 9e18}, {"id": "g", "sizeInBytes": 1e300}]}}}`
	w, err := LoadWfCommons(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := w.Tasks[0], w.Tasks[1]; a.OutputBytes != MaxFileBytes || b.InputBytes != MaxFileBytes {
		t.Fatalf("bytes: a out %d, b in %d; want %d", a.OutputBytes, b.InputBytes, MaxFileBytes)
	}
	legacy := `{"workflow": {"tasks": [{"id": "a", "files": [{"link": "input", "name": "x", "size": 1e300},
	  {"link": "output", "name": "y", "sizeInBytes": 5e18}, {"link": "output", "name": "z", "sizeInBytes": 5e18}]}]}}`
	if w, err = LoadWfCommons(strings.NewReader(legacy)); err != nil {
		t.Fatal(err)
	}
	if a := w.Tasks[0]; a.InputBytes != MaxFileBytes || a.OutputBytes != MaxFileBytes {
		t.Fatalf("legacy bytes: in %d out %d", a.InputBytes, a.OutputBytes)
	}
}

// The memory of a pool's queued tasks was an int64 sum: four tasks of 4e18 bytes wrapped it negative,
// so the pool started one node where it needed two and ran the stage twice as long.
func TestEvaluate_queuedMemoryDoesNotOverflow(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "big", TaskCount: 4, RuntimeS: 100, MemoryMB: 3_814_697_265_625}}) // 4e18 B
	pool := testPool("huge", KindHPC)
	pool.VCPUs, pool.MemoryBytes, pool.MaxNodes = 64, 8e18, 4
	p := NewProblem(w, Platforms{Pools: []Pool{pool}, Storage: testStorage()})
	ev := evalOK(t, p, Assignment{0})
	if ev.Pools[0].Nodes != 2 || !near(ev.MakespanS, pool.StartLatencyS+100) {
		t.Fatalf("%d nodes, makespan %v; want 2 nodes and %v s", ev.Pools[0].Nodes, ev.MakespanS, pool.StartLatencyS+100)
	}
}

// HEFT gave every pool MaxNodes × VCPUs slots: a pool configured with 10^6 vCPUs per node and 10^5
// nodes allocated 10^11 slots (out of memory at plan time). Slots are now capped at what the tasks can
// use, which does not change the schedule.
func TestHEFT_hugePoolDoesNotAllocateEverySlot(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 50, RuntimeS: 10, Cores: 2},
		{Name: "b", TaskCount: 5, RuntimeS: 50, DependsOn: []string{"a"}}})
	big := testPool("big", KindRay)
	big.VCPUs, big.MaxNodes, big.MinNodes = 1_000_000, 100_000, 50_000
	// Memory that does not bind on either node size, so that a task takes its cores in slots on both
	// (HEFT packs a node by memory too: see vmSlots).
	big.MemoryBytes = 1 << 50
	big.Cluster = "big" // a Ray cluster of its own, without fixed cost or head
	pl := DefaultPlatforms()
	pl.Pools = append(pl.Pools, big)
	pl.Pools[2].Concurrency = 1_000_000
	pl.Pools[3].MaxVCPUs = 1_000_000
	p := NewProblem(w, pl)
	start := time.Now()
	h, err := HEFT(p)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("HEFT took %v", d)
	}
	// Reference: the same problem with only as many slots as the tasks can use gives the same schedule.
	small := DefaultPlatforms()
	small.Pools = append(small.Pools, big)
	small.Pools[4].VCPUs, small.Pools[4].MaxNodes, small.Pools[4].MinNodes = 110, 1, 1
	small.Pools[2].Concurrency = 55
	small.Pools[3].MaxVCPUs = 200
	h2, err := HEFT(NewProblem(w, small))
	if err != nil {
		t.Fatal(err)
	}
	if h.TaskMakespanS != h2.TaskMakespanS || fmt.Sprint(h.TaskPools) != fmt.Sprint(h2.TaskPools) {
		t.Fatalf("capped slots changed HEFT: %v %v vs %v %v", h.TaskMakespanS, h.TaskPools, h2.TaskMakespanS, h2.TaskPools)
	}
}
