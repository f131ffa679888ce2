// SPDX-License-Identifier: MPL-2.0

// Command placementbench measures the placement engine on real workflow
// traces and on synthetic workflows.
//
//	go run ./internal/placement/cmd/placementbench -workflows internal/placement/testdata/wfcommons
//
// For every WfCommons trace in the directory, on the default platforms
// right-sized for it, it prints the makespan and cost of the engine's
// placement and of every baseline (all evaluated by the same simulator, and
// each baseline simulated again outside Solve to check the figures), which
// search step found the placement, and the solve time; then the averages
// against the static cluster and the best single platform, HEFT's makespan
// on the makespan objective, and a sensitivity table (boot times, Lambda
// speed, warm pools); then solve time and peak memory for synthetic
// workflows (10,000 and 100,000 tasks by default). By default it runs on one
// core (GOMAXPROCS=1).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
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
	sensitivity := flag.Bool("sensitivity", true, "print the sensitivity table")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)
	opt := placement.Options{Objective: placement.Objective(*objective), CostWeight: *weight}
	ok := true
	if *dir != "" {
		ws, err := loadTraces(*dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "placementbench:", err)
			os.Exit(1)
		}
		ok = traces(ws, opt, *verbose)
		heftCheck(ws)
		staticTable(ws, opt)
		boundTable(ws, opt)
		if *sensitivity {
			sensitivityTable(ws, opt)
		}
	}
	if *synthetic != "" {
		synth(*synthetic, opt)
	}
	if !ok {
		os.Exit(1)
	}
}

func synth(sizes string, opt placement.Options) {
	fmt.Printf("Synthetic layered workflows (10 stages), GOMAXPROCS=%d\n", runtime.GOMAXPROCS(0))
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "tasks\tgenerate\tsolve (wall)\tsolve (CPU)\tgoal (CPU)\tmethod\tevals\tmakespan s\tcost $\tallocated\tpeak heap\tmax RSS\t\n")
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
		t1, c1 := time.Now(), cpuTime()
		sol, err := placement.Solve(p, opt)
		el, cpu := time.Since(t1), cpuTime()-c1
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
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t< %s: %s\t%s\t%d\t%.1f\t%.2f\t%s\t%s\t%s\t\n", n, gen.Round(time.Millisecond),
			el.Round(time.Millisecond), cpu.Round(time.Millisecond), limit, goal(cpu < limit), sol.Method, sol.Evaluations, sol.Evaluation.MakespanS,
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

// cpuTime is the CPU time (user + system) the process has used: on a
// loaded machine it measures the solver's work better than the wall clock
// (with GOMAXPROCS=1 the two agree on an idle machine).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

func goal(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}
