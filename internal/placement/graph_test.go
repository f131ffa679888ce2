// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"reflect"
	"strings"
	"testing"
)

// Two stages, b depending on a: tasks a0, a1 (a1 after a0), b0; one barrier
// node (3) for stage a between a's tasks and b's.
func TestCompileGraphBarriersAndOrder(t *testing.T) {
	w := &Workflow{
		Stages: []Stage{{Name: "a"}, {Name: "b", DependsOn: []int{0}}},
		Tasks: []Task{
			{ID: "a0", Stage: 0}, {ID: "a1", Stage: 0, Parents: []int{0}}, {ID: "b0", Stage: 1},
		},
	}
	g, err := compileGraph(w)
	if err != nil {
		t.Fatal(err)
	}
	if g.nTasks != 3 || g.nNodes != 4 || g.nodeStage[3] != 0 {
		t.Fatalf("nodes: tasks %d nodes %d barrier stage %d", g.nTasks, g.nNodes, g.nodeStage[3])
	}
	for v, want := range map[int32][]int32{0: nil, 1: {0}, 2: {3}, 3: {0, 1}} {
		if got := g.parents(v); !reflect.DeepEqual(append([]int32(nil), got...), want) {
			t.Errorf("parents(%d) = %v, want %v", v, got, want)
		}
	}
	for v, want := range map[int32][]int32{0: {1, 3}, 1: {3}, 2: nil, 3: {2}} {
		if got := g.children(v); !reflect.DeepEqual(append([]int32(nil), got...), want) {
			t.Errorf("children(%d) = %v, want %v", v, got, want)
		}
	}
	if want := []int32{0, 1, 3, 2}; !reflect.DeepEqual(g.topo, want) {
		t.Errorf("topo = %v, want %v", g.topo, want)
	}
}

func TestCompileGraphCycles(t *testing.T) {
	tasks := &Workflow{
		Stages: []Stage{{Name: "s"}},
		Tasks:  []Task{{ID: "x", Stage: 0, Parents: []int{1}}, {ID: "y", Stage: 0, Parents: []int{0}}},
	}
	if _, err := compileGraph(tasks); err == nil || !strings.Contains(err.Error(), `cycle through task "x" (stage "s")`) {
		t.Errorf("task cycle: %v", err)
	}
	stages := &Workflow{
		Stages: []Stage{{Name: "a", DependsOn: []int{1}}, {Name: "b", DependsOn: []int{0}}},
		Tasks:  []Task{{ID: "a0", Stage: 0}, {ID: "b0", Stage: 1}},
	}
	if _, err := compileGraph(stages); err == nil || !strings.Contains(err.Error(), "dependency cycle through") {
		t.Errorf("stage cycle: %v", err)
	}
}
