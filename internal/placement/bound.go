// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"encoding/binary"
	"math"
	"sort"
)

// LowerBound is what no placement of a problem can beat under the
// simulator's model: every placement [EvaluatePlan] accepts (per stage,
// split, task-level), every baseline and HEFT's own schedule has a makespan
// of at least MakespanS and a cost of at least CostUSD. See [Bound].
type LowerBound struct {
	// MakespanS is at least the larger of CriticalPathS and WorkS, raised
	// where time windows prove more (see bound_window.go). It holds on the
	// pools' instance types whatever their node counts up to MaxNodes, warm
	// or booted (the static cluster too).
	MakespanS float64 `json:"makespan_s"`
	// CriticalPathS is the longest dependency chain (task parents and stage
	// barriers), each task at its least duration over the pools its stage
	// may use. It does not depend on node counts, boot times or warm pools.
	CriticalPathS float64 `json:"critical_path_s"`
	// WorkS is the capacity bound: the share of its pool's capacity each task
	// holds (vCPUs of MaxNodes nodes and the head, Lambda concurrency, Batch
	// vCPUs) for its least duration, summed over the tasks and weighed over
	// the pools (see [Bound]).
	WorkS float64 `json:"work_s"`
	// PoolsAsGivenS (at least MakespanS) bounds the placements on the pools
	// exactly as given: a task on a VM pool starts no earlier than a node
	// of the pool can be ready (at 0 on its head node or on nodes up from
	// the start, else after a boot), a pool's nodes add capacity only once
	// they can be ready, and a Lambda task pays a cold start unless a warm
	// environment of its stage can be there (one another task of the stage
	// left; the first of them ended after a cold start). It holds for every
	// placement Solve simulates and every baseline but the static cluster
	// (which changes the pool's node counts), not for other pools.
	PoolsAsGivenS float64 `json:"pools_as_given_s"`
	// CostUSD is every task's least cost over the pools its stage may use
	// plus the fixed costs every placement pays for at least MakespanS.
	CostUSD float64 `json:"cost_usd"`
	// CostPoolsAsGivenUSD (at least CostUSD) is the same with the fixed
	// costs paid for at least PoolsAsGivenS: it bounds the placements on
	// the pools exactly as given, as PoolsAsGivenS does.
	CostPoolsAsGivenUSD float64 `json:"cost_pools_as_given_usd"`
}

// Bound returns a lower bound on the makespan and on the cost of every
// placement of p. Each part rests on a rule of the simulator that holds
// whatever the placement, the queue order, the node counts and the data
// sharing do:
//
//   - A task's duration on a pool is at least its least duration there
//     (see leastDuration): its compute time at the pool's speed (with
//     Lambda's slowdown at the stage's memory setting), its input read at
//     the best bandwidth it could have (the Lustre client's or the pool's
//     S3 bandwidth, whichever is faster, each at most its aggregate: a
//     task's share of a link is never more than the per-task limit nor the
//     whole aggregate, see [sharedLink]), its shared inputs found in the
//     page cache (not read at all) where a cache could serve them, its
//     output written at the per-task bandwidth, and Batch's start latency,
//     which every Batch task pays. No node boot, no cold start (a warm
//     environment may be there), no queueing.
//   - A task starts no earlier than its parents (and the stages it depends
//     on) have finished, and no earlier than 0: the critical path.
//   - At any instant the tasks running on a pool hold at most its capacity:
//     the vCPUs of its MaxNodes nodes and its head (a multi-node task holds
//     its nodes whole), its Lambda concurrency, its Batch vCPUs. So on every
//     pool k the sum of a_k(v), the task's share of that capacity times its
//     least duration, over the tasks run there is at most the makespan; for
//     weights λ on the pools summing to 1, Σ_k λ_k load_k ≤ makespan and
//     Σ_v min_k λ_k a_k(v) ≤ Σ_k λ_k load_k. Any λ gives a bound; Bound
//     searches for a good one (the dual of the fractional assignment LP).
//     The same holds within a time window: to end by T, each task must run
//     where it can end by T less the least time its descendants need, and
//     each pool's work must fit in the capacity it has before T (see
//     bound_window.go); every T that fails is a bound.
//   - Cost: a VM node is billed at least for the time its tasks hold its
//     vCPUs (share of its vCPUs × duration); a task on a pool's head node
//     costs nothing per task (the head is a fixed cost), but the heads'
//     vCPUs are up only for the makespan: core-seconds beyond what they
//     hold in MakespanS lengthen the run and so the fixed costs every
//     placement pays (see headCost). A Lambda
//     invocation and a Batch task are billed on their duration, rounded
//     up, which grows with it. A task in the S3 domain pays a GET and a PUT.
//     Fixed costs (a cluster's fixed hourly price, once per cluster; the
//     Lustre file system) are added for MakespanS where every placement
//     pays them: all of them in a standing environment; otherwise a
//     cluster's when some stage may use only its pools, the file system's
//     when some stage may use only pools that mount it. Minimum billing,
//     idle time and boots are left out.
//
// The bound is for the pools of p as given: a placement on other pools (a
// static cluster with more nodes than MaxNodes, faster instances) is not
// bounded by it. It returns an error when p is invalid or a stage fits no
// pool.
func Bound(p *Problem) (lb *LowerBound, err error) {
	defer internalError(&err)
	return bound(p)
}

