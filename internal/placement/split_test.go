// SPDX-License-Identifier: MPL-2.0

package placement

import "testing"

// A stage may burst to Ray, not only to serverless: eight one-core 10 s tasks, one warm 4-vCPU HPC node
// and one warm 4-vCPU Ray node (neither scales out, no Ray head). Whole on either pool: two waves, 20 s;
// split: four on each, 10 s. On the makespan objective, with no task-level placement, Solve finds the split.
func TestSplit_burstToRay(t *testing.T) {
	w := mustFromStages(t, []StageSpec{{Name: "wide", TaskCount: 8, RuntimeS: 10}})
	hpc, ray := testPool("hpc", KindHPC), testPool("ray", KindRay)
	hpc.MinNodes, ray.MinNodes = 1, 1
	p := NewProblem(w, Platforms{Pools: []Pool{hpc, ray}, Storage: testStorage()})
	for _, a := range []Assignment{{0}, {1}} {
		if ev := evalOK(t, p, a); ev.MakespanS != 20 {
			t.Fatalf("whole on %v: %v s, want 20", a.Names(p), ev.MakespanS)
		}
	}
	ev, err := EvaluatePlan(p, Plan{Stages: Assignment{0}, Burst: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	if ev.MakespanS != 10 || ev.Stages[0].BurstTasks != 4 || ev.Stages[0].BurstPool != "ray" {
		t.Fatalf("split: %v s, %d tasks burst to %q; want 10 s, 4 to ray", ev.MakespanS, ev.Stages[0].BurstTasks, ev.Stages[0].BurstPool)
	}
	sol, err := Solve(p, Options{Objective: ObjectiveMakespan, MaxTaskLevelTasks: -1})
	if err != nil {
		t.Fatal(err)
	}
	if sol.FoundBy != "splitting" || sol.Burst == nil || sol.Evaluation.MakespanS != 10 {
		t.Errorf("found by %s: %v burst %v, %v s; want a split of 10 s", sol.FoundBy, sol.Assignment, sol.Burst, sol.Evaluation.MakespanS)
	}
}
