// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// defaultPlatformsError is the diagnostic for default platforms that cannot be right-sized for w (no
// catalog type of the default families holds its largest task): on the `cores` or `memory_mb` of the
// first stage block whose task no type holds, or on wfcommons_json for a trace.
func defaultPlatformsError(cat *placement.Catalog, w *placement.Workflow, fromStages bool, err error) diag.Diagnostic {
	const summary = "No default platform holds the workflow's tasks"
	detail := err.Error() + "\n\nGive smaller tasks, or hpc/ray blocks with an instance_type (or vcpus and memory_gib) that holds them."
	if !fromStages {
		return diag.NewAttributeErrorDiagnostic(path.Root("wfcommons_json"), summary, detail)
	}
	fits := func(t placement.Task) bool {
		t.Parents, t.Stage = nil, 0
		one := &placement.Workflow{Name: w.Name, Stages: []placement.Stage{{Name: "probe"}}, Tasks: []placement.Task{t}}
		_, err := placement.RightSize(cat, one, placement.HPCFamilies)
		return err == nil
	}
	seen := make([]bool, len(w.Stages))
	for _, t := range w.Tasks {
		if seen[t.Stage] {
			continue // the tasks of a stage block are identical
		}
		seen[t.Stage] = true
		if fits(t) {
			continue
		}
		attr, small := "cores", t
		small.MemoryBytes = 0
		if fits(small) {
			attr = "memory_mb"
		}
		return diag.NewAttributeErrorDiagnostic(path.Root("stage").AtListIndex(t.Stage).AtName(attr), summary, detail)
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("stage"), summary, detail)
}

// checkPools reports a pool the engine would refuse (a block's setting against a model_overrides value, such
// as a serverless memory_mb below lambda_min_memory_mb) on its block.
func checkPools(pools []placement.Pool, d *decodedInputs) diag.Diagnostics {
	var diags diag.Diagnostics
	blocks := []struct {
		name string
		n    int
	}{{"hpc", len(d.hpc)}, {"ray", len(d.ray)}, {"serverless", len(d.serverless)}, {"batch", len(d.batch)}}
	k := 0
	for _, b := range blocks {
		for i := 0; i < b.n; i, k = i+1, k+1 {
			if err := pools[k].Validate(); err != nil {
				diags.AddAttributeError(path.Root(b.name).AtListIndex(i), "Invalid pool",
					err.Error()+"\n\nThe block's settings and model_overrides do not go together.")
			}
		}
	}
	return diags
}
