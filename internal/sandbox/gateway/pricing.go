// SPDX-License-Identifier: MPL-2.0

package gateway

// AWS Price List Query API (service "pricing", X-Amz-Target
// AWSPriceListService.*): GetProducts and DescribeServices served from an
// offline catalog of on-demand prices: EC2 instances (below) and the Lambda,
// Fargate, FSx for Lustre and S3 request products of pricing_services.go.
// Products are returned as the real
// API returns them: PriceList is a list of JSON *strings*, each a product
// document with product.attributes and terms.OnDemand.<sku>.<offer>
// .priceDimensions.<rate>.pricePerUnit.USD ("Price List Query API" in the AWS
// Billing and Cost Management User Guide; pricing 2017-10-15 API model).
//
// Only real published prices go into the catalog; each entry names its source.

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// ec2PriceEntry is one EC2 instance type's on-demand Linux price in a Region.
type ec2PriceEntry struct {
	InstanceType string
	Region       string
	VCPU         int
	MemoryGiB    string // as the Price List writes it, e.g. "192 GiB"
	GPU          int
	NetworkPerf  string
	Processor    string
	USDPerHour   string // decimal string as published
	Source       string
}

const (
	srcDesign  = "project DESIGN.md starting prices (AWS EC2 On-Demand pricing page, us-east-1, Linux)"
	srcODPage  = "AWS EC2 On-Demand pricing page (aws.amazon.com/ec2/pricing/on-demand), Linux, 2024"
	srcHPCPage = "AWS EC2 HPC instances pricing (aws.amazon.com/ec2/instance-types/hpc), Linux, 2024"
)

// ec2PriceCatalog is the offline catalog. vCPU/memory/GPU/network figures are
// from the EC2 instance type documentation (they match moto's instance data).
var ec2PriceCatalog = []ec2PriceEntry{
	// Source: DESIGN.md starting prices (us-east-1, on demand, Linux).
	{"c5n.18xlarge", "us-east-1", 72, "192 GiB", 0, "100 Gigabit", "Intel Xeon Platinum 8124M", "3.8880000000", srcDesign},
	{"c6i.32xlarge", "us-east-1", 128, "256 GiB", 0, "50 Gigabit", "Intel Xeon 8375C (Ice Lake)", "5.4400000000", srcDesign},
	{"hpc7g.16xlarge", "us-east-1", 64, "128 GiB", 0, "200 Gigabit", "AWS Graviton3E", "1.6832000000", srcDesign},
	{"m6i.xlarge", "us-east-1", 4, "16 GiB", 0, "Up to 12500 Megabit", "Intel Xeon 8375C (Ice Lake)", "0.1920000000", srcDesign},
	{"g5.xlarge", "us-east-1", 4, "16 GiB", 1, "Up to 10 Gigabit", "AMD EPYC 7R32", "1.0060000000", srcDesign},
	{"p4d.24xlarge", "us-east-1", 96, "1152 GiB", 8, "400 Gigabit", "Intel Xeon Platinum 8275L", "21.9600000000", srcDesign},
	{"p5.48xlarge", "us-east-1", 192, "2048 GiB", 8, "3200 Gigabit", "AMD EPYC 7R13", "55.0400000000", srcDesign},
	// Source: AWS EC2 On-Demand pricing page, us-east-1, Linux.
	{"c5n.9xlarge", "us-east-1", 36, "96 GiB", 0, "50 Gigabit", "Intel Xeon Platinum 8124M", "1.9440000000", srcODPage},
	{"g5.8xlarge", "us-east-1", 32, "128 GiB", 1, "25 Gigabit", "AMD EPYC 7R32", "2.4480000000", srcODPage},
	{"g5.48xlarge", "us-east-1", 192, "768 GiB", 8, "100 Gigabit", "AMD EPYC 7R32", "16.2880000000", srcODPage},
	{"g4dn.metal", "us-east-1", 96, "384 GiB", 8, "100 Gigabit", "Intel Xeon Platinum 8259CL", "7.8240000000", srcODPage},
	{"p3dn.24xlarge", "us-east-1", 96, "768 GiB", 8, "100 Gigabit", "Intel Xeon Platinum 8175M", "31.2120000000", srcODPage},
	{"trn1.32xlarge", "us-east-1", 128, "512 GiB", 0, "800 Gigabit", "Intel Xeon Platinum 8375C", "21.5000000000", srcODPage},
	{"c6gn.16xlarge", "us-east-1", 64, "128 GiB", 0, "100 Gigabit", "AWS Graviton2", "2.7648000000", srcODPage},
	{"c7g.16xlarge", "us-east-1", 64, "128 GiB", 0, "30 Gigabit", "AWS Graviton3", "2.3200000000", srcODPage},
	// Source: AWS EC2 HPC instance pricing, us-east-1, Linux.
	{"hpc6a.48xlarge", "us-east-1", 96, "384 GiB", 0, "100 Gigabit", "AMD EPYC 7R13", "2.8800000000", srcHPCPage},
	{"hpc7a.96xlarge", "us-east-1", 192, "768 GiB", 0, "300 Gigabit", "AMD EPYC 9R14", "7.2000000000", srcHPCPage},
	// Source: AWS EC2 On-Demand pricing page, us-west-2 (Oregon), Linux: same as us-east-1 for c5n.
	{"c5n.18xlarge", "us-west-2", 72, "192 GiB", 0, "100 Gigabit", "Intel Xeon Platinum 8124M", "3.8880000000", srcODPage},
}

