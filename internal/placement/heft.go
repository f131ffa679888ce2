// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"math"
	"sort"
)

// HEFTResult is a task-level HEFT schedule and its per-stage reduction.
type HEFTResult struct {
	// Assignment is the per-stage reduction, a starting point of Solve's
	// search: each stage goes to the pool that HEFT gave the largest share
	// of the stage's work (runtime × cores; ties: lower pool index).
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
// The heft baseline of [Solve] is HEFT's own task-level mapping (TaskPools)
// run by the same simulator as every other placement, so that node boots,
// billing, queueing and data movement are counted alike; HEFT's own
// estimate of its schedule length (TaskMakespanS) is reported alongside.
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

// heftNeed is the number of slots task v takes on pool k.
func heftNeed(pr *prepared, v int32, k int) int {
	t := &pr.ct[v]
	pl := &pr.p.Pools[k]
	switch pl.Kind {
	case KindServerless:
		return 1
	case KindBatch:
		vc, _, _ := fargateSize(t.Cores, t.MemoryBytes, pl)
		return vc
	}
	return t.Cores
}

// heftCost is HEFT's computation cost of task v on pool k with the share
// cross of its input from the other storage domain.
func heftCost(pr *prepared, v int32, k int, cross float64) float64 {
	pl := &pr.p.Pools[k]
	c := pr.work(v, pl, pr.fit[pr.ct[v].Stage][k].memMB, cross)
	if pl.Kind == KindBatch {
		c += pl.StartLatencyS
	}
	return c
}

// heftSlots returns every pool's slots with the time each is first free. A
// pool never needs more slots than its tasks can take in total (Σ need over
// the tasks that may use it): every task takes the earliest free slots, so
// slots beyond that many earliest ones are never used. Without this cap a
// pool configured with, say, 10^5 vCPUs × 10^4 nodes would allocate 10^9
// slots.
func heftSlots(pr *prepared) []slotHeap {
	pools := pr.p.Pools
	demand := make([]int, len(pools))
	for s, al := range pr.allowed {
		for _, k := range al {
			for _, v := range pr.g.stageTasks[s] {
				if demand[k] < math.MaxInt32 {
					demand[k] += heftNeed(pr, v, k)
				}
			}
		}
	}
	slots := make([]slotHeap, len(pools))
	for k := range pools {
		pl := &pools[k]
		add := func(n int, t float64) {
			for ; n > 0 && len(slots[k]) < demand[k]; n-- {
				slots[k].push(t)
			}
		}
		switch pl.Kind {
		case KindHPC, KindRay:
			warm := 0.0
			if pl.MinNodesBoot {
				warm = pl.StartLatencyS
			}
			// Nodes up at time 0 first, then the nodes that boot.
			add(min(pl.MinNodes, pl.MaxNodes)*pl.VCPUs, warm)
			add(max(0, pl.MaxNodes-pl.MinNodes)*pl.VCPUs, pl.StartLatencyS)
		case KindServerless:
			add(pl.Concurrency, pl.StartLatencyS)
		case KindBatch:
			add(pl.MaxVCPUs, 0)
		}
	}
	return slots
}

// heftOrder returns the graph's nodes by decreasing upward rank (mean
// computation cost over the pools a task may use plus the largest upward
// rank of a child; ties: topological order).
func heftOrder(pr *prepared) []int32 {
	g := pr.g
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
				sum += heftCost(pr, v, k, 0)
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
	return order
}

// heftState is HEFT's schedule under construction.
type heftState struct {
	pr         *prepared
	slots      []slotHeap
	aft        []float64 // actual finish time of every node
	lustreFrac []float32 // share of a node's output in the Lustre domain
	popped     []float64
}

func heft(pr *prepared) *HEFTResult {
	g := pr.g
	res := &HEFTResult{
		TaskPools:   make([]int, g.nTasks),
		TaskStartS:  make([]float64, g.nTasks),
		TaskFinishS: make([]float64, g.nTasks),
	}
	hs := &heftState{pr: pr, slots: heftSlots(pr), aft: make([]float64, g.nNodes), lustreFrac: make([]float32, g.nNodes)}
	for _, v := range heftOrder(pr) {
		ready := 0.0
		ps := g.parents(v)
		for _, p := range ps {
			ready = max(ready, hs.aft[p])
		}
		if int(v) >= g.nTasks { // barrier
			hs.aft[v] = ready
			sum := float32(0)
			for _, p := range ps {
				sum += hs.lustreFrac[p]
			}
			if len(ps) > 0 {
				hs.lustreFrac[v] = sum / float32(len(ps))
			}
			continue
		}
		k, start, end := hs.place(v, ready)
		res.TaskPools[v], res.TaskStartS[v], res.TaskFinishS[v] = k, start, end
		res.TaskMakespanS = max(res.TaskMakespanS, end)
	}
	res.Assignment = heftReduce(pr, res.TaskPools)
	return res
}

// place puts task v, ready at time ready, on the pool giving the earliest
// finish time (non-insertion: a slot is next free after its last task).
func (hs *heftState) place(v int32, ready float64) (int, float64, float64) {
	pr := hs.pr
	st := &pr.p.Storage
	ps := pr.g.parents(v)
	bestK, bestStart, bestEnd := -1, 0.0, 0.0
	for _, k := range pr.allowed[pr.g.nodeStage[v]] {
		me := st.domainLustre(&pr.p.Pools[k])
		cross := 0.0
		for _, p := range ps {
			if me {
				cross += 1 - float64(hs.lustreFrac[p])
			} else {
				cross += float64(hs.lustreFrac[p])
			}
		}
		if len(ps) > 0 {
			cross /= float64(len(ps))
		}
		n := heftNeed(pr, v, k)
		hs.popped = hs.popped[:0]
		for i := 0; i < n; i++ {
			hs.popped = append(hs.popped, hs.slots[k].pop())
		}
		start := max(ready, hs.popped[n-1])
		for _, x := range hs.popped {
			hs.slots[k].push(x)
		}
		if end := start + heftCost(pr, v, k, cross); bestK < 0 || end < bestEnd {
			bestK, bestStart, bestEnd = k, start, end
		}
	}
	n := heftNeed(pr, v, bestK)
	for i := 0; i < n; i++ {
		hs.slots[bestK].pop()
	}
	for i := 0; i < n; i++ {
		hs.slots[bestK].push(bestEnd)
	}
	hs.aft[v] = bestEnd
	if st.domainLustre(&pr.p.Pools[bestK]) {
		hs.lustreFrac[v] = 1
	}
	return bestK, bestStart, bestEnd
}

// heftReduce maps every stage to the pool that HEFT gave the largest share
// of the stage's work (runtime × cores; ties: lower pool index).
func heftReduce(pr *prepared, taskPools []int) Assignment {
	a := make(Assignment, len(pr.w.Stages))
	share := make([]float64, len(pr.p.Pools))
	for s := range pr.w.Stages {
		for k := range share {
			share[k] = 0
		}
		for _, t := range pr.g.stageTasks[s] {
			share[taskPools[t]] += pr.ct[t].RuntimeS * float64(pr.ct[t].Cores)
		}
		best := pr.allowed[s][0]
		for _, k := range pr.allowed[s] {
			if share[k] > share[best] {
				best = k
			}
		}
		a[s] = best
	}
	return a
}
