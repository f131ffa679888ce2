// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"math"
	"sort"
)

// HEFTResult is a task-level HEFT schedule and its per-stage reduction.
type HEFTResult struct {
	// Assignment is the per-stage reduction that Solve reports and that the
	// simulator evaluates: each stage goes to the pool that HEFT gave the
	// largest share of the stage's work (runtime × cores; ties: lower pool
	// index).
	Assignment Assignment `json:"assignment"`
	// TaskPools, TaskStartS and TaskFinishS are HEFT's own schedule.
	TaskPools     []int     `json:"task_pools"`
	TaskStartS    []float64 `json:"task_start_s"`
	TaskFinishS   []float64 `json:"task_finish_s"`
	TaskMakespanS float64   `json:"task_makespan_s"`
}

// HEFT runs Heterogeneous Earliest Finish Time (Topcuoglu, Hariri and Wu,
// IEEE TPDS 13(3), 2002) over the problem's pools and reduces the result to
// a per-stage assignment.
//
// Mapping of the model to HEFT's processors: every pool is a set of
// identical unit slots — a VM pool has MaxNodes × VCPUs vCPU slots, free at
// time 0 for MinNodes nodes and after StartLatencyS (node boot) for the
// others; a serverless pool has Concurrency slots, free after one cold start;
// a Batch pool has MaxVCPUs vCPU slots. A task takes Cores slots (Batch: its
// Fargate vCPUs; serverless: one) of a pool its stage may use. The
// computation cost of a task on a pool is the simulator's work time
// (input + compute + output, with the share of input from the other storage
// domain read from S3), plus StartLatencyS on Batch; communication is thus
// charged inside the consumer's computation cost, as in the simulator.
//
// Tasks are prioritised by upward rank (mean computation cost over the pools
// the task may use plus the largest upward rank of a child; ties: topological
// order), and each is put on the pool giving the earliest finish time, using
// the non-insertion policy (a slot is next free after its last task).
//
// HEFT places tasks, but the engine places stages, so the task-level
// schedule is not comparable as such (it may split a stage over pools and it
// ignores node billing). For a fair comparison the baseline reported by
// [Solve] is the per-stage reduction of HEFT's mapping (see Assignment)
// evaluated by the same simulator as every other placement; HEFT's own
// schedule length is reported alongside for information.
func HEFT(p *Problem) (*HEFTResult, error) {
	pr, err := prepare(p)
	if err != nil {
		return nil, err
	}
	if err := pr.checkAllowed(); err != nil {
		return nil, err
	}
	return heft(pr), nil
}

// slotHeap is a min-heap of slot free times.
type slotHeap []float64

func (h *slotHeap) push(x float64) {
	*h = append(*h, x)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if a[p] <= a[i] {
			break
		}
		a[i], a[p] = a[p], a[i]
		i = p
	}
}

func (h *slotHeap) pop() float64 {
	a := *h
	top := a[0]
	n := len(a) - 1
	a[0] = a[n]
	a = a[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && a[r] < a[l] {
			m = r
		}
		if a[i] <= a[m] {
			break
		}
		a[i], a[m] = a[m], a[i]
		i = m
	}
	*h = a
	return top
}

