// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"math"
	"math/bits"
)

// Evaluate simulates a per-stage assignment; see [EvaluatePlan].
func Evaluate(p *Problem, a Assignment) (*Evaluation, error) {
	return EvaluatePlan(p, Plan{Stages: a})
}

// EvaluatePlan simulates a plan (stage pools, split stages, task-level
// pools). The model:
//
// Tasks become ready when all their parents (and all tasks of the stages
// they depend on) have finished. Each pool keeps a queue of ready tasks
// ordered by static bottom level (the longest chain of reference runtimes
// from the task to the end of the workflow; ties by task index) and starts
// them in that order while capacity allows (strict list scheduling: a task
// that does not fit blocks those behind it on the same pool, unless its
// stage is split, when it goes to the burst pool).
//
//   - VM pools (HPC, Ray): a task needs Cores vCPUs, MemoryBytes and GPUs on
//     one node; it goes to the ready node with the most free vCPUs that fits.
//     A multi-node MPI task (see [TaskNodes]) needs that many idle ready
//     nodes, which it holds whole until it finishes (gang scheduling: it
//     waits, blocking the queue, until enough are idle; lowest node indices
//     first).
//     When tasks are left waiting, the pool starts as many new nodes as the
//     waiting tasks' cores, memory or GPUs need beyond the nodes already
//     booting (plus the nodes of waiting multi-node tasks beyond the idle
//     ones), up to MaxNodes (the behaviour of Slurm power saving and of the
//     Ray autoscaler). Billing per node: from its start until IdleTimeoutS
//     after its last task (the scale-down idle time), rounded up to the
//     second, at least MinBillingS; MinNodes static nodes are up at time 0
//     and billed until the makespan. A cluster's FixedHourlyUSD is billed
//     once for the makespan when any of its pools runs a task (see
//     Pool.Cluster); its head's task capacity is a node of its first pool.
//   - Serverless: at most Concurrency executions at once; each stage is a
//     function whose finished executions stay warm for reuse by the same
//     stage; an execution that finds no warm environment pays a cold start.
//     Duration (cold start included) is billed per BillingTickS at the
//     stage's memory, plus ephemeral storage above the free size.
//   - Batch: each task pays StartLatencyS and holds its Fargate vCPUs for its
//     duration; at most MaxVCPUs are in use.
//
// A task's duration is its start latency (serverless cold start or Batch
// start) plus reading InputBytes, computing RuntimeS / Speed (× the Lambda
// slowdown when the function has fewer vCPUs than the task has cores) and
// writing OutputBytes, with bandwidths from [Storage]. On an HPC or Ray
// node in the Lustre domain, a shared input ([Workflow.SharedFiles])
// already in the node's page cache is not read again (see cache.go for the
// rule; Storage.NoPageCache turns it off). The Lustre file system is billed
// for the makespan when any task used it.
func EvaluatePlan(p *Problem, plan Plan) (*Evaluation, error) {
	pr, err := prepare(p)
	if err != nil {
		return nil, err
	}
	if err := pr.checkPlan(&plan); err != nil {
		return nil, err
	}
	sm := newSimulator(pr)
	ev := &Evaluation{}
	if _, _, err := sm.run(&plan, ev); err != nil {
		return nil, err
	}
	return ev, nil
}

