// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/prices/pricelist"
)

// fixedCosts returns the fixed hourly cost and its source of the problem's first pool of each VM kind.
func fixedCosts(p *placement.Problem) map[placement.PlatformKind]placement.Pool {
	out := map[placement.PlatformKind]placement.Pool{}
	for _, pl := range p.Platforms.Pools {
		if _, ok := out[pl.Kind]; !ok {
			out[pl.Kind] = pl
		}
	}
	return out
}

// The head node types set in HCL replace the catalogue's: the HPC and Ray pools' fixed costs are their
// prices (the Ray pool's plus the EKS control plane), their sources name the types and the configuration,
// the Ray pool's head capacity is what ray_head_task_vcpus sets within the type, price_sources names the
// types, and the input hash changes with each.
func TestHeadNodeTypes_priceAndHash(t *testing.T) {
	base := overridesInputs(t, nil)
	p0, _ := mustExpand(t, &base)
	def := placement.DefaultCatalog()
	price := func(n string) float64 { it, _ := def.Instance(n); return it.HourlyUSD }
	f0 := fixedCosts(p0)
	if !near(f0[placement.KindHPC].FixedHourlyUSD, price("c6i.large")) ||
		!near(f0[placement.KindRay].FixedHourlyUSD, def.EKSControlPlane.V+price("m6i.xlarge")) {
		t.Fatalf("default fixed costs: hpc $%v, ray $%v", f0[placement.KindHPC].FixedHourlyUSD, f0[placement.KindRay].FixedHourlyUSD)
	}

	m := overridesInputs(t, map[string]float64{"ray_head_task_vcpus": 6})
	m.HPCHeadType, m.RayHeadType = types.StringValue("c5n.large"), types.StringValue("m6i.2xlarge")
	p, _ := mustExpand(t, &m)
	f := fixedCosts(p)
	hpc, ray := f[placement.KindHPC], f[placement.KindRay]
	// c5n.large $0.108/h, m6i.2xlarge $0.384/h (the offline catalogue, us-east-1) plus EKS's $0.10/h.
	if !near(hpc.FixedHourlyUSD, 0.108) || !near(ray.FixedHourlyUSD, 0.10+0.384) {
		t.Errorf("fixed costs: hpc $%v, ray $%v", hpc.FixedHourlyUSD, ray.FixedHourlyUSD)
	}
	if !strings.Contains(hpc.FixedSource, "c5n.large (configuration (hpc_head_node_instance_type))") ||
		!strings.Contains(ray.FixedSource, "m6i.2xlarge (configuration (ray_head_node_instance_type))") {
		t.Errorf("fixed sources: %q, %q", hpc.FixedSource, ray.FixedSource)
	}
	if ray.HeadVCPUs != 6 {
		t.Errorf("Ray head task vCPUs %d, want 6 (of m6i.2xlarge's 8)", ray.HeadVCPUs)
	}
	src := p.Platforms.PriceSources
	if !strings.HasSuffix(src["hpc_head_node"], "(c5n.large)") || !strings.HasSuffix(src["ray_head_node"], "(m6i.2xlarge)") {
		t.Errorf("price sources: %v", src)
	}
	h0 := placement.InputHash(p0)
	for _, one := range []func(*inputsModel){
		func(m *inputsModel) { m.HPCHeadType = types.StringValue("c5n.large") },
		func(m *inputsModel) { m.RayHeadType = types.StringValue("m6i.2xlarge") },
		func(m *inputsModel) { m.RayHeadType = types.StringValue("r6i.xlarge") }, // 4 vCPUs like the default
	} {
		m := overridesInputs(t, nil)
		one(&m)
		p, _ := mustExpand(t, &m)
		if placement.InputHash(p) == h0 {
			t.Errorf("head %q/%q: the input hash did not change", m.HPCHeadType.ValueString(), m.RayHeadType.ValueString())
		}
	}
}

