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
func RightSize(c *Catalog, w *Workflow, families []string) (InstanceType, error) {
	type need struct {
		cores int
		mem   int64
		work  float64
	}
	needs := make([]need, len(w.Stages))
	var maxCores int
	var maxMem int64
	for i := range w.Tasks {
		t := &w.Tasks[i]
		if t.GPUs > 0 || w.Stages[t.Stage].Coupling == CouplingMPI {
			continue
		}
		n := &needs[t.Stage]
		n.cores, n.mem = max(n.cores, t.Cores), max(n.mem, t.MemoryBytes)
		n.work += t.RuntimeS * float64(t.Cores)
		maxCores, maxMem = max(maxCores, t.Cores), max(maxMem, t.MemoryBytes)
	}
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
		for _, n := range needs {
			if n.cores == 0 {
				continue
			}
			slots := math.Min(math.Floor(float64(it.VCPUs)/float64(n.cores)), math.Floor(memBytes/math.Max(1, float64(n.mem))))
			score += n.work * it.HourlyUSD / math.Max(1, slots)
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
