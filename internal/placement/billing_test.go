// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"math"
	"testing"
)

// The billing rules of the pools the catalogue builds (NewServerlessPool, NewBatchPool, NewHPCPool), with
// fractional durations, so that rounding to another tick gives another cost:
//
//   - Lambda: duration (cold start included) rounded up to the catalogue's 1 ms tick (AWS Lambda pricing page);
//   - Fargate: rounded up to the second with a 1-minute minimum (AWS Fargate pricing page);
//   - EC2: per second, rounded up, with a 60 s minimum (Amazon EC2 pricing page, Linux on demand).
//
// No S3 request price and no Lustre price (testStorage), so the cost is the pool's billing alone.

// Lambda at the catalogue's tick: one task with 1,769 MB (one full vCPU, no slowdown), 1 s cold start.
// Each duration's cost differs when rounded to 100 ms or to the second.
func TestCatalogLambda_billedPerMillisecond(t *testing.T) {
	c := DefaultCatalog()
	lam := NewServerlessPool(c, "lambda", "x86_64")
	gbs := 1769.0 / 1024 * c.LambdaGBSecondX86.V
	for _, tc := range []struct{ runtime, billed float64 }{
		{0.2344, 1.235}, // 1.2344 s: 1.3 s at 100 ms, 2 s at the second
		{3.0001, 4.001}, // 4.0001 s: 4.1 s at 100 ms, 5 s at the second
		{0.5, 1.5},      // 1.5 s: the same at 100 ms, 2 s at the second
		{12.3456, 13.346},
	} {
		w := mustFromStages(t, []StageSpec{{Name: "f", TaskCount: 1, RuntimeS: tc.runtime, ServerlessMemoryMB: 1769}})
		ev := evalOK(t, NewProblem(w, Platforms{Pools: []Pool{lam}, Storage: testStorage()}), Assignment{0})
		want := tc.billed*gbs + c.LambdaRequest.V
		if !near(ev.CostUSD, want) {
			t.Errorf("runtime %v s: cost %.12f, want %.12f (%v s billed)", tc.runtime, ev.CostUSD, want, tc.billed)
		}
		if math.Ceil(1+tc.runtime) == tc.billed {
			t.Fatalf("runtime %v s: the case does not tell 1 ms billing from billing by the second", tc.runtime)
		}
	}
}

// Fargate: a 55.3 s task (45 s start + 10.3 s) is billed the 1-minute minimum; a 100.2 s one 101 s.
func TestCatalogFargate_minuteMinimumThenPerSecond(t *testing.T) {
	c := DefaultCatalog()
	batch := NewBatchPool(c, "batch")
	// One 1-core task with 512 MiB: Fargate's 1 vCPU / 2 GB size.
	perS := (c.FargateVCPUHour.V + 2*c.FargateGBHour.V) / 3600
	for _, tc := range []struct{ runtime, makespan, billed float64 }{
		{10.3, 55.3, 60},
		{14.99, 59.99, 60},
		{15.2, 60.2, 61},
		{55.2, 100.2, 101},
	} {
		w := mustFromStages(t, []StageSpec{{Name: "b", TaskCount: 1, RuntimeS: tc.runtime}})
		ev := evalOK(t, NewProblem(w, Platforms{Pools: []Pool{batch}, Storage: testStorage()}), Assignment{0})
		if !near(ev.MakespanS, tc.makespan) || !near(ev.CostUSD, tc.billed*perS) {
			t.Errorf("runtime %v s: %v s, $%.10f; want %v s, $%.10f (%v s billed)", tc.runtime, ev.MakespanS, ev.CostUSD,
				tc.makespan, tc.billed*perS, tc.billed)
		}
	}
}

// EC2 (an HPC queue of c6i.large, its head node's fixed cost taken out): a warm node is billed for the run
// with a 60 s minimum, rounded up to the second; a node started on demand from its start until the
// scale-down idle time after its last task, rounded up to the second.
func TestCatalogEC2_secondsWithMinimum(t *testing.T) {
	c := DefaultCatalog()
	perS := c.Instances["c6i.large"].HourlyUSD / 3600
	boot, idle := c.HPCNodeStartS.V, c.HPCIdleS.V
	for _, tc := range []struct {
		warm             bool
		runtime, billed  float64
		makespanFromBoot bool
	}{
		{true, 10.2, 60, false}, // under the minimum
		{true, 75.3, 76, false}, // rounded up to the second
		{true, 60.0, 60, false}, // exactly the minimum
		{false, 75.3, boot + 75.3 + idle, true},
		{false, 0.4, boot + 0.4 + idle, true},
	} {
		hpc, err := NewHPCPool(c, "hpc", "c6i.large", 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		hpc.FixedHourlyUSD = 0
		if tc.warm {
			hpc.MinNodes = 1
		}
		w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 1, RuntimeS: tc.runtime}})
		ev := evalOK(t, NewProblem(w, Platforms{Pools: []Pool{hpc}, Storage: testStorage()}), Assignment{0})
		makespan := tc.runtime
		if tc.makespanFromBoot {
			makespan += boot
		}
		want := math.Ceil(tc.billed-1e-9) * perS
		if !near(ev.MakespanS, makespan) || !near(ev.CostUSD, want) {
			t.Errorf("warm %v, runtime %v s: %v s, $%.10f; want %v s, $%.10f", tc.warm, tc.runtime, ev.MakespanS, ev.CostUSD,
				makespan, want)
		}
	}
}
