// SPDX-License-Identifier: MPL-2.0

// Command placementbench measures the placement engine on real workflow
// traces and on synthetic workflows.
//
//	go run ./internal/placement/cmd/placementbench -workflows internal/placement/testdata/wfcommons
//
// For every WfCommons trace in the directory it prints the makespan and cost
// of the engine's placement and of every baseline (all evaluated by the same
// simulator), the reduction against all-HPC and against the Mashup-style
// rule, and the solve time; then the averages and whether the goals hold; then
// solve time and peak memory for synthetic workflows (10,000 and 100,000
// tasks by default). By default it runs on one core (GOMAXPROCS=1).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

func main() {
	dir := flag.String("workflows", "internal/placement/testdata/wfcommons", "directory of WfCommons JSON traces")
	objective := flag.String("objective", "weighted", "objective: cost, makespan or weighted")
	weight := flag.Float64("cost-weight", placement.DefaultCostWeight, "cost weight of the weighted objective")
	synthetic := flag.String("synthetic", "10000,100000", "comma-separated synthetic workflow sizes (empty: none)")
	procs := flag.Int("procs", 1, "GOMAXPROCS while measuring")
	verbose := flag.Bool("v", false, "print every workflow's placement table")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)
	opt := placement.Options{Objective: placement.Objective(*objective), CostWeight: *weight}
	ok := true
	if *dir != "" {
		ok = traces(*dir, opt, *verbose)
	}
	if *synthetic != "" {
		synth(*synthetic, opt)
	}
	if !ok {
		os.Exit(1)
	}
}

type row struct {
	name                string
	tasks, stages       int
	sol                 *placement.Solution
	elapsed             time.Duration
	worseThanMashupHEFT []string
}

func traces(dir string, opt placement.Options, verbose bool) bool {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		fmt.Fprintf(os.Stderr, "placementbench: no JSON traces in %s\n", dir)
		return false
	}
	sort.Strings(files)
	fmt.Printf("Placement engine on %d WfCommons traces (objective %s", len(files), opt.Objective)
	if opt.Objective == placement.ObjectiveWeighted || opt.Objective == "" {
		fmt.Printf(", cost weight %.2f", opt.CostWeight)
	}
	fmt.Printf("; default platforms: hpc c5n.18xlarge 0..%d, ray m6i.xlarge 0..%d, lambda, batch/fargate; GOMAXPROCS=%d)\n\n",
		placement.DefaultHPCMaxNodes, placement.DefaultRayMaxNodes, runtime.GOMAXPROCS(0))
	var rows []row
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return false
		}
		w, err := placement.LoadWfCommons(fh)
		fh.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", filepath.Base(f), err)
			return false
		}
		p := placement.NewProblem(w, placement.DefaultPlatforms())
		start := time.Now()
		sol, err := placement.Solve(p, opt)
		el := time.Since(start)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", filepath.Base(f), err)
			return false
		}
		r := row{name: strings.TrimSuffix(filepath.Base(f), ".json"), tasks: len(w.Tasks), stages: len(w.Stages), sol: sol, elapsed: el}
		for _, n := range []string{placement.BaselineMashup, placement.BaselineHEFT} {
			if b := sol.Baseline(n); b != nil && b.Feasible && b.Score < sol.Score-1e-12 {
				r.worseThanMashupHEFT = append(r.worseThanMashupHEFT, n)
			}
		}
		rows = append(rows, r)
		if verbose {
			fmt.Printf("%s\n%s\n", r.name, placement.Table(sol.Evaluation))
		}
	}

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	names := []string{placement.BaselineAllHPC, placement.BaselineAllRay, placement.BaselineAllServerless,
		placement.BaselineAllBatch, placement.BaselineMashup, placement.BaselineHEFT}
	fmt.Fprint(tw, "workflow\ttasks\tstages\tours s\tours $\t")
	for _, n := range names {
		fmt.Fprintf(tw, "%s s\t%s $\t", n, n)
	}
	fmt.Fprint(tw, "vs hpc time\tvs hpc cost\tvs mashup time\tvs mashup cost\tmethod\tevals\tsolve\t\n")
	var sumHT, sumHC, sumMT, sumMC float64
	var nH, nM int
	var failures []string
	for _, r := range rows {
		ev := r.sol.Evaluation
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.4f\t", r.name, r.tasks, r.stages, ev.MakespanS, ev.CostUSD)
		for _, n := range names {
			b := r.sol.Baseline(n)
			if b == nil || !b.Feasible {
				fmt.Fprint(tw, "infeasible\t-\t")
				continue
			}
			fmt.Fprintf(tw, "%.1f\t%.4f\t", b.MakespanS, b.CostUSD)
		}
		h, m := r.sol.Baseline(placement.BaselineAllHPC), r.sol.Baseline(placement.BaselineMashup)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t\n", pct(h, true), pct(h, false), pct(m, true), pct(m, false),
			r.sol.Method, r.sol.Evaluations, r.elapsed.Round(time.Millisecond))
		if h != nil && h.Feasible {
			sumHT += h.MakespanReductionPct
			sumHC += h.CostReductionPct
			nH++
		}
		if m != nil && m.Feasible {
			sumMT += m.MakespanReductionPct
			sumMC += m.CostReductionPct
			nM++
		}
		if len(r.worseThanMashupHEFT) > 0 {
			failures = append(failures, fmt.Sprintf("%s (worse than %s)", r.name, strings.Join(r.worseThanMashupHEFT, ", ")))
		}
	}
	tw.Flush()
	fmt.Println()
	if nH > 0 {
		avgT, avgC := sumHT/float64(nH), sumHC/float64(nH)
		fmt.Printf("Average reduction vs all-HPC over %d workflows: makespan %.1f%% (goal >= 34%%: %s), cost %.1f%% (goal >= 43%%: %s)\n",
			nH, avgT, goal(avgT >= 34), avgC, goal(avgC >= 43))
	}
	if nM > 0 {
		fmt.Printf("Average reduction vs the Mashup-style rule over %d workflows: makespan %.1f%%, cost %.1f%%\n",
			nM, sumMT/float64(nM), sumMC/float64(nM))
	}
	if len(failures) == 0 {
		fmt.Printf("No worse than the Mashup-style rule and HEFT on the %s objective on every workflow: met\n", rows[0].sol.Options.Objective)
	} else {
		fmt.Printf("Worse than the Mashup-style rule or HEFT on: %s: NOT MET\n", strings.Join(failures, "; "))
	}
	fmt.Println()
	return len(failures) == 0
}

