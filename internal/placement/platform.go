// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"fmt"
	"math"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/prices"
)

// PlatformKind is the kind of compute a pool offers.
type PlatformKind string

const (
	// KindHPC is a Slurm queue of an AWS ParallelCluster cluster.
	KindHPC PlatformKind = "hpc"
	// KindRay is a worker group of a KubeRay RayCluster on EKS.
	KindRay PlatformKind = "ray"
	// KindServerless is AWS Lambda.
	KindServerless PlatformKind = "serverless"
	// KindBatch is AWS Batch on Fargate.
	KindBatch PlatformKind = "batch"
)

// Kinds lists the platform kinds in the fixed order used for reports.
var Kinds = []PlatformKind{KindHPC, KindRay, KindServerless, KindBatch}

func (k PlatformKind) valid() bool {
	switch k {
	case KindHPC, KindRay, KindServerless, KindBatch:
		return true
	}
	return false
}

// isVM reports whether the kind runs tasks on nodes that the pool starts
// (HPC and Ray).
func (k PlatformKind) isVM() bool { return k == KindHPC || k == KindRay }

// Pool is a place stages can run, with its limits and price model. Which
// fields matter depends on Kind:
//
//   - HPC and Ray (VM pools): InstanceType, VCPUs, MemoryBytes, GPUs and EFA
//     describe one node; between MinNodes and MaxNodes nodes run. MinNodes
//     nodes are up at time 0; more start on demand (see [Evaluate]) and are
//     ready StartLatencyS later. A node is billed HourlyUSD per second from
//     its start until the last task on it finishes, at least MinBillingS.
//   - Serverless (Lambda): one function per stage with the stage's memory
//     setting (vCPUs = memory / MBPerVCPU), at most Concurrency concurrent
//     executions, TimeoutS per invocation, StartLatencyS cold start for each
//     new execution environment, GBSecondUSD per GB-second (duration rounded up
//     to BillingTickS) plus RequestUSD per invocation.
//   - Batch (Fargate): every task is one Fargate task sized to its cores and
//     memory (rounded up to a valid Fargate size, at most MaxTaskVCPUs and
//     MaxTaskMemoryBytes), started StartLatencyS after it is submitted, billed
//     VCPUHourUSD per vCPU-hour plus GBHourUSD per GB-hour from its start
//     (including StartLatencyS) with a MinBillingS minimum; at most MaxVCPUs
//     vCPUs run at once (the compute environment's maxvCpus).
//
// Speed is the compute speed of one vCPU relative to the reference core the
// task runtimes were measured on (1.0 = same speed).
type Pool struct {
	Name         string       `json:"name"`
	Kind         PlatformKind `json:"kind"`
	InstanceType string       `json:"instance_type"`

	VCPUs       int     `json:"vcpus,omitempty"`
	MemoryBytes int64   `json:"memory_bytes,omitempty"`
	GPUs        int     `json:"gpus,omitempty"`
	EFA         bool    `json:"efa,omitempty"`
	MinNodes    int     `json:"min_nodes,omitempty"`
	MaxNodes    int     `json:"max_nodes,omitempty"`
	HourlyUSD   float64 `json:"hourly_usd,omitempty"`
	PriceSource string  `json:"price_source,omitempty"`

	Speed         float64 `json:"speed"`
	StartLatencyS float64 `json:"start_latency_s"`
	MinBillingS   float64 `json:"min_billing_s,omitempty"`

	Arch         string  `json:"arch,omitempty"`
	GBSecondUSD  float64 `json:"gb_second_usd,omitempty"`
	RequestUSD   float64 `json:"request_usd,omitempty"`
	MBPerVCPU    float64 `json:"mb_per_vcpu,omitempty"`
	MinMemoryMB  int     `json:"min_memory_mb,omitempty"`
	MaxMemoryMB  int     `json:"max_memory_mb,omitempty"`
	TimeoutS     float64 `json:"timeout_s,omitempty"`
	Concurrency  int     `json:"concurrency,omitempty"`
	BillingTickS float64 `json:"billing_tick_s,omitempty"`

	VCPUHourUSD        float64 `json:"vcpu_hour_usd,omitempty"`
	GBHourUSD          float64 `json:"gb_hour_usd,omitempty"`
	MaxTaskVCPUs       int     `json:"max_task_vcpus,omitempty"`
	MaxTaskMemoryBytes int64   `json:"max_task_memory_bytes,omitempty"`
	MaxVCPUs           int     `json:"max_vcpus,omitempty"`

	// S3BandwidthBps is the per-task (per-function) throughput to S3.
	S3BandwidthBps float64 `json:"s3_bandwidth_bps"`

	// IdleTimeoutS (VM pools): a node started on demand stays up, and is
	// billed, this long after its last task (ParallelCluster's
	// ScaledownIdletime, the autoscaler's scale-down delay). Nodes up from
	// the start (MinNodes) are billed until the end of the run.
	IdleTimeoutS float64 `json:"idle_timeout_s,omitempty"`
	// Cluster (VM pools) names the cluster the pool is part of: the HPC
	// pools with the same Cluster are queues of one ParallelCluster cluster,
	// the Ray pools with the same Cluster worker groups of one RayCluster (on
	// its own EKS cluster). A cluster has one head node (and, for Ray, one
	// EKS control plane): its fixed cost is billed once and its head's task
	// capacity exists once (see [Platforms.Clusters]). Empty is the kind's
	// default cluster: pools of one kind that name no cluster are all queues
	// or worker groups of one cluster, as a rayhpc_hybrid_cluster's are.
	// Serverless and Batch pools have no cluster (each pool is billed alone).
	Cluster string `json:"cluster,omitempty"`
	// FixedHourlyUSD is the fixed cost of the pool's cluster: the
	// ParallelCluster head node; the EKS control plane and the Ray head. It
	// is billed once per cluster, for the whole run, when any pool of the
	// cluster runs a task (every pool of a cluster must carry the same
	// value); the bill is shared among the cluster's pools in proportion to
	// the core-seconds their tasks held. A Serverless or Batch pool's is
	// billed on its own when it runs a task.
	FixedHourlyUSD float64 `json:"fixed_hourly_usd,omitempty"`
	FixedSource    string  `json:"fixed_source,omitempty"`
	// MinNodesBoot (VM pools): the MinNodes nodes are requested at time 0
	// and ready StartLatencyS later (a cluster created for the run) instead
	// of up at time 0 (warm nodes of a standing cluster).
	MinNodesBoot bool `json:"min_nodes_boot,omitempty"`
	// HeadVCPUs and HeadMemoryBytes (VM pools): the head node of the pool's
	// cluster runs tasks too, with this much of its capacity (every pool of
	// a cluster must carry the same values). The head exists once per
	// cluster: it is a node of the cluster's first pool (in Pools order)
	// only, whose tasks may use it; the other pools of the cluster have no
	// head node. It is up at time 0 and its price is part of FixedHourlyUSD
	// (not billed per node); it does not count towards MaxNodes. A Ray head
	// does this by default: Ray advertises the head container's CPUs unless
	// rayStartParams sets num-cpus to 0. A Slurm head node runs no jobs (0).
	HeadVCPUs       int   `json:"head_vcpus,omitempty"`
	HeadMemoryBytes int64 `json:"head_memory_bytes,omitempty"`
	// Spot marks a VM pool priced at spot (HourlyUSD is then the spot price;
	// interruptions are not modelled).
	Spot bool `json:"spot,omitempty"`

	// Ephemeral storage of serverless functions (MB) and Fargate tasks (GB):
	// a task keeps its inputs and outputs there. EphemeralFree is included
	// in the price, EphemeralMax is the largest size, and EphemeralUSD is the
	// price above the free size per GB-second (serverless) or GB-hour
	// (batch).
	EphemeralFree float64 `json:"ephemeral_free,omitempty"`
	EphemeralMax  float64 `json:"ephemeral_max,omitempty"`
	EphemeralUSD  float64 `json:"ephemeral_usd,omitempty"`
}

