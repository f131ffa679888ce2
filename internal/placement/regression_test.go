// SPDX-License-Identifier: MPL-2.0

package placement

import "testing"

// A memory-bound stage makes the pool look past its top node while other nodes are still booting: the
// simulator once indexed the ready-node heap with a node it had never added and panicked.
func TestSolve_memoryBoundStageWhileNodesBoot(t *testing.T) {
	w, err := FromStages([]StageSpec{
		{Name: "ingest", TaskCount: 200, RuntimeS: 20, MemoryMB: 1024, InputBytes: 5e7, OutputBytes: 2e7},
		{Name: "preprocess", TaskCount: 400, RuntimeS: 45, MemoryMB: 2048, DependsOn: []string{"ingest"}},
		{Name: "simulate", TaskCount: 16, RuntimeS: 1800, MemoryMB: 65536, DependsOn: []string{"preprocess"}, Coupling: CouplingMPI},
		{Name: "features", TaskCount: 300, RuntimeS: 30, MemoryMB: 3072, DependsOn: []string{"simulate"}},
		{Name: "train", TaskCount: 8, RuntimeS: 2400, MemoryMB: 12288, DependsOn: []string{"features"}, Stateful: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := NewProblem(w, DefaultPlatforms())
	sol, err := Solve(p, Options{Objective: ObjectiveWeighted, CostWeight: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	// simulate is MPI: it must be on the HPC pool. Its 16 tasks of 64 GiB fit three to a 192 GiB
	// c5n.18xlarge, so the pool runs at least 6 nodes for the stage's 1,800 s: 6 × 0.5 h × $3.888.
	hpc := sol.Assignment[2]
	if got := p.Platforms.Pools[hpc].Kind; got != KindHPC {
		t.Fatalf("simulate placed on %s, want hpc", got)
	}
	st := sol.Evaluation.Stages[2]
	if d := st.FinishS - st.StartS; d < 1800 {
		t.Errorf("simulate ran %.0f s, less than one task's runtime", d)
	}
	u := sol.Evaluation.Pools[hpc]
	if u.Nodes < 6 || u.CostUSD < 6*0.5*3.888 {
		t.Errorf("hpc pool: %d nodes, %.2f USD; want at least 6 nodes and 11.66 USD", u.Nodes, u.CostUSD)
	}
}
