// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/prices"
)

// Value is one catalog default: a number, its unit and where it comes from.
type Value = prices.Price

// val builds a Value.
func val(v float64, unit, source string) Value { return Value{V: v, Unit: unit, Source: source} }

// InstanceType is an EC2 instance type as the catalog knows it (from the
// provider's price catalogue, internal/prices).
type InstanceType = prices.Instance

// Catalog holds every default the engine uses — prices, limits, latencies
// and bandwidths — each with its source. [DefaultCatalog] returns the built-in
// values (us-east-1, on demand, Linux); callers may override any field, and
// [Catalog.SetInstancePrice] records a price obtained from the AWS Pricing
// API together with its source.
//
// Values marked "assumption" in their source are engineering estimates, not
// published AWS figures; override them with measurements where you have them.
type Catalog struct {
	Region    string                  `json:"region"`
	Instances map[string]InstanceType `json:"instances"`

	// EC2 (HPC and Ray pools).
	EC2MinBillingS Value `json:"ec2_min_billing_s"`
	HPCNodeStartS  Value `json:"hpc_node_start_s"`
	RayNodeStartS  Value `json:"ray_node_start_s"`
	// HPCIdleS and RayIdleS: how long an idle dynamic node stays up (and is
	// billed) before the scheduler or autoscaler removes it.
	HPCIdleS Value `json:"hpc_idle_s"`
	RayIdleS Value `json:"ray_idle_s"`
	// SpotDiscount is the fraction of the on-demand price a spot node saves.
	SpotDiscount Value `json:"spot_discount"`
	// Fixed costs of running a cluster at all, billed for the run's duration
	// once per cluster (see Pool.Cluster): the ParallelCluster head node, the
	// EKS control plane and the Ray head.
	// The head node types are catalog instance types, with the source of the
	// choice ([Catalog.SetHeadNodeType] sets them).
	HPCHeadNodeType   string `json:"hpc_head_node_type"`
	HPCHeadNodeSource string `json:"hpc_head_node_source"`
	EKSControlPlane   Value  `json:"eks_control_plane"`
	RayHeadNodeType   string `json:"ray_head_node_type"`
	RayHeadNodeSource string `json:"ray_head_node_source"`
	// RayHeadTaskVCPUs and RayHeadTaskMemoryGiB: what of the Ray head node
	// runs tasks (the head container's limits, which Ray advertises).
	RayHeadTaskVCPUs     Value `json:"ray_head_task_vcpus"`
	RayHeadTaskMemoryGiB Value `json:"ray_head_task_memory_gib"`
	HPCPoolVCPUs         Value `json:"hpc_pool_vcpus"`
	RayPoolVCPUs         Value `json:"ray_pool_vcpus"`
	// The FSx for Lustre workspace: capacity (GiB), price, and throughput
	// per TiB of storage for reads and writes (see [LustreThroughput]).
	LustreCapacityGB      Value `json:"lustre_capacity_gb"`
	LustreGBMonth         Value `json:"lustre_gb_month"`
	LustreReadMBpsPerTiB  Value `json:"lustre_read_mbps_per_tib"`
	LustreWriteMBpsPerTiB Value `json:"lustre_write_mbps_per_tib"`

	// AWS Lambda.
	LambdaGBSecondX86  Value `json:"lambda_gb_second_x86"`
	LambdaGBSecondArm  Value `json:"lambda_gb_second_arm"`
	LambdaRequest      Value `json:"lambda_request"`
	LambdaMBPerVCPU    Value `json:"lambda_mb_per_vcpu"`
	LambdaMinMemoryMB  Value `json:"lambda_min_memory_mb"`
	LambdaMaxMemoryMB  Value `json:"lambda_max_memory_mb"`
	LambdaTimeoutS     Value `json:"lambda_timeout_s"`
	LambdaConcurrency  Value `json:"lambda_concurrency"`
	LambdaColdStartS   Value `json:"lambda_cold_start_s"`
	LambdaS3Bandwidth  Value `json:"lambda_s3_bandwidth"`
	LambdaBillingTickS Value `json:"lambda_billing_tick_s"`
	// Ephemeral storage (/tmp): free size, largest size and price above free.
	LambdaEphemeralFreeMB   Value `json:"lambda_ephemeral_free_mb"`
	LambdaEphemeralMaxMB    Value `json:"lambda_ephemeral_max_mb"`
	LambdaEphemeralGBSecond Value `json:"lambda_ephemeral_gb_second"`

	// AWS Batch on Fargate.
	FargateVCPUHour    Value `json:"fargate_vcpu_hour"`
	FargateGBHour      Value `json:"fargate_gb_hour"`
	FargateMaxVCPUs    Value `json:"fargate_max_vcpus"`
	FargateMaxMemoryGB Value `json:"fargate_max_memory_gb"`
	FargateMinBillingS Value `json:"fargate_min_billing_s"`
	BatchStartS        Value `json:"batch_start_s"`
	BatchMaxVCPUs      Value `json:"batch_max_vcpus"`
	// Fargate ephemeral storage: free size, largest size and price above free.
	FargateEphemeralFreeGB Value `json:"fargate_ephemeral_free_gb"`
	FargateEphemeralMaxGB  Value `json:"fargate_ephemeral_max_gb"`
	FargateEphemeralGBHour Value `json:"fargate_ephemeral_gb_hour"`

	// Storage and data movement.
	S3GetPer1000    Value `json:"s3_get_per_1000"`
	S3AggregateBps  Value `json:"s3_aggregate_bandwidth"`
	S3PutPer1000    Value `json:"s3_put_per_1000"`
	VMS3Bandwidth   Value `json:"vm_s3_bandwidth"`
	LustreBandwidth Value `json:"lustre_bandwidth"`
	// NodePageCache: 1 when HPC and Ray nodes keep shared input files in
	// their page cache (see Storage.NoPageCache), 0 when not.
	NodePageCache     Value  `json:"node_page_cache"`
	ReferenceCoreNote string `json:"reference_core_note"`
}

