// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"math"
	"math/bits"
)

// dispatch starts what pool k can start at time t.
func (sm *simulator) dispatch(k int, t float64) {
	sp := &sm.pools[k]
	sp.dirty = false
	switch sp.pool.Kind {
	case KindHPC, KindRay:
		sm.dispatchVM(k, t)
	case KindServerless:
		sm.dispatchServerless(k, t)
	case KindBatch:
		sm.dispatchBatch(k, t)
	}
}

// burstTarget returns the pool a queued task of pool k goes to when it finds
// no capacity there, or -1 when it waits.
func (sm *simulator) burstTarget(v int32, k int) int {
	if sm.plan.Tasks != nil {
		return -1
	}
	s := int(sm.pr.g.nodeStage[v])
	if sm.plan.Stages[s] != k {
		return -1
	}
	return sm.plan.burstOf(s)
}

// burst moves the head task v of pool k, which has no room for it, to its
// stage's burst pool and reports true; false when the task waits.
func (sm *simulator) burst(sp *simPool, v int32, k int) bool {
	b := sm.burstTarget(v, k)
	if b < 0 {
		return false
	}
	sp.popQueued(&sm.pr.ct[v], sm.span[v])
	sm.enqueue(v, b)
	return true
}

// popQueued removes the head of a VM pool's queue and its queued demand
// (span: the nodes the task spans).
func (sp *simPool) popQueued(task *ctask, span int32) {
	sp.queue.pop()
	if !sp.pool.Kind.isVM() {
		return
	}
	if span > 1 {
		sp.queuedNodes -= int(span)
		return
	}
	sp.queuedCores -= task.Cores
	var borrow uint64
	sp.queuedMemLo, borrow = bits.Sub64(sp.queuedMemLo, uint64(task.MemoryBytes), 0)
	sp.queuedMemHi -= borrow
	sp.queuedGP -= task.GPUs
}

