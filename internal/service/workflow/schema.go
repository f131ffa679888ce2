// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// Objective values of the `objective` attribute.
const (
	objectiveCost     = "cost"
	objectiveMakespan = "makespan"
	objectiveBalanced = "balanced"
	objectiveWeighted = "weighted"
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)

func nameValidators(what string) []validator.String {
	return []validator.String{stringvalidator.RegexMatches(nameRE,
		"must be 1-128 characters of letters, digits, '_', '.' and '-', starting with a letter or digit ("+what+")")}
}

func positiveFloat() []validator.Float64 { return []validator.Float64{float64validator.AtLeast(1e-9)} }

// The engine's own bounds on numbers (it rejects anything outside them), checked here first so the
// diagnostic names the attribute.
func speedRange() []validator.Float64 {
	return []validator.Float64{float64validator.Between(placement.MinSpeed, placement.MaxSpeed)}
}
func durationRange() []validator.Float64 {
	return []validator.Float64{float64validator.Between(0, placement.MaxDurationS)}
}
func priceRange() []validator.Float64 {
	return []validator.Float64{float64validator.Between(0, placement.MaxPriceUSD)}
}
func atLeast(n int64) []validator.Int64 { return []validator.Int64{int64validator.AtLeast(n)} }

// stageBlock describes one `stage` block.
var stageBlock = block{
	name: "stage",
	desc: "A stage of identical tasks. Give the workflow either as `stage` blocks or as `wfcommons_json`, not both. " +
		"Stages that depend on others start when every task of those stages has finished.",
	fields: []field{
		{name: "name", kind: kString, required: true, desc: "Stage name, unique within the workflow.",
			str: nameValidators("stage name")},
		{name: "task_count", kind: kInt, required: true, // the range is placement.RuleTaskCount, checked by inputsValidator
			desc: fmt.Sprintf("Number of tasks in the stage (%d to %d).", placement.MinStageTasks, placement.MaxStageTasks)},
		{name: "runtime_s", kind: kFloat, required: true,
			desc: "Compute time of one task in seconds on a reference core (one vCPU of the catalog instances), " +
				"excluding reading inputs and writing outputs.", f64: []validator.Float64{float64validator.Between(1e-9, placement.MaxDurationS)}},
		{name: "cores", kind: kInt, optional: true, desc: "Cores each task uses. Defaults to `1`.", i64: atLeast(1)},
		{name: "memory_mb", kind: kInt, optional: true,
			desc: "Peak memory of each task in MiB. Defaults to `512`.", i64: []validator.Int64{int64validator.Between(1, math.MaxInt64>>20)}},
		{name: "gpus", kind: kInt, optional: true, desc: "GPUs each task needs. Defaults to `0`.", i64: atLeast(0)},
		{name: "input_bytes", kind: kInt, optional: true, desc: "Bytes each task reads. Defaults to `0`.", i64: atLeast(0)},
		{name: "output_bytes", kind: kInt, optional: true, desc: "Bytes each task writes. Defaults to `0`.", i64: atLeast(0)},
		{name: "depends_on", kind: kStringList, optional: true,
			desc: "Names of the stages that must finish before this stage starts.",
			list: []validator.List{listvalidator.UniqueValues(), listvalidator.ValueStringsAre(nameValidators("stage name")...)}},
		{name: "coupling", kind: kString, optional: true,
			desc: "`mpi` for tightly coupled tasks (HPC pools with EFA only) or `none` (the default).",
			str:  []validator.String{stringvalidator.OneOf("mpi", "none")}},
		{name: "nodes", kind: kInt, optional: true, desc: nodesDesc("`cores`, `memory_mb` and `gpus`", ""), i64: atLeast(1)},
		{name: "stateful", kind: kBool, optional: true,
			desc: "Whether the stage keeps state between invocations (it then never runs on serverless functions). Defaults to `false`."},
		{name: "pin", kind: kString, optional: true,
			desc: "Restricts the stage to the pool with this name, or to the pools of this platform kind " +
				"(`hpc`, `ray`, `serverless`, `batch`)."},
		{name: "serverless_memory_mb", kind: kInt, optional: true,
			desc: "Lambda memory setting of the stage's function when it runs on a serverless pool. By default the " +
				"smallest setting that holds the task's memory and gives it one vCPU per core (1,769 MB per vCPU).",
			i64: []validator.Int64{int64validator.Between(128, 10240)}},
	},
}