func bound(p *Problem) (*LowerBound, error) {
	pr, err := prepare(p)
	if err != nil {
		return nil, err
	}
	if err := pr.checkAllowed(); err != nil {
		return nil, err
	}
	nT := pr.g.nTasks
	nK := len(p.Pools)
	// least[v*nK+k]: task v's least duration on pool k (+Inf where its stage may not run).
	least := make([]float64, nT*nK)
	for v := 0; v < nT; v++ {
		for k := 0; k < nK; k++ {
			least[v*nK+k] = math.Inf(1)
		}
		for _, k := range pr.allowed[pr.ct[v].Stage] {
			least[v*nK+k] = pr.leastDuration(int32(v), k)
		}
	}
	cp, anyPools := pr.refinedPath(least, false)
	lb := &LowerBound{CriticalPathS: cp, WorkS: pr.workBound(least)}
	lb.MakespanS = pr.windowBound(anyPools, math.Max(lb.CriticalPathS, lb.WorkS))
	cpGiven, given := pr.refinedPath(least, true)
	lb.PoolsAsGivenS = pr.windowBound(given, math.Max(lb.MakespanS, cpGiven))
	lb.CostUSD = pr.costBound(least, lb.MakespanS)
	// costBound grows with the makespan it is given (fixed costs, and head time beyond it costs them).
	lb.CostPoolsAsGivenUSD = math.Max(lb.CostUSD, pr.costBound(least, lb.PoolsAsGivenS))
	return lb, nil
}

// leastDuration is the shortest duration task v can have on pool k under
// the simulator's rules (see [Bound]); the terms are added in the order
// workBW adds them.
func (pr *prepared) leastDuration(v int32, k int) float64 {
	pl := &pr.p.Pools[k]
	st := &pr.p.Storage
	task := &pr.ct[v]
	compute := task.RuntimeS / pl.Speed
	if pl.Kind == KindServerless {
		compute *= lambdaSlowdown(task.Cores, pr.fit[task.Stage][k].memMB, pl)
	}
	read, write, s3 := st.bestBandwidths(pl)
	var d float64
	if st.domainLustre(pl) {
		in := task.InputBytes
		if pr.cacheable(v, k) {
			in = pr.unshared(v) // every shared input may be in the node's page cache
		}
		// Inputs come from Lustre or, when a parent ran in the S3 domain,
		// from S3: the faster of the two bounds either mix.
		d = float64(in)/math.Max(read, s3) + compute + float64(task.OutputBytes)/write
	} else {
		d = (float64(task.InputBytes)+float64(task.OutputBytes))/s3 + compute
	}
	if pl.Kind == KindBatch {
		d += pl.StartLatencyS // every Batch task pays it (dispatchBatch)
	}
	return d
}

