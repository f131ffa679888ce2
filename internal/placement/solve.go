// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Objective is what Solve minimises.
type Objective string

const (
	// ObjectiveCost minimises total cost (ties: shorter makespan).
	ObjectiveCost Objective = "cost"
	// ObjectiveMakespan minimises makespan (ties: lower cost).
	ObjectiveMakespan Objective = "makespan"
	// ObjectiveWeighted minimises CostWeight·cost/refCost +
	// (1−CostWeight)·makespan/refMakespan (ties: lower cost), where the
	// reference values are given by [Normalisation].
	ObjectiveWeighted Objective = "weighted"
)

// Defaults of [Options].
const (
	DefaultCostWeight    = 0.5
	DefaultMaxExhaustive = 4096
	// DefaultSearchWork bounds the heuristic search: evaluations × tasks.
	DefaultSearchWork = 600_000
	// DefaultExhaustiveWork bounds exhaustive search: assignments × tasks.
	DefaultExhaustiveWork = 40_000_000
)

// Options configure [Solve]. The zero value minimises the weighted mix with
// equal weights and no constraints.
type Options struct {
	// Objective defaults to ObjectiveWeighted.
	Objective Objective `json:"objective"`
	// CostWeight is the weight of cost in the weighted objective, in (0, 1);
	// values outside that range mean DefaultCostWeight (use ObjectiveCost or
	// ObjectiveMakespan for the extremes).
	CostWeight float64 `json:"cost_weight"`
	// DeadlineS, when positive, is a hard limit on the makespan.
	DeadlineS float64 `json:"deadline_s,omitempty"`
	// BudgetUSD, when positive, is a hard limit on the total cost.
	BudgetUSD float64 `json:"budget_usd,omitempty"`
	// MaxExhaustive is the largest number of feasible assignments searched
	// exhaustively (default DefaultMaxExhaustive); exhaustive search is also
	// limited to DefaultExhaustiveWork assignments × tasks.
	MaxExhaustive int `json:"max_exhaustive,omitempty"`
	// SearchWork bounds the local search (evaluations × tasks); default
	// DefaultSearchWork. At least the baselines and one full pass of
	// single-stage moves are always evaluated.
	SearchWork int `json:"search_work,omitempty"`
}

func (o Options) normalised() (Options, error) {
	switch o.Objective {
	case "":
		o.Objective = ObjectiveWeighted
	case ObjectiveCost, ObjectiveMakespan, ObjectiveWeighted:
	default:
		return o, fmt.Errorf("unknown objective %q (want cost, makespan or weighted)", o.Objective)
	}
	if !(o.CostWeight > 0 && o.CostWeight < 1) {
		o.CostWeight = DefaultCostWeight
	}
	if !inRange(o.DeadlineS, 0, math.MaxFloat64) || !inRange(o.BudgetUSD, 0, math.MaxFloat64) {
		return o, errors.New("deadline and budget must be finite and not negative")
	}
	if o.MaxExhaustive <= 0 {
		o.MaxExhaustive = DefaultMaxExhaustive
	}
	if o.SearchWork <= 0 {
		o.SearchWork = DefaultSearchWork
	}
	return o, nil
}

// Normalisation holds the reference values of the weighted objective: the
// lowest cost and the lowest makespan among the feasible baselines (each
// possibly from a different baseline). They depend only on the problem, so
// the weighted score of an assignment does not depend on the search.
type Normalisation struct {
	CostUSD   float64 `json:"cost_usd"`
	MakespanS float64 `json:"makespan_s"`
}

// Score returns the objective value of a cost and makespan (lower is
// better).
func (o Options) Score(costUSD, makespanS float64, n Normalisation) float64 {
	switch o.Objective {
	case ObjectiveCost:
		return costUSD
	case ObjectiveMakespan:
		return makespanS
	}
	w := o.CostWeight
	if !(w > 0 && w < 1) {
		w = DefaultCostWeight
	}
	return w*costUSD/nz(n.CostUSD) + (1-w)*makespanS/nz(n.MakespanS)
}

func nz(x float64) float64 {
	if x > 0 {
		return x
	}
	return 1
}

