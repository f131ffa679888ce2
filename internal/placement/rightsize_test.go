// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"math"
	"path/filepath"
	"testing"
)

// withoutSharedFiles is a copy of w whose tasks read and write no shared file.
func withoutSharedFiles(w *Workflow) *Workflow {
	w2 := *w
	w2.SharedFiles = nil
	w2.Tasks = append([]Task(nil), w.Tasks...)
	for i := range w2.Tasks {
		w2.Tasks[i].SharedInputs, w2.Tasks[i].SharedOutputs = nil, nil
	}
	return &w2
}

// rightSizeBoth right-sizes w for both default families, with the page cache on or off.
func rightSizeBoth(t *testing.T, w *Workflow, cacheOn bool) (hpc, ray string) {
	t.Helper()
	c := DefaultCatalog()
	if !cacheOn {
		c.NodePageCache.V = 0
	}
	h, err := RightSize(c, w, HPCFamilies)
	if err != nil {
		t.Fatal(err)
	}
	r, err := RightSize(c, w, RayFamilies)
	if err != nil {
		t.Fatal(err)
	}
	return h.Name, r.Name
}

// One stage of 10 tasks (1 core, 1 GiB, 10 s) reading a shared file (hand-computed, default catalog: 234
// MB/s aggregate, 500 MB/s per task). A 3 GiB file does not fit beside 2 tasks on c6i.large (4 GiB: 2 GiB
// free): 5 nodes, 5 re-reads of 3 GiB at 23.4 MB/s each = 688 core-seconds on top of 100, ($0.085/2 a
// slot) 33.5 against c6i.xlarge's 100 × $0.17/4 = 4.25 (4 tasks, 4 GiB free: it fits) and m6i.large's
// 100 × $0.096/2 = 4.8. A 1 GiB file fits c6i.large; a 3 GiB file read by 2 tasks is read once per node
// whatever the type; with the page cache off every choice is the slot price's.
func TestRightSize_pageCache(t *testing.T) {
	for _, c := range []struct {
		name    string
		bytes   int64
		readers int
		cacheOn bool
		want    string
	}{
		{"3 GiB file", 3 << 30, 10, true, "c6i.xlarge"},
		{"3 GiB file, no page cache", 3 << 30, 10, false, "c6i.large"},
		{"1 GiB file", 1 << 30, 10, true, "c6i.large"},
		{"3 GiB file, 2 readers", 3 << 30, 2, true, "c6i.large"},
	} {
		w := mustFromStages(t, []StageSpec{{Name: "a", TaskCount: 10, RuntimeS: 10, MemoryMB: 1024, InputBytes: 3 << 30}})
		w.SharedFiles = []SharedFile{{ID: "db", Bytes: c.bytes}}
		for i := 0; i < c.readers; i++ {
			w.Tasks[i].SharedInputs = []int32{0}
		}
		if err := w.Validate(); err != nil {
			t.Fatal(err)
		}
		if h, r := rightSizeBoth(t, w, c.cacheOn); h != c.want || r != c.want {
			t.Errorf("%s: hpc %s, ray %s; want %s", c.name, h, r, c.want)
		}
	}
}