// Storage is the data movement model.
//
// HPC and Ray pools mount the FSx for Lustre workspace when Lustre is true;
// they then read and write at LustreBandwidthBps per task (per client), at
// most their share of the workspace's aggregate throughput
// (LustreAggregateBps, LustreWriteAggregateBps), and data passes
// between HPC and Ray through Lustre. Serverless and Batch pools (and all
// pools when Lustre is false) read and write S3 at their pool's
// S3BandwidthBps. Workflow inputs (files no task produces) are assumed to be
// in the S3 data lake and, through the data repository association, visible
// in Lustre.
//
// When a task's producer ran in the other storage domain, the corresponding
// share of its input is read from S3 at the consuming pool's S3 bandwidth
// (the Lustre side exports to / imports from S3 through the data repository
// association). Per-edge byte counts are not tracked: a task with k
// dependencies, c of which ran in the other domain, reads c/k of its
// InputBytes from S3.
//
// Each task in the S3 domain issues one GET and one PUT; each cross-domain
// read by a Lustre-domain task one GET. Transfer within the region is free.
type Storage struct {
	Lustre             bool    `json:"lustre"`
	LustreBandwidthBps float64 `json:"lustre_bandwidth_bps"`
	// LustreHourlyUSD is the file system's price, billed for the run when any
	// task runs in the Lustre domain (a file system made for the run).
	LustreHourlyUSD float64 `json:"lustre_hourly_usd,omitempty"`
	// LustreAggregateBps and LustreWriteAggregateBps, when positive, are the
	// workspace's aggregate read and write throughput (FSx for Lustre scales
	// it with storage capacity and deployment type; see [LustreThroughput]),
	// shared by every task reading or writing Lustre at once, HPC and Ray
	// alike; 0 means no aggregate limit (the write figure 0: as the read
	// one). How a task's share is computed: see [sharedLink].
	LustreAggregateBps      float64 `json:"lustre_aggregate_bps,omitempty"`
	LustreWriteAggregateBps float64 `json:"lustre_write_aggregate_bps,omitempty"`
	S3GetUSD                float64 `json:"s3_get_usd"`
	// S3AggregateBps, when positive, caps the S3 throughput of all tasks
	// together, shared as the Lustre workspace's throughput is (see
	// [sharedLink]).
	S3AggregateBps float64 `json:"s3_aggregate_bps,omitempty"`
	S3PutUSD       float64 `json:"s3_put_usd"`
	// NoPageCache turns the node page cache off: every task reads all its
	// inputs, shared files included (see [EvaluatePlan]). For sensitivity
	// figures.
	NoPageCache bool `json:"no_page_cache,omitempty"`
}