// bestBandwidths are the most a task on pool pl can get reading and writing
// the Lustre workspace and moving data through S3: the per-task limits,
// within the aggregates where they are limited (a task's share of an
// aggregate is never more than all of it; see [sharedLink]).
func (s *Storage) bestBandwidths(pl *Pool) (read, write, s3 float64) {
	read, write, s3 = s.LustreBandwidthBps, s.LustreBandwidthBps, pl.S3BandwidthBps
	if s.LustreAggregateBps > 0 {
		read = math.Min(read, s.LustreAggregateBps)
	}
	if a := s.lustreWriteAggregate(); a > 0 {
		write = math.Min(write, a)
	}
	if s.S3AggregateBps > 0 {
		s3 = math.Min(s3, s.S3AggregateBps)
	}
	return read, write, s3
}

// pathInfo is what a pass of the critical path knows.
type pathInfo struct {
	// copies, per shared file, say when a first copy can be whole (see
	// firstCopies); nil: every shared input may be cached at once.
	copies []firstCopy
	// given: the pools as given (see LowerBound.PoolsAsGivenS).
	given bool
	// warm, per stage and pool, says when a warm Lambda environment can
	// first be there (see firstWarm; given only; nil: any time).
	warm []firstCopy
}

// criticalPath is the longest chain of least durations (the least over the
// pools each task may use), barriers taking no time, refined by in. It
// returns the chain's end, every node's earliest start and end, and its
// earliest end per storage domain (efD[2v]: in the Lustre domain,
// efD[2v+1]: in the S3 domain; for a barrier, when its stage's tasks can
// all have ended in that domain).
func (pr *prepared) criticalPath(least []float64, in *pathInfo) (end float64, est, ef, efD []float64) {
	g := pr.g
	nK := len(pr.p.Pools)
	est, ef, efD = make([]float64, g.nNodes), make([]float64, g.nNodes), make([]float64, 2*g.nNodes)
	for _, v := range g.topo {
		ready := 0.0
		for _, p := range g.parents(v) {
			ready = math.Max(ready, ef[p])
		}
		est[v], ef[v] = ready, ready
		for _, p := range g.parents(v) { // a barrier: its stage's tasks all in one domain
			efD[2*v], efD[2*v+1] = math.Max(efD[2*v], efD[2*p]), math.Max(efD[2*v+1], efD[2*p+1])
		}
		if int(v) < g.nTasks {
			efD[2*v], efD[2*v+1] = math.Inf(1), math.Inf(1)
			for k, d := range least[int(v)*nK : int(v)*nK+nK] {
				if math.IsInf(d, 1) {
					continue
				}
				i := 2*v + 1
				if pr.p.Storage.domainLustre(&pr.p.Pools[k]) {
					i = 2 * v
				}
				efD[i] = math.Min(efD[i], pr.earliestEnd(v, k, ready, d, in, efD))
			}
			ef[v] = math.Min(efD[2*v], efD[2*v+1])
		}
		end = math.Max(end, ef[v])
	}
	return end, est, ef, efD
}

// earliestEnd is the earliest task v, ready at ready (the latest earliest
// end of its parents), can end on pool k where its least duration is d.
// With efD (see criticalPath), a task in the Lustre domain reads the share
// of its input that parents in the S3 domain produced from S3 (see
// crossEnd).
func (pr *prepared) earliestEnd(v int32, k int, ready, d float64, in *pathInfo, efD []float64) float64 {
	if pl := &pr.p.Pools[k]; efD != nil && pr.p.Storage.domainLustre(pl) {
		return pr.crossEnd(v, k, ready, d, in, efD)
	}
	return pr.endFrom(v, k, ready, d, 0, in)
}

// endFrom is the earliest task v, ready at ready, can end on pool k where
// its least duration is d, reading its input at bw (0: the best bandwidth
// d assumes; see inBW).
func (pr *prepared) endFrom(v int32, k int, ready, d, bw float64, in *pathInfo) float64 {
	start := ready
	if in.given {
		start = math.Max(ready, pr.earliestStart(v, k))
	}
	pl := &pr.p.Pools[k]
	if !pr.p.Storage.domainLustre(pl) {
		e := start + d
		if in.given && pl.Kind == KindServerless && in.warm != nil {
			// Cold, or in a warm environment another task of its stage left.
			warm := math.Max(start, in.warm[pr.ct[v].Stage*len(pr.p.Pools)+k].of(v)) + d
			e = math.Max(e, math.Min(start+pl.StartLatencyS+d, warm))
		}
		return e
	}
	best := pr.inBW(k)
	if bw <= 0 {
		bw = best
	}
	read := pr.ct[v].InputBytes
	if pr.cacheable(v, k) {
		read = pr.unshared(v)
	}
	rest := d - float64(read)/best // compute and write
	e := start + (float64(read)/bw + rest)
	if in.copies != nil {
		e = math.Max(e, pr.cachedEnd(v, k, start, rest, bw, in.copies))
	}
	return e
}