// nodesDesc describes the `nodes` attribute of a stage; what names a task's resources, where says where
// coupling is set.
func nodesDesc(what, where string) string {
	return "Nodes each task spans when the stage is coupled `mpi`: each task is one MPI job whose " + what + " are spread " +
		"evenly over that many whole nodes of one HPC pool with EFA. The task starts when all its nodes are free " +
		"(booting those it lacks together) and holds them alone until it ends, every one billed for its whole duration: " +
		"how Slurm runs an exclusive multi-node job on AWS ParallelCluster. By default the fewest nodes of the pool's " +
		"instance type that hold the task (1 when one node does). Only with `coupling = \"mpi\"`" + where + "; at least 1 and " +
		"at most the `max_nodes` of an HPC pool with EFA."
}

// stageField returns the field of the `stage` block with this name, so that `stage_override` shares its
// kinds and validators.
func stageField(name string) field {
	for _, f := range stageBlock.fields {
		if f.name == name {
			return f
		}
	}
	panic("no stage field " + name)
}

// stageOverrideBlock describes one `stage_override` block: the per-stage settings a WfCommons trace
// does not record, applied to a stage of the trace by name.
var stageOverrideBlock = func() block {
	override := func(name, desc string) field {
		f := stageField(name)
		f.desc = desc
		return f
	}
	name := stageField("name")
	name.desc = "Name of the trace's stage to override: the program name its tasks run, such as `mProject` in a Montage " +
		"trace (the names `stages[*].name` shows). Unique among the `stage_override` blocks."
	return block{
		name: "stage_override",
		desc: "Settings for one stage of the `wfcommons_json` trace, which a trace does not record: how its tasks are coupled, " +
			"whether they keep state, a pin and the Lambda memory. Only with `wfcommons_json` (`stage` blocks set these on " +
			"the block itself). An attribute left unset keeps the trace stage's default (not coupled, stateless, " +
			"unpinned, automatic Lambda memory). A name that is not a stage of the trace is an error listing the trace's stages.",
		fields: []field{
			name,
			override("coupling", "`mpi` for tightly coupled tasks (HPC pools with EFA only) or `none`. Defaults to `none`."),
			override("nodes", nodesDesc("cores and memory (as the trace records them)", " in the same block")),
			override("stateful", "Whether the stage keeps state between invocations (it then never runs on serverless functions). "+
				"Defaults to `false`."),
			override("pin", "Restricts the stage to the pool with this name, or to the pools of this platform kind "+
				"(`hpc`, `ray`, `serverless`, `batch`)."),
			override("serverless_memory_mb", "Lambda memory setting of the stage's function when it runs on a serverless pool. "+
				"By default the smallest setting that holds the task's memory and gives it one vCPU per core."),
		},
	}
}()

// clusterDesc describes the `cluster` attribute of the `hpc` and `ray` blocks.
func clusterDesc(kind string) string {
	const rule = " (1-128 characters of letters, digits, `_`, `.` and `-`, starting with a letter or digit)"
	if kind == "HPC" {
		return "Name of the ParallelCluster cluster this queue is part of" + rule + ". The `hpc` blocks with the same `cluster` are queues of one " +
			"cluster, with one head node (`" + attrHPCHead + "`): its price is billed once for the run when any of them runs a task (or " +
			"always, with `environment_up`). Blocks with different names are separate clusters, each billed its own head node. " +
			"By default every `hpc` block without `cluster` is a queue of one cluster, as the queues of a `rayhpc_hybrid_cluster` " +
			"(`platforms.hpc`) are."
	}
	return "Name of the RayCluster this worker group is part of" + rule + ". The `ray` blocks with the same `cluster` are worker groups of one " +
		"RayCluster, with one EKS control plane and one Ray head (`" + attrRayHead + "`): their price is billed once for the run when " +
		"any of them runs a task (or always, with `environment_up`), and the head's task vCPUs (`ray_head_task_vcpus` in " +
		"`model_overrides`) exist once, as capacity of the cluster's first `ray` block (in configuration order). Blocks with " +
		"different names are separate RayClusters, each on an EKS cluster of its own with its own head. By default every `ray` " +
		"block without `cluster` is a worker group of one RayCluster, as the worker groups of a `rayhpc_hybrid_cluster` " +
		"(`platforms.ray`) are."
}