// Platforms is the set of pools a workflow may use plus the storage model.
type Platforms struct {
	Pools   []Pool  `json:"pools"`
	Storage Storage `json:"storage"`
	// Standing: the environment is up before the run and stays up after it
	// (a standing rayhpc_hybrid_cluster): every cluster's fixed cost (head
	// node, EKS control plane and Ray head; once per cluster, see
	// Pool.Cluster) and the Lustre file system are billed for the run to
	// every placement alike, whether it uses them or not. Otherwise they are
	// billed only to placements that use them (an environment made for the
	// run; their creation time is not modelled).
	Standing bool `json:"standing,omitempty"`
	// PriceSources says where each price came from (a catalogue value's name, "pool.<name>", a head
	// node), for the manifest and the provider's outputs; not part of the input hash (the prices are).
	PriceSources map[string]string `json:"-"`
}

// Problem is a workflow together with the platforms it may run on.
type Problem struct {
	Workflow *Workflow `json:"workflow"`
	Platforms
}

// NewProblem pairs a workflow with platforms.
func NewProblem(w *Workflow, p Platforms) *Problem {
	return &Problem{Workflow: w, Platforms: p}
}

// PoolIndex returns the index of the pool with the given name, or -1.
func (p *Problem) PoolIndex(name string) int {
	for i := range p.Pools {
		if p.Pools[i].Name == name {
			return i
		}
	}
	return -1
}