// earliestStart is the earliest task v can start on pool k as given: on a VM
// pool, 0 when its head node can hold it or enough nodes are up at time 0,
// else once a node has booted.
func (pr *prepared) earliestStart(v int32, k int) float64 {
	pl := &pr.p.Pools[k]
	if !pl.Kind.isVM() {
		return 0
	}
	t := &pr.ct[v]
	n := pr.nodesOf(v, pl)
	if n == 1 && t.Cores <= pl.HeadVCPUs && t.MemoryBytes <= pl.HeadMemoryBytes && t.GPUs == 0 {
		return 0
	}
	if pl.MinNodes >= n && !pl.MinNodesBoot {
		return 0
	}
	return pl.StartLatencyS
}

// capacityShare is the share of pool k's capacity task v holds while it
// runs (0 when the pool's capacity is unknown: no bound from it).
func (pr *prepared) capacityShare(v int32, k int) float64 {
	pl := &pr.p.Pools[k]
	task := &pr.ct[v]
	switch pl.Kind {
	case KindHPC, KindRay:
		if c := max(pl.MinNodes, pl.MaxNodes)*pl.VCPUs + pl.HeadVCPUs; c > 0 {
			return float64(pr.heldCores(v, pl)) / float64(c)
		}
	case KindServerless:
		if pl.Concurrency > 0 {
			return 1 / float64(pl.Concurrency)
		}
	case KindBatch:
		if vcpu, _, ok := fargateSize(task.Cores, task.MemoryBytes, pl); ok && pl.MaxVCPUs > 0 {
			return float64(vcpu) / float64(pl.MaxVCPUs)
		}
	}
	return 0
}

// workBound is the capacity bound: max over weights λ on the pools (summing
// to 1) of Σ_v min_k λ_k a_k(v), a_k(v) being task v's share of pool k's
// capacity times its least duration there (see [Bound] and maxDual).
func (pr *prepared) workBound(least []float64) float64 {
	nT, nK := pr.g.nTasks, len(pr.p.Pools)
	a := make([]float64, nT*nK)
	for v := 0; v < nT; v++ {
		for k := 0; k < nK; k++ {
			i := v*nK + k
			a[i] = math.Inf(1)
			if !math.IsInf(least[i], 1) {
				a[i] = pr.capacityShare(int32(v), k) * least[i]
			}
		}
	}
	return maxDual(a, nT, nK, math.Inf(1))
}

// maxDual searches weights λ on the nK pools (summing to 1) for a large
// φ(λ) = Σ_v min_k λ_k a[v*nK+k] (+Inf entries: pools task v may not use)
// and returns the largest φ found, or as soon as one exceeds stop. Every λ
// gives a lower bound when each pool's Σ a over its tasks is at most 1 (or
// the makespan): the dual of the fractional assignment LP. The search:
// each pool alone, then exponentiated-gradient ascent from equal weights.
// With a finite stop it first assigns the tasks greedily (see
// primalBound): when no pool's load exceeds stop, no λ can (weak duality)
// and it returns 0 at once, the search's answer to the caller being the
// same (not above stop).
func maxDual(a []float64, nT, nK int, stop float64) float64 {
	a, count := uniqueRows(a, nT, nK)
	nT = len(count)
	if !math.IsInf(stop, 1) && primalBound(a, count, nK) <= stop {
		return 0
	}
	grad := make([]float64, nK)
	phi := func(lambda []float64) float64 {
		clear(grad)
		sum := 0.0
		for v := 0; v < nT; v++ {
			best, arg := math.Inf(1), -1
			for k := 0; k < nK; k++ {
				if x := lambda[k] * a[v*nK+k]; x < best { // 0 × +Inf is NaN: not taken
					best, arg = x, k
				}
			}
			if arg < 0 {
				return math.Inf(1) // no pool: nothing fits
			}
			sum += count[v] * best
			grad[arg] += count[v] * a[v*nK+arg]
		}
		return sum
	}
	best := 0.0
	lambda := make([]float64, nK)
	for k := range lambda { // each pool alone: the work only it may run
		clear(lambda)
		lambda[k] = 1
		if best = math.Max(best, phi(lambda)); best > stop {
			return best
		}
	}
	for k := range lambda {
		lambda[k] = 1 / float64(nK)
	}
	const steps = 200
	for it := 0; it < steps; it++ {
		if best = math.Max(best, phi(lambda)); best > stop {
			return best
		}
		top := 0.0
		for _, x := range grad {
			top = math.Max(top, x)
		}
		if !(top > 0) || math.IsInf(top, 1) {
			break
		}
		eta := 2 / math.Sqrt(float64(it+1))
		sum := 0.0
		for k := range lambda {
			lambda[k] *= math.Exp(eta * grad[k] / top)
			sum += lambda[k]
		}
		for k := range lambda {
			lambda[k] /= sum
		}
	}
	return best
}

