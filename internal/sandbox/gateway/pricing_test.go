// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	pricingtypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"
)

// pricingClient retries as the SDK does by default, as the provider's clients do: Price List answers
// are tens of KiB, and under load the client now and then fails to read one the gateway served ("use of
// closed network connection": smithy-go closes the request body while net/http still probes it, see
// acctest.FirstAttempts), which the standard retryer retries (retry.RetryableConnectionError). Without
// retries that is a failed test; with them, counts are of requests (CountRequests), not attempts.
func pricingClient(g *Gateway) *pricing.Client {
	return pricing.NewFromConfig(awsConfig(g, func() aws.Retryer { return retry.NewStandard() }))
}

type priceDoc struct {
	Product struct {
		ProductFamily string            `json:"productFamily"`
		Attributes    map[string]string `json:"attributes"`
		SKU           string            `json:"sku"`
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

func termMatch(field, value string) pricingtypes.Filter {
	return pricingtypes.Filter{Type: pricingtypes.FilterTypeTermMatch, Field: aws.String(field), Value: aws.String(value)}
}

func TestPricingGetProducts_filters(t *testing.T) {
	g, _ := newTestGateway(t, testTimings)
	c := pricingClient(g)
	cases := []struct {
		instanceType, region, want string
	}{
		{"c5n.18xlarge", "us-east-1", "3.8880000000"},
		{"c6i.32xlarge", "us-east-1", "5.4400000000"},
		{"hpc7g.16xlarge", "us-east-1", "1.6832000000"},
		{"m6i.xlarge", "us-east-1", "0.1920000000"},
		{"g5.xlarge", "us-east-1", "1.0060000000"},
		{"p4d.24xlarge", "us-east-1", "21.9600000000"},
		{"p5.48xlarge", "us-east-1", "55.0400000000"},
		{"c5n.18xlarge", "us-west-2", "3.8880000000"},
		// The examples' ParallelCluster head node and queue types (Price List figures, see srcPriceListUSEast1).
		{"c5.xlarge", "us-east-1", "0.1700000000"},
		{"c5.2xlarge", "us-east-1", "0.3400000000"},
		{"m5.2xlarge", "us-east-1", "0.3840000000"},
	}
	for _, tc := range cases {
		out, err := c.GetProducts(ctx(t), &pricing.GetProductsInput{
			ServiceCode: aws.String("AmazonEC2"),
			Filters: []pricingtypes.Filter{
				termMatch("instanceType", tc.instanceType),
				termMatch("regionCode", tc.region),
				termMatch("operatingSystem", "Linux"),
				termMatch("tenancy", "Shared"),
				termMatch("preInstalledSw", "NA"),
				termMatch("capacitystatus", "Used"),
			},
		})
		if err != nil {
			t.Fatalf("%s: %v", tc.instanceType, err)
		}
		if len(out.PriceList) != 1 {
			t.Fatalf("%s/%s: got %d products, want 1", tc.instanceType, tc.region, len(out.PriceList))
		}
		var doc priceDoc
		if err := json.Unmarshal([]byte(out.PriceList[0]), &doc); err != nil {
			t.Fatalf("PriceList entry is not a JSON product document: %v", err)
		}
		if doc.Product.Attributes["instanceType"] != tc.instanceType || doc.Product.Attributes["regionCode"] != tc.region {
			t.Errorf("wrong product: %v", doc.Product.Attributes)
		}
		var got []string
		for _, term := range doc.Terms.OnDemand {
			for _, dim := range term.PriceDimensions {
				if dim.Unit != "Hrs" {
					t.Errorf("unit %q, want Hrs", dim.Unit)
				}
				got = append(got, dim.PricePerUnit["USD"])
			}
		}
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s/%s: prices %v, want [%s]", tc.instanceType, tc.region, got, tc.want)
		}
	}

	// A filter that matches nothing returns an empty list, not an error.
	out, err := c.GetProducts(ctx(t), &pricing.GetProductsInput{
		ServiceCode: aws.String("AmazonEC2"),
		Filters:     []pricingtypes.Filter{termMatch("instanceType", "c5n.18xlarge"), termMatch("operatingSystem", "Windows")},
	})
	if err != nil || len(out.PriceList) != 0 {
		t.Fatalf("Windows filter: %v, %d products", err, len(out.PriceList))
	}
	// ANY_OF with comma-separated values.
	out, err = c.GetProducts(ctx(t), &pricing.GetProductsInput{
		ServiceCode: aws.String("AmazonEC2"),
		Filters: []pricingtypes.Filter{
			{Type: pricingtypes.FilterTypeAnyOf, Field: aws.String("instanceType"), Value: aws.String("g5.xlarge,p5.48xlarge")},
			termMatch("regionCode", "us-east-1"),
		},
	})
	if err != nil || len(out.PriceList) != 2 {
		t.Fatalf("ANY_OF: %v, %d products, want 2", err, len(out.PriceList))
	}
}

func TestPricingGetProducts_pagination(t *testing.T) {
	g, _ := newTestGateway(t, testTimings)
	c := pricingClient(g)
	in := &pricing.GetProductsInput{ServiceCode: aws.String("AmazonEC2"), MaxResults: aws.Int32(3)}
	p := pricing.NewGetProductsPaginator(c, in)
	seen := map[string]bool{}
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(out.PriceList) > 3 {
			t.Fatalf("page of %d products exceeds MaxResults 3", len(out.PriceList))
		}
		for _, s := range out.PriceList {
			var doc priceDoc
			if err := json.Unmarshal([]byte(s), &doc); err != nil {
				t.Fatal(err)
			}
			if seen[doc.Product.SKU] {
				t.Fatalf("SKU %s returned twice", doc.Product.SKU)
			}
			seen[doc.Product.SKU] = true
		}
	}
	if len(seen) != len(ec2PriceCatalog) || pages != (len(ec2PriceCatalog)+2)/3 {
		t.Fatalf("got %d products in %d pages, want %d products", len(seen), pages, len(ec2PriceCatalog))
	}

	_, err := c.GetProducts(ctx(t), &pricing.GetProductsInput{ServiceCode: aws.String("AmazonEC2"), NextToken: aws.String("bogus")})
	var bad *pricingtypes.InvalidNextTokenException
	if !errors.As(err, &bad) {
		t.Fatalf("bogus NextToken: got %v, want InvalidNextTokenException", err)
	}
	_, err = c.GetProducts(ctx(t), &pricing.GetProductsInput{
		ServiceCode: aws.String("AmazonEC2"),
		Filters:     []pricingtypes.Filter{{Type: "FUZZY", Field: aws.String("instanceType"), Value: aws.String("x")}},
	})
	var inv *pricingtypes.InvalidParameterException
	if !errors.As(err, &inv) {
		t.Fatalf("bad filter type: got %v, want InvalidParameterException", err)
	}
}

