// SPDX-License-Identifier: MPL-2.0

package gateway

// The Price List products of AWS Lambda (AWSLambda), AWS Fargate (AmazonECS), FSx for Lustre
// (AmazonFSx) and S3 requests (AmazonS3) that the placement engine prices, in the shape GetProducts
// returns them: product.{sku,productFamily,attributes} with the service's usagetype (Region prefix
// and all), terms.OnDemand with one price dimension per tier (Lambda duration has three).
//
// Only published prices, each with its source, for us-east-1 and eu-west-2 (London). FSx for Lustre
// has no eu-west-2 entry: no London scratch price was confirmed when this was written, so the catalogue
// has none rather than a guess, and a lookup there finds no product, as it would for a product AWS does
// not sell in a Region.

import (
	"fmt"
	"strings"
)

// serviceTier is one price dimension: from Begin to End ("Inf" for the last) units, USD per unit as the
// Price List writes it (10 decimals).
type serviceTier struct {
	Begin, End, USD string
}

// servicePriceEntry is one product of a service in a Region.
type servicePriceEntry struct {
	ServiceCode string
	Family      string
	Region      string
	UsageType   string // with the Region prefix, as listed
	Unit        string
	Attrs       map[string]string // attributes beside servicecode, usagetype and the location ones
	Tiers       []serviceTier
	Source      string
}

const (
	srcLambdaPage    = "AWS Lambda pricing page (aws.amazon.com/lambda/pricing)"
	srcFargatePage   = "AWS Fargate pricing page (aws.amazon.com/fargate/pricing), Linux/x86"
	srcS3Page        = "Amazon S3 pricing page (aws.amazon.com/s3/pricing), S3 Standard requests"
	srcFSxLustrePage = "Amazon FSx for Lustre pricing page (aws.amazon.com/fsx/lustre/pricing), Scratch SSD"
	srcEKSPage       = "Amazon EKS pricing page (aws.amazon.com/eks/pricing): $0.10 per cluster per hour (standard support)"
	srcOfferFile     = "; as in the AWS Price List offer file of the service for the Region (usage type %s), 2026"
)

var serviceNames = map[string]string{
	"AWSLambda": "AWS Lambda", "AmazonECS": "Amazon Elastic Container Service", "AmazonFSx": "Amazon FSx",
	"AmazonS3": "Amazon Simple Storage Service", "AmazonEKS": "Amazon Elastic Container Service for Kubernetes",
}

// Lambda duration tiers (first 6 billion GB-seconds per month, next 9 billion, over 15 billion; Arm:
// 7.5, 11.25 billion, more): the same three prices in us-east-1 and eu-west-2.
var (
	lambdaX86Tiers = []serviceTier{{"0", "6000000000", "0.0000166667"}, {"6000000000", "15000000000", "0.0000150000"},
		{"15000000000", "Inf", "0.0000133334"}}
	lambdaArmTiers = []serviceTier{{"0", "7500000000", "0.0000133334"}, {"7500000000", "18750000000", "0.0000120001"},
		{"18750000000", "Inf", "0.0000106667"}}
)

func flat(usd string) []serviceTier { return []serviceTier{{"0", "Inf", usd}} }

// lambdaEntries are the duration, request and ephemeral storage products of Lambda in a Region.
// armStorageUSD "" leaves out the Arm ephemeral storage product (not confirmed for the Region).
func lambdaEntries(region, prefix, storageUSD, armStorageUSD, src string) []servicePriceEntry {
	e := func(ut, group, unit string, tiers []serviceTier) servicePriceEntry {
		return servicePriceEntry{ServiceCode: "AWSLambda", Family: "Serverless", Region: region, UsageType: prefix + ut, Unit: unit,
			Attrs: map[string]string{"group": group, "operation": ""}, Tiers: tiers, Source: src + fmt.Sprintf(srcOfferFile, prefix+ut)}
	}
	out := []servicePriceEntry{
		e("Lambda-GB-Second", "AWS-Lambda-Duration", "Lambda-GB-Second", lambdaX86Tiers),
		e("Lambda-GB-Second-ARM", "AWS-Lambda-Duration-ARM", "Lambda-GB-Second", lambdaArmTiers),
		e("Request", "AWS-Lambda-Requests", "Requests", flat("0.0000002000")),
		e("Request-ARM", "AWS-Lambda-Requests-ARM", "Requests", flat("0.0000002000")),
		e("Lambda-Storage-GB-Second", "AWS-Lambda-Storage-Duration", "GB-Seconds", flat(storageUSD)),
	}
	if armStorageUSD != "" {
		out = append(out, e("Lambda-Storage-GB-Second-ARM", "AWS-Lambda-Storage-Duration-ARM", "GB-Seconds", flat(armStorageUSD)))
	}
	return out
}

// fargateEntries are the Linux/x86 vCPU, memory and ephemeral storage products of Fargate in a Region.
func fargateEntries(region, prefix, vcpu, gb, storage, src string) []servicePriceEntry {
	e := func(ut, unit, usd string, attrs map[string]string) servicePriceEntry {
		return servicePriceEntry{ServiceCode: "AmazonECS", Family: "Compute", Region: region, UsageType: prefix + ut, Unit: unit,
			Attrs: attrs, Tiers: flat(usd), Source: src + fmt.Sprintf(srcOfferFile, prefix+ut)}
	}
	return []servicePriceEntry{
		e("Fargate-vCPU-Hours:perCPU", "hours", vcpu, map[string]string{"cputype": "perCPU"}),
		e("Fargate-GB-Hours", "hours", gb, map[string]string{"memorytype": "perGB"}),
		e("Fargate-EphemeralStorage-GB-Hours", "GB-Hours", storage, map[string]string{}),
	}
}

