// SPDX-License-Identifier: MPL-2.0

package pricelist

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	pricingtypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// sandboxPricing starts the sandbox's AWS gateway (its Price List API needs no moto) and returns a
// pricing client for it, signed for us-east-1 as the provider's is.
func sandboxPricing(t *testing.T) (*gateway.Gateway, *pricing.Client) {
	t.Helper()
	g, err := gateway.New(gateway.Config{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	c := pricing.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(g.URL()),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	})
	return g, c
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func allItems() []string {
	names := make([]string, 0, len(Items))
	for _, it := range Items {
		names = append(names, it.Name)
	}
	return names
}

// Every item in us-east-1 and eu-west-2 from the sandbox's catalogue: the published prices, in the
// catalogue's units (S3 per 1,000 requests), Lambda duration's first tier; one listing per service;
// FSx for Lustre has no London product, and says so.
func TestServicePrices_sandbox(t *testing.T) {
	g, c := sandboxPricing(t)
	want := map[string]map[string]float64{
		"us-east-1": {
			"lambda_gb_second_x86": 0.0000166667, "lambda_gb_second_arm": 0.0000133334, "lambda_request": 0.0000002,
			"lambda_ephemeral_gb_second": 0.0000000309, "fargate_vcpu_hour": 0.04048, "fargate_gb_hour": 0.004445,
			"fargate_ephemeral_gb_hour": 0.000111, "lustre_gb_month": 0.14, "s3_get_per_1000": 0.0004, "s3_put_per_1000": 0.005,
			"eks_control_plane": 0.10,
		},
		"eu-west-2": {
			"lambda_gb_second_x86": 0.0000166667, "lambda_gb_second_arm": 0.0000133334, "lambda_request": 0.0000002,
			"lambda_ephemeral_gb_second": 0.0000000358, "fargate_vcpu_hour": 0.04656, "fargate_gb_hour": 0.00511,
			"fargate_ephemeral_gb_hour": 0.000129, "s3_get_per_1000": 0.00042, "s3_put_per_1000": 0.0053,
			"eks_control_plane": 0.10,
		},
	}
	for _, region := range []string{"us-east-1", "eu-west-2"} {
		before := g.CountRequests("pricing", "GetProducts") // requests, not the SDK's retries of them
		found, missing, err := ServicePrices(testCtx(t), c, region, allItems()...)
		if err != nil {
			t.Fatal(err)
		}
		if n := g.CountRequests("pricing", "GetProducts") - before; n != 5 {
			t.Errorf("%s: %d GetProducts calls, want 5 (one per service)", region, n)
		}
		for name, usd := range want[region] {
			p, ok := found[name]
			if !ok {
				t.Errorf("%s %s: missing (%s)", region, name, missing[name])
				continue
			}
			if math.Abs(p.USD-usd) > 1e-15 || p.Region != region || !strings.Contains(p.Source(), region) {
				t.Errorf("%s %s: %+v, want $%v", region, name, p, usd)
			}
		}
		if len(found) != len(want[region]) {
			t.Errorf("%s: found %d prices, want %d: %v", region, len(found), len(want[region]), found)
		}
	}
	// Lambda duration is tiered: the first tier is taken and the source says so.
	found, _, _ := ServicePrices(testCtx(t), c, "eu-west-2", "lambda_gb_second_x86", "lustre_gb_month", "fargate_gb_hour")
	if p := found["lambda_gb_second_x86"]; !p.Tiered || !strings.Contains(p.Source(), "first tier") || p.UsageType != "EUW2-Lambda-GB-Second" {
		t.Errorf("x86 duration: %+v (%s)", p, p.Source())
	}
	if p := found["fargate_gb_hour"]; p.Tiered || p.UsageType != "EUW2-Fargate-GB-Hours" || p.Unit != "hours" {
		t.Errorf("Fargate memory: %+v", p)
	}
	found, _, _ = ServicePrices(testCtx(t), c, "eu-west-2", "eks_control_plane")
	if p := found["eks_control_plane"]; p.UsageType != "EUW2-AmazonEKS-Hours:perCluster" || p.Unit != "Hours" || p.USD != 0.1 {
		t.Errorf("EKS control plane: %+v", p)
	}
	_, missing, _ := ServicePrices(testCtx(t), c, "eu-west-2", "lustre_gb_month", "no_such_price")
	if !strings.Contains(missing["lustre_gb_month"], "no AmazonFSx product with usage type Storage") ||
		!strings.Contains(missing["no_such_price"], "not a price") {
		t.Errorf("missing: %v", missing)
	}
	// A Region the catalogue has no products for: everything missing, no error.
	found, missing, err := ServicePrices(testCtx(t), c, "ap-south-1", allItems()...)
	if len(found) != 0 || len(missing) != len(Items) || err != nil {
		t.Errorf("ap-south-1: found %v, missing %v", found, missing)
	}
}

// When a service's listing fails, its items are missing with the API's error and the others are found.
func TestServicePrices_listingFails(t *testing.T) {
	g, c := sandboxPricing(t)
	if err := g.SetFault(gateway.Fault{Service: "pricing", Operation: "GetProducts", ErrorRate: 1, Times: 1}); err != nil {
		t.Fatal(err)
	}
	found, missing, err := ServicePrices(testCtx(t), c, "us-east-1", "fargate_vcpu_hour", "lambda_request", "lambda_gb_second_x86")
	// Listings run in the order of their service codes: AWSLambda's is the one that fails.
	if _, ok := found["fargate_vcpu_hour"]; !ok || len(found) != 1 || len(missing) != 2 || err == nil || !strings.HasPrefix(err.Error(), "AWSLambda: ") {
		t.Fatalf("found %v, missing %v, err %v", found, missing, err)
	}
	for _, name := range []string{"lambda_request", "lambda_gb_second_x86"} {
		if !strings.Contains(missing[name], "AWSLambda listing failed") {
			t.Errorf("%s: %q", name, missing[name])
		}
	}
}

// The sandbox answers a service code it has no products of with the real NotFoundException, and an empty
// one with InvalidParameterException.
func TestServicePrices_unknownServiceCode(t *testing.T) {
	_, c := sandboxPricing(t)
	err := list(testCtx(t), c, "AmazonNope", nil, func(string) {})
	var nf *pricingtypes.NotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("unknown service code: %v, want NotFoundException", err)
	}
	err = list(testCtx(t), c, "", nil, func(string) {})
	var inv *pricingtypes.InvalidParameterException
	if !errors.As(err, &inv) {
		t.Fatalf("empty service code: %v, want InvalidParameterException", err)
	}
}