// Default pool sizes used by [DefaultPlatforms].
const (
	DefaultHPCMaxNodes = 16
	DefaultRayMaxNodes = 64
)

// DefaultPlatforms returns one pool of each kind built from
// [DefaultCatalog]:
//
//   - "hpc": c5n.18xlarge Slurm nodes with EFA, 0..16 nodes;
//   - "ray": m6i.xlarge EKS Ray workers, 0..64 nodes;
//   - "lambda": AWS Lambda x86, 1,000 concurrent executions;
//   - "batch": AWS Batch on Fargate, 256 vCPUs;
//
// with Lustre shared by HPC and Ray.
func DefaultPlatforms() Platforms {
	p, err := DefaultPlatformsFrom(DefaultCatalog())
	if err != nil {
		panic(err) // the built-in catalog always has these instance types
	}
	return p
}

// DefaultPlatformsFrom is [DefaultPlatforms] built from a given catalog (for
// example one whose prices the Pricing API has overridden).
func DefaultPlatformsFrom(c *Catalog) (Platforms, error) {
	hpc, err := NewHPCPool(c, "hpc", "c5n.18xlarge", 0, DefaultHPCMaxNodes)
	if err != nil {
		return Platforms{}, err
	}
	ray, err := NewRayPool(c, "ray", "m6i.xlarge", 0, DefaultRayMaxNodes)
	if err != nil {
		return Platforms{}, err
	}
	return Platforms{
		Pools:    []Pool{hpc, ray, NewServerlessPool(c, "lambda", "x86_64"), NewBatchPool(c, "batch")},
		Storage:  NewStorage(c),
		Standing: true,
	}, nil
}

// NewStorage returns the catalog's storage model with Lustre enabled: the
// workspace of LustreCapacityGB GiB at the catalog's throughput per TiB.
func NewStorage(c *Catalog) Storage {
	return Storage{
		Lustre:                  true,
		LustreBandwidthBps:      c.LustreBandwidth.V,
		LustreAggregateBps:      LustreThroughput(c.LustreCapacityGB.V, c.LustreReadMBpsPerTiB.V),
		LustreWriteAggregateBps: LustreThroughput(c.LustreCapacityGB.V, c.LustreWriteMBpsPerTiB.V),
		LustreHourlyUSD:         c.LustreCapacityGB.V * c.LustreGBMonth.V / prices.HoursPerMonth,
		S3GetUSD:                c.S3GetPer1000.V / 1000,
		S3AggregateBps:          c.S3AggregateBps.V,
		S3PutUSD:                c.S3PutPer1000.V / 1000,
		NoPageCache:             c.NodePageCache.V == 0,
	}
}

// LustreThroughput is the aggregate throughput in B/s of an FSx for Lustre
// file system of capacityGiB GiB at mbpsPerTiB MB/s per TiB of storage (FSx
// for Lustre User Guide, "Amazon FSx for Lustre performance": throughput
// scales with storage capacity; MB taken as 10^6 bytes).
func LustreThroughput(capacityGiB, mbpsPerTiB float64) float64 {
	return capacityGiB / 1024 * mbpsPerTiB * 1e6
}

func newVMPool(c *Catalog, kind PlatformKind, name, instanceType string, minNodes, maxNodes int, start float64) (Pool, error) {
	it, ok := c.Instance(instanceType)
	if !ok {
		return Pool{}, fmt.Errorf("pool %q: instance type %q is not in the catalog", name, instanceType)
	}
	return Pool{
		Name: name, Kind: kind, InstanceType: instanceType,
		VCPUs: it.VCPUs, MemoryBytes: int64(it.MemoryGiB * (1 << 30)), GPUs: it.GPUs, EFA: it.EFA,
		MinNodes: minNodes, MaxNodes: maxNodes,
		HourlyUSD: it.HourlyUSD, PriceSource: it.PriceSource,
		Speed: 1, StartLatencyS: start, MinBillingS: c.EC2MinBillingS.V,
		Arch: it.Arch, S3BandwidthBps: c.VMS3Bandwidth.V,
	}, nil
}

