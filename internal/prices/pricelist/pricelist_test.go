// SPDX-License-Identifier: MPL-2.0

package pricelist

import (
	"math"
	"strings"
	"testing"
)

// A Price List product with a per-request dimension before the hourly one: the hourly price is read, and
// documents without an instance type, without an hourly dimension or with a malformed price are skipped.
func TestParseProduct(t *testing.T) {
	doc := `{"product":{"attributes":{"instanceType":"m6i.large","regionCode":"eu-west-1"}},
"terms":{"OnDemand":{"T":{"priceDimensions":{"Q":{"unit":"Quantity","pricePerUnit":{"USD":"9"}}}},
"U":{"priceDimensions":{"H":{"unit":"Hrs","pricePerUnit":{"USD":"0.1070000000"}}}}}}}`
	it, usd, ok := ParseProduct(doc)
	if !ok || it != "m6i.large" || usd != 0.107 {
		t.Fatalf("ParseProduct = %q, %v, %v", it, usd, ok)
	}
	for _, bad := range []string{
		`{"product":{"attributes":{}},"terms":{"OnDemand":{"U":{"priceDimensions":{"H":{"unit":"Hrs","pricePerUnit":{"USD":"1"}}}}}}}`,
		`{"product":{"attributes":{"instanceType":"x"}},"terms":{"OnDemand":{"U":{"priceDimensions":{"H":{"unit":"Hrs","pricePerUnit":{"USD":"n/a"}}}}}}}`,
		`[]`,
	} {
		if it, _, ok := ParseProduct(bad); ok {
			t.Errorf("parsed %s as %q", bad, it)
		}
	}
}

// The prices of named EC2 types come from one GetProducts listing (an ANY_OF filter on instanceType), only
// those types, in the Region asked; a type the Region lacks is absent; values longer than the API's 1,024
// characters are split.
func TestEC2OnDemandLinux_anyOf(t *testing.T) {
	g, c := sandboxPricing(t)
	types := []string{"c6i.large", "m6i.large", "r6i.32xlarge", "c5n.18xlarge", "hpc7g.16xlarge"}
	before := g.CountRequests("pricing", "GetProducts") // requests, not the SDK's retries of them
	got, err := EC2OnDemandLinux(testCtx(t), c, "us-gov-west-1", types...)
	if err != nil {
		t.Fatal(err)
	}
	if n := g.CountRequests("pricing", "GetProducts") - before; n != 1 {
		t.Errorf("%d GetProducts calls, want 1", n)
	}
	want := map[string]float64{"c6i.large": 0.102, "m6i.large": 0.121, "r6i.32xlarge": 9.664, "c5n.18xlarge": 4.68}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v (no hpc7g in us-gov-west-1)", got, want)
	}
	for it, usd := range want {
		if math.Abs(got[it]-usd) > 1e-12 {
			t.Errorf("%s: $%v, want $%v", it, got[it], usd)
		}
	}
	if use1, err := EC2OnDemandLinux(testCtx(t), c, "us-east-1", "c6i.large"); err != nil || len(use1) != 1 || use1["c6i.large"] != 0.085 {
		t.Errorf("us-east-1: %v %v", use1, err)
	}

	long := make([]string, 120) // 120 x "c6i.2xlarge" with commas: 1,439 characters
	for i := range long {
		long[i] = "c6i.2xlarge"
	}
	vals := anyOfValues(long)
	if len(vals) != 2 || strings.Join(vals, ",") != strings.Join(long, ",") {
		t.Fatalf("anyOfValues: %d values", len(vals))
	}
	for _, v := range vals {
		if len(v) > maxFilterValue {
			t.Errorf("value of %d characters", len(v))
		}
	}
}
