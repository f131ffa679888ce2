// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"fmt"
	"math"
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
	// DefaultMaxTaskLevelTasks is the largest workflow whose placement may
	// be task by task by default: a task-level placement lists every task
	// in the manifest, which the workflow placement resource keeps in the
	// Terraform state and shows in plans.
	DefaultMaxTaskLevelTasks = 5000
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
	// single-stage moves are always evaluated. The splitting step has a
	// budget of its own of the same size.
	SearchWork int `json:"search_work,omitempty"`
	// NoSplit turns the splitting step off and leaves HEFT's task-level
	// mapping out of the candidates: every stage then runs whole on one
	// pool.
	NoSplit bool `json:"no_split,omitempty"`
	// MaxTaskLevelTasks is the largest workflow whose placement may be task
	// by task (HEFT's mapping, refined); larger ones are placed per stage,
	// HEFT's mapping staying a baseline. 0 means DefaultMaxTaskLevelTasks;
	// negative values mean never.
	MaxTaskLevelTasks int `json:"max_task_level_tasks,omitempty"`
	// StaticNodes is the node count of the static-cluster baseline; 0 sizes
	// it for the widest stage (see [StaticClusterNodes]).
	StaticNodes int `json:"static_nodes,omitempty"`
	// StaticUp: the static cluster is up before the workflow is submitted
	// (a standing cluster: no boot in the makespan, billed only for the
	// run). By default it is created for the run: its nodes boot at time 0
	// like every other pool's and are billed from then on.
	StaticUp bool `json:"static_up,omitempty"`
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
	if o.MaxTaskLevelTasks == 0 {
		o.MaxTaskLevelTasks = DefaultMaxTaskLevelTasks
	}
	if o.StaticNodes < 0 {
		return o, errors.New("static_nodes must not be negative")
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
	Options    Options    `json:"options"`
	Assignment Assignment `json:"assignment"`
	// Burst gives, per stage, the pool its overflow goes to (-1: none); nil
	// when no stage is split. See [Plan].
	Burst []int `json:"burst,omitempty"`
	// TaskPools, when not nil, is a task-level placement (HEFT's mapping,
	// possibly refined): the pool of every task. Assignment then gives each
	// stage the pool with the largest share of its work. See [Plan].
	TaskPools []int `json:"task_pools,omitempty"`
	// TaskOrder orders a task-level placement's queues (see Plan.Order).
	TaskOrder     []float64     `json:"task_order,omitempty"`
	Evaluation    *Evaluation   `json:"evaluation"`
	Score         float64       `json:"score"`
	Normalisation Normalisation `json:"normalisation"`
	// Method is "exhaustive" (Optimal is then true: no per-stage assignment
	// scores better under the simulator) or "local-search".
	Method  string `json:"method"`
	Optimal bool   `json:"optimal"`
	// FoundBy names the search step that found the chosen placement:
	// "baseline <name>", "baseline heft (per stage)" (HEFT's mapping reduced
	// to one pool per stage), "exhaustive", "local-search", "refining heft"
	// or "splitting".
	FoundBy string `json:"found_by"`
	// SearchSpace is the number of feasible per-stage assignments.
	SearchSpace float64 `json:"search_space"`
	// Evaluations is the number of distinct assignments simulated.
	Evaluations int `json:"evaluations"`
	// Pareto is the cost/makespan Pareto front of every assignment simulated
	// (complete when Method is exhaustive), by increasing makespan.
	Pareto []ParetoPoint `json:"pareto"`
	// Baselines in a fixed order: static-cluster, all-hpc, all-ray,
	// all-serverless, all-batch, best-single-platform, mashup, heft.
	Baselines []Baseline `json:"baselines"`
	// Bound is the problem's lower bound when the solution comes from
	// [SolveBounded] (nil from Solve).
	Bound *LowerBound `json:"bound,omitempty"`
}

// Plan returns the solution's plan.
func (s *Solution) Plan() Plan {
	return Plan{Stages: s.Assignment, Burst: s.Burst, Tasks: s.TaskPools, Order: s.TaskOrder}
}

