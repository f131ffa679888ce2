// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

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
	lookup := func(_ context.Context, its []string) (map[string]float64, string, error) {
		asked = its
		return map[string]float64{"c5n.18xlarge": 4.2, "m6i.large": 0.1, "m6i.xlarge": 9}, "eu-west-1", nil
	}
	pls := platforms()
	if d := applyPricingAPI(context.Background(), lookup, cat, &pls); d.HasError() || d.WarningsCount() > 0 {
		t.Fatal(d)
	}
	// Only the catalogue-priced VM pools are asked for, sorted; the configured price is kept.
	if strings.Join(asked, ",") != "c5n.18xlarge,m6i.large" {
		t.Errorf("asked for %v", asked)
	}
	if p := pls.Pools[0]; p.HourlyUSD != 4.2 || !strings.Contains(p.PriceSource, "Price List API, eu-west-1") {
		t.Errorf("hpc: $%v (%s)", p.HourlyUSD, p.PriceSource)
	}
	// Spot: the API's on-demand price less the catalogue's 60% discount.
	if p := pls.Pools[1]; !near(p.HourlyUSD, 0.1*0.4) || !strings.Contains(p.PriceSource, "spot") {
		t.Errorf("spot: $%v (%s)", p.HourlyUSD, p.PriceSource)
	}
	if p := pls.Pools[2]; p.HourlyUSD != 0.5 {
		t.Errorf("configured price replaced: $%v", p.HourlyUSD)
	}
	// The API fails: the catalogue's prices stay, with a warning.
	pls = platforms()
	d := applyPricingAPI(context.Background(), func(context.Context, []string) (map[string]float64, string, error) {
		return nil, "", errors.New("throttled")
	}, cat, &pls)
	if d.HasError() || d.WarningsCount() != 1 || !strings.Contains(d[0].Detail(), "throttled") {
		t.Fatalf("diagnostics %v", d)
	}
	if pls.Pools[0].HourlyUSD != 3.888 {
		t.Errorf("hpc after a failed lookup: $%v, want the catalogue's 3.888", pls.Pools[0].HourlyUSD)
	}
}

func near(a, b float64) bool { return a-b < 1e-12 && b-a < 1e-12 }