// The Price List path prices the configured head node types, and the pools' fixed costs take the API's
// prices, price_sources its source.
func TestHeadNodeTypes_priceList(t *testing.T) {
	m := overridesInputs(t, nil)
	m.HPCHeadType, m.RayHeadType = types.StringValue("c5n.large"), types.StringValue("m6i.2xlarge")
	var asked []string
	lookup := ec2Lookup(&asked, map[string]float64{"c5n.large": 0.2, "m6i.2xlarge": 0.5}, nil)
	lookup.svcFn = func(_ context.Context, items []string) (map[string]pricelist.Price, map[string]string, error) {
		return nil, nil, nil // no service price: the offline catalogue's, with a warning
	}
	p, _, d := m.expand(context.Background(), lookup)
	if d.HasError() {
		t.Fatal(d)
	}
	if !slices.Contains(asked, "c5n.large") || !slices.Contains(asked, "m6i.2xlarge") {
		t.Errorf("asked the Price List for %v", asked)
	}
	f := fixedCosts(p)
	if !near(f[placement.KindHPC].FixedHourlyUSD, 0.2) || !near(f[placement.KindRay].FixedHourlyUSD, 0.10+0.5) {
		t.Errorf("fixed costs: hpc $%v, ray $%v", f[placement.KindHPC].FixedHourlyUSD, f[placement.KindRay].FixedHourlyUSD)
	}
	if got := p.Platforms.PriceSources["hpc_head_node"]; got != "AWS Price List API, eu-west-1, on demand, Linux (c5n.large)" {
		t.Errorf("hpc_head_node source %q", got)
	}
}

// A type the catalogue does not know, or a Ray head whose task vCPUs or memory exceed its type's, is a
// plan-time error on the attribute that makes it so, saying the rule.
func TestHeadNodeTypes_planTimeRules(t *testing.T) {
	for _, c := range []struct {
		name      string
		hpc, ray  string
		overrides map[string]float64
		at        string
		want      []string
	}{
		{"unknown hpc", "t3.medium", "", nil, attrHPCHead, []string{"t3.medium", "not one", "c6i.large"}},
		{"unknown ray", "", "m7i.xlarge", nil, attrRayHead, []string{"m7i.xlarge", "catalog"}},
		{"ray head too small for the default memory", "", "c6i.large", nil, attrRayHead,
			[]string{"task memory (8 GiB)", "4 GiB", "c6i.large"}},
		{"task vCPUs set above the type's", "", "m6i.2xlarge", map[string]float64{"ray_head_task_vcpus": 9},
			`model_overrides["ray_head_task_vcpus"]`, []string{"task vCPUs (9)", "8 vCPUs", "m6i.2xlarge"}},
		{"task vCPUs above the default type's", "", "", map[string]float64{"ray_head_task_vcpus": 5},
			`model_overrides["ray_head_task_vcpus"]`, []string{"task vCPUs (5)", "4 vCPUs", "m6i.xlarge"}},
		{"ray head too small for the task vCPUs set", "", "m6i.large", map[string]float64{"ray_head_task_vcpus": 2, "ray_head_task_memory_gib": 4},
			"", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := overridesInputs(t, nil)
			if c.overrides != nil {
				e := map[string]attr.Value{}
				for k, v := range c.overrides {
					e[k] = types.Float64Value(v)
				}
				m.ModelOverride = types.MapValueMust(types.Float64Type, e)
			}
			for _, h := range []struct {
				v  string
				to *types.String
			}{{c.hpc, &m.HPCHeadType}, {c.ray, &m.RayHeadType}} {
				if h.v != "" {
					*h.to = types.StringValue(h.v)
				}
			}
			_, d := planCheck(t, &m)
			if c.at == "" {
				if d.HasError() {
					t.Fatalf("refused: %v", d)
				}
				return
			}
			assertAttrError(t, d, c.at, c.want...)
		})
	}
}