func doc(sku, usagetype, region string, dims string) string {
	return `{"product":{"sku":"` + sku + `","attributes":{"usagetype":"` + usagetype + `","regionCode":"` + region + `"}},
"terms":{"OnDemand":{"T":{"priceDimensions":{` + dims + `}}}}}`
}

// Select matches usage types with or without a Region prefix, never the free tier's Global- products or
// another meter that shares a suffix, takes the first tier whatever the order of the dimensions, and
// refuses a unit it does not expect and several products with different prices.
func TestSelect(t *testing.T) {
	parse := func(docs ...string) []Product {
		var out []Product
		for _, d := range docs {
			p, ok := Parse(d)
			if !ok {
				t.Fatalf("Parse(%s) failed", d)
			}
			out = append(out, p)
		}
		return out
	}
	x86, _ := ItemNamed("lambda_gb_second_x86")
	tiers := `"b":{"unit":"Lambda-GB-Second","beginRange":"6000000000","endRange":"15000000000","pricePerUnit":{"USD":"0.0000150000"}},
"a":{"unit":"Lambda-GB-Second","beginRange":"0","endRange":"6000000000","pricePerUnit":{"USD":"0.0000166667"}}`
	products := parse(
		doc("FREE", "Global-Lambda-GB-Second", "eu-west-2", `"f":{"unit":"Lambda-GB-Second","beginRange":"0","endRange":"400000","pricePerUnit":{"USD":"0"}}`),
		doc("ARM", "EUW2-Lambda-GB-Second-ARM", "eu-west-2", `"a":{"unit":"Lambda-GB-Second","beginRange":"0","pricePerUnit":{"USD":"0.0000133334"}}`),
		doc("X86", "EUW2-Lambda-GB-Second", "eu-west-2", tiers),
		doc("OTHER", "Lambda-GB-Second", "us-east-1", tiers),
	)
	p, why := Select(x86, "eu-west-2", products)
	if why != "" || p.SKU != "X86" || p.USD != 0.0000166667 || !p.Tiered {
		t.Fatalf("x86: %+v %s", p, why)
	}
	p, why = Select(x86, "us-east-1", products)
	if why != "" || p.SKU != "OTHER" || p.UsageType != "Lambda-GB-Second" {
		t.Fatalf("us-east-1 without a prefix: %+v %s", p, why)
	}

	put, _ := ItemNamed("s3_put_per_1000")
	s3 := parse(
		doc("ANNOT", "EUW2-Requests-Annotation-Tier1", "eu-west-2", `"a":{"unit":"Requests","pricePerUnit":{"USD":"0.0000099"}}`),
		doc("PUT", "EUW2-Requests-Tier1", "eu-west-2", `"a":{"unit":"Requests","pricePerUnit":{"USD":"0.0000053000"}}`),
	)
	if p, why := Select(put, "eu-west-2", s3); why != "" || p.SKU != "PUT" || math.Abs(p.USD-0.0053) > 1e-15 {
		t.Fatalf("S3 PUT: %+v %s", p, why)
	}
	// Another unit, and two products with different prices.
	wrongUnit := parse(doc("PUT", "EUW2-Requests-Tier1", "eu-west-2", `"a":{"unit":"GB-Mo","pricePerUnit":{"USD":"1"}}`))
	if _, why := Select(put, "eu-west-2", wrongUnit); !strings.Contains(why, "priced per Requests") {
		t.Errorf("wrong unit: %q", why)
	}
	twice := append(s3, parse(doc("PUT2", "EUW2-Requests-Tier1", "eu-west-2", `"a":{"unit":"Requests","pricePerUnit":{"USD":"0.000006"}}`))...)
	if _, why := Select(put, "eu-west-2", twice); !strings.Contains(why, "different prices") {
		t.Errorf("ambiguous: %q", why)
	}
	for _, ut := range []string{"usw2-Requests-Tier1", "-Requests-Tier1", "EUW2-Requests-Tier1-x"} {
		if sameUsageType(ut, "Requests-Tier1") {
			t.Errorf("%q matched Requests-Tier1", ut)
		}
	}
}
