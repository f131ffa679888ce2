// SPDX-License-Identifier: MPL-2.0

package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// staticRow is one trace's static-cluster comparison.
type staticRow struct {
	name        string
	nodes       int
	ours        *placement.Evaluation
	created, up *placement.Evaluation
	// breakEvenNodes is the smallest standing cluster whose makespan is at
	// most ours (0: none up to the widest-stage size).
	breakEvenNodes int
	// same is our solution when a standing cluster (of the widest-stage
	// size, and of a quarter of it) is the HPC pool of every placement: its
	// nodes up, billed for the run, no more nodes.
	same [2]*placement.Solution
}

// sameCluster solves t with a standing cluster of n nodes as the HPC pool
// of every placement, the static cluster baseline being that cluster.
func sameCluster(t trace, opt placement.Options, n int) (*placement.Solution, error) {
	p, err := problem(t.w, variant{})
	if err != nil {
		return nil, err
	}
	p.Pools[0].MinNodes, p.Pools[0].MaxNodes = n, n
	opt.StaticUp, opt.StaticNodes = true, n
	return placement.Solve(p, opt)
}

// staticAt simulates the static cluster of b with n nodes, up before the
// run or created for it.
func staticAt(p *placement.Problem, b *placement.Baseline, n int, up bool) (*placement.Evaluation, error) {
	c := *b
	c.Nodes, c.Boots = n, !up
	return placement.EvaluateBaseline(p, &c)
}

// staticCompare compares our placement with the static cluster created for
// the run and up before it, finds the standing cluster size at which its
// makespan matches ours, and solves again with the standing cluster given to
// every placement.
func staticCompare(t trace, opt placement.Options) (*staticRow, error) {
	p, err := problem(t.w, variant{})
	if err != nil {
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
	r := &staticRow{name: t.name, nodes: b.Nodes, ours: sol.Evaluation}
	if r.created, err = staticAt(p, b, b.Nodes, false); err != nil {
		return nil, err
	}
	if r.up, err = staticAt(p, b, b.Nodes, true); err != nil {
		return nil, err
	}
	if r.up.MakespanS <= sol.Evaluation.MakespanS {
		// Bisection on the node count: fewer nodes, longer makespan.
		lo, hi := 0, b.Nodes // makespan(lo) > ours (or lo = 0), makespan(hi) <= ours
		for hi-lo > 1 {
			mid := (lo + hi) / 2
			ev, err := staticAt(p, b, mid, true)
			if err != nil {
				return nil, err
			}
			if ev.MakespanS <= sol.Evaluation.MakespanS {
				hi = mid
			} else {
				lo = mid
			}
		}
		r.breakEvenNodes = hi
	}
	// The standing cluster as every placement's HPC pool: sized for the
	// widest stage, and a quarter of that.
	for i, n := range []int{b.Nodes, max(1, b.Nodes/4)} {
		if r.same[i], err = sameCluster(t, opt, n); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// staticTable prints the static-cluster comparison: created for the run,
// up before it, the standing cluster size and duty cycle at which it breaks
// even with our placement, and our placement given the same standing cluster.
func staticTable(ws []trace, opt placement.Options) {
	fmt.Println("The static cluster (first HPC pool, sized for the widest stage), created for the run or up before it (a standing")
	fmt.Println("cluster: no boot, billed only for the run). Cells: makespan s / cost USD. Break-even size: the smallest standing")
	fmt.Println("cluster whose makespan is at most ours (nodes, share of the widest-stage size). Break-even duty: ours is cheaper")
	fmt.Println("than the standing cluster when that cluster runs workflows less than this share of the time it is up (its")
	fmt.Println("idle time charged to the runs). Same cluster: the standing cluster is the HPC pool of every placement.")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "workflow\tnodes\tours\tcreated for the run\tup before the run\tvs created\tvs up\tbreak-even size\tbreak-even duty"+
		"\tsame cluster: ours\tvs up\tquarter-size cluster up\tsame: ours\tfound by\tvs up\n")
	var n, created, up, same, quarter [2]float64
	for _, t := range ws {
		r, err := staticCompare(t, opt)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", t.name, err)
			continue
		}
		size := "none"
		if r.breakEvenNodes > 0 {
			size = fmt.Sprintf("%d (%.0f%%)", r.breakEvenNodes, 100*float64(r.breakEvenNodes)/float64(r.nodes))
		}
		duty := r.up.CostUSD / r.ours.CostUSD
		dutyS := fmt.Sprintf("%.0f%%", 100*duty)
		if duty >= 1 {
			dutyS = "always"
		}
		vc := red(r.created, r.ours)
		vu := red(r.up, r.ours)
		s1, s4 := r.same[0], r.same[1]
		st1, st4 := s1.Baseline(placement.BaselineStatic), s4.Baseline(placement.BaselineStatic)
		v1, v4 := redB(st1, s1.Evaluation), redB(st4, s4.Evaluation)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s (%d)\t%s\t%s\t%s\n", r.name, r.nodes, evCell(r.ours), evCell(r.created),
			evCell(r.up), pct2(vc), pct2(vu), size, dutyS, evCell(s1.Evaluation), pct2(v1), cell(st4), st4.Nodes,
			evCell(s4.Evaluation), s4.FoundBy, pct2(v4))
		n[0]++
		for i := 0; i < 2; i++ {
			created[i] += vc[i]
			up[i] += vu[i]
			same[i] += v1[i]
			quarter[i] += v4[i]
		}
	}
	tw.Flush()
	if n[0] == 0 {
		return
	}
	avg := func(x [2]float64) string { return pct2([2]float64{x[0] / n[0], x[1] / n[0]}) }
	fmt.Printf("Average makespan / cost less than the static cluster: created for the run %s; up before the run %s; "+
		"the same standing cluster given to every placement %s; a quarter-size standing cluster given to every placement %s.\n\n",
		avg(created), avg(up), avg(same), avg(quarter))
}

func evCell(ev *placement.Evaluation) string {
	return fmt.Sprintf("%.1f / %.4f", ev.MakespanS, ev.CostUSD)
}

// red is how much less makespan and cost ours has than base, in percent.
func red(base, ours *placement.Evaluation) [2]float64 {
	return [2]float64{(base.MakespanS - ours.MakespanS) / base.MakespanS * 100, (base.CostUSD - ours.CostUSD) / base.CostUSD * 100}
}

// redB is red against a baseline.
func redB(b *placement.Baseline, ours *placement.Evaluation) [2]float64 {
	return red(&placement.Evaluation{MakespanS: b.MakespanS, CostUSD: b.CostUSD}, ours)
}

func pct2(x [2]float64) string { return fmt.Sprintf("%.1f%% / %.1f%%", x[0], x[1]) }
