// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"math"
	"sort"
)

// candidate is one simulated plan.
type candidate struct {
	plan      Plan
	origin    string // the search step that first simulated it
	makespan  float64
	cost      float64
	score     float64
	violation float64
}

// searcher evaluates plans with memoisation.
type searcher struct {
	pr    *prepared
	sm    *simulator
	opt   Options
	norm  Normalisation
	memo  map[string]int // plan key → index in all
	all   []candidate
	evals int
	phase string // origin given to new candidates
}

// key encodes a plan (stage pools, then burst pools + 1, then a marker
// and the task pools of a task-level plan).
func key(pl Plan) string {
	n := len(pl.Stages) + len(pl.Burst) + len(pl.Tasks)
	b := make([]byte, 0, 2*n+1)
	for _, k := range pl.Stages {
		b = append(b, byte(k>>8), byte(k))
	}
	for _, k := range pl.Burst {
		b = append(b, byte((k+1)>>8), byte(k+1))
	}
	if pl.Tasks != nil {
		b = append(b, 0xff)
		for _, k := range pl.Tasks {
			b = append(b, byte(k>>8), byte(k))
		}
	}
	return string(b)
}

// eval simulates a (memoised) plan and returns the candidate index. The
// plan's slices are copied.
func (se *searcher) eval(pl Plan) int {
	k := key(pl)
	if i, ok := se.memo[k]; ok {
		return i
	}
	mk, cost, err := se.sm.run(&pl, nil)
	if err != nil {
		panic(err) // cannot happen for a feasible plan of a validated problem
	}
	se.evals++
	c := candidate{plan: Plan{Stages: append(Assignment(nil), pl.Stages...)}, origin: se.phase, makespan: mk, cost: cost}
	if pl.Burst != nil {
		c.plan.Burst = append([]int(nil), pl.Burst...)
	}
	if pl.Tasks != nil {
		c.plan.Tasks = append([]int(nil), pl.Tasks...)
	}
	if pl.Order != nil {
		c.plan.Order = append([]float64(nil), pl.Order...)
	}
	c.score = se.opt.Score(cost, mk, se.norm)
	if se.opt.DeadlineS > 0 && mk > se.opt.DeadlineS {
		c.violation += mk/se.opt.DeadlineS - 1
	}
	if se.opt.BudgetUSD > 0 && cost > se.opt.BudgetUSD {
		c.violation += cost/se.opt.BudgetUSD - 1
	}
	se.all = append(se.all, c)
	se.memo[k] = len(se.all) - 1
	return len(se.all) - 1
}

// evalA evaluates a whole-stage assignment.
func (se *searcher) evalA(a Assignment) int { return se.eval(Plan{Stages: a}) }

// normalise sets the weighted objective's reference values from the
// feasible baselines and rescores the candidates simulated so far.
func (se *searcher) normalise(baselines []Baseline) {
	first := true
	for _, b := range baselines {
		if !b.Feasible {
			continue
		}
		if first || b.CostUSD < se.norm.CostUSD {
			se.norm.CostUSD = b.CostUSD
		}
		if first || b.MakespanS < se.norm.MakespanS {
			se.norm.MakespanS = b.MakespanS
		}
		first = false
	}
	for i := range se.all {
		se.all[i].score = se.opt.Score(se.all[i].cost, se.all[i].makespan, se.norm)
	}
}

// better is the total order of candidates: constraint violation, then
// objective, then the tie-breaker, then per-stage plans before task-level
// ones and whole stages before split ones, then the plan itself.
func (se *searcher) better(i, j int) bool {
	a, b := &se.all[i], &se.all[j]
	if a.violation != b.violation {
		return a.violation < b.violation
	}
	if a.score != b.score {
		return a.score < b.score
	}
	t1, t2 := a.cost, b.cost
	if se.opt.Objective == ObjectiveCost {
		t1, t2 = a.makespan, b.makespan
	}
	if t1 != t2 {
		return t1 < t2
	}
	if (a.plan.Tasks == nil) != (b.plan.Tasks == nil) {
		return a.plan.Tasks == nil
	}
	if (a.plan.Burst == nil) != (b.plan.Burst == nil) {
		return a.plan.Burst == nil
	}
	return key(a.plan) < key(b.plan)
}

