// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"strings"
	"testing"
)

// A task with 50 GB of input and output is refused on the catalogue's Lambda (10,240 MB of /tmp at most),
// whichever way the bytes are split, and so is one whose input and output fit /tmp each but not together.
// The stage then goes elsewhere, and with Lambda alone Solve names the stage and the limit.
func TestLambda_refusesTasksBeyondEphemeralStorage(t *testing.T) {
	c := DefaultCatalog()
	for _, tc := range []struct {
		name    string
		in, out int64
	}{
		{"50 GB in", 50e9, 0},
		{"25 GB in, 25 GB out", 25e9, 25e9},
		{"50 GB out", 0, 50e9},
		{"6 GB in, 6 GB out", 6e9, 6e9}, // each under 10,240 MB, together over
	} {
		w := mustFromStages(t, []StageSpec{{Name: "io", TaskCount: 1, RuntimeS: 1, InputBytes: tc.in, OutputBytes: tc.out}})
		lam := NewServerlessPool(c, "lambda", "x86_64")
		lam.TimeoutS = MaxDurationS // only /tmp stands in the way, not the time to move the bytes
		p := NewProblem(w, Platforms{Pools: []Pool{lam}, Storage: NewStorage(c)})
		_, err := Evaluate(p, Assignment{0})
		var ie *InfeasibleError
		if !errors.As(err, &ie) || ie.Stage != "io" || !strings.Contains(err.Error(), "ephemeral storage") {
			t.Errorf("%s: Evaluate on Lambda: %v, want the ephemeral storage limit of stage io", tc.name, err)
		}
		if _, err := Solve(p, Options{}); !errors.As(err, &ie) || ie.Stage != "io" {
			t.Errorf("%s: Solve with Lambda alone: %v, want stage io infeasible", tc.name, err)
		}
		pl, err := DefaultPlatformsFor(w, c)
		if err != nil {
			t.Fatal(err)
		}
		sol, err := Solve(NewProblem(w, pl), Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if k := sol.Evaluation.Stages[0].Platform; k == KindServerless {
			t.Errorf("%s: the stage was placed on %s", tc.name, k)
		}
		if b := sol.Baseline(BaselineAllServerless); b.Feasible {
			t.Errorf("%s: the all-serverless baseline is feasible", tc.name)
		}
	}
	// 5 GB in and 5 GB out (9,537 MiB together) fit, with /tmp sized for them and billed above 512 MB.
	w := mustFromStages(t, []StageSpec{{Name: "io", TaskCount: 1, RuntimeS: 1, InputBytes: 5e9, OutputBytes: 5e9}})
	ev := evalOK(t, NewProblem(w, Platforms{Pools: []Pool{NewServerlessPool(c, "lambda", "x86_64")}, Storage: NewStorage(c)}),
		Assignment{0})
	if ev.Stages[0].Platform != KindServerless {
		t.Fatalf("10 GB of I/O: %+v", ev.Stages[0])
	}
}

// The trace loader marks every stage with a task beyond one of Lambda's limits: memory, runtime on the
// reference core, and input plus output together beyond /tmp.
func TestLoadWfCommons_marksEachLambdaLimit(t *testing.T) {
	doc := `{"name":"t","schemaVersion":"1.5","workflow":{"specification":{"tasks":[
	  {"name":"ok_ID1","id":"ok_ID1","parents":[],"children":[],"inputFiles":["small"],"outputFiles":[]},
	  {"name":"mem_ID2","id":"mem_ID2","parents":[],"children":[],"inputFiles":[],"outputFiles":[]},
	  {"name":"long_ID3","id":"long_ID3","parents":[],"children":[],"inputFiles":[],"outputFiles":[]},
	  {"name":"io_ID4","id":"io_ID4","parents":[],"children":[],"inputFiles":["six"],"outputFiles":["six2"]}],
	  "files":[{"id":"small","sizeInBytes":1000},{"id":"six","sizeInBytes":6000000000},{"id":"six2","sizeInBytes":6000000000}]},
	  "execution":{"tasks":[{"id":"ok_ID1","runtimeInSeconds":899},
	    {"id":"mem_ID2","runtimeInSeconds":5,"memoryInBytes":10738466816},
	    {"id":"long_ID3","runtimeInSeconds":900.5},
	    {"id":"io_ID4","runtimeInSeconds":5}]}}}`
	w, err := LoadWfCommons(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ok": "", "mem": "memory", "long": "timeout", "io": "/tmp"}
	if len(w.Stages) != len(want) {
		t.Fatalf("%d stages, want %d", len(w.Stages), len(want))
	}
	for _, s := range w.Stages {
		if (want[s.Name] == "") != (s.NotServerless == "") || !strings.Contains(s.NotServerless, want[s.Name]) {
			t.Errorf("stage %s: NotServerless %q, want it to mention %q", s.Name, s.NotServerless, want[s.Name])
		}
	}
}
