// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/prices"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/prices/pricelist"
)

// priceLookup returns the hourly on-demand prices of instance types in the provider's Region, and the
// Region.
type priceLookup func(ctx context.Context, instanceTypes []string) (map[string]float64, string, error)

// pricingAPI is the Price List API of the provider's Region, or nil without a configured client.
func pricingAPI(c *conns.Client) priceLookup {
	if c == nil {
		return nil
	}
	return func(ctx context.Context, instanceTypes []string) (map[string]float64, string, error) {
		out, err := pricelist.EC2OnDemandLinux(ctx, c.Pricing(), c.Region, instanceTypes...)
		return out, c.Region, err
	}
}

// applyPricingAPI prices the VM pools whose price is the offline catalogue's with the Price List API's
// prices for the provider's Region (spot pools keep their discount). When the API fails or lacks a type,
// the catalogue's price stays, and a warning says so.
func applyPricingAPI(ctx context.Context, lookup priceLookup, cat *placement.Catalog, pls *placement.Platforms) diag.Diagnostics {
	var diags diag.Diagnostics
	if lookup == nil {
		return diags
	}
	want := map[string]bool{}
	for i := range pls.Pools {
		if pl := &pls.Pools[i]; pl.InstanceType != "" && isCatalogPrice(pl) {
			want[pl.InstanceType] = true
		}
	}
	if len(want) == 0 {
		return diags
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	got, region, err := lookup(ctx, names)
	if err != nil {
		tflog.Warn(ctx, "Price List API unavailable; using the offline catalogue", map[string]any{"error": err.Error()})
		diags.AddWarning("EC2 prices from the offline catalogue",
			fmt.Sprintf("The AWS Price List API did not answer (%s); the placement uses the provider's offline prices for %s "+
				"(us-east-1, on demand). Set pricing_api = false to skip the call.", err, names))
		return diags
	}
	for i := range pls.Pools {
		pl := &pls.Pools[i]
		usd, ok := got[pl.InstanceType]
		if !ok || !isCatalogPrice(pl) {
			continue
		}
		pl.HourlyUSD, pl.PriceSource = usd, "AWS Price List API, "+region+", on demand, Linux"
		if pl.Spot {
			pl.HourlyUSD *= 1 - cat.SpotDiscount.V
			pl.PriceSource += fmt.Sprintf(", less the assumed %.0f%% spot discount", cat.SpotDiscount.V*100)
		}
	}
	return diags
}

// isCatalogPrice reports whether a VM pool's price is the offline catalogue's (not configured).
func isCatalogPrice(pl *placement.Pool) bool {
	if pl.Kind != placement.KindHPC && pl.Kind != placement.KindRay {
		return false
	}
	it, ok := prices.InstanceType(pl.InstanceType)
	return ok && (pl.PriceSource == it.PriceSource || pl.Spot && pl.HourlyUSD < it.HourlyUSD)
}