const (
	srcLambdaMemory = "AWS Lambda Developer Guide, \"Configuring function memory\": 1,769 MB gives one vCPU"
	srcLambdaQuota  = "AWS Lambda Developer Guide, \"Lambda quotas\""
	srcFargateSize  = "Amazon ECS Developer Guide, \"Task CPU and memory\" for Fargate (max 16 vCPU, 120 GB)"
	srcLustrePerf   = "Amazon FSx for Lustre User Guide, \"Performance characteristics of SSD and HDD storage classes\""
)

// DefaultCatalog returns the built-in catalog. Each call returns a fresh copy
// that the caller may modify.
func DefaultCatalog() *Catalog {
	c := &Catalog{
		Region:         prices.Region,
		Instances:      prices.Instances(),
		EC2MinBillingS: val(60, "s", "AWS EC2 pricing page: per-second billing with a 60-second minimum (Linux)"),
		HPCNodeStartS: val(180, "s", "assumption: AWS ParallelCluster dynamic Slurm node from power-up to "+
			"job start, typically 2-5 minutes (launch, bootstrap, slurmd registration)"),
		RayNodeStartS: val(90, "s", "assumption: EKS worker node launch (Karpenter/Cluster Autoscaler) plus "+
			"Ray worker pod start with a cached image, typically 1-2 minutes; all needed nodes start at once, as KubeRay's "+
			"default autoscalerOptions.upscalingMode Default does not rate-limit upscaling (KubeRay sample ray-cluster.autoscaler.yaml)"),

		HPCIdleS: val(600, "s", "AWS ParallelCluster User Guide: Slurm ScaledownIdletime, default 10 minutes "+
			"(an idle dynamic node is terminated after it)"),
		RayIdleS: val(600, "s", "assumption: Kubernetes Cluster Autoscaler removes an unneeded EKS node after "+
			"--scale-down-unneeded-time, default 10 minutes (not re-confirmed when written); the Ray autoscaler removes the idle "+
			"worker pod sooner (KubeRay autoscalerOptions.idleTimeoutSeconds, default 60 s) but the EC2 node is billed until it goes"),
		SpotDiscount: val(0.6, "fraction", "assumption: EC2 spot prices of c6i/m6i/r6i in us-east-1 typically 55-70% "+
			"below on demand (AWS advertises up to 90%); interruptions are not modelled (not confirmed when written)"),
		HPCHeadNodeType:   "c6i.large",
		HPCHeadNodeSource: srcHeadDefault,
		EKSControlPlane:   prices.EKSClusterHour,
		RayHeadNodeType:   "m6i.xlarge",
		RayHeadNodeSource: srcHeadDefault,
		RayHeadTaskVCPUs: val(2, "vCPU", "deployment choice: the Ray head container's CPU limit (the head's cpu in "+
			"rayhpc_ray_cluster), on the Ray head node, whose type (ray_head_node_instance_type) it must fit: at most the type's vCPUs, "+
			"a plan-time rule; the rest of the node is for the GCS, dashboard, autoscaler sidecar and EKS system pods (2 of the default "+
			"m6i.xlarge's 4 vCPUs); Ray advertises a container's CPU limit as its "+
			"num-cpus and schedules tasks on the head unless rayStartParams sets num-cpus to 0 (Ray docs, \"Configuring the head node\", "+
			"recommend 0 for large clusters: set this to 0 for such a cluster)"),
		RayHeadTaskMemoryGiB: val(8, "GiB", "deployment choice: the Ray head container's memory limit (the head's memory in "+
			"rayhpc_ray_cluster), on the Ray head node, whose type (ray_head_node_instance_type) it must fit: at most the type's memory, "+
			"a plan-time rule (8 of the default m6i.xlarge's 16 GiB)"),
		HPCPoolVCPUs: val(1152, "vCPU", "deployment choice: the default HPC queue's capacity, 16 c5n.18xlarge "+
			"nodes' worth; right-sized types get max_nodes = 1152 / vCPUs"),
		RayPoolVCPUs: val(256, "vCPU", "deployment choice: the default Ray worker group's capacity, 64 m6i.xlarge "+
			"nodes' worth"),
		LustreCapacityGB: val(1200, "GiB", "Amazon FSx for Lustre User Guide: the smallest SCRATCH_2 file system is 1.2 TiB "+
			"(1,200 GiB), the workspace the hybrid-environment module makes by default (SCRATCH_2, 1,200 GiB)"),
		LustreGBMonth: prices.FSxLustreScratch2GBMonth,
		LustreReadMBpsPerTiB: val(200, "MB/s/TiB", srcLustrePerf+": SCRATCH_2 baseline, 200 MB/s/TiB network and 200 MB/s/TiB "+
			"disk read throughput; the 1,300 MB/s/TiB burst (network I/O credits, reads served from the file servers' cache) is not "+
			"modelled: a workflow reads most data once, from disk"),
		LustreWriteMBpsPerTiB: val(100, "MB/s/TiB", srcLustrePerf+": SCRATCH_2 disk write throughput, 100 MB/s/TiB "+
			"(writes go at the lower of network and disk throughput)"),

		LambdaGBSecondX86:  prices.LambdaGBSecondX86,
		LambdaGBSecondArm:  prices.LambdaGBSecondArm,
		LambdaRequest:      prices.LambdaRequest,
		LambdaMBPerVCPU:    val(1769, "MB/vCPU", srcLambdaMemory),
		LambdaMinMemoryMB:  val(128, "MB", srcLambdaQuota),
		LambdaMaxMemoryMB:  val(10240, "MB", srcLambdaQuota),
		LambdaTimeoutS:     val(900, "s", srcLambdaQuota),
		LambdaConcurrency:  val(1000, "executions", srcLambdaQuota+" (default concurrent executions per Region)"),
		LambdaColdStartS:   val(1.0, "s", "assumption: typical cold start of a zip-packaged function with its dependencies; billed, as AWS bills the INIT phase since 2025-08-01"),
		LambdaS3Bandwidth:  val(80e6, "B/s", "assumption: ~80 MB/s S3 throughput per function as measured by Klimovic et al., \"Pocket\", OSDI 2018"),
		LambdaBillingTickS: val(0.001, "s", prices.SrcLambda+" (duration rounded up to 1 ms)"),

		LambdaEphemeralFreeMB:   val(512, "MB", prices.SrcLambda+": 512 MB of ephemeral storage at no cost"),
		LambdaEphemeralMaxMB:    val(10240, "MB", srcLambdaQuota+": /tmp up to 10,240 MB"),
		LambdaEphemeralGBSecond: prices.LambdaEphemeralGBSecond,
		FargateEphemeralFreeGB:  val(20, "GB", prices.SrcFargate+": 20 GB of ephemeral storage included"),
		FargateEphemeralMaxGB:   val(200, "GB", "Amazon ECS Developer Guide, Fargate task ephemeral storage: up to 200 GiB"),
		FargateEphemeralGBHour:  prices.FargateEphemeralGBHour,

		FargateVCPUHour:    prices.FargateVCPUHour,
		FargateGBHour:      prices.FargateGBHour,
		FargateMaxVCPUs:    val(16, "vCPU", srcFargateSize),
		FargateMaxMemoryGB: val(120, "GB", srcFargateSize),
		FargateMinBillingS: val(60, "s", prices.SrcFargate),
		BatchStartS: val(45, "s", "assumption: AWS Batch on Fargate job from SUBMITTED to RUNNING (scheduling, "+
			"ENI attachment, image pull), typically 30-60 s; billed from image pull, charged here in full"),
		BatchMaxVCPUs: val(256, "vCPU", "deployment choice: the Batch compute environment's maxvCpus (default of this engine)"),

		S3GetPer1000: prices.S3GetPer1000,
		S3AggregateBps: val(0, "B/s", "Amazon S3 performance guidelines publish request rates per prefix (5,500 GET/s) "+
			"and per-instance bandwidth, no aggregate bandwidth limit: 0 means none; set one to model a shared network path"),
		S3PutPer1000:  prices.S3PutPer1000,
		VMS3Bandwidth: val(90e6, "B/s", "Amazon S3 performance guidelines: about 85-90 MB/s per request stream"),
		LustreBandwidth: val(500e6, "B/s", "assumption: per-task (per-client) read/write throughput on the FSx for Lustre workspace; "+
			"tasks reading or writing at once also share the workspace's aggregate throughput (lustre_read_mbps_per_tib, "+
			"lustre_write_mbps_per_tib)"),
		NodePageCache: val(1, "on (1) / off (0)", "the Lustre client caches file data in the node's Linux page cache (VFS "+
			"cache), kept consistent by Lustre locks (lustre-discuss, O. Drokin, \"cache management of Lustre\", 2015-10-18); FSx "+
			"for Lustre User Guide, \"Performance tips\": the kernel also buffers writes in the instance's memory; the kernel "+
			"reclaims the cache under memory pressure; only files read by more than one task are tracked"),
		ReferenceCoreNote: "Task runtimes are seconds on a reference core; every pool's speed defaults to 1.0 " +
			"(one vCPU of the catalog instances ≈ one core of the trace machines).",
	}
	return c
}

