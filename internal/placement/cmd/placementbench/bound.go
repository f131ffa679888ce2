// SPDX-License-Identifier: MPL-2.0

package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// boundRow is one trace's lower bound against the static cluster and our placements.
type boundRow struct {
	name        string
	lb          *placement.LowerBound
	up, created *placement.Evaluation
	// ours on the objective, and on the makespan objective (the fastest the engine finds).
	ours, fastest *placement.Evaluation
}

// boundCompare computes t's lower bound, the static cluster (up before the run and created for it) and
// our placements on the objective and on makespan.
func boundCompare(t trace, opt placement.Options) (*boundRow, error) {
	p, err := problem(t.w, variant{})
	if err != nil {
		return nil, err
	}
	r := &boundRow{name: t.name}
	if r.lb, err = placement.Bound(p); err != nil {
		return nil, err
	}
	sol, err := placement.Solve(p, opt)
	if err != nil {
		return nil, err
	}
	b := sol.Baseline(placement.BaselineStatic)
	if !b.Feasible {
		return nil, fmt.Errorf("static cluster infeasible: %s", b.Reason)
	}
	if r.up, err = staticAt(p, b, b.Nodes, true); err != nil {
		return nil, err
	}
	if r.created, err = staticAt(p, b, b.Nodes, false); err != nil {
		return nil, err
	}
	fast, err := placement.Solve(p, placement.Options{Objective: placement.ObjectiveMakespan})
	if err != nil {
		return nil, err
	}
	r.ours, r.fastest = sol.Evaluation, fast.Evaluation
	return r, nil
}

// less is how much less x is than base, in percent.
func less(base, x float64) float64 { return (base - x) / base * 100 }