func pct(b *placement.Baseline, time bool) string {
	if b == nil || !b.Feasible {
		return "-"
	}
	if time {
		return fmt.Sprintf("%.1f%%", b.MakespanReductionPct)
	}
	return fmt.Sprintf("%.1f%%", b.CostReductionPct)
}

func goal(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}

func synth(sizes string, opt placement.Options) {
	fmt.Printf("Synthetic layered workflows (10 stages), GOMAXPROCS=%d\n", runtime.GOMAXPROCS(0))
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "tasks\tgenerate\tsolve\tgoal\tmethod\tevals\tmakespan s\tcost $\tallocated\tpeak heap\tmax RSS\t\n")
	for _, f := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "placementbench: bad size %q\n", f)
			continue
		}
		t0 := time.Now()
		w := placement.Synthetic(n, 10, 1)
		gen := time.Since(t0)
		p := placement.NewProblem(w, placement.DefaultPlatforms())
		runtime.GC()
		debug.FreeOSMemory()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		stop := make(chan struct{})
		peak := make(chan uint64)
		go samplePeakHeap(stop, peak)
		runtime.Gosched()
		t1 := time.Now()
		sol, err := placement.Solve(p, opt)
		el := time.Since(t1)
		close(stop)
		peakHeap := <-peak
		if err != nil {
			fmt.Fprintf(os.Stderr, "synthetic %d: %v\n", n, err)
			continue
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		limit := time.Second
		if n > 10_000 {
			limit = 10 * time.Second
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t< %s: %s\t%s\t%d\t%.1f\t%.2f\t%s\t%s\t%s\t\n", n, gen.Round(time.Millisecond),
			el.Round(time.Millisecond), limit, goal(el < limit), sol.Method, sol.Evaluations, sol.Evaluation.MakespanS,
			sol.Evaluation.CostUSD, mib(after.TotalAlloc-before.TotalAlloc), mib(peakHeap), mib(maxRSS()))
	}
	tw.Flush()
}

// samplePeakHeap samples the live heap every 50 ms until stop is closed.
func samplePeakHeap(stop <-chan struct{}, out chan<- uint64) {
	var peak uint64
	var ms runtime.MemStats
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > peak {
			peak = ms.HeapInuse
		}
		select {
		case <-stop:
			out <- peak
			return
		case <-tick.C:
		}
	}
}

// maxRSS is the process's peak resident set size so far.
func maxRSS() uint64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	rss := uint64(ru.Maxrss)
	if runtime.GOOS == "darwin" {
		return rss // bytes
	}
	return rss * 1024 // kilobytes on Linux
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