// Blast's 40 blastall tasks (1 core, 0.88 GiB) read the 5.1 GB nt database: right-sizing picks a type whose
// memory holds it beside a node full of them, c6i.2xlarge (8 tasks, 9 GiB free; its slot costs $0.0425, as
// c6i.large's), not c6i.large (2 tasks, 2.2 GiB free) nor c6i.xlarge (4 tasks, 4.5 GiB free, below the
// database's 4.76 GiB), which the slot price alone picks.
func TestRightSize_blastHoldsDatabase(t *testing.T) {
	w := loadTrace(t, tracePath(t, "blast-chameleon-small-001.json"))
	var nt, taskMem int64
	for _, f := range w.SharedFiles {
		nt = max(nt, f.Bytes)
	}
	for i := range w.Tasks {
		taskMem = max(taskMem, w.Tasks[i].MemoryBytes)
	}
	h, r := rightSizeBoth(t, w, true)
	for _, name := range []string{h, r} {
		it := DefaultCatalog().Instances[name]
		mem := it.MemoryGiB * (1 << 30)
		slots := math.Min(float64(it.VCPUs), math.Floor(mem/float64(taskMem)))
		if free := mem - slots*float64(taskMem); free < float64(nt) {
			t.Errorf("%s: %.2f GiB free beside %v tasks, below the database's %.2f GiB", name, free/(1<<30), slots, float64(nt)/(1<<30))
		}
	}
	if h != "c6i.2xlarge" || r != "c6i.2xlarge" {
		t.Errorf("blast: hpc %s, ray %s; want c6i.2xlarge", h, r)
	}
	if h, r := rightSizeBoth(t, w, false); h != "c6i.large" || r != "c6i.large" {
		t.Errorf("blast without the page cache: hpc %s, ray %s; want c6i.large", h, r)
	}
}

// A workflow without shared files gets the slot price's choice (the choice with the page cache off), on
// every shipped trace (their shared files taken away) and on synthetic workflows; the shipped traces but
// blast keep c6i.large with their shared files, which fit beside 2 tasks on its 4 GiB.
func TestRightSize_noSharedFilesUnchanged(t *testing.T) {
	var ws []*Workflow
	for _, f := range traceFiles(t) {
		w := loadTrace(t, f)
		if filepath.Base(f) != "blast-chameleon-small-001.json" && len(w.SharedFiles) > 0 {
			if h, r := rightSizeBoth(t, w, true); h != "c6i.large" || r != "c6i.large" {
				t.Errorf("%s: hpc %s, ray %s; want c6i.large", f, h, r)
			}
		}
		ws = append(ws, withoutSharedFiles(w))
	}
	for seed := uint64(1); seed <= 5; seed++ {
		ws = append(ws, withoutSharedFiles(withSharedInputs(Synthetic(500, 6, seed))))
	}
	for _, w := range ws {
		h, r := rightSizeBoth(t, w, true)
		h0, r0 := rightSizeBoth(t, w, false)
		if h != h0 || r != r0 {
			t.Errorf("%s without shared files: hpc %s, ray %s; the slot price alone: %s, %s", w.Name, h, r, h0, r0)
		}
	}
}

// The static cluster of blast on its right-sized nodes (5 c6i.2xlarge for the 40 blastall tasks at once)
// reads the database once per node: 35 of its 40 reads come from the page cache, and the run takes about
// 180 s of boot + 5 reads of 5.1 GB through 234 MB/s (109 s) + 10 s of work ≈ 300 s, where 20 c6i.large
// took 1,061 s (every task reading it).
func TestStaticCluster_blastHoldsDatabase(t *testing.T) {
	w := loadTrace(t, tracePath(t, "blast-chameleon-small-001.json"))
	p, sol := solveTrace(t, w, balanced)
	b := sol.Baseline(BaselineStatic)
	ev, err := EvaluateBaseline(p, b)
	if err != nil {
		t.Fatal(err)
	}
	var nt int64
	for _, f := range w.SharedFiles {
		nt = max(nt, f.Bytes)
	}
	if b.Nodes != 5 || b.MakespanS < 250 || b.MakespanS > 350 || ev.PageCacheBytes < 35*nt {
		t.Errorf("static cluster: %d nodes, %.1f s, %.1f GB from the page cache; want 5 nodes, about 300 s, 35 × %.2f GB",
			b.Nodes, b.MakespanS, float64(ev.PageCacheBytes)/1e9, float64(nt)/1e9)
	}
}

// BenchmarkRightSize100kShared right-sizes a 100k-task workflow whose every stage's tasks read one shared
// file.
func BenchmarkRightSize100kShared(b *testing.B) {
	w := withSharedInputs(Synthetic(100_000, 10, 1))
	c := DefaultCatalog()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RightSize(c, w, HPCFamilies); err != nil {
			b.Fatal(err)
		}
	}
}
