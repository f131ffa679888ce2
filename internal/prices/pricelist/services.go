// SPDX-License-Identifier: MPL-2.0

package pricelist

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/pricing"
	pricingtypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"
)

// Item is one unit price of the placement engine that the Price List API publishes per Region. Name is
// the engine catalogue's name of the price (the key `model_overrides` takes).
//
// A product is found by a listing of ServiceCode with TERM_MATCH filters on regionCode and Filters,
// then by its usagetype attribute, which AWS writes with a Region prefix ("EUW2-Lambda-GB-Second";
// none for some services in us-east-1: "Lambda-GB-Second", "Requests-Tier1"), so UsageType is the
// name without it. Its price is the on-demand dimension in Unit (the first tier of a tiered price),
// times Per to give the catalogue's unit.
type Item struct {
	Name        string
	ServiceCode string
	Filters     [][2]string
	UsageType   string
	Unit        string
	Per         float64
}

// Service codes, product families and usage types are the Price List's: the service codes are those
// DescribeServices lists; the usage types are the ones of the AWS offer files and billing reports
// (Lambda: Lambda-GB-Second, Lambda-GB-Second-ARM, Request, Lambda-Storage-GB-Second; Fargate on
// Amazon ECS: Fargate-vCPU-Hours:perCPU, Fargate-GB-Hours, Fargate-EphemeralStorage-GB-Hours; FSx:
// Storage, the scratch SSD storage of a Lustre file system, beside Storage.SSD.<throughput> of the
// persistent ones; S3: Requests-Tier1 for PUT, COPY, POST and LIST, Requests-Tier2 for GET and other
// requests of S3 Standard; EKS: AmazonEKS-Hours:perCluster, the control plane with standard support,
// product family Compute, priced per "Hours", as GetProducts answers it for ap-southeast-2 in
// "Navigating the AWS Pricing API with the AWS CLI" (2022); an EKS cluster on AWS Outposts shares its
// operation but not its locationType, "AWS Region", which the listing filters on).
//
// Lambda duration is tiered per account, Region and architecture and month: x86 $0.0000166667 per
// GB-second for the first 6 billion GB-seconds, Arm $0.0000133334 for the first 7.5 billion in
// us-east-1 (AWS Lambda pricing page). The engine prices one workflow run, far below those bounds, so it
// takes the first tier, and it does not subtract the free tier (the separate Global-Lambda-GB-Second
// and Global-Request products).
var Items = []Item{
	{Name: "lambda_gb_second_x86", ServiceCode: "AWSLambda", UsageType: "Lambda-GB-Second", Unit: "Lambda-GB-Second", Per: 1},
	{Name: "lambda_gb_second_arm", ServiceCode: "AWSLambda", UsageType: "Lambda-GB-Second-ARM", Unit: "Lambda-GB-Second", Per: 1},
	{Name: "lambda_request", ServiceCode: "AWSLambda", UsageType: "Request", Unit: "Requests", Per: 1},
	{Name: "lambda_ephemeral_gb_second", ServiceCode: "AWSLambda", UsageType: "Lambda-Storage-GB-Second", Unit: "GB-Seconds", Per: 1},
	{Name: "fargate_vcpu_hour", ServiceCode: "AmazonECS", Filters: [][2]string{{"productFamily", "Compute"}},
		UsageType: "Fargate-vCPU-Hours:perCPU", Unit: "hours", Per: 1},
	{Name: "fargate_gb_hour", ServiceCode: "AmazonECS", Filters: [][2]string{{"productFamily", "Compute"}},
		UsageType: "Fargate-GB-Hours", Unit: "hours", Per: 1},
	{Name: "fargate_ephemeral_gb_hour", ServiceCode: "AmazonECS", Filters: [][2]string{{"productFamily", "Compute"}},
		UsageType: "Fargate-EphemeralStorage-GB-Hours", Unit: "GB-Hours", Per: 1},
	{Name: "lustre_gb_month", ServiceCode: "AmazonFSx", Filters: [][2]string{{"fileSystemType", "Lustre"}},
		UsageType: "Storage", Unit: "GB-Mo", Per: 1},
	{Name: "s3_get_per_1000", ServiceCode: "AmazonS3", Filters: [][2]string{{"productFamily", "API Request"}},
		UsageType: "Requests-Tier2", Unit: "Requests", Per: 1000},
	{Name: "s3_put_per_1000", ServiceCode: "AmazonS3", Filters: [][2]string{{"productFamily", "API Request"}},
		UsageType: "Requests-Tier1", Unit: "Requests", Per: 1000},
	{Name: "eks_control_plane", ServiceCode: "AmazonEKS", Filters: [][2]string{{"productFamily", "Compute"}, {"locationType", "AWS Region"}},
		UsageType: "AmazonEKS-Hours:perCluster", Unit: "Hours", Per: 1},
}

