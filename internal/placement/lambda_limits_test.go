// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"fmt"
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

// The trace loader marks every stage with a task beyond Lambda's memory or /tmp (input plus output
// together), which no pool lifts; not a task that runs longer than Lambda's timeout on the reference core,
// which a faster pool may run in time (TestServerlessTimeout_perPool).
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
	want := map[string]string{"ok": "", "mem": "memory", "long": "", "io": "/tmp"}
	if len(w.Stages) != len(want) {
		t.Fatalf("%d stages, want %d", len(w.Stages), len(want))
	}
	for _, s := range w.Stages {
		if (want[s.Name] == "") != (s.NotServerless == "") || !strings.Contains(s.NotServerless, want[s.Name]) {
			t.Errorf("stage %s: NotServerless %q, want it to mention %q", s.Name, s.NotServerless, want[s.Name])
		}
	}
}

// longTrace is a WfCommons trace of one task of runtimeS seconds on the reference core reading inBytes.
func longTrace(runtimeS float64, inBytes int64) string {
	return fmt.Sprintf(`{"name":"t","schemaVersion":"1.5","workflow":{"specification":{"tasks":[
	  {"name":"long_ID1","id":"long_ID1","parents":[],"children":[],"inputFiles":["in"],"outputFiles":[]}],
	  "files":[{"id":"in","sizeInBytes":%d}]},
	  "execution":{"tasks":[{"id":"long_ID1","runtimeInSeconds":%g}]}}}`, inBytes, runtimeS)
}

// A trace task's runtime is judged against each serverless pool's timeout, with everything the simulator
// adds to an invocation: 1,796 s on the reference core is 898 s on a function of speed 2, plus the 1 s
// cold start and 1 s to read 80 MB at the catalogue's 80 MB/s per function: 900 s, which Lambda's 900 s
// timeout allows (and the simulator runs it so). 8 MB more input (0.1 s) or a pool of speed 1 takes it
// past the timeout: the stage is refused there, the reason naming the task, its duration and the timeout;
// with an HPC pool beside it the stage goes there.
func TestServerlessTimeout_perPool(t *testing.T) {
	c := DefaultCatalog()
	for _, tc := range []struct {
		name    string
		inBytes int64
		speed   float64
		reason  string // "" when the function fits
	}{
		{"900 s at speed 2", 80e6, 2, ""},
		{"900.1 s at speed 2", 88e6, 2, `task "long_ID1" would run 900.1 s on lambda (1796 s on the reference core at speed 2, with the 1 s cold start and its S3 transfers), over the 900 s function timeout`},
		{"1,798 s at speed 1", 80e6, 1, `task "long_ID1" would run 1798.0 s on lambda`},
	} {
		w, err := LoadWfCommons(strings.NewReader(longTrace(1796, tc.inBytes)))
		if err != nil {
			t.Fatal(err)
		}
		if w.Stages[0].NotServerless != "" {
			t.Fatalf("%s: the loader marked the stage not serverless: %s", tc.name, w.Stages[0].NotServerless)
		}
		lam := NewServerlessPool(c, "lambda", "x86_64")
		lam.Speed = tc.speed
		p := NewProblem(w, Platforms{Pools: []Pool{lam}, Storage: NewStorage(c)})
		ev, err := Evaluate(p, Assignment{0})
		if tc.reason == "" {
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if span := ev.Tasks[0].FinishS - ev.Tasks[0].StartS; !near(span, 900) {
				t.Errorf("%s: the invocation ran %v s in the simulator, want 900", tc.name, span)
			}
			continue
		}
		var ie *InfeasibleError
		if !errors.As(err, &ie) || ie.Stage != "long" || !strings.Contains(ie.Reason, tc.reason) {
			t.Errorf("%s: Evaluate: %v, want stage long refused: %s", tc.name, err, tc.reason)
		}
		hpc, err := NewHPCPool(c, "hpc", "c6i.large", 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		sol, err := Solve(NewProblem(w, Platforms{Pools: []Pool{lam, hpc}, Storage: NewStorage(c)}), Options{})
		if err != nil || sol.Evaluation.Stages[0].Pool != "hpc" {
			t.Errorf("%s: Solve with Lambda and HPC: %+v, %v, want the stage on hpc", tc.name, sol, err)
		}
	}
}
