// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// shareInput makes every task of w read shared file 0 (of size bytes) as part of its input.
func shareInput(w *Workflow, bytes int64, tasks ...int) {
	w.SharedFiles = []SharedFile{{ID: "db", Bytes: bytes}}
	for _, i := range tasks {
		w.Tasks[i].SharedInputs = []int32{0}
	}
}

// cacheProblem is 4 tasks of 1 s, each reading one shared file of 1 GB and nothing else, on 2 warm HPC
// nodes of 2 vCPUs (so all four start at time 0, two per node), per-task Lustre 500 MB/s, aggregate read
// throughput agg.
func cacheProblem(t *testing.T, agg float64, nodeMem int64) *Problem {
	t.Helper()
	w := mustFromStages(t, []StageSpec{{Name: "blast", TaskCount: 4, RuntimeS: 1, InputBytes: 1e9}})
	shareInput(w, 1e9, 0, 1, 2, 3)
	pl := testPool("hpc", KindHPC)
	pl.VCPUs, pl.MinNodes, pl.MaxNodes, pl.MemoryBytes = 2, 2, 2, nodeMem
	st := Storage{Lustre: true, LustreBandwidthBps: 500e6, LustreAggregateBps: agg}
	return NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: st})
}

// Four tasks reading one 1 GB shared file on two nodes, from a 250 MB/s workspace: the first task on
// each node reads it (the first alone at 250 MB/s, 4 s; the second beside it at 125 MB/s, 8 s) and the
// second task on each node waits for its node's read in flight, reading nothing: finishes 5, 5, 9, 9,
// 2 GB read from Lustre (2 GB found in the page caches). Without the cache the k-th reads at 250/k MB/s:
// finishes 5, 9, 13, 17.
func TestPageCache_handComputed(t *testing.T) {
	p := cacheProblem(t, 250e6, 16<<30)
	ev := evalOK(t, p, Assignment{0})
	if f := sortedFinishes(ev); !near(f[0], 5) || !near(f[1], 5) || !near(f[2], 9) || !near(f[3], 9) {
		t.Errorf("finishes %v, want 5 5 9 9", f)
	}
	if ev.PageCacheBytes != 2e9 {
		t.Errorf("page cache served %d bytes, want 2e9 (4 GB of input, 2 GB read from Lustre)", ev.PageCacheBytes)
	}
	nodes := map[int]int{}
	for _, task := range ev.Tasks {
		nodes[task.Node]++
	}
	if len(nodes) != 2 {
		t.Fatalf("tasks on nodes %v, want two per node", nodes)
	}
	h, err := HEFT(p)
	if err != nil {
		t.Fatal(err)
	}
	if !near(h.TaskMakespanS, ev.MakespanS) {
		t.Errorf("HEFT's estimate %v, the simulator %v", h.TaskMakespanS, ev.MakespanS)
	}

	p.Storage.NoPageCache = true
	ev = evalOK(t, p, Assignment{0})
	if f := sortedFinishes(ev); !near(f[0], 5) || !near(f[1], 9) || !near(f[2], 13) || !near(f[3], 17) || ev.PageCacheBytes != 0 {
		t.Errorf("no page cache: finishes %v, page cache %d bytes, want 5 9 13 17 and 0", f, ev.PageCacheBytes)
	}
	if h, err = HEFT(p); err != nil || !near(h.TaskMakespanS, 17) {
		t.Errorf("no page cache: HEFT's estimate %v (%v), want 17", h.TaskMakespanS, err)
	}
}

// A file that does not fit in a node's memory beside the task is read by every task: 1 GB file, 1 GiB
// nodes, 512 MiB tasks.
func TestPageCache_fileTooBigIsReadAgain(t *testing.T) {
	p := cacheProblem(t, 250e6, 1<<30)
	ev := evalOK(t, p, Assignment{0})
	if !near(ev.MakespanS, 17) || ev.PageCacheBytes != 0 {
		t.Errorf("makespan %v, page cache %d bytes; want 17 and 0 (every task reads the file)", ev.MakespanS, ev.PageCacheBytes)
	}
	if h, err := HEFT(p); err != nil || !near(h.TaskMakespanS, 17) {
		t.Errorf("HEFT's estimate %v (%v), want 17", h.TaskMakespanS, err)
	}
}

