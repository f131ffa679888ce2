// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"math"
)

// Baseline names, in the order Solution.Baselines lists them.
const (
	// BaselineStatic is the cluster users size by hand: the first HPC pool
	// (else Ray pool) with a fixed number of nodes for the whole run, billed
	// for all of it, idle time included; every stage runs on it. Its nodes
	// boot at time 0 (a cluster created for the run) unless
	// Options.StaticUp says it is up before the run.
	BaselineStatic = "static-cluster"
	// BaselineAllHPC is the autoscaled cluster: every stage on the first HPC
	// pool, nodes started on demand and billed until the scale-down idle
	// time after their last task.
	BaselineAllHPC        = "all-hpc"
	BaselineAllRay        = "all-ray"
	BaselineAllServerless = "all-serverless"
	BaselineAllBatch      = "all-batch"
	// BaselineBestSingle is the best of the four all-<platform> baselines on
	// the objective (Baseline.Of names it).
	BaselineBestSingle = "best-single-platform"
	// BaselineMashup is the Mashup-style per-stage decision model
	// ([MashupAssignment]).
	BaselineMashup = "mashup"
	// BaselineHEFT is HEFT's own task-level mapping ([HEFT]) run by the
	// simulator.
	BaselineHEFT = "heft"
)

// computeBaselines simulates every baseline; the per-stage ones on the
// problem's pools go through se (so they are search candidates). Scores,
// reductions and best-single-platform are filled in by finishBaselines.
func computeBaselines(pr *prepared, se *searcher, opt Options) []Baseline {
	out := []Baseline{staticBaseline(pr, opt)}
	candidate := func(name string, a Assignment, err error) Baseline {
		b := Baseline{Name: name, candidate: true}
		if err != nil {
			b.Reason = infeasibleReason(err)
			return b
		}
		se.phase = "baseline " + name
		c := &se.all[se.evalA(a)]
		b.Feasible, b.Assignment, b.MakespanS, b.CostUSD = true, c.plan.Stages, c.makespan, c.cost
		b.MeetsConstraints = c.violation == 0
		return b
	}
	for _, kb := range []struct {
		name string
		kind PlatformKind
	}{{BaselineAllHPC, KindHPC}, {BaselineAllRay, KindRay}, {BaselineAllServerless, KindServerless}, {BaselineAllBatch, KindBatch}} {
		a, err := allOnKind(pr, kb.kind)
		out = append(out, candidate(kb.name, a, err))
	}
	out = append(out, Baseline{Name: BaselineBestSingle})
	a, err := mashup(pr, opt)
	out = append(out, candidate(BaselineMashup, a, err))

	// HEFT's task-level mapping is a candidate too (refined by Solve),
	// unless stages must run whole (NoSplit) or the workflow has more than
	// Options.MaxTaskLevelTasks tasks.
	h := heft(pr)
	plan := Plan{Stages: h.Assignment, Tasks: h.TaskPools, Order: h.TaskStartS}
	var mk, cost float64
	taskLevel := !opt.NoSplit && len(pr.w.Tasks) <= opt.MaxTaskLevelTasks
	if !taskLevel {
		mk, cost, _ = se.sm.run(&plan, nil)
	} else {
		se.phase = "baseline " + BaselineHEFT
		c := &se.all[se.eval(plan)]
		mk, cost = c.makespan, c.cost
	}
	out = append(out, Baseline{Name: BaselineHEFT, Feasible: true, Assignment: h.Assignment, TaskPools: h.TaskPools,
		TaskOrder: h.TaskStartS, MakespanS: mk, CostUSD: cost, MeetsConstraints: meets(opt, mk, cost), TaskLevelMakespanS: h.TaskMakespanS,
		candidate: taskLevel})
	// HEFT's per-stage reduction is a starting point of the search.
	se.phase = "baseline heft (per stage)"
	se.evalA(h.Assignment)
	return out
}

func meets(o Options, makespan, cost float64) bool {
	return (o.DeadlineS <= 0 || makespan <= o.DeadlineS) && (o.BudgetUSD <= 0 || cost <= o.BudgetUSD)
}

func infeasibleReason(err error) string {
	if ie, ok := err.(*InfeasibleError); ok && ie.Stage != "" {
		return fmt.Sprintf("stage %q %s", ie.Stage, ie.Reason)
	}
	return err.Error()
}

// finishBaselines scores the feasible baselines, computes the solution's
// improvement over each and fills in best-single-platform.
func finishBaselines(bs []Baseline, ev *Evaluation, opt Options, norm Normalisation) {
	best := -1
	for i := range bs {
		b := &bs[i]
		if !b.Feasible {
			continue
		}
		b.Score = opt.Score(b.CostUSD, b.MakespanS, norm)
		switch b.Name {
		case BaselineAllHPC, BaselineAllRay, BaselineAllServerless, BaselineAllBatch:
			if best < 0 || b.Score < bs[best].Score {
				best = i
			}
		}
	}
	for i := range bs {
		b := &bs[i]
		if b.Name != BaselineBestSingle {
			continue
		}
		if best < 0 {
			b.Reason = "no single platform runs every stage"
			continue
		}
		*b = bs[best]
		b.Name, b.Of, b.candidate = BaselineBestSingle, bs[best].Name, false
	}
	for i := range bs {
		if b := &bs[i]; b.Feasible {
			b.MakespanReductionPct = reduction(b.MakespanS, ev.MakespanS)
			b.CostReductionPct = reduction(b.CostUSD, ev.CostUSD)
		}
	}
}

