// SPDX-License-Identifier: MPL-2.0

package pricelist

import "testing"

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
