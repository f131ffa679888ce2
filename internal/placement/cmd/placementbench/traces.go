// SPDX-License-Identifier: MPL-2.0

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

type trace struct {
	name string
	w    *placement.Workflow
}

func loadTraces(dir string) ([]trace, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no JSON traces in %s", dir)
	}
	sort.Strings(files)
	var out []trace
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		w, err := placement.LoadWfCommons(fh)
		fh.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		out = append(out, trace{name: strings.TrimSuffix(filepath.Base(f), "-001.json"), w: w})
	}
	return out, nil
}

// variant changes the default platforms (nil: the defaults).
type variant struct {
	name   string
	mutate func(c *placement.Catalog, p *placement.Platforms)
	opt    func(o *placement.Options)
}

// problem builds the default platforms right-sized for w, changed by v.
func problem(w *placement.Workflow, v variant) (*placement.Problem, error) {
	c := placement.DefaultCatalog()
	pl, err := placement.DefaultPlatformsFor(w, c)
	if err != nil {
		return nil, err
	}
	if v.mutate != nil {
		v.mutate(c, &pl)
	}
	return placement.NewProblem(w, pl), nil
}

type row struct {
	name     string
	tasks    int
	pools    string
	sol      *placement.Solution
	elapsed  time.Duration
	mismatch []string
}