// EvaluateBaseline simulates a baseline that Solve reported again, outside
// Solve, on problem p: the static cluster on the problem with its static
// pool given the baseline's node count, HEFT's task-level mapping, and
// every other baseline's assignment as it is.
func EvaluateBaseline(p *Problem, b *Baseline) (*Evaluation, error) {
	switch {
	case !b.Feasible:
		return nil, fmt.Errorf("baseline %s is infeasible: %s", b.Name, b.Reason)
	case b.Name == BaselineStatic:
		k := staticPool(p)
		if k < 0 {
			return nil, fmt.Errorf("no HPC or Ray pool for the static cluster")
		}
		return Evaluate(staticProblem(p, k, b.Nodes, b.Boots), b.Assignment)
	case b.TaskPools != nil:
		return EvaluatePlan(p, Plan{Stages: b.Assignment, Tasks: b.TaskPools, Order: b.TaskOrder})
	}
	return Evaluate(p, b.Assignment)
}

// staticProblem is p with pool k made a static cluster of n nodes, booting
// at time 0 when boot is set.
func staticProblem(p *Problem, k, n int, boot bool) *Problem {
	p2 := *p
	p2.Pools = append([]Pool(nil), p.Pools...)
	p2.Pools[k].MinNodes, p2.Pools[k].MaxNodes = n, n
	p2.Pools[k].MinNodesBoot = boot
	return &p2
}

// staticPool returns the pool the static cluster is made of: the first HPC
// pool, else the first Ray pool, or -1.
func staticPool(p *Problem) int {
	for _, kind := range []PlatformKind{KindHPC, KindRay} {
		for k := range p.Pools {
			if p.Pools[k].Kind == kind {
				return k
			}
		}
	}
	return -1
}

// StaticClusterNodes is how users size a static cluster for a workflow when
// Options.StaticNodes does not say: enough nodes of pool k for the widest
// stage to run at once (its tasks' cores, memory and GPUs; the nodes of
// its multi-node MPI tasks whole), at most the pool's MaxNodes.
func StaticClusterNodes(p *Problem, k int) int {
	w := p.Workflow
	pl := &p.Pools[k]
	type width struct {
		cores, gpus, nodes int
		mem                float64
	}
	ws := make([]width, len(w.Stages))
	for i := range w.Tasks {
		t := &w.Tasks[i]
		if span := TaskNodes(t, &w.Stages[t.Stage], pl); span > 1 && pl.EFA {
			ws[t.Stage].nodes += span
			continue
		}
		ws[t.Stage].cores += t.Cores
		ws[t.Stage].gpus += t.GPUs
		ws[t.Stage].mem += float64(t.MemoryBytes)
	}
	n := 1
	for _, x := range ws {
		m := max(ceilDiv(x.cores, pl.VCPUs), int(math.Ceil(x.mem/float64(pl.MemoryBytes))))
		if pl.GPUs > 0 {
			m = max(m, ceilDiv(x.gpus, pl.GPUs))
		}
		n = max(n, x.nodes+m)
	}
	return min(n, pl.MaxNodes)
}

// staticBaseline simulates the static cluster: the problem with its static
// pool given a fixed node count, every stage that can on that pool (pinned
// stages and stages that cannot, say GPU stages, on their first pool).
func staticBaseline(pr *prepared, opt Options) Baseline {
	b := Baseline{Name: BaselineStatic}
	k := staticPool(pr.p)
	if k < 0 {
		b.Reason = "no HPC or Ray pool is configured"
		return b
	}
	n := opt.StaticNodes
	if n == 0 {
		n = StaticClusterNodes(pr.p, k)
	}
	a := make(Assignment, len(pr.w.Stages))
	for s := range a {
		a[s] = k
		if !pr.fit[s][k].ok || pr.w.Stages[s].Pin != "" {
			a[s] = pr.allowed[s][0]
		}
	}
	ev, err := Evaluate(staticProblem(pr.p, k, n, !opt.StaticUp), a)
	if err != nil {
		b.Reason = infeasibleReason(err)
		return b
	}
	b.Feasible, b.Assignment, b.Nodes, b.Boots, b.MakespanS, b.CostUSD = true, a, n, !opt.StaticUp, ev.MakespanS, ev.CostUSD
	b.MeetsConstraints = meets(opt, ev.MakespanS, ev.CostUSD)
	return b
}

// allOnKind puts every stage on the first pool of the kind it may use;
// pinned stages stay on their pin. A stage that can use no pool of the kind
// makes the baseline infeasible, with the reason.
func allOnKind(pr *prepared, kind PlatformKind) (Assignment, error) {
	a := make(Assignment, len(pr.w.Stages))
	for s := range a {
		k, reason := firstOfKind(pr, s, kind)
		if k < 0 && pr.w.Stages[s].Pin != "" && len(pr.allowed[s]) > 0 {
			k = pr.allowed[s][0]
		}
		if k < 0 {
			return nil, &InfeasibleError{Stage: pr.w.Stages[s].Name, Reason: reason}
		}
		a[s] = k
	}
	return a, nil
}

// firstOfKind returns the first pool of the kind stage s may use, or -1 and
// why not.
func firstOfKind(pr *prepared, s int, kind PlatformKind) (int, string) {
	reason := fmt.Sprintf("no %s pool is configured", kind)
	for k := range pr.p.Pools {
		if pr.p.Pools[k].Kind != kind {
			continue
		}
		if pr.fit[s][k].ok {
			return k, ""
		}
		reason = fmt.Sprintf("cannot run on %s pool %q: %s", kind, pr.p.Pools[k].Name, pr.fit[s][k].reason)
	}
	return -1, reason
}
