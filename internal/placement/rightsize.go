// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"math"
)

// Families the default pools are right-sized from: compute, general purpose
// and memory optimised x86 types (one price per vCPU within each family).
var (
	HPCFamilies = []string{"c6i", "m6i", "r6i"}
	RayFamilies = []string{"m6i", "c6i", "r6i"}
)

// MPIInstanceType is the HPC node type of the default platforms when a stage
// is coupled "mpi" (EFA, 100 Gbit/s).
const MPIInstanceType = "c5n.18xlarge"

// RightSize picks the instance type of a pool for a workflow: among the
// catalog's types of the given families that hold every task the pool could
// run (cores, memory; GPU tasks are left to GPU pools and the tasks of
// stages coupled "mpi" to EFA HPC pools of MPIInstanceType), the one with the
// lowest price per task slot, weighted by each stage's work. A stage's slots
// on a node are min(vCPUs / its largest task's cores, memory / its largest
// task's memory), so a node is not paid for cores that its tasks' memory
// leaves idle (or the other way round). Ties go to the smaller node, which
// wastes less when partly used.
//
// The node page cache (cache.go) is weighed too: a stage's work on a type
// includes the Lustre re-reads the type causes. A type holds a stage's shared
// inputs when the largest set of shared files one of its tasks reads
// (Workflow.SharedFiles) fits in the memory a node full of the stage's tasks
// leaves free (memory − slots × the largest task's memory; the simulator
// drops a node's cache when its running tasks leave less). On a type that
// holds them, a shared file is read once per node and the score is the slot
// price alone, as without shared files. On a type that does not, every
// reader reads it: the reads beyond one per node the stage needs
// (⌈tasks / slots⌉, the stage's tasks at once, as the static cluster is
// sized) are charged as work, each task holding its cores for its read at
// its share of the workspace's aggregate read throughput with the stage's
// tasks reading at once (min(per-task limit, aggregate / tasks): the
// figures of [NewStorage]). Blast's 5.1 GB database read by 40 tasks of 1
// core and 0.88 GiB through 234 MB/s: on c6i.large (2 slots, 2.2 GiB free)
// the 20 re-reads cost 17,000 core-seconds against 383 of work, so the
// choice is c6i.2xlarge (8 slots, 9 GiB free), whose slot costs what
// c6i.large's does.
//
// What it leaves out, deliberately: the first read on each node is charged
// to no type (charging it would favour fewer, larger nodes for every
// stage, the oversized nodes right-sizing exists to avoid, for a gain the
// slot price does not see); shared files a task writes, and files that
// other stages' tasks leave in the cache, are not weighed; a type that holds
// a task's files beside fewer tasks than its slots (the cache kept while
// the node is partly full) is charged as if it held none. With the page
// cache off (node_page_cache = 0) or without shared files the choice is the
// slot price's alone. The cost is one pass over the tasks and their shared
// inputs, then per type one pass over the stages' shared files.
func RightSize(c *Catalog, w *Workflow, families []string) (InstanceType, error) {
	needs, maxCores, maxMem := stageNeeds(w)
	reread := newRereadModel(c)
	fam := map[string]bool{}
	for _, f := range families {
		fam[f] = true
	}
	var best InstanceType
	bestScore := math.Inf(1)
	for _, name := range c.InstanceNames() {
		it := c.Instances[name]
		memBytes := it.MemoryGiB * (1 << 30)
		if !fam[it.Family] || it.VCPUs < maxCores || memBytes < float64(maxMem) || it.GPUs > 0 {
			continue
		}
		score := 0.0
		for i := range needs {
			n := &needs[i]
			if n.cores == 0 {
				continue
			}
			slots := math.Max(1, math.Min(math.Floor(float64(it.VCPUs)/float64(n.cores)), math.Floor(memBytes/math.Max(1, float64(n.mem)))))
			score += (n.work + reread.work(n, slots, memBytes)) * it.HourlyUSD / slots
		}
		if score < bestScore*(1-1e-9) || (score <= bestScore*(1+1e-9) && it.VCPUs < best.VCPUs) {
			best, bestScore = it, score
		}
	}
	if best.Name == "" {
		return best, fmt.Errorf("no instance type of families %v holds the largest task (%d cores, %d MiB)",
			families, maxCores, maxMem>>20)
	}
	return best, nil
}

// stageNeed is what right-sizing weighs of one stage's tasks (those a
// right-sized pool runs: no GPU task, no stage coupled "mpi").
type stageNeed struct {
	tasks  int
	cores  int     // the largest task's cores
	mem    int64   // the largest task's memory
	work   float64 // Σ runtime × cores
	shared int64   // the largest Σ of one task's shared inputs' bytes
	files  []fileReaders
}

// fileReaders is a shared file a stage reads and how many of its tasks do.
type fileReaders struct {
	bytes   int64
	readers int
}

