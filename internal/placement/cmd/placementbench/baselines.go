// SPDX-License-Identifier: MPL-2.0

package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// everyBaseline prints, per trace, the placement against each baseline
// Solve reports (makespan s / cost USD, and how much less ours is), so
// the all-ray, all-serverless and all-batch baselines are on record too,
// not only the best of them.
func everyBaseline(rows []row) {
	if len(rows) == 0 {
		return
	}
	fmt.Println("Every baseline per trace: makespan s / cost USD (ours: makespan / cost less than it).")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "workflow\tours")
	for _, b := range rows[0].sol.Baselines {
		if b.Name != placement.BaselineBestSingle {
			fmt.Fprintf(tw, "\t%s", b.Name)
		}
	}
	fmt.Fprintln(tw)
	for _, r := range rows {
		ev := r.sol.Evaluation
		fmt.Fprintf(tw, "%s\t%.1f / %.4f", r.name, ev.MakespanS, ev.CostUSD)
		for i := range r.sol.Baselines {
			b := &r.sol.Baselines[i]
			switch {
			case b.Name == placement.BaselineBestSingle:
				continue
			case !b.Feasible:
				fmt.Fprint(tw, "\tinfeasible")
			default:
				fmt.Fprintf(tw, "\t%s (%s)", cell(b), pcts(b))
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Println()
}
