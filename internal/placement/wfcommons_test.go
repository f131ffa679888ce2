// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadEveryTrace(t *testing.T) {
	for _, path := range traceFiles(t) {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			w := loadTrace(t, path)
			// Cross-check against an independent minimal decoding.
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Workflow struct {
					Specification struct {
						Tasks []struct {
							ID      string   `json:"id"`
							Parents []string `json:"parents"`
						} `json:"tasks"`
					} `json:"specification"`
					Execution struct {
						Tasks []struct {
							ID      string  `json:"id"`
							Runtime float64 `json:"runtimeInSeconds"`
							Command struct {
								Program string `json:"program"`
							} `json:"command"`
						} `json:"tasks"`
					} `json:"execution"`
				} `json:"workflow"`
			}
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			if len(w.Tasks) != len(doc.Workflow.Specification.Tasks) {
				t.Fatalf("%d tasks, the trace has %d", len(w.Tasks), len(doc.Workflow.Specification.Tasks))
			}
			edges := 0
			for _, st := range doc.Workflow.Specification.Tasks {
				edges += len(st.Parents)
			}
			loaded := 0
			programs := map[string]bool{}
			for _, task := range w.Tasks {
				loaded += len(task.Parents)
				if task.RuntimeS < MinRuntimeS || task.Cores < 1 || task.MemoryBytes <= 0 {
					t.Fatalf("task %s has runtime %v cores %d memory %d", task.ID, task.RuntimeS, task.Cores, task.MemoryBytes)
				}
			}
			if loaded != edges {
				t.Fatalf("%d dependency edges, the trace has %d", loaded, edges)
			}
			for _, et := range doc.Workflow.Execution.Tasks {
				programs[et.Command.Program] = true
			}
			if len(w.Stages) != len(programs) {
				t.Fatalf("%d stages, the trace has %d programs", len(w.Stages), len(programs))
			}
			byID := map[string]*Task{}
			for i := range w.Tasks {
				byID[w.Tasks[i].ID] = &w.Tasks[i]
			}
			for _, et := range doc.Workflow.Execution.Tasks {
				task := byID[et.ID]
				if task == nil || w.Stages[task.Stage].Name != et.Command.Program {
					t.Fatalf("task %s: wrong stage", et.ID)
				}
				if et.Runtime > MinRuntimeS && task.RuntimeS != et.Runtime {
					t.Fatalf("task %s: runtime %v, trace %v", et.ID, task.RuntimeS, et.Runtime)
				}
			}
			// The whole pipeline works on it and is never worse than the
			// Mashup rule or HEFT.
			p := NewProblem(w, DefaultPlatforms())
			opt := Options{}
			if raceEnabled {
				opt.SearchWork = 100_000
			}
			sol, err := Solve(p, opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{BaselineMashup, BaselineHEFT, BaselineAllHPC} {
				b := sol.Baseline(name)
				if b == nil || !b.Feasible {
					t.Fatalf("baseline %s missing or infeasible: %+v", name, b)
				}
				if b.Score < sol.Score-1e-12 {
					t.Fatalf("baseline %s scores %v, better than the solution's %v", name, b.Score, sol.Score)
				}
			}
		})
	}
}

func TestLoadMontageDetails(t *testing.T) {
	path := tracePath(t, "montage-chameleon-2mass-005d-001.json")
	w := loadTrace(t, path)
	want := []string{"mProject", "mDiffFit", "mConcatFit", "mBgModel", "mBackground", "mImgtbl", "mAdd", "mViewer"}
	if len(w.Stages) != len(want) {
		t.Fatalf("stages %v", w.Stages)
	}
	for i, n := range want {
		if w.Stages[i].Name != n {
			t.Fatalf("stage %d is %s, want %s", i, w.Stages[i].Name, n)
		}
	}
	// mProject_ID0000001: 16.712 s, avgCPU 97.67 % → 1 core, 14.8 MB;
	// inputs 1529220 + the header, outputs two FITS files.
	task := w.Tasks[0]
	if task.ID != "mProject_ID0000001" || task.RuntimeS != 16.712 || task.Cores != 1 || task.MemoryBytes != 14800000 {
		t.Fatalf("first task %+v", task)
	}
	if task.InputBytes <= 1529220 || task.OutputBytes <= 4150080 || len(task.Parents) != 0 {
		t.Fatalf("first task bytes/parents %+v", task)
	}
}