func vmPoolFields(kind string, defaultMax int64) []field {
	families, mpiNote, capacity := "m6i, c6i and r6i", "", "256"
	if kind == "HPC" {
		families, mpiNote, capacity = "c6i, m6i and r6i", " (`"+placement.MPIInstanceType+"` with EFA when a stage is coupled `mpi`)", "1152"
	}
	idle := strconv.FormatFloat(placement.DefaultCatalog().HPCIdleS.V, 'f', -1, 64)
	return []field{
		{name: "name", kind: kString, required: true, desc: "Pool name, unique among all pools (it is what `pin` and the outputs refer to).",
			str: nameValidators("pool name")},
		{name: "instance_type", kind: kString, optional: true,
			desc: "EC2 instance type of the " + kind + " nodes. Types outside the built-in catalog need `vcpus`, `memory_gib` and `price_per_hour`. " +
				"When omitted, a type right-sized for the workflow: among the catalog's " + families + " types that hold its largest task, the one with " +
				"the lowest price per task slot" + mpiNote + "; `max_nodes` then defaults to as many nodes as give " + capacity + " vCPUs.",
			str: []validator.String{stringvalidator.LengthBetween(3, 64)}},
		{name: "min_nodes", kind: kInt, optional: true, desc: "Warm nodes: up before the workflow starts and billed for the whole run " +
			"(at most `max_nodes`). Defaults to `0`: every node is started on demand and pays the start latency.",
			i64: []validator.Int64{int64validator.Between(0, 100_000)}},
		{name: "max_nodes", kind: kInt, optional: true,
			desc: "Most nodes the pool scales to. Defaults to `" + strconv.FormatInt(defaultMax, 10) + "`.", i64: []validator.Int64{int64validator.Between(1, 100_000)}},
		{name: "price_per_hour", kind: kFloat, optional: true,
			desc: "On-demand price of one node in USD per hour, overriding the catalog.", f64: priceRange()},
		{name: "speed", kind: kFloat, optional: true,
			desc: "Speed of one vCPU relative to the reference core the runtimes were measured on. Defaults to `1.0`.", f64: speedRange()},
		{name: "start_latency_s", kind: kFloat, optional: true,
			desc: "Seconds from requesting a node until it runs tasks. Defaults to the catalog's value for " + kind + " nodes.",
			f64:  durationRange()},
		{name: "vcpus", kind: kInt, optional: true, desc: "vCPUs per node, overriding the catalog.", i64: []validator.Int64{int64validator.Between(1, 100_000)}},
		// At most 1 PiB (the largest EC2 instance has 24 TiB): the node's bytes stay an int64.
		{name: "memory_gib", kind: kFloat, optional: true, desc: "Memory per node in GiB, overriding the catalog.",
			f64: []validator.Float64{float64validator.Between(1e-9, 1<<20)}},
		{name: "gpus", kind: kInt, optional: true, desc: "GPUs per node, overriding the catalog.", i64: atLeast(0)},
		{name: "efa", kind: kBool, optional: true, desc: "Whether the nodes have EFA (needed by `mpi` stages), overriding the catalog."},
		{name: "spot", kind: kBool, optional: true,
			desc: "Whether the nodes are spot instances: priced at the on-demand price less the catalog's assumed spot discount (60%), " +
				"unless `price_per_hour` gives the spot price. Interruptions are not modelled. Defaults to `false`."},
		{name: "idle_timeout_s", kind: kFloat, optional: true,
			desc: "Seconds an idle node started on demand stays up, and is billed, before it is removed (ParallelCluster's " +
				"`ScaledownIdletime`, the autoscaler's scale-down delay). Defaults to `" + idle + "`.", f64: durationRange()},
		{name: "cluster", kind: kString, optional: true, desc: clusterDesc(kind), str: nameValidators("cluster name")},
	}
}

