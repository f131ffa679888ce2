// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// WfCommons WfFormat (https://github.com/wfcommons/WfFormat) structures, the
// subset the loader reads. Numbers are decoded as json.Number-free float64
// pointers so that a missing value can be told from a zero.
type wfDoc struct {
	Name          string     `json:"name"`
	SchemaVersion string     `json:"schemaVersion"`
	Workflow      wfWorkflow `json:"workflow"`
}

type wfWorkflow struct {
	// Schema 1.5.
	Specification *struct {
		Tasks []wfSpecTask `json:"tasks"`
		Files []struct {
			ID          string   `json:"id"`
			SizeInBytes *float64 `json:"sizeInBytes"`
		} `json:"files"`
	} `json:"specification"`
	Execution *struct {
		Tasks []wfExecTask `json:"tasks"`
	} `json:"execution"`
	// Schema 1.4 (and earlier): tasks with inline files.
	Tasks []wfLegacyTask `json:"tasks"`
}

type wfSpecTask struct {
	Name        string   `json:"name"`
	ID          string   `json:"id"`
	Category    string   `json:"category"`
	Parents     []string `json:"parents"`
	Children    []string `json:"children"`
	InputFiles  []string `json:"inputFiles"`
	OutputFiles []string `json:"outputFiles"`
}

type wfCommand struct {
	Program string `json:"program"`
}

type wfExecTask struct {
	ID               string     `json:"id"`
	Category         string     `json:"category"`
	RuntimeInSeconds *float64   `json:"runtimeInSeconds"`
	Command          *wfCommand `json:"command"`
	CoreCount        *float64   `json:"coreCount"`
	AvgCPU           *float64   `json:"avgCPU"`
	MemoryInBytes    *float64   `json:"memoryInBytes"`
	GPUCount         *float64   `json:"gpuCount"`
}

type wfLegacyTask struct {
	Name             string     `json:"name"`
	ID               string     `json:"id"`
	Category         string     `json:"category"`
	Type             string     `json:"type"`
	Parents          []string   `json:"parents"`
	Children         []string   `json:"children"`
	Command          *wfCommand `json:"command"`
	RuntimeInSeconds *float64   `json:"runtimeInSeconds"`
	Runtime          *float64   `json:"runtime"`
	Cores            *float64   `json:"cores"`
	AvgCPU           *float64   `json:"avgCPU"`
	MemoryInBytes    *float64   `json:"memoryInBytes"`
	Files            []struct {
		Link        string   `json:"link"`
		Name        string   `json:"name"`
		ID          string   `json:"id"`
		SizeInBytes *float64 `json:"sizeInBytes"`
		Size        *float64 `json:"size"`
	} `json:"files"`
}