// s3RequestEntries are the S3 Standard request products in a Region: Tier1 is PUT, COPY, POST and
// LIST, Tier2 GET and all other requests.
func s3RequestEntries(region, prefix, put, get, src string) []servicePriceEntry {
	e := func(ut, group, usd string) servicePriceEntry {
		return servicePriceEntry{ServiceCode: "AmazonS3", Family: "API Request", Region: region, UsageType: prefix + ut, Unit: "Requests",
			Attrs: map[string]string{"group": group}, Tiers: flat(usd), Source: src + fmt.Sprintf(srcOfferFile, prefix+ut)}
	}
	return []servicePriceEntry{e("Requests-Tier1", "S3-API-Tier1", put), e("Requests-Tier2", "S3-API-Tier2", get)}
}

// eksClusterEntry is the EKS control plane product of a Region (standard support): product family
// Compute, usage type <prefix>AmazonEKS-Hours:perCluster, tiertype HAStandard, operation
// CreateOperation, locationType "AWS Region", priced per "Hours", as GetProducts answers it (quoted for
// ap-southeast-2 in "Navigating the AWS Pricing API with the AWS CLI", 2022). Extended support is a
// separate product (AmazonEKS-Hours:extendedSupport, $0.50 per cluster-hour on top) that the engine does not price.
func eksClusterEntry(region, prefix, src string) servicePriceEntry {
	ut := prefix + "AmazonEKS-Hours:perCluster"
	return servicePriceEntry{ServiceCode: "AmazonEKS", Family: "Compute", Region: region, UsageType: ut, Unit: "Hours",
		Attrs: map[string]string{"tiertype": "HAStandard", "operation": "CreateOperation"}, Tiers: flat("0.1000000000"),
		Source: src + fmt.Sprintf(srcOfferFile, ut)}
}

// serviceCatalog is the offline catalogue of service prices.
var serviceCatalog = func() []servicePriceEntry {
	var out []servicePriceEntry
	// us-east-1: Lambda, Fargate, S3 and FSx usage types (Lambda and S3 without a Region prefix there).
	out = append(out, lambdaEntries("us-east-1", "", "0.0000000309", "0.0000000309", srcLambdaPage+", US East (N. Virginia)")...)
	out = append(out, fargateEntries("us-east-1", "USE1-", "0.0404800000", "0.0044450000", "0.0001110000",
		srcFargatePage+", US East (N. Virginia): $0.04048 per vCPU-hour, $0.004445 per GB-hour, ephemeral storage above 20 GB $0.000111 per GB-hour")...)
	out = append(out, s3RequestEntries("us-east-1", "", "0.0000050000", "0.0000004000",
		srcS3Page+", US East (N. Virginia): $0.005 per 1,000 PUT, COPY, POST, LIST; $0.0004 per 1,000 GET")...)
	out = append(out, servicePriceEntry{ServiceCode: "AmazonFSx", Family: "Storage", Region: "us-east-1", UsageType: "USE1-Storage",
		Unit: "GB-Mo", Attrs: map[string]string{"fileSystemType": "Lustre", "storageType": "SSD", "deploymentOption": "Single-AZ",
			"throughputCapacity": "N/A", "operation": "CreateFileSystem:Lustre"},
		Tiers: flat("0.1400000000"), Source: srcFSxLustrePage + ", US East (N. Virginia): $0.140 per GB-month" + fmt.Sprintf(srcOfferFile, "USE1-Storage")})
	// eu-west-2 (London): Lambda duration and requests as in us-east-1, ephemeral storage $0.0000000358 per
	// GB-second; Fargate $0.04656 per vCPU-hour, $0.00511 per GB-hour, $0.000129 per GB-hour of ephemeral
	// storage; S3 $0.0053 per 1,000 PUT and $0.00042 per 1,000 GET.
	out = append(out, lambdaEntries("eu-west-2", "EUW2-", "0.0000000358", "", srcLambdaPage+", Europe (London)")...)
	out = append(out, fargateEntries("eu-west-2", "EUW2-", "0.0465600000", "0.0051100000", "0.0001290000", srcFargatePage+", Europe (London)")...)
	out = append(out, s3RequestEntries("eu-west-2", "EUW2-", "0.0000053000", "0.0000004200", srcS3Page+", Europe (London)")...)
	// EKS: the same $0.10 per cluster-hour in both (the pricing page gives one price for its commercial Regions).
	out = append(out, eksClusterEntry("us-east-1", "USE1-", srcEKSPage+", US East (N. Virginia)"),
		eksClusterEntry("eu-west-2", "EUW2-", srcEKSPage+", Europe (London)"))
	return out
}()

func (e servicePriceEntry) product() pricingProduct {
	attrs := map[string]string{
		"servicecode": e.ServiceCode, "servicename": serviceNames[e.ServiceCode], "usagetype": e.UsageType,
		"regionCode": e.Region, "location": regionLocations[e.Region], "locationType": "AWS Region",
	}
	for k, v := range e.Attrs {
		attrs[k] = v
	}
	sku := skuFor(e.Region + "/" + e.ServiceCode + "/" + e.UsageType)
	dims := make([]priceDimension, 0, len(e.Tiers))
	for _, t := range e.Tiers {
		dims = append(dims, priceDimension{Unit: e.Unit, Begin: t.Begin, End: t.End, USD: t.USD,
			Description: fmt.Sprintf("$%s per %s for %s in %s", trimZeros(t.USD), e.Unit, e.UsageType, attrs["location"])})
	}
	return pricingProduct{serviceCode: e.ServiceCode, family: e.Family, sku: sku, attributes: attrs,
		doc: productDoc(e.ServiceCode, e.Family, sku, attrs, dims)}
}

func trimZeros(usd string) string { return strings.TrimRight(strings.TrimRight(usd, "0"), ".") }