func solveAll(ws []trace, opt placement.Options, v variant) ([]row, error) {
	if v.opt != nil {
		v.opt(&opt)
	}
	var rows []row
	for _, t := range ws {
		p, err := problem(t.w, v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
		start := time.Now()
		sol, err := placement.Solve(p, opt)
		el := time.Since(start)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
		r := row{name: t.name, tasks: len(t.w.Tasks), sol: sol, elapsed: el,
			pools: p.Pools[0].InstanceType + "/" + p.Pools[1].InstanceType}
		// The placement and every baseline again, outside Solve.
		if ev, err := placement.EvaluatePlan(p, sol.Plan()); err != nil || ev.MakespanS != sol.Evaluation.MakespanS ||
			ev.CostUSD != sol.Evaluation.CostUSD {
			r.mismatch = append(r.mismatch, "the placement")
		}
		for i := range sol.Baselines {
			b := &sol.Baselines[i]
			if !b.Feasible {
				continue
			}
			ev, err := placement.EvaluateBaseline(p, b)
			if err != nil || ev.MakespanS != b.MakespanS || ev.CostUSD != b.CostUSD {
				r.mismatch = append(r.mismatch, b.Name)
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func cell(b *placement.Baseline) string {
	if b == nil || !b.Feasible {
		return "infeasible"
	}
	return fmt.Sprintf("%.1f / %.4f", b.MakespanS, b.CostUSD)
}

func traces(ws []trace, opt placement.Options, verbose bool) bool {
	rows, err := solveAll(ws, opt, variant{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "placementbench:", err)
		return false
	}
	fmt.Printf("Placement engine on %d WfCommons traces (objective %s", len(ws), rows[0].sol.Options.Objective)
	if rows[0].sol.Options.Objective == placement.ObjectiveWeighted {
		fmt.Printf(", cost weight %.2f", rows[0].sol.Options.CostWeight)
	}
	fmt.Printf("; default platforms right-sized per trace: a standing environment whose Ray head runs tasks on 2 vCPUs, no warm nodes; GOMAXPROCS=%d). Cells: makespan s / cost USD.\n\n", runtimeProcs())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "workflow\ttasks\thpc/ray nodes\tours\tfound by\tstatic cluster (nodes)\tautoscaled (all-hpc)\tbest single\tmashup\theft\tvs static\tvs best single\tsolve\n")
	ok := true
	for _, r := range rows {
		s := r.sol
		ev := s.Evaluation
		st, bs := s.Baseline(placement.BaselineStatic), s.Baseline(placement.BaselineBestSingle)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.1f / %.4f\t%s\t%s (%d)\t%s\t%s (%s)\t%s\t%s\t%s\t%s\t%s\n", r.name, r.tasks, r.pools,
			ev.MakespanS, ev.CostUSD, s.FoundBy, cell(st), st.Nodes, cell(s.Baseline(placement.BaselineAllHPC)), cell(bs), bs.Of,
			cell(s.Baseline(placement.BaselineMashup)), cell(s.Baseline(placement.BaselineHEFT)), pcts(st), pcts(bs),
			r.elapsed.Round(time.Millisecond))
		if len(r.mismatch) > 0 {
			ok = false
			fmt.Fprintf(os.Stderr, "%s: %v give other figures when simulated again outside Solve\n", r.name, r.mismatch)
		}
	}
	tw.Flush()
	if verbose {
		for _, r := range rows {
			fmt.Printf("\n%s\n%s\n%s", r.name, placement.Table(r.sol.Evaluation), placement.BaselineTable(r.sol))
		}
	}
	fmt.Println()
	summary(rows, "defaults")
	if ok {
		fmt.Println("The placement (EvaluatePlan) and every baseline (EvaluateBaseline) simulated again outside Solve give the figures Solve reported.")
	}
	fmt.Println()
	everyBaseline(rows)
	return ok
}

func pcts(b *placement.Baseline) string {
	if b == nil || !b.Feasible {
		return "-"
	}
	return fmt.Sprintf("%.1f%% / %.1f%%", b.MakespanReductionPct, b.CostReductionPct)
}

// summary prints the averages against the static cluster and the best
// single platform, and how often the placement beats the latter.
func summary(rows []row, label string) {
	var st, bs [2]float64
	nS, nB, better, worse := 0, 0, 0, 0
	var worseNames []string
	for _, r := range rows {
		if b := r.sol.Baseline(placement.BaselineStatic); b != nil && b.Feasible {
			st[0] += b.MakespanReductionPct
			st[1] += b.CostReductionPct
			nS++
		}
		if b := r.sol.Baseline(placement.BaselineBestSingle); b != nil && b.Feasible {
			bs[0] += b.MakespanReductionPct
			bs[1] += b.CostReductionPct
			nB++
			switch {
			case r.sol.Score < b.Score*(1-1e-9):
				better++
			case r.sol.Score > b.Score*(1+1e-9):
				worse++
				worseNames = append(worseNames, r.name)
			}
		}
	}
	if nS > 0 {
		t, c := st[0]/float64(nS), st[1]/float64(nS)
		fmt.Printf("[%s] vs the static cluster, average over %d traces: makespan %.1f%% less (goal 34%%: %s), cost %.1f%% less (goal 43%%: %s)\n",
			label, nS, t, goal(t >= 34), c, goal(c >= 43))
	}
	bestAny(rows, label)
	if nB > 0 {
		fmt.Printf("[%s] vs the best single platform, average over %d traces: makespan %.1f%% less, cost %.1f%% less; "+
			"strictly better on the objective on %d, equal on %d, worse on %d%s\n", label, nB, bs[0]/float64(nB), bs[1]/float64(nB),
			better, nB-better-worse, worse, names(worseNames))
	}
}

// bestAny prints the comparison with the best baseline of each trace on the
// objective (any of them, HEFT and the static cluster included).
func bestAny(rows []row, label string) {
	var sum [2]float64
	better, equal := 0, 0
	var of []string
	for _, r := range rows {
		var best *placement.Baseline
		for i := range r.sol.Baselines {
			b := &r.sol.Baselines[i]
			if b.Feasible && b.Name != placement.BaselineBestSingle && (best == nil || b.Score < best.Score) {
				best = b
			}
		}
		if best == nil {
			continue
		}
		sum[0] += best.MakespanReductionPct
		sum[1] += best.CostReductionPct
		of = append(of, best.Name)
		switch {
		case r.sol.Score < best.Score*(1-1e-9):
			better++
		case r.sol.Score <= best.Score*(1+1e-9):
			equal++
		}
	}
	n := float64(len(rows))
	fmt.Printf("[%s] vs the best baseline of each trace (%s): makespan %.1f%% less, cost %.1f%% less on average; "+
		"strictly better on the objective on %d, equal on %d, worse on %d\n", label, strings.Join(of, ", "), sum[0]/n, sum[1]/n,
		better, equal, len(rows)-better-equal)
}

func names(n []string) string {
	if len(n) == 0 {
		return ""
	}
	return " (" + strings.Join(n, ", ") + ")"
}

// heftCheck compares, on the makespan objective, the placement's makespan
// with HEFT's own estimate of its task-level schedule (HEFT's model is the
// simulator's platform model) and with HEFT's mapping run by the simulator.
func heftCheck(ws []trace) {
	rows, err := solveAll(ws, placement.Options{Objective: placement.ObjectiveMakespan}, variant{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "placementbench:", err)
		return
	}
	fmt.Println("Objective makespan: ours against HEFT (makespan s; HEFT's own estimate uses the simulator's platform model:")
	fmt.Println("node boot on demand, cold start per new execution environment of a stage's function).")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "workflow\tours\tfound by\tHEFT own estimate\tHEFT mapping simulated\tours vs HEFT own\n")
	var worse, worseOwn []string
	sum, sumOwn, gap := 0.0, 0.0, 0.0
	for _, r := range rows {
		h := r.sol.Baseline(placement.BaselineHEFT)
		ours := r.sol.Evaluation.MakespanS
		own := h.TaskLevelMakespanS
		sum += h.MakespanReductionPct
		sumOwn += (own - ours) / own * 100
		gap += abs(h.MakespanS-own) / own * 100
		fmt.Fprintf(tw, "%s\t%.1f\t%s\t%.1f\t%.1f\t%.1f%%\n", r.name, ours, r.sol.FoundBy, own, h.MakespanS, (own-ours)/own*100)
		if ours > h.MakespanS*(1+1e-9) {
			worse = append(worse, fmt.Sprintf("%s %.4f s vs %.4f s", r.name, ours, h.MakespanS))
		}
		if ours > own*(1+1e-9) {
			worseOwn = append(worseOwn, fmt.Sprintf("%s %.4f s vs %.4f s", r.name, ours, own))
		}
	}
	tw.Flush()
	n := float64(len(rows))
	fmt.Printf("vs HEFT's own estimate of its schedule: makespan %.1f%% less on average, longer on %d of %d traces%s\n",
		sumOwn/n, len(worseOwn), len(rows), names(worseOwn))
	fmt.Printf("vs HEFT's mapping run by the simulator: makespan %.1f%% less on average, longer on %d of %d traces%s\n",
		sum/n, len(worse), len(rows), names(worse))
	fmt.Printf("HEFT's estimate and the simulation of its mapping (queues served in HEFT's planned order) differ by %.1f%% on average.\n\n", gap/n)
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func sensitivityTable(ws []trace, opt placement.Options) {
	scale := func(k placement.PlatformKind, f float64) func(c *placement.Catalog, p *placement.Platforms) {
		return func(_ *placement.Catalog, p *placement.Platforms) {
			for i := range p.Pools {
				if p.Pools[i].Kind == k {
					p.Pools[i].StartLatencyS *= f
				}
			}
		}
	}
	both := func(f float64) func(c *placement.Catalog, p *placement.Platforms) {
		return func(c *placement.Catalog, p *placement.Platforms) {
			scale(placement.KindHPC, f)(c, p)
			scale(placement.KindRay, f)(c, p)
			scale(placement.KindBatch, f)(c, p)
		}
	}
	speed := func(f float64) func(c *placement.Catalog, p *placement.Platforms) {
		return func(_ *placement.Catalog, p *placement.Platforms) {
			for i := range p.Pools {
				if p.Pools[i].Kind == placement.KindServerless {
					p.Pools[i].Speed = f
				}
			}
		}
	}
	noHead := func(_ *placement.Catalog, p *placement.Platforms) {
		for i := range p.Pools {
			p.Pools[i].HeadVCPUs, p.Pools[i].HeadMemoryBytes = 0, 0
		}
	}
	// lustre sets the workspace's read and write throughput per TiB (0 and 0: no limit).
	lustre := func(read, write float64) func(c *placement.Catalog, p *placement.Platforms) {
		return func(c *placement.Catalog, p *placement.Platforms) {
			if err := c.Set("lustre_read_mbps_per_tib", read, "sensitivity"); err != nil {
				panic(err)
			}
			if err := c.Set("lustre_write_mbps_per_tib", write, "sensitivity"); err != nil {
				panic(err)
			}
			p.Storage = placement.NewStorage(c)
		}
	}
	variants := []variant{
		{"defaults", nil, nil},
		{"static cluster up before the run", nil, func(o *placement.Options) { o.StaticUp = true }},
		// The two goals against the standing cluster at the objective's ends: the cost goal is within reach on
		// the cost objective, the makespan goal on none (see the bound's line).
		{"static cluster up before the run, objective cost", nil, func(o *placement.Options) {
			o.StaticUp, o.Objective = true, placement.ObjectiveCost
		}},
		{"static cluster up before the run, objective makespan", nil, func(o *placement.Options) {
			o.StaticUp, o.Objective = true, placement.ObjectiveMakespan
		}},
		{"Ray head runs no tasks (num-cpus 0)", noHead, nil},
		{"environment made for the run (environment_up = false)", func(_ *placement.Catalog, p *placement.Platforms) {
			p.Standing = false
		}, nil},
		{"environment made for the run, Ray head runs no tasks (the model before 2026-11-27)", func(c *placement.Catalog, p *placement.Platforms) {
			p.Standing = false
			noHead(c, p)
		}, nil},
		{"Lambda cold start x3", func(_ *placement.Catalog, p *placement.Platforms) {
			for i := range p.Pools {
				if p.Pools[i].Kind == placement.KindServerless {
					p.Pools[i].StartLatencyS *= 3
				}
			}
		}, nil},
		{"VM and Batch start x0", both(0), nil},
		{"VM and Batch start x2", both(2), nil},
		{"Lambda speed 0.7", speed(0.7), nil},
		{"Lambda speed 1.3", speed(1.3), nil},
		{"warm pools: 1 HPC + 4 Ray nodes", func(_ *placement.Catalog, p *placement.Platforms) {
			p.Pools[0].MinNodes, p.Pools[1].MinNodes = 1, min(4, p.Pools[1].MaxNodes)
		}, nil},
		// The workspace's aggregate throughput: SCRATCH_2's baseline by default; its read burst (1,300
		// MB/s/TiB on network I/O credits, writes still at the disks' 100) is what a short workflow may see;
		// or no aggregate limit at all (the model before 2026-11-27).
		{"Lustre reads at SCRATCH_2's burst (1,300 MB/s/TiB)", lustre(1300, 100), nil},
		{"Lustre without an aggregate limit", lustre(0, 0), nil},
		// The node page cache: a shared input read on a node once (see the package doc).
		{"no page cache (every task reads its shared inputs from Lustre)", func(c *placement.Catalog, p *placement.Platforms) {
			if err := c.Set("node_page_cache", 0, "sensitivity"); err != nil {
				panic(err)
			}
			p.Storage = placement.NewStorage(c)
		}, nil},
		// Right-sizing weighs the page cache (blast's 5.1 GB database gets c6i.2xlarge nodes, which hold it); this
		// line gives the pools more memory than the slot price picks for the other traces.
		{"HPC and Ray nodes of 8 GiB or more (c6i.xlarge where the right-sized type has less)", atLeast8GiB, nil},
		{"spot HPC and Ray nodes", func(c *placement.Catalog, p *placement.Platforms) {
			p.Pools[0], p.Pools[1] = p.Pools[0].WithSpot(c), p.Pools[1].WithSpot(c)
		}, nil},
	}
	fmt.Println("Sensitivity (same traces and objective; each line changes the defaults as named):")
	for _, v := range variants {
		rows, err := solveAll(ws, opt, v)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", v.name, err)
			continue
		}
		summary(rows, v.name)
		boundLine(ws, rows, v)
	}
	fmt.Println()
}

// atLeast8GiB replaces the HPC and Ray pools' instance type by c6i.xlarge (4 vCPUs, 8 GiB) where it has
// less memory, keeping the pools' vCPU caps.
func atLeast8GiB(c *placement.Catalog, p *placement.Platforms) {
	const it = "c6i.xlarge"
	for k := range p.Pools {
		pl := &p.Pools[k]
		if pl.MemoryBytes >= 8<<30 {
			continue
		}
		var np placement.Pool
		var err error
		switch pl.Kind {
		case placement.KindHPC:
			np, err = placement.NewHPCPool(c, pl.Name, it, 0, max(1, int(c.HPCPoolVCPUs.V)/4))
		case placement.KindRay:
			np, err = placement.NewRayPool(c, pl.Name, it, 0, max(1, int(c.RayPoolVCPUs.V)/4))
		default:
			continue
		}
		if err != nil {
			panic(err)
		}
		*pl = np
	}
}
