// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sort"
)

// ManifestVersion is the version of the [Manifest] JSON layout.
const ManifestVersion = 1

// Manifest is the JSON document published for workflow runners: where every
// stage runs and what the run is expected to cost and take. It contains no
// timestamps, so the same inputs give the same bytes.
type Manifest struct {
	Version           int             `json:"version"`
	Workflow          string          `json:"workflow"`
	InputHash         string          `json:"input_hash"`
	Options           Options         `json:"options"`
	Method            string          `json:"method"`
	Optimal           bool            `json:"optimal"`
	FoundBy           string          `json:"found_by,omitempty"`
	ExpectedCostUSD   float64         `json:"expected_cost_usd"`
	ExpectedMakespanS float64         `json:"expected_makespan_s"`
	Stages            []ManifestStage `json:"stages"`
	Pools             []ManifestPool  `json:"pools"`
	// TaskOrder, for a task-level placement, lists every task ID in the
	// order its pool's queue serves it (HEFT's planned start): a runner
	// submits ready tasks in this order.
	TaskOrder []string `json:"task_order,omitempty"`
	// PriceSources says where each price of the placement came from: the AWS Price List API for the
	// Region, the offline catalogue or the configuration (see [Platforms.PriceSources]).
	PriceSources map[string]string `json:"price_sources,omitempty"`
	// MakespanLowerBoundS and CostLowerBoundUSD, when the solution has its
	// lower bound ([SolveBounded]), are what no placement of the problem
	// can beat under the same model on the pools exactly as given:
	// [LowerBound]'s PoolsAsGivenS and CostPoolsAsGivenUSD. Omitted otherwise.
	MakespanLowerBoundS float64 `json:"makespan_lower_bound_s,omitempty"`
	CostLowerBoundUSD   float64 `json:"cost_lower_bound_usd,omitempty"`
}

// ManifestStage is one stage's placement.
type ManifestStage struct {
	Name         string       `json:"name"`
	Platform     PlatformKind `json:"platform"`
	Pool         string       `json:"pool"`
	InstanceType string       `json:"instance_type"`
	Tasks        int          `json:"tasks"`
	MemoryMB     int          `json:"memory_mb,omitempty"`
	// NodesPerTask, when set, is how many whole nodes each task of the
	// stage holds: a multi-node MPI job (see [TaskNodes]) that a runner
	// submits as such (Slurm: sbatch --nodes=N --exclusive); the largest
	// count when the stage's tasks differ.
	NodesPerTask int `json:"nodes_per_task,omitempty"`
	// BurstPool, when set, is where the stage's tasks go that find no free
	// capacity on Pool when they are ready (fill Pool, burst the rest);
	// BurstTasks is how many did in the simulation.
	BurstPool  string `json:"burst_pool,omitempty"`
	BurstTasks int    `json:"burst_tasks,omitempty"`
	// TaskPools, for a task-level placement, maps every task of the stage
	// that runs elsewhere than Pool to its pool (task ID → pool name).
	TaskPools map[string]string `json:"task_pools,omitempty"`
	StartS    float64           `json:"start_s"`
	FinishS   float64           `json:"finish_s"`
	CostUSD   float64           `json:"cost_usd"`
}

// ManifestPool is a pool used by at least one stage.
type ManifestPool struct {
	Name         string       `json:"name"`
	Platform     PlatformKind `json:"platform"`
	InstanceType string       `json:"instance_type"`
	MaxNodes     int          `json:"max_nodes,omitempty"`
	PriceSource  string       `json:"price_source,omitempty"`
	// Cluster is the pool's Pool.Cluster (omitted for the kind's default
	// cluster).
	Cluster string `json:"cluster,omitempty"`
}

// NewManifest builds the manifest of a solution of problem p.
func NewManifest(p *Problem, sol *Solution) (*Manifest, error) {
	if sol == nil || sol.Evaluation == nil {
		return nil, errors.New("no solution")
	}
	ev := sol.Evaluation
	m := &Manifest{
		Version: ManifestVersion, Workflow: p.Workflow.Name, InputHash: InputHash(p),
		Options: sol.Options, Method: sol.Method, Optimal: sol.Optimal, FoundBy: sol.FoundBy,
		ExpectedCostUSD: ev.CostUSD, ExpectedMakespanS: ev.MakespanS, PriceSources: p.PriceSources,
	}
	if sol.Bound != nil {
		m.MakespanLowerBoundS, m.CostLowerBoundUSD = sol.Bound.PoolsAsGivenS, sol.Bound.CostPoolsAsGivenUSD
	}
	used := make([]bool, len(p.Pools))
	for s, r := range ev.Stages {
		ms := ManifestStage{Name: r.Stage, Platform: r.Platform, Pool: r.Pool, InstanceType: r.InstanceType, Tasks: r.Tasks,
			MemoryMB: r.MemoryMB, NodesPerTask: r.NodesPerTask, StartS: r.StartS, FinishS: r.FinishS, CostUSD: r.CostUSD}
		used[sol.Assignment[s]] = true
		if b := sol.Plan().burstOf(s); b >= 0 {
			ms.BurstPool, ms.BurstTasks = p.Pools[b].Name, r.BurstTasks
			used[b] = true
		}
		if sol.TaskPools != nil && r.BurstTasks > 0 { // task level: the pool of most tasks elsewhere, as the evaluation says
			ms.BurstPool, ms.BurstTasks = r.BurstPool, r.BurstTasks
		}
		m.Stages = append(m.Stages, ms)
	}
	if sol.TaskOrder != nil {
		idx := make([]int, len(sol.TaskOrder))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return sol.TaskOrder[idx[a]] < sol.TaskOrder[idx[b]] })
		for _, i := range idx {
			m.TaskOrder = append(m.TaskOrder, p.Workflow.Tasks[i].ID)
		}
	}
	for i, k := range sol.TaskPools {
		s := p.Workflow.Tasks[i].Stage
		if k == sol.Assignment[s] {
			continue
		}
		if m.Stages[s].TaskPools == nil {
			m.Stages[s].TaskPools = map[string]string{}
		}
		m.Stages[s].TaskPools[p.Workflow.Tasks[i].ID] = p.Pools[k].Name
		used[k] = true
	}
	for k, u := range used {
		if u {
			pl := &p.Pools[k]
			m.Pools = append(m.Pools, ManifestPool{Name: pl.Name, Platform: pl.Kind, InstanceType: pl.InstanceType,
				MaxNodes: pl.MaxNodes, PriceSource: pl.PriceSource, Cluster: pl.Cluster})
		}
	}
	return m, nil
}

// JSON returns the manifest as indented JSON with a trailing newline.
func (m *Manifest) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// InputHash returns the hex SHA-256 of the canonical JSON encoding of the
// problem (workflow with every task, pools with prices and limits, storage
// model), prefixed with a format tag. The encoding has a fixed field order
// and contains no maps, so equal problems always give equal hashes and any
// change of an input that affects the placement changes the hash.
func InputHash(p *Problem) string {
	type canonical struct {
		Format string   `json:"format"`
		Input  *Problem `json:"input"`
	}
	b, err := json.Marshal(canonical{Format: "rayhpc-placement-input/1", Input: p})
	if err != nil {
		// Only NaN or ±Inf values make encoding fail; hash their absence.
		b = []byte("unencodable:" + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