var platformBlocks = []block{
	{name: "hpc", desc: "An HPC pool: a ParallelCluster Slurm queue (for example wired from `rayhpc_hpc_cluster` outputs). " +
		"When no `hpc`, `ray`, `serverless` or `batch` block is given, the engine's default platforms are used, right-sized for the " +
		"workflow: `hpc` (c6i/m6i/r6i nodes up to 1,152 vCPUs, or c5n.18xlarge with EFA for `mpi` stages), `ray` (m6i/c6i/r6i nodes up " +
		"to 256 vCPUs), `lambda` x86_64 and `batch` Fargate 256 vCPUs, no warm nodes.",
		fields: vmPoolFields("HPC", 16)},
	{name: "ray", desc: "A Ray pool: a KubeRay worker group on EKS (for example wired from `rayhpc_ray_cluster` outputs).",
		fields: vmPoolFields("Ray", 64)},
	{name: "serverless", desc: "A serverless pool: AWS Lambda functions, one per stage.",
		fields: []field{
			{name: "name", kind: kString, required: true, desc: "Pool name, unique among all pools.", str: nameValidators("pool name")},
			{name: "architecture", kind: kString, optional: true, desc: "`x86_64` (the default) or `arm64`.",
				str: []validator.String{stringvalidator.OneOf("x86_64", "arm64")}},
			{name: "memory_mb", kind: kInt, optional: true,
				desc: "Largest memory setting a function of this pool may use, in MB (128-10240). Defaults to `10240`.",
				i64:  []validator.Int64{int64validator.Between(128, 10240)}},
			{name: "concurrency", kind: kInt, optional: true, desc: "Concurrent executions available. Defaults to `1000`.",
				i64: []validator.Int64{int64validator.Between(1, 1_000_000)}},
			{name: "timeout_s", kind: kFloat, optional: true, desc: "Function timeout in seconds (at most 900). A stage runs on the pool " +
				"only when each of its tasks fits: its runtime divided by `speed` (and slowed down when its memory setting gives fewer vCPUs " +
				"than it has cores), plus the cold start and its S3 transfers, within the timeout; otherwise the stage goes elsewhere, and with " +
				"no other pool the plan fails naming the task and its duration. Defaults to `900`.",
				f64: []validator.Float64{float64validator.Between(1, 900)}},
			{name: "cold_start_s", kind: kFloat, optional: true, desc: "Cold start of a new execution environment in seconds. Defaults to the catalog's value.",
				f64: []validator.Float64{float64validator.Between(0, 900)}},
			{name: "speed", kind: kFloat, optional: true, desc: "Speed of one vCPU relative to the reference core. Defaults to `1.0`.", f64: speedRange()},
			{name: "price_per_gb_second", kind: kFloat, optional: true, desc: "Price in USD per GB-second, overriding the catalog.",
				f64: priceRange()},
		}},
	{name: "batch", desc: "A Batch pool: AWS Batch on Fargate, one Fargate task per workflow task.",
		fields: []field{
			{name: "name", kind: kString, required: true, desc: "Pool name, unique among all pools.", str: nameValidators("pool name")},
			{name: "max_vcpus", kind: kInt, optional: true, desc: "The compute environment's `maxvCpus`. Defaults to `256`.",
				i64: []validator.Int64{int64validator.Between(1, 1_000_000)}},
			{name: "start_latency_s", kind: kFloat, optional: true, desc: "Seconds from submission to a running task. Defaults to the catalog's value.",
				f64: durationRange()},
			{name: "speed", kind: kFloat, optional: true, desc: "Speed of one vCPU relative to the reference core. Defaults to `1.0`.", f64: speedRange()},
			{name: "price_per_vcpu_hour", kind: kFloat, optional: true, desc: "Fargate price in USD per vCPU-hour, overriding the catalog.",
				f64: priceRange()},
			{name: "price_per_gb_hour", kind: kFloat, optional: true, desc: "Fargate price in USD per GB-hour, overriding the catalog.",
				f64: priceRange()},
		}},
}

func inputBlocks() []block {
	return append(append([]block{stageBlock, stageOverrideBlock}, platformBlocks...), lustreBlock)
}

