// SPDX-License-Identifier: MPL-2.0

// Package prices is the provider's one offline price and instance catalogue: EC2 instance types (vCPUs,
// memory, GPUs, EFA support, on-demand Linux price) and the unit prices of AWS Lambda, AWS Fargate,
// Amazon S3, Amazon EKS and FSx for Lustre, each with its source. Prices are for Region us-east-1, on
// demand, Linux. The placement engine (internal/placement) and the EFA instance-types data source
// (internal/service/efa) read it; both let the AWS Pricing API override instance prices for the
// provider's Region, with this table as the fallback.
//
// The package imports only the standard library. Figures that could not be confirmed against a
// published AWS page when they were written say so in their source.
package prices

import "sort"

// Region is the Region every price in this package is for.
const Region = "us-east-1"

// Price is one unit price (or a limit that goes with a price) with its unit and source.
type Price struct {
	V      float64 `json:"value"`
	Unit   string  `json:"unit"`
	Source string  `json:"source"`
}

// Instance is an EC2 instance type: its size and its on-demand Linux price in Region.
type Instance struct {
	Name        string  `json:"name"`
	Family      string  `json:"family"`
	VCPUs       int     `json:"vcpus"`
	MemoryGiB   float64 `json:"memory_gib"`
	GPUs        int     `json:"gpus"`
	EFA         bool    `json:"efa"`
	Arch        string  `json:"arch"`
	HourlyUSD   float64 `json:"hourly_usd"`
	PriceSource string  `json:"price_source"`
	SpecSource  string  `json:"spec_source"`
}

// Sources of the figures below.
const (
	SrcEC2OnDemand = "AWS EC2 On-Demand pricing page, us-east-1, Linux, shared tenancy (per second, 60 s minimum)"
	SrcEC2Spec     = "AWS EC2 instance type documentation (vCPUs, memory, GPUs, EFA support)"
	srcUnconfirmed = "; not re-confirmed against the live page when written (the Pricing API overrides it)"
	SrcLambda      = "AWS Lambda pricing page, us-east-1 (first tier)"
	SrcFargate     = "AWS Fargate pricing page, us-east-1, Linux/x86 (per second, 1-minute minimum)"
	SrcS3          = "Amazon S3 pricing page, S3 Standard, us-east-1"
	SrcEKS         = "Amazon EKS pricing page: $0.10 per cluster per hour (standard Kubernetes version support)"
	SrcFSxLustre   = "Amazon FSx for Lustre pricing page, us-east-1"
	// SrcEC2PriceList is the source of the head node and queue types the examples use (c5, m5): the Price
	// List API's us-east-1 on-demand Linux prices as a public generated file records them.
	SrcEC2PriceList = "AWS Price List API, us-east-1, on demand, Linux, as recorded in aws/karpenter-provider-aws " +
		"pkg/providers/pricing/zz_generated.pricing_aws.go (generated 2026-01-19)"
)