// boundTable prints, per trace, the lower bound on the makespan (and cost) of any placement, the static
// cluster up before the run and created for it, the largest reduction any placement could achieve
// against each (1 - bound / static), ours, and our gap to the bound.
func boundTable(ws []trace, opt placement.Options) {
	fmt.Println("Lower bound (placement.Bound): no placement of the trace on its pools, by any scheduler, has a shorter makespan")
	fmt.Println("or a lower cost. Critical path: the longest dependency chain at each task's least duration over the pools it")
	fmt.Println("may use (no boot, no cold start, no queueing, best per-task bandwidth, every shared input in the page cache);")
	fmt.Println("it holds whatever the node counts and warm pools. Capacity: the pools' vCPUs, concurrency and Batch vCPUs.")
	fmt.Println("Cells: makespan s (cost USD). Max less: the largest reduction any placement could achieve, 1 - bound / static")
	fmt.Println("cluster. As given: the bound on the trace's pools as they are (a VM task waits for a boot unless a head node or")
	fmt.Println("a warm node holds it; Lambda cold starts unless a task of the stage has ended). Gap: how much longer than that our")
	fmt.Println("placement is (objective as above; and on the makespan objective).")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "workflow\tcritical path\tcapacity\tbound\tstatic up\tmax less vs up\tours vs up\tstatic created\tmax less vs created"+
		"\tours vs created\tas given\tours\tgap\tfastest\tgap (fastest)\n")
	var n float64
	var maxUp, maxUpC, oursUp, oursUpC, maxCr, maxCrC, oursCr, oursCrC, gap, gapF, gapAny float64
	var short []string
	for _, t := range ws {
		r, err := boundCompare(t, opt)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", t.name, err)
			continue
		}
		lb := r.lb
		mu, mc := less(r.up.MakespanS, lb.MakespanS), less(r.created.MakespanS, lb.MakespanS)
		g, gf := -less(lb.PoolsAsGivenS, r.ours.MakespanS), -less(lb.PoolsAsGivenS, r.fastest.MakespanS)
		fmt.Fprintf(tw, "%s\t%.1f\t%.1f\t%.1f (%.4f)\t%.1f (%.4f)\t%.1f%% (%.1f%%)\t%.1f%% (%.1f%%)\t%.1f (%.4f)\t%.1f%% (%.1f%%)\t%.1f%% (%.1f%%)"+
			"\t%.1f\t%.1f (%.4f)\t%.1f%%\t%.1f\t%.1f%%\n",
			r.name, lb.CriticalPathS, lb.WorkS, lb.MakespanS, lb.CostUSD, r.up.MakespanS, r.up.CostUSD,
			mu, less(r.up.CostUSD, lb.CostUSD), less(r.up.MakespanS, r.ours.MakespanS), less(r.up.CostUSD, r.ours.CostUSD),
			r.created.MakespanS, r.created.CostUSD, mc, less(r.created.CostUSD, lb.CostUSD),
			less(r.created.MakespanS, r.ours.MakespanS), less(r.created.CostUSD, r.ours.CostUSD), lb.PoolsAsGivenS,
			r.ours.MakespanS, r.ours.CostUSD, g, r.fastest.MakespanS, gf)
		n++
		maxUp += mu
		maxUpC += less(r.up.CostUSD, lb.CostUSD)
		oursUp += less(r.up.MakespanS, r.ours.MakespanS)
		oursUpC += less(r.up.CostUSD, r.ours.CostUSD)
		maxCr += mc
		maxCrC += less(r.created.CostUSD, lb.CostUSD)
		oursCr += less(r.created.MakespanS, r.ours.MakespanS)
		oursCrC += less(r.created.CostUSD, r.ours.CostUSD)
		gap += g
		gapF += gf
		gapAny -= less(lb.MakespanS, r.ours.MakespanS)
		if mu < 34 {
			short = append(short, fmt.Sprintf("%s %.1f%%", r.name, mu))
		}
	}
	tw.Flush()
	if n == 0 {
		return
	}
	fmt.Printf("Average over %d traces, makespan (cost) less than the static cluster up before the run: at most %.1f%% (%.1f%%) for any "+
		"placement, ours %.1f%% (%.1f%%); created for the run: at most %.1f%% (%.1f%%), ours %.1f%% (%.1f%%).\n",
		int(n), maxUp/n, maxUpC/n, oursUp/n, oursUpC/n, maxCr/n, maxCrC/n, oursCr/n, oursCrC/n)
	verdict := "no scheduler can meet it in that reading"
	if maxUp/n >= 34 {
		verdict = "the bound does not rule it out"
	}
	fmt.Printf("The 34%% makespan goal against the static cluster up before the run: %s (the most any placement could "+
		"achieve on average is %.1f%%; below 34%% on %d of %d traces%s).\n", verdict, maxUp/n, len(short), int(n), names(short))
	fmt.Printf("Our placement is %.1f%% longer than the bound on the pools as given on average (on the makespan objective %.1f%%), "+
		"%.1f%% longer than the bound of any pools.\n\n", gap/n, gapF/n, gapAny/n)
}

// boundLine prints, for a sensitivity variant, the most any placement could achieve against the static
// cluster up before the run (1 - bound / that cluster, averaged over the traces) and our gap to the bound on
// the pools as given.
func boundLine(ws []trace, rows []row, v variant) {
	var most, gap, n float64
	for i, t := range ws {
		p, err := problem(t.w, v)
		if err != nil {
			continue
		}
		lb, err := placement.Bound(p)
		b := rows[i].sol.Baseline(placement.BaselineStatic)
		if err != nil || !b.Feasible {
			continue
		}
		up, err := staticAt(p, b, b.Nodes, true)
		if err != nil {
			continue
		}
		most += less(up.MakespanS, lb.MakespanS)
		gap -= less(lb.PoolsAsGivenS, rows[i].sol.Evaluation.MakespanS)
		n++
	}
	if n > 0 {
		fmt.Printf("[%s] bound: any placement at most %.1f%% less makespan than the static cluster up before the run "+
			"(average over %d traces); ours %.1f%% longer than the bound on the pools as given\n", v.name, most/n, int(n), gap/n)
	}
}