func TestLoadQuirks(t *testing.T) {
	doc := `{
	  "name": "quirky", "schemaVersion": "1.5",
	  "workflow": {
	    "specification": {
	      "tasks": [
	        {"name": "split_ID01", "id": "split_ID01", "parents": [], "children": ["work_ID02", "work_ID03"],
	         "inputFiles": ["in.dat", "ghost.dat"], "outputFiles": ["a.dat"]},
	        {"name": "work_ID02", "id": "work_ID02", "parents": ["split_ID01", "nobody"], "children": [],
	         "inputFiles": ["a.dat"], "outputFiles": []},
	        {"name": "work_ID03", "id": "work_ID03", "parents": [], "children": ["gather"],
	         "inputFiles": ["a.dat"], "outputFiles": []},
	        {"name": "gather", "id": "gather", "category": "reduce", "parents": [], "children": [],
	         "inputFiles": [], "outputFiles": []}
	      ],
	      "files": [{"id": "in.dat", "sizeInBytes": 1000}, {"id": "a.dat", "sizeInBytes": 500}, {"id": "neg", "sizeInBytes": -5}]
	    },
	    "execution": {
	      "tasks": [
	        {"id": "split_ID01", "runtimeInSeconds": -3, "executedAt": "not a date"},
	        {"id": "work_ID02", "runtimeInSeconds": 12.5, "avgCPU": 190, "memoryInBytes": 2048},
	        {"id": "work_ID03", "runtimeInSeconds": 0, "coreCount": 4, "avgCPU": 12, "memoryInBytes": 0}
	      ]
	    }
	  }
	}`
	w, err := LoadWfCommons(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, s := range w.Stages {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "split,work,reduce" {
		t.Fatalf("stages %v", names)
	}
	split, w2, w3, gather := w.Tasks[0], w.Tasks[1], w.Tasks[2], w.Tasks[3]
	if split.RuntimeS != MinRuntimeS || split.Cores != 1 || split.MemoryBytes != DefaultTaskMemoryBytes {
		t.Fatalf("split %+v", split)
	}
	if split.InputBytes != 1000 || split.OutputBytes != 500 {
		t.Fatalf("split bytes %+v (unknown file ids must count 0)", split)
	}
	if w2.Cores != 2 || w2.MemoryBytes != 2048 || w2.RuntimeS != 12.5 || len(w2.Parents) != 1 || w2.Parents[0] != 0 {
		t.Fatalf("work_ID02 %+v", w2)
	}
	if w3.Cores != 4 || w3.RuntimeS != MinRuntimeS || w3.MemoryBytes != DefaultTaskMemoryBytes || len(w3.Parents) != 1 {
		t.Fatalf("work_ID03 %+v (parents from children lists)", w3)
	}
	if gather.RuntimeS != MinRuntimeS || len(gather.Parents) != 1 || gather.Parents[0] != 2 {
		t.Fatalf("gather %+v (missing from execution → defaults)", gather)
	}
}

func TestLoadLegacy14(t *testing.T) {
	doc := `{"name": "old", "schemaVersion": "1.4", "workflow": {"tasks": [
	  {"name": "a_ID1", "id": "a_ID1", "type": "compute", "command": {"program": "alpha"}, "parents": [], "children": ["b_ID2"],
	   "runtimeInSeconds": 3, "cores": 2, "memoryInBytes": 100,
	   "files": [{"link": "input", "name": "x", "sizeInBytes": 10}, {"link": "output", "name": "y", "sizeInBytes": 20}]},
	  {"name": "b_ID2", "id": "b_ID2", "type": "compute", "parents": ["a_ID1"], "children": [], "runtimeInSeconds": 4,
	   "files": [{"link": "input", "name": "y", "sizeInBytes": 20}]}
	]}}`
	w, err := LoadWfCommons(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Stages) != 2 || w.Stages[0].Name != "alpha" || w.Stages[1].Name != "b" {
		t.Fatalf("stages %+v", w.Stages)
	}
	a, b := w.Tasks[0], w.Tasks[1]
	if a.Cores != 2 || a.InputBytes != 10 || a.OutputBytes != 20 || b.InputBytes != 20 || len(b.Parents) != 1 {
		t.Fatalf("tasks %+v %+v", a, b)
	}
}

func TestLoadErrors(t *testing.T) {
	cyc := `{"schemaVersion": "1.5", "workflow": {"specification": {"tasks": [
	  {"id": "a", "parents": ["b"]}, {"id": "b", "parents": ["a"]}], "files": []}}}`
	if _, err := LoadWfCommons(strings.NewReader(cyc)); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("cycle: %v", err)
	}
	for _, bad := range []string{`{`, `{"schemaVersion": "2.0", "workflow": {"tasks": [{"id": "a"}]}}`, `{"workflow": {}}`} {
		if _, err := LoadWfCommons(strings.NewReader(bad)); err == nil {
			t.Fatalf("accepted %s", bad)
		}
	}
}

func TestFromStages(t *testing.T) {
	w, err := FromStages([]StageSpec{
		{Name: "a", TaskCount: 3, RuntimeS: 0, MemoryMB: 0},
		{Name: "b", TaskCount: 2, RuntimeS: 5, Cores: 2, MemoryMB: 100, DependsOn: []string{"a"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Tasks) != 5 || w.Tasks[0].RuntimeS != MinRuntimeS || w.Tasks[0].MemoryBytes != DefaultTaskMemoryBytes || w.Tasks[0].Cores != 1 {
		t.Fatalf("defaults not applied: %+v", w.Tasks[0])
	}
	if w.Tasks[3].ID != "b_0" || w.Tasks[3].MemoryBytes != 100<<20 || len(w.Stages[1].DependsOn) != 1 {
		t.Fatalf("stage b: %+v %+v", w.Tasks[3], w.Stages[1])
	}
	for _, bad := range [][]StageSpec{
		{{Name: "a", TaskCount: 0}},
		{{Name: "a", TaskCount: 1}, {Name: "a", TaskCount: 1}},
		{{Name: "a", TaskCount: 1, DependsOn: []string{"zzz"}}},
		{{Name: "a", TaskCount: 1, DependsOn: []string{"b"}}, {Name: "b", TaskCount: 1, DependsOn: []string{"a"}}},
		{{Name: "a", TaskCount: 1, Coupling: "openmp"}},
	} {
		if _, err := FromStages(bad); err == nil {
			t.Fatalf("accepted %+v", bad)
		}
	}
}
