// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Every stage rule of the engine (placement.CheckStages) as the plan-time diagnostic: the attribute path,
// the summary naming the rule and the detail; the same diagnostic when expand meets it (FromStages'
// StageError); and only what is known is checked while values are unknown at plan time.
func TestValidateInputs_stageRules(t *testing.T) {
	withTasks := func(s stageModel, n types.Int64) stageModel { s.TaskCount = n; return s }
	unknownName := stage("x", 1, 1)
	unknownName.Name = types.StringUnknown()
	unknownDeps := stage("b", 1, 1)
	unknownDeps.DependsOn = types.ListUnknown(types.StringType)
	unknownDep := stage("b", 1, 1)
	unknownDep.DependsOn = types.ListValueMust(types.StringType, []attr.Value{types.StringValue("a"), types.StringUnknown()})
	for _, tc := range []struct {
		name    string
		stages  []stageModel
		setup   func(m *inputsModel)
		path    string // "" means valid
		summary string
		detail  string
	}{
		{name: "duplicate name", stages: []stageModel{stage("a", 1, 1), stage("a", 1, 1)},
			path: "stage[1].name", summary: "Duplicate stage name",
			detail: `stage[1].name: stage name "a" is already used by stage[0]; stage names must be unique.`},
		{name: "unknown dependency", stages: []stageModel{stage("b", 1, 1), stage("a", 1, 1, "nope")},
			path: "stage[1].depends_on", summary: "Unknown stage dependency",
			detail: `stage[1].depends_on: stage "a" depends on "nope", which is not a stage of this workflow (known: a, b).`},
		{name: "self dependency", stages: []stageModel{stage("a", 1, 1, "a")},
			path: "stage[0].depends_on", summary: "Invalid stage dependency", detail: `stage[0].depends_on: stage "a" depends on itself.`},
		{name: "cycle", stages: []stageModel{stage("a", 1, 1, "c"), stage("b", 1, 1, "a"), stage("c", 1, 1, "b")},
			path: "stage[0].depends_on", summary: "Stage dependency cycle",
			detail: "stage[0].depends_on: the stages depend on each other in a cycle: a -> c -> b -> a; a workflow must be a DAG."},
		{name: "no tasks", stages: []stageModel{stage("a", 1, 1), stage("b", 0, 1)},
			path: "stage[1].task_count", summary: "Invalid task_count",
			detail: `stage[1].task_count: stage "b": task_count must be between 1 and 1000000, got 0.`},
		{name: "too many tasks", stages: []stageModel{stage("a", 1_000_001, 1)},
			path: "stage[0].task_count", summary: "Invalid task_count",
			detail: `stage[0].task_count: stage "a": task_count must be between 1 and 1000000, got 1000001.`},
		{name: "a cycle is found while the platform blocks are unknown",
			stages: []stageModel{stage("a", 1, 1, "b"), stage("b", 1, 1, "a")},
			setup:  func(m *inputsModel) { m.HPC = types.ListUnknown(blockType(t, "hpc")) },
			path:   "stage[0].depends_on", summary: "Stage dependency cycle", detail: "a -> b -> a"},
		{name: "unknown name: a dependency may name it", stages: []stageModel{stage("a", 1, 1), unknownName, stage("c", 1, 1, "b")}},
		{name: "unknown depends_on: no cycle yet", stages: []stageModel{stage("a", 1, 1, "b"), unknownDeps}},
		{name: "unknown element of depends_on: no cycle yet", stages: []stageModel{stage("a", 1, 1, "b"), unknownDep}},
		{name: "unknown task_count", stages: []stageModel{withTasks(stage("a", 1, 1), types.Int64Unknown())}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := nullInputs(t)
			m.Stage = listOf(t, "stage", tc.stages)
			if tc.setup != nil {
				tc.setup(&m)
			}
			d, got := planCheck(t, &m)
			if tc.path == "" {
				if got.HasError() {
					t.Fatalf("want valid, got %v", got)
				}
				return
			}
			if n := got.ErrorsCount(); n != 1 {
				t.Fatalf("want one diagnostic, got %d: %v", n, got)
			}
			assertAttrError(t, got, tc.path, tc.summary, tc.detail)
			if tc.setup != nil {
				return // expand needs every value
			}
			_, got = expandWorkflow(context.Background(), &m, &d)
			assertAttrError(t, got, tc.path, tc.summary, tc.detail)
		})
	}
}
