// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// tinyTrace is a WfCommons 1.5 trace with three programs: split, then four short work tasks, then merge.
// On the default platforms every stage goes to Lambda.
const tinyTrace = `{
  "name": "tiny",
  "schemaVersion": "1.5",
  "workflow": {
    "specification": {
      "tasks": [
        {"name": "split_1", "id": "split_1", "children": ["work_1", "work_2", "work_3", "work_4"]},
        {"name": "work_1", "id": "work_1", "parents": ["split_1"], "children": ["merge_1"]},
        {"name": "work_2", "id": "work_2", "parents": ["split_1"], "children": ["merge_1"]},
        {"name": "work_3", "id": "work_3", "parents": ["split_1"], "children": ["merge_1"]},
        {"name": "work_4", "id": "work_4", "parents": ["split_1"], "children": ["merge_1"]},
        {"name": "merge_1", "id": "merge_1", "parents": ["work_1", "work_2", "work_3", "work_4"]}
      ],
      "files": []
    },
    "execution": {
      "tasks": [
        {"id": "split_1", "runtimeInSeconds": 2, "command": {"program": "split"}},
        {"id": "work_1", "runtimeInSeconds": 20, "command": {"program": "work"}},
        {"id": "work_2", "runtimeInSeconds": 21, "command": {"program": "work"}},
        {"id": "work_3", "runtimeInSeconds": 19, "command": {"program": "work"}},
        {"id": "work_4", "runtimeInSeconds": 20, "command": {"program": "work"}},
        {"id": "merge_1", "runtimeInSeconds": 3, "command": {"program": "merge"}}
      ]
    }
  }
}`

func override(name string) stageOverrideModel {
	return stageOverrideModel{Name: types.StringValue(name), Coupling: types.StringNull(), Stateful: types.BoolNull(),
		Pin: types.StringNull(), ServerlessMemoryMB: types.Int64Null()}
}

// placeTrace places tinyTrace with the given overrides on the default platforms and returns the problem
// and the pool and platform of every stage by name.
func placeTrace(t *testing.T, overrides ...stageOverrideModel) (*placement.Problem, map[string]string, map[string]string) {
	t.Helper()
	m := nullInputs(t)
	m.WfCommonsJSON = types.StringValue(tinyTrace)
	// An environment made for the run: every stage of the tiny trace goes to Lambda without overrides.
	m.EnvironmentUp = types.BoolValue(false)
	if overrides != nil {
		m.StageOverride = listOf(t, "stage_override", overrides)
	}
	p, o := mustExpand(t, &m)
	sol, d := solve(context.Background(), &m, p, o)
	if d.HasError() {
		t.Fatal(d)
	}
	pools, platforms := map[string]string{}, map[string]string{}
	for _, r := range sol.Evaluation.Stages {
		pools[r.Stage], platforms[r.Stage] = r.Pool, string(r.Platform)
	}
	return p, pools, platforms
}

// The overrides change the engine problem: the stage attributes, the input hash and where the stages go.
func TestExpand_stageOverrides(t *testing.T) {
	base, pools, _ := placeTrace(t)
	if got := len(base.Workflow.Stages); got != 3 {
		t.Fatalf("tiny trace has %d stages, want 3", got)
	}
	for _, s := range []string{"split", "work", "merge"} {
		if pools[s] != "lambda" {
			t.Fatalf("without overrides stage %s is on %s; the test expects every stage on lambda: %v", s, pools[s], pools)
		}
	}

	t.Run("pin to a pool", func(t *testing.T) {
		o := override("work")
		o.Pin = types.StringValue("batch")
		p, pools, platforms := placeTrace(t, o)
		if pools["work"] != "batch" || platforms["work"] != "batch" {
			t.Errorf("work pinned to batch is on %s/%s", platforms["work"], pools["work"])
		}
		if pools["split"] != "lambda" || pools["merge"] != "lambda" {
			t.Errorf("stages without overrides moved: %v", pools)
		}
		if got := p.Workflow.Stages[p.Workflow.StageIndex("work")].Pin; got != "batch" {
			t.Errorf("engine stage pin %q, want batch", got)
		}
		if placement.InputHash(p) == placement.InputHash(base) {
			t.Error("the override did not change the input hash")
		}
	})

	t.Run("pin to a kind", func(t *testing.T) {
		o := override("split")
		o.Pin = types.StringValue("ray")
		_, _, platforms := placeTrace(t, o)
		if platforms["split"] != "ray" {
			t.Errorf("split pinned to kind ray is on %s", platforms["split"])
		}
	})

	t.Run("mpi forces HPC", func(t *testing.T) {
		o := override("work")
		o.Coupling = types.StringValue("mpi")
		p, pools, platforms := placeTrace(t, o)
		if platforms["work"] != "hpc" || pools["work"] != "hpc" {
			t.Errorf("mpi stage work is on %s/%s, want hpc/hpc", platforms["work"], pools["work"])
		}
		if got := p.Workflow.Stages[p.Workflow.StageIndex("work")].Coupling; got != placement.CouplingMPI {
			t.Errorf("engine coupling %q, want mpi", got)
		}
	})

	t.Run("stateful and memory", func(t *testing.T) {
		o := override("merge")
		o.Stateful, o.ServerlessMemoryMB, o.Coupling = types.BoolValue(true), types.Int64Value(3008), types.StringValue("none")
		p, _, platforms := placeTrace(t, o)
		st := p.Workflow.Stages[p.Workflow.StageIndex("merge")]
		if !st.Stateful || st.ServerlessMemoryMB != 3008 || st.Coupling != placement.CouplingNone || st.Pin != "" {
			t.Errorf("engine stage merge = %+v", st)
		}
		if platforms["merge"] == "serverless" {
			t.Error("stateful stage merge runs on serverless")
		}
	})
}

