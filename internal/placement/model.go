// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Coupling says how tightly the tasks of a stage communicate while running.
type Coupling string

const (
	// CouplingNone marks independent tasks (the default).
	CouplingNone Coupling = ""
	// CouplingMPI marks tightly coupled tasks (MPI over the network): the
	// stage may only run on an HPC pool with EFA.
	CouplingMPI Coupling = "mpi"
)

// Workflow is a DAG of tasks grouped into stages.
//
// Dependencies come in two forms, which may be mixed:
//   - task-level: Task.Parents lists the tasks that must finish before a task
//     starts (what WfCommons traces give);
//   - stage-level barriers: Stage.DependsOn lists stages every one of whose
//     tasks must finish before any task of the stage starts (what [FromStages]
//     produces; it avoids materialising |A|×|B| task edges).
type Workflow struct {
	// Name is informational (the trace name, for example "montage").
	Name string `json:"name"`
	// Stages in display order; Task.Stage and Stage.DependsOn index into it.
	Stages []Stage `json:"stages"`
	// Tasks of all stages; Task.Parents index into it.
	Tasks []Task `json:"tasks"`
	// SharedFiles are the files more than one task reads (a reference
	// database, shared parameters); Task.SharedInputs and
	// Task.SharedOutputs index into it. Only these files are kept, for the
	// node page cache (see [EvaluatePlan]); [FromStages] gives none.
	SharedFiles []SharedFile `json:"shared_files,omitempty"`
}

// SharedFile is a file read by more than one task of a workflow.
type SharedFile struct {
	// ID is the file's name or id in the trace.
	ID string `json:"id"`
	// Bytes is its size.
	Bytes int64 `json:"bytes"`
}

// Stage is a group of tasks that is placed as one unit: every task of a stage
// runs on the same pool.
type Stage struct {
	// Name is unique within the workflow.
	Name string `json:"name"`
	// DependsOn lists stage-level barriers (indices into Workflow.Stages).
	DependsOn []int `json:"depends_on,omitempty"`
	// Coupling "mpi" restricts the stage to HPC pools with EFA.
	Coupling Coupling `json:"coupling,omitempty"`
	// Nodes (coupling "mpi" only) is how many nodes each task of the stage
	// spans: every task is one MPI job whose Cores, MemoryBytes and GPUs are
	// spread evenly over its nodes, which it holds whole for its duration
	// (see [Evaluate]). 0 derives it per pool: the fewest nodes that hold the
	// task's cores, memory and GPUs (1 when one node does).
	Nodes int `json:"nodes,omitempty"`
	// Stateful stages keep state between invocations and cannot run on
	// serverless functions.
	Stateful bool `json:"stateful,omitempty"`
	// Pin, when set, restricts the stage to the pool with this name or to the
	// pools of this platform kind ("hpc", "ray", "serverless", "batch").
	Pin string `json:"pin,omitempty"`
	// ServerlessMemoryMB is the Lambda memory setting for this stage; 0 means
	// automatic (see [ServerlessMemoryMB]).
	ServerlessMemoryMB int `json:"serverless_memory_mb,omitempty"`
	// NotServerless, when set, says why the stage cannot run on serverless
	// functions at all (the trace loader sets it for tasks beyond AWS
	// Lambda's memory and /tmp limits; see [LambdaLimits]). A task's
	// duration is checked per serverless pool, against its timeout.
	NotServerless string `json:"not_serverless,omitempty"`
}

// Task is one unit of work.
type Task struct {
	// ID is unique within the workflow.
	ID string `json:"id"`
	// Stage indexes Workflow.Stages.
	Stage int `json:"stage"`
	// RuntimeS is the compute time in seconds on a reference core (speed 1.0)
	// when given Cores cores. It excludes reading inputs and writing outputs,
	// which the simulator models from InputBytes and OutputBytes.
	RuntimeS float64 `json:"runtime_s"`
	// Cores the task uses (at least 1); for a task of an "mpi" stage that
	// spans several nodes, its ranks over all of them.
	Cores int `json:"cores"`
	// MemoryBytes is the peak memory the task needs.
	MemoryBytes int64 `json:"memory_bytes"`
	// GPUs the task needs (0 for CPU-only tasks).
	GPUs int `json:"gpus,omitempty"`
	// InputBytes the task reads before computing.
	InputBytes int64 `json:"input_bytes"`
	// OutputBytes the task writes after computing.
	OutputBytes int64 `json:"output_bytes"`
	// Parents are the tasks (indices into Workflow.Tasks) that must finish
	// before this task starts.
	Parents []int `json:"parents,omitempty"`
	// SharedInputs are the shared files (indices into Workflow.SharedFiles,
	// ascending, no duplicates) among the task's inputs; their bytes are part of
	// InputBytes.
	SharedInputs []int32 `json:"shared_inputs,omitempty"`
	// SharedOutputs are the shared files (indices into
	// Workflow.SharedFiles, ascending, no duplicates) the task writes; their bytes are
	// part of OutputBytes.
	SharedOutputs []int32 `json:"shared_outputs,omitempty"`
}