// Price is an item's price in a Region as the Price List API lists it.
type Price struct {
	Item        string
	USD         float64 // in the catalogue's unit (the API's price times the item's Per)
	ServiceCode string
	UsageType   string // as listed, with its Region prefix
	Unit        string // the API's unit
	SKU         string
	Region      string
	Tiered      bool // the price has several tiers; USD is the first's
}

// Source says where the price comes from, for the catalogue and the placement's price_sources.
func (p Price) Source() string {
	s := fmt.Sprintf("AWS Price List API, %s, on demand: %s %s (SKU %s, per %s", p.Region, p.ServiceCode, p.UsageType, p.SKU, p.Unit)
	if p.Tiered {
		s += ", first tier"
	}
	return s + ")"
}

// ItemNamed returns the item of a catalogue name.
func ItemNamed(name string) (Item, bool) {
	for _, it := range Items {
		if it.Name == name {
			return it, true
		}
	}
	return Item{}, false
}

// ServicePrices reads the prices of the named items in a Region, one paginated listing per service.
// What it cannot price is in missing, with the reason (no such product in the Region, more than one
// with different prices, or the API's error for that service's listing); unknown names too. err joins
// the listings' errors: without it, missing is what the Price List does not have.
func ServicePrices(ctx context.Context, conn *pricing.Client, region string, names ...string) (found map[string]Price, missing map[string]string, err error) {
	found, missing = map[string]Price{}, map[string]string{}
	var errs []error
	groups := map[string][]Item{}
	var keys []string
	for _, n := range names {
		it, ok := ItemNamed(n)
		if !ok {
			missing[n] = "not a price the Price List API is asked for"
			continue
		}
		k := it.ServiceCode + fmt.Sprint(it.Filters)
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], it)
	}
	sort.Strings(keys)
	for _, k := range keys {
		items := groups[k]
		filters := []pricingtypes.Filter{termMatch("regionCode", region)}
		for _, f := range items[0].Filters {
			filters = append(filters, termMatch(f[0], f[1]))
		}
		var products []Product
		lerr := list(ctx, conn, items[0].ServiceCode, filters, func(s string) {
			if p, ok := Parse(s); ok {
				products = append(products, p)
			}
		})
		if lerr != nil {
			errs = append(errs, fmt.Errorf("%s: %w", items[0].ServiceCode, lerr))
		}
		for _, it := range items {
			if lerr != nil {
				missing[it.Name] = fmt.Sprintf("%s listing failed: %s", it.ServiceCode, lerr)
				continue
			}
			if p, why := Select(it, region, products); why != "" {
				missing[it.Name] = why
			} else {
				found[it.Name] = p
			}
		}
	}
	return found, missing, errors.Join(errs...)
}

// Select picks an item's price in a Region among listed products: the products of its usage type
// (with or without the Region prefix) that have a dimension in its unit. Several products with
// different prices are ambiguous; why says what was wrong when none is picked.
func Select(it Item, region string, products []Product) (Price, string) {
	var picked []Price
	for _, p := range products {
		ut := p.Attributes["usagetype"]
		if !sameUsageType(ut, it.UsageType) || p.Attributes["regionCode"] != region {
			continue
		}
		for _, d := range p.Dimensions {
			if strings.EqualFold(d.Unit, it.Unit) {
				picked = append(picked, Price{Item: it.Name, USD: d.USD * it.Per, ServiceCode: it.ServiceCode, UsageType: ut,
					Unit: d.Unit, SKU: p.SKU, Region: region, Tiered: len(p.Dimensions) > 1})
				break // dimensions are sorted by BeginRange: this is the first tier
			}
		}
	}
	if len(picked) == 0 {
		return Price{}, fmt.Sprintf("no %s product with usage type %s priced per %s in %s", it.ServiceCode, it.UsageType, it.Unit, region)
	}
	sort.Slice(picked, func(i, j int) bool { return picked[i].SKU < picked[j].SKU })
	for _, p := range picked[1:] {
		if p.USD != picked[0].USD {
			return Price{}, fmt.Sprintf("%d %s products with usage type %s and different prices in %s", len(picked),
				it.ServiceCode, it.UsageType, region)
		}
	}
	return picked[0], ""
}

// sameUsageType reports whether a listed usage type is want, with or without a Region prefix: an
// upper-case code and a dash ("USE1-", "EUW2-", "EU-"), never "Global-" (the free tier's products).
func sameUsageType(listed, want string) bool {
	if listed == want {
		return true
	}
	prefix, rest, ok := strings.Cut(listed, "-")
	if !ok || rest != want || prefix == "" {
		return false
	}
	for _, r := range prefix {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
