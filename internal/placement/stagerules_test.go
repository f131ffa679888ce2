// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func spec(name string, tasks int, deps ...string) StageSpec {
	return StageSpec{Name: name, TaskCount: tasks, RuntimeS: 1, DependsOn: deps}
}

// Every stage rule, from the stage specifications: the StageError (rule, stage, field and what the rule
// needs) and its message; unknown values check only what is known.
func TestCheckStages(t *testing.T) {
	for _, tc := range []struct {
		name    string
		specs   []StageSpec
		unknown []StageUnknowns
		want    []StageError // nil: valid
		text    []string     // in the messages, in order
	}{
		{name: "valid", specs: []StageSpec{spec("a", 1), spec("b", 2, "a"), spec("c", MaxStageTasks, "a", "b")}},
		{name: "duplicate name", specs: []StageSpec{spec("a", 1), spec("b", 1), spec("a", 1)},
			want: []StageError{{Rule: RuleUniqueName, Index: 2, Stage: "a", Field: FieldName, First: 0}},
			text: []string{`stage name "a" is already used by stage[0]; stage names must be unique`}},
		{name: "unknown dependency", specs: []StageSpec{spec("b", 1), spec("a", 1, "nope")},
			want: []StageError{{Rule: RuleKnownDependency, Index: 1, Stage: "a", Field: FieldDependsOn, Dependency: "nope", Known: []string{"a", "b"}}},
			text: []string{`stage "a" depends on "nope", which is not a stage of this workflow (known: a, b)`}},
		{name: "self dependency", specs: []StageSpec{spec("a", 1), spec("b", 1, "a", "b")},
			want: []StageError{{Rule: RuleNoSelfDependency, Index: 1, Stage: "b", Field: FieldDependsOn}},
			text: []string{`stage "b" depends on itself`}},
		{name: "cycle", specs: []StageSpec{spec("a", 1, "c"), spec("b", 1, "a"), spec("c", 1, "b")},
			want: []StageError{{Rule: RuleAcyclic, Index: 0, Stage: "a", Field: FieldDependsOn, Cycle: []string{"a", "c", "b", "a"}}},
			text: []string{"a cycle: a -> c -> b -> a; a workflow must be a DAG"}},
		{name: "cycle entered later", specs: []StageSpec{spec("x", 1), spec("b", 1, "c"), spec("c", 1, "b", "x")},
			want: []StageError{{Rule: RuleAcyclic, Index: 1, Stage: "b", Field: FieldDependsOn, Cycle: []string{"b", "c", "b"}}}},
		{name: "no tasks", specs: []StageSpec{spec("a", 1), spec("b", 0)},
			want: []StageError{{Rule: RuleTaskCount, Index: 1, Stage: "b", Field: FieldTaskCount, TaskCount: 0}},
			text: []string{`stage "b": task_count must be between 1 and 1000000, got 0`}},
		{name: "too many tasks", specs: []StageSpec{spec("a", MaxStageTasks+1)},
			want: []StageError{{Rule: RuleTaskCount, Index: 0, Stage: "a", Field: FieldTaskCount, TaskCount: MaxStageTasks + 1}}},
		{name: "every broken rule in stage order", specs: []StageSpec{spec("a", 1, "a"), spec("a", -1, "zz")},
			want: []StageError{
				{Rule: RuleNoSelfDependency, Index: 0, Stage: "a", Field: FieldDependsOn},
				{Rule: RuleUniqueName, Index: 1, Stage: "a", Field: FieldName, First: 0},
				{Rule: RuleTaskCount, Index: 1, Stage: "a", Field: FieldTaskCount, TaskCount: -1},
				{Rule: RuleKnownDependency, Index: 1, Stage: "a", Field: FieldDependsOn, Dependency: "zz", Known: []string{"a"}},
			}},
		{name: "unknown name: a dependency on it may be right, the known names are still unique",
			specs:   []StageSpec{spec("a", 1), spec("", 1), spec("c", 1, "b"), spec("a", 1)},
			unknown: []StageUnknowns{{}, {Name: true}, {}, {}},
			want:    []StageError{{Rule: RuleUniqueName, Index: 3, Stage: "a", Field: FieldName, First: 0}}},
		{name: "unknown depends_on: no cycle check", specs: []StageSpec{spec("a", 1, "b"), spec("b", 1)},
			unknown: []StageUnknowns{{}, {DependsOn: true}}},
		{name: "unknown name: no cycle check", specs: []StageSpec{spec("a", 1, "b"), spec("b", 1, "a"), spec("", 1)},
			unknown: []StageUnknowns{{}, {}, {Name: true}}},
		{name: "unknown name: its self dependency is not known", specs: []StageSpec{spec("", 1, "")},
			unknown: []StageUnknowns{{Name: true}}},
		{name: "unknown task_count", specs: []StageSpec{spec("a", 0)}, unknown: []StageUnknowns{{TaskCount: true}}},
		{name: "unknowns elsewhere: a known self dependency is reported", specs: []StageSpec{spec("a", 1, "a"), spec("", 0)},
			unknown: []StageUnknowns{{}, {Name: true, TaskCount: true}},
			want:    []StageError{{Rule: RuleNoSelfDependency, Index: 0, Stage: "a", Field: FieldDependsOn}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckStages(tc.specs, tc.unknown)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d errors %v, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				if !reflect.DeepEqual(*got[i], tc.want[i]) {
					t.Errorf("error %d = %+v, want %+v", i, *got[i], tc.want[i])
				}
				if i < len(tc.text) && !strings.Contains(got[i].Error(), tc.text[i]) {
					t.Errorf("error %d says %q, want %q", i, got[i].Error(), tc.text[i])
				}
			}
		})
	}
}

