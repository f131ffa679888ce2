// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	pricingtypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// PriceSourcePricingAPI marks a price read from the AWS Price List API.
const PriceSourcePricingAPI = "pricing-api"

// pricingMaxAttempts bounds retries of Price List calls: a price is a convenience, and the catalog
// fallback is better than a data source that hangs while the Price List API is unavailable.
const pricingMaxAttempts = 3

// priceListDoc is the part of a Price List product document the provider reads.
type priceListDoc struct {
	Product struct {
		Attributes map[string]string `json:"attributes"`
	} `json:"product"`
	Terms struct {
		OnDemand map[string]struct {
			PriceDimensions map[string]struct {
				Unit         string            `json:"unit"`
				PricePerUnit map[string]string `json:"pricePerUnit"`
			} `json:"priceDimensions"`
		} `json:"OnDemand"`
	} `json:"terms"`
}

// parsePriceListProduct returns the instance type and hourly USD on-demand price of one PriceList entry.
func parsePriceListProduct(s string) (string, float64, bool) {
	var doc priceListDoc
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return "", 0, false
	}
	it := doc.Product.Attributes["instanceType"]
	for _, term := range doc.Terms.OnDemand {
		for _, dim := range term.PriceDimensions {
			if dim.Unit != "Hrs" {
				continue
			}
			if v, err := strconv.ParseFloat(dim.PricePerUnit["USD"], 64); err == nil && it != "" {
				return it, v, true
			}
		}
	}
	return "", 0, false
}

// onDemandLinuxPrices lists the hourly on-demand Linux (shared tenancy, no pre-installed software)
// prices of EC2 instance types in a Region from the Price List API, in one paginated listing.
func onDemandLinuxPrices(ctx context.Context, conn *pricing.Client, region string) (map[string]float64, error) {
	tm := func(field, value string) pricingtypes.Filter {
		return pricingtypes.Filter{Type: pricingtypes.FilterTypeTermMatch, Field: aws.String(field), Value: aws.String(value)}
	}
	in := &pricing.GetProductsInput{
		ServiceCode:   aws.String("AmazonEC2"),
		FormatVersion: aws.String("aws_v1"),
		Filters: []pricingtypes.Filter{
			tm("regionCode", region), tm("operatingSystem", "Linux"), tm("tenancy", "Shared"),
			tm("preInstalledSw", "NA"), tm("capacitystatus", "Used"),
		},
		MaxResults: aws.Int32(100),
	}
	out := map[string]float64{}
	p := pricing.NewGetProductsPaginator(conn, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, func(o *pricing.Options) { o.RetryMaxAttempts = pricingMaxAttempts })
		if err != nil {
			return nil, err
		}
		for _, s := range page.PriceList {
			if it, usd, ok := parsePriceListProduct(s); ok {
				out[it] = usd
			}
		}
	}
	return out, nil
}

// catalogPrice is the fallback: the placement engine's built-in price catalog (us-east-1 on-demand
// Linux prices, each with its source).
func catalogPrice(instanceType string) (float64, string, bool) {
	it, ok := placement.DefaultCatalog().Instance(instanceType)
	if !ok || it.HourlyUSD <= 0 {
		return 0, "", false
	}
	return it.HourlyUSD, fmt.Sprintf("catalog: %s", it.PriceSource), true
}