// headPrice is the hourly price of a head node type (0 when unknown).
func (c *Catalog) headPrice(instanceType string) float64 {
	it, _ := c.Instance(instanceType)
	return it.HourlyUSD
}

// NewHPCPool returns a ParallelCluster queue of instanceType nodes, with the
// scale-down idle time and the head node as its cluster's fixed cost (once
// per cluster, see Pool.Cluster).
func NewHPCPool(c *Catalog, name, instanceType string, minNodes, maxNodes int) (Pool, error) {
	pl, err := newVMPool(c, KindHPC, name, instanceType, minNodes, maxNodes, c.HPCNodeStartS.V)
	pl.IdleTimeoutS = c.HPCIdleS.V
	pl.FixedHourlyUSD = c.headPrice(c.HPCHeadNodeType)
	pl.FixedSource = "ParallelCluster head node " + c.HPCHeadNodeType + " (" + c.HPCHeadNodeSource + ")"
	return pl, err
}

// NewRayPool returns a KubeRay worker group of instanceType nodes, with the
// autoscaler's idle time, the EKS control plane and Ray head node as its
// cluster's fixed cost, and the Ray head's task capacity (the catalog's
// RayHeadTaskVCPUs and RayHeadTaskMemoryGiB; none when either is 0), both
// once per cluster (see Pool.Cluster).
func NewRayPool(c *Catalog, name, instanceType string, minNodes, maxNodes int) (Pool, error) {
	pl, err := newVMPool(c, KindRay, name, instanceType, minNodes, maxNodes, c.RayNodeStartS.V)
	pl.IdleTimeoutS = c.RayIdleS.V
	if v, m := int(c.RayHeadTaskVCPUs.V), int64(c.RayHeadTaskMemoryGiB.V*(1<<30)); v > 0 && m > 0 {
		pl.HeadVCPUs, pl.HeadMemoryBytes = v, m
	}
	pl.FixedHourlyUSD = c.EKSControlPlane.V + c.headPrice(c.RayHeadNodeType)
	pl.FixedSource = "EKS control plane (" + c.EKSControlPlane.Source + ") and Ray head node " + c.RayHeadNodeType +
		" (" + c.RayHeadNodeSource + ")"
	return pl, err
}

// WithSpot returns the pool priced at spot: the on-demand price less the
// catalog's SpotDiscount; its source names the on-demand price's.
func (pl Pool) WithSpot(c *Catalog) Pool {
	if pl.Kind.isVM() && !pl.Spot {
		pl.Spot = true
		pl.HourlyUSD *= 1 - c.SpotDiscount.V
		pl.PriceSource = fmt.Sprintf("spot: on demand (%s) less %.0f%% (%s)", pl.PriceSource, c.SpotDiscount.V*100, c.SpotDiscount.Source)
	}
	return pl
}

// NewServerlessPool returns AWS Lambda for arch "x86_64" or "arm64".
func NewServerlessPool(c *Catalog, name, arch string) Pool {
	price, src := c.LambdaGBSecondX86.V, c.LambdaGBSecondX86.Source
	if arch == "arm64" {
		price, src = c.LambdaGBSecondArm.V, c.LambdaGBSecondArm.Source
	} else {
		arch = "x86_64"
	}
	return Pool{
		Name: name, Kind: KindServerless, InstanceType: "lambda-" + arch, Arch: arch,
		Speed: 1, StartLatencyS: c.LambdaColdStartS.V,
		GBSecondUSD: price, RequestUSD: c.LambdaRequest.V, PriceSource: src,
		MBPerVCPU: c.LambdaMBPerVCPU.V, MinMemoryMB: int(c.LambdaMinMemoryMB.V), MaxMemoryMB: int(c.LambdaMaxMemoryMB.V),
		TimeoutS: c.LambdaTimeoutS.V, Concurrency: int(c.LambdaConcurrency.V), BillingTickS: c.LambdaBillingTickS.V,
		S3BandwidthBps: c.LambdaS3Bandwidth.V,
		EphemeralFree:  c.LambdaEphemeralFreeMB.V, EphemeralMax: c.LambdaEphemeralMaxMB.V,
		EphemeralUSD: c.LambdaEphemeralGBSecond.V,
	}
}

