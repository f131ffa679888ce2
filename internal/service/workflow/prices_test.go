// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/prices/pricelist"
)

// ec2Lookup is a Price List stand-in for EC2 prices that records what it was asked.
func ec2Lookup(asked *[]string, got map[string]float64, err error) *priceLookup {
	return newPriceLookup("eu-west-1", func(_ context.Context, its []string) (map[string]float64, error) {
		*asked = its
		return got, err
	}, nil)
}

// The catalogue takes the API's prices of the types asked, with their source; the pools made from it
// afterwards (spot ones less the discount, their source naming the API's) and the head nodes' fixed
// costs follow. A type the API lacks keeps the catalogue's price, named in a warning; a failed call
// keeps them all, with a warning naming the error.
func TestApplyInstancePrices(t *testing.T) {
	cat := placement.DefaultCatalog()
	var asked []string
	names := []string{"c5n.18xlarge", "c6i.large", "m6i.large", "m6i.xlarge"}
	lookup := ec2Lookup(&asked, map[string]float64{"c5n.18xlarge": 4.2, "m6i.large": 0.1, "m6i.xlarge": 9, "c6i.large": 0.095}, nil)
	if d := applyInstancePrices(context.Background(), lookup, cat, names); d.HasError() || d.WarningsCount() > 0 {
		t.Fatal(d)
	}
	if strings.Join(asked, ",") != strings.Join(names, ",") {
		t.Errorf("asked for %v", asked)
	}
	hpc, _ := placement.NewHPCPool(cat, "hpc", "c5n.18xlarge", 0, 4)
	if hpc.HourlyUSD != 4.2 || hpc.PriceSource != "AWS Price List API, eu-west-1, on demand, Linux" {
		t.Errorf("hpc: $%v (%s)", hpc.HourlyUSD, hpc.PriceSource)
	}
	// The head nodes' fixed cost: the API's c6i.large price for the HPC head, m6i.xlarge's for the Ray head.
	spot, _ := placement.NewRayPool(cat, "spot", "m6i.large", 0, 4)
	spot = spot.WithSpot(cat)
	if !near(hpc.FixedHourlyUSD, 0.095) || !near(spot.FixedHourlyUSD, cat.EKSControlPlane.V+9) {
		t.Errorf("heads: hpc $%v, ray $%v", hpc.FixedHourlyUSD, spot.FixedHourlyUSD)
	}
	// Spot: the API's on-demand price less the catalogue's 60% discount, and the source says both.
	if !near(spot.HourlyUSD, 0.1*0.4) || !strings.HasPrefix(spot.PriceSource, "spot: on demand (AWS Price List API, eu-west-1") {
		t.Errorf("spot: $%v (%s)", spot.HourlyUSD, spot.PriceSource)
	}
	src := priceSources(cat, &placement.Platforms{Pools: []placement.Pool{hpc, spot}}, nil)
	if src["hpc_head_node"] != "AWS Price List API, eu-west-1, on demand, Linux (c6i.large)" || src["pool.hpc"] != hpc.PriceSource {
		t.Errorf("price sources %v", src)
	}

	// A type the API lacks keeps the catalogue's price, and a warning names it.
	cat = placement.DefaultCatalog()
	lookup = ec2Lookup(&asked, map[string]float64{"c5n.18xlarge": 4.2}, nil)
	d := applyInstancePrices(context.Background(), lookup, cat, []string{"c5n.18xlarge", "c6i.large"})
	if d.WarningsCount() != 1 || !strings.Contains(d[0].Detail(), "in eu-west-1 for c6i.large;") {
		t.Errorf("diagnostics %v", d)
	}
	if it, _ := cat.Instance("c6i.large"); it != placement.DefaultCatalog().Instances["c6i.large"] {
		t.Errorf("c6i.large: %+v, want the catalogue's", it)
	}
	// The API fails: the catalogue's prices stay, with a warning.
	cat = placement.DefaultCatalog()
	d = applyInstancePrices(context.Background(), ec2Lookup(&asked, nil, errors.New("throttled")), cat, names)
	if d.HasError() || d.WarningsCount() != 1 || !strings.Contains(d[0].Detail(), "throttled") {
		t.Fatalf("diagnostics %v", d)
	}
	if it, _ := cat.Instance("c5n.18xlarge"); it.HourlyUSD != 3.888 {
		t.Errorf("c5n.18xlarge after a failed lookup: $%v, want the catalogue's", it.HourlyUSD)
	}
}

