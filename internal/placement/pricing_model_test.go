// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"strings"
	"testing"
)

// Lambda gives vCPUs in proportion to memory (1,769 MB per vCPU in the catalogue; 1,024 in the test pool):
// a two-core task of 10 s runs 20 s with one vCPU's memory, 10 s with two; left automatic, the memory
// setting gives it two vCPUs, and one execution is billed at that memory.
func TestLambda_vCPUShareByMemory(t *testing.T) {
	for _, tc := range []struct {
		memMB    int
		makespan float64
	}{
		{1024, 21}, // 1 s cold start + 20 s
		{2048, 11},
		{0, 11}, // automatic: 2 cores × 1,024 MB
	} {
		w := mustFromStages(t, []StageSpec{{Name: "f", TaskCount: 1, RuntimeS: 10, Cores: 2, MemoryMB: 256, ServerlessMemoryMB: tc.memMB}})
		ev := evalOK(t, NewProblem(w, Platforms{Pools: []Pool{lambdaTestPool("fn")}, Storage: testStorage()}), Assignment{0})
		mem := tc.memMB
		if mem == 0 {
			mem = 2048
		}
		if ev.MakespanS != tc.makespan || ev.Stages[0].MemoryMB != mem || !near(ev.CostUSD, tc.makespan*float64(mem)/1024) {
			t.Errorf("memory %d MB: %v s at %d MB for $%v; want %v s at %d MB", tc.memMB, ev.MakespanS, ev.Stages[0].MemoryMB,
				ev.CostUSD, tc.makespan, mem)
		}
	}
}

// Fargate ephemeral storage holds a task's inputs and outputs: 20 GB included, the rest billed per GB-hour
// for the billed duration, at most 200 GB. 30 GB of input at the catalogue's 90 MB/s to S3: 45 s start +
// 333.33 s + 10 s = 388.33 s, billed 389 s for 1 vCPU, 2 GB and 10 GB of storage above the free 20 GB.
func TestFargate_ephemeralStorage(t *testing.T) {
	c := DefaultCatalog()
	w := mustFromStages(t, []StageSpec{{Name: "b", TaskCount: 1, RuntimeS: 10, InputBytes: 30e9}})
	ev := evalOK(t, NewProblem(w, Platforms{Pools: []Pool{NewBatchPool(c, "batch")}, Storage: testStorage()}), Assignment{0})
	want := 389.0 / 3600 * (c.FargateVCPUHour.V + 2*c.FargateGBHour.V + 10*c.FargateEphemeralGBHour.V)
	if !near(ev.MakespanS, 45+30e9/90e6+10) || !near(ev.CostUSD, want) {
		t.Errorf("30 GB on Fargate: %v s, $%v; want %v s, $%v", ev.MakespanS, ev.CostUSD, 45+30e9/90e6+10, want)
	}
	w = mustFromStages(t, []StageSpec{{Name: "b", TaskCount: 1, RuntimeS: 10, InputBytes: 150e9, OutputBytes: 60e9}})
	_, err := Evaluate(NewProblem(w, Platforms{Pools: []Pool{NewBatchPool(c, "batch")}, Storage: testStorage()}), Assignment{0})
	if err == nil || !strings.Contains(err.Error(), "200 GB") {
		t.Errorf("210 GB on Fargate: %v, want the 200 GB limit", err)
	}
}

// Spot pricing: the on-demand price less the catalogue's discount, once; a warm spot node of m6i.large
// running one 100 s task is billed 100 s at that price.
func TestSpot_discountedOnce(t *testing.T) {
	c := DefaultCatalog()
	od, err := NewRayPool(c, "ray", "m6i.large", 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	od.FixedHourlyUSD, od.HeadVCPUs, od.HeadMemoryBytes = 0, 0, 0
	spot := od.WithSpot(c).WithSpot(c)
	if want := c.Instances["m6i.large"].HourlyUSD * (1 - c.SpotDiscount.V); !near(spot.HourlyUSD, want) || !spot.Spot ||
		!strings.Contains(spot.PriceSource, "spot") {
		t.Fatalf("spot pool at $%v/h (%q), want $%v/h", spot.HourlyUSD, spot.PriceSource, want)
	}
	w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 1, RuntimeS: 100}})
	ev := evalOK(t, NewProblem(w, Platforms{Pools: []Pool{spot}, Storage: testStorage()}), Assignment{0})
	if !near(ev.CostUSD, 100*spot.HourlyUSD/3600) {
		t.Errorf("cost %v, want %v", ev.CostUSD, 100*spot.HourlyUSD/3600)
	}
	if hpc, _ := NewHPCPool(c, "lambda", "c6i.large", 0, 1); NewServerlessPool(c, "fn", "x86_64").WithSpot(c).Spot || hpc.Spot {
		t.Error("spot applies to VM pools only, on request")
	}
}