// The instance table: families the placement engine right-sizes from (c6i, m6i, r6i, c5n), the EFA, HPC
// and GPU types of the design's price list, and the head node and queue types of the examples (c5, m5).
var instances = func() map[string]Instance {
	m := map[string]Instance{}
	addFrom := func(src, family string, efa func(vcpus int) bool, arch string, rows ...any) {
		for i := 0; i+3 < len(rows); i += 4 {
			name := family + "." + rows[i].(string)
			m[name] = Instance{Name: name, Family: family, VCPUs: rows[i+1].(int), MemoryGiB: rows[i+2].(float64),
				EFA: efa(rows[i+1].(int)), Arch: arch, HourlyUSD: rows[i+3].(float64), PriceSource: src, SpecSource: SrcEC2Spec}
		}
	}
	add := func(family string, efa func(vcpus int) bool, arch string, confirmed bool, rows ...any) {
		src := SrcEC2OnDemand
		if !confirmed {
			src += srcUnconfirmed
		}
		addFrom(src, family, efa, arch, rows...)
	}
	only := func(v int) func(int) bool { return func(n int) bool { return n >= v } }
	// c6i: $0.0425 per vCPU-hour at every size; EFA on c6i.32xlarge.
	add("c6i", only(128), "x86_64", false,
		"large", 2, 4.0, 0.085, "xlarge", 4, 8.0, 0.17, "2xlarge", 8, 16.0, 0.34, "4xlarge", 16, 32.0, 0.68,
		"8xlarge", 32, 64.0, 1.36, "16xlarge", 64, 128.0, 2.72, "32xlarge", 128, 256.0, 5.44)
	// m6i: $0.048 per vCPU-hour; EFA on m6i.32xlarge.
	add("m6i", only(128), "x86_64", false,
		"large", 2, 8.0, 0.096, "xlarge", 4, 16.0, 0.192, "2xlarge", 8, 32.0, 0.384, "4xlarge", 16, 64.0, 0.768,
		"8xlarge", 32, 128.0, 1.536, "16xlarge", 64, 256.0, 3.072, "32xlarge", 128, 512.0, 6.144)
	// r6i: $0.063 per vCPU-hour; EFA on r6i.32xlarge.
	add("r6i", only(128), "x86_64", false,
		"large", 2, 16.0, 0.126, "xlarge", 4, 32.0, 0.252, "2xlarge", 8, 64.0, 0.504, "4xlarge", 16, 128.0, 1.008,
		"8xlarge", 32, 256.0, 2.016, "16xlarge", 64, 512.0, 4.032, "32xlarge", 128, 1024.0, 8.064)
	// c5n: EFA on 9xlarge and 18xlarge.
	add("c5n", only(36), "x86_64", false,
		"large", 2, 5.25, 0.108, "xlarge", 4, 10.5, 0.216, "2xlarge", 8, 21.0, 0.432, "4xlarge", 16, 42.0, 0.864,
		"9xlarge", 36, 96.0, 1.944)
	// The design's list (its prices are the ones the sandbox's Pricing catalog serves).
	add("c5n", only(36), "x86_64", true, "18xlarge", 72, 192.0, 3.888)
	add("hpc7g", only(1), "arm64", true, "16xlarge", 64, 128.0, 1.6832)
	add("p4d", only(1), "x86_64", true, "24xlarge", 96, 1152.0, 21.96)
	add("p5", only(1), "x86_64", true, "48xlarge", 192, 2048.0, 55.04)
	add("g5", only(1<<30), "x86_64", true, "xlarge", 4, 16.0, 1.006)
	// The ParallelCluster head node and queue types of the examples, the demo and the hybrid-environment
	// module (c5.xlarge heads and queues, c5.2xlarge and m5.2xlarge queues) and their neighbours, so that
	// they can be the placement's head node types and pools: c5 at $0.0425 and m5 at $0.048 per vCPU-hour
	// (SrcEC2PriceList); no EFA at these sizes.
	none := func(int) bool { return false }
	addFrom(SrcEC2PriceList, "c5", none, "x86_64",
		"large", 2, 4.0, 0.085, "xlarge", 4, 8.0, 0.17, "2xlarge", 8, 16.0, 0.34, "4xlarge", 16, 32.0, 0.68)
	addFrom(SrcEC2PriceList, "m5", none, "x86_64", "large", 2, 8.0, 0.096, "xlarge", 4, 16.0, 0.192, "2xlarge", 8, 32.0, 0.384)
	for _, n := range []string{"p4d.24xlarge", "p5.48xlarge", "g5.xlarge"} {
		it := m[n]
		it.GPUs = map[string]int{"p4d.24xlarge": 8, "p5.48xlarge": 8, "g5.xlarge": 1}[n]
		m[n] = it
	}
	return m
}()

// Instances returns a copy of the instance table.
func Instances() map[string]Instance {
	out := make(map[string]Instance, len(instances))
	for k, v := range instances {
		out[k] = v
	}
	return out
}

// InstanceType returns the table's entry of an instance type.
func InstanceType(name string) (Instance, bool) {
	it, ok := instances[name]
	return it, ok
}

// InstanceNames returns the instance types of the table, sorted.
func InstanceNames() []string {
	out := make([]string, 0, len(instances))
	for n := range instances {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Unit prices of the services the placement engine models.
var (
	LambdaGBSecondX86 = Price{0.0000166667, "USD/GB-s", SrcLambda + " (x86)"}
	LambdaGBSecondArm = Price{0.0000133334, "USD/GB-s", SrcLambda + " (Arm)"}
	LambdaRequest     = Price{0.20 / 1e6, "USD/request", SrcLambda + " ($0.20 per 1M requests)"}
	// LambdaEphemeralGBSecond is charged per GB-second for /tmp configured above the free 512 MB.
	LambdaEphemeralGBSecond = Price{0.0000000309, "USD/GB-s", SrcLambda + ", ephemeral storage above 512 MB" + srcUnconfirmed}

	FargateVCPUHour = Price{0.04048, "USD/vCPU-h", SrcFargate}
	FargateGBHour   = Price{0.004445, "USD/GB-h", SrcFargate}
	// FargateEphemeralGBHour is charged per GB-hour for ephemeral storage above the free 20 GB.
	FargateEphemeralGBHour = Price{0.000111, "USD/GB-h", SrcFargate + ", ephemeral storage above 20 GB" + srcUnconfirmed}

	S3GetPer1000 = Price{0.0004, "USD/1000 requests", SrcS3 + " (GET)"}
	S3PutPer1000 = Price{0.005, "USD/1000 requests", SrcS3 + " (PUT)"}

	EKSClusterHour = Price{0.10, "USD/h", SrcEKS}
	// FSxLustreScratch2GBMonth is SCRATCH_2 storage; the smallest file system is 1,200 GiB.
	FSxLustreScratch2GBMonth = Price{0.14, "USD/GB-month", SrcFSxLustre + ", SCRATCH_2" + srcUnconfirmed}
)

// HoursPerMonth converts monthly prices to hourly ones, as AWS's pricing pages do (730 hours).
const HoursPerMonth = 730