// NewBatchPool returns AWS Batch on Fargate with the catalog's maxvCpus.
func NewBatchPool(c *Catalog, name string) Pool {
	return Pool{
		Name: name, Kind: KindBatch, InstanceType: "fargate", Arch: "x86_64",
		Speed: 1, StartLatencyS: c.BatchStartS.V, MinBillingS: c.FargateMinBillingS.V,
		VCPUHourUSD: c.FargateVCPUHour.V, GBHourUSD: c.FargateGBHour.V, PriceSource: c.FargateVCPUHour.Source,
		MaxTaskVCPUs: int(c.FargateMaxVCPUs.V), MaxTaskMemoryBytes: int64(c.FargateMaxMemoryGB.V * 1e9),
		MaxVCPUs: int(c.BatchMaxVCPUs.V), S3BandwidthBps: c.VMS3Bandwidth.V,
		EphemeralFree: c.FargateEphemeralFreeGB.V, EphemeralMax: c.FargateEphemeralMaxGB.V,
		EphemeralUSD: c.FargateEphemeralGBHour.V,
	}
}

// Validate checks the problem: the workflow, unique pool names and sane pool
// parameters.
func (p *Problem) Validate() error {
	if p == nil {
		return errors.New("problem is nil")
	}
	if err := p.Workflow.Validate(); err != nil {
		return err
	}
	if len(p.Pools) == 0 {
		return errors.New("no pools given")
	}
	seen := map[string]bool{}
	for i := range p.Pools {
		if err := p.Pools[i].validate(); err != nil {
			return err
		}
		if seen[p.Pools[i].Name] {
			return fmt.Errorf("pool %q is defined twice", p.Pools[i].Name)
		}
		seen[p.Pools[i].Name] = true
	}
	if err := p.validateClusters(); err != nil {
		return err
	}
	if p.Storage.Lustre && !inRange(p.Storage.LustreBandwidthBps, MinBandwidthBps, math.MaxFloat64) {
		return fmt.Errorf("storage: Lustre bandwidth must be at least %g B/s", MinBandwidthBps)
	}
	if !inRange(p.Storage.S3AggregateBps, 0, math.MaxFloat64) {
		return errors.New("storage: the S3 aggregate bandwidth must not be negative")
	}
	for _, agg := range []float64{p.Storage.LustreAggregateBps, p.Storage.LustreWriteAggregateBps} {
		if agg != 0 && !inRange(agg, MinBandwidthBps, math.MaxFloat64) {
			return fmt.Errorf("storage: the Lustre aggregate throughput must be 0 (no limit) or at least %g B/s", MinBandwidthBps)
		}
	}
	if !inRange(p.Storage.LustreHourlyUSD, 0, MaxPriceUSD) {
		return fmt.Errorf("storage: the Lustre price must be between 0 and %g", MaxPriceUSD)
	}
	if !inRange(p.Storage.S3GetUSD, 0, MaxPriceUSD) || !inRange(p.Storage.S3PutUSD, 0, MaxPriceUSD) {
		return fmt.Errorf("storage: S3 request prices must be between 0 and %g", MaxPriceUSD)
	}
	return nil
}

// Validate checks one pool as [Problem.Validate] does.
func (pl *Pool) Validate() error { return pl.validate() }

