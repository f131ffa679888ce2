// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"math"
	"strings"
)

// InfeasibleError reports a problem no placement can satisfy. Stage names the
// stage concerned when there is one; Constraint says which of the solver's
// limits no placement meets (ConstraintDeadline, ConstraintBudget, or both),
// and is empty when a stage fits no platform at all.
type InfeasibleError struct {
	Stage      string
	Reason     string
	Constraint string
}

// Values of InfeasibleError.Constraint.
const (
	ConstraintDeadline = "deadline"
	ConstraintBudget   = "budget"
	ConstraintBoth     = "deadline and budget"
)

func (e *InfeasibleError) Error() string {
	if e.Stage == "" {
		return "infeasible: " + e.Reason
	}
	return fmt.Sprintf("infeasible: stage %q: %s", e.Stage, e.Reason)
}

// fitInfo says whether a stage may run on a pool, and why not.
type fitInfo struct {
	ok     bool
	reason string
	memMB  int // Lambda memory setting (serverless pools only)
	ephMB  int // Lambda ephemeral storage setting (serverless pools only)
}

// prepared is a validated problem compiled for fast repeated simulation.
type prepared struct {
	p       *Problem // the problem, each cluster's head on its head pool only (see [headsOnce])
	w       *Workflow
	g       *graph
	blevel  []float64 // static priority of every node (reference bottom level)
	fit     [][]fitInfo
	allowed [][]int // per stage, the pool indices it may use, ascending
	// stageDependents[s] are the stages with a stage-level barrier on s.
	stageDependents [][]int32
	// taskMaxRuntime etc. are per-stage aggregates.
	stageWork []float64 // Σ runtime×cores of the stage's tasks (reference)
	ct        []ctask   // compact copy of the tasks for the simulator's hot loop
	// fileBytes are the sizes of the workflow's shared files (nil when it
	// has none; see cache.go).
	fileBytes []int64
	// clusters are the problem's [Platforms.Clusters].
	clusters [][]int
}

// ctask is the part of a Task the simulator reads, stored contiguously.
type ctask struct {
	RuntimeS                             float64
	MemoryBytes, InputBytes, OutputBytes int64
	Cores, GPUs, Stage                   int
	// MPI: the stage is coupled "mpi"; Nodes is its Stage.Nodes.
	Nodes int32
	MPI   bool
	// Shared: the task reads or writes a shared file (see cache.go).
	Shared bool
}

func prepare(p *Problem) (*prepared, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	g, err := compileGraph(p.Workflow)
	if err != nil {
		return nil, err
	}
	w := p.Workflow
	clusters := p.Clusters()
	pr := &prepared{p: headsOnce(p, clusters), w: w, g: g, clusters: clusters}
	// Static bottom levels on the reference core, in reverse topological order.
	pr.blevel = make([]float64, g.nNodes)
	for i := len(g.topo) - 1; i >= 0; i-- {
		v := g.topo[i]
		best := 0.0
		for _, c := range g.children(v) {
			if pr.blevel[c] > best {
				best = pr.blevel[c]
			}
		}
		if int(v) < g.nTasks {
			best += w.Tasks[v].RuntimeS
		}
		pr.blevel[v] = best
	}
	pr.stageDependents = make([][]int32, len(w.Stages))
	for s := range w.Stages {
		for _, d := range w.Stages[s].DependsOn {
			pr.stageDependents[d] = append(pr.stageDependents[d], int32(s))
		}
	}
	pr.ct = make([]ctask, len(w.Tasks))
	for i := range w.Tasks {
		t := &w.Tasks[i]
		st := &w.Stages[t.Stage]
		pr.ct[i] = ctask{RuntimeS: t.RuntimeS, MemoryBytes: t.MemoryBytes, InputBytes: t.InputBytes,
			OutputBytes: t.OutputBytes, Cores: t.Cores, GPUs: t.GPUs, Stage: t.Stage,
			MPI: st.Coupling == CouplingMPI, Nodes: int32(min(st.Nodes, math.MaxInt32)),
			Shared: len(t.SharedInputs)+len(t.SharedOutputs) > 0}
	}
	if len(w.SharedFiles) > 0 {
		pr.fileBytes = make([]int64, len(w.SharedFiles))
		for i, f := range w.SharedFiles {
			pr.fileBytes[i] = f.Bytes
		}
	}
	pr.stageWork = make([]float64, len(w.Stages))
	for i := range w.Tasks {
		pr.stageWork[w.Tasks[i].Stage] += w.Tasks[i].RuntimeS * float64(w.Tasks[i].Cores)
	}
	pr.fit = make([][]fitInfo, len(w.Stages))
	pr.allowed = make([][]int, len(w.Stages))
	for s := range w.Stages {
		pr.fit[s] = make([]fitInfo, len(p.Pools))
		for k := range p.Pools {
			pr.fit[s][k] = pr.stageFit(s, k)
			if pr.fit[s][k].ok {
				pr.allowed[s] = append(pr.allowed[s], k)
			}
		}
	}
	return pr, nil
}