// primalBound is the largest load of a pool when each row v of a (count[v]
// alike tasks) goes whole to the pool where the load becomes least: a
// feasible assignment, so by weak duality no λ has φ(λ) above it
// (φ(λ) = Σ_v min_k λ_k a_vk ≤ Σ_k λ_k load_k ≤ max_k load_k). +Inf when
// some row fits no pool.
func primalBound(a, count []float64, nK int) float64 {
	load := make([]float64, nK)
	for v := range count {
		best, arg := math.Inf(1), -1
		for k := 0; k < nK; k++ {
			if x := load[k] + count[v]*a[v*nK+k]; x < best {
				best, arg = x, k
			}
		}
		if arg < 0 {
			return math.Inf(1)
		}
		load[arg] = best
	}
	top := 0.0
	for _, x := range load {
		top = math.Max(top, x)
	}
	return top
}

// uniqueRows returns the distinct rows of the nT × nK matrix a, in the
// order they first appear, with how many times each appears (tasks alike,
// as a stage's often are, count once).
func uniqueRows(a []float64, nT, nK int) ([]float64, []float64) {
	at := make(map[string]int, nT)
	key := make([]byte, 8*nK)
	var rows, count []float64
	for v := 0; v < nT; v++ {
		row := a[v*nK : v*nK+nK]
		for k, x := range row {
			binary.LittleEndian.PutUint64(key[8*k:], math.Float64bits(x))
		}
		if i, ok := at[string(key)]; ok {
			count[i]++
			continue
		}
		at[string(key)] = len(count)
		rows = append(rows, row...)
		count = append(count, 1)
	}
	return rows, count
}

// leastCost is the least that task v can cost on pool k once its duration
// is at least d (see [Bound]); on a VM pool, on one of its worker nodes.
func (pr *prepared) leastCost(v int32, k int, d float64) float64 {
	pl := &pr.p.Pools[k]
	task := &pr.ct[v]
	var c float64
	switch pl.Kind {
	case KindHPC, KindRay:
		c = float64(pr.heldCores(v, pl)) / float64(pl.VCPUs) * d * pl.HourlyUSD / 3600
	case KindServerless:
		fit := &pr.fit[task.Stage][k]
		c = serverlessCost(d, fit.memMB, fit.ephMB, pl)
	case KindBatch:
		vcpu, gb, _ := fargateSize(task.Cores, task.MemoryBytes, pl)
		billed := math.Max(pl.MinBillingS, ceilEps(d))
		c = billed / 3600 * (float64(vcpu)*pl.VCPUHourUSD + float64(gb)*pl.GBHourUSD)
		if extra := fargateStorageGB(task, pl) - pl.EphemeralFree; extra > 0 {
			c += billed / 3600 * extra * pl.EphemeralUSD
		}
	}
	return c + pr.requestCost(k)
}

// requestCost is the least a task on pool k pays in S3 requests: a GET and
// a PUT in the S3 domain (s3Requests), none in the Lustre domain.
func (pr *prepared) requestCost(k int) float64 {
	if st := &pr.p.Storage; !st.domainLustre(&pr.p.Pools[k]) {
		return st.S3GetUSD + st.S3PutUSD
	}
	return 0
}

