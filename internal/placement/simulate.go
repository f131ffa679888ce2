// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"math"
	"math/bits"
)

// Assignment maps every stage to a pool: Assignment[s] is the index in
// Problem.Pools of the pool that runs stage s.
type Assignment []int

// AssignmentFromNames builds an assignment from stage name → pool name.
// Every stage must be present.
func AssignmentFromNames(p *Problem, m map[string]string) (Assignment, error) {
	a := make(Assignment, len(p.Workflow.Stages))
	for s := range p.Workflow.Stages {
		name := p.Workflow.Stages[s].Name
		pool, ok := m[name]
		if !ok {
			return nil, fmt.Errorf("stage %q has no pool", name)
		}
		k := p.PoolIndex(pool)
		if k < 0 {
			return nil, fmt.Errorf("stage %q: unknown pool %q", name, pool)
		}
		a[s] = k
	}
	for name := range m {
		if p.Workflow.StageIndex(name) < 0 {
			return nil, fmt.Errorf("unknown stage %q", name)
		}
	}
	return a, nil
}

// Names returns the pool name of every stage.
func (a Assignment) Names(p *Problem) []string {
	out := make([]string, len(a))
	for s, k := range a {
		out[s] = p.Pools[k].Name
	}
	return out
}

// Evaluation is the simulated outcome of an assignment.
type Evaluation struct {
	Assignment Assignment `json:"assignment"`
	// MakespanS is the time from submission (t = 0) until the last task
	// finishes.
	MakespanS float64 `json:"makespan_s"`
	// CostUSD is the total: pools plus S3 requests.
	CostUSD float64 `json:"cost_usd"`
	// Platforms gives the cost per platform kind, in [Kinds] order.
	Platforms []PlatformCost `json:"platforms"`
	// S3RequestUSD is the cost of S3 GET/PUT requests (see [Storage]).
	S3RequestUSD float64 `json:"s3_request_usd"`
	// Pools gives usage per pool, in Problem.Pools order (unused pools too).
	Pools []PoolUsage `json:"pools"`
	// Stages gives the outcome per stage, in Workflow.Stages order.
	Stages []StageResult `json:"stages"`
	// Tasks is the per-task timeline, in Workflow.Tasks order.
	Tasks []TaskSpan `json:"tasks"`
	// Utilisation is busy core-seconds over billed core-seconds of all pools.
	Utilisation float64 `json:"utilisation"`
}

// PlatformCost is the cost of one platform kind.
type PlatformCost struct {
	Platform PlatformKind `json:"platform"`
	CostUSD  float64      `json:"cost_usd"`
}

// PoolUsage describes how a pool was used.
type PoolUsage struct {
	Pool         string       `json:"pool"`
	Platform     PlatformKind `json:"platform"`
	InstanceType string       `json:"instance_type"`
	Tasks        int          `json:"tasks"`
	// Nodes is the number of nodes started (VM pools) or the peak number of
	// concurrent executions (serverless) or Fargate tasks (batch).
	Nodes       int     `json:"nodes"`
	ColdStarts  int     `json:"cold_starts,omitempty"`
	BusyCoreS   float64 `json:"busy_core_s"`
	BilledCoreS float64 `json:"billed_core_s"`
	Utilisation float64 `json:"utilisation"`
	CostUSD     float64 `json:"cost_usd"`
}

// StageResult is the outcome of one stage.
type StageResult struct {
	Stage        string       `json:"stage"`
	Pool         string       `json:"pool"`
	Platform     PlatformKind `json:"platform"`
	InstanceType string       `json:"instance_type"`
	Tasks        int          `json:"tasks"`
	// MemoryMB is the Lambda memory setting (serverless only).
	MemoryMB int     `json:"memory_mb,omitempty"`
	StartS   float64 `json:"start_s"`
	FinishS  float64 `json:"finish_s"`
	// CostUSD of the stage: its functions or Fargate tasks, or its share of
	// its VM pool's node cost in proportion to busy core-seconds, plus its S3
	// requests.
	CostUSD float64 `json:"cost_usd"`
}