// twoWaves is stage a (2 tasks reading the shared 1 GB file) then stage b (2 tasks reading it plus a
// private 1 GB each), 1 s of compute each, on 2 warm nodes of 2 vCPUs at 500 MB/s per task, no aggregate.
func twoWaves(t *testing.T, kind PlatformKind) *Problem {
	t.Helper()
	w := mustFromStages(t, []StageSpec{
		{Name: "a", TaskCount: 2, RuntimeS: 1, InputBytes: 1e9},
		{Name: "b", TaskCount: 2, RuntimeS: 1, InputBytes: 2e9, DependsOn: []string{"a"}},
	})
	shareInput(w, 1e9, 0, 1, 2, 3)
	pl := testPool("vm", kind)
	pl.VCPUs, pl.MinNodes, pl.MaxNodes = 2, 2, 2
	st := Storage{Lustre: true, LustreBandwidthBps: 500e6}
	return NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: st})
}

// Private inputs are always read: stage a reads the shared file (2 s + 1 s: ends at 3), stage b finds it
// in its node's cache and reads only its private 1 GB (2 s + 1 s: ends at 6; without the cache 4 s + 1 s,
// ends at 8). Ray nodes (Lustre domain) alike.
func TestPageCache_privateInputsAlwaysRead(t *testing.T) {
	for _, kind := range []PlatformKind{KindHPC, KindRay} {
		p := twoWaves(t, kind)
		ev := evalOK(t, p, Assignment{0, 0})
		if !near(ev.MakespanS, 6) || ev.PageCacheBytes != 2e9 {
			t.Errorf("%s: makespan %v, page cache %d bytes; want 6 and 2e9", kind, ev.MakespanS, ev.PageCacheBytes)
		}
		p.Storage.NoPageCache = true
		if ev := evalOK(t, p, Assignment{0, 0}); !near(ev.MakespanS, 8) {
			t.Errorf("%s, no page cache: makespan %v, want 8", kind, ev.MakespanS)
		}
	}
}

// A shared file a task writes is in its node's cache for the tasks after it: stage a writes the 1 GB
// file (1 s + 2 s: ends at 3); stage b's two tasks on the same (only) node read nothing (ends at 4;
// without the cache they read it: ends at 6).
func TestPageCache_writtenFile(t *testing.T) {
	w := mustFromStages(t, []StageSpec{
		{Name: "a", TaskCount: 1, RuntimeS: 1, OutputBytes: 1e9},
		{Name: "b", TaskCount: 2, RuntimeS: 1, InputBytes: 1e9, DependsOn: []string{"a"}},
	})
	shareInput(w, 1e9, 1, 2)
	w.Tasks[0].SharedOutputs = []int32{0}
	pl := testPool("hpc", KindHPC)
	pl.MinNodes = 1
	p := NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: Storage{Lustre: true, LustreBandwidthBps: 500e6}})
	if ev := evalOK(t, p, Assignment{0, 0}); !near(ev.MakespanS, 4) || ev.PageCacheBytes != 2e9 {
		t.Errorf("makespan %v, page cache %d bytes; want 4 and 2e9", ev.MakespanS, ev.PageCacheBytes)
	}
	p.Storage.NoPageCache = true
	if ev := evalOK(t, p, Assignment{0, 0}); !near(ev.MakespanS, 6) {
		t.Errorf("no page cache: makespan %v, want 6", ev.MakespanS)
	}
}