// onHead reports whether task v fits pool k's head node.
func (pr *prepared) onHead(v int32, k int) bool {
	pl := &pr.p.Pools[k]
	t := &pr.ct[v]
	return pl.HeadVCPUs > 0 && pr.nodesOf(v, pl) == 1 && t.Cores <= pl.HeadVCPUs && t.MemoryBytes <= pl.HeadMemoryBytes && t.GPUs == 0
}

// costBound is the least the tasks can cost plus the fixed costs every
// placement pays for at least makespan seconds (fixed: their hourly rate)
// and the head nodes' time (see headCost).
func (pr *prepared) costBound(least []float64, makespan float64) float64 {
	fixed := pr.fixedHourly()
	return pr.headCost(least, makespan, fixed) + fixed*makespan/3600
}

// fixedHourly is the hourly rate of the fixed costs every placement pays:
// once per cluster (see Pool.Cluster), billed for the makespan to every
// placement in a standing environment; otherwise to those that use the
// cluster (the file system), which every placement does when a stage may
// use nothing else.
func (pr *prepared) fixedHourly() float64 {
	p := pr.p
	nK := len(p.Pools)
	clusterOf := make([]int, nK)
	for i, c := range pr.clusters {
		for _, k := range c {
			clusterOf[k] = i
		}
	}
	usesCluster := make([]bool, len(pr.clusters))
	usesFS := p.Standing && p.Storage.Lustre
	for i := range usesCluster {
		usesCluster[i] = p.Standing
	}
	for _, a := range pr.allowed {
		one := len(a) > 0
		for _, k := range a {
			one = one && clusterOf[k] == clusterOf[a[0]]
		}
		if one {
			usesCluster[clusterOf[a[0]]] = true
		}
		allFS := true
		for _, k := range a {
			allFS = allFS && p.Storage.domainLustre(&p.Pools[k])
		}
		usesFS = usesFS || allFS
	}
	total := 0.0
	for i, c := range pr.clusters {
		if usesCluster[i] {
			total += p.Pools[c[0]].FixedHourlyUSD
		}
	}
	if usesFS {
		total += p.Storage.LustreHourlyUSD
	}
	return total
}

// headCost is the least the tasks can cost, some of them on head nodes (no
// cost per task: a head is a fixed cost). The heads' vCPUs (hv in all) are
// up for the makespan, so the core-seconds H their tasks hold make it at
// least H / hv, and the fixed costs every placement pays (fixed, per hour)
// grow with it beyond makespan. Relaxed to fractions of tasks, the least is
// the greedy one: tasks by the saving per head core-second, first into the
// head time the makespan gives for free, then while the saving is more
// than the fixed costs' price of that head time.
func (pr *prepared) headCost(least []float64, makespan, fixed float64) float64 {
	nK := len(pr.p.Pools)
	hv := 0
	for k := range pr.p.Pools {
		hv += pr.p.Pools[k].HeadVCPUs
	}
	type saving struct{ perCoreS, coreS float64 }
	var savings []saving
	total := 0.0
	for v := 0; v < pr.g.nTasks; v++ {
		best, head, headReq := math.Inf(1), math.Inf(1), 0.0
		for _, k := range pr.allowed[pr.ct[v].Stage] {
			d := least[v*nK+k]
			best = math.Min(best, pr.leastCost(int32(v), k, d))
			if pr.onHead(int32(v), k) && float64(pr.ct[v].Cores)*d < head {
				head, headReq = float64(pr.ct[v].Cores)*d, pr.requestCost(k)
			}
		}
		total += best
		if !math.IsInf(head, 1) && best > headReq {
			savings = append(savings, saving{(best - headReq) / head, head})
		}
	}
	if hv == 0 {
		return total
	}
	sort.Slice(savings, func(i, j int) bool { return savings[i].perCoreS > savings[j].perCoreS })
	free := float64(hv) * makespan      // head core-seconds within the makespan
	price := fixed / 3600 / float64(hv) // beyond it, per head core-second
	for _, s := range savings {
		if free > 0 {
			use := math.Min(free, s.coreS)
			total -= use * s.perCoreS
			free -= use
			s.coreS -= use
		}
		if s.coreS > 0 && s.perCoreS > price {
			total -= s.coreS * (s.perCoreS - price)
		}
	}
	return total
}