// LoadWfCommons reads a WfCommons WfFormat JSON trace (schema 1.5, and the
// older 1.4 layout with tasks and inline files under "workflow").
//
// Stages are formed by program: a task's stage is its command.program, else
// its category, else its name up to "_ID" (Pegasus and Makeflow traces name
// tasks "<program>_ID0000001"), else the whole name. Stages are ordered by
// the earliest topological level of their tasks, then by first appearance.
//
// Values and the defaults used for the traces' quirks:
//   - RuntimeS = execution runtimeInSeconds; missing, zero, negative or
//     non-finite runtimes become MinRuntimeS (10 ms).
//   - Cores = coreCount when positive; else round(avgCPU / 100) when avgCPU
//     is positive (avgCPU is the CPU utilisation in percent, so 190 means
//     about two busy cores); at least 1. Missing both → 1.
//   - MemoryBytes = memoryInBytes when positive, else DefaultTaskMemoryBytes
//     (512 MiB) — several traces record no memory at all.
//   - GPUs = gpuCount when present, else 0.
//   - InputBytes / OutputBytes = the sum of the sizes of the task's
//     inputFiles / outputFiles in the specification's file list; file ids
//     not in the list and missing or negative sizes count 0 bytes.
//   - SharedFiles = the files (by id; legacy traces: by name) that more than
//     one task reads, with their size; each task lists those it reads in
//     SharedInputs and those it writes in SharedOutputs. Other files are
//     not kept (only their bytes, in InputBytes and OutputBytes), so that
//     memory stays small; they feed the node page cache of [EvaluatePlan].
//   - Parents = the union of the task's "parents" and of the tasks that list
//     it among their "children"; unknown task ids are ignored, duplicates
//     removed.
//   - Tasks present in the specification but missing from the execution
//     section get the defaults above; execution tasks absent from the
//     specification are ignored. Timestamps (executedAt) are not used, so
//     odd or missing timestamps do not matter.
//
// The result is validated (in particular it must be acyclic).
func LoadWfCommons(r io.Reader) (*Workflow, error) {
	var doc wfDoc
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("reading WfCommons JSON: %w", err)
	}
	if v := doc.SchemaVersion; v != "" && !strings.HasPrefix(v, "1.") {
		return nil, fmt.Errorf("unsupported WfFormat schema version %q (want 1.x)", v)
	}
	var raw []rawTask
	switch {
	case doc.Workflow.Specification != nil:
		raw = fromSpec15(&doc.Workflow)
	case len(doc.Workflow.Tasks) > 0:
		raw = fromLegacy(doc.Workflow.Tasks)
	default:
		return nil, errors.New("WfCommons JSON has no tasks (neither workflow.specification nor workflow.tasks)")
	}
	if len(raw) == 0 {
		return nil, errors.New("WfCommons JSON has no tasks")
	}
	w, err := buildWorkflow(doc.Name, raw)
	if err != nil {
		return nil, err
	}
	return w, nil
}

// rawTask is a task before stage grouping.
type rawTask struct {
	id, name, program, category string
	runtime, cores, avgCPU, mem *float64
	gpus                        *float64
	in, out                     int64
	parents, children           []string
	inFiles, outFiles           []fileRef
}

// fileRef is a file a trace task reads or writes.
type fileRef struct {
	id    string
	bytes int64
}

func fromSpec15(wf *wfWorkflow) []rawTask {
	spec := wf.Specification
	size := make(map[string]int64, len(spec.Files))
	for _, f := range spec.Files {
		if f.SizeInBytes != nil {
			size[f.ID] = fileBytes(*f.SizeInBytes)
		}
	}
	exec := map[string]*wfExecTask{}
	if wf.Execution != nil {
		for i := range wf.Execution.Tasks {
			exec[wf.Execution.Tasks[i].ID] = &wf.Execution.Tasks[i]
		}
	}
	raw := make([]rawTask, 0, len(spec.Tasks))
	for _, t := range spec.Tasks {
		id := t.ID
		if id == "" {
			id = t.Name
		}
		rt := rawTask{id: id, name: t.Name, category: t.Category, parents: t.Parents, children: t.Children}
		for _, f := range t.InputFiles {
			rt.in = addBytes(rt.in, size[f])
			rt.inFiles = append(rt.inFiles, fileRef{f, size[f]})
		}
		for _, f := range t.OutputFiles {
			rt.out = addBytes(rt.out, size[f])
			rt.outFiles = append(rt.outFiles, fileRef{f, size[f]})
		}
		if e := exec[id]; e != nil {
			rt.runtime, rt.cores, rt.avgCPU, rt.mem, rt.gpus = e.RuntimeInSeconds, e.CoreCount, e.AvgCPU, e.MemoryInBytes, e.GPUCount
			if e.Command != nil {
				rt.program = e.Command.Program
			}
			if rt.category == "" {
				rt.category = e.Category
			}
		}
		raw = append(raw, rt)
	}
	return raw
}

