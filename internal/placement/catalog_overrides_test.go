// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// overrideWorkflow exercises every part of the model: stage a (6 one-core 30.5 s tasks of 1 GiB reading
// 600 MB, 500 MB of it a file they share, and writing 100 MB: above Lambda's free /tmp) and stage b after
// it (2 two-core tasks).
func overrideWorkflow(t *testing.T) *Workflow {
	w := mustFromStages(t, []StageSpec{
		{Name: "a", TaskCount: 6, RuntimeS: 30.5, MemoryMB: 1024, InputBytes: 600e6, OutputBytes: 100e6},
		{Name: "b", TaskCount: 2, RuntimeS: 20.25, Cores: 2, MemoryMB: 1024, InputBytes: 50e6, DependsOn: []string{"a"}},
	})
	w.SharedFiles = []SharedFile{{ID: "reference", Bytes: 500e6}}
	for i := 0; i < 6; i++ {
		w.Tasks[i].SharedInputs = []int32{0}
	}
	return w
}

// overrideFingerprint is what the catalog c gives: the default platforms right-sized for w, plus an arm64
// Lambda pool and a spot Ray pool, each evaluated with every stage on it (or the reason it cannot).
func overrideFingerprint(t *testing.T, w *Workflow, c *Catalog) string {
	t.Helper()
	pl, err := DefaultPlatformsFor(w, c)
	if err != nil {
		return "platforms: " + err.Error()
	}
	spot := pl.Pools[1].WithSpot(c)
	spot.Name = "ray-spot"
	pl.Pools = append(pl.Pools, NewServerlessPool(c, "lambda-arm", "arm64"), spot)
	p := NewProblem(w, pl)
	var b strings.Builder
	for k := range pl.Pools {
		ev, err := Evaluate(p, Assignment{k, k})
		if err != nil {
			fmt.Fprintf(&b, "%s: %v\n", pl.Pools[k].Name, err)
			continue
		}
		fmt.Fprintf(&b, "%s: %v s, $%v\n", pl.Pools[k].Name, ev.MakespanS, ev.CostUSD)
	}
	return b.String()
}

