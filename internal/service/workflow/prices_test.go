// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"errors"
	"strings"
	"testing"

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

func TestApplyPricingAPI(t *testing.T) {
	cat := placement.DefaultCatalog()
	hpc, _ := placement.NewHPCPool(cat, "hpc", "c5n.18xlarge", 0, 4)
	spot, _ := placement.NewRayPool(cat, "spot", "m6i.large", 0, 4)
	spot = spot.WithSpot(cat)
	fixed, _ := placement.NewRayPool(cat, "fixed", "m6i.xlarge", 0, 4)
	fixed.HourlyUSD, fixed.PriceSource = 0.5, "configuration (price_per_hour)"
	platforms := func() placement.Platforms {
		return placement.Platforms{Pools: []placement.Pool{hpc, spot, fixed, placement.NewServerlessPool(cat, "fn", "x86_64")}}
	}
	var asked []string
	lookup := ec2Lookup(&asked, map[string]float64{"c5n.18xlarge": 4.2, "m6i.large": 0.1, "m6i.xlarge": 9, "c6i.large": 0.095}, nil)
	pls := platforms()
	heads := map[string]string{}
	if d := applyPricingAPI(context.Background(), lookup, cat, &pls, heads); d.HasError() || d.WarningsCount() > 0 {
		t.Fatal(d)
	}
	// The catalogue-priced VM pools and the head nodes are asked for, sorted; the configured price is kept.
	if strings.Join(asked, ",") != "c5n.18xlarge,c6i.large,m6i.large,m6i.xlarge" {
		t.Errorf("asked for %v", asked)
	}
	if p := pls.Pools[0]; p.HourlyUSD != 4.2 || !strings.Contains(p.PriceSource, "Price List API, eu-west-1") {
		t.Errorf("hpc: $%v (%s)", p.HourlyUSD, p.PriceSource)
	}
	// The head nodes' fixed cost: the API's c6i.large price for the HPC head, m6i.xlarge's for the Ray head.
	if p := pls.Pools[0]; !near(p.FixedHourlyUSD, 0.095) || !strings.Contains(heads["hpc_head_node"], "eu-west-1") {
		t.Errorf("hpc head: $%v (%v)", p.FixedHourlyUSD, heads)
	}
	if p := pls.Pools[1]; !near(p.FixedHourlyUSD, cat.EKSControlPlane.V+9) {
		t.Errorf("ray head: $%v", p.FixedHourlyUSD)
	}
	// Spot: the API's on-demand price less the catalogue's 60% discount.
	if p := pls.Pools[1]; !near(p.HourlyUSD, 0.1*0.4) || !strings.Contains(p.PriceSource, "spot") {
		t.Errorf("spot: $%v (%s)", p.HourlyUSD, p.PriceSource)
	}
	if p := pls.Pools[2]; p.HourlyUSD != 0.5 {
		t.Errorf("configured price replaced: $%v", p.HourlyUSD)
	}
	// A type the API lacks keeps the catalogue's price, and a warning names it.
	pls = platforms()
	lookup = ec2Lookup(&asked, map[string]float64{"c5n.18xlarge": 4.2, "m6i.large": 0.1, "m6i.xlarge": 9}, nil)
	d := applyPricingAPI(context.Background(), lookup, cat, &pls, map[string]string{})
	if d.WarningsCount() != 1 || !strings.Contains(d[0].Detail(), "in eu-west-1 for c6i.large;") {
		t.Errorf("diagnostics %v", d)
	}
	if pls.Pools[0].FixedHourlyUSD != hpc.FixedHourlyUSD || pls.Pools[0].HourlyUSD != 4.2 {
		t.Errorf("hpc: $%v + $%v", pls.Pools[0].HourlyUSD, pls.Pools[0].FixedHourlyUSD)
	}
	// The API fails: the catalogue's prices stay, with a warning.
	pls = platforms()
	d = applyPricingAPI(context.Background(), ec2Lookup(&asked, nil, errors.New("throttled")), cat, &pls, map[string]string{})
	if d.HasError() || d.WarningsCount() != 1 || !strings.Contains(d[0].Detail(), "throttled") {
		t.Fatalf("diagnostics %v", d)
	}
	if pls.Pools[0].HourlyUSD != 3.888 || pls.Pools[0].FixedHourlyUSD != hpc.FixedHourlyUSD {
		t.Errorf("hpc after a failed lookup: $%v + $%v, want the catalogue's", pls.Pools[0].HourlyUSD, pls.Pools[0].FixedHourlyUSD)
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
		"fargate_ephemeral_gb_hour,lustre_gb_month,s3_get_per_1000,s3_put_per_1000" {
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
