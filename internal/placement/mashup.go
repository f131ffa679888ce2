// SPDX-License-Identifier: MPL-2.0

package placement

import "math"

// MashupAssignment returns the placement of the Mashup-style decision
// model, after Roy, Patel, Gadepally and Tiwari, "Mashup: Making Serverless
// Computing Useful for HPC Workflows via Hybrid Execution" (PPoPP 2022).
// Only the paper's abstract is public here; the model weighs what that
// approach weighs — whether a stage's tasks fit serverless functions at all,
// the stage's width against the VM cluster's size, cold starts against node
// scale-out, data through S3 against the shared file system, and VM-hours
// against GB-seconds — with these assumptions:
//
//  1. Stages are decided one at a time in workflow order, each on its own
//     (no overlap with other stages, no queueing behind them); a pinned
//     stage stays on its pin.
//  2. The VM option is the first HPC pool the stage fits, else the first Ray
//     pool. Its time is one node boot when the stage's cores exceed the
//     warm nodes (MinNodes), plus ceil(width / cluster cores) waves of the
//     stage's mean task (compute at the pool's speed, input and output
//     through Lustre — or through S3 when a parent stage went serverless),
//     and at least its longest task and the time the stage's bytes need
//     through the workspace's aggregate throughput (and S3's, when one is
//     set). Its cost is the nodes the stage needs (at most MaxNodes) for
//     that time plus the scale-down idle time, at the hourly price. The
//     node page cache (see cache.go) is counted for the stage alone: a
//     shared file that fits in a node's memory beside the stage's largest
//     task is read once per node the stage needs (its other readers' bytes
//     leave the mean task and the aggregate), not counting files cached
//     by earlier stages.
//  3. The serverless option is the first serverless pool the stage fits
//     (memory, timeout, ephemeral storage, not stateful or MPI). Its time is
//     ceil(tasks / concurrency) waves of the mean invocation (a cold start,
//     compute slowed when the memory setting gives fewer vCPUs than cores,
//     input and output through S3 at the per-function bandwidth), at least
//     the longest invocation (and the stage's bytes through an S3 aggregate
//     limit, when one is set). Its cost is every invocation's GB-seconds at
//     the 1 ms tick, ephemeral storage and requests.
//  4. The stage goes serverless when that option scores better on the
//     objective, with both options' cost and time taken relative to the VM
//     option's (for the weighted objective: w·C_s/C_vm + (1-w)·T_s/T_vm < 1).
//     When only one option exists it is taken; with neither, the stage's
//     first allowed pool.
//
// The decision is analytic (estimates, not simulation); the placement it
// gives is then simulated like every other baseline.
func MashupAssignment(p *Problem, opt Options) (Assignment, error) {
	o, err := opt.normalised()
	if err != nil {
		return nil, err
	}
	pr, err := prepare(p)
	if err != nil {
		return nil, err
	}
	if err := pr.checkAllowed(); err != nil {
		return nil, err
	}
	return mashup(pr, o)
}

// estimate is a stage's time and cost on one option.
type estimate struct{ time, cost float64 }

func mashup(pr *prepared, opt Options) (Assignment, error) {
	a := make(Assignment, len(pr.w.Stages))
	onS3 := make([]bool, len(pr.w.Stages))
	parents := pr.stageParents()
	for s := range a {
		a[s] = pr.allowed[s][0]
		if pr.w.Stages[s].Pin != "" {
			onS3[s] = !pr.p.Storage.domainLustre(&pr.p.Pools[a[s]]) // its children read from where it ran
			continue
		}
		vm, _ := firstOfKind(pr, s, KindHPC)
		if vm < 0 {
			vm, _ = firstOfKind(pr, s, KindRay)
		}
		sls, _ := firstOfKind(pr, s, KindServerless)
		switch {
		case vm < 0 && sls < 0:
		case vm < 0:
			a[s] = sls
		case sls < 0:
			a[s] = vm
		default:
			fromS3 := false
			for _, ps := range parents[s] {
				fromS3 = fromS3 || onS3[ps]
			}
			v, f := pr.vmEstimate(s, vm, fromS3), pr.serverlessEstimate(s, sls)
			rel := Normalisation{CostUSD: v.cost, MakespanS: v.time}
			a[s] = vm
			if opt.Score(f.cost, f.time, rel) < opt.Score(v.cost, v.time, rel) {
				a[s] = sls
			}
		}
		onS3[s] = !pr.p.Storage.domainLustre(&pr.p.Pools[a[s]])
	}
	return a, nil
}