// checkAllowed returns an InfeasibleError for the first stage that fits no
// pool, listing every pool's reason.
func (pr *prepared) checkAllowed() error {
	for s, a := range pr.allowed {
		if len(a) > 0 {
			continue
		}
		reasons := make([]string, 0, len(pr.p.Pools))
		for k := range pr.p.Pools {
			reasons = append(reasons, fmt.Sprintf("%s: %s", pr.p.Pools[k].Name, pr.fit[s][k].reason))
		}
		return &InfeasibleError{Stage: pr.w.Stages[s].Name, Reason: "fits no platform (" + strings.Join(reasons, "; ") + ")"}
	}
	return nil
}

// ServerlessMemoryMB returns the Lambda memory setting a stage uses on a
// serverless pool: the stage's ServerlessMemoryMB when set, otherwise the
// smallest setting that holds the largest task's memory and gives it as many
// vCPUs as it has cores (cores × MBPerVCPU), clamped to the pool's
// [MinMemoryMB, MaxMemoryMB]. Giving a task more vCPUs than cores would not
// make it faster, and fewer would slow it down in proportion, so this is the
// cheapest setting that runs every task at full speed when the limits allow.
func ServerlessMemoryMB(w *Workflow, stage int, pool *Pool) int {
	if m := w.Stages[stage].ServerlessMemoryMB; m > 0 {
		return m
	}
	var maxMem int64
	maxCores := 1
	for i := range w.Tasks {
		t := &w.Tasks[i]
		if t.Stage != stage {
			continue
		}
		if t.MemoryBytes > maxMem {
			maxMem = t.MemoryBytes
		}
		if t.Cores > maxCores {
			maxCores = t.Cores
		}
	}
	return autoLambdaMemory(maxMem, maxCores, pool)
}

func autoLambdaMemory(maxMem int64, maxCores int, pool *Pool) int {
	need := int(math.Ceil(float64(maxMem) / (1 << 20)))
	if c := int(math.Ceil(float64(maxCores) * pool.MBPerVCPU)); c > need {
		need = c
	}
	if need < pool.MinMemoryMB {
		need = pool.MinMemoryMB
	}
	if need > pool.MaxMemoryMB {
		need = pool.MaxMemoryMB
	}
	return need
}

// lambdaSlowdown is how much slower a task with the given cores runs with
// memMB of Lambda memory (vCPUs in proportion to memory).
func lambdaSlowdown(cores int, memMB int, pool *Pool) float64 {
	vcpu := float64(memMB) / pool.MBPerVCPU
	if vcpu >= float64(cores) {
		return 1
	}
	return float64(cores) / vcpu
}

