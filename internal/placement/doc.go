// SPDX-License-Identifier: MPL-2.0

// Package placement is the placement engine of terraform-provider-rayhpc.
//
// It decides, for every stage of a workflow, on which pool of compute it
// should run — HPC nodes (AWS ParallelCluster / Slurm), Ray workers (KubeRay
// on EKS), serverless functions (AWS Lambda) or AWS Batch on Fargate — and
// predicts what the whole run costs and how long it takes.
//
// The package is pure computation: it imports only the Go standard library
// and the provider's offline price catalogue (internal/prices, itself
// standard library only), never Terraform, and never talks to AWS. The
// Terraform data source rayhpc_stage_placement and the resource rayhpc_workflow_placement are thin
// layers on top of it.
//
// # Overview
//
//   - A [Workflow] is a DAG of [Task]s grouped into [Stage]s. Build one with
//     [LoadWfCommons] (WfCommons WfFormat JSON 1.4/1.5 traces) or [FromStages]
//     (per-stage task counts, as the Terraform `stage` blocks give them).
//   - A [Problem] is a workflow plus the [Pool]s it may use and the [Storage]
//     model (FSx for Lustre workspace, S3 data lake). [DefaultPlatforms]
//     builds one pool of each kind from the price [Catalog].
//   - [Evaluate] simulates a per-stage [Assignment] (task-level list
//     scheduling) and returns an [Evaluation]: makespan, cost per platform,
//     utilisation, a per-stage summary and a per-task timeline.
//   - [Solve] searches for the best placement for an [Objective] under an
//     optional deadline and budget, stages split over two pools where that
//     helps, and reports the Pareto front and the baselines (a static
//     cluster, the autoscaled cluster, each single platform and the best of
//     them, a Mashup-style decision model, HEFT's task-level mapping), all
//     evaluated by the same simulator. [DefaultPlatformsFor] right-sizes the
//     default pools for a workflow.
//   - [GanttMermaid], [Table] and [NewManifest] render a solution for humans
//     and for workflow runners; [InputHash] fingerprints a problem.
//
// Everything is deterministic: the same inputs always give byte-identical
// outputs (no map iteration order dependence, no randomness).
//
// # The model and what it leaves out
//
// Every constant is in the [Catalog] with its source (prices in the
// provider's catalogue, internal/prices); figures that could not be
// confirmed against a published AWS page say so. What is modelled: node boot
// and warm nodes, per-second billing with minimums, the scale-down idle time
// of nodes started on demand, fixed costs of a cluster (head node, EKS
// control plane; once per cluster, however many of its queues or worker
// groups run tasks: see Pool.Cluster) and of the Lustre file system for the
// run, right-sized instance
// types, spot pricing, Lambda's 1 ms billing tick, cold starts, memory-bound
// vCPU share, timeout, concurrency and ephemeral storage, Fargate sizes and
// storage, S3 requests, data through S3 between storage domains, stages
// split over two pools and task-level placements (see [Plan]), multi-node
// MPI tasks gang-scheduled on whole nodes of HPC pools with EFA (see
// [TaskNodes]), a Ray head's
// task vCPUs (Pool.HeadVCPUs, once per cluster) and a standing environment whose fixed costs
// every placement pays alike (Platforms.Standing). These simplifications are deliberate
// and shape the figures `make bench` reports:
//   - A multi-node MPI task's communication is inside its measured runtime
//     (no network model; its pool has EFA), its runtime does not change with
//     its node count, and it reads its inputs once, as one task (one share
//     of the Lustre or S3 throughput).
//   - The FSx for Lustre workspace's aggregate throughput (its capacity ×
//     its baseline MB/s per TiB: by default SCRATCH_2, 1,200 GiB, 234 MB/s
//     read and 117 MB/s write) is shared by every task reading or writing
//     it, HPC and Ray alike, within a per-task limit; S3 is shared the same
//     way only through Storage.S3AggregateBps (none by default: AWS
//     publishes no aggregate limit). A task keeps the share it started
//     with; tasks running since earlier count by their share of time
//     moving data (see sharedLink). SCRATCH_2's burst throughput (network
//     I/O credits) is not modelled: baseline only.
//   - The node page cache (see cache.go and [EvaluatePlan]) keeps only the
//     files more than one task reads ([Workflow.SharedFiles]), per HPC or
//     Ray node in the Lustre domain, within the memory its running tasks
//     leave: dropped whole when they leave less (no LRU), a file larger
//     than that read by every task, no partial files. Multi-node MPI tasks
//     neither use nor fill it. Lambda warm environments keep /tmp between
//     invocations of the same function; that is left out (conservative
//     against serverless), as is any reuse on Fargate/Batch. HEFT's
//     schedule counts copies per pool instead of per node (see heftCopies);
//     the Mashup-style model counts it per stage, once per node the stage
//     needs (see [MashupAssignment]).
//   - Right-sizing ([RightSize]) weighs the page cache by one rule per
//     stage: a type holds the stage's shared inputs when the largest set a
//     task reads fits beside a node full of the stage's tasks; if it does
//     not, the reads beyond one per node are charged as work at a task's
//     share of the workspace's throughput. Without that, blast's 5.1 GB
//     database never fitted the 4 GiB c6i.large the slot price picks, and
//     every baseline on it re-read the database 40 times (its static
//     cluster took 1,061 s; on c6i.2xlarge, 299 s): a weak baseline. The
//     first read on each node is not charged (it would favour fewer, larger
//     nodes for every stage), nor are shared outputs or files cached by
//     other stages; without shared files the choice is unchanged.
//   - A pool's queue is served in priority order without backfill.
//   - A node started on demand stays up until the run ends and is billed
//     for idle gaps between its tasks (a real scheduler might stop and
//     restart it); Lambda warm environments never expire within a run.
//   - Spot nodes are never interrupted.
//
// # What no placement can beat
//
// [Bound] gives a lower bound on the makespan and cost of every placement
// of a problem: per stage, split, task-level, every baseline, HEFT's own
// estimate, whatever the scheduler. The makespan bound is the critical
// path (the longest dependency chain, each task at its least duration over
// the pools its stage may use: no boot, no cold start, no queueing, its
// input at the best per-task Lustre or S3 bandwidth within the aggregate,
// from S3 where only parents in the S3 domain could have made it, its
// shared inputs from a page cache once another task can have a first copy
// whole, Batch's start), raised by a capacity bound over time windows
// (each task where it can end in time, each pool's work within the vCPUs,
// Lambda concurrency or Batch vCPUs it has). The critical path does not
// depend on node counts, boots, warm pools or the instance type (the
// catalogue gives every VM type speed 1), so it bounds a standing cluster
// of any size too. LowerBound.PoolsAsGivenS is the bound on the pools
// exactly as given (boots, warm nodes, the Ray head, Lambda cold starts
// unless a warm environment of the stage can be there): it measures how far
// a placement is from the best one could be. What the bounds leave out,
// because the simulator's sharing does not guarantee it: contention on the
// Lustre and S3 aggregates (a task's share counts running tasks by their
// duty, so shares can add up to more than the aggregate; see sharedLink),
// and the coupling between where a task runs and how fast its children
// read (each task's best is taken on its own). The cost bound is each
// task's least cost (a VM node billed at least for the vCPUs its tasks
// hold, a task on a Ray head free) plus the fixed costs every placement
// pays for at least the makespan bound (CostPoolsAsGivenUSD: for at least
// PoolsAsGivenS, on the pools as given). [SolveBounded] attaches the bound
// to a solution, and the manifest and the provider's outputs carry the
// bounds on the pools as given. `make bench` prints the bounds per
// trace against the static cluster (1 − bound / static: the most any
// placement could save) and our gap to them.
//
// # Units
//
// Times are seconds (float64), money is US dollars (float64), sizes are bytes
// (int64) unless a field name says otherwise (for example MemoryMB, which is
// in mebibytes as AWS Lambda counts them).
package placement
