// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"math"
)

// Multi-node MPI tasks.
//
// A task of a stage coupled "mpi" is one MPI job. On an HPC pool it spans
// [TaskNodes] nodes: Stage.Nodes when set, otherwise the fewest nodes that
// hold its cores, memory and GPUs spread evenly (so a 144-rank task spans
// two 72-vCPU c5n.18xlarge nodes). A task of one node shares its node like
// any other task. A task of several nodes is gang-scheduled: it starts only
// when that many nodes of its pool are idle and ready, holds them whole for
// its duration (nodes started for it are booted together), and every one of
// them is billed for all of it. This is how Slurm runs such a job on AWS
// ParallelCluster: an exclusive job (sbatch --exclusive, or the queue's
// SlurmQueues/JobExclusiveAllocation: true) gets its nodes to itself, and
// since ParallelCluster 3.7.0 an exclusive job's nodes are launched with
// job-level scaling and the all-or-nothing EC2 launch strategy, all of them
// or none (AWS ParallelCluster User Guide, "Slurm dynamic node allocation
// strategies in version 3.7.x"; "Scheduling section", SlurmQueues).
//
// Such tasks run only on HPC pools with EFA (the coupling rule of
// stageFit): EFA's OS-bypass traffic stays within one subnet and is not
// supported across Availability Zones, and ParallelCluster recommends a
// placement group so that the nodes are launched close together in a single
// Availability Zone (AWS ParallelCluster User Guide, "Elastic Fabric
// Adapter"; SlurmQueues/Networking/PlacementGroup). A pool is one queue's
// compute resource, so its nodes already meet that; a pool whose MaxNodes
// is below a task's node count cannot run the stage.
//
// Data: a multi-node task reads its InputBytes and writes its OutputBytes
// once (one copy of its inputs for all ranks, as MPI-IO or a broadcast from
// one rank would), at the per-task bandwidth of [Storage]; its ranks do not
// multiply the bytes moved nor the bandwidth.

// TaskNodes returns how many nodes a task of stage st spans on pool pl: 1
// unless the stage is coupled "mpi" and pl is an HPC pool; then st.Nodes
// when set, else the fewest nodes that hold the task's cores, memory and
// GPUs spread evenly (at least 1).
func TaskNodes(t *Task, st *Stage, pl *Pool) int {
	return taskNodes(t.Cores, t.MemoryBytes, t.GPUs, st.Coupling == CouplingMPI, st.Nodes, pl)
}

func taskNodes(cores int, mem int64, gpus int, mpi bool, nodes int, pl *Pool) int {
	if !mpi || pl.Kind != KindHPC {
		return 1
	}
	if nodes > 0 {
		return nodes
	}
	n := ceilDiv(cores, max(1, pl.VCPUs))
	if pl.MemoryBytes > 0 {
		n = max(n, clampInt(math.Ceil(float64(mem)/float64(pl.MemoryBytes))))
	}
	if gpus > 0 && pl.GPUs > 0 {
		n = max(n, ceilDiv(gpus, pl.GPUs))
	}
	return max(1, n)
}

// clampInt converts a non-negative float to int, at most MaxInt32.
func clampInt(x float64) int {
	if !(x < math.MaxInt32) {
		return math.MaxInt32
	}
	return int(x)
}

// nodesOf is TaskNodes for task v on pool pl.
func (pr *prepared) nodesOf(v int32, pl *Pool) int {
	t := &pr.ct[v]
	return taskNodes(t.Cores, t.MemoryBytes, t.GPUs, t.MPI, int(t.Nodes), pl)
}

// heldCores is the vCPUs task v holds on VM pool pl: its cores, or every
// vCPU of its nodes when it spans several.
func (pr *prepared) heldCores(v int32, pl *Pool) int {
	if n := pr.nodesOf(v, pl); n > 1 {
		return n * pl.VCPUs
	}
	return pr.ct[v].Cores
}