// Solution is the result of [Solve].
type Solution struct {
	Options       Options       `json:"options"`
	Assignment    Assignment    `json:"assignment"`
	Evaluation    *Evaluation   `json:"evaluation"`
	Score         float64       `json:"score"`
	Normalisation Normalisation `json:"normalisation"`
	// Method is "exhaustive" (Optimal is then true: no per-stage assignment
	// scores better under the simulator) or "local-search".
	Method  string `json:"method"`
	Optimal bool   `json:"optimal"`
	// SearchSpace is the number of feasible per-stage assignments.
	SearchSpace float64 `json:"search_space"`
	// Evaluations is the number of distinct assignments simulated.
	Evaluations int `json:"evaluations"`
	// Pareto is the cost/makespan Pareto front of every assignment simulated
	// (complete when Method is exhaustive), by increasing makespan.
	Pareto []ParetoPoint `json:"pareto"`
	// Baselines in a fixed order: all-hpc, all-ray, all-serverless,
	// all-batch, mashup, heft.
	Baselines []Baseline `json:"baselines"`
}

// ParetoPoint is one non-dominated assignment.
type ParetoPoint struct {
	MakespanS  float64    `json:"makespan_s"`
	CostUSD    float64    `json:"cost_usd"`
	Assignment Assignment `json:"assignment"`
	Pools      []string   `json:"pools"`
}

// Baseline is a reference placement evaluated by the same simulator.
type Baseline struct {
	Name     string `json:"name"`
	Feasible bool   `json:"feasible"`
	// Reason says why the baseline is infeasible.
	Reason     string     `json:"reason,omitempty"`
	Assignment Assignment `json:"assignment,omitempty"`
	MakespanS  float64    `json:"makespan_s"`
	CostUSD    float64    `json:"cost_usd"`
	Score      float64    `json:"score"`
	// MeetsConstraints is false when the baseline misses the deadline or
	// budget.
	MeetsConstraints bool `json:"meets_constraints"`
	// MakespanReductionPct and CostReductionPct are the solution's
	// improvement over this baseline, in percent (negative when worse).
	MakespanReductionPct float64 `json:"makespan_reduction_pct"`
	CostReductionPct     float64 `json:"cost_reduction_pct"`
	// TaskLevelMakespanS is HEFT's own task-level schedule length (heft
	// only; informational, see [HEFT]).
	TaskLevelMakespanS float64 `json:"task_level_makespan_s,omitempty"`
}

// Baseline returns the baseline with the given name, or nil.
func (s *Solution) Baseline(name string) *Baseline {
	for i := range s.Baselines {
		if s.Baselines[i].Name == name {
			return &s.Baselines[i]
		}
	}
	return nil
}

// candidate is one simulated assignment.
type candidate struct {
	a         Assignment
	makespan  float64
	cost      float64
	score     float64
	violation float64
}

// searcher evaluates assignments with memoisation.
type searcher struct {
	pr    *prepared
	sm    *simulator
	opt   Options
	norm  Normalisation
	memo  map[string]int // assignment key → index in all
	all   []candidate
	evals int
}

func key(a Assignment) string {
	b := make([]byte, 2*len(a))
	for i, k := range a {
		b[2*i] = byte(k >> 8)
		b[2*i+1] = byte(k)
	}
	return string(b)
}

// eval simulates a (memoised) and returns the candidate index.
func (se *searcher) eval(a Assignment) int {
	k := key(a)
	if i, ok := se.memo[k]; ok {
		return i
	}
	mk, cost, err := se.sm.run(a, nil)
	if err != nil {
		panic(err) // cannot happen for a feasible assignment of a validated problem
	}
	se.evals++
	c := candidate{a: append(Assignment(nil), a...), makespan: mk, cost: cost}
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

// better is the total order of candidates: constraint violation, then
// objective, then the tie-breaker, then the assignment itself.
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
	return key(a.a) < key(b.a)
}

