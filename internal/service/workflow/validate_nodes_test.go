// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Plan-time rules of `nodes`: only with coupling "mpi" (stage and stage_override blocks), and at most the
// max_nodes of an HPC pool with EFA (the configured ones, or the default c5n.18xlarge pool of 16 nodes).
func TestValidateInputs_nodes(t *testing.T) {
	mpi := func(nodes int64) stageModel {
		s := stage("sim", 2, 60)
		s.Coupling, s.Nodes = types.StringValue("mpi"), types.Int64Value(nodes)
		return s
	}
	hpc := func(name, it string, maxNodes int64) vmPoolModel {
		p := vmPool(name, it)
		p.MaxNodes = types.Int64Value(maxNodes)
		return p
	}
	for _, tc := range []struct {
		name     string
		setup    func(m *inputsModel)
		wantPath string // "" means valid
		wantText []string
	}{
		{"nodes without mpi", func(m *inputsModel) {
			s := stage("sim", 1, 1)
			s.Nodes = types.Int64Value(2)
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1), s})
		}, "stage[1].nodes", []string{"Invalid nodes", `stage[1].nodes: stage "sim": nodes = 2 needs coupling = "mpi"`, `coupling is "none"`}},
		{"nodes with coupling none", func(m *inputsModel) {
			s := mpi(2)
			s.Coupling = types.StringValue("none")
			m.Stage = listOf(t, "stage", []stageModel{s})
		}, "stage[0].nodes", []string{`needs coupling = "mpi"`}},
		{"within the default pool", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{mpi(16)})
		}, "", nil},
		{"over the default pool", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{mpi(17)})
		}, "stage[0].nodes", []string{"Too many nodes per task", `stage "sim" asks for 17 nodes per task`, "max_nodes: hpc = 16"}},
		{"default pool grown by model_overrides", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{mpi(17)})
			m.ModelOverride, _ = types.MapValueFrom(t.Context(), types.Float64Type, map[string]float64{"hpc_pool_vcpus": 72 * 20})
		}, "", nil},
		{"over every EFA pool", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{mpi(4)})
			m.HPC = listOf(t, "hpc", []vmPoolModel{hpc("small", "c5n.18xlarge", 2), hpc("cpu", "c6i.large", 64), hpc("mid", "c5n.18xlarge", 3)})
		}, "stage[0].nodes", []string{"asks for 4 nodes", "max_nodes: small = 2, mid = 3", "lower nodes or raise max_nodes"}},
		{"one EFA pool large enough", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{mpi(4)})
			m.HPC = listOf(t, "hpc", []vmPoolModel{hpc("small", "c5n.18xlarge", 2), hpc("big", "c5n.18xlarge", 4)})
		}, "", nil},
		{"efa set on a pool", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{mpi(4)})
			p := hpc("cpu", "c6i.large", 8)
			p.EFA = types.BoolValue(true)
			m.HPC = listOf(t, "hpc", []vmPoolModel{hpc("small", "c5n.18xlarge", 2), p})
		}, "", nil},
		{"max_nodes unknown", func(m *inputsModel) {
			m.Stage = listOf(t, "stage", []stageModel{mpi(4)})
			p := hpc("small", "c5n.18xlarge", 2)
			p.MaxNodes = types.Int64Unknown()
			m.HPC = listOf(t, "hpc", []vmPoolModel{p})
		}, "", nil},
		{"override nodes without mpi", func(m *inputsModel) {
			m.WfCommonsJSON = types.StringValue(tinyTrace)
			o := override("work")
			o.Nodes = types.Int64Value(2)
			m.StageOverride = listOf(t, "stage_override", []stageOverrideModel{o})
		}, "stage_override[0].nodes", []string{"Invalid nodes", `stage "work": nodes = 2 needs coupling = "mpi"`}},
		{"override over the pools", func(m *inputsModel) {
			m.WfCommonsJSON = types.StringValue(tinyTrace)
			o := override("work")
			o.Coupling, o.Nodes = types.StringValue("mpi"), types.Int64Value(3)
			m.StageOverride = listOf(t, "stage_override", []stageOverrideModel{o})
			m.HPC = listOf(t, "hpc", []vmPoolModel{hpc("small", "c5n.18xlarge", 2)})
		}, "stage_override[0].nodes", []string{`stage "work" asks for 3 nodes per task`, "max_nodes: small = 2"}},
		{"override within the pools", func(m *inputsModel) {
			m.WfCommonsJSON = types.StringValue(tinyTrace)
			o := override("work")
			o.Coupling, o.Nodes = types.StringValue("mpi"), types.Int64Value(2)
			m.StageOverride = listOf(t, "stage_override", []stageOverrideModel{o})
			m.HPC = listOf(t, "hpc", []vmPoolModel{hpc("small", "c5n.18xlarge", 2)})
		}, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := nullInputs(t)
			tc.setup(&m)
			_, d := planCheck(t, &m)
			if tc.wantPath == "" {
				if d.HasError() {
					t.Fatalf("unexpected error: %v", d)
				}
				return
			}
			assertAttrError(t, d, tc.wantPath, tc.wantText...)
		})
	}
}

// A trace stage overridden to MPI with nodes = 2 runs its tasks on two whole nodes of the HPC pool.
func TestExpand_overrideNodes(t *testing.T) {
	o := override("work")
	o.Coupling, o.Nodes = types.StringValue("mpi"), types.Int64Value(2)
	p, pools, _ := placeTrace(t, o)
	st := p.Workflow.Stages[p.Workflow.StageIndex("work")]
	if st.Nodes != 2 || pools["work"] != "hpc" {
		t.Fatalf("work: nodes %d on %s, want 2 on hpc", st.Nodes, pools["work"])
	}
}