func (pr *prepared) checkPlan(pl *Plan) error {
	a := pl.Stages
	if len(a) != len(pr.w.Stages) {
		return fmt.Errorf("assignment has %d entries for %d stages", len(a), len(pr.w.Stages))
	}
	fits := func(s, k int) error {
		if k < 0 || k >= len(pr.p.Pools) {
			return fmt.Errorf("stage %q: pool index %d out of range", pr.w.Stages[s].Name, k)
		}
		if !pr.fit[s][k].ok {
			return &InfeasibleError{Stage: pr.w.Stages[s].Name,
				Reason: fmt.Sprintf("cannot run on pool %q: %s", pr.p.Pools[k].Name, pr.fit[s][k].reason)}
		}
		return nil
	}
	for s, k := range a {
		if err := fits(s, k); err != nil {
			return err
		}
		if b := pl.burstOf(s); b >= 0 {
			if err := fits(s, b); err != nil {
				return err
			}
		}
	}
	if pl.Burst != nil && len(pl.Burst) != len(a) {
		return fmt.Errorf("burst has %d entries for %d stages", len(pl.Burst), len(a))
	}
	if pl.Tasks != nil {
		if len(pl.Tasks) != len(pr.w.Tasks) {
			return fmt.Errorf("task pools have %d entries for %d tasks", len(pl.Tasks), len(pr.w.Tasks))
		}
		for i, k := range pl.Tasks {
			if err := fits(pr.w.Tasks[i].Stage, k); err != nil {
				return err
			}
		}
	}
	return nil
}

// vmNode is one node of a VM pool during a simulation.
type vmNode struct {
	startAt, readyAt, lastEnd float64
	freeCores, freeGPUs       int
	freeMem                   int64
	static                    bool
	// The page cache (see cache.go): bytes of shared files held, and the
	// generation of its entries (a drop starts a new one).
	cached int64
	epoch  int32
}

// simPool is the state of one pool during a simulation.
type simPool struct {
	pool  *Pool
	queue taskQueue
	dirty bool
	// VM pools.
	nodes                 []vmNode
	ready                 nodeHeap
	heads                 int // head nodes among nodes (0 or 1, first)
	booting               int
	queuedCores, queuedGP int
	// queuedNodes is the nodes the queued multi-node tasks span.
	queuedNodes int
	// queuedMem is the memory of the queued tasks, a 128-bit sum (hi, lo):
	// a few tasks of 10^18 bytes (which a trace may record) overflow int64.
	queuedMemHi, queuedMemLo uint64
	// Serverless and batch.
	running, peak int
	usedVCPUs     int
	coldStarts    int
	warm          []int32 // idle warm environments per stage
	// Accounting.
	busy  float64 // core-seconds
	held  float64 // VM: core-seconds held (a multi-node task holds its nodes' vCPUs), Σ stageBusy
	cost  float64 // serverless and batch (accumulated per task)
	tasks int
}

// simulator holds reusable buffers so repeated evaluations (in Solve) do not
// allocate per task.
type simulator struct {
	pr        *prepared
	pools     []simPool
	remaining []int32
	start     []float64
	end       []float64
	nodeOf    []int32
	cold      []bool
	poolOf    []int32  // per task: the pool it is queued on or ran on
	io        []taskIO // per task: its time, then its duty, on S3 and Lustre
	s3Link    sharedLink
	fsLink    sharedLink
	span      []int32   // per task: the nodes it spans on poolOf (1 but for multi-node MPI tasks)
	gangAt    []int32   // per multi-node task: where its nodes start in gangLog (made when one starts)
	gangLog   []int32   // the nodes of the multi-node tasks started, span[v] from gangAt[v]
	lustre    []float32 // per node: 1 when it ran in the Lustre domain (barrier: the share of its parents that did)
	events    eventHeap
	cache     map[cacheKey]cacheEntry // the nodes' page caches (see cache.go)
	cacheHits int64                   // input bytes found there
	plan      *Plan
	mayS3     []bool // per stage: a pool the plan gives it is in the S3 domain
	exportsS3 []bool // per stage: a stage-level dependent may be in the S3 domain
	stageCost []float64
	stageBusy []float64 // per stage × pool: core-seconds held on VM pools
	s3Cost    float64
	usedFS    bool // a task ran in the Lustre domain
	done      int
	makespan  float64
}