// mpiFit checks a stage coupled "mpi" against an HPC pool with EFA: every
// task's nodes within the pool's MaxNodes, and its share of cores, memory
// and GPUs on each of them within one node.
func (pr *prepared) mpiFit(s int, pl *Pool) fitInfo {
	w, g := pr.w, pr.g
	st := &w.Stages[s]
	no := func(format string, a ...any) fitInfo { return fitInfo{reason: fmt.Sprintf(format, a...)} }
	how := "derived from the task's cores, memory and GPUs"
	if st.Nodes > 0 {
		how = fmt.Sprintf("nodes = %d", st.Nodes)
	}
	for _, ti := range g.stageTasks[s] {
		t := &w.Tasks[ti]
		n := TaskNodes(t, st, pl)
		if n > pl.MaxNodes {
			return no("task %q spans %d nodes (coupling \"mpi\", %s), more than the pool's max_nodes of %d: "+
				"a multi-node MPI task needs all its nodes at once", t.ID, n, how, pl.MaxNodes)
		}
		if c := ceilDiv(t.Cores, n); c > pl.VCPUs {
			return no("task %q needs %d cores on each of its %d nodes, %s nodes have %d vCPUs", t.ID, c, n, pl.InstanceType, pl.VCPUs)
		}
		if m := (t.MemoryBytes + int64(n) - 1) / int64(n); m > pl.MemoryBytes {
			return no("task %q needs %d MiB of memory on each of its %d nodes, %s nodes have %d MiB",
				t.ID, m>>20, n, pl.InstanceType, pl.MemoryBytes>>20)
		}
		if gp := ceilDiv(t.GPUs, n); gp > pl.GPUs {
			return no("task %q needs %d GPUs on each of its %d nodes, %s nodes have %d", t.ID, gp, n, pl.InstanceType, pl.GPUs)
		}
	}
	return fitInfo{ok: true}
}

// idle reports whether worker node i of a VM pool is ready and runs nothing.
func (sp *simPool) idle(i int) bool {
	n := &sp.nodes[i]
	pl := sp.pool
	return i >= sp.heads && sp.ready.has(int32(i)) && n.freeCores == pl.VCPUs && n.freeMem == pl.MemoryBytes && n.freeGPUs == pl.GPUs
}

// idleNodes counts the idle ready worker nodes of a VM pool.
func (sp *simPool) idleNodes() int {
	c := 0
	for i := sp.heads; i < len(sp.nodes); i++ {
		if sp.idle(i) {
			c++
		}
	}
	return c
}

// startGang starts multi-node task v, at the head of pool k's queue, at time
// t on the idle ready nodes of lowest index, when there are enough of them;
// it reports whether it started.
func (sm *simulator) startGang(sp *simPool, v int32, k int, t float64) bool {
	span := int(sm.span[v])
	if len(sp.ready.a) == 0 || sp.nodes[sp.ready.a[0]].freeCores < sp.pool.VCPUs {
		return false // the freest ready node is busy: none is idle
	}
	at := len(sm.gangLog)
	for i := sp.heads; i < len(sp.nodes) && len(sm.gangLog)-at < span; i++ {
		if sp.idle(i) {
			sm.gangLog = append(sm.gangLog, int32(i))
		}
	}
	if len(sm.gangLog)-at < span {
		sm.gangLog = sm.gangLog[:at]
		return false
	}
	if sm.gangAt == nil {
		sm.gangAt = make([]int32, sm.pr.g.nTasks)
	}
	sm.gangAt[v] = int32(at)
	task := &sm.pr.ct[v]
	sp.popQueued(task, sm.span[v])
	for _, i := range sm.gangLog[at:] {
		n := &sp.nodes[i]
		n.freeCores, n.freeMem, n.freeGPUs = 0, 0, 0
		sp.ready.fix(i)
		sp.cacheDrop(i) // it holds the node's memory whole: no room for a cache
	}
	d := sm.workTime(v, k, t, cacheUse{})
	sm.startTask(sp, v, t, d, sm.gangLog[at], false)
	sp.busy += float64(task.Cores) * d
	held := float64(span*sp.pool.VCPUs) * d
	sp.held += held
	sm.stageBusy[task.Stage*len(sm.pools)+k] += held
	return true
}

// gangNodes returns the nodes multi-node task v holds (or held).
func (sm *simulator) gangNodes(v int32) []int32 {
	at := sm.gangAt[v]
	return sm.gangLog[at : at+sm.span[v]]
}

// releaseGang frees the nodes multi-node task v held, at time t.
func (sm *simulator) releaseGang(sp *simPool, v int32, t float64) {
	pl := sp.pool
	for _, i := range sm.gangNodes(v) {
		n := &sp.nodes[i]
		n.freeCores, n.freeMem, n.freeGPUs = pl.VCPUs, pl.MemoryBytes, pl.GPUs
		n.lastEnd = max(n.lastEnd, t)
		sp.ready.fix(i)
	}
}