func fromLegacy(tasks []wfLegacyTask) []rawTask {
	raw := make([]rawTask, 0, len(tasks))
	for _, t := range tasks {
		id := t.ID
		if id == "" {
			id = t.Name
		}
		rt := rawTask{id: id, name: t.Name, category: t.Category, parents: t.Parents, children: t.Children,
			runtime: t.RuntimeInSeconds, cores: t.Cores, avgCPU: t.AvgCPU, mem: t.MemoryInBytes}
		if rt.runtime == nil {
			rt.runtime = t.Runtime
		}
		if t.Command != nil {
			rt.program = t.Command.Program
		}
		for _, f := range t.Files {
			sz := f.SizeInBytes
			if sz == nil {
				sz = f.Size
			}
			if sz == nil {
				continue
			}
			ref := fileRef{f.Name, fileBytes(*sz)}
			if ref.id == "" {
				ref.id = f.ID
			}
			switch f.Link {
			case "input":
				rt.in = addBytes(rt.in, ref.bytes)
				rt.inFiles = append(rt.inFiles, ref)
			case "output":
				rt.out = addBytes(rt.out, ref.bytes)
				rt.outFiles = append(rt.outFiles, ref)
			}
		}
		raw = append(raw, rt)
	}
	return raw
}

// MaxFileBytes caps a file size and a task's input or output bytes (1 EiB):
// larger values, which no trace records, would overflow int64 when summed.
const MaxFileBytes int64 = 1 << 60

// fileBytes converts a file size from the trace: missing, negative and NaN
// sizes count 0, larger ones than MaxFileBytes count MaxFileBytes (a float64
// beyond the int64 range must not be converted as is: the result is
// undefined and in practice negative).
func fileBytes(sz float64) int64 {
	if !(sz > 0) {
		return 0
	}
	if sz >= float64(MaxFileBytes) {
		return MaxFileBytes
	}
	return int64(sz)
}

// addBytes adds byte counts, saturating at MaxFileBytes.
func addBytes(a, b int64) int64 {
	if a >= MaxFileBytes-b {
		return MaxFileBytes
	}
	return a + b
}

func stageName(rt *rawTask) string {
	if rt.program != "" {
		return rt.program
	}
	if rt.category != "" {
		return rt.category
	}
	name := rt.name
	if name == "" {
		name = rt.id
	}
	if i := strings.Index(name, "_ID"); i > 0 {
		return name[:i]
	}
	return name
}

// LambdaLimits are AWS Lambda's hard limits (AWS Lambda Developer Guide,
// "Lambda quotas": memory 128-10,240 MB, timeout 900 s, /tmp up to
// 10,240 MB). The trace loader marks a stage whose tasks need more memory or
// /tmp than they allow as not runnable on serverless functions
// (Stage.NotServerless): no pool can lift them. The timeout is not the
// loader's: how long a task runs depends on the pool (its speed, the vCPUs
// its memory setting gives, its cold start and S3 throughput), so each
// serverless pool checks every task's duration against its own TimeoutS
// (a stage that does not fit is refused there with the task and its
// duration as the reason).
var LambdaLimits = struct {
	MemoryMB, EphemeralMB int64
	TimeoutS              float64
}{MemoryMB: 10240, EphemeralMB: 10240, TimeoutS: 900}

func buildWorkflow(name string, raw []rawTask) (*Workflow, error) {
	index := make(map[string]int, len(raw))
	for i := range raw {
		if raw[i].id == "" {
			return nil, fmt.Errorf("task %d has no id", i)
		}
		if _, dup := index[raw[i].id]; dup {
			return nil, fmt.Errorf("task %q is defined twice", raw[i].id)
		}
		index[raw[i].id] = i
	}
	parents := rawParents(raw, index)
	level, err := topoLevels(raw, parents)
	if err != nil {
		return nil, err
	}
	stageOf, names := groupStages(raw, level)
	w := &Workflow{Name: name, Stages: make([]Stage, len(names)), Tasks: make([]Task, len(raw))}
	for s, n := range names {
		w.Stages[s] = Stage{Name: n}
	}
	for i := range raw {
		w.Tasks[i] = rawToTask(&raw[i], stageOf[i], parents[i])
	}
	sharedFiles(w, raw)
	markNotServerless(w)
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return w, nil
}

