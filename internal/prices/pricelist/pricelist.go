// SPDX-License-Identifier: MPL-2.0

// Package pricelist reads on-demand prices from the AWS Price List API (pricing GetProducts) for the
// provider's Region: EC2 instance prices for the EFA instance-types data source and the placement data
// source and resource, and the unit prices of AWS Lambda, AWS Fargate, FSx for Lustre, Amazon S3
// requests and the EKS control plane for the placement engine (services.go). Callers fall back to the offline catalogue
// (internal/prices) when it fails or lacks a product.
package pricelist

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	pricingtypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"
)

// MaxAttempts bounds retries of Price List calls: a price is a convenience, and the catalogue fallback is
// better than a data source that hangs while the Price List API is unavailable.
const MaxAttempts = 3

// priceListDoc is the part of a Price List product document the provider reads: GetProducts returns
// each product as a JSON string with product.{sku,productFamily,attributes} and
// terms.OnDemand.<offer>.priceDimensions.<rate>.{unit,beginRange,endRange,pricePerUnit.USD}
// ("Price List Query API" and "Reading the offer files" in the AWS Billing and Cost Management User
// Guide).
type priceListDoc struct {
	Product struct {
		SKU           string            `json:"sku"`
		ProductFamily string            `json:"productFamily"`
		Attributes    map[string]string `json:"attributes"`
	} `json:"product"`
	Terms struct {
		OnDemand map[string]struct {
			PriceDimensions map[string]struct {
				Unit         string            `json:"unit"`
				BeginRange   string            `json:"beginRange"`
				EndRange     string            `json:"endRange"`
				Description  string            `json:"description"`
				PricePerUnit map[string]string `json:"pricePerUnit"`
			} `json:"priceDimensions"`
		} `json:"OnDemand"`
	} `json:"terms"`
}

// Product is one Price List product: its SKU, family, attributes and on-demand USD price dimensions.
type Product struct {
	SKU        string
	Family     string
	Attributes map[string]string
	Dimensions []Dimension
}

// Dimension is one on-demand price dimension of a product. Tiered prices (Lambda duration) have one
// dimension per tier, from BeginRange to EndRange ("Inf" for the last) units per month.
type Dimension struct {
	Unit       string
	BeginRange float64
	EndRange   string
	USD        float64
}

// Parse decodes one PriceList entry. Dimensions without a numeric USD price are left out; they are
// sorted by BeginRange, so a tiered price's first tier comes first.
func Parse(s string) (Product, bool) {
	var doc priceListDoc
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return Product{}, false
	}
	p := Product{SKU: doc.Product.SKU, Family: doc.Product.ProductFamily, Attributes: doc.Product.Attributes}
	for _, term := range doc.Terms.OnDemand {
		for _, dim := range term.PriceDimensions {
			usd, err := strconv.ParseFloat(dim.PricePerUnit["USD"], 64)
			if err != nil {
				continue
			}
			begin, err := strconv.ParseFloat(dim.BeginRange, 64)
			if err != nil {
				begin = 0 // EC2 hourly prices carry "0"; a missing begin is a single-tier price
			}
			p.Dimensions = append(p.Dimensions, Dimension{Unit: dim.Unit, BeginRange: begin, EndRange: dim.EndRange, USD: usd})
		}
	}
	sort.SliceStable(p.Dimensions, func(i, j int) bool { return p.Dimensions[i].BeginRange < p.Dimensions[j].BeginRange })
	return p, true
}

// ParseProduct returns the instance type and hourly USD on-demand price of one EC2 PriceList entry.
func ParseProduct(s string) (string, float64, bool) {
	p, ok := Parse(s)
	it := p.Attributes["instanceType"]
	if !ok || it == "" {
		return "", 0, false
	}
	for _, d := range p.Dimensions {
		if d.Unit == "Hrs" {
			return it, d.USD, true
		}
	}
	return "", 0, false
}

// termMatch is a TERM_MATCH filter on a product attribute.
func termMatch(field, value string) pricingtypes.Filter {
	return pricingtypes.Filter{Type: pricingtypes.FilterTypeTermMatch, Field: aws.String(field), Value: aws.String(value)}
}

// EC2OnDemandLinux lists the hourly on-demand Linux (shared tenancy, no pre-installed software)
// prices of EC2 instance types in a Region from the Price List API, in one paginated listing; with
// instanceTypes, only theirs: an ANY_OF filter on instanceType, whose value is the types separated by
// commas ("For ANY_OF and NONE_OF filter types, you can provide multiple values as a comma-separated
// string", Filter in the AWS Billing and Cost Management API Reference, pricing 2017-10-15), so one
// listing for up to maxFilterValue characters of types, not one per type.
func EC2OnDemandLinux(ctx context.Context, conn *pricing.Client, region string, instanceTypes ...string) (map[string]float64, error) {
	filters := []pricingtypes.Filter{
		termMatch("regionCode", region), termMatch("operatingSystem", "Linux"), termMatch("tenancy", "Shared"),
		termMatch("preInstalledSw", "NA"), termMatch("capacitystatus", "Used"),
	}
	out := map[string]float64{}
	want := map[string]bool{}
	for _, it := range instanceTypes {
		want[it] = true
	}
	add := func(s string) {
		if it, usd, ok := ParseProduct(s); ok && (len(want) == 0 || want[it]) {
			out[it] = usd
		}
	}
	if len(instanceTypes) == 0 {
		return out, list(ctx, conn, "AmazonEC2", filters, add)
	}
	for _, value := range anyOfValues(instanceTypes) {
		f := pricingtypes.Filter{Type: pricingtypes.FilterTypeAnyOf, Field: aws.String("instanceType"), Value: aws.String(value)}
		if err := list(ctx, conn, "AmazonEC2", append(filters[:len(filters):len(filters)], f), add); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// maxFilterValue is the longest Filter Value the API takes (Value: length 1 to 1024, pricing 2017-10-15).
const maxFilterValue = 1024

// anyOfValues joins values with commas into as few ANY_OF filter values as fit maxFilterValue, in order.
func anyOfValues(values []string) []string {
	var out []string
	cur := ""
	for _, v := range values {
		switch {
		case cur == "":
			cur = v
		case len(cur)+1+len(v) <= maxFilterValue:
			cur += "," + v
		default:
			out = append(out, cur)
			cur = v
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// list pages through GetProducts of a service with filters, handing every PriceList entry to each.
func list(ctx context.Context, conn *pricing.Client, serviceCode string, filters []pricingtypes.Filter, each func(string)) error {
	in := &pricing.GetProductsInput{
		ServiceCode:   aws.String(serviceCode),
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
			each(s)
		}
	}
	return nil
}