// A stage_override no pool can satisfy points the infeasibility at its block.
func TestSolve_infeasibleOverrideNamesBlock(t *testing.T) {
	m := nullInputs(t)
	m.WfCommonsJSON = types.StringValue(tinyTrace)
	ok := override("split")
	bad := override("work")
	bad.Coupling, bad.Pin = types.StringValue("mpi"), types.StringValue("batch") // MPI needs HPC with EFA
	m.StageOverride = listOf(t, "stage_override", []stageOverrideModel{ok, bad})
	p, o := mustExpand(t, &m)
	_, d := solve(context.Background(), &m, p, o)
	assertAttrError(t, d, "stage_override[1]", `no feasible placement for stage "work"`)
}

func TestValidateInputs_stageOverrides(t *testing.T) {
	pinned := func(o stageOverrideModel, pin string) stageOverrideModel { o.Pin = types.StringValue(pin); return o }
	for _, tc := range []struct {
		name      string
		overrides []stageOverrideModel
		stages    bool // stage blocks instead of wfcommons_json
		wantPath  string
		wantText  string
	}{
		{"valid", []stageOverrideModel{pinned(override("work"), "hpc"), override("merge")}, false, "", ""},
		{"pin to a default pool", []stageOverrideModel{pinned(override("work"), "lambda")}, false, "", ""},
		{"with stage blocks", []stageOverrideModel{override("a")}, true, "stage_override[0]", "need wfcommons_json"},
		{"duplicate", []stageOverrideModel{override("work"), override("merge"), override("work")}, false,
			"stage_override[2].name", `"work" is already overridden by stage_override[0]`},
		{"unknown stage", []stageOverrideModel{override("work"), override("mProject")}, false,
			"stage_override[1].name", `stage_override[1].name: "mProject" is not a stage of the wfcommons_json trace; its stages are: split, work, merge.`},
		{"unknown pin", []stageOverrideModel{pinned(override("work"), "slurm")}, false,
			"stage_override[0].pin", `stage "work" is pinned to "slurm"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := nullInputs(t)
			if tc.stages {
				m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1)})
			} else {
				m.WfCommonsJSON = types.StringValue(tinyTrace)
			}
			m.StageOverride = listOf(t, "stage_override", tc.overrides)
			_, got := planCheck(t, &m)
			if tc.wantPath == "" {
				if got.HasError() {
					t.Fatalf("want valid, got %v", got)
				}
				return
			}
			assertAttrError(t, got, tc.wantPath, tc.wantText)
		})
	}

	// Unknown blocks and names are skipped at plan time.
	m := nullInputs(t)
	m.WfCommonsJSON = types.StringValue(tinyTrace)
	m.StageOverride = types.ListUnknown(blockType(t, "stage_override"))
	d, _ := m.decode(context.Background())
	if got := validateInputs(context.Background(), &m, &d, false); got.HasError() {
		t.Errorf("unknown stage_override list: %v", got)
	}
	o := override("x")
	o.Name = types.StringUnknown()
	m.StageOverride = listOf(t, "stage_override", []stageOverrideModel{o, o})
	d, _ = m.decode(context.Background())
	if got := validateInputs(context.Background(), &m, &d, false); got.HasError() {
		t.Errorf("unknown stage_override names: %v", got)
	}
}

// expand (apply and read time) rejects an unknown override name too, naming the block.
func TestExpand_unknownOverrideStage(t *testing.T) {
	m := nullInputs(t)
	m.WfCommonsJSON = types.StringValue(tinyTrace)
	m.StageOverride = listOf(t, "stage_override", []stageOverrideModel{override("nope")})
	d, _ := m.decode(context.Background())
	_, diags := expandWorkflow(context.Background(), &m, &d)
	assertAttrError(t, diags, "stage_override[0].name", "its stages are: split, work, merge")
}