// Serverless and Batch read every input; so do VM pools outside the Lustre domain (no workspace).
func TestPageCache_onlyVMNodesOnLustre(t *testing.T) {
	for _, kind := range []PlatformKind{KindServerless, KindBatch} {
		p := twoWaves(t, kind)
		for _, pl := range DefaultPlatforms().Pools {
			if pl.Kind == kind {
				p.Pools[0] = pl
			}
		}
		if p.Pools[0].Kind != kind {
			t.Fatalf("no default %s pool", kind)
		}
		if ev := evalOK(t, p, Assignment{0, 0}); ev.PageCacheBytes != 0 {
			t.Errorf("%s: page cache served %d bytes, want 0", kind, ev.PageCacheBytes)
		}
	}
	p := twoWaves(t, KindHPC)
	p.Storage.Lustre = false
	if ev := evalOK(t, p, Assignment{0, 0}); ev.PageCacheBytes != 0 {
		t.Errorf("no Lustre workspace: page cache served %d bytes, want 0", ev.PageCacheBytes)
	}
}

// When the tasks running on a node leave less memory than its cache holds, the cache is dropped: stage a
// caches the 1 GB file on the only node (16 GiB); stage b's task takes 15.5 GiB, leaving 0.5 GiB: the
// cache is dropped and b reads the file again, without room to cache it; c reads it again and caches it;
// d finds it. a: 0-3, b: 3-6, c: 6-9, d: 9-10 (with the cache kept through b: 3, 4, 5, 6).
func TestPageCache_droppedUnderMemoryPressure(t *testing.T) {
	w := mustFromStages(t, []StageSpec{
		{Name: "a", TaskCount: 1, RuntimeS: 1, InputBytes: 1e9},
		{Name: "b", TaskCount: 1, RuntimeS: 1, InputBytes: 1e9, MemoryMB: 15872, DependsOn: []string{"a"}},
		{Name: "c", TaskCount: 1, RuntimeS: 1, InputBytes: 1e9, DependsOn: []string{"b"}},
		{Name: "d", TaskCount: 1, RuntimeS: 1, InputBytes: 1e9, DependsOn: []string{"c"}},
	})
	shareInput(w, 1e9, 0, 1, 2, 3)
	pl := testPool("hpc", KindHPC)
	pl.MinNodes = 1
	p := NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: Storage{Lustre: true, LustreBandwidthBps: 500e6}})
	if ev := evalOK(t, p, Assignment{0, 0, 0, 0}); !near(ev.MakespanS, 10) || ev.PageCacheBytes != 1e9 {
		t.Errorf("makespan %v, page cache %d bytes; want 10 and 1e9", ev.MakespanS, ev.PageCacheBytes)
	}
}

// A multi-node MPI task neither uses nor fills the cache, and drops the caches of the nodes it holds.
func TestPageCache_multiNodeTasks(t *testing.T) {
	w := mustFromStages(t, []StageSpec{
		{Name: "a", TaskCount: 2, RuntimeS: 1, InputBytes: 1e9},
		{Name: "mpi", TaskCount: 1, RuntimeS: 1, InputBytes: 1e9, Coupling: CouplingMPI, Nodes: 2, DependsOn: []string{"a"}},
		{Name: "c", TaskCount: 2, RuntimeS: 1, InputBytes: 1e9, DependsOn: []string{"mpi"}},
	})
	shareInput(w, 1e9, 0, 1, 2, 3, 4)
	pl := testPool("hpc", KindHPC)
	pl.VCPUs, pl.MinNodes, pl.MaxNodes = 1, 2, 2
	p := NewProblem(w, Platforms{Pools: []Pool{pl}, Storage: Storage{Lustre: true, LustreBandwidthBps: 500e6}})
	// a: 0-3 on each node; mpi: 3-6 (reads); c: 6-9 (caches dropped: reads again).
	if ev := evalOK(t, p, Assignment{0, 0, 0}); !near(ev.MakespanS, 9) || ev.PageCacheBytes != 0 {
		t.Errorf("makespan %v, page cache %d bytes; want 9 and 0", ev.MakespanS, ev.PageCacheBytes)
	}
}

