// SPDX-License-Identifier: MPL-2.0

package hybrid

// Reading an environment part by part, and updating only the parts whose own spec changed.

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/datasync"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/efa"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/pcluster"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// What an update does to a part.
const (
	ActionCreate  = "create"  // the part is missing (deleted outside Terraform) or newly configured
	ActionUpdate  = "update"  // in place, through the part's layer
	ActionReplace = "replace" // deleted and made again (the ingest, whose DataSync locations cannot move; an EFA network missing some of its parts)
	ActionDelete  = "delete"  // no longer configured (only the ingest)
	// ActionRepair makes again the launch template or placement group of an EFA network whose security
	// group is left: the group, which the workspace and the cluster refer to, is kept.
	ActionRepair = "repair"
)

// Change is what an update does to one part.
type Change struct {
	Part   string
	Action string
}

func (c Change) String() string { return c.Part + ": " + c.Action }

// Changes says which parts an update from (what exists as h, made from spec from) to spec to touches, in
// creation order. Parts that are not listed are left alone. A part h names in Missing (deleted outside
// Terraform, or left incomplete) is replaced: what is left of it deleted, then made again.
func Changes(h *Hybrid, from, to HybridSpec) []Change {
	var out []Change
	add := func(part, action string) { out = append(out, Change{part, action}) }
	missing := func(part string) bool { return slices.Contains(h.Missing, part) }
	networkNew := h.Network == nil || (missing(PartEFANetwork) && h.Network.SecurityGroupID == "")
	switch {
	case h.Network == nil:
		add(PartEFANetwork, ActionCreate)
	case networkNew:
		add(PartEFANetwork, ActionReplace)
	case missing(PartEFANetwork):
		add(PartEFANetwork, ActionRepair)
	case !reflect.DeepEqual(from.network(), to.network()):
		add(PartEFANetwork, ActionUpdate)
	}
	workspaceNew := h.Workspace == nil || missing(PartLustreWorkspace)
	switch {
	case h.Workspace == nil:
		add(PartLustreWorkspace, ActionCreate)
	case workspaceNew:
		add(PartLustreWorkspace, ActionReplace)
	case networkNew:
		add(PartLustreWorkspace, ActionUpdate) // the new EFA group must reach the file system
	case !reflect.DeepEqual(from.workspace(h.Network), to.workspace(h.Network)):
		add(PartLustreWorkspace, ActionUpdate)
	}
	switch {
	case h.Cluster == nil:
		add(PartHPCCluster, ActionCreate)
	case hpcNeedsReplace(from.HPC, to.HPC):
		add(PartHPCCluster, ActionReplace)
	case networkNew || workspaceNew || !reflect.DeepEqual(from.cluster(h.Network, h.Workspace), to.cluster(h.Network, h.Workspace)):
		add(PartHPCCluster, ActionUpdate)
	}
	switch {
	case to.Ray == nil && h.Ray != nil:
		add(PartRayCluster, ActionDelete)
	case to.Ray == nil:
	case h.Ray == nil, missing(PartRayCluster):
		add(PartRayCluster, ActionCreate) // what is left of it (volume, claim) is adopted by the layer's apply
	case rayNeedsReplace(from.Ray, to.Ray), workspaceNew:
		add(PartRayCluster, ActionReplace) // the volume cannot move to another file system or cluster
	case !reflect.DeepEqual(from.rayCluster(h.Workspace), to.rayCluster(h.Workspace)):
		add(PartRayCluster, ActionUpdate)
	}
	switch {
	case to.Ingest == nil && h.Transfer != nil:
		add(PartIngest, ActionDelete)
	case to.Ingest == nil:
	case h.Transfer == nil:
		add(PartIngest, ActionCreate)
	case missing(PartIngest), workspaceNew && !to.Ingest.ToDataLake, ingestNeedsReplace(from, to):
		add(PartIngest, ActionReplace)
	case !reflect.DeepEqual(from.transfer(nil, h.Workspace), to.transfer(nil, h.Workspace)):
		add(PartIngest, ActionUpdate)
	}
	return out
}

// hpcNeedsReplace reports an HPC change ParallelCluster cannot make to a running cluster: the operating
// system, the head node's instance type or key pair (their update policy is UNSUPPORTED, config/
// update_policy.py of aws-parallelcluster; ParallelCluster User Guide, "Update policies").
func hpcNeedsReplace(from, to HPCSpec) bool {
	return from.OS != to.OS || from.HeadNodeInstanceType != to.HeadNodeInstanceType || from.KeyName != to.KeyName
}