// slowdownNote says how much slower a task runs for the vCPUs its Lambda
// memory gives ("" when it gets all the vCPUs it has cores).
func slowdownNote(cores int, memMB int, pool *Pool) string {
	if f := lambdaSlowdown(cores, memMB, pool); f > 1 {
		return fmt.Sprintf(", %.3g times slower on the %.3g vCPUs of %d MB", f, float64(memMB)/pool.MBPerVCPU, memMB)
	}
	return ""
}

// fargateSizes are the Fargate vCPU sizes with their memory range in GB and
// step (Amazon ECS Developer Guide, "Task CPU and memory"; whole-vCPU sizes
// only, since tasks have whole cores).
var fargateSizes = []struct {
	vcpu         int
	minGB, maxGB int
	stepGB       int
}{
	{1, 2, 8, 1},
	{2, 4, 16, 1},
	{4, 8, 30, 1},
	{8, 16, 60, 4},
	{16, 32, 120, 8},
}

// fargateSize returns the smallest valid Fargate size (vCPU, GB) that holds a
// task, or ok=false when none does or the pool's limits are exceeded.
func fargateSize(cores int, mem int64, pool *Pool) (vcpu int, gb int, ok bool) {
	needGB := int(math.Ceil(float64(mem) / 1e9))
	if needGB < 1 {
		needGB = 1
	}
	for _, s := range fargateSizes {
		if s.vcpu < cores || s.maxGB < needGB || s.vcpu > pool.MaxTaskVCPUs || int64(s.minGB)*1e9 > pool.MaxTaskMemoryBytes {
			continue
		}
		g := s.minGB
		if needGB > g {
			g = s.minGB + (needGB-s.minGB+s.stepGB-1)/s.stepGB*s.stepGB
		}
		if int64(g)*1e9 > pool.MaxTaskMemoryBytes {
			continue
		}
		return s.vcpu, g, true
	}
	return 0, 0, false
}

func (pr *prepared) stageFit(s, k int) fitInfo {
	p, g := pr.p, pr.g
	w := p.Workflow
	st := &w.Stages[s]
	pl := &p.Pools[k]
	no := func(format string, a ...any) fitInfo { return fitInfo{reason: fmt.Sprintf(format, a...)} }
	if st.Pin != "" && st.Pin != pl.Name && st.Pin != string(pl.Kind) {
		return no("stage is pinned to %q", st.Pin)
	}
	if st.Coupling == CouplingMPI && !(pl.Kind == KindHPC && pl.EFA) {
		return no("coupling \"mpi\" needs an HPC pool with EFA")
	}
	if st.Stateful && pl.Kind == KindServerless {
		return no("stateful stages cannot run on serverless functions")
	}
	if st.NotServerless != "" && pl.Kind == KindServerless {
		return no("%s", st.NotServerless)
	}
	var maxMem int64
	maxCores, maxGPUs := 1, 0
	for _, ti := range g.stageTasks[s] {
		t := &w.Tasks[ti]
		maxMem = max(maxMem, t.MemoryBytes)
		maxCores = max(maxCores, t.Cores)
		maxGPUs = max(maxGPUs, t.GPUs)
	}
	switch pl.Kind {
	case KindHPC, KindRay:
		if st.Coupling == CouplingMPI {
			return pr.mpiFit(s, pl)
		}
		if maxGPUs > pl.GPUs {
			return no("tasks need %d GPUs, %s nodes have %d", maxGPUs, pl.InstanceType, pl.GPUs)
		}
		if maxCores > pl.VCPUs {
			return no("tasks need %d cores, %s nodes have %d vCPUs", maxCores, pl.InstanceType, pl.VCPUs)
		}
		if maxMem > pl.MemoryBytes {
			return no("tasks need %d MiB of memory, %s nodes have %d MiB", maxMem>>20, pl.InstanceType, pl.MemoryBytes>>20)
		}
		return fitInfo{ok: true}
	case KindServerless:
		if maxGPUs > 0 {
			return no("serverless functions have no GPUs")
		}
		return pr.serverlessFit(s, pl, maxMem, maxCores)
	case KindBatch:
		if maxGPUs > 0 {
			return no("Fargate tasks have no GPUs")
		}
		return pr.batchFit(s, pl)
	}
	return no("unknown pool kind")
}