// The loader keeps only the files read by more than one task (by id), with their size, and lists them
// per task, inputs and outputs; a file read twice by the same task is one reader.
func TestLoadWfCommons_sharedFiles(t *testing.T) {
	doc := `{"name": "s", "schemaVersion": "1.5", "workflow": {
	  "specification": {
	    "tasks": [
	      {"name": "mk_ID1", "id": "mk_ID1", "parents": [], "children": ["q_ID2", "q_ID3"], "inputFiles": ["own", "own"], "outputFiles": ["db", "log"]},
	      {"name": "q_ID2", "id": "q_ID2", "parents": ["mk_ID1"], "children": [], "inputFiles": ["db", "p2", "params"], "outputFiles": []},
	      {"name": "q_ID3", "id": "q_ID3", "parents": ["mk_ID1"], "children": [], "inputFiles": ["params", "p3", "db", "empty"], "outputFiles": []},
	      {"name": "z_ID4", "id": "z_ID4", "parents": [], "children": [], "inputFiles": ["empty"], "outputFiles": []}
	    ],
	    "files": [{"id": "own", "sizeInBytes": 7}, {"id": "db", "sizeInBytes": 1000}, {"id": "log", "sizeInBytes": 3},
	      {"id": "p2", "sizeInBytes": 20}, {"id": "p3", "sizeInBytes": 30}, {"id": "params", "sizeInBytes": 5}, {"id": "empty", "sizeInBytes": 0}]
	  }}}`
	w, err := LoadWfCommons(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if want := []SharedFile{{"db", 1000}, {"params", 5}}; !reflect.DeepEqual(w.SharedFiles, want) {
		t.Fatalf("shared files %+v, want %+v (own: one reader; empty: 0 bytes)", w.SharedFiles, want)
	}
	mk, q2, q3, z := w.Tasks[0], w.Tasks[1], w.Tasks[2], w.Tasks[3]
	if mk.SharedInputs != nil || !reflect.DeepEqual(mk.SharedOutputs, []int32{0}) || mk.InputBytes != 14 {
		t.Errorf("mk: shared in %v out %v, input %d", mk.SharedInputs, mk.SharedOutputs, mk.InputBytes)
	}
	if !reflect.DeepEqual(q2.SharedInputs, []int32{0, 1}) || !reflect.DeepEqual(q3.SharedInputs, []int32{0, 1}) || q3.InputBytes != 1035 {
		t.Errorf("q2 %v, q3 %v (input %d): want [0 1] each, 1035 bytes", q2.SharedInputs, q3.SharedInputs, q3.InputBytes)
	}
	if z.SharedInputs != nil || z.SharedOutputs != nil {
		t.Errorf("z: %v %v, want none", z.SharedInputs, z.SharedOutputs)
	}
	// The workflow round-trips through JSON (the data sources pass it on) and stays valid.
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	var back Workflow
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(&back, w) {
		t.Errorf("JSON round trip: %v, equal %v", err, reflect.DeepEqual(&back, w))
	}
	// FromStages workflows have none.
	if w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 3, InputBytes: 10}}); w.SharedFiles != nil || w.Tasks[0].SharedInputs != nil {
		t.Errorf("FromStages: shared files %v", w.SharedFiles)
	}
}

