// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// randomConfig draws stage blocks (sizes, I/O, coupling, state, pins, Lambda memory) and maybe an HPC and a
// serverless block and the options, each value within its schema rule, so that many draws are infeasible
// or break a cross-attribute rule.
func randomConfig(t *testing.T, rng *rand.Rand) inputsModel {
	pick := func(v ...int64) int64 { return v[rng.IntN(len(v))] }
	pickf := func(v ...float64) float64 { return v[rng.IntN(len(v))] }
	maybe := func(n int) bool { return rng.IntN(n) == 0 }
	m := nullInputs(t)
	var sts []stageModel
	for s := 0; s < 1+rng.IntN(4); s++ {
		var deps []string
		if s > 0 && maybe(2) {
			deps = []string{fmt.Sprintf("s%d", rng.IntN(s))}
		}
		st := stage(fmt.Sprintf("s%d", s), pick(1, 3, 50), pickf(1, 30, 899, 2000), deps...)
		if maybe(2) {
			st.Cores = types.Int64Value(pick(1, 2, 8, 64, 200))
		}
		if maybe(2) {
			st.MemoryMB = types.Int64Value(pick(128, 4096, 200000, 2000000))
		}
		if maybe(3) {
			st.GPUs, st.InputBytes = types.Int64Value(pick(0, 1, 8)), types.Int64Value(pick(0, 1e9, 60e9, 1e13))
		}
		if maybe(4) {
			st.Coupling, st.OutputBytes = types.StringValue("mpi"), types.Int64Value(pick(0, 1e9, 300e9))
		}
		if maybe(5) {
			st.Stateful, st.ServerlessMemoryMB = types.BoolValue(true), types.Int64Value(pick(128, 1769, 10240))
		}
		if maybe(5) {
			st.Pin = types.StringValue([]string{"hpc", "ray", "serverless", "batch", "h", "l"}[rng.IntN(6)])
		}
		sts = append(sts, st)
	}
	m.Stage = listOf(t, "stage", sts)
	if maybe(2) {
		h := vmPool("h", []string{"", "c5n.18xlarge", "c6i.large", "g5.xlarge", "zz.big"}[rng.IntN(5)])
		switch h.InstanceType.ValueString() {
		case "":
			h.InstanceType = types.StringNull()
		case "zz.big":
			h.VCPUs, h.MemoryGiB, h.PricePerHour = types.Int64Value(pick(1, 96)), types.Float64Value(pickf(0.5, 768)), types.Float64Value(pickf(0, 5))
		}
		h.MinNodes, h.MaxNodes = types.Int64Value(pick(0, 1, 20, 600)), types.Int64Value(pick(1, 4, 1000))
		h.Spot, h.EFA = types.BoolValue(maybe(2)), types.BoolValue(maybe(2))
		l := lambdaPool("l")
		l.MemoryMB, l.TimeoutS = types.Int64Value(pick(128, 1024, 10240)), types.Float64Value(pickf(1, 900))
		m.HPC, m.Serverless = listOf(t, "hpc", []vmPoolModel{h}), listOf(t, "serverless", []serverlessPoolModel{l})
	}
	if maybe(3) {
		m.DeadlineS, m.BudgetUSD = types.Float64Value(pickf(1, 1e6)), types.Float64Value(pickf(1e-6, 1e6))
	}
	if maybe(3) {
		m.StaticNodes, m.StaticUp = types.Int64Value(pick(1, 100000)), types.BoolValue(maybe(2))
	}
	m.SplitStages, m.EnvironmentUp = types.BoolValue(!maybe(3)), types.BoolValue(!maybe(3))
	return m
}

// Random configurations, every value within its schema rule: each plans, or fails with errors that name an
// attribute (an infeasible stage, node bounds, a pin, a task no default platform holds ...); never a panic
// nor an error naming none. Both outcomes occur.
func TestPlan_randomConfigurations(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(11, 3))
	ok, failed := 0, 0
	for it := 0; it < 200; it++ {
		m := randomConfig(t, rng)
		diags := planAll(ctx, &m)
		if !diags.HasError() {
			ok++
			continue
		}
		failed++
		for _, e := range diags.Errors() {
			if _, named := e.(diag.DiagnosticWithPath); !named {
				t.Errorf("draw %d: an error naming no attribute: %s: %s", it, e.Summary(), e.Detail())
			}
		}
	}
	if ok < 10 || failed < 10 {
		t.Errorf("%d draws planned, %d failed: the generator no longer tests both", ok, failed)
	}
}