// The families the placement engine right-sizes from (c6i, m6i, r6i) and the smaller c5n sizes, us-east-1:
// AWS prices the sizes of a family linearly in vCPUs (On-Demand pricing page, Linux: c6i.large $0.085,
// m6i.large $0.096, r6i.large $0.126, c5n.large $0.108 per hour).
//
// us-gov-west-1, AWS GovCloud (US-West): the same families and c5n.18xlarge, whose relative prices differ
// from us-east-1's (c6i is 84% of m6i's price per vCPU there, 89% in us-east-1), so that a right-sized pool
// may get another type there: c6i.large $0.102, m6i.large $0.121, r6i.large $0.151, linear in vCPUs,
// c5n.18xlarge $4.68 per hour (srcGovCloud).
const srcGovCloud = "AWS Price List API, us-gov-west-1, on demand, Linux, as recorded in aws/karpenter-provider-aws " +
	"pkg/providers/pricing/zz_generated.pricing_aws_us_gov.go (generated 2023-09-18)"

// us-east-1's c5 and m5 sizes that the examples use for ParallelCluster head nodes and queues (c5.xlarge
// heads, c5.xlarge, c5.2xlarge and m5.2xlarge queues) and their neighbours: c5.large $0.085 and m5.large
// $0.096 per hour, linear in vCPUs (srcPriceListUSEast1); physicalProcessor and networkPerformance as the
// Price List writes them for these types, vCPUs and memory as moto's instance type data has them.
const srcPriceListUSEast1 = "AWS Price List API, us-east-1, on demand, Linux, as recorded in aws/karpenter-provider-aws " +
	"pkg/providers/pricing/zz_generated.pricing_aws.go (generated 2026-01-19)"