// stageNeeds gathers the stages' needs (files in the order their first
// reader comes in w.Tasks: deterministic) and the largest task's cores and
// memory.
func stageNeeds(w *Workflow) (needs []stageNeed, maxCores int, maxMem int64) {
	needs = make([]stageNeed, len(w.Stages))
	at := map[[2]int32]int{} // (stage, file) → index in its needs' files
	for i := range w.Tasks {
		t := &w.Tasks[i]
		if t.GPUs > 0 || w.Stages[t.Stage].Coupling == CouplingMPI {
			continue
		}
		n := &needs[t.Stage]
		n.tasks++
		n.cores, n.mem = max(n.cores, t.Cores), max(n.mem, t.MemoryBytes)
		n.work += t.RuntimeS * float64(t.Cores)
		maxCores, maxMem = max(maxCores, t.Cores), max(maxMem, t.MemoryBytes)
		var sum int64
		for _, f := range t.SharedInputs {
			if f < 0 || int(f) >= len(w.SharedFiles) {
				continue // Validate rejects it; right-sizing may come first
			}
			b := max(0, w.SharedFiles[f].Bytes)
			sum = addBytes(sum, b)
			key := [2]int32{int32(t.Stage), f}
			j, ok := at[key]
			if !ok {
				j = len(n.files)
				at[key] = j
				n.files = append(n.files, fileReaders{bytes: b})
			}
			n.files[j].readers++
		}
		n.shared = max(n.shared, sum)
	}
	return needs, maxCores, maxMem
}

// rereadModel is what right-sizing knows of the workspace and the page
// cache: the catalog's, as [NewStorage] builds them.
type rereadModel struct {
	on           bool    // the node page cache is on
	perTask, agg float64 // Lustre read throughput per task and in aggregate (0: none), B/s
}

func newRereadModel(c *Catalog) rereadModel {
	st := NewStorage(c)
	return rereadModel{on: !st.NoPageCache, perTask: st.LustreBandwidthBps, agg: st.LustreAggregateBps}
}

// work is the core-seconds stage n's tasks spend re-reading shared files
// from Lustre on a type of memBytes with the given slots for them: 0 when
// the type holds the largest shared inputs of a task beside a node full of
// the stage's tasks; else each file's reads beyond one per node, at a
// task's share of the workspace.
func (m rereadModel) work(n *stageNeed, slots, memBytes float64) float64 {
	if !m.on || n.shared == 0 || float64(n.shared) <= memBytes-slots*float64(n.mem) {
		return 0
	}
	share := m.perTask
	if m.agg > 0 {
		share = math.Min(share, m.agg/float64(n.tasks))
	}
	if share <= 0 {
		return 0
	}
	nodes := math.Ceil(float64(n.tasks) / slots)
	bytes := 0.0
	for _, f := range n.files {
		bytes += float64(f.bytes) * math.Max(0, float64(f.readers)-nodes)
	}
	return float64(n.cores) * bytes / share
}

// DefaultPlatformsFor returns the default pools right-sized for a workflow:
//
//   - "hpc": a ParallelCluster queue of [RightSize]d c6i/m6i/r6i nodes, or
//     MPIInstanceType (EFA) nodes when a stage is coupled "mpi", with as many
//     nodes at most as give the catalog's HPCPoolVCPUs;
//   - "ray": a KubeRay worker group of right-sized m6i/c6i/r6i nodes up to
//     RayPoolVCPUs;
//   - "lambda" and "batch" as in [DefaultPlatforms];
//
// all starting with no node up (MinNodes 0: ParallelCluster's
// SlurmQueues/ComputeResources MinCount and KubeRay's workerGroupSpecs
// minReplicas both default to 0, the latter in the RayCluster CRD), with
// Lustre shared by HPC and Ray, in a standing environment (Platforms.Standing)
// whose Ray head runs tasks. Callers add warm nodes (MinNodes) or spot
// pricing on the result.
func DefaultPlatformsFor(w *Workflow, c *Catalog) (Platforms, error) {
	hpcType := MPIInstanceType
	mpi := false
	for _, s := range w.Stages {
		mpi = mpi || s.Coupling == CouplingMPI
	}
	if !mpi {
		it, err := RightSize(c, w, HPCFamilies)
		if err != nil {
			return Platforms{}, fmt.Errorf("hpc pool: %w", err)
		}
		hpcType = it.Name
	}
	rayIt, err := RightSize(c, w, RayFamilies)
	if err != nil {
		return Platforms{}, fmt.Errorf("ray pool: %w", err)
	}
	nodes := func(capVCPUs float64, it string) int {
		return max(1, int(capVCPUs)/c.Instances[it].VCPUs)
	}
	hpc, err := NewHPCPool(c, "hpc", hpcType, 0, nodes(c.HPCPoolVCPUs.V, hpcType))
	if err != nil {
		return Platforms{}, err
	}
	ray, err := NewRayPool(c, "ray", rayIt.Name, 0, nodes(c.RayPoolVCPUs.V, rayIt.Name))
	if err != nil {
		return Platforms{}, err
	}
	return Platforms{
		Pools:    []Pool{hpc, ray, NewServerlessPool(c, "lambda", "x86_64"), NewBatchPool(c, "batch")},
		Storage:  NewStorage(c),
		Standing: true,
	}, nil
}
