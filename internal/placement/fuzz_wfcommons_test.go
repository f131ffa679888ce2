// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

// wfSeeds are small WfFormat documents covering both layouts and the quirks
// the loader tolerates.
var wfSeeds = []string{
	`{"name": "quirky", "schemaVersion": "1.5", "workflow": {"specification": {"tasks": [
	  {"name": "split_ID01", "id": "split_ID01", "parents": [], "children": ["work_ID02", "work_ID03"],
	   "inputFiles": ["in.dat", "ghost.dat"], "outputFiles": ["a.dat"]},
	  {"name": "work_ID02", "id": "work_ID02", "parents": ["split_ID01", "nobody"], "children": [],
	   "inputFiles": ["a.dat"], "outputFiles": []},
	  {"name": "work_ID03", "id": "work_ID03", "parents": [], "children": ["gather"], "inputFiles": ["a.dat"]},
	  {"name": "gather", "id": "gather", "category": "reduce"}],
	  "files": [{"id": "in.dat", "sizeInBytes": 1000}, {"id": "a.dat", "sizeInBytes": 500}, {"id": "neg", "sizeInBytes": -5}]},
	  "execution": {"tasks": [
	  {"id": "split_ID01", "runtimeInSeconds": -3, "executedAt": "not a date", "command": {"program": "split"}},
	  {"id": "work_ID02", "runtimeInSeconds": 12.5, "avgCPU": 190, "memoryInBytes": 2048, "gpuCount": 1},
	  {"id": "work_ID03", "runtimeInSeconds": 0, "coreCount": 4, "avgCPU": 12, "memoryInBytes": 0}]}}}`,
	`{"name": "old", "schemaVersion": "1.4", "workflow": {"tasks": [
	  {"name": "a_ID1", "id": "a_ID1", "type": "compute", "command": {"program": "alpha"}, "parents": [], "children": ["b_ID2"],
	   "runtimeInSeconds": 3, "cores": 2, "memoryInBytes": 100,
	   "files": [{"link": "input", "name": "x", "sizeInBytes": 10}, {"link": "output", "name": "y", "size": 20}]},
	  {"name": "b_ID2", "id": "b_ID2", "parents": ["a_ID1"], "runtime": 4,
	   "files": [{"link": "input", "name": "y", "sizeInBytes": 20}]}]}}`,
	`{"schemaVersion": "1.5", "workflow": {"specification": {"tasks": [{"id": "a", "parents": ["b"]}, {"id": "b", "parents": ["a"]}], "files": []}}}`,
	`{"workflow": {"specification": {"tasks": [{"id": "a", "outputFiles": ["f", "f", "g"]}, {"id": "b", "inputFiles": ["f"], "parents": ["a", "a"]}],
	  "files": [{"id": "f", "sizeInBytes": 9e18}, {"id": "g", "sizeInBytes": 1e300}]}}}`,
}

// FuzzLoadWfCommons feeds the loader arbitrary (mutated) trace JSON: it must
// never panic, and whatever it accepts must be a valid workflow that Solve
// handles without panicking.
func FuzzLoadWfCommons(f *testing.F) {
	for _, s := range wfSeeds {
		f.Add([]byte(s))
	}
	for _, name := range []string{"srasearch-chameleon-10a-001.json", "epigenomics-chameleon-hep-1seq-100k-001.json"} {
		b, err := os.ReadFile(tracePath(f, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLoad(t, data)
	})
}

func checkLoad(t *testing.T, data []byte) {
	t.Helper()
	w, err := LoadWfCommons(bytes.NewReader(data))
	if err != nil {
		if w != nil {
			t.Fatalf("LoadWfCommons returned a workflow and %v", err)
		}
		return
	}
	if err := w.Validate(); err != nil {
		t.Fatalf("loaded workflow does not validate: %v", err)
	}
	for i := range w.Tasks {
		tk := &w.Tasks[i]
		if !isFinite(tk.RuntimeS) || tk.RuntimeS < MinRuntimeS || tk.Cores < 1 || tk.MemoryBytes < 0 || tk.InputBytes < 0 || tk.OutputBytes < 0 || tk.GPUs < 0 ||
			tk.InputBytes > MaxFileBytes || tk.OutputBytes > MaxFileBytes {
			t.Fatalf("task %+v", *tk)
		}
	}
	if len(w.Tasks) > 5000 {
		return
	}
	p := NewProblem(w, DefaultPlatforms())
	sol, err := Solve(p, Options{SearchWork: 20000})
	if err != nil {
		var ie *InfeasibleError
		if !errors.As(err, &ie) {
			t.Fatalf("Solve: %v", err)
		}
		return
	}
	checkEvaluation(t, p, sol.Plan(), sol.Evaluation, func(format string, a ...any) {
		t.Helper()
		t.Fatalf(format, a...)
	})
}

func TestLoadWfCommons_seedsDoNotPanic(t *testing.T) {
	for _, s := range wfSeeds {
		checkLoad(t, []byte(s))
		// Truncations and single-byte corruptions of every seed.
		for n := 0; n < len(s); n += 7 {
			checkLoad(t, []byte(s[:n]))
			b := []byte(s)
			b[n] ^= 0x11
			checkLoad(t, b)
		}
	}
}
