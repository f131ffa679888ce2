// SPDX-License-Identifier: MPL-2.0

package placement

import "fmt"

// Clusters groups the pools by the cluster their fixed cost and head node
// belong to (see Pool.Cluster): per group, the indices of its pools in
// Pools order, the groups in the order of their first pool. The HPC pools
// with one Cluster form one group, the Ray pools with one Cluster another;
// each Serverless or Batch pool is a group of its own. A VM group's first
// pool is its head pool: the one whose nodes include the head node when the
// head runs tasks (Pool.HeadVCPUs).
func (p *Platforms) Clusters() [][]int {
	type key struct {
		kind PlatformKind
		name string
	}
	at := map[key]int{}
	var out [][]int
	for k := range p.Pools {
		pl := &p.Pools[k]
		if !pl.Kind.isVM() {
			out = append(out, []int{k})
			continue
		}
		c := key{pl.Kind, pl.Cluster}
		i, ok := at[c]
		if !ok {
			i = len(out)
			at[c] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], k)
	}
	return out
}

// validateClusters checks that only VM pools name a cluster and that the
// pools of one cluster agree on what is the cluster's: its fixed cost and
// its head's task capacity.
func (p *Platforms) validateClusters() error {
	for k := range p.Pools {
		if pl := &p.Pools[k]; pl.Cluster != "" && !pl.Kind.isVM() {
			return fmt.Errorf("pool %q: only HPC and Ray pools are part of a cluster (cluster %q)", pl.Name, pl.Cluster)
		}
	}
	for _, c := range p.Clusters() {
		first := &p.Pools[c[0]]
		for _, k := range c[1:] {
			pl := &p.Pools[k]
			if pl.FixedHourlyUSD != first.FixedHourlyUSD || pl.HeadVCPUs != first.HeadVCPUs || pl.HeadMemoryBytes != first.HeadMemoryBytes {
				return fmt.Errorf("pools %q and %q are in one %s cluster (cluster %q) but differ in its fixed cost "+
					"(%g and %g USD/h) or its head's task capacity (%d and %d vCPUs, %d and %d bytes): a cluster has one head",
					first.Name, pl.Name, pl.Kind, pl.Cluster, first.FixedHourlyUSD, pl.FixedHourlyUSD,
					first.HeadVCPUs, pl.HeadVCPUs, first.HeadMemoryBytes, pl.HeadMemoryBytes)
			}
		}
	}
	return nil
}

// headsOnce returns p's pools with the head's task capacity left only on
// each cluster's head pool (its first): the simulator, HEFT and the search
// then see one head per cluster. It returns p itself when nothing changes.
func headsOnce(p *Problem, clusters [][]int) *Problem {
	var pools []Pool
	for _, c := range clusters {
		for _, k := range c[1:] {
			if p.Pools[k].HeadVCPUs == 0 && p.Pools[k].HeadMemoryBytes == 0 {
				continue
			}
			if pools == nil {
				pools = append([]Pool(nil), p.Pools...)
			}
			pools[k].HeadVCPUs, pools[k].HeadMemoryBytes = 0, 0
		}
	}
	if pools == nil {
		return p
	}
	p2 := *p
	p2.Pools = pools
	return &p2
}