// ingestNeedsReplace reports an ingest change DataSync cannot make to the existing task's locations.
func ingestNeedsReplace(from, to HybridSpec) bool {
	if from.Ingest == nil || to.Ingest == nil {
		return false
	}
	a, b := from.transfer(nil, nil), to.transfer(nil, nil)
	return from.Ingest.ToDataLake != to.Ingest.ToDataLake || datasync.SourceNeedsReplace(a.Source, b.Source) ||
		(to.Ingest.ToDataLake && datasync.DestinationNeedsReplace(a.Destination, b.Destination))
}

// Parts of a change list.
func changedParts(changes []Change) []string {
	out := make([]string, 0, len(changes))
	for _, c := range changes {
		out = append(out, c.Part)
	}
	return out
}

// UpdateHybrid brings the environment h, made from spec from, to spec to, touching only the parts Changes
// lists, in creation order (deletions first, in reverse): missing parts are made again, changed ones
// updated through their layer. saved is called after every step. On failure h holds what exists.
func UpdateHybrid(ctx context.Context, c *conns.Client, h *Hybrid, from, to HybridSpec, saved func(*Hybrid)) error {
	r := &run{c: c, spec: to, g: &guarded{h: h, saved: saved}}
	fromNet := h.Network
	action := map[string]string{}
	for _, ch := range Changes(h, from, to) {
		action[ch.Part] = ch.Action
	}
	if err := r.deleteReplaced(ctx, action); err != nil {
		return err
	}
	steps := map[string]func() step{
		PartEFANetwork: func() step {
			return step{PartEFANetwork, func(ctx context.Context) error {
				n, err := efa.UpdateNetwork(ctx, c, h.Network, to.network())
				r.g.record(func(h *Hybrid) { h.Network = n })
				return err
			}}
		},
		PartLustreWorkspace: func() step {
			return step{PartLustreWorkspace, func(ctx context.Context) error {
				w, err := updateWorkspace(ctx, c, h.Workspace, from, to, fromNet, h.Network)
				if w != nil {
					r.g.record(func(h *Hybrid) { h.Workspace = w })
				}
				return err
			}}
		},
		PartHPCCluster: func() step {
			return step{PartHPCCluster, func(ctx context.Context) error {
				cl, err := pcluster.UpdateCluster(ctx, c, to.cluster(h.Network, h.Workspace))
				if cl != nil {
					r.g.record(func(h *Hybrid) { h.Cluster = cl })
				}
				return err
			}}
		},
		PartIngest: func() step {
			return step{PartIngest, func(ctx context.Context) error {
				t, err := datasync.UpdateTransfer(ctx, c, h.Transfer, to.transfer(c, h.Workspace))
				if t != nil {
					r.g.record(func(h *Hybrid) { h.Transfer = t })
				}
				return err
			}}
		},
	}
	steps[PartRayCluster] = func() step { return r.updateRay(from) }
	creates := map[string]func() step{PartEFANetwork: r.createNetwork, PartLustreWorkspace: r.createWorkspace,
		PartHPCCluster: r.createCluster, PartRayCluster: r.createRay, PartIngest: r.createTransfer}
	// In creation order; the HPC and Ray clusters at the same time.
	for _, stage := range [][]string{{PartEFANetwork}, {PartLustreWorkspace}, {PartHPCCluster, PartRayCluster}, {PartIngest}} {
		var batch []step
		for _, part := range stage {
			switch action[part] {
			case ActionRepair:
				batch = append(batch, r.repairNetwork())
			case ActionUpdate:
				batch = append(batch, steps[part]())
			case ActionCreate, ActionReplace:
				batch = append(batch, creates[part]())
			}
		}
		if len(batch) == 0 {
			continue
		}
		if err := runParallel(ctx, batch...); err != nil {
			return err
		}
		r.g.record(func(h *Hybrid) {
			h.Missing = slices.DeleteFunc(h.Missing, func(p string) bool { return slices.Contains(stage, p) })
		})
	}
	return r.finish(ctx)
}

func (r *run) repairNetwork() step {
	return step{PartEFANetwork, func(ctx context.Context) error {
		n, err := efa.RepairNetwork(ctx, r.c, r.g.h.Network, r.spec.network())
		r.g.record(func(h *Hybrid) { h.Network = n })
		return err
	}}
}