func newSimulator(pr *prepared) *simulator {
	g := pr.g
	nS := len(pr.w.Stages)
	sm := &simulator{
		pr:        pr,
		pools:     make([]simPool, len(pr.p.Pools)),
		remaining: make([]int32, g.nNodes),
		start:     make([]float64, g.nTasks),
		end:       make([]float64, g.nTasks),
		nodeOf:    make([]int32, g.nTasks),
		cold:      make([]bool, g.nTasks),
		poolOf:    make([]int32, g.nTasks),
		io:        make([]taskIO, g.nTasks),
		span:      make([]int32, g.nTasks),
		lustre:    make([]float32, g.nNodes),
		mayS3:     make([]bool, nS),
		exportsS3: make([]bool, nS),
		stageCost: make([]float64, nS),
		stageBusy: make([]float64, nS*len(pr.p.Pools)),
	}
	for k := range sm.pools {
		sp := &sm.pools[k]
		sp.pool = &pr.p.Pools[k]
		sp.ready.nodes = &sp.nodes
		if sp.pool.Kind == KindServerless {
			sp.warm = make([]int32, nS)
		}
	}
	return sm
}

// ceilEps rounds up, ignoring floating-point noise below 1 µs.
func ceilEps(x float64) float64 { return math.Ceil(x - 1e-6) }

// run simulates plan (which must be feasible). When ev is not nil it is
// filled with the full report. It returns makespan and total cost.
func (sm *simulator) run(plan *Plan, ev *Evaluation) (float64, float64, error) {
	sm.reset(plan)
	g := sm.pr.g
	for _, v := range g.topo {
		if g.parStart[v+1] == g.parStart[v] {
			sm.makeReady(v, 0)
		}
	}
	t := 0.0
	for {
		// A burst moves tasks to another pool's queue, which may be one
		// already visited: repeat until no pool has work to look at.
		for dirty := true; dirty; {
			dirty = false
			for k := range sm.pools {
				if sm.pools[k].dirty {
					sm.dispatch(k, t)
					dirty = true
				}
			}
		}
		if len(sm.events) == 0 {
			break
		}
		t = sm.events[0].t
		for len(sm.events) > 0 && sm.events[0].t == t {
			e := sm.events.pop()
			switch e.kind() {
			case evFinish:
				sm.finishTask(e.v(), t)
			case evNodeReady:
				sp := &sm.pools[e.v()]
				sp.booting--
				sp.ready.add(e.node())
				sp.dirty = true
			}
		}
	}
	if sm.done != g.nNodes {
		return 0, 0, fmt.Errorf("internal error: simulation stalled with %d of %d tasks done", sm.done, g.nNodes)
	}
	total := sm.bill()
	if ev != nil {
		sm.report(ev, total)
	}
	return sm.makespan, total, nil
}

// reset prepares the buffers for a run of plan.
func (sm *simulator) reset(plan *Plan) {
	pr := sm.pr
	w := pr.w
	st := &pr.p.Storage
	sm.plan = plan
	for s := range w.Stages {
		sm.mayS3[s] = !st.domainLustre(&pr.p.Pools[plan.Stages[s]])
		if b := plan.burstOf(s); b >= 0 && !st.domainLustre(&pr.p.Pools[b]) {
			sm.mayS3[s] = true
		}
		sm.stageCost[s] = 0
	}
	if plan.Tasks != nil {
		for i, k := range plan.Tasks {
			if !st.domainLustre(&pr.p.Pools[k]) {
				sm.mayS3[w.Tasks[i].Stage] = true
			}
		}
	}
	for i := range sm.stageBusy {
		sm.stageBusy[i] = 0
	}
	for s := range w.Stages {
		sm.exportsS3[s] = false
		for _, d := range pr.stageDependents[s] {
			sm.exportsS3[s] = sm.exportsS3[s] || sm.mayS3[d]
		}
	}
	sm.events = sm.events[:0]
	for k := range sm.pools {
		sp := &sm.pools[k]
		sp.reset()
		if !sp.pool.Kind.isVM() {
			continue
		}
		pl := sp.pool
		sp.heads = 0
		if pl.HeadVCPUs > 0 {
			sp.nodes = append(sp.nodes, vmNode{freeCores: pl.HeadVCPUs, freeMem: pl.HeadMemoryBytes, static: true})
			sp.ready.add(0)
			sp.heads = 1
		}
		for j := 0; j < pl.MinNodes; j++ {
			i := len(sp.nodes)
			n := vmNode{freeCores: pl.VCPUs, freeMem: pl.MemoryBytes, freeGPUs: pl.GPUs, static: true}
			if !pl.MinNodesBoot {
				sp.nodes = append(sp.nodes, n)
				sp.ready.add(int32(i))
				continue
			}
			n.readyAt = pl.StartLatencyS
			sp.nodes = append(sp.nodes, n)
			sp.booting++
			sm.events.push(nodeReadyEvent(pl.StartLatencyS, int32(k), int32(i)))
		}
	}
	sm.s3Cost, sm.usedFS, sm.done, sm.makespan, sm.cacheHits = 0, false, 0, 0, 0
	sm.s3Link.reset()
	sm.fsLink.reset()
	sm.gangLog = sm.gangLog[:0]
	if pr.fileBytes != nil {
		if sm.cache == nil {
			sm.cache = map[cacheKey]cacheEntry{}
		}
		clear(sm.cache)
	}
	g := pr.g
	for v := 0; v < g.nNodes; v++ {
		sm.remaining[v] = g.parStart[v+1] - g.parStart[v]
	}
}

