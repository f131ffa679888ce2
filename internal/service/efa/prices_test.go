// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"strings"
	"testing"
)

func TestParsePriceListProduct(t *testing.T) {
	doc := `{"product":{"productFamily":"Compute Instance","attributes":{"instanceType":"c5n.18xlarge","regionCode":"us-east-1"},"sku":"ABC"},
"terms":{"OnDemand":{"ABC.JRTCKXETXF":{"priceDimensions":{"ABC.JRTCKXETXF.6YS6EN2CT7":{"unit":"Hrs","pricePerUnit":{"USD":"3.8880000000"}}}}}}}`
	it, usd, ok := parsePriceListProduct(doc)
	if !ok || it != "c5n.18xlarge" || usd != 3.888 {
		t.Fatalf("parsePriceListProduct = %q, %v, %v", it, usd, ok)
	}
	for _, bad := range []string{`not json`, `{"product":{"attributes":{}}}`,
		`{"product":{"attributes":{"instanceType":"x"}},"terms":{"OnDemand":{"a":{"priceDimensions":{"b":{"unit":"Quantity","pricePerUnit":{"USD":"1"}}}}}}}`} {
		if _, _, ok := parsePriceListProduct(bad); ok {
			t.Errorf("parsed %q", bad)
		}
	}
}

func TestCatalogPrice(t *testing.T) {
	usd, src, ok := catalogPrice("p5.48xlarge")
	if !ok || usd != 55.04 || !strings.HasPrefix(src, "catalog: ") {
		t.Fatalf("catalogPrice(p5.48xlarge) = %v, %q, %v", usd, src, ok)
	}
	if _, _, ok := catalogPrice("x9.nothing"); ok {
		t.Fatal("catalogPrice of an unknown type succeeded")
	}
}
