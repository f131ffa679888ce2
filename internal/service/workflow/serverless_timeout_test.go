// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A stage admitted to Lambda at the per-function S3 throughput (800 s of work and 1 GB in at 80 MB/s,
// 813.5 s with the cold start) runs longer than the 900 s timeout in the simulation when 20 of its tasks
// share an aggregate S3 limit of 80 MB/s: the placement warns, naming such tasks and the remedy. Without
// the aggregate limit, or with one wide enough, nothing is over the timeout and there is no warning.
func TestServerlessOverTimeout_sharedS3(t *testing.T) {
	for _, tc := range []struct {
		name      string
		aggregate float64 // s3_aggregate_bandwidth, B/s (0: none)
		warn      bool
	}{
		{"no aggregate limit", 0, false},
		{"80 MB/s for 20 functions", 80e6, true},
		{"80 GB/s for 20 functions", 80e9, false},
	} {
		m := nullInputs(t)
		s := stage("load", 20, 800)
		s.InputBytes = types.Int64Value(1e9)
		m.Stage = listOf(t, "stage", []stageModel{s})
		m.Serverless = listOf(t, "serverless", []serverlessPoolModel{lambdaPool("fn")})
		if tc.aggregate > 0 {
			m.ModelOverride = types.MapValueMust(types.Float64Type, map[string]attr.Value{"s3_aggregate_bandwidth": types.Float64Value(tc.aggregate)})
		}
		p, o := mustExpand(t, &m)
		sol, d := solve(context.Background(), &m, p, o)
		if d.HasError() {
			t.Fatalf("%s: %v", tc.name, d)
		}
		if got := d.WarningsCount() == 1; got != tc.warn {
			t.Fatalf("%s: warnings %v, want one: %v", tc.name, d, tc.warn)
		}
		if !tc.warn {
			continue
		}
		detail := d[0].Detail()
		if d[0].Summary() != "Serverless tasks over their function timeout" || !strings.Contains(detail, `on fn: `) ||
			!strings.Contains(detail, "over its 900 s timeout") || !strings.Contains(detail, "Raise s3_aggregate_bandwidth") {
			t.Errorf("%s: warning %q: %s", tc.name, d[0].Summary(), detail)
		}
		over := 0
		for _, ts := range sol.Evaluation.Tasks {
			if ts.FinishS-ts.StartS > 900 {
				over++
			}
		}
		if over == 0 || !strings.HasPrefix(detail, strconv.Itoa(over)+" serverless task(s)") {
			t.Errorf("%s: %d tasks over the timeout in the evaluation; warning: %s", tc.name, over, detail)
		}
	}
}
