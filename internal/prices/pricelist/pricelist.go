// SPDX-License-Identifier: MPL-2.0

// Package pricelist reads EC2 on-demand prices from the AWS Price List API (pricing GetProducts), for the
// EFA instance-types data source and the placement data source and resource. Callers fall back to the
// offline catalogue (internal/prices) when it fails or lacks a type.
package pricelist

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	pricingtypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"
)

// MaxAttempts bounds retries of Price List calls: a price is a convenience, and the catalogue fallback is
// better than a data source that hangs while the Price List API is unavailable.
const MaxAttempts = 3

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

// ParseProduct returns the instance type and hourly USD on-demand price of one PriceList entry.
func ParseProduct(s string) (string, float64, bool) {
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

// EC2OnDemandLinux lists the hourly on-demand Linux (shared tenancy, no pre-installed software)
// prices of EC2 instance types in a Region from the Price List API, in one paginated listing; with
// instanceTypes, only theirs (one listing each, filtered by instance type).
func EC2OnDemandLinux(ctx context.Context, conn *pricing.Client, region string, instanceTypes ...string) (map[string]float64, error) {
	tm := func(field, value string) pricingtypes.Filter {
		return pricingtypes.Filter{Type: pricingtypes.FilterTypeTermMatch, Field: aws.String(field), Value: aws.String(value)}
	}
	filters := []pricingtypes.Filter{
		tm("regionCode", region), tm("operatingSystem", "Linux"), tm("tenancy", "Shared"),
		tm("preInstalledSw", "NA"), tm("capacitystatus", "Used"),
	}
	out := map[string]float64{}
	if len(instanceTypes) == 0 {
		return out, list(ctx, conn, filters, out)
	}
	for _, it := range instanceTypes {
		if err := list(ctx, conn, append(filters[:len(filters):len(filters)], tm("instanceType", it)), out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func list(ctx context.Context, conn *pricing.Client, filters []pricingtypes.Filter, out map[string]float64) error {
	in := &pricing.GetProductsInput{
		ServiceCode:   aws.String("AmazonEC2"),
		FormatVersion: aws.String("aws_v1"),
		Filters:       filters,
		MaxResults:    aws.Int32(100),
	}
	p := pricing.NewGetProductsPaginator(conn, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, func(o *pricing.Options) { o.RetryMaxAttempts = MaxAttempts })
		if err != nil {
			return err
		}
		for _, s := range page.PriceList {
			if it, usd, ok := ParseProduct(s); ok {
				out[it] = usd
			}
		}
	}
	return nil
}
