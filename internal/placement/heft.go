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
// HEFT's processors follow the simulator's platform model, so that its own
// estimate of its schedule (TaskMakespanS) and its mapping run by the
// simulator measure the same thing. Every pool is a set of unit slots: a VM
// pool starts with the vCPUs of its MinNodes nodes (free at time 0, or after
// a boot when MinNodesBoot) and starts a node, ready StartLatencyS later,
// when a task would start earlier on it than on the nodes already up (as
// the simulator starts nodes for tasks that find no room), up to MaxNodes; a
// serverless pool has Concurrency slots, and a task pays the cold start
// unless an execution environment of its stage's function is free when it
// starts (the simulator's warm environments per stage); a Batch pool has
// MaxVCPUs vCPU slots. A task takes Cores slots (VM: more when it needs a
// larger share of a node's memory or GPUs than of its vCPUs, see [vmSlots],
// so that a node is packed by memory as in the simulator; Batch: its
// Fargate vCPUs; serverless: one; a multi-node MPI task: every vCPU of its
// nodes, see [TaskNodes], and the nodes it starts are started together) of
// a pool its stage may use; slots are pooled across the nodes of a pool (a
// task of several slots may take slots of two nodes, which the simulator
// does not allow). The computation cost of a task on a pool is the
// simulator's work time (input + compute + output, with the share of input
// from the other storage domain read from S3), plus StartLatencyS on Batch;
// communication is thus charged inside the consumer's computation cost, as
// in the simulator. HEFT's schedule is a makespan estimate: billing does not
// enter it.
//
// Tasks are prioritised by upward rank (mean computation cost over the pools
// the task may use plus the largest upward rank of a child; ties: topological
// order), and each is put on the pool giving the earliest finish time, using
// the non-insertion policy (a slot is next free after its last task).
//
// The heft baseline of [Solve] is HEFT's own task-level mapping (TaskPools)
// run by the same simulator as every other placement, its queues in HEFT's
// order (TaskStartS as Plan.Order), so that node boots,
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
	if pr.nodesOf(v, pl) > 1 {
		return pr.heldCores(v, pl)
	}
	return vmSlots(pl.VCPUs, pl.MemoryBytes, pl.GPUs, t)
}

// vmSlots is the number of a node's vCPUs slots (of vcpus, with mem bytes
// and gpus GPUs) that task t takes in HEFT's schedule: its cores, or more
// when it needs a larger share of the node's memory or GPUs than of its
// vCPUs (a task of half a 4-vCPU node's memory takes 2 slots). Tasks whose
// slots fit in one node thus fit its vCPUs, memory and GPUs together, as
// the simulator requires; without this HEFT would pack a node by vCPUs
// alone and estimate a schedule the simulator cannot run.
func vmSlots(vcpus int, mem int64, gpus int, t *ctask) int {
	n := t.Cores
	share := func(x, of float64) {
		if x > 0 && of > 0 {
			n = max(n, clampInt(math.Ceil(x/of*float64(vcpus)-1e-9)))
		}
	}
	share(float64(t.MemoryBytes), float64(mem))
	share(float64(t.GPUs), float64(gpus))
	return max(1, min(n, max(vcpus, t.Cores)))
}