// TaskSpan is one task on the timeline. StartS is when it got its slot;
// FinishS includes cold/start latency, input reading, compute and output
// writing.
type TaskSpan struct {
	Task    int     `json:"task"`
	Pool    int     `json:"pool"`
	Node    int     `json:"node"` // node index within a VM pool, -1 otherwise
	StartS  float64 `json:"start_s"`
	FinishS float64 `json:"finish_s"`
	Cold    bool    `json:"cold,omitempty"`
}

// Evaluate simulates an assignment. See the package documentation of the
// simulator below for the exact model:
//
// Tasks become ready when all their parents (and all tasks of the stages
// they depend on) have finished. Each pool keeps a queue of ready tasks
// ordered by static bottom level (the longest chain of reference runtimes
// from the task to the end of the workflow; ties by task index) and starts
// them in that order while capacity allows (strict list scheduling: a task
// that does not fit blocks those behind it on the same pool).
//
//   - VM pools (HPC, Ray): a task needs Cores vCPUs, MemoryBytes and GPUs on
//     one node; it goes to the ready node with the most free vCPUs that fits.
//     When tasks are left waiting, the pool starts as many new nodes as the
//     waiting tasks' cores, memory or GPUs need beyond the nodes already
//     booting, up to MaxNodes (the behaviour of Slurm power saving and of the
//     Ray autoscaler); nodes never stop before the workflow ends. Billing
//     per node: from its start until the last task on it finishes, rounded
//     up to the second, at least MinBillingS (MinNodes static nodes: until
//     the makespan).
//   - Serverless: at most Concurrency executions at once; each stage is a
//     function whose finished executions stay warm for reuse by the same
//     stage; an execution that finds no warm environment pays a cold start.
//   - Batch: each task pays StartLatencyS and holds its Fargate vCPUs for its
//     duration; at most MaxVCPUs are in use.
//
// A task's duration is its start latency (serverless cold start or Batch
// start) plus reading InputBytes, computing RuntimeS / Speed (× the Lambda
// slowdown when the function has fewer vCPUs than the task has cores) and
// writing OutputBytes, with bandwidths from [Storage].
func Evaluate(p *Problem, a Assignment) (*Evaluation, error) {
	pr, err := prepare(p)
	if err != nil {
		return nil, err
	}
	if err := pr.checkAssignment(a); err != nil {
		return nil, err
	}
	sm := newSimulator(pr)
	ev := &Evaluation{}
	if _, _, err := sm.run(a, ev); err != nil {
		return nil, err
	}
	return ev, nil
}