// Validation limits and defaults shared by the loaders.
const (
	// MinRuntimeS is the smallest task runtime the engine uses; zero,
	// negative or missing runtimes are raised to it (10 ms).
	MinRuntimeS = 0.01
	// DefaultTaskMemoryBytes is used when a task's memory is missing or not
	// positive (512 MiB).
	DefaultTaskMemoryBytes int64 = 512 << 20
)

// StageIndex returns the index of the stage with the given name, or -1.
func (w *Workflow) StageIndex(name string) int {
	for i := range w.Stages {
		if w.Stages[i].Name == name {
			return i
		}
	}
	return -1
}

// StageTasks returns, for every stage, the indices of its tasks in task order.
func (w *Workflow) StageTasks() [][]int {
	out := make([][]int, len(w.Stages))
	for i := range w.Tasks {
		s := w.Tasks[i].Stage
		if s >= 0 && s < len(out) {
			out[s] = append(out[s], i)
		}
	}
	return out
}

// Validate checks indices, names and values and that the dependency graph
// (task edges plus stage barriers) is acyclic. A broken stage rule (names
// unique, no stage depending on itself, no stage cycle) is a *[StageError].
func (w *Workflow) Validate() error {
	if w == nil {
		return errors.New("workflow is nil")
	}
	if len(w.Stages) == 0 {
		return errors.New("workflow has no stages")
	}
	for _, f := range w.SharedFiles {
		if f.Bytes < 0 {
			return fmt.Errorf("shared file %q: size must not be negative", f.ID)
		}
	}
	for i, s := range w.Stages {
		if strings.TrimSpace(s.Name) == "" {
			return fmt.Errorf("stage %d has an empty name", i)
		}
		switch s.Coupling {
		case CouplingNone, CouplingMPI:
		default:
			return fmt.Errorf("stage %q: unknown coupling %q (want \"\" or \"mpi\")", s.Name, s.Coupling)
		}
		for _, d := range s.DependsOn {
			if d < 0 || d >= len(w.Stages) {
				return fmt.Errorf("stage %q depends on stage index %d out of range", s.Name, d)
			}
		}
		if s.ServerlessMemoryMB < 0 {
			return fmt.Errorf("stage %q: serverless memory must not be negative", s.Name)
		}
	}
	if err := w.checkStageRules(); err != nil {
		return err
	}
	counts := make([]int, len(w.Stages))
	ids := make(map[string]bool, len(w.Tasks))
	for i, t := range w.Tasks {
		if t.ID == "" {
			return fmt.Errorf("task %d has an empty id", i)
		}
		if ids[t.ID] {
			return fmt.Errorf("task %q is defined twice", t.ID)
		}
		ids[t.ID] = true
		if t.Stage < 0 || t.Stage >= len(w.Stages) {
			return fmt.Errorf("task %q: stage index %d out of range", t.ID, t.Stage)
		}
		counts[t.Stage]++
		if !(t.RuntimeS > 0 && t.RuntimeS <= MaxDurationS) {
			return fmt.Errorf("task %q: runtime must be positive and at most %g s", t.ID, MaxDurationS)
		}
		if t.Cores < 1 {
			return fmt.Errorf("task %q: cores must be at least 1", t.ID)
		}
		if t.MemoryBytes < 0 || t.InputBytes < 0 || t.OutputBytes < 0 || t.GPUs < 0 {
			return fmt.Errorf("task %q: memory, bytes and GPUs must not be negative", t.ID)
		}
		for _, p := range t.Parents {
			if p < 0 || p >= len(w.Tasks) || p == i {
				return fmt.Errorf("task %q: parent index %d invalid", t.ID, p)
			}
		}
		if err := w.checkShared(&w.Tasks[i]); err != nil {
			return err
		}
	}
	for i, c := range counts {
		if c == 0 {
			return fmt.Errorf("stage %q has no tasks", w.Stages[i].Name)
		}
	}
	if _, err := compileGraph(w); err != nil {
		return err
	}
	return nil
}

