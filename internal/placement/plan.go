// SPDX-License-Identifier: MPL-2.0

package placement

import "fmt"

// Assignment maps every stage to a pool: Assignment[s] is the index in
// Problem.Pools of the pool that runs stage s.
type Assignment []int

// AssignmentFromNames builds an assignment from stage name → pool name.
// Every stage must be present.
func AssignmentFromNames(p *Problem, m map[string]string) (Assignment, error) {
	a := make(Assignment, len(p.Workflow.Stages))
	for s := range p.Workflow.Stages {
		name := p.Workflow.Stages[s].Name
		pool, ok := m[name]
		if !ok {
			return nil, fmt.Errorf("stage %q has no pool", name)
		}
		k := p.PoolIndex(pool)
		if k < 0 {
			return nil, fmt.Errorf("stage %q: unknown pool %q", name, pool)
		}
		a[s] = k
	}
	for name := range m {
		if p.Workflow.StageIndex(name) < 0 {
			return nil, fmt.Errorf("unknown stage %q", name)
		}
	}
	return a, nil
}

// Names returns the pool name of every stage.
func (a Assignment) Names(p *Problem) []string {
	out := make([]string, len(a))
	for s, k := range a {
		out[s] = p.Pools[k].Name
	}
	return out
}

// Plan says where every task runs, at three levels of detail:
//
//   - Stages[s] is the pool of stage s (an [Assignment]);
//   - Burst[s], when Burst is not nil and Burst[s] >= 0, splits stage s:
//     its tasks fill the free capacity of pool Stages[s] — the ready nodes
//     of a VM pool (warm nodes and nodes already up), the concurrency of a
//     serverless pool, the vCPUs of a Batch pool — and every task that finds
//     none when it is dispatched goes to pool Burst[s] instead, without
//     waiting for the first pool to scale out;
//   - Tasks[i], when Tasks is not nil, is the pool of task i (a task-level
//     mapping such as HEFT's); it overrides both.
//
// Order, when not nil (with Tasks), orders every pool's queue of ready
// tasks: lowest first (HEFT's planned start times, so that the simulator
// dispatches a task-level schedule in the order it was planned); otherwise
// queues are ordered by static bottom level.
type Plan struct {
	Stages Assignment `json:"stages"`
	Burst  []int      `json:"burst,omitempty"`
	Tasks  []int      `json:"tasks,omitempty"`
	Order  []float64  `json:"order,omitempty"`
}

// burstOf returns the burst pool of stage s, or -1.
func (pl Plan) burstOf(s int) int {
	if pl.Burst == nil {
		return -1
	}
	return pl.Burst[s]
}

// Evaluation is the simulated outcome of an assignment.
type Evaluation struct {
	Assignment Assignment `json:"assignment"`
	// MakespanS is the time from submission (t = 0) until the last task
	// finishes.
	MakespanS float64 `json:"makespan_s"`
	// CostUSD is the total: pools (with their fixed costs), S3 requests and
	// the Lustre file system.
	CostUSD float64 `json:"cost_usd"`
	// Platforms gives the cost per platform kind, in [Kinds] order.
	Platforms []PlatformCost `json:"platforms"`
	// S3RequestUSD is the cost of S3 GET/PUT requests (see [Storage]).
	S3RequestUSD float64 `json:"s3_request_usd"`
	// StorageUSD is the Lustre file system for the run (see
	// Storage.LustreHourlyUSD), 0 when no task used it.
	StorageUSD float64 `json:"storage_usd"`
	// Pools gives usage per pool, in Problem.Pools order (unused pools too).
	Pools []PoolUsage `json:"pools"`
	// Stages gives the outcome per stage, in Workflow.Stages order.
	Stages []StageResult `json:"stages"`
	// Tasks is the per-task timeline, in Workflow.Tasks order.
	Tasks []TaskSpan `json:"tasks"`
	// Utilisation is busy core-seconds over billed core-seconds of all pools.
	Utilisation float64 `json:"utilisation"`
	// PageCacheBytes is the input that tasks found in their node's page
	// cache instead of reading it (shared files; see [EvaluatePlan]).
	PageCacheBytes int64 `json:"page_cache_bytes,omitempty"`
}

// PlatformCost is the cost of one platform kind.
type PlatformCost struct {
	Platform PlatformKind `json:"platform"`
	CostUSD  float64      `json:"cost_usd"`
}

// PoolUsage describes how a pool was used.
type PoolUsage struct {
	Pool         string       `json:"pool"`
	Platform     PlatformKind `json:"platform"`
	InstanceType string       `json:"instance_type"`
	Tasks        int          `json:"tasks"`
	// Nodes is the number of nodes started (VM pools) or the peak number of
	// concurrent executions (serverless) or Fargate tasks (batch).
	Nodes       int     `json:"nodes"`
	ColdStarts  int     `json:"cold_starts,omitempty"`
	BusyCoreS   float64 `json:"busy_core_s"`
	BilledCoreS float64 `json:"billed_core_s"`
	Utilisation float64 `json:"utilisation"`
	CostUSD     float64 `json:"cost_usd"`
}

// StageResult is the outcome of one stage.
type StageResult struct {
	Stage        string       `json:"stage"`
	Pool         string       `json:"pool"`
	Platform     PlatformKind `json:"platform"`
	InstanceType string       `json:"instance_type"`
	Tasks        int          `json:"tasks"`
	// MemoryMB is the Lambda memory setting (serverless only).
	MemoryMB int `json:"memory_mb,omitempty"`
	// NodesPerTask is the most nodes a task of the stage held (a
	// multi-node MPI task, see [TaskNodes]), 0 when each ran on one.
	NodesPerTask int `json:"nodes_per_task,omitempty"`
	// BurstPool is the pool the stage's overflow went to (see [Plan]), and
	// BurstTasks how many of its tasks ran there; with a task-level plan,
	// the pool of most of the tasks not on Pool.
	BurstPool  string  `json:"burst_pool,omitempty"`
	BurstTasks int     `json:"burst_tasks,omitempty"`
	StartS     float64 `json:"start_s"`
	FinishS    float64 `json:"finish_s"`
	// CostUSD of the stage: its functions or Fargate tasks, and its share of
	// each VM pool's cost (nodes and fixed costs) in proportion to the
	// core-seconds it held (a multi-node MPI task holds every vCPU of its
	// nodes, other tasks their cores), plus its S3 requests. The Lustre file system is not
	// shared out (see Evaluation.StorageUSD).
	CostUSD float64 `json:"cost_usd"`
}

// TaskSpan is one task on the timeline. StartS is when it got its slot;
// FinishS includes cold/start latency, input reading, compute and output
// writing.
type TaskSpan struct {
	Task int `json:"task"`
	Pool int `json:"pool"`
	// Node is the node index within a VM pool (0 is the head node when the
	// pool's head runs tasks, see Pool.HeadVCPUs), -1 otherwise.
	Node int `json:"node"`
	// Nodes are the nodes a multi-node MPI task holds (see [TaskNodes]),
	// ascending, Node the first of them; nil for a task on one node.
	Nodes   []int   `json:"nodes,omitempty"`
	StartS  float64 `json:"start_s"`
	FinishS float64 `json:"finish_s"`
	Cold    bool    `json:"cold,omitempty"`
}