func (pr *prepared) checkAssignment(a Assignment) error {
	if len(a) != len(pr.w.Stages) {
		return fmt.Errorf("assignment has %d entries for %d stages", len(a), len(pr.w.Stages))
	}
	for s, k := range a {
		if k < 0 || k >= len(pr.p.Pools) {
			return fmt.Errorf("stage %q: pool index %d out of range", pr.w.Stages[s].Name, k)
		}
		if !pr.fit[s][k].ok {
			return &InfeasibleError{Stage: pr.w.Stages[s].Name,
				Reason: fmt.Sprintf("cannot run on pool %q: %s", pr.p.Pools[k].Name, pr.fit[s][k].reason)}
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
}

// simPool is the state of one pool during a simulation.
type simPool struct {
	pool  *Pool
	queue taskQueue
	dirty bool
	// VM pools.
	nodes                 []vmNode
	ready                 nodeHeap
	booting               int
	queuedCores, queuedGP int
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
	cross     []float32
	events    eventHeap
	assign    Assignment
	lustre    []bool // per stage: its pool is in the Lustre domain
	exportsS3 []bool // per stage: a stage-level dependent is in the S3 domain
	memMB     []int  // per stage: Lambda memory (serverless pools)
	stageCost []float64
	stageBusy []float64
	s3Cost    float64
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
		cross:     make([]float32, g.nTasks),
		lustre:    make([]bool, nS),
		exportsS3: make([]bool, nS),
		memMB:     make([]int, nS),
		stageCost: make([]float64, nS),
		stageBusy: make([]float64, nS),
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

// run simulates assignment a (which must be feasible). When ev is not nil it
// is filled with the full report. It returns makespan and total cost.
func (sm *simulator) run(a Assignment, ev *Evaluation) (float64, float64, error) {
	pr := sm.pr
	g := pr.g
	w := pr.w
	st := &pr.p.Storage
	sm.assign = a
	for s := range w.Stages {
		pl := &pr.p.Pools[a[s]]
		sm.lustre[s] = st.domainLustre(pl)
		sm.memMB[s] = pr.fit[s][a[s]].memMB
		sm.stageCost[s] = 0
		sm.stageBusy[s] = 0
	}
	for s := range w.Stages {
		sm.exportsS3[s] = false
		if sm.lustre[s] {
			for _, d := range pr.stageDependents[s] {
				if !sm.lustre[d] {
					sm.exportsS3[s] = true
				}
			}
		}
	}
	for k := range sm.pools {
		sp := &sm.pools[k]
		sp.queue.a = sp.queue.a[:0]
		sp.dirty = false
		sp.nodes = sp.nodes[:0]
		sp.ready.a = sp.ready.a[:0]
		for i := range sp.ready.pos {
			sp.ready.pos[i] = -1
		}
		sp.booting, sp.queuedCores, sp.queuedGP, sp.queuedMemHi, sp.queuedMemLo = 0, 0, 0, 0, 0
		sp.running, sp.peak, sp.usedVCPUs, sp.coldStarts = 0, 0, 0, 0
		for i := range sp.warm {
			sp.warm[i] = 0
		}
		sp.busy, sp.cost, sp.tasks = 0, 0, 0
		if sp.pool.Kind.isVM() {
			for i := 0; i < sp.pool.MinNodes; i++ {
				sp.nodes = append(sp.nodes, vmNode{freeCores: sp.pool.VCPUs, freeMem: sp.pool.MemoryBytes,
					freeGPUs: sp.pool.GPUs, static: true})
				sp.ready.add(int32(i))
			}
		}
	}
	sm.events = sm.events[:0]
	sm.s3Cost = 0
	sm.done = 0
	sm.makespan = 0
	for v := 0; v < g.nNodes; v++ {
		sm.remaining[v] = g.parStart[v+1] - g.parStart[v]
	}
	for _, v := range g.topo {
		if g.parStart[v+1] == g.parStart[v] {
			sm.makeReady(v, 0)
		}
	}
	t := 0.0
	for {
		for k := range sm.pools {
			if sm.pools[k].dirty {
				sm.dispatch(k, t)
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
	// Bill the VM nodes.
	total := sm.s3Cost
	for k := range sm.pools {
		sp := &sm.pools[k]
		if !sp.pool.Kind.isVM() {
			total += sp.cost
			continue
		}
		for i := range sp.nodes {
			n := &sp.nodes[i]
			end := math.Max(n.readyAt, n.lastEnd)
			if n.static {
				end = sm.makespan
			}
			sp.cost += math.Max(sp.pool.MinBillingS, ceilEps(end-n.startAt)) * sp.pool.HourlyUSD / 3600
		}
		total += sp.cost
	}
	if ev != nil {
		sm.report(ev, total)
	}
	return sm.makespan, total, nil
}

// makeReady handles a node whose dependencies are all done at time t.
func (sm *simulator) makeReady(v int32, t float64) {
	g := sm.pr.g
	if int(v) >= g.nTasks { // barrier: completes at once
		sm.finishNode(v, t)
		return
	}
	s := g.nodeStage[v]
	// Share of parents in the other storage domain.
	ps := g.parents(v)
	if len(ps) > 0 {
		n := 0
		me := sm.lustre[s]
		for _, p := range ps {
			if sm.lustre[g.nodeStage[p]] != me {
				n++
			}
		}
		sm.cross[v] = float32(n) / float32(len(ps))
	} else {
		sm.cross[v] = 0
	}
	sp := &sm.pools[sm.assign[s]]
	sp.queue.push(v, sm.pr.blevel[v])
	if sp.pool.Kind.isVM() {
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
	sp := &sm.pools[sm.assign[task.Stage]]
	switch sp.pool.Kind {
	case KindHPC, KindRay:
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

// workTime is a task's input + compute + output time on pool pl (without
// start latencies).
func (sm *simulator) workTime(v int32, pl *Pool) float64 {
	return sm.pr.work(v, pl, sm.memMB[sm.pr.ct[v].Stage], float64(sm.cross[v]))
}

// work is the input + compute + output time of task v on pool pl with memMB
// of Lambda memory (serverless) when the share cross of its input comes from
// the other storage domain.
func (pr *prepared) work(v int32, pl *Pool, memMB int, cross float64) float64 {
	task := &pr.ct[v]
	compute := task.RuntimeS / pl.Speed
	if pl.Kind == KindServerless {
		compute *= lambdaSlowdown(task.Cores, memMB, pl)
	}
	in, out := float64(task.InputBytes), float64(task.OutputBytes)
	if pr.p.Storage.domainLustre(pl) {
		lb := pr.p.Storage.LustreBandwidthBps
		return in*(1-cross)/lb + in*cross/pl.S3BandwidthBps + compute + out/lb
	}
	return (in+out)/pl.S3BandwidthBps + compute
}

// s3Requests charges a starting task's S3 requests.
func (sm *simulator) s3Requests(v int32) {
	task := &sm.pr.ct[v]
	s := task.Stage
	st := &sm.pr.p.Storage
	var c float64
	if !sm.lustre[s] {
		c = st.S3GetUSD + st.S3PutUSD
	} else {
		if sm.cross[v] > 0 {
			c += st.S3GetUSD
		}
		export := sm.exportsS3[s]
		if !export {
			for _, ch := range sm.pr.g.children(v) {
				if !sm.lustre[sm.pr.g.nodeStage[ch]] {
					export = true
					break
				}
			}
		}
		if export {
			c += st.S3PutUSD
		}
	}
	sm.s3Cost += c
	sm.stageCost[s] += c
}

func (sm *simulator) dispatch(k int, t float64) {
	sp := &sm.pools[k]
	sp.dirty = false
	pl := sp.pool
	switch pl.Kind {
	case KindHPC, KindRay:
		for len(sp.queue.a) > 0 {
			v := sp.queue.peek()
			task := &sm.pr.ct[v]
			n := sp.findNode(task)
			if n < 0 {
				break
			}
			sp.queue.pop()
			sp.queuedCores -= task.Cores
			var borrow uint64
			sp.queuedMemLo, borrow = bits.Sub64(sp.queuedMemLo, uint64(task.MemoryBytes), 0)
			sp.queuedMemHi -= borrow
			sp.queuedGP -= task.GPUs
			node := &sp.nodes[n]
			node.freeCores -= task.Cores
			node.freeMem -= task.MemoryBytes
			node.freeGPUs -= task.GPUs
			sp.ready.fix(n)
			d := sm.workTime(v, pl)
			sm.startTask(sp, v, t, d, n, false)
			busy := float64(task.Cores) * d
			sp.busy += busy
			sm.stageBusy[task.Stage] += busy
		}
		if len(sp.queue.a) > 0 {
			need := ceilDiv(sp.queuedCores, pl.VCPUs)
			queuedMem := float64(sp.queuedMemHi)*0x1p64 + float64(sp.queuedMemLo)
			if m := math.Ceil(queuedMem / float64(pl.MemoryBytes)); m > float64(need) {
				need = int(min(m, float64(pl.MaxNodes)))
			}
			if pl.GPUs > 0 {
				if m := ceilDiv(sp.queuedGP, pl.GPUs); m > need {
					need = m
				}
			}
			need -= sp.booting
			if room := pl.MaxNodes - len(sp.nodes); need > room {
				need = room
			}
			for i := 0; i < need; i++ {
				idx := int32(len(sp.nodes))
				sp.nodes = append(sp.nodes, vmNode{startAt: t, readyAt: t + pl.StartLatencyS,
					freeCores: pl.VCPUs, freeMem: pl.MemoryBytes, freeGPUs: pl.GPUs})
				sp.booting++
				sm.events.push(nodeReadyEvent(t+pl.StartLatencyS, int32(k), idx))
			}
		}
	case KindServerless:
		memGB := 0.0
		for len(sp.queue.a) > 0 && sp.running < pl.Concurrency {
			v := sp.queue.pop()
			task := &sm.pr.ct[v]
			d := sm.workTime(v, pl)
			cold := false
			if sp.warm[task.Stage] > 0 {
				sp.warm[task.Stage]--
			} else {
				cold = true
				sp.coldStarts++
				d += pl.StartLatencyS
			}
			sp.running++
			if sp.running > sp.peak {
				sp.peak = sp.running
			}
			sm.startTask(sp, v, t, d, -1, cold)
			memMB := sm.memMB[task.Stage]
			memGB = float64(memMB) / 1024
			billed := d
			if pl.BillingTickS > 0 {
				billed = ceilEps(d/pl.BillingTickS) * pl.BillingTickS
			}
			c := billed*memGB*pl.GBSecondUSD + pl.RequestUSD
			sp.cost += c
			sm.stageCost[task.Stage] += c
			vcpu := math.Min(float64(task.Cores), float64(memMB)/pl.MBPerVCPU)
			sp.busy += vcpu * (d - boolF(cold)*pl.StartLatencyS)
		}
	case KindBatch:
		for len(sp.queue.a) > 0 {
			v := sp.queue.peek()
			task := &sm.pr.ct[v]
			vcpu, gb, _ := fargateSize(task.Cores, task.MemoryBytes, pl)
			if sp.usedVCPUs+vcpu > pl.MaxVCPUs {
				break
			}
			sp.queue.pop()
			sp.usedVCPUs += vcpu
			sp.running++
			if sp.running > sp.peak {
				sp.peak = sp.running
			}
			work := sm.workTime(v, pl)
			d := pl.StartLatencyS + work
			sm.startTask(sp, v, t, d, -1, false)
			billed := math.Max(pl.MinBillingS, ceilEps(d))
			c := billed / 3600 * (float64(vcpu)*pl.VCPUHourUSD + float64(gb)*pl.GBHourUSD)
			sp.cost += c
			sm.stageCost[task.Stage] += c
			sp.busy += float64(task.Cores) * work
		}
	}
}

func boolF(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func (sm *simulator) startTask(sp *simPool, v int32, t, d float64, node int32, cold bool) {
	sm.start[v] = t
	sm.end[v] = t + d
	sm.nodeOf[v] = node
	sm.cold[v] = cold
	sp.tasks++
	sm.s3Requests(v)
	sm.events.push(finishEvent(t+d, v))
}

// findNode returns a ready node that can hold the task, or -1.
func (sp *simPool) findNode(task *ctask) int32 {
	if len(sp.ready.a) == 0 {
		return -1
	}
	top := sp.ready.a[0]
	n := &sp.nodes[top]
	if n.freeCores < task.Cores {
		return -1
	}
	if n.freeMem >= task.MemoryBytes && n.freeGPUs >= task.GPUs {
		return top
	}
	// Rare: the node with the most free cores lacks memory or GPUs.
	for i := range sp.nodes {
		if !sp.ready.has(int32(i)) {
			continue
		}
		n := &sp.nodes[i]
		if n.freeCores >= task.Cores && n.freeMem >= task.MemoryBytes && n.freeGPUs >= task.GPUs {
			return int32(i)
		}
	}
	return -1
}

// report fills ev from the finished simulation.
func (sm *simulator) report(ev *Evaluation, total float64) {
	pr := sm.pr
	w := pr.w
	p := pr.p
	ev.Assignment = append(Assignment(nil), sm.assign...)
	ev.MakespanS = sm.makespan
	ev.CostUSD = total
	ev.S3RequestUSD = sm.s3Cost
	kindCost := map[PlatformKind]float64{}
	var busyAll, billedAll float64
	ev.Pools = make([]PoolUsage, len(p.Pools))
	for k := range sm.pools {
		sp := &sm.pools[k]
		pl := sp.pool
		u := PoolUsage{Pool: pl.Name, Platform: pl.Kind, InstanceType: pl.InstanceType, Tasks: sp.tasks,
			ColdStarts: sp.coldStarts, BusyCoreS: sp.busy, CostUSD: sp.cost}
		switch pl.Kind {
		case KindHPC, KindRay:
			u.Nodes = len(sp.nodes)
			for i := range sp.nodes {
				n := &sp.nodes[i]
				end := math.Max(n.readyAt, n.lastEnd)
				if n.static {
					end = sm.makespan
				}
				u.BilledCoreS += math.Max(pl.MinBillingS, ceilEps(end-n.startAt)) * float64(pl.VCPUs)
			}
		default:
			u.Nodes = sp.peak
		}
		kindCost[pl.Kind] += sp.cost
		ev.Pools[k] = u
	}
	// Billed core-seconds of serverless and batch come from per-task spans.
	for i := range w.Tasks {
		task := &w.Tasks[i]
		k := sm.assign[task.Stage]
		pl := &p.Pools[k]
		d := sm.end[i] - sm.start[i]
		switch pl.Kind {
		case KindServerless:
			ev.Pools[k].BilledCoreS += d * float64(sm.memMB[task.Stage]) / pl.MBPerVCPU
		case KindBatch:
			vcpu, _, _ := fargateSize(task.Cores, task.MemoryBytes, pl)
			ev.Pools[k].BilledCoreS += math.Max(pl.MinBillingS, ceilEps(d)) * float64(vcpu)
		}
	}
	for k := range ev.Pools {
		if ev.Pools[k].BilledCoreS > 0 {
			ev.Pools[k].Utilisation = ev.Pools[k].BusyCoreS / ev.Pools[k].BilledCoreS
		}
		busyAll += ev.Pools[k].BusyCoreS
		billedAll += ev.Pools[k].BilledCoreS
	}
	if billedAll > 0 {
		ev.Utilisation = busyAll / billedAll
	}
	ev.Platforms = make([]PlatformCost, len(Kinds))
	for i, kd := range Kinds {
		ev.Platforms[i] = PlatformCost{Platform: kd, CostUSD: kindCost[kd]}
	}
	// Stages.
	ev.Stages = make([]StageResult, len(w.Stages))
	for s := range w.Stages {
		k := sm.assign[s]
		pl := &p.Pools[k]
		r := StageResult{Stage: w.Stages[s].Name, Pool: pl.Name, Platform: pl.Kind, InstanceType: pl.InstanceType,
			StartS: math.Inf(1), CostUSD: sm.stageCost[s]}
		if pl.Kind == KindServerless {
			r.MemoryMB = sm.memMB[s]
		}
		if pl.Kind.isVM() && sm.pools[k].busy > 0 {
			r.CostUSD += sm.pools[k].cost * sm.stageBusy[s] / sm.pools[k].busy
		}
		ev.Stages[s] = r
	}
	ev.Tasks = make([]TaskSpan, len(w.Tasks))
	for i := range w.Tasks {
		s := w.Tasks[i].Stage
		r := &ev.Stages[s]
		r.Tasks++
		r.StartS = math.Min(r.StartS, sm.start[i])
		r.FinishS = math.Max(r.FinishS, sm.end[i])
		node := int(sm.nodeOf[i])
		ev.Tasks[i] = TaskSpan{Task: i, Pool: sm.assign[s], Node: node, StartS: sm.start[i], FinishS: sm.end[i], Cold: sm.cold[i]}
	}
}