// The types asked for: every candidate of a right-sized pool (c6i/m6i/r6i sizes; c5n.18xlarge for an
// HPC pool when a stage is mpi), the configured types the catalogue prices, and the head nodes; not a
// type whose price price_per_hour sets.
func TestInstanceTypesToPrice(t *testing.T) {
	cat := placement.DefaultCatalog()
	w := &placement.Workflow{Stages: []placement.Stage{{Name: "a"}}}
	families := func(fams ...string) []string {
		var out []string
		for _, n := range cat.InstanceNames() {
			for _, f := range fams {
				if cat.Instances[n].Family == f {
					out = append(out, n)
				}
			}
		}
		return out
	}
	all := families("c6i", "m6i", "r6i")
	if got := instanceTypesToPrice(cat, &decodedInputs{}, w); strings.Join(got, ",") != strings.Join(all, ",") || len(got) != 21 {
		t.Errorf("default platforms: %v", got)
	}
	mpi := &placement.Workflow{Stages: []placement.Stage{{Name: "a", Coupling: placement.CouplingMPI}}}
	want := append([]string{"c5n.18xlarge"}, all...) // the Ray pool is right-sized from the same families
	if got := instanceTypesToPrice(cat, &decodedInputs{}, mpi); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("default platforms, mpi: %v", got)
	}
	fixed := vmPool("fixed", "c5n.18xlarge")
	fixed.PricePerHour = types.Float64Value(1)
	d := &decodedInputs{hpc: []vmPoolModel{vmPool("slurm", "hpc7g.16xlarge"), fixed}, serverless: []serverlessPoolModel{lambdaPool("fn")}}
	if got := strings.Join(instanceTypesToPrice(cat, d, w), ","); got != "c6i.large,hpc7g.16xlarge" {
		t.Errorf("hpc blocks: %s", got)
	}
	ray := vmPool("ray", "")
	ray.InstanceType = types.StringNull()
	d = &decodedInputs{ray: []vmPoolModel{ray}}
	if got := instanceTypesToPrice(cat, d, mpi); strings.Join(got, ",") != strings.Join(families("c6i", "m6i", "r6i"), ",") {
		t.Errorf("right-sized ray block: %v", got)
	}
}

// govPrices are us-gov-west-1's on-demand prices of the right-sizer's candidates as the Price List API
// lists them (the sandbox's catalogue and its source): c6i, m6i and r6i at $0.051, $0.0605 and $0.0755 per
// vCPU-hour, c5n.18xlarge $4.68.
func govPrices() map[string]float64 {
	out := map[string]float64{"c5n.18xlarge": 4.68}
	cat := placement.DefaultCatalog()
	for n, it := range cat.Instances {
		if usd, ok := map[string]float64{"c6i": 0.051, "m6i": 0.0605, "r6i": 0.0755}[it.Family]; ok {
			out[n] = usd * float64(it.VCPUs)
		}
	}
	return out
}

// Right-sizing weighs the candidates at the Region's prices: a workflow of 1-core tasks whose memory
// fills a c6i node in one stage and not in the other gets m6i nodes at us-east-1's prices (the
// catalogue's) and c6i nodes at us-gov-west-1's, where c6i costs 84% of m6i per vCPU (89% in us-east-1);
// the pools take the Region's price with its source, from one EC2 price lookup.
func TestExpand_regionPricesRightSize(t *testing.T) {
	m := nullInputs(t)
	a, b := stage("a", 100, 100), stage("b", 19, 100)
	a.MemoryMB, b.MemoryMB = types.Int64Value(2048), types.Int64Value(4096)
	m.Stage = listOf(t, "stage", []stageModel{a, b})
	m.Serverless = listOf(t, "serverless", []serverlessPoolModel{lambdaPool("fn")})
	hpc, ray := vmPool("hpc", ""), vmPool("ray", "")
	hpc.InstanceType, ray.InstanceType = types.StringNull(), types.StringNull() // right-sized
	m.HPC = listOf(t, "hpc", []vmPoolModel{hpc})
	m.Ray = listOf(t, "ray", []vmPoolModel{ray})

	p, _ := mustExpand(t, &m)
	if p.Pools[0].InstanceType != "m6i.large" || p.Pools[1].InstanceType != "m6i.large" {
		t.Fatalf("us-east-1 prices: hpc %s, ray %s, want m6i.large", p.Pools[0].InstanceType, p.Pools[1].InstanceType)
	}
	var calls int
	lookup := newPriceLookup("us-gov-west-1", func(_ context.Context, its []string) (map[string]float64, error) {
		calls++
		return govPrices(), nil
	}, func(_ context.Context, items []string) (map[string]pricelist.Price, map[string]string, error) {
		return nil, map[string]string{}, nil
	})
	for i := 0; i < 2; i++ {
		p, _, d := m.expand(context.Background(), lookup)
		if d.HasError() {
			t.Fatal(d)
		}
		for _, pl := range p.Pools[:2] {
			if pl.InstanceType != "c6i.large" || pl.HourlyUSD != 0.102 || pl.PriceSource != "AWS Price List API, us-gov-west-1, on demand, Linux" {
				t.Errorf("us-gov-west-1 prices: %s %s $%v (%s), want c6i.large at $0.102", pl.Name, pl.InstanceType, pl.HourlyUSD, pl.PriceSource)
			}
		}
		if src := p.Platforms.PriceSources["pool.hpc"]; !strings.Contains(src, "us-gov-west-1") {
			t.Errorf("price_sources pool.hpc = %q", src)
		}
	}
	if calls != 1 {
		t.Errorf("%d EC2 price lookups, want 1 (all candidates at once, then cached)", calls)
	}
}