// Instance returns the catalog entry of an instance type.
func (c *Catalog) Instance(name string) (InstanceType, bool) {
	it, ok := c.Instances[name]
	return it, ok
}

// InstanceNames returns the known instance types in sorted order.
func (c *Catalog) InstanceNames() []string {
	names := make([]string, 0, len(c.Instances))
	for n := range c.Instances {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SetInstancePrice overrides the hourly on-demand price of an instance type
// (for example with a figure from the AWS Pricing API) and records its
// source. Unknown instance types are an error: add them to Instances with
// their vCPU/memory/GPU counts first.
func (c *Catalog) SetInstancePrice(name string, usdPerHour float64, source string) error {
	it, ok := c.Instances[name]
	if !ok {
		return fmt.Errorf("instance type %q is not in the catalog", name)
	}
	if !(usdPerHour >= 0) {
		return fmt.Errorf("instance type %q: price must not be negative", name)
	}
	if source == "" {
		source = "caller override"
	}
	it.HourlyUSD = usdPerHour
	it.PriceSource = source
	c.Instances[name] = it
	return nil
}

// ValueNames returns the names (JSON field names) of the catalog's numeric
// defaults, sorted: the keys [Catalog.Set] accepts.
func (c *Catalog) ValueNames() []string {
	var out []string
	v := reflect.ValueOf(c).Elem()
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).Type() == reflect.TypeOf(Value{}) {
			out = append(out, jsonName(v.Type().Field(i)))
		}
	}
	sort.Strings(out)
	return out
}

// Set overrides the numeric default with the given JSON field name (for
// example "hpc_node_start_s" or "lambda_cold_start_s") and records the
// override as its source. A value outside the name's [ValueRuleOf] range
// (non-finite values included) is refused, naming the rule.
func (c *Catalog) Set(name string, value float64, source string) error {
	v := reflect.ValueOf(c).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Type() != reflect.TypeOf(Value{}) || jsonName(v.Type().Field(i)) != name {
			continue
		}
		if r := ValueRuleOf(name); !r.check(value) {
			return fmt.Errorf("%s: value must be %s", name, r)
		}
		old := f.Interface().(Value)
		f.Set(reflect.ValueOf(Value{V: value, Unit: old.Unit, Source: source}))
		return nil
	}
	return fmt.Errorf("%q is not a catalog value (known: %s)", name, strings.Join(c.ValueNames(), ", "))
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}