// Every numeric catalog value can be overridden by name (as `model_overrides` does) and changes what the
// model gives: a new name needs a line here, with a value that shows its effect.
func TestCatalog_everyValueOverridableAndEffective(t *testing.T) {
	changes := map[string]struct {
		value float64
		base  map[string]float64 // set in both catalogs, so the value has an effect
	}{
		"ec2_min_billing_s": {5000, nil}, "hpc_node_start_s": {240, nil}, "ray_node_start_s": {30, nil},
		"hpc_idle_s": {60, nil}, "ray_idle_s": {60, nil}, "spot_discount": {0.3, nil}, "eks_control_plane": {1, nil},
		"ray_head_task_vcpus": {0, nil}, "ray_head_task_memory_gib": {0, nil}, "hpc_pool_vcpus": {2, nil},
		"ray_pool_vcpus": {2, map[string]float64{"ray_head_task_vcpus": 0}}, "lustre_capacity_gb": {2400, nil},
		"lustre_gb_month": {0.3, nil}, "lambda_gb_second_x86": {0.00002, nil}, "lambda_gb_second_arm": {0.00002, nil},
		"lambda_request": {0.001, nil}, "lambda_mb_per_vcpu": {1024, nil}, "lambda_min_memory_mb": {4096, nil},
		"lambda_max_memory_mb": {1024, nil}, "lambda_timeout_s": {10, nil}, "lambda_concurrency": {2, nil},
		"lambda_cold_start_s": {3, nil}, "lambda_s3_bandwidth": {20e6, nil}, "lambda_billing_tick_s": {1, nil},
		"lambda_ephemeral_free_mb": {1024, nil}, "lambda_ephemeral_max_mb": {600, nil},
		"lambda_ephemeral_gb_second": {0.001, nil}, "fargate_vcpu_hour": {0.1, nil}, "fargate_gb_hour": {0.1, nil},
		"fargate_max_vcpus": {1, nil}, "fargate_max_memory_gb": {1, nil}, "fargate_min_billing_s": {600, nil},
		"batch_start_s": {5, nil}, "batch_max_vcpus": {1, nil}, "fargate_ephemeral_free_gb": {0, nil},
		"fargate_ephemeral_max_gb": {0.5, nil}, "fargate_ephemeral_gb_hour": {1, map[string]float64{"fargate_ephemeral_free_gb": 0}},
		"s3_get_per_1000": {1, nil}, "s3_put_per_1000": {1, nil}, "s3_aggregate_bandwidth": {10e6, nil},
		"vm_s3_bandwidth": {10e6, nil}, "lustre_bandwidth": {10e6, nil},
		"lustre_read_mbps_per_tib": {5, nil}, "lustre_write_mbps_per_tib": {5, nil}, "node_page_cache": {0, nil},
	}
	w := overrideWorkflow(t)
	names := DefaultCatalog().ValueNames()
	for _, name := range names {
		ch, ok := changes[name]
		if !ok {
			t.Errorf("catalog value %q has no line in this test: add one whose value changes the model", name)
			continue
		}
		base, changed := DefaultCatalog(), DefaultCatalog()
		for k, v := range ch.base {
			if err := base.Set(k, v, "test"); err != nil {
				t.Fatal(err)
			}
			if err := changed.Set(k, v, "test"); err != nil {
				t.Fatal(err)
			}
		}
		if err := changed.Set(name, ch.value, "test"); err != nil {
			t.Errorf("%s = %v refused: %v", name, ch.value, err)
			continue
		}
		if err := changed.Check(); err != nil {
			t.Errorf("%s = %v: %v", name, ch.value, err)
		}
		if a, b := overrideFingerprint(t, w, base), overrideFingerprint(t, w, changed); a == b {
			t.Errorf("%s = %v changes nothing:\n%s", name, ch.value, a)
		}
	}
	if len(changes) != len(names) {
		t.Errorf("%d lines for %d catalog values: remove the lines of values that are gone", len(changes), len(names))
	}
}

