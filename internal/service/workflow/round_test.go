// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// decimalsOf is the number of decimals of the shortest representation of v (what state shows).
func decimalsOf(v float64) int {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if _, frac, ok := strings.Cut(s, "."); ok {
		return len(frac)
	}
	return 0
}

func TestRound(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		u    unit
		want float64
	}{
		{2.260449576230468, usd, 2.26045},
		{2.260449576230468, seconds, 2.26},
		{30.5589719625, seconds, 30.559},
		{0.008540934628850975, usd, 0.008541},
		{84.83973701884172, percent, 84.84},
		{-52.33853443721554, percent, -52.34},
		{0.0000004, usd, 0},
		{-0.0000004, usd, 0}, // not -0
		{-0.0004, seconds, 0},
		{12345678.98765432, usd, 12345678.987654},
		{0.1 + 0.2, usd, 0.3},
		{60, seconds, 60},
		{0, percent, 0},
	} {
		got := round(tc.v, tc.u)
		if got != tc.want || math.Signbit(got) != math.Signbit(tc.want) {
			t.Errorf("round(%v, %d) = %v, want %v", tc.v, tc.u, got, tc.want)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := round(v, usd); !(got == v || math.IsNaN(got) && math.IsNaN(v)) {
			t.Errorf("round(%v) = %v", v, got)
		}
	}
	// Any value comes out with at most the unit's decimals and within half a unit of the last decimal.
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		v := (rng.Float64() - 0.3) * math.Pow(10, float64(rng.Intn(12)-4))
		for _, u := range []unit{usd, seconds, percent} {
			r := round(v, u)
			if d := decimalsOf(r); d > u.decimals() {
				t.Fatalf("round(%v, %d) = %v has %d decimals, want at most %d", v, u, r, d, u.decimals())
			}
			if half := 0.5*math.Pow(10, -float64(u.decimals())) + 1e-12*math.Abs(v); math.Abs(r-v) > half {
				t.Fatalf("round(%v, %d) = %v is off by more than %v", v, u, r, half)
			}
		}
	}
	if got := format(0.0054545454, usd); got != "0.005455" {
		t.Errorf("format = %q", got)
	}
	if got := formatDelta(-0.0000001, usd); got != "+0.000000" {
		t.Errorf("formatDelta of a rounded-away change = %q", got)
	}
	if got := formatDelta(-40.00049, seconds); got != "-40.000" {
		t.Errorf("formatDelta = %q", got)
	}
}

// Every float that flatten writes (stages, totals, Pareto front, baselines) is rounded for its unit,
// while the engine's values have many more decimals.
func TestFlatten_rounded(t *testing.T) {
	m := nullInputs(t)
	m.Stage = listOf(t, "stage", []stageModel{stage("prep", 20, 3.3), stage("reduce", 1, 700.7, "prep")})
	p, o := mustExpand(t, &m)
	sol, d := solve(context.Background(), &m, p, o)
	if d.HasError() {
		t.Fatal(d)
	}
	if n := decimalsOf(sol.Evaluation.CostUSD); n <= 6 {
		t.Fatalf("the engine's cost %v has only %d decimals: the test needs a value with more", sol.Evaluation.CostUSD, n)
	}
	var out outputsModel
	if d := out.flatten(p, sol); d.HasError() {
		t.Fatal(d)
	}
	if got, want := out.CostUSD.ValueFloat64(), round(sol.Evaluation.CostUSD, usd); got != want {
		t.Errorf("cost_usd = %v, want %v", got, want)
	}

	unitOf := map[string]unit{"cost_usd": usd, "makespan_s": seconds, "start_s": seconds, "finish_s": seconds,
		"makespan_improvement_pct": percent, "cost_improvement_pct": percent}
	checked, pct := 0, 0
	check := func(where, name string, v types.Float64) {
		t.Helper()
		u, ok := unitOf[name]
		if !ok {
			t.Errorf("%s: float output %q has no unit in this test", where, name)
			return
		}
		if n := decimalsOf(v.ValueFloat64()); n > u.decimals() {
			t.Errorf("%s = %v has %d decimals, want at most %d", where, v.ValueFloat64(), n, u.decimals())
		}
		if n := decimalsOf(v.ValueFloat64()); n > 6 {
			t.Errorf("%s = %v has more than 6 decimals", where, v.ValueFloat64())
		}
		if u == percent && v.ValueFloat64() != 0 {
			pct++
		}
		checked++
	}
	check("makespan_s", "makespan_s", out.MakespanS)
	check("cost_usd", "cost_usd", out.CostUSD)
	for _, l := range []struct {
		name string
		list types.List
	}{{"stages", out.Stages}, {"pareto_front", out.ParetoFront}, {"baselines", out.Baselines}} {
		if len(l.list.Elements()) == 0 {
			t.Errorf("%s is empty", l.name)
		}
		for i, e := range l.list.Elements() {
			for k, v := range e.(types.Object).Attributes() {
				if f, ok := v.(types.Float64); ok {
					check(l.name+"["+strconv.Itoa(i)+"]."+k, k, f)
				}
			}
		}
	}
	if checked < 10 || pct == 0 {
		t.Errorf("checked only %d float outputs (%d non-zero percentages)", checked, pct)
	}

	// Read derives the stages from the manifest: equal to what flatten gave.
	man, err := placement.NewManifest(p, sol)
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := flattenStageRows(stageRowsFromManifest(man)); !l.Equal(out.Stages) {
		t.Error("the stages Read derives from the manifest are not what flatten writes")
	}
}

// A split stage whose overflow pool got no task in the simulation (the warm node held every task) still
// names that pool in stages, as the manifest does and as rayhpc_workflow_placement's Read gives it back
// from the manifest: otherwise the plan after an apply showed burst_pool going to null, a change every plan.
func TestFlatten_burstPoolWithoutBurstTasks(t *testing.T) {
	m := nullInputs(t)
	m.Stage = listOf(t, "stage", []stageModel{stage("prep", 2, 10)})
	p, _ := mustExpand(t, &m)
	hpc, fn := -1, -1
	for k, pl := range p.Pools {
		switch pl.Kind {
		case placement.KindHPC:
			hpc = k
		case placement.KindServerless:
			fn = k
		}
	}
	if hpc < 0 || fn < 0 {
		t.Fatalf("the default platforms have no HPC or serverless pool: %+v", p.Pools)
	}
	p.Pools[hpc].MinNodes = 1 // a warm node holds both tasks: none overflows
	plan := placement.Plan{Stages: placement.Assignment{hpc}, Burst: []int{fn}}
	ev, err := placement.EvaluatePlan(p, plan)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Stages[0].BurstTasks != 0 || ev.Stages[0].BurstPool != "" {
		t.Fatalf("the test needs a split without overflow: %+v", ev.Stages[0])
	}
	sol := &placement.Solution{Assignment: plan.Stages, Burst: plan.Burst, Evaluation: ev}
	var out outputsModel
	if d := out.flatten(p, sol); d.HasError() {
		t.Fatal(d)
	}
	rows, d := expandStageRows(context.Background(), out.Stages)
	if d.HasError() {
		t.Fatal(d)
	}
	if rows[0].BurstPool != p.Pools[fn].Name || rows[0].BurstTasks != 0 {
		t.Errorf("stages[0]: burst_pool %q, burst_tasks %d; want %q and 0", rows[0].BurstPool, rows[0].BurstTasks, p.Pools[fn].Name)
	}
}
