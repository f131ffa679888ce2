// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"text/tabwriter"
)

// GanttMermaid renders an evaluation as a Mermaid Gantt chart that GitHub and
// most documentation sites render: time in seconds from submission
// (dateFormat X, axisFormat %s), one section per platform kind in [Kinds]
// order (pool names in the section title), one bar per stage spanning its
// first task start to its last task finish, labelled with the stage name,
// its pool and its task count. Stage names are sanitised for Mermaid
// (':', ';', '#' and line breaks become '_').
func GanttMermaid(title string, p *Problem, ev *Evaluation) string {
	var b strings.Builder
	b.WriteString("gantt\n")
	if title != "" {
		fmt.Fprintf(&b, "    title %s\n", mermaidText(title))
	}
	b.WriteString("    dateFormat X\n    axisFormat %s\n")
	for _, kind := range Kinds {
		var idx []int
		pools := map[string]bool{}
		for s := range ev.Stages {
			if ev.Stages[s].Platform == kind {
				idx = append(idx, s)
				pools[ev.Stages[s].Pool] = true
			}
		}
		if len(idx) == 0 {
			continue
		}
		sort.SliceStable(idx, func(i, j int) bool { return ev.Stages[idx[i]].StartS < ev.Stages[idx[j]].StartS })
		names := make([]string, 0, len(pools))
		for n := range pools {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(&b, "    section %s (%s)\n", kind, mermaidText(strings.Join(names, ", ")))
		for _, s := range idx {
			r := &ev.Stages[s]
			start := int64(math.Floor(r.StartS))
			end := int64(math.Ceil(r.FinishS))
			if end <= start {
				end = start + 1
			}
			fmt.Fprintf(&b, "    %s on %s x%d :s%d, %d, %d\n", mermaidText(r.Stage), mermaidText(r.Pool), r.Tasks, s, start, end)
		}
	}
	return b.String()
}

func mermaidText(s string) string {
	return strings.NewReplacer(":", "_", ";", "_", "#", "_", "\n", " ", "\r", " ").Replace(s)
}

// Table renders an evaluation as a plain-text table (one row per stage, in
// workflow order, then a total row) for `terraform output`.
func Table(ev *Evaluation) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STAGE\tPLATFORM\tPOOL\tINSTANCE TYPE\tTASKS\tSTART (s)\tFINISH (s)\tCOST (USD)")
	tasks := 0
	for _, r := range ev.Stages {
		tasks += r.Tasks
		pool := r.Pool
		if r.BurstTasks > 0 {
			pool = fmt.Sprintf("%s + %d on %s", r.Pool, r.BurstTasks, r.BurstPool)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%.1f\t%.1f\t%.4f\n", r.Stage, r.Platform, pool, r.InstanceType, r.Tasks, r.StartS, r.FinishS, r.CostUSD)
	}
	if ev.S3RequestUSD > 0 {
		fmt.Fprintf(tw, "(S3 requests, included above)\t\t\t\t\t\t\t%.4f\n", ev.S3RequestUSD)
	}
	if ev.StorageUSD > 0 {
		fmt.Fprintf(tw, "(Lustre file system)\t\t\t\t\t\t\t%.4f\n", ev.StorageUSD)
	}
	if idle := unattributedUSD(ev); idle > 0 {
		fmt.Fprintf(tw, "(fixed costs of clusters no stage used)\t\t\t\t\t\t\t%.4f\n", idle)
	}
	fmt.Fprintf(tw, "TOTAL\t\t\t\t%d\t0.0\t%.1f\t%.4f\n", tasks, ev.MakespanS, ev.CostUSD)
	tw.Flush()
	return b.String()
}

// unattributedUSD is the cost no stage carries: in a standing environment
// the fixed costs of clusters none of whose pools ran a task (0 below a
// micro-dollar).
func unattributedUSD(ev *Evaluation) float64 {
	rest := ev.CostUSD - ev.StorageUSD
	for _, r := range ev.Stages {
		rest -= r.CostUSD
	}
	if rest < 1e-6 {
		return 0
	}
	return rest
}

// BaselineTable renders a solution's comparison with its baselines: one row
// for the solution, then one per baseline with the solution's reductions.
func BaselineTable(sol *Solution) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PLACEMENT\tMAKESPAN (s)\tCOST (USD)\tMAKESPAN REDUCTION\tCOST REDUCTION")
	fmt.Fprintf(tw, "solution (found by %s)\t%.1f\t%.4f\t-\t-\n", sol.FoundBy, sol.Evaluation.MakespanS, sol.Evaluation.CostUSD)
	for _, bl := range sol.Baselines {
		name := bl.Name
		switch {
		case bl.Of != "":
			name += " (" + bl.Of + ")"
		case bl.Nodes > 0:
			name += fmt.Sprintf(" (%d nodes)", bl.Nodes)
		case bl.TaskLevelMakespanS > 0:
			name += fmt.Sprintf(" (own estimate %.1f s)", bl.TaskLevelMakespanS)
		}
		if !bl.Feasible {
			fmt.Fprintf(tw, "%s\tinfeasible\t-\t-\t-\n", name)
			continue
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%.4f\t%.1f%%\t%.1f%%\n", name, bl.MakespanS, bl.CostUSD, bl.MakespanReductionPct, bl.CostReductionPct)
	}
	tw.Flush()
	return b.String()
}