// Solve finds the best per-stage assignment for the options' objective.
//
// Every stage is restricted to the pools it may use (pins, coupling,
// statefulness, GPU need, node/function/Fargate size limits, the Lambda
// timeout); a stage that fits no pool is an [*InfeasibleError] naming it.
//
// When the number of feasible assignments is at most Options.MaxExhaustive
// (and assignments × tasks at most DefaultExhaustiveWork), every assignment
// is simulated and the best is optimal under the simulator. Otherwise a local
// search runs: starting from each baseline in turn (best first), it applies
// the best-improving move of one stage to another pool until none improves,
// then tries moving every pair of stages, and repeats, within
// Options.SearchWork. The baselines are candidates too, so the result is
// never worse than the best baseline.
//
// With a deadline or budget, assignments that meet them beat those that do
// not; when none meets them Solve returns an [*InfeasibleError] naming the
// stage that finishes last in the fastest placement (deadline) or the most
// expensive stage of the cheapest placement (budget).
func Solve(p *Problem, opts Options) (*Solution, error) {
	opt, err := opts.normalised()
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
	se := &searcher{pr: pr, sm: newSimulator(pr), opt: opt, memo: map[string]int{}}
	nT := len(pr.w.Tasks)

	// Baselines first: they give the normalisation and the starting points.
	baselines := computeBaselines(pr, se)
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
	for i := range se.all { // rescore with the normalisation now known
		se.all[i].score = opt.Score(se.all[i].cost, se.all[i].makespan, se.norm)
	}

	space := 1.0
	for _, a := range pr.allowed {
		space *= float64(len(a))
	}
	sol := &Solution{Options: opt, Normalisation: se.norm, SearchSpace: space}
	if space <= float64(opt.MaxExhaustive) && space*float64(nT) <= DefaultExhaustiveWork {
		sol.Method, sol.Optimal = "exhaustive", true
		se.exhaustive()
	} else {
		sol.Method = "local-search"
		se.localSearch(baselines)
	}
	best := 0
	for i := range se.all {
		if se.better(i, best) {
			best = i
		}
	}
	if se.all[best].violation > 0 {
		return nil, se.constraintError(sol.Optimal)
	}
	sol.Assignment = append(Assignment(nil), se.all[best].a...)
	sol.Score = se.all[best].score
	sol.Evaluations = se.evals
	ev := &Evaluation{}
	if _, _, err := se.sm.run(sol.Assignment, ev); err != nil {
		return nil, err
	}
	sol.Evaluation = ev
	sol.Pareto = se.pareto()
	for i := range baselines {
		b := &baselines[i]
		if b.Feasible {
			b.Score = opt.Score(b.CostUSD, b.MakespanS, se.norm)
			b.MakespanReductionPct = reduction(b.MakespanS, ev.MakespanS)
			b.CostReductionPct = reduction(b.CostUSD, ev.CostUSD)
		}
	}
	sol.Baselines = baselines
	return sol, nil
}

func reduction(base, ours float64) float64 {
	if base <= 0 {
		return 0
	}
	return (base - ours) / base * 100
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
		se.eval(a)
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

// localSearch runs descent from every feasible baseline, best first.
func (se *searcher) localSearch(baselines []Baseline) {
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
	var starts []int
	seen := map[string]bool{}
	for _, b := range baselines {
		if b.Feasible && !seen[key(b.Assignment)] {
			seen[key(b.Assignment)] = true
			starts = append(starts, se.eval(b.Assignment))
		}
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
			copy(a, se.all[cur].a)
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
					if c := se.eval(a); se.better(c, bestMove) {
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
		copy(a, se.all[cur].a)
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
						if c := se.eval(a); se.better(c, cur) {
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
	r := key(a)
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
		return key(a.a) < key(b.a)
	})
	var out []ParetoPoint
	bestCost := math.Inf(1)
	for _, i := range idx {
		c := &se.all[i]
		if c.cost < bestCost {
			bestCost = c.cost
			out = append(out, ParetoPoint{MakespanS: c.makespan, CostUSD: c.cost,
				Assignment: append(Assignment(nil), c.a...), Pools: c.a.Names(se.pr.p)})
		}
	}
	return out
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
		_, _, _ = se.sm.run(se.all[fastest].a, ev)
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
		_, _, _ = se.sm.run(se.all[cheapest].a, ev)
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