// serverlessFit checks a stage against a serverless pool: the memory
// setting, every task's duration against the timeout, and /tmp.
func (pr *prepared) serverlessFit(s int, pl *Pool, maxMem int64, maxCores int) fitInfo {
	w, g := pr.w, pr.g
	st := &w.Stages[s]
	no := func(format string, a ...any) fitInfo { return fitInfo{reason: fmt.Sprintf(format, a...)} }
	memMB := st.ServerlessMemoryMB
	if memMB == 0 {
		memMB = autoLambdaMemory(maxMem, maxCores, pl)
	}
	if memMB > pl.MaxMemoryMB || memMB < pl.MinMemoryMB {
		return no("memory setting %d MB is outside %d..%d MB", memMB, pl.MinMemoryMB, pl.MaxMemoryMB)
	}
	if int64(memMB)<<20 < maxMem {
		return no("tasks need %d MiB of memory, more than the %d MB function limit", (maxMem+(1<<20)-1)>>20, memMB)
	}
	var maxIO int64
	for _, ti := range g.stageTasks[s] {
		t := &w.Tasks[ti]
		// The longest an invocation runs in the simulator: a cold start
		// plus the work, computed exactly as the simulator does (summing
		// the byte counts as int64 could overflow and wrap negative).
		d := pr.work(ti, pl, memMB, 0) + pl.StartLatencyS
		if d > pl.TimeoutS {
			return no("task %q would run %.1f s on %s (%g s on the reference core at speed %g%s, with the %g s cold start and its "+
				"S3 transfers), over the %g s function timeout", t.ID, d, pl.Name, t.RuntimeS, pl.Speed,
				slowdownNote(t.Cores, memMB, pl), pl.StartLatencyS, pl.TimeoutS)
		}
		maxIO = max(maxIO, addBytes(t.InputBytes, t.OutputBytes))
	}
	// Ephemeral storage (/tmp) holds a task's inputs and outputs.
	eph := max(int(pl.EphemeralFree), int((maxIO+(1<<20)-1)>>20))
	if pl.EphemeralMax > 0 && float64(eph) > pl.EphemeralMax {
		return no("tasks need %d MB of ephemeral storage for their inputs and outputs, more than the %.0f MB limit",
			eph, pl.EphemeralMax)
	}
	return fitInfo{ok: true, memMB: memMB, ephMB: eph}
}

// batchFit checks every task of a stage against a Fargate pool's sizes,
// vCPUs and ephemeral storage.
func (pr *prepared) batchFit(s int, pl *Pool) fitInfo {
	w, g := pr.w, pr.g
	no := func(format string, a ...any) fitInfo { return fitInfo{reason: fmt.Sprintf(format, a...)} }
	for _, ti := range g.stageTasks[s] {
		t := &w.Tasks[ti]
		if _, _, ok := fargateSize(t.Cores, t.MemoryBytes, pl); !ok {
			return no("task %q (%d cores, %d MiB) exceeds the Fargate size limits (%d vCPU, %d GB)",
				t.ID, t.Cores, t.MemoryBytes>>20, pl.MaxTaskVCPUs, pl.MaxTaskMemoryBytes/1e9)
		}
		if v, _, _ := fargateSize(t.Cores, t.MemoryBytes, pl); v > pl.MaxVCPUs {
			return no("task %q needs %d vCPUs, the compute environment has %d", t.ID, v, pl.MaxVCPUs)
		}
		if gb := fargateStorageGB(&pr.ct[ti], pl); pl.EphemeralMax > 0 && gb > pl.EphemeralMax {
			return no("task %q needs %.0f GB of ephemeral storage, more than Fargate's %.0f GB", t.ID, gb, pl.EphemeralMax)
		}
	}
	return fitInfo{ok: true}
}