// FromStages refuses specs that break a rule with the first StageError, and Workflow.Validate gives
// the same StageError for a workflow built without FromStages (a trace).
func TestStageRules_fromStagesAndValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		specs []StageSpec
		w     *Workflow // the same stages as a workflow; nil when a workflow cannot express them
		rule  StageRule
		index int
		field string
	}{
		{name: "duplicate", specs: []StageSpec{spec("a", 1), spec("a", 1)},
			w: &Workflow{Stages: []Stage{{Name: "a"}, {Name: "a"}}}, rule: RuleUniqueName, index: 1, field: FieldName},
		{name: "unknown dependency", specs: []StageSpec{spec("a", 1, "zzz")}, rule: RuleKnownDependency, field: FieldDependsOn},
		{name: "self", specs: []StageSpec{spec("a", 1), spec("b", 1, "b")},
			w: &Workflow{Stages: []Stage{{Name: "a"}, {Name: "b", DependsOn: []int{1}}}}, rule: RuleNoSelfDependency, index: 1, field: FieldDependsOn},
		{name: "cycle", specs: []StageSpec{spec("a", 1, "b"), spec("b", 1, "a")},
			w: &Workflow{Stages: []Stage{{Name: "a", DependsOn: []int{1}}, {Name: "b", DependsOn: []int{0}}}}, rule: RuleAcyclic, field: FieldDependsOn},
		{name: "task count", specs: []StageSpec{spec("a", 1), spec("b", 0)}, rule: RuleTaskCount, index: 1, field: FieldTaskCount},
	} {
		t.Run(tc.name, func(t *testing.T) {
			check := func(what string, err error) {
				t.Helper()
				var se *StageError
				if !errors.As(err, &se) {
					t.Fatalf("%s: want a *StageError, got %v", what, err)
				}
				if se.Rule != tc.rule || se.Index != tc.index || se.Field != tc.field {
					t.Errorf("%s: %+v, want rule %q at stage %d field %s", what, *se, tc.rule, tc.index, tc.field)
				}
			}
			_, err := FromStages(tc.specs)
			check("FromStages", err)
			if tc.w != nil {
				for i := range tc.w.Stages {
					tc.w.Tasks = append(tc.w.Tasks, Task{ID: tc.w.Stages[i].Name + "_t" + string(rune('0'+i)), Stage: i, RuntimeS: 1, Cores: 1})
				}
				check("Validate", tc.w.Validate())
			}
		})
	}
}

func TestFindCycle(t *testing.T) {
	for _, tc := range []struct {
		deps [][]int
		want []int
	}{
		{[][]int{{}, {0}, {0, 1}}, nil},
		{[][]int{{1}, {0}}, []int{0, 1, 0}},
		{[][]int{{}, {2}, {3}, {1}}, []int{1, 2, 3, 1}},
		{[][]int{{0}}, []int{0, 0}},
	} {
		if got := findCycle(tc.deps); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("findCycle(%v) = %v, want %v", tc.deps, got, tc.want)
		}
	}
}