// bestIndex returns the best candidate so far.
func (se *searcher) bestIndex() int {
	best := 0
	for i := range se.all {
		if se.better(i, best) {
			best = i
		}
	}
	return best
}

// exhaustive simulates every feasible assignment (odometer order).
func (se *searcher) exhaustive() {
	allowed := se.pr.allowed
	idx := make([]int, len(allowed))
	a := make(Assignment, len(allowed))
	for {
		for s := range a {
			a[s] = allowed[s][idx[s]]
		}
		se.evalA(a)
		s := 0
		for ; s < len(idx); s++ {
			idx[s]++
			if idx[s] < len(allowed[s]) {
				break
			}
			idx[s] = 0
		}
		if s == len(idx) {
			return
		}
	}
}

// localSearch runs descent from every baseline candidate, best first.
func (se *searcher) localSearch() {
	nT := max(1, len(se.pr.w.Tasks))
	budget := se.opt.SearchWork / nT
	// Always allow one full pass of single moves from the best start.
	minPass := 0
	for _, a := range se.pr.allowed {
		minPass += len(a) - 1
	}
	if budget < se.evals+minPass {
		budget = se.evals + minPass
	}
	// The baselines simulated so far (and HEFT's per-stage reduction) are
	// the starting points.
	starts := make([]int, len(se.all))
	for i := range starts {
		starts[i] = i
	}
	sort.SliceStable(starts, func(i, j int) bool { return se.better(starts[i], starts[j]) })
	for n, st := range starts {
		if n > 0 && se.evals >= budget {
			break
		}
		se.descend(st, budget)
	}
}

// descend improves candidate cur by single-stage moves, then pair moves,
// until no move improves or the evaluation budget is spent.
func (se *searcher) descend(cur, budget int) int {
	allowed := se.pr.allowed
	nS := len(allowed)
	a := make(Assignment, nS)
	for {
		improved := false
		// Single-stage moves: best improvement over all stages.
		for {
			bestMove := cur
			copy(a, se.all[cur].plan.Stages)
			for s := 0; s < nS; s++ {
				orig := a[s]
				for _, k := range allowed[s] {
					if k == orig {
						continue
					}
					if se.evals >= budget {
						if _, ok := se.memo[keyWith(a, s, k)]; !ok {
							continue
						}
					}
					a[s] = k
					if c := se.evalA(a); se.better(c, bestMove) {
						bestMove = c
					}
				}
				a[s] = orig
			}
			if bestMove == cur {
				break
			}
			cur = bestMove
			improved = true
		}
		if se.evals >= budget {
			return cur
		}
		// Pair moves: first improvement.
		copy(a, se.all[cur].plan.Stages)
	pairs:
		for s := 0; s < nS; s++ {
			for t := s + 1; t < nS; t++ {
				os, ot := a[s], a[t]
				for _, k := range allowed[s] {
					if k == os {
						continue
					}
					for _, l := range allowed[t] {
						if l == ot {
							continue
						}
						if se.evals >= budget {
							break pairs
						}
						a[s], a[t] = k, l
						if c := se.evalA(a); se.better(c, cur) {
							cur = c
							improved = true
							break pairs
						}
					}
				}
				a[s], a[t] = os, ot
			}
		}
		if !improved || se.evals >= budget {
			return cur
		}
	}
}

func keyWith(a Assignment, s, k int) string {
	orig := a[s]
	a[s] = k
	r := key(Plan{Stages: a})
	a[s] = orig
	return r
}