// The shipped blast trace: its tasks read the same two files (the 5.1 GB `nt` database and the 7.7 kB
// `blastall`), kept as shared files. All on HPC: 4 GiB c6i.large nodes (the slot price's choice) cannot
// cache the database (every task reads it; only blastall is served from memory); 8 GiB c6i.xlarge nodes
// read it once per node, shortening the run.
func TestPageCache_blastTrace(t *testing.T) {
	w := loadTrace(t, tracePath(t, "blast-chameleon-small-001.json"))
	if len(w.SharedFiles) != 2 || w.SharedFiles[1].ID != "nt" || w.SharedFiles[1].Bytes < 5e9 {
		t.Fatalf("blast: shared files %+v, want the nt database and blastall", w.SharedFiles)
	}
	readers := 0
	for i := range w.Tasks {
		if len(w.Tasks[i].SharedInputs) > 0 {
			readers++
		}
	}
	if readers < 40 {
		t.Fatalf("blast: %d tasks read a shared file, want at least 40", readers)
	}
	c := DefaultCatalog()
	pl, err := DefaultPlatformsFor(w, c)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Pools[0], err = NewHPCPool(c, "hpc", "c6i.large", 0, pl.Pools[0].MaxNodes); err != nil {
		t.Fatal(err)
	}
	a := make(Assignment, len(w.Stages)) // all on the HPC pool
	small := evalOK(t, NewProblem(w, pl), a)
	if again := evalOK(t, NewProblem(w, pl), a); !reflect.DeepEqual(small, again) {
		t.Error("two evaluations of the same plan differ")
	}
	if small.PageCacheBytes == 0 || small.PageCacheBytes > 1e6 {
		t.Errorf("%s nodes: page cache served %d bytes, want blastall's only", pl.Pools[0].InstanceType, small.PageCacheBytes)
	}
	if pl.Pools[0], err = NewHPCPool(c, "hpc", "c6i.xlarge", 0, pl.Pools[0].MaxNodes); err != nil {
		t.Fatal(err)
	}
	on := evalOK(t, NewProblem(w, pl), a)
	pl.Storage.NoPageCache = true
	off := evalOK(t, NewProblem(w, pl), a)
	if on.PageCacheBytes < 50e9 || off.PageCacheBytes != 0 || on.MakespanS >= off.MakespanS {
		t.Errorf("c6i.xlarge: page cache %d bytes, makespan %.1f s; without it %.1f s", on.PageCacheBytes, on.MakespanS, off.MakespanS)
	}
	t.Logf("all-HPC blast: %s %.1f s; c6i.xlarge %.1f s (%.0f GB from the page cache), without it %.1f s",
		"c6i.large", small.MakespanS, on.MakespanS, float64(on.PageCacheBytes)/1e9, off.MakespanS)
}

// Bad shared-file references are rejected by Validate.
func TestValidate_sharedFiles(t *testing.T) {
	for name, mut := range map[string]func(w *Workflow){
		"index out of range": func(w *Workflow) { w.Tasks[0].SharedInputs = []int32{1} },
		"negative index":     func(w *Workflow) { w.Tasks[0].SharedOutputs = []int32{-1} },
		"duplicate":          func(w *Workflow) { w.Tasks[0].SharedInputs = []int32{0, 0} },
		"more than input":    func(w *Workflow) { w.SharedFiles[0].Bytes = 11; w.Tasks[0].SharedInputs = []int32{0} },
		"more than output":   func(w *Workflow) { w.Tasks[0].SharedOutputs = []int32{0} },
		"negative size":      func(w *Workflow) { w.SharedFiles[0].Bytes = -1 },
	} {
		w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 2, InputBytes: 10, OutputBytes: 5}})
		w.SharedFiles = []SharedFile{{ID: "f", Bytes: 10}}
		if err := w.Validate(); err != nil {
			t.Fatalf("%s: valid base rejected: %v", name, err)
		}
		mut(w)
		if err := w.Validate(); err == nil || !strings.Contains(err.Error(), "shared") {
			t.Errorf("%s: Validate = %v, want an error about shared files", name, err)
		}
	}
}

