// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// overridesInputs is a stage workflow on a pool of every kind the catalog prices: a right-sized HPC queue,
// a spot Ray group, Lambda x86_64 and arm64, Batch; with model_overrides set to o.
func overridesInputs(t *testing.T, o map[string]float64) inputsModel {
	t.Helper()
	m := nullInputs(t)
	s := stage("a", 4, 10.5)
	s.InputBytes = types.Int64Value(700e6)
	m.Stage = listOf(t, "stage", []stageModel{s})
	hpc, ray := vmPool("hpc", ""), vmPool("ray", "")
	hpc.InstanceType, ray.InstanceType, ray.Spot = types.StringNull(), types.StringNull(), types.BoolValue(true)
	arm := lambdaPool("arm")
	arm.Architecture = types.StringValue("arm64")
	m.HPC = listOf(t, "hpc", []vmPoolModel{hpc})
	m.Ray = listOf(t, "ray", []vmPoolModel{ray})
	m.Serverless = listOf(t, "serverless", []serverlessPoolModel{lambdaPool("lambda"), arm})
	m.Batch = listOf(t, "batch", []batchPoolModel{batchPool("batch")})
	if o != nil {
		e := map[string]attr.Value{}
		for k, v := range o {
			e[k] = types.Float64Value(v)
		}
		m.ModelOverride = types.MapValueMust(types.Float64Type, e)
	}
	return m
}

// Every catalog value is accepted by name in model_overrides and reaches the engine's problem (its input
// hash changes): doubled, or halved where that would leave its range.
func TestModelOverrides_everyNameReachesTheProblem(t *testing.T) {
	base := overridesInputs(t, nil)
	p0, _ := mustExpand(t, &base)
	def := placement.DefaultCatalog()
	for _, name := range def.ValueNames() {
		cur, ok := def.Value(name)
		if !ok {
			t.Fatalf("ValueNames lists %s, Value does not know it", name)
		}
		v := 2 * cur.V
		rule := placement.ValueRuleOf(name)
		if v > rule.Max { // at an AWS limit (or a fraction): halved instead
			v = cur.V / 2
		}
		if v == 0 {
			v = 1e6 // the S3 aggregate bandwidth: none by default
		}
		if rule.Whole && v != math.Trunc(v) { // a switch (node_page_cache): its other end
			v = rule.Min + rule.Max - cur.V
		}
		m := overridesInputs(t, map[string]float64{name: v})
		p, _ := mustExpand(t, &m)
		if placement.InputHash(p) == placement.InputHash(p0) {
			t.Errorf("model_overrides { %s = %v } does not change the problem", name, v)
		}
	}
}

// A value outside its rule, or values that clash, is an error at the model_overrides key concerned,
// naming the rule; a value its rule accepts plans without an error that names no attribute.
func TestModelOverrides_planTimeRules(t *testing.T) {
	ctx := context.Background()
	for _, name := range placement.DefaultCatalog().ValueNames() {
		r := placement.ValueRuleOf(name)
		for _, v := range []float64{r.Min - 0.5, r.Max * 2, 0, 0.5, 1, r.Min, r.Max} {
			m := overridesInputs(t, map[string]float64{name: v})
			d, ds := m.decode(ctx)
			if ds.HasError() {
				t.Fatal(ds)
			}
			diags := validateInputs(ctx, &m, &d, false)
			valid := v >= r.Min && v <= r.Max && (!r.Whole || v == float64(int64(v)))
			if !valid {
				assertAttrError(t, diags, `model_overrides["`+name+`"]`, name, r.String())
				continue
			}
			if diags.HasError() {
				assertAttrError(t, diags, `model_overrides["`+name+`"]`, "Invalid model overrides")
				continue
			}
			p, o, ds := m.expand(ctx, nil)
			if ds.HasError() {
				t.Errorf("%s = %v: passed validation, expand says %v", name, v, ds)
				continue
			}
			if _, ds := solve(ctx, &m, p, o); ds.HasError() {
				for _, e := range ds.Errors() {
					if _, ok := e.(diag.DiagnosticWithPath); !ok {
						t.Errorf("%s = %v: passed validation, then an error naming no attribute: %s: %s", name, v, e.Summary(), e.Detail())
					}
				}
			}
		}
	}
	// Valid each, not together: the minimum memory setting above the maximum.
	m := overridesInputs(t, map[string]float64{"lambda_min_memory_mb": 4096, "lambda_max_memory_mb": 2048})
	d, _ := m.decode(ctx)
	assertAttrError(t, validateInputs(ctx, &m, &d, false), `model_overrides["lambda_min_memory_mb"]`, "above the maximum")
	// A sum of prices beyond the engine's bound (the Ray pool's fixed cost): at the key when it is the only
	// one, else on model_overrides.
	m = overridesInputs(t, map[string]float64{"eks_control_plane": placement.MaxPriceUSD})
	d, _ = m.decode(ctx)
	assertAttrError(t, validateInputs(ctx, &m, &d, false), `model_overrides["eks_control_plane"]`, "fixed cost")
	m = overridesInputs(t, map[string]float64{"eks_control_plane": placement.MaxPriceUSD, "hpc_idle_s": 60})
	d, _ = m.decode(ctx)
	assertAttrError(t, validateInputs(ctx, &m, &d, false), `model_overrides`, "fixed cost")
}

