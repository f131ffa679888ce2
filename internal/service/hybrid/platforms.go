// SPDX-License-Identifier: MPL-2.0

package hybrid

// Pool is one placement pool of the environment, in the shape of an `hpc` or `ray` block of
// rayhpc_stage_placement and rayhpc_workflow_placement (internal/service/workflow vmPoolFields).
type Pool struct {
	Name         string
	InstanceType string
	MinNodes     int64
	MaxNodes     int64
	EFA          bool
	Spot         bool
}

// Platforms are the environment's pools: one HPC pool per Slurm queue, one Ray pool per worker group.
type Platforms struct {
	HPC []Pool
	Ray []Pool
}

// Platforms are the pools the environment's spec makes: each queue's instance type and node counts, as
// ParallelCluster runs them (MinCount static nodes, up to MaxCount), and each Ray worker group's.
func (s HybridSpec) Platforms() Platforms {
	p := Platforms{HPC: []Pool{}, Ray: []Pool{}}
	for _, q := range s.HPC.Queues {
		p.HPC = append(p.HPC, Pool{Name: q.Name, InstanceType: q.InstanceType, MinNodes: q.MinCount, MaxNodes: q.MaxCount, EFA: q.EFA,
			Spot: q.CapacityType == "SPOT"})
	}
	p.Ray = s.Ray.rayPools()
	return p
}