// Sizes beyond MaxFileBytes saturate: two shared files of "9e18" and "1e300" bytes read by both tasks add
// up to more than the tasks' (saturated) input, so only the first is shared for them; a shared input is
// never more than a task's input (Validate rejects a list that is).
func TestPageCache_hugeSharedFiles(t *testing.T) {
	doc := `{"workflow": {"specification": {"tasks": [{"id": "a", "inputFiles": ["f", "g"]}, {"id": "b", "inputFiles": ["g", "f"]}],
	  "files": [{"id": "f", "sizeInBytes": 9e18}, {"id": "g", "sizeInBytes": 1e300}]}}}`
	w, err := LoadWfCommons(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range w.Tasks {
		if len(task.SharedInputs) != 1 || task.InputBytes != MaxFileBytes {
			t.Fatalf("task %s: shared %v, input %d", task.ID, task.SharedInputs, task.InputBytes)
		}
	}
	w.Tasks[0].SharedInputs = []int32{0, 1}
	if err := w.Validate(); err == nil {
		t.Fatal("two shared inputs of 2^60 bytes each in an input of 2^60 accepted")
	}
}

// withSharedInputs gives every stage of w one shared file that all its tasks read, as large as the
// smallest input of the stage (stages whose smallest input is 0 get none).
func withSharedInputs(w *Workflow) *Workflow {
	st := w.StageTasks()
	for s, ts := range st {
		small := int64(-1)
		for _, i := range ts {
			if b := w.Tasks[i].InputBytes; small < 0 || b < small {
				small = b
			}
		}
		if small <= 0 {
			continue
		}
		f := int32(len(w.SharedFiles))
		w.SharedFiles = append(w.SharedFiles, SharedFile{ID: w.Stages[s].Name + ".db", Bytes: small})
		for _, i := range ts {
			w.Tasks[i].SharedInputs = []int32{f}
		}
	}
	return w
}

// BenchmarkSolveSynthetic100kShared is BenchmarkSolveSynthetic100k with every stage's tasks reading one
// shared file: the cost of the node page cache at scale.
func BenchmarkSolveSynthetic100kShared(b *testing.B) {
	w := withSharedInputs(Synthetic(100_000, 10, 1))
	if len(w.SharedFiles) == 0 {
		b.Fatal("the synthetic workflow reads no shared file")
	}
	p := NewProblem(w, DefaultPlatforms())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sol, err := Solve(p, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.ReportMetric(float64(sol.Evaluation.PageCacheBytes)/1e9, "cacheGB")
		}
	}
}

// HEFT counts the page cache as the simulator does: on nodes of 8 GiB (c6i.xlarge), where blast's 5.1 GB
// database and soykb's shared files fit, its estimate and its mapping simulated agree (as on the default
// nodes, TestHEFT_estimateAgreesWithSimulation), and the simulation does serve inputs from the cache.
func TestPageCache_heftAgreesWithSimulation(t *testing.T) {
	c := DefaultCatalog()
	for _, name := range []string{"blast-chameleon-small-001.json", "soykb-chameleon-10fastq-10ch-001.json"} {
		w := loadTrace(t, tracePath(t, name))
		pl, err := DefaultPlatformsFor(w, c)
		if err != nil {
			t.Fatal(err)
		}
		if pl.Pools[0], err = NewHPCPool(c, "hpc", "c6i.xlarge", 0, 64); err != nil {
			t.Fatal(err)
		}
		if pl.Pools[1], err = NewRayPool(c, "ray", "c6i.xlarge", 0, 64); err != nil {
			t.Fatal(err)
		}
		h, ev := heftAndSim(t, NewProblem(w, pl))
		if d := (ev.MakespanS - h.TaskMakespanS) / h.TaskMakespanS; d > 0.025 || d < -0.025 {
			t.Errorf("%s: HEFT estimate %.1f s, its mapping simulated %.1f s", name, h.TaskMakespanS, ev.MakespanS)
		}
		if ev.PageCacheBytes < 1e9 {
			t.Errorf("%s: HEFT's mapping finds %d bytes in the page cache, want some GB", name, ev.PageCacheBytes)
		}
	}
}

// The Mashup-style model counts the page cache: 4 tasks reading one 1 GB shared file on 2 nodes need 2
// GB through the 250 MB/s workspace (8 s), not 4 GB (16 s); a file that does not fit is read by all.
func TestPageCache_mashupEstimate(t *testing.T) {
	for _, c := range []struct {
		mem  int64
		off  bool
		want float64
	}{{16 << 30, false, 8}, {16 << 30, true, 16}, {1 << 30, false, 16}} {
		p := cacheProblem(t, 250e6, c.mem)
		p.Storage.NoPageCache = c.off
		pr, err := prepare(p)
		if err != nil {
			t.Fatal(err)
		}
		if e := pr.vmEstimate(0, 0, false); !near(e.time, c.want) {
			t.Errorf("node memory %d, no page cache %v: estimate %v s, want %v", c.mem, c.off, e.time, c.want)
		}
	}
}