// A block's setting that a model_overrides value makes invalid is an error on the block: a serverless
// pool's memory_mb below lambda_min_memory_mb (it was an engine error naming no attribute).
func TestModelOverrides_againstABlock(t *testing.T) {
	m := nullInputs(t)
	m.Stage = listOf(t, "stage", []stageModel{stage("a", 2, 10)})
	l := lambdaPool("l")
	l.MemoryMB = types.Int64Value(1024)
	m.Serverless = listOf(t, "serverless", []serverlessPoolModel{lambdaPool("k"), l})
	m.ModelOverride = types.MapValueMust(types.Float64Type, map[string]attr.Value{"lambda_min_memory_mb": types.Float64Value(4096)})
	_, _, diags := m.expand(context.Background(), nil)
	assertAttrError(t, diags, "serverless[1]", "memory limits", "model_overrides")
}

// Random combinations of model_overrides values, each within its rule (at its bounds, its default, twice
// and a third of it), on pools of every kind and on the default platforms: each plans, or fails with
// errors that name an attribute; never a panic nor an error naming none.
func TestModelOverrides_randomCombinations(t *testing.T) {
	ctx := context.Background()
	def := placement.DefaultCatalog()
	names := def.ValueNames()
	rng := rand.New(rand.NewPCG(7, 9))
	for it := 0; it < 200; it++ {
		o := map[string]float64{}
		for k := 0; k < 1+rng.IntN(5); k++ {
			n := names[rng.IntN(len(names))]
			r := placement.ValueRuleOf(n)
			cur, _ := def.Value(n)
			v := []float64{r.Min, r.Max, cur.V, cur.V * 2, cur.V / 3, 1}[rng.IntN(6)]
			if r.Whole {
				v = math.Trunc(v)
			}
			if v < r.Min || v > r.Max {
				v = r.Min
			}
			o[n] = v
		}
		m := overridesInputs(t, o)
		if it%2 == 0 { // the default platforms
			m.HPC, m.Ray = types.ListNull(blockType(t, "hpc")), types.ListNull(blockType(t, "ray"))
			m.Serverless, m.Batch = types.ListNull(blockType(t, "serverless")), types.ListNull(blockType(t, "batch"))
		}
		for _, e := range planAll(ctx, &m).Errors() {
			if _, ok := e.(diag.DiagnosticWithPath); !ok {
				t.Errorf("model_overrides %v: an error naming no attribute: %s: %s", o, e.Summary(), e.Detail())
			}
		}
	}
}

// planAll is what a plan reports: the cross-attribute rules, then the placement.
func planAll(ctx context.Context, m *inputsModel) (diags diag.Diagnostics) {
	defer func() {
		if r := recover(); r != nil {
			diags.AddError("panic", fmt.Sprint(r))
		}
	}()
	d, ds := m.decode(ctx)
	diags.Append(ds...)
	if diags.Append(validateInputs(ctx, m, &d, false)...); diags.HasError() {
		return diags
	}
	p, o, ds := m.expand(ctx, nil)
	if diags.Append(ds...); diags.HasError() {
		return diags
	}
	_, ds = solve(ctx, m, p, o)
	return append(diags, ds...)
}