func inputFields() []field {
	return []field{
		{name: "wfcommons_json", kind: kString, optional: true,
			desc: "The workflow as a WfCommons WfFormat JSON document (schema 1.4 or 1.5), for example " +
				"`file(\"montage.json\")`. Tasks are grouped into stages by program name. Give either this or `stage` blocks; " +
				"`stage_override` blocks set coupling, state, pins and Lambda memory of its stages."},
		{name: "objective", kind: kString, optional: true,
			desc: "What to minimise: `cost`, `makespan`, `balanced` (the default: cost and makespan weighted equally, each " +
				"relative to the best baseline) or `weighted` (with `cost_weight`).",
			str: []validator.String{stringvalidator.OneOf(objectiveCost, objectiveMakespan, objectiveBalanced, objectiveWeighted)}},
		{name: "cost_weight", kind: kFloat, optional: true,
			desc: "Weight of cost in the `weighted` objective, strictly between 0 and 1 (makespan gets the rest). Defaults to `0.5`.",
			f64:  []validator.Float64{float64validator.Between(0.001, 0.999)}},
		{name: "deadline_s", kind: kFloat, optional: true, desc: "Hard limit on the makespan in seconds.", f64: positiveFloat()},
		{name: "budget_usd", kind: kFloat, optional: true, desc: "Hard limit on the total cost in USD.", f64: positiveFloat()},
		{name: "split_stages", kind: kBool, optional: true,
			desc: "Whether a stage may be split over two pools: its tasks fill the free capacity of one pool (warm nodes, nodes already up, " +
				"concurrency) and the rest burst to another; and whether the placement may be task by task (HEFT's mapping, refined), " +
				"for workflows of at most " + strconv.Itoa(placement.DefaultMaxTaskLevelTasks) + " tasks. Defaults to `true`."},
		{name: "static_cluster_nodes", kind: kInt, optional: true,
			desc: "Node count of the `static-cluster` baseline. Defaults to enough nodes of the first HPC pool (else Ray pool) for the widest " +
				"stage to run at once, at most its `max_nodes`.", i64: []validator.Int64{int64validator.Between(1, 100_000)}},
		{name: "model_overrides", kind: kFloatMap, optional: true,
			desc: "Overrides of the engine's model constants by name, for example `{ hpc_node_start_s = 240, lambda_cold_start_s = 2, " +
				"spot_discount = 0.5, hpc_idle_s = 300 }`. The names are the catalog's: " + "`" +
				strings.Join(placement.DefaultCatalog().ValueNames(), "`, `") + "`" + ". Each default, its unit and its source are in the " +
				"provider's `internal/placement/catalog.go`. Each value has a range (`internal/placement/catalog_rules.go`): a fraction from 0 " +
				"to 1 for `spot_discount`, 0 or 1 for `node_page_cache` (off or on), whole numbers for counts (vCPUs, concurrency, Lambda memory settings), at least 1 B/s for " +
				"bandwidths, AWS's hard limits tightened but not lifted (Lambda's 900 s timeout, memory settings of 128 to 10,240 MB, 10,240 MB of /tmp; " +
				"Fargate's 16 vCPUs and 120 GB), otherwise from 0 to 1e9; a value outside its range, or values that do not go " +
				"together (a Lambda minimum memory above the maximum, a fixed cost above 1e9 USD/h), is an error at its key."},
		{name: attrHPCHead, kind: kString, optional: true,
			desc: "Instance type of the ParallelCluster head node (the `head_node` of `rayhpc_hpc_cluster`), whose on-demand price is the fixed " +
				"cost of an HPC cluster, billed for the run once per cluster (see `hpc.cluster`). One of the provider's catalogue types (`" + strings.Join(placement.DefaultCatalog().InstanceNames(), "`, `") +
				"`), priced like the pools' nodes (the Price List API for the provider's Region, else the offline catalogue; " +
				"`price_sources.hpc_head_node` says which). Defaults to `" + placement.DefaultCatalog().HPCHeadNodeType + "`.",
			str: []validator.String{stringvalidator.LengthBetween(3, 64)}},
		{name: attrRayHead, kind: kString, optional: true,
			desc: "Instance type of the Ray head node (the node the `rayhpc_ray_cluster` head pod runs on), whose on-demand price and the " +
				"EKS control plane's are the fixed cost of a RayCluster, billed for the run once per cluster (see `ray.cluster`). One of the provider's catalogue types, priced like " +
				"`" + attrHPCHead + "` (`price_sources.ray_head_node`). The head's task capacity (`ray_head_task_vcpus` and " +
				"`ray_head_task_memory_gib` in `model_overrides`, the head container's limits, by default " +
				strconv.FormatFloat(placement.DefaultCatalog().RayHeadTaskVCPUs.V, 'f', -1, 64) + " vCPUs and " +
				strconv.FormatFloat(placement.DefaultCatalog().RayHeadTaskMemoryGiB.V, 'f', -1, 64) + " GiB) must fit in the type's vCPUs " +
				"and memory: set them for a smaller head. The head's task capacity belongs to the cluster's first `ray` block. Defaults to `" + placement.DefaultCatalog().RayHeadNodeType + "`.",
			str: []validator.String{stringvalidator.LengthBetween(3, 64)}},
		{name: "pricing_api", kind: kBool, optional: true,
			desc: "Whether to price the placement with the AWS Price List API for the provider's Region (on demand): the HPC and Ray " +
				"nodes and head nodes (EC2, Linux), Lambda (GB-second of the first tier, requests, /tmp above 512 MB), Fargate " +
				"(vCPU-hour, GB-hour, ephemeral storage above 20 GB), the EKS control plane, the Lustre workspace (SCRATCH_2 GB-month) " +
				"and S3 requests. A pool without `instance_type` is right-sized at those prices (every candidate type is priced first). " +
				"For what the API fails to give or lacks, the provider's offline catalogue (us-east-1) is used and a warning names it. " +
				"Prices set with `model_overrides` or a pool's `price_per_*` are never replaced. `price_sources` says where each " +
				"price came from. Defaults to `true`; `false` makes no AWS call at all."},
		{name: "static_cluster_up", kind: kBool, optional: true,
			desc: "Whether the `static-cluster` baseline is up before the workflow starts (a standing cluster: no boot in its makespan, billed " +
				"only for the run). Defaults to `false`: the cluster is created for the run and its nodes boot like every other pool's. " +
				"The placement does not get the baseline's nodes: to compare on equal terms, give the HPC pool the same nodes " +
				"(`min_nodes` = `max_nodes` = `static_cluster_nodes`)."},
		{name: "environment_up", kind: kBool, optional: true,
			desc: "Whether the environment is up before the workflow starts and stays up after it, as a `rayhpc_hybrid_cluster` does: " +
				"the head node of each ParallelCluster cluster, the EKS control plane and Ray head of each RayCluster (once per cluster, " +
				"see `cluster` on the `hpc` and `ray` blocks), and the Lustre workspace. Their costs " +
				"are then billed for the run to the placement and to every baseline alike, whether they use them or not, and a Ray " +
				"head's task vCPUs (`ray_head_task_vcpus` in `model_overrides`; Ray runs tasks on the head unless `num-cpus` is 0) " +
				"are warm capacity for every placement. `false`: an environment made for the workflow, whose costs are billed only " +
				"to placements that use them (its creation time is not modelled). Defaults to `true`."},
	}
}