// stageParents lists, per stage, the other stages its tasks depend on.
func (pr *prepared) stageParents() [][]int {
	g := pr.g
	seen := make([]map[int]bool, len(pr.w.Stages))
	out := make([][]int, len(pr.w.Stages))
	for v := int32(0); int(v) < g.nTasks; v++ {
		s := int(g.nodeStage[v])
		for _, p := range g.parents(v) {
			ps := int(g.nodeStage[p])
			if ps == s {
				continue
			}
			if seen[s] == nil {
				seen[s] = map[int]bool{}
			}
			if !seen[s][ps] {
				seen[s][ps] = true
				out[s] = append(out[s], ps)
			}
		}
	}
	return out
}

// vmEstimate is the decision model's estimate of stage s on VM pool k.
func (pr *prepared) vmEstimate(s, k int, fromS3 bool) estimate {
	pl := &pr.p.Pools[k]
	cross := 0.0
	if fromS3 {
		cross = 1
	}
	var sum, longest, read, write float64
	cores := 0
	for _, v := range pr.g.stageTasks[s] {
		d := pr.work(v, pl, 0, cross)
		sum += d
		longest = math.Max(longest, d)
		cores += pr.heldCores(v, pl) // a multi-node MPI task holds its nodes whole
		read += float64(pr.ct[v].InputBytes)
		write += float64(pr.ct[v].OutputBytes)
	}
	n := float64(len(pr.g.stageTasks[s]))
	nodes := float64(min(pl.MaxNodes, ceilDiv(cores, pl.VCPUs)))
	if saved := pr.cacheSaved(s, pl, int(nodes)); saved > 0 {
		// The page cache: those bytes are not read (their time leaves the mean task's).
		bw := pr.soloBW(pl)
		sum -= saved * ((1-cross)/bw.fsRead + cross/bw.s3)
		read -= saved
	}
	clusterCores := pl.MaxNodes * pl.VCPUs
	t := math.Max(longest, float64(ceilDiv(cores, clusterCores))*sum/n)
	t = math.Max(t, pr.aggregateTime(pl, read*(1-cross), read*cross, write))
	if cores > pl.MinNodes*pl.VCPUs {
		t += pl.StartLatencyS
	}
	return estimate{time: t, cost: nodes * (t + pl.IdleTimeoutS) * pl.HourlyUSD / 3600}
}

// serverlessEstimate is the decision model's estimate of stage s on
// serverless pool k.
func (pr *prepared) serverlessEstimate(s, k int) estimate {
	pl := &pr.p.Pools[k]
	fit := &pr.fit[s][k]
	var sum, longest, cost, bytes float64
	for _, v := range pr.g.stageTasks[s] {
		d := pr.work(v, pl, fit.memMB, 0) + pl.StartLatencyS
		sum += d
		longest = math.Max(longest, d)
		cost += serverlessCost(d, fit.memMB, fit.ephMB, pl)
		bytes += float64(pr.ct[v].InputBytes) + float64(pr.ct[v].OutputBytes)
	}
	n := len(pr.g.stageTasks[s])
	t := math.Max(longest, float64(ceilDiv(n, pl.Concurrency))*sum/float64(n))
	t = math.Max(t, pr.aggregateTime(pl, 0, bytes, 0))
	return estimate{time: t, cost: cost}
}

// aggregateTime is the least time a stage on pool pl needs to move its data
// through the shared aggregates: fsRead and fsWrite bytes on the Lustre
// workspace (a Lustre-domain pool), s3 bytes through S3; 0 for a link
// without an aggregate limit.
func (pr *prepared) aggregateTime(pl *Pool, fsRead, s3, fsWrite float64) float64 {
	st := &pr.p.Storage
	t := 0.0
	if st.domainLustre(pl) && st.LustreAggregateBps > 0 {
		t = fsRead/st.LustreAggregateBps + fsWrite/st.lustreWriteAggregate()
	}
	if st.S3AggregateBps > 0 {
		t += s3 / st.S3AggregateBps
	}
	return t
}

// cacheSaved is the decision model's estimate of the input bytes the tasks
// of stage s on VM pool pl find in the node page cache (see cache.go) when
// the stage runs on nodes nodes: each shared file that fits in a node's
// memory beside the stage's largest task is read by its first reader on
// each node, found in the cache by the others.
func (pr *prepared) cacheSaved(s int, pl *Pool, nodes int) float64 {
	if pr.fileBytes == nil || pr.p.Storage.NoPageCache || !pr.p.Storage.domainLustre(pl) {
		return 0
	}
	var largest int64
	for _, v := range pr.g.stageTasks[s] {
		largest = max(largest, pr.ct[v].MemoryBytes)
	}
	room := pl.MemoryBytes - largest
	seen := map[int32]int{}
	saved := 0.0 // summed in task order: deterministic
	for _, v := range pr.g.stageTasks[s] {
		for _, f := range pr.w.Tasks[v].SharedInputs {
			seen[f]++
			if b := pr.fileBytes[f]; b <= room && seen[f] > max(1, nodes) {
				saved += float64(b)
			}
		}
	}
	return saved
}