func (sp *simPool) reset() {
	sp.queue.a = sp.queue.a[:0]
	sp.dirty = false
	sp.nodes = sp.nodes[:0]
	sp.ready.a = sp.ready.a[:0]
	for i := range sp.ready.pos {
		sp.ready.pos[i] = -1
	}
	sp.booting, sp.queuedCores, sp.queuedGP, sp.queuedMemHi, sp.queuedMemLo, sp.queuedNodes = 0, 0, 0, 0, 0, 0
	sp.running, sp.peak, sp.usedVCPUs, sp.coldStarts = 0, 0, 0, 0
	for i := range sp.warm {
		sp.warm[i] = 0
	}
	sp.busy, sp.held, sp.cost, sp.tasks = 0, 0, 0, 0
}

// nodeBilledS is how long a VM node is billed: static nodes until the
// makespan, nodes started on demand until the idle timeout after their last
// task (or after they became ready, when they ran none); at least
// MinBillingS, rounded up to the second.
func (sm *simulator) nodeBilledS(n *vmNode, pl *Pool) float64 {
	end := math.Max(n.readyAt, n.lastEnd) + pl.IdleTimeoutS
	if n.static {
		end = sm.makespan
	}
	return math.Max(pl.MinBillingS, ceilEps(end-n.startAt))
}

// bill adds the VM nodes, the clusters' fixed costs and the Lustre file
// system to the per-task costs and returns the total.
func (sm *simulator) bill() float64 {
	total := sm.s3Cost
	for k := range sm.pools {
		sp := &sm.pools[k]
		pl := sp.pool
		if pl.Kind.isVM() {
			for i := sp.heads; i < len(sp.nodes); i++ {
				sp.cost += sm.nodeBilledS(&sp.nodes[i], pl) * pl.HourlyUSD / 3600
			}
		}
	}
	for _, c := range sm.pr.clusters {
		sm.billFixed(c)
	}
	for k := range sm.pools {
		total += sm.pools[k].cost
	}
	if sm.billsFS() {
		total += sm.pr.p.Storage.LustreHourlyUSD * sm.makespan / 3600
	}
	return total
}