// ParetoPoint is one non-dominated assignment.
type ParetoPoint struct {
	MakespanS  float64    `json:"makespan_s"`
	CostUSD    float64    `json:"cost_usd"`
	Assignment Assignment `json:"assignment"`
	Burst      []int      `json:"burst,omitempty"`
	TaskPools  []int      `json:"task_pools,omitempty"`
	TaskOrder  []float64  `json:"task_order,omitempty"`
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
	// Nodes is the static cluster's node count, and Boots whether they
	// boot at time 0 (static-cluster only).
	Nodes int  `json:"nodes,omitempty"`
	Boots bool `json:"boots,omitempty"`
	// Of names the baseline a summary baseline stands for
	// (best-single-platform).
	Of string `json:"of,omitempty"`
	// TaskPools is the task-level mapping of a task-level baseline (heft),
	// and TaskOrder the order its tasks are dispatched in (see Plan.Order).
	TaskPools []int     `json:"task_pools,omitempty"`
	TaskOrder []float64 `json:"task_order,omitempty"`
	// TaskLevelMakespanS is the schedule length HEFT itself computes for its
	// mapping (heft only; the baseline's MakespanS is the same mapping run by
	// the simulator).
	TaskLevelMakespanS float64 `json:"task_level_makespan_s,omitempty"`
	// candidate marks the baselines the search starts from (the per-stage
	// ones simulated on the problem's own pools).
	candidate bool
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

// Solve finds the best placement for the options' objective.
//
// Every stage is restricted to the pools it may use (pins, coupling,
// statefulness, GPU need, node/function/Fargate size and storage limits,
// the Lambda timeout); a stage that fits no pool is an [*InfeasibleError]
// naming it.
//
// The search has three steps, and Solution.FoundBy says which found the
// result. (1) The baselines are simulated (see [Baseline]); the per-stage
// ones are candidates. (2) When the number of feasible per-stage assignments
// is at most Options.MaxExhaustive (and assignments × tasks at most
// DefaultExhaustiveWork), every assignment is simulated; otherwise a local
// search runs from each baseline in turn (best first): the best-improving
// move of one stage to another pool until none improves, then moves of
// every pair of stages, within Options.SearchWork. (3) Splitting: from the
// best so far, each stage in turn is split over two pools it may use (fill
// one, burst the rest to the other; see [Plan]) while that improves the
// objective. HEFT's task-level mapping is a candidate from the start; when
// it is the best before splitting, whole stages of it are moved to other
// pools while that improves ("refining heft"). The result is never worse
// than the best baseline other than the static cluster (which runs on
// other pools: a fixed-size cluster).
//
// With a deadline or budget, placements that meet them beat those that do
// not; when none meets them Solve returns an [*InfeasibleError] naming the
// stage that finishes last in the fastest placement (deadline) or the most
// expensive stage of the cheapest placement (budget).
func Solve(p *Problem, opts Options) (sol *Solution, err error) {
	defer internalError(&err)
	return solve(p, opts)
}

func solve(p *Problem, opts Options) (*Solution, error) {
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
	baselines := computeBaselines(pr, se, opt)
	se.normalise(baselines)
	space := 1.0
	for _, a := range pr.allowed {
		space *= float64(len(a))
	}
	sol := &Solution{Options: opt, Normalisation: se.norm, SearchSpace: space}
	if space <= float64(opt.MaxExhaustive) && space*float64(len(pr.w.Tasks)) <= DefaultExhaustiveWork {
		sol.Method, sol.Optimal = "exhaustive", true
		se.phase = sol.Method
		se.exhaustive()
	} else {
		sol.Method = "local-search"
		se.phase = sol.Method
		se.localSearch()
	}
	if !opt.NoSplit {
		se.phase = "refining heft"
		se.refine(se.bestIndex())
		se.phase = "splitting"
		se.split(se.bestIndex())
	}
	best := se.bestIndex()
	if se.all[best].violation > 0 {
		return nil, se.constraintError(sol.Optimal)
	}
	c := &se.all[best]
	sol.Assignment, sol.Burst, sol.FoundBy = c.plan.Stages, c.plan.Burst, c.origin
	sol.TaskPools, sol.TaskOrder = c.plan.Tasks, c.plan.Order
	sol.Score = c.score
	sol.Evaluations = se.evals
	ev := &Evaluation{}
	plan := sol.Plan()
	if _, _, err := se.sm.run(&plan, ev); err != nil {
		return nil, err
	}
	sol.Evaluation = ev
	sol.Pareto = se.pareto()
	finishBaselines(baselines, ev, opt, se.norm)
	sol.Baselines = baselines
	return sol, nil
}

func reduction(base, ours float64) float64 {
	if base <= 0 {
		return 0
	}
	return (base - ours) / base * 100
}