var stageOutputFields = []field{
	{name: "name", kind: kString, computed: true, desc: "Stage name."},
	{name: "platform", kind: kString, computed: true, desc: "Platform kind: `hpc`, `ray`, `serverless` or `batch`."},
	{name: "pool", kind: kString, computed: true, desc: "Name of the pool the stage runs on (for a task-level placement, " +
		"`found_by` `baseline heft` or `refining heft`: the pool with the largest share of the stage's work)."},
	{name: "instance_type", kind: kString, computed: true, desc: "Instance type of the pool (`lambda-x86_64`, `fargate` ...)."},
	{name: "task_count", kind: kInt, computed: true, desc: "Number of tasks in the stage."},
	{name: "memory_mb", kind: kInt, computed: true, desc: "Lambda memory setting (serverless stages only, otherwise `0`)."},
	{name: "start_s", kind: kFloat, computed: true, desc: "Simulated start of the stage's first task, in seconds from submission, rounded to the millisecond."},
	{name: "finish_s", kind: kFloat, computed: true, desc: "Simulated finish of the stage's last task, in seconds from submission, rounded to the millisecond."},
	{name: "cost_usd", kind: kFloat, computed: true, desc: "Expected cost of the stage in USD, rounded to 6 decimals."},
	{name: "burst_pool", kind: kString, computed: true,
		desc: "When the stage is split: the pool its tasks go to when `pool` has no free capacity for them; for a task-level " +
			"placement, the pool of most of its tasks that run elsewhere than `pool` (the manifest lists each). Empty otherwise."},
	{name: "burst_tasks", kind: kInt, computed: true, desc: "How many of the stage's tasks ran elsewhere than `pool` in the simulation."},
}