// pareto returns the non-dominated candidates by increasing makespan.
func (se *searcher) pareto() []ParetoPoint {
	idx := make([]int, len(se.all))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool {
		a, b := &se.all[idx[i]], &se.all[idx[j]]
		if a.makespan != b.makespan {
			return a.makespan < b.makespan
		}
		if a.cost != b.cost {
			return a.cost < b.cost
		}
		return key(a.plan) < key(b.plan)
	})
	var out []ParetoPoint
	bestCost := math.Inf(1)
	for _, i := range idx {
		c := &se.all[i]
		if c.cost < bestCost {
			bestCost = c.cost
			out = append(out, ParetoPoint{MakespanS: c.makespan, CostUSD: c.cost,
				Assignment: append(Assignment(nil), c.plan.Stages...), Burst: c.plan.Burst, TaskPools: c.plan.Tasks, TaskOrder: c.plan.Order,
				Pools: c.plan.Stages.Names(se.pr.p)})
		}
	}
	return out
}

// mayBurst reports whether stage s, on pool a[s], can ever find that pool
// full: a VM pool with warm nodes, a head node that runs tasks, or used by
// another stage (a split never
// scales the pool out, so a cold pool of its own would burst every task), a
// serverless pool narrower than the stage, a Batch pool with fewer vCPUs
// than the stage's tasks take. Other splits simulate as the whole stage
// on one pool and are not tried.
func (se *searcher) mayBurst(s int, a Assignment) bool {
	pr := se.pr
	k := a[s]
	pl := &pr.p.Pools[k]
	tasks := pr.g.stageTasks[s]
	switch pl.Kind {
	case KindServerless:
		return len(tasks) > pl.Concurrency
	case KindBatch:
		need := 0
		for _, v := range tasks {
			vc, _, _ := fargateSize(pr.ct[v].Cores, pr.ct[v].MemoryBytes, pl)
			need += vc
		}
		return need > pl.MaxVCPUs
	}
	if pl.MinNodes > 0 || pl.HeadVCPUs > 0 {
		return true
	}
	for t, j := range a {
		if t != s && j == k {
			return true
		}
	}
	return false
}

// split improves candidate cur by splitting stages (see [Plan]): for each
// stage in turn it tries bursting to every other pool the stage may use,
// and swapping the stage's pool with its burst pool, and keeps the best
// improvement; passes repeat until none improves or the budget
// (Options.SearchWork / (2 × tasks) evaluations) is spent.
func (se *searcher) split(cur int) int {
	allowed := se.pr.allowed
	nS := len(allowed)
	// Best effort within the work bound (evaluations × tasks): large
	// workflows get few splitting evaluations.
	budget := se.evals + se.opt.SearchWork/max(1, 2*len(se.pr.w.Tasks))
	pl := Plan{Stages: make(Assignment, nS), Burst: make([]int, nS)}
	for improved := true; improved && se.evals < budget; {
		improved = false
		for s := 0; s < nS && se.evals < budget; s++ {
			copy(pl.Stages, se.all[cur].plan.Stages)
			for i := range pl.Burst {
				pl.Burst[i] = se.all[cur].plan.burstOf(i)
			}
			orig, origB := pl.Stages[s], pl.Burst[s]
			best := cur
			for _, k := range allowed[s] {
				if k == orig {
					continue
				}
				for _, swap := range []bool{false, true} {
					pl.Stages[s], pl.Burst[s] = orig, k
					if swap {
						pl.Stages[s], pl.Burst[s] = k, orig
					}
					if !se.mayBurst(s, pl.Stages) {
						continue
					}
					if c := se.eval(pl); se.better(c, best) {
						best = c
					}
				}
			}
			pl.Stages[s], pl.Burst[s] = orig, origB
			if best != cur {
				cur, improved = best, true
			}
		}
	}
	return cur
}

