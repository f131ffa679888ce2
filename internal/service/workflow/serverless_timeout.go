// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// maxListedTasks bounds the tasks a warning names.
const maxListedTasks = 5

// serverlessOverTimeout warns when the placement runs a serverless task longer than its pool's timeout.
// The engine admits a stage to a serverless pool when each task fits the timeout at the per-function S3
// throughput; with an aggregate S3 limit (s3_aggregate_bandwidth in model_overrides) a task's share of it
// can be slower in the simulation, and such an invocation would time out on AWS Lambda.
func serverlessOverTimeout(p *placement.Problem, ev *placement.Evaluation) diag.Diagnostics {
	var diags diag.Diagnostics
	var over []string
	n := 0
	for _, ts := range ev.Tasks {
		pl := &p.Pools[ts.Pool]
		d := ts.FinishS - ts.StartS
		if pl.Kind != placement.KindServerless || d <= pl.TimeoutS*(1+1e-9) {
			continue
		}
		n++
		if len(over) < maxListedTasks {
			over = append(over, fmt.Sprintf("task %q on %s: %.1f s, over its %g s timeout", p.Workflow.Tasks[ts.Task].ID, pl.Name, d, pl.TimeoutS))
		}
	}
	if n == 0 {
		return diags
	}
	if n > len(over) {
		over = append(over, fmt.Sprintf("and %d more", n-len(over)))
	}
	diags.AddWarning("Serverless tasks over their function timeout",
		fmt.Sprintf("%d serverless task(s) of the placement run longer than their pool's timeout_s in the simulation, with their "+
			"share of the aggregate S3 throughput (s3_aggregate_bandwidth): each fits the timeout at the per-function S3 "+
			"throughput, which is what admits a stage to a serverless pool, but AWS Lambda would stop these invocations:\n- %s\n\n"+
			"Raise s3_aggregate_bandwidth, lower the pool's concurrency, or pin the stage elsewhere.", n, strings.Join(over, "\n- ")))
	return diags
}