// sharedFiles keeps, in w.SharedFiles, the files (by id) that more than one
// task reads, in order of first appearance, and lists them in each task's
// SharedInputs and SharedOutputs. A file of the same id listed with two
// sizes (legacy traces give sizes per task) takes the first; a task listing
// a file twice counts once. Files of 0 bytes are left out (nothing to
// cache).
func sharedFiles(w *Workflow, raw []rawTask) {
	type info struct {
		readers, lastReader int
		bytes               int64
		index               int32
	}
	files := map[string]*info{}
	var order []string
	for i := range raw {
		for _, f := range raw[i].inFiles {
			fi := files[f.id]
			if fi == nil {
				fi = &info{lastReader: -1, bytes: f.bytes, index: -1}
				files[f.id] = fi
				order = append(order, f.id)
			}
			if fi.lastReader != i {
				fi.readers++
				fi.lastReader = i
			}
		}
	}
	for _, id := range order {
		if fi := files[id]; fi.readers > 1 && fi.bytes > 0 {
			fi.index = int32(len(w.SharedFiles))
			w.SharedFiles = append(w.SharedFiles, SharedFile{ID: id, Bytes: fi.bytes})
		}
	}
	if len(w.SharedFiles) == 0 {
		return
	}
	list := func(refs []fileRef, total int64) []int32 {
		var out []int32
		var sum int64
		for _, f := range refs {
			if fi := files[f.id]; fi != nil && fi.index >= 0 {
				out = append(out, fi.index)
			}
		}
		sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
		k := 0
		for j, f := range out {
			if j > 0 && f == out[j-1] {
				continue
			}
			// A size listed differently for this task may not fit in its
			// byte count: such a file is left private.
			if b := w.SharedFiles[f].Bytes; b > total-sum {
				break
			}
			sum += w.SharedFiles[f].Bytes
			out[k] = f
			k++
		}
		if k == 0 {
			return nil
		}
		return out[:k:k]
	}
	for i := range raw {
		w.Tasks[i].SharedInputs = list(raw[i].inFiles, w.Tasks[i].InputBytes)
		w.Tasks[i].SharedOutputs = list(raw[i].outFiles, w.Tasks[i].OutputBytes)
	}
}

// rawParents returns every task's parents: the union of its "parents" and
// of the tasks listing it among their "children", sorted, without unknown
// ids, self-edges or duplicates.
func rawParents(raw []rawTask, index map[string]int) [][]int {
	parents := make([][]int, len(raw))
	for i := range raw {
		for _, p := range raw[i].parents {
			if j, ok := index[p]; ok && j != i {
				parents[i] = append(parents[i], j)
			}
		}
		for _, c := range raw[i].children {
			if j, ok := index[c]; ok && j != i {
				parents[j] = append(parents[j], i)
			}
		}
	}
	for i := range parents {
		ps := parents[i]
		sort.Ints(ps)
		k := 0
		for j, p := range ps {
			if j == 0 || p != ps[j-1] {
				ps[k] = p
				k++
			}
		}
		parents[i] = ps[:k]
	}
	return parents
}

// topoLevels returns every task's topological level (Kahn), or an error
// naming a task on a dependency cycle.
func topoLevels(raw []rawTask, parents [][]int) ([]int, error) {
	level := make([]int, len(raw))
	indeg := make([]int, len(raw))
	children := make([][]int, len(raw))
	for i, ps := range parents {
		indeg[i] = len(ps)
		for _, p := range ps {
			children[p] = append(children[p], i)
		}
	}
	queue := make([]int, 0, len(raw))
	for i := range raw {
		if indeg[i] == 0 {
			queue = append(queue, i)
		}
	}
	for h := 0; h < len(queue); h++ {
		v := queue[h]
		for _, c := range children[v] {
			level[c] = max(level[c], level[v]+1)
			indeg[c]--
			if indeg[c] == 0 {
				queue = append(queue, c)
			}
		}
	}
	if len(queue) != len(raw) {
		for i := range raw {
			if indeg[i] > 0 {
				return nil, fmt.Errorf("dependency cycle through task %q", raw[i].id)
			}
		}
	}
	return level, nil
}