// A value its rule accepts gives a model the engine takes (or Check says which values clash); a value the
// rule refuses is refused by Set, naming the value and its rule. Probed at and around each bound.
func TestCatalog_valueRules(t *testing.T) {
	w := overrideWorkflow(t)
	// Values added into a price that the engine bounds (the Ray pool's fixed cost, the Lustre file system's
	// hourly price): Check refuses the sum.
	summed := map[string]bool{"eks_control_plane": true, "lustre_gb_month": true, "lustre_capacity_gb": true}
	for _, name := range DefaultCatalog().ValueNames() {
		r := ValueRuleOf(name)
		for _, v := range []float64{0, 0.5, 1, 1.5, 1e9, 1e12, r.Min, r.Max, r.Min - 1e-9, r.Max * (1 + 1e-9), math.NaN(), math.Inf(1)} {
			c := DefaultCatalog()
			err := c.Set(name, v, "test")
			if want := v >= r.Min && v <= r.Max && (!r.Whole || v == math.Trunc(v)); (err == nil) != want {
				t.Errorf("%s = %v: Set says %v, the rule (%s) says valid %v", name, v, err, r, want)
				continue
			}
			if err != nil {
				if !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), r.String()) {
					t.Errorf("%s = %v: %q does not name the value and its rule", name, v, err)
				}
				continue
			}
			if err := c.Check(); err != nil {
				// Refused as a whole: a pair of values named, or a sum of prices beyond the engine's bound.
				var ve *ValueError
				if !(errors.As(err, &ve) && slices.Contains(ve.Names, name)) && !summed[name] {
					t.Errorf("%s = %v: accepted by its rule, then %v", name, v, err)
				}
				continue
			}
			pl, err := DefaultPlatformsFor(w, c)
			if err != nil {
				t.Errorf("%s = %v: accepted, but %v", name, v, err)
				continue
			}
			if _, err := Solve(NewProblem(w, pl), Options{}); err != nil {
				var ie *InfeasibleError
				if !errors.As(err, &ie) {
					t.Errorf("%s = %v: accepted, but Solve says %v", name, v, err)
				}
			}
		}
	}
	// Values valid alone but not together.
	c := DefaultCatalog()
	if err := c.Set("lambda_min_memory_mb", 4096, "test"); err != nil {
		t.Fatal(err)
	}
	if err := c.Set("lambda_max_memory_mb", 2048, "test"); err != nil {
		t.Fatal(err)
	}
	var ve *ValueError
	if err := c.Check(); !errors.As(err, &ve) || len(ve.Names) != 2 || !strings.Contains(err.Error(), "above the maximum") {
		t.Errorf("minimum above maximum: %v", err)
	}
	// AWS's hard limits may be tightened, not lifted, and are those the trace loader marks stages by.
	for name, max := range map[string]float64{"lambda_timeout_s": LambdaLimits.TimeoutS,
		"lambda_max_memory_mb": float64(LambdaLimits.MemoryMB), "lambda_ephemeral_max_mb": float64(LambdaLimits.EphemeralMB),
		"fargate_max_vcpus": float64(fargateSizes[len(fargateSizes)-1].vcpu), "fargate_max_memory_gb": float64(fargateSizes[len(fargateSizes)-1].maxGB)} {
		r := ValueRuleOf(name)
		if r.Max != max || r.Why == "" {
			t.Errorf("%s: at most %v (%q), AWS's limit is %v", name, r.Max, r.Why, max)
		}
		if err := DefaultCatalog().Set(name, max+1, "test"); err == nil || !strings.Contains(err.Error(), r.Why) {
			t.Errorf("%s = %v: %v, want refused as beyond AWS's limit", name, max+1, err)
		}
	}
	// Lambda's smallest memory setting, 128 MB, is a limit too.
	for _, name := range []string{"lambda_min_memory_mb", "lambda_max_memory_mb"} {
		if err := DefaultCatalog().Set(name, 127, "test"); err == nil || !strings.Contains(err.Error(), "hard limit") {
			t.Errorf("%s = 127: %v, want refused as below Lambda's 128 MB", name, err)
		}
	}
	// Bandwidths beyond 1 GB/s are real (Lustre per client, S3 in aggregate).
	for _, name := range []string{"lustre_bandwidth", "s3_aggregate_bandwidth", "vm_s3_bandwidth"} {
		if err := DefaultCatalog().Set(name, 10e9, "test"); err != nil {
			t.Errorf("%s = 10 GB/s: %v", name, err)
		}
	}
}

// Every catalog value says where it comes from (a published AWS figure, or "assumption" / "deployment
// choice" with its reasoning) and its unit; every instance type its price's source.
func TestCatalog_everyValueHasASource(t *testing.T) {
	c := DefaultCatalog()
	for _, name := range c.ValueNames() {
		v, ok := c.Value(name)
		if !ok || len(strings.TrimSpace(v.Source)) < 10 || v.Unit == "" {
			t.Errorf("%s: %+v has no source or unit", name, v)
		}
	}
	for _, name := range c.InstanceNames() {
		if it := c.Instances[name]; it.PriceSource == "" || !(it.HourlyUSD > 0) || it.VCPUs < 1 {
			t.Errorf("instance type %s: %+v", name, it)
		}
	}
	if c.HPCHeadNodeType == "" || c.RayHeadNodeType == "" {
		t.Error("no head node types")
	}
	for _, it := range []string{c.HPCHeadNodeType, c.RayHeadNodeType, MPIInstanceType} {
		if _, ok := c.Instance(it); !ok {
			t.Errorf("%s is not in the catalog", it)
		}
	}
}