func TestPricingDescribeServices(t *testing.T) {
	g, _ := newTestGateway(t, testTimings)
	c := pricingClient(g)
	out, err := c.DescribeServices(ctx(t), &pricing.DescribeServicesInput{ServiceCode: aws.String("AmazonEC2")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Services) != 1 || aws.ToString(out.Services[0].ServiceCode) != "AmazonEC2" {
		t.Fatalf("services: %+v", out.Services)
	}
	found := false
	for _, a := range out.Services[0].AttributeNames {
		found = found || a == "instanceType"
	}
	if !found {
		t.Errorf("AttributeNames lacks instanceType: %v", out.Services[0].AttributeNames)
	}
	_, err = c.DescribeServices(ctx(t), &pricing.DescribeServicesInput{ServiceCode: aws.String("AmazonNope")})
	var nf *pricingtypes.NotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("unknown service: got %v, want NotFoundException", err)
	}
	if n := g.CountRequests("pricing", "DescribeServices"); n != 2 {
		t.Errorf("call log has %d DescribeServices calls, want 2", n)
	}
}

// The Lambda, Fargate, FSx and S3 products: TERM_MATCH on their attributes finds exactly the products of
// a Region and family, in the real document shape (usagetype with its Region prefix, Lambda duration in
// three tiers), and every catalogue entry names its source.
func TestPricingGetProducts_services(t *testing.T) {
	g, _ := newTestGateway(t, testTimings)
	c := pricingClient(g)
	list := func(code string, filters ...pricingtypes.Filter) []priceDoc {
		t.Helper()
		out, err := c.GetProducts(ctx(t), &pricing.GetProductsInput{ServiceCode: aws.String(code), Filters: filters})
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		docs := make([]priceDoc, len(out.PriceList))
		for i, s := range out.PriceList {
			if err := json.Unmarshal([]byte(s), &docs[i]); err != nil {
				t.Fatal(err)
			}
		}
		return docs
	}
	usage := func(docs []priceDoc) map[string]priceDoc {
		m := map[string]priceDoc{}
		for _, d := range docs {
			m[d.Product.Attributes["usagetype"]] = d
		}
		return m
	}
	lambda := usage(list("AWSLambda", termMatch("regionCode", "eu-west-2")))
	d, ok := lambda["EUW2-Lambda-GB-Second"]
	if !ok || len(lambda) != 5 || d.Product.ProductFamily != "Serverless" || d.Product.Attributes["group"] != "AWS-Lambda-Duration" {
		t.Fatalf("London Lambda products: %v", lambda)
	}
	var tiers int
	for _, term := range d.Terms.OnDemand {
		tiers += len(term.PriceDimensions)
	}
	if tiers != 3 {
		t.Errorf("x86 duration has %d tiers, want 3", tiers)
	}
	if _, ok := usage(list("AWSLambda", termMatch("regionCode", "us-east-1")))["Lambda-GB-Second"]; !ok {
		t.Error("us-east-1 Lambda duration has no usage type without a prefix")
	}
	fargate := list("AmazonECS", termMatch("regionCode", "eu-west-2"), termMatch("productFamily", "Compute"))
	if f := usage(fargate)["EUW2-Fargate-vCPU-Hours:perCPU"]; len(fargate) != 3 || f.Product.Attributes["cputype"] != "perCPU" {
		t.Errorf("London Fargate: %v", usage(fargate))
	}
	if n := len(list("AmazonECS", termMatch("regionCode", "eu-west-2"), termMatch("productFamily", "Storage"))); n != 0 {
		t.Errorf("productFamily Storage matched %d Fargate products", n)
	}
	fsx := list("AmazonFSx", termMatch("regionCode", "us-east-1"), termMatch("fileSystemType", "Lustre"))
	if len(fsx) != 1 || fsx[0].Product.Attributes["usagetype"] != "USE1-Storage" {
		t.Errorf("us-east-1 Lustre: %v", usage(fsx))
	}
	if n := len(list("AmazonFSx", termMatch("regionCode", "eu-west-2"), termMatch("fileSystemType", "Lustre"))); n != 0 {
		t.Errorf("eu-west-2 Lustre: %d products, want none (no confirmed price)", n)
	}
	s3 := list("AmazonS3", termMatch("regionCode", "eu-west-2"), termMatch("group", "S3-API-Tier2"))
	if len(s3) != 1 || s3[0].Product.Attributes["usagetype"] != "EUW2-Requests-Tier2" {
		t.Errorf("London S3 GET: %v", usage(s3))
	}
	for _, e := range serviceCatalog {
		if e.Source == "" || regionLocations[e.Region] == "" || len(e.Tiers) == 0 {
			t.Errorf("catalogue entry %s/%s: %+v", e.Region, e.UsageType, e)
		}
	}

	// A service code the catalogue lacks is NotFoundException; an empty one InvalidParameterException.
	_, err := c.GetProducts(ctx(t), &pricing.GetProductsInput{ServiceCode: aws.String("AmazonNope")})
	var nf *pricingtypes.NotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("unknown service code: %v", err)
	}
	_, err = c.GetProducts(ctx(t), &pricing.GetProductsInput{ServiceCode: aws.String("")})
	var inv *pricingtypes.InvalidParameterException
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), "serviceCode cannot be null or empty") {
		t.Errorf("empty service code: %v", err)
	}
	out, err := c.DescribeServices(ctx(t), &pricing.DescribeServicesInput{})
	if err != nil || len(out.Services) != 6 { // AmazonEC2, AmazonECS, AmazonEKS, AmazonFSx, AmazonS3, AWSLambda
		t.Fatalf("DescribeServices: %v, %+v", err, out)
	}
}