// groupStages groups the tasks by program into stages ordered by their
// earliest topological level, then first appearance; it returns each
// task's stage and the stage names in order.
func groupStages(raw []rawTask, level []int) ([]int, []string) {
	type stageInfo struct {
		name              string
		minLevel, firstAt int
	}
	var stages []stageInfo
	stageOf := make([]int, len(raw))
	byName := map[string]int{}
	for i := range raw {
		n := stageName(&raw[i])
		s, ok := byName[n]
		if !ok {
			s = len(stages)
			byName[n] = s
			stages = append(stages, stageInfo{name: n, minLevel: level[i], firstAt: i})
		}
		stages[s].minLevel = min(stages[s].minLevel, level[i])
		stageOf[i] = s
	}
	order := make([]int, len(stages))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		sa, sb := stages[order[a]], stages[order[b]]
		if sa.minLevel != sb.minLevel {
			return sa.minLevel < sb.minLevel
		}
		return sa.firstAt < sb.firstAt
	})
	rank := make([]int, len(stages))
	names := make([]string, len(stages))
	for r, s := range order {
		rank[s] = r
		names[r] = stages[s].name
	}
	for i := range stageOf {
		stageOf[i] = rank[stageOf[i]]
	}
	return stageOf, names
}

// rawToTask converts a trace task with the defaults LoadWfCommons documents.
func rawToTask(rt *rawTask, stage int, parents []int) Task {
	t := Task{ID: rt.id, Stage: stage, Parents: parents, InputBytes: rt.in, OutputBytes: rt.out,
		RuntimeS: MinRuntimeS, Cores: 1, MemoryBytes: DefaultTaskMemoryBytes}
	if rt.runtime != nil && *rt.runtime > MinRuntimeS && !math.IsInf(*rt.runtime, 0) {
		t.RuntimeS = *rt.runtime
	}
	switch {
	case rt.cores != nil && *rt.cores >= 1 && *rt.cores < 1e6:
		t.Cores = int(math.Round(*rt.cores))
	case rt.avgCPU != nil && *rt.avgCPU > 0 && *rt.avgCPU < 1e8:
		t.Cores = max(1, int(math.Round(*rt.avgCPU/100)))
	}
	if rt.mem != nil && *rt.mem > 0 && *rt.mem < 1e18 {
		t.MemoryBytes = int64(*rt.mem)
	}
	if rt.gpus != nil && *rt.gpus > 0 && *rt.gpus < 1e6 {
		t.GPUs = int(math.Round(*rt.gpus))
	}
	return t
}

// markNotServerless sets Stage.NotServerless on every stage with a task
// beyond [LambdaLimits]' memory or /tmp: more memory, or more input plus
// output than /tmp holds. A long runtime is each serverless pool's to judge
// against its timeout (see [LambdaLimits]).
func markNotServerless(w *Workflow) {
	for i := range w.Tasks {
		t := &w.Tasks[i]
		st := &w.Stages[t.Stage]
		if st.NotServerless != "" {
			continue
		}
		switch {
		case t.MemoryBytes > LambdaLimits.MemoryMB<<20:
			st.NotServerless = fmt.Sprintf("task %q needs %d MiB of memory, beyond Lambda's %d MB", t.ID, t.MemoryBytes>>20, LambdaLimits.MemoryMB)
		case addBytes(t.InputBytes, t.OutputBytes) > LambdaLimits.EphemeralMB<<20:
			st.NotServerless = fmt.Sprintf("task %q reads and writes %d MiB, beyond Lambda's %d MB of /tmp",
				t.ID, addBytes(t.InputBytes, t.OutputBytes)>>20, LambdaLimits.EphemeralMB)
		}
	}
}