// Right-sizing at the Region's prices weighs the node page cache: blast's default pools (no platform
// blocks) get c6i.2xlarge, every candidate priced at us-gov-west-1's ($0.051 a vCPU-hour, so $0.051 a
// blastall slot against m6i.large's $0.0605), whose memory holds the 5.1 GB database beside 8 tasks; with
// node_page_cache = 0 they get the slot price's choice, c6i.large.
func TestExpand_regionPricesRightSizePageCache(t *testing.T) {
	trace, err := os.ReadFile(filepath.Join(tracesDir(t), "blast-chameleon-small-001.json"))
	if err != nil {
		t.Fatal(err)
	}
	lookup := newPriceLookup("us-gov-west-1", func(_ context.Context, its []string) (map[string]float64, error) {
		return govPrices(), nil
	}, func(_ context.Context, items []string) (map[string]pricelist.Price, map[string]string, error) {
		return nil, map[string]string{}, nil
	})
	for _, c := range []struct {
		cache float64
		want  string
		usd   float64
	}{{1, "c6i.2xlarge", 0.408}, {0, "c6i.large", 0.102}} {
		m := nullInputs(t)
		m.WfCommonsJSON = types.StringValue(string(trace))
		m.ModelOverride = types.MapValueMust(types.Float64Type, map[string]attr.Value{"node_page_cache": types.Float64Value(c.cache)})
		p, _, d := m.expand(context.Background(), lookup)
		if d.HasError() {
			t.Fatal(d)
		}
		for _, pl := range p.Pools[:2] {
			if pl.InstanceType != c.want || math.Abs(pl.HourlyUSD-c.usd) > 1e-9 || !strings.Contains(pl.PriceSource, "us-gov-west-1") {
				t.Errorf("node_page_cache %v: %s %s $%v (%s), want %s at $%v", c.cache, pl.Name, pl.InstanceType, pl.HourlyUSD,
					pl.PriceSource, c.want, c.usd)
			}
		}
	}
}

// serviceLookup is a Price List stand-in for service prices that records what it was asked.
func serviceLookup(asked *[]string, found map[string]pricelist.Price, missing map[string]string) *priceLookup {
	return newPriceLookup("eu-west-2", nil, func(_ context.Context, items []string) (map[string]pricelist.Price, map[string]string, error) {
		*asked = items
		return found, missing, nil
	})
}

// The catalogue takes the API's service prices with their sources; a model_overrides value is neither
// asked for nor replaced; what the API lacks stays the catalogue's, named in one warning.
func TestApplyServicePrices(t *testing.T) {
	cat := placement.DefaultCatalog()
	if err := cat.Set("fargate_gb_hour", 0.01, srcModelOverride); err != nil {
		t.Fatal(err)
	}
	var asked []string
	vcpu := pricelist.Price{Item: "fargate_vcpu_hour", USD: 0.04656, ServiceCode: "AmazonECS", UsageType: "EUW2-Fargate-vCPU-Hours:perCPU",
		Unit: "hours", SKU: "S", Region: "eu-west-2"}
	lookup := serviceLookup(&asked, map[string]pricelist.Price{"fargate_vcpu_hour": vcpu},
		map[string]string{"lustre_gb_month": "no AmazonFSx product with usage type Storage priced per GB-Mo in eu-west-2"})
	d := applyServicePrices(context.Background(), lookup, cat, []string{"fargate_vcpu_hour", "fargate_gb_hour", "lustre_gb_month"})
	if strings.Join(asked, ",") != "fargate_vcpu_hour,lustre_gb_month" {
		t.Errorf("asked for %v (fargate_gb_hour is the configuration's)", asked)
	}
	if cat.FargateVCPUHour.V != 0.04656 || cat.FargateVCPUHour.Source != vcpu.Source() || cat.FargateVCPUHour.Unit != "USD/vCPU-h" {
		t.Errorf("fargate_vcpu_hour: %+v", cat.FargateVCPUHour)
	}
	if cat.FargateGBHour.V != 0.01 || cat.LustreGBMonth != placement.DefaultCatalog().LustreGBMonth {
		t.Errorf("fargate_gb_hour %+v, lustre %+v", cat.FargateGBHour, cat.LustreGBMonth)
	}
	if d.HasError() || d.WarningsCount() != 1 || !strings.Contains(d[0].Detail(), "lustre_gb_month: no AmazonFSx product") ||
		strings.Contains(d[0].Detail(), "fargate") {
		t.Errorf("diagnostics %v", d)
	}
	// Without a lookup (pricing_api = false, no client) nothing changes and nothing is said.
	cat = placement.DefaultCatalog()
	if d := applyServicePrices(context.Background(), nil, cat, serviceItems(&decodedInputs{})); len(d) != 0 ||
		cat.FargateVCPUHour != placement.DefaultCatalog().FargateVCPUHour {
		t.Errorf("nil lookup: %v %+v", d, cat.FargateVCPUHour)
	}
}