// heftHeadNeed is the number of the head node's slots (Pool.HeadVCPUs) task
// v takes on VM pool pl (see [vmSlots]).
func heftHeadNeed(pr *prepared, v int32, pl *Pool) int {
	return vmSlots(pl.HeadVCPUs, pl.HeadMemoryBytes, 0, &pr.ct[v])
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

// heftPool is one pool's processors in HEFT's schedule, with the
// simulator's platform model (see [HEFT]).
type heftPool struct {
	// slots are the free times of the unit slots of the pool: vCPUs of the
	// nodes started so far (VM), concurrent executions (serverless), vCPUs
	// (Batch).
	slots slotHeap
	// unstarted is how many more nodes a VM pool may start.
	unstarted int
	// cap bounds len(slots): a pool never needs more slots than its tasks
	// can take in total (Σ need over the tasks that may use it). Without it a
	// pool configured with, say, 10^5 vCPUs × 10^4 nodes would allocate 10^9
	// slots.
	cap int
	// warm (serverless): per stage, the free times of the stage function's
	// execution environments.
	warm []slotHeap
	// head (VM): the slots of the head node's task vCPUs (Pool.HeadVCPUs),
	// apart because a task must fit the head's memory to use them.
	head slotHeap
	// nodes (VM) is how many nodes are up, the head included; files, per
	// shared file, its copies in the nodes' page caches (see cache.go).
	nodes int
	files map[int32]*heftCopies
}

// heftPools returns every pool's processors at time 0: the vCPUs of the
// MinNodes nodes (free at 0, or after a boot when MinNodesBoot), the
// concurrency of a serverless pool and the vCPUs of a Batch pool.
func heftPools(pr *prepared) []heftPool {
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
	hp := make([]heftPool, len(pools))
	for k := range pools {
		pl := &pools[k]
		h := &hp[k]
		h.cap = demand[k]
		switch pl.Kind {
		case KindHPC, KindRay:
			warm := 0.0
			if pl.MinNodesBoot {
				warm = pl.StartLatencyS
			}
			for i := 0; i < min(pl.HeadVCPUs, h.cap); i++ {
				h.head.push(0)
			}
			h.add(min(pl.MinNodes, pl.MaxNodes)*pl.VCPUs, warm)
			h.unstarted = max(0, pl.MaxNodes-pl.MinNodes)
			h.nodes = min(pl.MinNodes, pl.MaxNodes) + min(1, pl.HeadVCPUs)
		case KindServerless:
			h.add(pl.Concurrency, 0)
			h.warm = make([]slotHeap, len(pr.w.Stages))
		case KindBatch:
			h.add(pl.MaxVCPUs, 0)
		}
	}
	return hp
}

// add adds n slots free at time t, within the cap.
func (h *heftPool) add(n int, t float64) {
	for ; n > 0 && len(h.slots) < h.cap; n-- {
		h.slots.push(t)
	}
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
	pools      []heftPool
	aft        []float64 // actual finish time of every node
	lustreFrac []float32 // share of a node's output in the Lustre domain
	popped     []float64
	// The S3 and Lustre aggregates, shared as in the simulator.
	s3Link, fsLink linkTimeline
}

func heft(pr *prepared) *HEFTResult {
	g := pr.g
	res := &HEFTResult{
		TaskPools:   make([]int, g.nTasks),
		TaskStartS:  make([]float64, g.nTasks),
		TaskFinishS: make([]float64, g.nTasks),
	}
	hs := &heftState{pr: pr, pools: heftPools(pr), aft: make([]float64, g.nNodes), lustreFrac: make([]float32, g.nNodes)}
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

// heftOption is where and when task v would run on one pool.
type heftOption struct {
	k          int
	start, end float64
	newNodes   int  // VM: on nodes started for it at its ready time (a multi-node task: with existing ones)
	onHead     bool // VM: on the pool's head node
	cold       bool // serverless: in a new execution environment
	io         taskIO
	cache      cacheUse // VM: what it finds in the page cache (see heftPool.files)
}

// earliest returns when n slots of h are free (+Inf when h has fewer).
func (hs *heftState) earliest(h *slotHeap, n int) float64 {
	if len(*h) < n {
		return math.Inf(1)
	}
	hs.popped = hs.popped[:0]
	for i := 0; i < n; i++ {
		hs.popped = append(hs.popped, h.pop())
	}
	t := hs.popped[n-1]
	for _, x := range hs.popped {
		h.push(x)
	}
	return t
}

// try returns when task v, ready at time ready, would start and finish on
// pool k, whose share cross of v's input comes from the other storage
// domain.
func (hs *heftState) try(v int32, k int, ready, cross float64) heftOption {
	pr := hs.pr
	pl := &pr.p.Pools[k]
	h := &hs.pools[k]
	n := heftNeed(pr, v, k)
	o := heftOption{k: k, start: max(ready, hs.earliest(&h.slots, n))}
	switch pl.Kind {
	case KindHPC, KindRay:
		task := &pr.ct[v]
		span := pr.nodesOf(v, pl)
		if span == 1 && task.GPUs == 0 && task.MemoryBytes <= pl.HeadMemoryBytes {
			if t := max(ready, hs.earliest(&h.head, heftHeadNeed(pr, v, pl))); t < o.start {
				o.start, o.onHead = t, true
			}
		}
		// The simulator starts a node when a task finds no room; it is
		// ready StartLatencyS later. A multi-node task starts the nodes it
		// lacks together (as many as the pool may still start) and takes
		// the rest among the nodes already up.
		if fresh := min(h.unstarted, span); fresh > 0 {
			b := ready + pl.StartLatencyS
			if rest := n - fresh*pl.VCPUs; span > 1 && rest > 0 {
				b = max(b, hs.earliest(&h.slots, rest))
			}
			if b < o.start {
				// On the new nodes, not on the head (whose slots may
				// have set o.start above).
				o.start, o.newNodes, o.onHead = b, fresh, false
			}
		}
	case KindServerless:
		// A warm environment of the stage's function is reused when one is
		// free; otherwise a new one pays the cold start (as the simulator).
		w := h.warm[pr.ct[v].Stage]
		o.cold = len(w) == 0 || w[0] > o.start
	}
	var d float64
	o.cache = hs.cacheLookup(v, k, o)
	d, o.io = pr.workBW(v, pl, pr.fit[pr.ct[v].Stage][k].memMB, cross, pr.sharedBW(o.start, pl, &hs.s3Link, &hs.fsLink), o.cache)
	o.end = o.start + d
	if pl.Kind == KindBatch {
		o.end += pl.StartLatencyS
	}
	if o.cold {
		o.end += pl.StartLatencyS
	}
	return o
}

// commit books option o for task v.
func (hs *heftState) commit(v int32, o heftOption) {
	pr := hs.pr
	hs.bookLinks(o)
	pl := &pr.p.Pools[o.k]
	h := &hs.pools[o.k]
	n := heftNeed(pr, v, o.k)
	h.nodes += o.newNodes
	hs.cacheCommit(v, o)
	if o.onHead {
		n = heftHeadNeed(pr, v, pl)
		for i := 0; i < n; i++ {
			h.head.pop()
		}
		for i := 0; i < n; i++ {
			h.head.push(o.end)
		}
		return
	}
	if o.newNodes > 0 {
		h.unstarted -= o.newNodes
		room := h.cap - len(h.slots)
		for i := 0; i < min(o.newNodes*pl.VCPUs, max(n, room)); i++ {
			h.slots.push(o.start)
		}
	}
	for i := 0; i < n; i++ {
		h.slots.pop()
	}
	for i := 0; i < n; i++ {
		h.slots.push(o.end)
	}
	if pl.Kind == KindServerless {
		w := &h.warm[pr.ct[v].Stage]
		if !o.cold {
			w.pop()
		}
		w.push(o.end)
	}
}

// place puts task v, ready at time ready, on the pool giving the earliest
// finish time (non-insertion: a slot is next free after its last task).
func (hs *heftState) place(v int32, ready float64) (int, float64, float64) {
	pr := hs.pr
	st := &pr.p.Storage
	ps := pr.g.parents(v)
	best := heftOption{k: -1}
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
		if o := hs.try(v, k, ready, cross); best.k < 0 || o.end < best.end {
			best = o
		}
	}
	hs.commit(v, best)
	hs.aft[v] = best.end
	if st.domainLustre(&pr.p.Pools[best.k]) {
		hs.lustreFrac[v] = 1
	}
	return best.k, best.start, best.end
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