// deleteReplaced deletes, in reverse creation order, what is left of the parts an update replaces (or,
// for the ingest, drops).
func (r *run) deleteReplaced(ctx context.Context, action map[string]string) error {
	if a := action[PartIngest]; a == ActionDelete || a == ActionReplace {
		if err := deleteIngest(ctx, r.c, r.g); err != nil {
			return err
		}
	}
	var compute []step
	if cl := r.g.h.Cluster; cl != nil && action[PartHPCCluster] == ActionReplace {
		compute = append(compute, step{PartHPCCluster, func(ctx context.Context) error {
			if err := pcluster.DeleteCluster(ctx, r.c, cl.Region, cl.Name); err != nil {
				return err
			}
			r.g.record(func(h *Hybrid) { h.Cluster = nil })
			return nil
		}})
	}
	if rc := r.g.h.Ray; rc != nil && (action[PartRayCluster] == ActionReplace || action[PartRayCluster] == ActionDelete) {
		compute = append(compute, deleteRayStep(r.c, r.g, rc))
	}
	if len(compute) > 0 {
		if err := runParallel(ctx, compute...); err != nil {
			return err
		}
	}
	if w := r.g.h.Workspace; w != nil && action[PartLustreWorkspace] == ActionReplace {
		// What is left of a workspace whose file system is gone (its security group) is deleted first.
		if err := runParallel(ctx, step{PartLustreWorkspace, func(ctx context.Context) error {
			if err := deleteWorkspace(ctx, r.c, w); err != nil {
				return err
			}
			r.g.record(func(h *Hybrid) { h.Workspace = nil })
			return nil
		}}); err != nil {
			return err
		}
	}
	if n := r.g.h.Network; n != nil && action[PartEFANetwork] == ActionReplace {
		// What is left of a network missing some of its parts is deleted, and the network made again.
		if err := runParallel(ctx, step{PartEFANetwork, func(ctx context.Context) error {
			if err := efa.DeleteNetwork(ctx, r.c, n); err != nil {
				return err
			}
			r.g.record(func(h *Hybrid) { h.Network = nil })
			return nil
		}}); err != nil {
			return err
		}
	}
	return nil
}

func deleteIngest(ctx context.Context, c *conns.Client, g *guarded) error {
	t := g.h.Transfer
	if t == nil {
		return nil
	}
	return runParallel(ctx, step{PartIngest, func(ctx context.Context) error {
		if err := datasync.DeleteTransfer(ctx, c, t); err != nil {
			return err
		}
		g.record(func(h *Hybrid) { h.Transfer = nil })
		return nil
	}})
}

// ReadHybrid reads every part prior records through its layer. A part that no longer exists is dropped
// and named in Missing; when no part exists at all the error is a wait.NotFoundError.
func ReadHybrid(ctx context.Context, c *conns.Client, prior *Hybrid) (*Hybrid, error) {
	h := &Hybrid{Name: prior.Name}
	missing := func(part string, err error) error {
		if wait.NotFound(err) {
			h.Missing = append(h.Missing, part)
			return nil
		}
		return fmt.Errorf("reading %s: %w", part, err)
	}
	if prior.Network != nil {
		n, err := efa.ReadNetwork(ctx, c, *prior.Network)
		switch {
		case err != nil:
			if err := missing(PartEFANetwork, err); err != nil {
				return nil, err
			}
		case len(n.Missing) > 0:
			// A network missing some of its parts is made whole again: what is left of it is kept so that
			// the update deletes it first.
			h.Network = n
			h.Missing = append(h.Missing, PartEFANetwork)
		default:
			h.Network = n
		}
	}
	if prior.Workspace != nil {
		w, err := readWorkspace(ctx, c, prior.Workspace)
		if err != nil {
			if err := missing(PartLustreWorkspace, err); err != nil {
				return nil, err
			}
			w = prior.Workspace // its security group may be left: the update deletes it before making a new workspace
		}
		h.Workspace = w
	}
	if cl := prior.Cluster; cl != nil {
		got, err := pcluster.ReadCluster(ctx, c, cl.Region, cl.Name)
		if err != nil {
			if err := missing(PartHPCCluster, err); err != nil {
				return nil, err
			}
		}
		h.Cluster = got
	}
	if prior.Ray != nil {
		rc, err := readRay(ctx, c, prior.Ray)
		if err != nil {
			if err := missing(PartRayCluster, err); err != nil {
				return nil, err
			}
			rc = prior.Ray // its volume and claim may be left: a delete removes them, a create adopts them
		}
		h.Ray = rc
	}
	if prior.Transfer != nil {
		t, err := datasync.ReadTransfer(ctx, c, *prior.Transfer)
		if err != nil {
			if err := missing(PartIngest, err); err != nil {
				return nil, err
			}
			t = prior.Transfer // its locations may be left: the update deletes them before making a new transfer
		} else if len(t.Missing) > 0 {
			h.Missing = append(h.Missing, PartIngest) // a task or location gone: the ingest is made again
		}
		h.Transfer = t
	}
	present := slices.DeleteFunc(h.Parts(), func(p string) bool { return slices.Contains(h.Missing, p) })
	if len(present) == 0 {
		return nil, wait.NewNotFound(fmt.Sprintf("hybrid cluster (%s)", prior.Name), errors.New("none of its parts exists"))
	}
	return h, nil
}
