// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"strings"
)

// srcHeadDefault is the source of the built-in head node types.
const srcHeadDefault = "deployment choice"

// The names of the head node types ([Catalog.SetHeadNodeType]; the catalog's JSON field names), as
// [ValueError] names them.
const (
	HPCHeadNodeTypeName = "hpc_head_node_type"
	RayHeadNodeTypeName = "ray_head_node_type"
)

// SetHeadNodeType sets the instance type of the ParallelCluster head node (kind KindHPC) or of the Ray
// head (KindRay), whose hourly price is the pools' fixed cost, and records source as the choice's. The
// type must be one the catalog knows, with a price and the price's source (the Price List API's, once
// SetInstancePrice has set it). Whether the Ray head's task capacity fits the type is [Catalog.Check]'s.
func (c *Catalog) SetHeadNodeType(kind PlatformKind, instanceType, source string) error {
	what := map[PlatformKind]string{KindHPC: "the ParallelCluster head node", KindRay: "the Ray head node"}[kind]
	if what == "" {
		return fmt.Errorf("platform kind %q has no head node", kind)
	}
	it, ok := c.Instance(instanceType)
	if !ok {
		return fmt.Errorf("%s must be an instance type of the catalog, which prices it: %q is not one (known: %s)",
			what, instanceType, strings.Join(c.InstanceNames(), ", "))
	}
	if !(it.HourlyUSD > 0) || it.PriceSource == "" {
		return fmt.Errorf("%s must be an instance type with a price and its source: %q has none", what, instanceType)
	}
	if source == "" {
		source = "caller override"
	}
	if kind == KindHPC {
		c.HPCHeadNodeType, c.HPCHeadNodeSource = instanceType, source
	} else {
		c.RayHeadNodeType, c.RayHeadNodeSource = instanceType, source
	}
	return nil
}

// checkRayHead reports a Ray head whose task capacity (ray_head_task_vcpus, ray_head_task_memory_gib:
// the head container's limits) exceeds its instance type's vCPUs or memory: the container cannot ask
// for more than its node has (Kubernetes schedules a pod only on a node with its requests free).
func (c *Catalog) checkRayHead() error {
	it, ok := c.Instance(c.RayHeadNodeType)
	if !ok {
		return &ValueError{Names: []string{RayHeadNodeTypeName},
			Rule: fmt.Sprintf("the Ray head node type %q is not in the catalog", c.RayHeadNodeType)}
	}
	if v := c.RayHeadTaskVCPUs.V; v > float64(it.VCPUs) {
		return &ValueError{Names: []string{"ray_head_task_vcpus", RayHeadNodeTypeName},
			Rule: fmt.Sprintf("the Ray head's task vCPUs (%g) must not exceed the %d vCPUs of its instance type %s",
				v, it.VCPUs, c.RayHeadNodeType)}
	}
	if g := c.RayHeadTaskMemoryGiB.V; g > it.MemoryGiB {
		return &ValueError{Names: []string{"ray_head_task_memory_gib", RayHeadNodeTypeName},
			Rule: fmt.Sprintf("the Ray head's task memory (%g GiB) must not exceed the %g GiB of its instance type %s",
				g, it.MemoryGiB, c.RayHeadNodeType)}
	}
	return nil
}