// The items asked for follow the platforms: the default platforms' Lambda x86 and Fargate, an Arm-only
// serverless pool's Arm duration, no Fargate without a batch pool; storage always.
func TestServiceItems(t *testing.T) {
	all := strings.Join(serviceItems(&decodedInputs{}), ",")
	if all != "lambda_gb_second_x86,lambda_request,lambda_ephemeral_gb_second,fargate_vcpu_hour,fargate_gb_hour,"+
		"fargate_ephemeral_gb_hour,eks_control_plane,lustre_gb_month,s3_get_per_1000,s3_put_per_1000" {
		t.Errorf("default platforms: %s", all)
	}
	arm := serverlessPoolModel{Name: types.StringValue("fn"), Architecture: types.StringValue("arm64")}
	got := strings.Join(serviceItems(&decodedInputs{serverless: []serverlessPoolModel{arm}}), ",")
	if got != "lambda_gb_second_arm,lambda_request,lambda_ephemeral_gb_second,lustre_gb_month,s3_get_per_1000,s3_put_per_1000" {
		t.Errorf("arm only: %s", got)
	}
	for _, n := range serviceItems(&decodedInputs{}) {
		if _, ok := pricelist.ItemNamed(n); !ok {
			t.Errorf("%s is not a Price List item", n)
		}
	}
	for _, it := range pricelist.Items {
		if _, ok := placement.DefaultCatalog().Value(it.Name); !ok {
			t.Errorf("%s is not a catalogue value", it.Name)
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-12 && b-a < 1e-12 }

// The lookup keeps what the API answered: a second placement asks nothing again, neither a price found
// nor one an answered listing lacks; what failed is asked again.
func TestPriceLookupCache(t *testing.T) {
	var ec2Calls, svcCalls [][]string
	ec2Err, svcErr := errors.New("throttled"), errors.New("AWSLambda: throttled")
	l := newPriceLookup("eu-west-2",
		func(_ context.Context, its []string) (map[string]float64, error) {
			ec2Calls = append(ec2Calls, its)
			if ec2Err != nil {
				return nil, ec2Err
			}
			return map[string]float64{"c5n.18xlarge": 4.2}, nil
		},
		func(_ context.Context, items []string) (map[string]pricelist.Price, map[string]string, error) {
			svcCalls = append(svcCalls, items)
			found := map[string]pricelist.Price{"fargate_gb_hour": {USD: 0.00511}}
			missing := map[string]string{"lustre_gb_month": "no product"}
			if svcErr != nil {
				missing["lambda_request"] = "AWSLambda listing failed"
			} else {
				found["lambda_request"] = pricelist.Price{USD: 2e-7}
			}
			return found, missing, svcErr
		})
	ctx := context.Background()
	items := []string{"fargate_gb_hour", "lustre_gb_month", "lambda_request"}
	if _, missing := l.services(ctx, items); len(missing) != 2 {
		t.Fatalf("first: missing %v", missing)
	}
	svcErr = nil
	found, missing := l.services(ctx, items)
	if len(found) != 2 || missing["lustre_gb_month"] != "no product" || len(svcCalls) != 2 || strings.Join(svcCalls[1], ",") != "lustre_gb_month,lambda_request" {
		t.Fatalf("second: found %v missing %v calls %v (lustre_gb_month is asked again: its listing failed with another's)", found, missing, svcCalls)
	}
	if found, _ := l.services(ctx, items); len(found) != 2 || len(svcCalls) != 2 {
		t.Fatalf("third: found %v, calls %v", found, svcCalls)
	}

	if _, err := l.ec2(ctx, []string{"c5n.18xlarge", "c6i.large"}); err == nil {
		t.Fatal("the error was not returned")
	}
	ec2Err = nil
	for i := 0; i < 2; i++ {
		got, err := l.ec2(ctx, []string{"c5n.18xlarge", "c6i.large"})
		if err != nil || len(got) != 1 || got["c5n.18xlarge"] != 4.2 {
			t.Fatalf("ec2: %v %v", got, err)
		}
	}
	if len(ec2Calls) != 2 {
		t.Errorf("ec2 calls %v: after an answer neither type is asked again", ec2Calls)
	}
}