func (pl *Pool) validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("pool %q: %s", pl.Name, fmt.Sprintf(format, a...))
	}
	if pl.Name == "" {
		return errors.New("a pool has an empty name")
	}
	if !pl.Kind.valid() {
		return bad("unknown kind %q (want hpc, ray, serverless or batch)", pl.Kind)
	}
	if !(pl.Speed >= MinSpeed && pl.Speed <= MaxSpeed) {
		return bad("speed must be between %g and %g", MinSpeed, MaxSpeed)
	}
	// Every number must be finite and within sane bounds: a NaN or an
	// infinity would make the simulator's clock NaN (it never advances) or
	// costs NaN.
	if !inRange(pl.StartLatencyS, 0, MaxDurationS) || !inRange(pl.MinBillingS, 0, MaxDurationS) {
		return bad("latencies must be between 0 and %g s", MaxDurationS)
	}
	if !inRange(pl.S3BandwidthBps, MinBandwidthBps, math.MaxFloat64) {
		return bad("S3 bandwidth must be at least %g B/s", MinBandwidthBps)
	}
	if !inRange(pl.IdleTimeoutS, 0, MaxDurationS) || !inRange(pl.FixedHourlyUSD, 0, MaxPriceUSD) {
		return bad("idle timeout and fixed cost must be between 0 and %g", MaxDurationS)
	}
	if !inRange(pl.EphemeralFree, 0, 1e12) || !inRange(pl.EphemeralMax, 0, 1e12) || !inRange(pl.EphemeralUSD, 0, MaxPriceUSD) {
		return bad("ephemeral storage limits and price must be finite and not negative")
	}
	switch pl.Kind {
	case KindHPC, KindRay:
		if pl.VCPUs < 1 || pl.MemoryBytes <= 0 {
			return bad("nodes need vCPUs and memory")
		}
		if pl.MaxNodes < 1 || pl.MinNodes < 0 || pl.MinNodes > pl.MaxNodes {
			return bad("need 0 <= min_nodes <= max_nodes and max_nodes >= 1")
		}
		if !inRange(pl.HourlyUSD, 0, MaxPriceUSD) {
			return bad("price must be between 0 and %g", MaxPriceUSD)
		}
		if pl.HeadVCPUs < 0 || pl.HeadMemoryBytes < 0 || (pl.HeadVCPUs > 0) != (pl.HeadMemoryBytes > 0) {
			return bad("the head node's task vCPUs and memory must both be positive or both 0")
		}
	case KindServerless:
		if !inRange(pl.MBPerVCPU, 1, 1e9) || pl.MaxMemoryMB < 1 || pl.MinMemoryMB < 1 || pl.MinMemoryMB > pl.MaxMemoryMB {
			return bad("memory limits are invalid")
		}
		if !(pl.TimeoutS > 0 && pl.TimeoutS <= MaxDurationS) || pl.Concurrency < 1 {
			return bad("timeout and concurrency must be positive")
		}
		if !inRange(pl.BillingTickS, 0, MaxDurationS) {
			return bad("billing tick must be between 0 and %g s", MaxDurationS)
		}
		if !inRange(pl.GBSecondUSD, 0, MaxPriceUSD) || !inRange(pl.RequestUSD, 0, MaxPriceUSD) {
			return bad("prices must be between 0 and %g", MaxPriceUSD)
		}
	case KindBatch:
		if pl.MaxTaskVCPUs < 1 || pl.MaxTaskMemoryBytes <= 0 || pl.MaxVCPUs < 1 {
			return bad("size limits must be positive")
		}
		if !inRange(pl.VCPUHourUSD, 0, MaxPriceUSD) || !inRange(pl.GBHourUSD, 0, MaxPriceUSD) {
			return bad("prices must be between 0 and %g", MaxPriceUSD)
		}
	}
	return nil
}

// Bounds on pool and storage parameters. They keep every simulated time and
// cost finite (a 1e9 s task at the lowest speed over the lowest bandwidth
// still leaves many orders of magnitude before float64 overflows).
const (
	MinSpeed        = 1e-6
	MaxSpeed        = 1e6
	MaxDurationS    = 1e9 // latencies, billing minimums, timeouts, runtimes
	MinBandwidthBps = 1.0
	MaxPriceUSD     = 1e9
)

// inRange reports whether x is a number in [lo, hi] (false for NaN).
func inRange(x, lo, hi float64) bool { return x >= lo && x <= hi }

// domainLustre reports whether the pool reads and writes the Lustre
// workspace (otherwise S3).
func (s *Storage) domainLustre(pl *Pool) bool { return s.Lustre && pl.Kind.isVM() }