func heft(pr *prepared) *HEFTResult {
	g := pr.g
	w := pr.w
	pools := pr.p.Pools
	st := &pr.p.Storage
	nP := len(pools)

	need := func(v int32, k int) int {
		t := &w.Tasks[v]
		switch pools[k].Kind {
		case KindServerless:
			return 1
		case KindBatch:
			vc, _, _ := fargateSize(t.Cores, t.MemoryBytes, &pools[k])
			return vc
		}
		return t.Cores
	}
	// Slots. A pool never needs more slots than its tasks can take in total
	// (Σ need over the tasks that may use it): every task takes the earliest
	// free slots, so slots beyond that many earliest ones are never used.
	// Without this cap a pool configured with, say, 10^5 vCPUs × 10^4 nodes
	// would allocate 10^9 slots.
	demand := make([]int, nP)
	for s, al := range pr.allowed {
		for _, k := range al {
			for _, v := range g.stageTasks[s] {
				if demand[k] < math.MaxInt32 {
					demand[k] += need(v, k)
				}
			}
		}
	}
	slots := make([]slotHeap, nP)
	for k := range pools {
		pl := &pools[k]
		add := func(n int, t float64) {
			for ; n > 0 && len(slots[k]) < demand[k]; n-- {
				slots[k].push(t)
			}
		}
		switch pl.Kind {
		case KindHPC, KindRay:
			// Nodes up at time 0 first, then the nodes that boot.
			add(min(pl.MinNodes, pl.MaxNodes)*pl.VCPUs, 0)
			add(max(0, pl.MaxNodes-pl.MinNodes)*pl.VCPUs, pl.StartLatencyS)
		case KindServerless:
			add(pl.Concurrency, pl.StartLatencyS)
		case KindBatch:
			add(pl.MaxVCPUs, 0)
		}
	}
	cost := func(v int32, k int, cross float64) float64 {
		s := w.Tasks[v].Stage
		c := pr.work(v, &pools[k], pr.fit[s][k].memMB, cross)
		if pools[k].Kind == KindBatch {
			c += pools[k].StartLatencyS
		}
		return c
	}

	// Upward ranks.
	rank := make([]float64, g.nNodes)
	topoPos := make([]int32, g.nNodes)
	for i, v := range g.topo {
		topoPos[v] = int32(i)
	}
	for i := len(g.topo) - 1; i >= 0; i-- {
		v := g.topo[i]
		r := 0.0
		for _, c := range g.children(v) {
			r = max(r, rank[c])
		}
		if int(v) < g.nTasks {
			al := pr.allowed[g.nodeStage[v]]
			sum := 0.0
			for _, k := range al {
				sum += cost(v, k, 0)
			}
			r += sum / float64(len(al))
		}
		rank[v] = r
	}
	order := make([]int32, g.nNodes)
	copy(order, g.topo)
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if rank[a] != rank[b] {
			return rank[a] > rank[b]
		}
		return topoPos[a] < topoPos[b]
	})

	res := &HEFTResult{
		TaskPools:   make([]int, g.nTasks),
		TaskStartS:  make([]float64, g.nTasks),
		TaskFinishS: make([]float64, g.nTasks),
	}
	aft := make([]float64, g.nNodes)
	lustreFrac := make([]float32, g.nNodes)
	var popped []float64
	for _, v := range order {
		ready := 0.0
		ps := g.parents(v)
		for _, p := range ps {
			ready = max(ready, aft[p])
		}
		if int(v) >= g.nTasks { // barrier
			aft[v] = ready
			sum := float32(0)
			for _, p := range ps {
				sum += lustreFrac[p]
			}
			if len(ps) > 0 {
				lustreFrac[v] = sum / float32(len(ps))
			}
			continue
		}
		bestK, bestStart, bestEnd := -1, 0.0, 0.0
		for _, k := range pr.allowed[g.nodeStage[v]] {
			me := st.domainLustre(&pools[k])
			cross := 0.0
			if len(ps) > 0 {
				for _, p := range ps {
					if me {
						cross += 1 - float64(lustreFrac[p])
					} else {
						cross += float64(lustreFrac[p])
					}
				}
				cross /= float64(len(ps))
			}
			n := need(v, k)
			popped = popped[:0]
			for i := 0; i < n; i++ {
				popped = append(popped, slots[k].pop())
			}
			start := max(ready, popped[n-1])
			for _, x := range popped {
				slots[k].push(x)
			}
			end := start + cost(v, k, cross)
			if bestK < 0 || end < bestEnd {
				bestK, bestStart, bestEnd = k, start, end
			}
		}
		for i, n := 0, need(v, bestK); i < n; i++ {
			slots[bestK].pop()
		}
		for i, n := 0, need(v, bestK); i < n; i++ {
			slots[bestK].push(bestEnd)
		}
		aft[v] = bestEnd
		if st.domainLustre(&pools[bestK]) {
			lustreFrac[v] = 1
		}
		res.TaskPools[v] = bestK
		res.TaskStartS[v] = bestStart
		res.TaskFinishS[v] = bestEnd
		res.TaskMakespanS = max(res.TaskMakespanS, bestEnd)
	}

	// Per-stage reduction by work share.
	res.Assignment = make(Assignment, len(w.Stages))
	share := make([]float64, nP)
	for s := range w.Stages {
		for k := range share {
			share[k] = 0
		}
		for _, t := range g.stageTasks[s] {
			share[res.TaskPools[t]] += w.Tasks[t].RuntimeS * float64(w.Tasks[t].Cores)
		}
		best := pr.allowed[s][0]
		for _, k := range pr.allowed[s] {
			if share[k] > share[best] {
				best = k
			}
		}
		res.Assignment[s] = best
	}
	return res
}