// billFixed bills the fixed cost of cluster c (its pools' indices) once for
// the makespan when any of its pools ran a task, or in a standing
// environment. Its pools share it in proportion to the core-seconds their
// tasks held (so that stage costs carry it), else by tasks run; when none
// ran a task the cluster's first pool carries it.
func (sm *simulator) billFixed(c []int) {
	fixed := sm.pools[c[0]].pool.FixedHourlyUSD * sm.makespan / 3600
	var held float64
	tasks := 0
	for _, k := range c {
		held += sm.pools[k].held
		tasks += sm.pools[k].tasks
	}
	if fixed == 0 || (tasks == 0 && !sm.pr.p.Standing) {
		return
	}
	if len(c) == 1 {
		sm.pools[c[0]].cost += fixed
		return
	}
	for _, k := range c {
		sp := &sm.pools[k]
		switch {
		case held > 0:
			sp.cost += fixed * sp.held / held
		case tasks > 0:
			sp.cost += fixed * float64(sp.tasks) / float64(tasks)
		case k == c[0]:
			sp.cost += fixed
		}
	}
}

// billsFS reports whether the Lustre file system is billed for the run:
// when a task used it, or always in a standing environment.
func (sm *simulator) billsFS() bool {
	return sm.usedFS || (sm.pr.p.Standing && sm.pr.p.Storage.Lustre)
}

// plannedPool is the pool the plan gives task v before any burst.
func (sm *simulator) plannedPool(v int32) int {
	if sm.plan.Tasks != nil {
		return sm.plan.Tasks[v]
	}
	return sm.plan.Stages[sm.pr.g.nodeStage[v]]
}

// makeReady handles a node whose dependencies are all done at time t.
func (sm *simulator) makeReady(v int32, t float64) {
	g := sm.pr.g
	if int(v) >= g.nTasks { // barrier: completes at once; its stage's output is where its tasks ran
		sum := float32(0)
		ps := g.parents(v)
		for _, p := range ps {
			sum += sm.lustre[p]
		}
		sm.lustre[v] = sum / float32(max(1, len(ps)))
		sm.finishNode(v, t)
		return
	}
	sm.enqueue(v, sm.plannedPool(v))
}

// enqueue puts task v on pool k's queue.
func (sm *simulator) enqueue(v int32, k int) {
	sm.poolOf[v] = int32(k)
	sp := &sm.pools[k]
	prio := sm.pr.blevel[v]
	if sm.plan.Order != nil {
		prio = -sm.plan.Order[v]
	}
	sp.queue.push(v, prio)
	sm.span[v] = 1
	if sp.pool.Kind.isVM() {
		if n := sm.pr.nodesOf(v, sp.pool); n > 1 {
			sm.span[v] = int32(n)
			sp.queuedNodes += n
			sp.dirty = true
			return
		}
		task := &sm.pr.ct[v]
		sp.queuedCores += task.Cores
		var carry uint64
		sp.queuedMemLo, carry = bits.Add64(sp.queuedMemLo, uint64(task.MemoryBytes), 0)
		sp.queuedMemHi += carry
		sp.queuedGP += task.GPUs
	}
	sp.dirty = true
}

func (sm *simulator) finishNode(v int32, t float64) {
	sm.done++
	if t > sm.makespan {
		sm.makespan = t
	}
	for _, c := range sm.pr.g.children(v) {
		sm.remaining[c]--
		if sm.remaining[c] == 0 {
			sm.makeReady(c, t)
		}
	}
}

func (sm *simulator) finishTask(v int32, t float64) {
	task := &sm.pr.ct[v]
	sm.leaveLinks(v)
	sp := &sm.pools[sm.poolOf[v]]
	switch sp.pool.Kind {
	case KindHPC, KindRay:
		if sm.span[v] > 1 {
			sm.releaseGang(sp, v, t)
			break
		}
		n := &sp.nodes[sm.nodeOf[v]]
		n.freeCores += task.Cores
		n.freeMem += task.MemoryBytes
		n.freeGPUs += task.GPUs
		if t > n.lastEnd {
			n.lastEnd = t
		}
		sp.ready.fix(sm.nodeOf[v])
	case KindServerless:
		sp.running--
		sp.warm[task.Stage]++
	case KindBatch:
		sp.running--
		vcpu, _, _ := fargateSize(task.Cores, task.MemoryBytes, sp.pool)
		sp.usedVCPUs -= vcpu
	}
	sp.dirty = true
	sm.finishNode(v, t)
}

func boolF(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