func init() {
	type family struct {
		name, processor string
		gibPerVCPU      float64
		usdPerLarge     float64
		sizes           []string
		network         string // every size's networkPerformance; "" for the c6i sizes' (network)
	}
	network := map[string]string{"large": "Up to 12500 Megabit", "xlarge": "Up to 12500 Megabit", "2xlarge": "Up to 12500 Megabit",
		"4xlarge": "Up to 12500 Megabit", "8xlarge": "12500 Megabit", "16xlarge": "25000 Megabit", "32xlarge": "50000 Megabit"}
	vcpus := map[string]int{"large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32, "16xlarge": 64, "32xlarge": 128}
	all := []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge", "32xlarge"}
	const ice = "Intel Xeon 8375C (Ice Lake)"
	for _, r := range []struct {
		region, src string
		families    []family
	}{
		{"us-east-1", srcODPage, []family{
			{"c6i", ice, 2, 0.085, all, ""}, {"m6i", ice, 4, 0.096, all, ""}, {"r6i", ice, 8, 0.126, all, ""},
			{"c5n", "Intel Xeon Platinum 8124M", 2.625, 0.108, []string{"large", "xlarge", "2xlarge", "4xlarge"}, "Up to 25 Gigabit"},
		}},
		{"us-east-1", srcPriceListUSEast1, []family{
			{"c5", "Intel Xeon Platinum 8124M", 2, 0.085, []string{"large", "xlarge", "2xlarge", "4xlarge"}, "Up to 10 Gigabit"},
			{"m5", "Intel Xeon Platinum 8175", 4, 0.096, []string{"large", "xlarge", "2xlarge"}, "Up to 10 Gigabit"},
		}},
		{"us-gov-west-1", srcGovCloud, []family{{"c6i", ice, 2, 0.102, all, ""}, {"m6i", ice, 4, 0.121, all, ""}, {"r6i", ice, 8, 0.151, all, ""}}},
	} {
		for _, f := range r.families {
			for _, size := range f.sizes {
				it := f.name + "." + size
				if r.region == "us-east-1" && (it == "c6i.32xlarge" || it == "m6i.xlarge") { // listed above
					continue
				}
				n := vcpus[size]
				net := network[size]
				if f.network != "" {
					net = f.network
				}
				ec2PriceCatalog = append(ec2PriceCatalog, ec2PriceEntry{it, r.region, n, fmt.Sprintf("%g GiB", f.gibPerVCPU*float64(n)), 0,
					net, f.processor, fmt.Sprintf("%.10f", f.usdPerLarge*float64(n)/2), r.src})
			}
		}
	}
	ec2PriceCatalog = append(ec2PriceCatalog, ec2PriceEntry{"c5n.18xlarge", "us-gov-west-1", 72, "192 GiB", 0, "100 Gigabit",
		"Intel Xeon Platinum 8124M", "4.6800000000", srcGovCloud})
}

// regionLocations maps Region codes to the Price List "location" attribute.
var regionLocations = map[string]string{
	"us-east-1":     "US East (N. Virginia)",
	"us-east-2":     "US East (Ohio)",
	"us-west-2":     "US West (Oregon)",
	"eu-west-1":     "EU (Ireland)",
	"eu-west-2":     "EU (London)",
	"us-gov-west-1": "AWS GovCloud (US-West)",
}

const (
	// On-demand offer term code and hourly rate code used by every EC2 on-demand product.
	onDemandOfferTerm = "JRTCKXETXF"
	hourlyRateCode    = "6YS6EN2CT7"
	priceListVersion  = "20240101000000"
	pricingPubDate    = "2024-01-01T00:00:00Z"
)

type pricingService struct {
	g        *Gateway
	products []pricingProduct
}

type pricingProduct struct {
	serviceCode string
	family      string
	sku         string
	attributes  map[string]string
	doc         string // the JSON string returned in PriceList
}

func newPricingService(g *Gateway) *pricingService {
	s := &pricingService{g: g}
	for _, e := range ec2PriceCatalog {
		s.products = append(s.products, e.product())
	}
	for _, e := range serviceCatalog {
		s.products = append(s.products, e.product())
	}
	return s
}

func (s *pricingService) Name() string { return "pricing" }

func (s *pricingService) Handles(op string) bool {
	switch op {
	case "GetProducts", "DescribeServices":
		return true
	}
	return false
}

func (s *pricingService) Serve(w http.ResponseWriter, r *http.Request, op string, body []byte) {
	var err error
	switch op {
	case "GetProducts":
		err = s.getProducts(w, body)
	case "DescribeServices":
		err = s.describeServices(w, body)
	}
	if err != nil {
		WriteJSONAPIErrorFor(w, r, err)
	}
}

func (e ec2PriceEntry) product() pricingProduct {
	attrs := map[string]string{
		"servicecode":        "AmazonEC2",
		"servicename":        "Amazon Elastic Compute Cloud",
		"instanceType":       e.InstanceType,
		"instanceFamily":     instanceFamilyName(e),
		"vcpu":               fmt.Sprint(e.VCPU),
		"memory":             e.MemoryGiB,
		"networkPerformance": e.NetworkPerf,
		"physicalProcessor":  e.Processor,
		"operatingSystem":    "Linux",
		"tenancy":            "Shared",
		"preInstalledSw":     "NA",
		"licenseModel":       "No License required",
		"capacitystatus":     "Used",
		"operation":          "RunInstances",
		"usagetype":          usageTypePrefix(e.Region) + "BoxUsage:" + e.InstanceType,
		"regionCode":         e.Region,
		"location":           regionLocations[e.Region],
		"locationType":       "AWS Region",
		"currentGeneration":  "Yes",
		"marketoption":       "OnDemand",
	}
	if e.GPU > 0 {
		attrs["gpu"] = fmt.Sprint(e.GPU)
	}
	sku := skuFor(e.Region + "/" + e.InstanceType + "/Linux/Shared/NA/Used")
	dim := priceDimension{Unit: "Hrs", Begin: "0", End: "Inf", USD: e.USDPerHour, RateCode: hourlyRateCode,
		Description: fmt.Sprintf("$%s per On Demand Linux %s Instance Hour", trimZeros(e.USDPerHour), e.InstanceType)}
	return pricingProduct{serviceCode: "AmazonEC2", family: "Compute Instance", sku: sku, attributes: attrs,
		doc: productDoc("AmazonEC2", "Compute Instance", sku, attrs, []priceDimension{dim})}
}

// priceDimension is one on-demand price dimension of a product document.
type priceDimension struct {
	Unit, Begin, End, USD, Description string
	RateCode                           string // the part after "<sku>.<offer>."; derived when empty
}

// productDoc renders a product as the JSON string GetProducts returns in PriceList: product, serviceCode,
// terms.OnDemand.<sku>.<offer term>.priceDimensions.<sku>.<offer term>.<rate code>, version and
// publicationDate.
func productDoc(serviceCode, family, sku string, attrs map[string]string, dims []priceDimension) string {
	offer := sku + "." + onDemandOfferTerm
	pd := map[string]any{}
	for i, d := range dims {
		code := d.RateCode
		if code == "" {
			code = skuFor(fmt.Sprintf("%s/%d", sku, i))[:10]
		}
		rate := offer + "." + code
		pd[rate] = map[string]any{
			"unit": d.Unit, "beginRange": d.Begin, "endRange": d.End, "description": d.Description,
			"appliesTo": []string{}, "rateCode": rate, "pricePerUnit": map[string]string{"USD": d.USD},
		}
	}
	doc := map[string]any{
		"product":     map[string]any{"productFamily": family, "attributes": attrs, "sku": sku},
		"serviceCode": serviceCode,
		"terms": map[string]any{"OnDemand": map[string]any{offer: map[string]any{
			"priceDimensions": pd, "sku": sku, "effectiveDate": pricingPubDate, "offerTermCode": onDemandOfferTerm,
			"termAttributes": map[string]string{},
		}}},
		"version":         priceListVersion,
		"publicationDate": pricingPubDate,
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

func instanceFamilyName(e ec2PriceEntry) string {
	switch {
	case e.GPU > 0 || strings.HasPrefix(e.InstanceType, "trn"):
		return "GPU instance"
	case strings.HasPrefix(e.InstanceType, "c"), strings.HasPrefix(e.InstanceType, "hpc"):
		return "Compute optimized"
	default:
		return "General purpose"
	}
}

// usageTypePrefix is the Region prefix of EC2 usage types (none for us-east-1).
func usageTypePrefix(region string) string {
	switch region {
	case "us-east-1":
		return ""
	case "us-east-2":
		return "USE2-"
	case "us-west-2":
		return "USW2-"
	case "eu-west-1":
		return "EU-"
	case "us-gov-west-1":
		return "UGW1-"
	}
	return strings.ToUpper(region) + "-"
}

// skuFor derives a stable 16-character SKU in the Price List's alphabet.
func skuFor(key string) string {
	const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	sum := sha256.Sum256([]byte(key))
	out := make([]byte, 16)
	for i := range out {
		out[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(out)
}

type pricingFilter struct {
	Type  string `json:"Type"`
	Field string `json:"Field"`
	Value string `json:"Value"`
}

func (p pricingProduct) field(name string) (string, bool) {
	switch strings.ToLower(name) {
	case "servicecode":
		return p.serviceCode, true
	case "productfamily":
		return p.family, true
	case "sku":
		return p.sku, true
	}
	if v, ok := p.attributes[name]; ok {
		return v, true
	}
	for k, v := range p.attributes {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

func (p pricingProduct) matches(f pricingFilter) bool {
	v, ok := p.field(f.Field)
	switch f.Type {
	case "TERM_MATCH", "EQUALS":
		return ok && v == f.Value
	case "CONTAINS":
		return ok && strings.Contains(v, f.Value)
	case "ANY_OF":
		return ok && oneOf(v, splitValues(f.Value)...)
	case "NONE_OF":
		return !ok || !oneOf(v, splitValues(f.Value)...)
	}
	return false
}

func splitValues(s string) []string {
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func (s *pricingService) getProducts(w http.ResponseWriter, body []byte) error {
	var in struct {
		ServiceCode   string          `json:"ServiceCode"`
		Filters       []pricingFilter `json:"Filters"`
		FormatVersion string          `json:"FormatVersion"`
		NextToken     *string         `json:"NextToken"`
		MaxResults    *int32          `json:"MaxResults"`
	}
	if err := ReadJSON(body, &in); err != nil {
		return err
	}
	if in.ServiceCode == "" {
		// The real answer to an empty ServiceCode (aws-sdk-js issue 3329 quotes it).
		return Errorf("InvalidParameterException", "Input Parameters are invalid. serviceCode cannot be null or empty")
	}
	if !s.hasService(in.ServiceCode) {
		// GetProducts lists NotFoundException ("The requested resource can't be found") among its errors
		// (pricing 2017-10-15 API model); a service code the catalogue lacks is answered as
		// DescribeServices answers it.
		return Errorf("NotFoundException", "The requested service code %s is not available.", in.ServiceCode)
	}
	if in.FormatVersion == "" {
		in.FormatVersion = "aws_v1"
	}
	if in.FormatVersion != "aws_v1" {
		return Errorf("InvalidParameterException", "Invalid FormatVersion %q: the only supported format version is aws_v1.", in.FormatVersion)
	}
	for _, f := range in.Filters {
		if f.Field == "" || f.Value == "" {
			return Errorf("InvalidParameterException", "Each filter requires Field, Type and Value.")
		}
		if !oneOf(f.Type, "TERM_MATCH", "EQUALS", "CONTAINS", "ANY_OF", "NONE_OF") {
			return Errorf("InvalidParameterException", "Invalid filter type %q: valid values are TERM_MATCH, EQUALS, CONTAINS, ANY_OF, NONE_OF.", f.Type)
		}
	}
	if in.MaxResults != nil && *in.MaxResults > 100 {
		return Errorf("InvalidParameterException", "MaxResults must be between 1 and 100.")
	}
	var matched []string
	for _, p := range s.products {
		if p.serviceCode != in.ServiceCode {
			continue
		}
		keep := true
		for _, f := range in.Filters {
			keep = keep && p.matches(f)
		}
		if keep {
			matched = append(matched, p.doc)
		}
	}
	start, end, next, err := JSONPage(len(matched), in.MaxResults, in.NextToken, "products", 100)
	if err != nil {
		if ae, ok := err.(*APIError); ok && strings.Contains(ae.Message, "NextToken") {
			return Errorf("InvalidNextTokenException", "The pagination token is invalid. Try again without a pagination token.")
		}
		return Errorf("InvalidParameterException", "MaxResults must be between 1 and 100.")
	}
	out := map[string]any{"FormatVersion": in.FormatVersion, "PriceList": matched[start:end]}
	if matched == nil {
		out["PriceList"] = []string{}
	}
	if next != "" {
		out["NextToken"] = next
	}
	WriteJSON(w, out)
	return nil
}

func (s *pricingService) describeServices(w http.ResponseWriter, body []byte) error {
	var in struct {
		ServiceCode   string `json:"ServiceCode"`
		FormatVersion string `json:"FormatVersion"`
	}
	if err := ReadJSON(body, &in); err != nil {
		return err
	}
	if in.FormatVersion == "" {
		in.FormatVersion = "aws_v1"
	}
	if in.ServiceCode != "" && !s.hasService(in.ServiceCode) {
		return Errorf("NotFoundException", "The requested service code %s is not available.", in.ServiceCode)
	}
	names := map[string]map[string]bool{}
	for _, p := range s.products {
		if names[p.serviceCode] == nil {
			names[p.serviceCode] = map[string]bool{}
		}
		for k := range p.attributes {
			names[p.serviceCode][k] = true
		}
	}
	codes := make([]string, 0, len(names))
	for c := range names {
		if in.ServiceCode == "" || c == in.ServiceCode {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	services := []map[string]any{}
	for _, c := range codes {
		attrNames := make([]string, 0, len(names[c]))
		for k := range names[c] {
			attrNames = append(attrNames, k)
		}
		sort.Strings(attrNames)
		services = append(services, map[string]any{"ServiceCode": c, "AttributeNames": attrNames})
	}
	WriteJSON(w, map[string]any{"Services": services, "FormatVersion": in.FormatVersion})
	return nil
}

// hasService reports whether the catalogue has products of a service code.
func (s *pricingService) hasService(code string) bool {
	for _, p := range s.products {
		if p.serviceCode == code {
			return true
		}
	}
	return false
}
