// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/pricing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/prices"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/prices/pricelist"
)

// PriceSourcePricingAPI marks a price read from the AWS Price List API.
const PriceSourcePricingAPI = "pricing-api"

// parsePriceListProduct returns the instance type and hourly USD on-demand price of one PriceList entry.
func parsePriceListProduct(s string) (string, float64, bool) { return pricelist.ParseProduct(s) }

// onDemandLinuxPrices lists the hourly on-demand Linux prices of EC2 instance types in a Region from the
// Price List API, in one paginated listing.
func onDemandLinuxPrices(ctx context.Context, conn *pricing.Client, region string) (map[string]float64, error) {
	return pricelist.EC2OnDemandLinux(ctx, conn, region)
}

// catalogPrice is the fallback: the provider's offline price catalogue (internal/prices: us-east-1
// on-demand Linux prices, each with its source), which the placement engine uses too.
func catalogPrice(instanceType string) (float64, string, bool) {
	it, ok := prices.InstanceType(instanceType)
	if !ok || it.HourlyUSD <= 0 {
		return 0, "", false
	}
	return it.HourlyUSD, fmt.Sprintf("catalog: %s", it.PriceSource), true
}
