// SPDX-License-Identifier: MPL-2.0

package placement

import "math"

// report fills ev from the finished simulation.
func (sm *simulator) report(ev *Evaluation, total float64) {
	pr := sm.pr
	ev.Assignment = append(Assignment(nil), sm.plan.Stages...)
	ev.MakespanS = sm.makespan
	ev.CostUSD = total
	ev.S3RequestUSD = sm.s3Cost
	if sm.billsFS() {
		ev.StorageUSD = pr.p.Storage.LustreHourlyUSD * sm.makespan / 3600
	}
	sm.reportPools(ev)
	sm.reportStages(ev)
}

func (sm *simulator) reportPools(ev *Evaluation) {
	p := sm.pr.p
	w := sm.pr.w
	kindCost := map[PlatformKind]float64{}
	ev.Pools = make([]PoolUsage, len(p.Pools))
	for k := range sm.pools {
		sp := &sm.pools[k]
		pl := sp.pool
		u := PoolUsage{Pool: pl.Name, Platform: pl.Kind, InstanceType: pl.InstanceType, Tasks: sp.tasks,
			ColdStarts: sp.coldStarts, BusyCoreS: sp.busy, CostUSD: sp.cost, Nodes: sp.peak}
		if pl.Kind.isVM() {
			u.Nodes = len(sp.nodes) - sp.heads
			for i := sp.heads; i < len(sp.nodes); i++ {
				u.BilledCoreS += sm.nodeBilledS(&sp.nodes[i], pl) * float64(pl.VCPUs)
			}
		}
		kindCost[pl.Kind] += sp.cost
		ev.Pools[k] = u
	}
	// Billed core-seconds of serverless and batch come from per-task spans.
	for i := range w.Tasks {
		task := &w.Tasks[i]
		k := sm.poolOf[i]
		pl := &p.Pools[k]
		d := sm.end[i] - sm.start[i]
		switch pl.Kind {
		case KindServerless:
			ev.Pools[k].BilledCoreS += d * float64(sm.pr.fit[task.Stage][k].memMB) / pl.MBPerVCPU
		case KindBatch:
			vcpu, _, _ := fargateSize(task.Cores, task.MemoryBytes, pl)
			ev.Pools[k].BilledCoreS += math.Max(pl.MinBillingS, ceilEps(d)) * float64(vcpu)
		}
	}
	var busyAll, billedAll float64
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
	ev.PageCacheBytes = sm.cacheHits
	ev.Platforms = make([]PlatformCost, len(Kinds))
	for i, kd := range Kinds {
		ev.Platforms[i] = PlatformCost{Platform: kd, CostUSD: kindCost[kd]}
	}
}

func (sm *simulator) reportStages(ev *Evaluation) {
	p := sm.pr.p
	w := sm.pr.w
	nP := len(p.Pools)
	ev.Stages = make([]StageResult, len(w.Stages))
	for s := range w.Stages {
		k := sm.plan.Stages[s]
		pl := &p.Pools[k]
		r := StageResult{Stage: w.Stages[s].Name, Pool: pl.Name, Platform: pl.Kind, InstanceType: pl.InstanceType,
			StartS: math.Inf(1), CostUSD: sm.stageCost[s]}
		if pl.Kind == KindServerless {
			r.MemoryMB = sm.pr.fit[s][k].memMB
		}
		for j := range sm.pools {
			if sm.pools[j].pool.Kind.isVM() && sm.pools[j].held > 0 {
				r.CostUSD += sm.pools[j].cost * sm.stageBusy[s*nP+j] / sm.pools[j].held
			}
		}
		ev.Stages[s] = r
	}
	others := make([]int, len(w.Stages)*nP)
	ev.Tasks = make([]TaskSpan, len(w.Tasks))
	for i := range w.Tasks {
		s := w.Tasks[i].Stage
		r := &ev.Stages[s]
		r.Tasks++
		r.StartS = math.Min(r.StartS, sm.start[i])
		r.FinishS = math.Max(r.FinishS, sm.end[i])
		k := int(sm.poolOf[i])
		if k != sm.plan.Stages[s] {
			r.BurstTasks++
			others[s*nP+k]++
		}
		ev.Tasks[i] = TaskSpan{Task: i, Pool: k, Node: int(sm.nodeOf[i]), StartS: sm.start[i], FinishS: sm.end[i], Cold: sm.cold[i]}
		if sm.span[i] > 1 {
			r.NodesPerTask = max(r.NodesPerTask, int(sm.span[i]))
			for _, n := range sm.gangNodes(int32(i)) {
				ev.Tasks[i].Nodes = append(ev.Tasks[i].Nodes, int(n))
			}
		}
	}
	for s := range ev.Stages {
		best := -1
		for k := 0; k < nP; k++ {
			if others[s*nP+k] > 0 && (best < 0 || others[s*nP+k] > others[s*nP+best]) {
				best = k
			}
		}
		if best >= 0 {
			ev.Stages[s].BurstPool = p.Pools[best].Name
			if ev.Stages[s].MemoryMB == 0 && p.Pools[best].Kind == KindServerless {
				ev.Stages[s].MemoryMB = sm.pr.fit[s][best].memMB
			}
		}
	}
}