// countingClient counts the response body bytes the SDK reads.
type countingClient struct {
	n *int64
}

func (c countingClient) Do(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultClient.Do(r)
	if err == nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: c.n}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	*b.n += int64(n)
	return n, err
}

// The call log's ResponseBytes is the size of the body the client receives: a Price List answer
// served by the gateway (larger than net/http's 4 KiB read buffer) and an authentication error.
func TestCallLogResponseBytes(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	var read int64
	cfg := awsConfig(g, nil)
	cfg.HTTPClient = countingClient{n: &read}
	if _, err := pricing.NewFromConfig(cfg).GetProducts(ctx(t), &pricing.GetProductsInput{ServiceCode: aws.String("AmazonEC2"),
		Filters: []pricingtypes.Filter{termMatch("regionCode", "us-east-1")}}); err != nil {
		t.Fatal(err)
	}
	calls := g.Calls()
	if len(calls) != 1 || calls[0].ResponseBytes != read || read <= 4096 {
		t.Fatalf("GetProducts: logged %+v, the client read %d bytes (want equal, over 4096)", calls, read)
	}

	resp, err := http.Post(g.URL()+"/", "application/x-amz-json-1.1", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	calls = g.Calls()
	if last := calls[len(calls)-1]; last.SignatureVerified || last.ResponseBytes != int64(len(body)) || len(body) == 0 {
		t.Errorf("unsigned request: logged %+v, the client read %d bytes %q", last, len(body), body)
	}
}