// refine improves a task-level candidate cur (HEFT's mapping) by moves of
// whole stages: every task of one stage to one pool it may use, keeping the
// other stages' task mapping; the best improvement is kept and passes
// repeat until none improves or the budget (Options.SearchWork / (2 ×
// tasks) evaluations) is spent. A per-stage candidate is returned as is.
func (se *searcher) refine(cur int) int {
	if se.all[cur].plan.Tasks == nil {
		return cur
	}
	pr := se.pr
	budget := se.evals + se.opt.SearchWork/max(1, 2*len(pr.w.Tasks))
	pl := Plan{Stages: make(Assignment, len(pr.allowed)), Tasks: make([]int, len(pr.w.Tasks)), Order: se.all[cur].plan.Order}
	for improved := true; improved && se.evals < budget; {
		improved = false
		best := cur
		for s := 0; s < len(pr.allowed) && se.evals < budget; s++ {
			for _, k := range pr.allowed[s] {
				copy(pl.Stages, se.all[cur].plan.Stages)
				copy(pl.Tasks, se.all[cur].plan.Tasks)
				pl.Stages[s] = k
				for _, v := range pr.g.stageTasks[s] {
					pl.Tasks[v] = k
				}
				if c := se.eval(pl); se.better(c, best) {
					best = c
				}
			}
		}
		if best != cur {
			cur, improved = best, true
		}
	}
	return cur
}

// constraintError explains why no candidate met the deadline and budget.
func (se *searcher) constraintError(proven bool) error {
	o := se.opt
	fastest, cheapest := 0, 0
	meetsD, meetsB := false, false
	for i, c := range se.all {
		if c.makespan < se.all[fastest].makespan {
			fastest = i
		}
		if c.cost < se.all[cheapest].cost {
			cheapest = i
		}
		if o.DeadlineS > 0 && c.makespan <= o.DeadlineS {
			meetsD = true
		}
		if o.BudgetUSD > 0 && c.cost <= o.BudgetUSD {
			meetsB = true
		}
	}
	verb := "no placement found meets"
	if proven {
		verb = "no placement meets"
	}
	ev := &Evaluation{}
	switch {
	case o.DeadlineS > 0 && !meetsD:
		_, _, _ = se.sm.run(&se.all[fastest].plan, ev)
		last := 0
		for s := range ev.Stages {
			if ev.Stages[s].FinishS > ev.Stages[last].FinishS {
				last = s
			}
		}
		return &InfeasibleError{Stage: ev.Stages[last].Stage, Constraint: ConstraintDeadline, Reason: fmt.Sprintf(
			"%s the deadline of %.0f s: the fastest placement takes %.1f s and this stage, on %s, finishes last",
			verb, o.DeadlineS, ev.MakespanS, ev.Stages[last].Pool)}
	case o.BudgetUSD > 0 && !meetsB:
		_, _, _ = se.sm.run(&se.all[cheapest].plan, ev)
		top := 0
		for s := range ev.Stages {
			if ev.Stages[s].CostUSD > ev.Stages[top].CostUSD {
				top = s
			}
		}
		return &InfeasibleError{Stage: ev.Stages[top].Stage, Constraint: ConstraintBudget, Reason: fmt.Sprintf(
			"%s the budget of $%.4f: the cheapest placement costs $%.4f and this stage, on %s, costs the most ($%.4f)",
			verb, o.BudgetUSD, ev.CostUSD, ev.Stages[top].Pool, ev.Stages[top].CostUSD)}
	}
	return &InfeasibleError{Constraint: ConstraintBoth, Reason: fmt.Sprintf("%s both the deadline of %.0f s and the budget of $%.4f "+
		"(the fastest placement takes %.1f s at $%.4f; the cheapest costs $%.4f and takes %.1f s)",
		verb, o.DeadlineS, o.BudgetUSD, se.all[fastest].makespan, se.all[fastest].cost,
		se.all[cheapest].cost, se.all[cheapest].makespan)}
}