func outputFields() []field {
	return []field{
		{name: "stages", kind: kObjectList, computed: true, desc: "Where each stage runs, in workflow order.", nested: stageOutputFields},
		{name: "makespan_s", kind: kFloat, computed: true, desc: "Expected time from submission until the last task finishes, in seconds, rounded to the millisecond."},
		{name: "cost_usd", kind: kFloat, computed: true, desc: "Expected total cost in USD (pools plus S3 requests), rounded to 6 decimals."},
		{name: "makespan_lower_bound_s", kind: kFloat, computed: true,
			desc: "A lower bound on the makespan, not an estimate: no placement of the workflow on these pools (per stage, split or " +
				"task by task, whatever the scheduler or queue order) finishes sooner under the model that gives `makespan_s` " +
				"(the same task durations, bandwidths, boots, cold starts, capacities and `model_overrides`). It is the longest " +
				"dependency chain with every task at its least duration over the pools its stage may use (its compute at the " +
				"pool's speed, its input at the best Lustre or S3 bandwidth it can get, shared inputs from a page cache once a " +
				"first copy can exist, no queueing), a VM task waiting for a node to boot unless the pool's head or its nodes up " +
				"from the start (`min_nodes`) can run it, and a Lambda task paying a cold start unless a warm environment of its " +
				"stage can be there; raised where the pools' capacity (vCPUs of `max_nodes` nodes and the head, Lambda " +
				"concurrency, Batch vCPUs) proves more over time windows. It leaves out contention for the Lustre and S3 " +
				"aggregate throughput and how where a task runs slows its children's reads, so the fastest placement may be well " +
				"above it. It holds on the pools exactly as given: more nodes or another instance type can do better. Ignores " +
				"`deadline_s` and `budget_usd`. Rounded down to the millisecond."},
		{name: "cost_lower_bound_usd", kind: kFloat, computed: true,
			desc: "A lower bound on the total cost, not an estimate: no placement of the workflow on these pools costs less under " +
				"the model and prices that give `cost_usd`. It is every task's least cost over the pools its stage may use (a VM " +
				"node billed only for the vCPUs its tasks hold while they run at their least duration, a task on a Ray head " +
				"free, a Lambda or Batch task billed for its least duration, S3 requests of tasks in the S3 domain) plus the " +
				"fixed costs every placement pays (head nodes, EKS control plane, the Lustre workspace, as `environment_up` " +
				"says) for `makespan_lower_bound_s`, the least makespan of any placement on these pools; minimum billing, idle " +
				"time and the billing of boots are left out, so on the shipped traces this bound is 9-500% below the placement's " +
				"cost and the cost gap says little about the room left. Ignores " +
				"`deadline_s` and `budget_usd`. Rounded down to 6 decimals."},
		{name: "makespan_gap_pct", kind: kFloat, computed: true,
			desc: "How much longer `makespan_s` is than `makespan_lower_bound_s`, in percent of the bound (2 decimals, from the " +
				"unrounded values): the placement is at most this much slower than the fastest placement on these pools, " +
				"and may be closer, since the fastest may itself be above the bound. `0` proves the makespan optimal: no " +
				"placement on these pools finishes sooner. With `objective` `cost`, `balanced` or `weighted` the placement trades time " +
				"for cost, so expect a gap. Null when the bound is 0."},
		{name: "cost_gap_pct", kind: kFloat, computed: true,
			desc: "How much more `cost_usd` is than `cost_lower_bound_usd`, in percent of the bound (2 decimals, from the " +
				"unrounded values): the placement costs at most this much more than the cheapest placement on these pools, " +
				"and may be closer. `0` proves the cost optimal. With `objective` `makespan`, `balanced` or `weighted` the placement " +
				"trades cost for time, so expect a gap. Null when the bound is 0."},
		{name: "method", kind: kString, computed: true,
			desc: "How the placement was found: `exhaustive` (optimal under the simulator) or `local-search`."},
		{name: "optimal", kind: kBool, computed: true, desc: "Whether no other per-stage placement scores better under the simulator."},
		{name: "found_by", kind: kString, computed: true,
			desc: "The search step that found the placement: `baseline <name>`, `baseline heft (per stage)` (HEFT's mapping " +
				"reduced to one pool per stage), `exhaustive`, `local-search`, `refining heft` " +
				"(HEFT's task-level mapping with whole stages moved) or `splitting`. With `baseline heft` and `refining heft` the " +
				"placement is task by task: the manifest's `task_pools` and `task_order` say where each task runs and in which order."},
		{name: "pareto_front", kind: kObjectList, computed: true,
			desc: "The cost/makespan Pareto front of the placements simulated, by increasing makespan.",
			nested: []field{
				{name: "cost_usd", kind: kFloat, computed: true, desc: "Expected cost in USD, rounded to 6 decimals."},
				{name: "makespan_s", kind: kFloat, computed: true, desc: "Expected makespan in seconds, rounded to the millisecond."},
				{name: "assignment", kind: kStringMap, computed: true, desc: "Pool of every stage (stage name to pool name; for a " +
					"task-level point, the pool with the largest share of the stage's work)."},
			}},
		{name: "baselines", kind: kObjectList, computed: true,
			desc: "Reference placements evaluated by the same simulator, in this order: `static-cluster` (a fixed-size cluster of the first " +
				"HPC pool's nodes for the whole run, billed idle), `all-hpc` (the autoscaled cluster, scale-down idle time billed), `all-ray`, " +
				"`all-serverless`, `all-batch`, `best-single-platform` (the best of the four all-platform baselines), `mashup` (a " +
				"Mashup-style per-stage decision model) and `heft` (HEFT's own task-level mapping).",
			nested: []field{
				{name: "name", kind: kString, computed: true, desc: "Baseline name."},
				{name: "feasible", kind: kBool, computed: true, desc: "Whether the baseline can run at all on the platforms given."},
				{name: "reason", kind: kString, computed: true, desc: "Why the baseline is infeasible (empty when feasible)."},
				{name: "makespan_s", kind: kFloat, computed: true, desc: "Expected makespan in seconds, rounded to the millisecond (`0` when infeasible)."},
				{name: "cost_usd", kind: kFloat, computed: true, desc: "Expected cost in USD, rounded to 6 decimals (`0` when infeasible)."},
				{name: "meets_constraints", kind: kBool, computed: true, desc: "Whether the baseline meets `deadline_s` and `budget_usd`."},
				{name: "makespan_improvement_pct", kind: kFloat, computed: true,
					desc: "How much shorter the chosen placement's makespan is than the baseline's, in percent to 2 decimals (negative when longer)."},
				{name: "cost_improvement_pct", kind: kFloat, computed: true,
					desc: "How much cheaper the chosen placement is than the baseline, in percent to 2 decimals (negative when dearer)."},
				{name: "of", kind: kString, computed: true, desc: "For `best-single-platform`: the all-platform baseline it is."},
				{name: "nodes", kind: kInt, computed: true, desc: "For `static-cluster`: its node count."},
			}},
		{name: "gantt_mermaid", kind: kString, computed: true,
			desc: "A Mermaid Gantt chart of the stages on their platforms (renders on GitHub inside a ```` ```mermaid ```` fence)."},
		{name: "table", kind: kString, computed: true, desc: "A plain-text table of the placement, one row per stage, for `terraform output -raw`."},
		{name: "baselines_table", kind: kString, computed: true, desc: "A plain-text table comparing the placement with every baseline."},
		{name: "input_hash", kind: kString, computed: true,
			desc: "SHA-256 of the canonical problem (workflow, pools, prices, storage model): equal inputs give equal hashes."},
		{name: "price_sources", kind: kStringMap, computed: true,
			desc: "Where each price of the placement came from: `AWS Price List API, <region>, ...` (with the product's usage type and " +
				"SKU), the provider's offline catalogue (us-east-1, with its published source) or the configuration (`model_overrides`, " +
				"`price_per_*`). Keys: the catalogue's service prices used (`lambda_gb_second_x86`, `lambda_gb_second_arm`, `lambda_request`, " +
				"`lambda_ephemeral_gb_second`, `fargate_vcpu_hour`, `fargate_gb_hour`, `fargate_ephemeral_gb_hour`, `lustre_gb_month`, " +
				"`s3_get_per_1000`, `s3_put_per_1000`), `pool.<name>` (a pool's node, GB-second or vCPU-hour price), `hpc_head_node`, " +
				"`ray_head_node` and `eks_control_plane`. The manifest has the same map."},
	}
}
