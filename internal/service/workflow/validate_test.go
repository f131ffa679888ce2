// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestValidateInputs(t *testing.T) {
	pinned := func(s stageModel, pin string) stageModel { s.Pin = types.StringValue(pin); return s }
	for _, tc := range []struct {
		name     string
		setup    func(m *inputsModel)
		wantPath string // "" means valid
		wantText string
	}{
		{"valid stages", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1), stage("b", 2, 2, "a")})
		}, "", ""},
		{"no workflow", func(m *inputsModel) {}, "wfcommons_json", "either as wfcommons_json"},
		{"both workflows", func(m *inputsModel) {
			m.WfCommonsJSON = types.StringValue("{}")
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1)})
		}, "wfcommons_json", "mutually exclusive"},
		{"bad wfcommons json", func(m *inputsModel) {
			m.WfCommonsJSON = types.StringValue(`{"name": "x"`)
		}, "wfcommons_json", "WfCommons WfFormat JSON"},
		{"duplicate stage", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1), stage("a", 1, 1)})
		}, "stage[1].name", `"a" is already used by stage[0]`},
		{"unknown dependency", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1), stage("b", 1, 1, "nope")})
		}, "stage[1].depends_on", `"nope", which is not a stage`},
		{"self dependency", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1, "a")})
		}, "stage[0].depends_on", "depends on itself"},
		{"cycle", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1, "c"), stage("b", 1, 1, "a"), stage("c", 1, 1, "b")})
		}, "stage[0].depends_on", "a -> c -> b -> a"},
		{"unknown pin with defaults", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{pinned(stage("a", 1, 1), "slurm")})
		}, "stage[0].pin", `pinned to "slurm"`},
		{"pin to a default pool", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{pinned(stage("a", 1, 1), "lambda")})
		}, "", ""},
		{"pin to a kind", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{pinned(stage("a", 1, 1), "batch")})
			m.HPC = listOf(t, "hpc", []vmPoolModel{vmPool("slurm", "c5n.18xlarge")})
		}, "", ""},
		{"pin to a configured pool", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{pinned(stage("a", 1, 1), "slurm")})
			m.HPC = listOf(t, "hpc", []vmPoolModel{vmPool("slurm", "c5n.18xlarge")})
		}, "", ""},
		{"duplicate pool name", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1)})
			m.HPC = listOf(t, "hpc", []vmPoolModel{vmPool("x", "c5n.18xlarge")})
			m.Serverless = listOf(t, "serverless", []serverlessPoolModel{lambdaPool("x")})
		}, "serverless[0].name", `"x" is already used`},
		{"min above max", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1)})
			p := vmPool("r", "m6i.xlarge")
			p.MinNodes, p.MaxNodes = types.Int64Value(5), types.Int64Value(2)
			m.Ray = listOf(t, "ray", []vmPoolModel{p})
		}, "ray[0].min_nodes", "must not exceed max_nodes (2)"},
		{"min above default max", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1)})
			p := vmPool("h", "c5n.18xlarge")
			p.MinNodes = types.Int64Value(17)
			m.HPC = listOf(t, "hpc", []vmPoolModel{p})
		}, "hpc[0].min_nodes", "max_nodes (16)"},
		{"uncatalogued instance type", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1)})
			p := vmPool("h", "x9.huge")
			p.VCPUs = types.Int64Value(8)
			m.HPC = listOf(t, "hpc", []vmPoolModel{p})
		}, "hpc[0].instance_type", "set memory_gib, price_per_hour"},
		{"cost_weight without weighted", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1)})
			m.CostWeight = types.Float64Value(0.3)
		}, "cost_weight", `objective is "balanced"`},
		{"cost_weight with weighted", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1)})
			m.CostWeight, m.Objective = types.Float64Value(0.3), types.StringValue(objectiveWeighted)
		}, "", ""},
		{"unknown values are skipped", func(m *inputsModel) {
			s := stage("a", 1, 1)
			s.Pin = types.StringUnknown()
			m.Stage = listOf(t, "stage", []stageModel{s})
			m.HPC = types.ListUnknown(blockType(t, "hpc"))
			m.Objective = types.StringUnknown()
			m.CostWeight = types.Float64Value(0.3)
		}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := nullInputs(t)
			tc.setup(&m)
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
}

// Every shipped WfCommons trace converts, validates and places through the data source's
// path (the default platforms).
func TestExpand_sharedWorkflows(t *testing.T) {
	dir := tracesDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range files {
		if filepath.Base(f) == "epigenomics-chameleon-ilmn-6seq-50k-001.json" || filepath.Base(f) == "montage-chameleon-2mass-04d-001.json" {
			if testing.Short() {
				continue
			}
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m := nullInputs(t)
			m.WfCommonsJSON = types.StringValue(string(b))
			p, o := mustExpand(t, &m)
			sol, d := solve(context.Background(), &m, p, o)
			if d.HasError() {
				t.Fatal(d)
			}
			var out outputsModel
			if d := out.flatten(p, sol); d.HasError() {
				t.Fatal(d)
			}
			if len(out.Stages.Elements()) != len(p.Workflow.Stages) || !(out.MakespanS.ValueFloat64() > 0) {
				t.Errorf("%d stage rows for %d stages, makespan %v", len(out.Stages.Elements()), len(p.Workflow.Stages), out.MakespanS)
			}
		})
	}
}

// tracesDir is the engine's copy of the WfCommons traces (internal/placement/testdata/wfcommons, with
// their licence), as an absolute path so acceptance configurations can read it with file().
func tracesDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "placement", "testdata", "wfcommons"))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Fatalf("no WfCommons traces in %s", dir)
	}
	return dir
}