// checkShared checks a task's shared files: indices in range, no duplicates,
// ascending without duplicates, and their sizes within the task's input and output bytes.
func (w *Workflow) checkShared(t *Task) error {
	check := func(what string, files []int32, total int64) error {
		var sum int64
		for j, f := range files {
			if f < 0 || int(f) >= len(w.SharedFiles) {
				return fmt.Errorf("task %q: shared %s index %d out of range", t.ID, what, f)
			}
			if j > 0 && f <= files[j-1] {
				return fmt.Errorf("task %q: shared %ss must be ascending without duplicates", t.ID, what)
			}
			// sum ≤ total ≤ MaxInt64: compared without overflowing.
			if b := w.SharedFiles[f].Bytes; b > total-sum {
				return fmt.Errorf("task %q: its shared %ss hold more than its %d bytes of %s", t.ID, what, total, what)
			}
			sum += w.SharedFiles[f].Bytes
		}
		return nil
	}
	if len(t.SharedInputs)+len(t.SharedOutputs) == 0 {
		return nil
	}
	if err := check("input", t.SharedInputs, t.InputBytes); err != nil {
		return err
	}
	return check("output", t.SharedOutputs, t.OutputBytes)
}

// StageSpec describes a stage of identical tasks, as the Terraform `stage`
// blocks do. Per-task values apply to every task of the stage.
type StageSpec struct {
	Name      string
	TaskCount int
	// RuntimeS per task on a reference core; values ≤ 0 become MinRuntimeS.
	RuntimeS float64
	// Cores per task; 0 means 1.
	Cores int
	// MemoryMB per task (MiB); 0 means DefaultTaskMemoryBytes.
	MemoryMB int64
	GPUs     int
	// InputBytes and OutputBytes per task.
	InputBytes  int64
	OutputBytes int64
	// DependsOn names stages that must finish completely before this stage
	// starts.
	DependsOn []string
	Coupling  Coupling
	// Nodes each task spans (coupling "mpi" only; 0 derives it, see
	// Stage.Nodes).
	Nodes    int
	Stateful bool
	Pin      string
	// ServerlessMemoryMB is the Lambda memory setting; 0 means automatic.
	ServerlessMemoryMB int
}

// FromStages builds a workflow from stage specifications. Dependencies are
// stage-level barriers: every task of a stage waits for all tasks of the
// stages it depends on (modelled without materialising task edges, so a
// 100,000-task workflow stays linear in size). Tasks are named
// "<stage>_<n>" with n starting at 0. Specs that break a stage rule (see
// [CheckStages]) give the first broken one as a *[StageError].
func FromStages(specs []StageSpec) (*Workflow, error) {
	if len(specs) == 0 {
		return nil, errors.New("no stages given")
	}
	if errs := CheckStages(specs, nil); len(errs) > 0 {
		return nil, errs[0]
	}
	w := &Workflow{Name: "stages"}
	index := make(map[string]int, len(specs))
	total := 0
	for i, s := range specs {
		index[s.Name] = i
		total += s.TaskCount
	}
	w.Tasks = make([]Task, 0, total)
	for i, s := range specs {
		st := Stage{
			Name:               s.Name,
			Coupling:           s.Coupling,
			Nodes:              s.Nodes,
			Stateful:           s.Stateful,
			Pin:                s.Pin,
			ServerlessMemoryMB: s.ServerlessMemoryMB,
		}
		for _, d := range s.DependsOn {
			st.DependsOn = append(st.DependsOn, index[d]) // CheckStages found every name
		}
		w.Stages = append(w.Stages, st)
		rt := s.RuntimeS
		if !(rt >= MinRuntimeS) {
			rt = MinRuntimeS
		}
		cores := s.Cores
		if cores < 1 {
			cores = 1
		}
		if s.MemoryMB > math.MaxInt64>>20 {
			return nil, fmt.Errorf("stage %q: memory of %d MiB is too large", s.Name, s.MemoryMB)
		}
		mem := s.MemoryMB << 20
		if mem <= 0 {
			mem = DefaultTaskMemoryBytes
		}
		if s.GPUs < 0 || s.InputBytes < 0 || s.OutputBytes < 0 {
			return nil, fmt.Errorf("stage %q: gpus and bytes must not be negative", s.Name)
		}
		for k := 0; k < s.TaskCount; k++ {
			w.Tasks = append(w.Tasks, Task{
				ID:          fmt.Sprintf("%s_%d", s.Name, k),
				Stage:       i,
				RuntimeS:    rt,
				Cores:       cores,
				MemoryBytes: mem,
				GPUs:        s.GPUs,
				InputBytes:  s.InputBytes,
				OutputBytes: s.OutputBytes,
			})
		}
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return w, nil
}