func (sm *simulator) dispatchVM(k int, t float64) {
	sp := &sm.pools[k]
	pl := sp.pool
	for len(sp.queue.a) > 0 {
		v := sp.queue.peek()
		task := &sm.pr.ct[v]
		if sm.span[v] > 1 {
			if sm.startGang(sp, v, k, t) {
				continue
			}
			if sm.burst(sp, v, k) {
				continue
			}
			break
		}
		n := sp.findNode(task)
		if n < 0 {
			if sm.burst(sp, v, k) {
				continue
			}
			break
		}
		sp.popQueued(task, 1)
		node := &sp.nodes[n]
		node.freeCores -= task.Cores
		node.freeMem -= task.MemoryBytes
		node.freeGPUs -= task.GPUs
		sp.ready.fix(n)
		var cu cacheUse
		cache := sm.pr.usesCache(v, pl)
		if cache {
			cu = sm.cacheLookup(v, k, n, t)
			sm.cacheHits += cu.bytes
		}
		d := sm.workTime(v, k, t, cu)
		if cache {
			sm.cacheFill(v, k, n, t+sm.io[v].in, t+d)
		}
		sm.startTask(sp, v, t, d, n, false)
		busy := float64(task.Cores) * d
		sp.busy += busy
		sp.held += busy
		sm.stageBusy[task.Stage*len(sm.pools)+k] += busy
	}
	if len(sp.queue.a) == 0 {
		return
	}
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
	if sp.queuedNodes > 0 {
		// Multi-node tasks wait for whole nodes; the idle ones count (only
		// a multi-node task at the head of the queue leaves a node idle).
		need += sp.queuedNodes - sp.idleNodes()
	}
	need -= sp.booting
	if room := pl.MaxNodes - (len(sp.nodes) - sp.heads); need > room {
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

func (sm *simulator) dispatchServerless(k int, t float64) {
	sp := &sm.pools[k]
	pl := sp.pool
	for len(sp.queue.a) > 0 {
		v := sp.queue.peek()
		task := &sm.pr.ct[v]
		if sp.running >= pl.Concurrency {
			if sm.burst(sp, v, k) {
				continue
			}
			break
		}
		sp.popQueued(task, 1)
		fit := &sm.pr.fit[task.Stage][k]
		work := sm.workTime(v, k, t, cacheUse{})
		d := work
		cold := false
		if sp.warm[task.Stage] > 0 {
			sp.warm[task.Stage]--
		} else {
			cold = true
			sp.coldStarts++
			d += pl.StartLatencyS
		}
		sp.running++
		sp.peak = max(sp.peak, sp.running)
		sm.startTask(sp, v, t, d, -1, cold)
		c := serverlessCost(d, fit.memMB, fit.ephMB, pl)
		sp.cost += c
		sm.stageCost[task.Stage] += c
		sp.busy += math.Min(float64(task.Cores), float64(fit.memMB)/pl.MBPerVCPU) * work
	}
}

// serverlessCost is the price of one invocation of d seconds (cold start
// included) with memMB of memory and ephMB of ephemeral storage: duration
// rounded up to the billing tick, GB-seconds of memory, GB-seconds of
// ephemeral storage above the free size, and the request.
func serverlessCost(d float64, memMB, ephMB int, pl *Pool) float64 {
	billed := d
	if pl.BillingTickS > 0 {
		billed = ceilEps(d/pl.BillingTickS) * pl.BillingTickS
	}
	c := billed*float64(memMB)/1024*pl.GBSecondUSD + pl.RequestUSD
	if extra := float64(ephMB) - pl.EphemeralFree; extra > 0 {
		c += billed * extra / 1024 * pl.EphemeralUSD
	}
	return c
}

func (sm *simulator) dispatchBatch(k int, t float64) {
	sp := &sm.pools[k]
	pl := sp.pool
	for len(sp.queue.a) > 0 {
		v := sp.queue.peek()
		task := &sm.pr.ct[v]
		vcpu, gb, _ := fargateSize(task.Cores, task.MemoryBytes, pl)
		if sp.usedVCPUs+vcpu > pl.MaxVCPUs {
			if sm.burst(sp, v, k) {
				continue
			}
			break
		}
		sp.popQueued(task, 1)
		sp.usedVCPUs += vcpu
		sp.running++
		sp.peak = max(sp.peak, sp.running)
		work := sm.workTime(v, k, t, cacheUse{})
		d := pl.StartLatencyS + work
		sm.startTask(sp, v, t, d, -1, false)
		billed := math.Max(pl.MinBillingS, ceilEps(d))
		c := billed / 3600 * (float64(vcpu)*pl.VCPUHourUSD + float64(gb)*pl.GBHourUSD)
		if extra := fargateStorageGB(task, pl) - pl.EphemeralFree; extra > 0 {
			c += billed / 3600 * extra * pl.EphemeralUSD
		}
		sp.cost += c
		sm.stageCost[task.Stage] += c
		sp.busy += float64(task.Cores) * work
	}
}

// fargateStorageGB is the ephemeral storage a Fargate task needs for its
// inputs and outputs, in GB (at least the free size).
func fargateStorageGB(task *ctask, pl *Pool) float64 {
	return math.Max(pl.EphemeralFree, math.Ceil(float64(task.InputBytes+task.OutputBytes)/1e9))
}

// crossShare is the share of task v's input produced in the other storage
// domain than lustre (per-edge bytes are not tracked: a task with k
// dependencies, c of them in the other domain, reads c/k of its input there).
func (sm *simulator) crossShare(v int32, lustre bool) float64 {
	ps := sm.pr.g.parents(v)
	if len(ps) == 0 {
		return 0
	}
	n := 0.0
	for _, p := range ps {
		if lustre {
			n += 1 - float64(sm.lustre[p])
		} else {
			n += float64(sm.lustre[p])
		}
	}
	return n / float64(len(ps))
}

// workTime is task v's input + compute + output time on pool k when it
// starts at t (without start latencies), at its share of the S3 and Lustre
// aggregate throughput (see [sharedLink]), with what it finds in its node's
// page cache (cu); its time on each link is kept in sm.io for startTask.
func (sm *simulator) workTime(v int32, k int, t float64, cu cacheUse) float64 {
	pl := &sm.pr.p.Pools[k]
	cross := sm.crossShare(v, sm.pr.p.Storage.domainLustre(pl))
	d, io := sm.pr.workBW(v, pl, sm.pr.fit[sm.pr.ct[v].Stage][k].memMB, cross, sm.pr.sharedBW(t, pl, &sm.s3Link, &sm.fsLink), cu)
	sm.io[v] = io
	return d
}

// work is the input + compute + output time of task v on pool pl with memMB
// of Lambda memory (serverless) when the share cross of its input comes from
// the other storage domain, at the per-task throughput (no other task
// sharing the aggregates).
func (pr *prepared) work(v int32, pl *Pool, memMB int, cross float64) float64 {
	d, _ := pr.workBW(v, pl, memMB, cross, pr.soloBW(pl), cacheUse{})
	return d
}

// workBW is work with the throughput bw and the page cache use cu (the
// bytes found there are not read; the input phase lasts at least cu.waitS),
// and the task's time moving data through S3 and Lustre.
func (pr *prepared) workBW(v int32, pl *Pool, memMB int, cross float64, bw taskBW, cu cacheUse) (float64, taskIO) {
	task := &pr.ct[v]
	compute := task.RuntimeS / pl.Speed
	if pl.Kind == KindServerless {
		compute *= lambdaSlowdown(task.Cores, memMB, pl)
	}
	in, out := float64(task.InputBytes-cu.bytes), float64(task.OutputBytes)
	if pr.p.Storage.domainLustre(pl) {
		read, fromS3, write := in*(1-cross)/bw.fsRead, in*cross/bw.s3, out/bw.fsWrite
		input := max(read+fromS3, cu.waitS)
		return input + compute + write, taskIO{s3: fromS3, fs: read + write, in: input}
	}
	s3 := (in + out) / bw.s3
	return s3 + compute, taskIO{s3: s3, in: in / bw.s3}
}

func (sm *simulator) startTask(sp *simPool, v int32, t, d float64, node int32, cold bool) {
	sm.start[v] = t
	sm.end[v] = t + d
	sm.nodeOf[v] = node
	sm.cold[v] = cold
	sm.joinLinks(v, t, d)
	sm.lustre[v] = 0
	if sm.pr.p.Storage.domainLustre(sp.pool) {
		sm.lustre[v], sm.usedFS = 1, true
	}
	sp.tasks++
	sm.s3Requests(v)
	sm.events.push(finishEvent(t+d, v))
}

// s3Requests charges a starting task's S3 requests: a GET and a PUT in the
// S3 domain; in the Lustre domain a GET when part of its input comes from
// S3 and a PUT when a consumer may run in the S3 domain.
func (sm *simulator) s3Requests(v int32) {
	pr := sm.pr
	s := pr.ct[v].Stage
	st := &pr.p.Storage
	var c float64
	if sm.lustre[v] == 0 {
		c = st.S3GetUSD + st.S3PutUSD
	} else {
		if sm.crossShare(v, true) > 0 {
			c += st.S3GetUSD
		}
		export := sm.exportsS3[s]
		for _, ch := range pr.g.children(v) {
			if export {
				break
			}
			if int(ch) < pr.g.nTasks && sm.plan.Tasks != nil {
				export = !st.domainLustre(&pr.p.Pools[sm.plan.Tasks[ch]])
			} else {
				export = sm.mayS3[pr.g.nodeStage[ch]]
			}
		}
		if export {
			c += st.S3PutUSD
		}
	}
	sm.s3Cost += c
	sm.stageCost[s] += c
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
