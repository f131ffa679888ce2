// SPDX-License-Identifier: MPL-2.0

// Package hybrid holds rayhpc_hybrid_cluster: one hybrid HPC + Ray environment composed from the plain Go
// layers of the other service packages (EFA network, Lustre workspace, ParallelCluster cluster, KubeRay
// cluster, DataSync transfer), created in order, deleted in reverse, with its progress recorded after
// every step.
package hybrid

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/datasync"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/efa"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/kuberay"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/pcluster"
)

// The parts of an environment, in creation order. HPC and Ray are created (and deleted) in parallel.
const (
	PartEFANetwork      = "efa_network"
	PartLustreWorkspace = "lustre_workspace"
	PartHPCCluster      = "hpc_cluster"
	PartIngest          = "ingest"
)

// TagKey is the tag the environment puts on every part (value: the environment's name); import finds
// the parts by it.
const TagKey = "rayhpc:hybrid-cluster"

// HybridSpec is everything a user asks of an environment.
type HybridSpec struct {
	Name     string
	SubnetID string
	// DataLakeS3URI is the S3 prefix (s3://bucket/prefix/) the workspace is linked to.
	DataLakeS3URI string
	Lustre        LustreSpec
	EFA           EFASpec
	HPC           HPCSpec
	Ray           *RaySpec    // nil: no Ray cluster
	Ingest        *IngestSpec // nil: no ingest
	// Tags is the complete tag set of every part (provider default tags under the resource's own); the
	// parts also get TagKey.
	Tags map[string]string
}

// LustreSpec is the workspace's settings.
type LustreSpec struct {
	DeploymentType           string
	StorageType              string
	StorageCapacityGiB       int64
	PerUnitStorageThroughput int64 // 0: not set (scratch types)
	DataCompression          string
	// FileSystemPath is where the data lake appears in the file system; MountDir where the clusters mount it.
	FileSystemPath string
	MountDir       string
	AutoImport     []string
	AutoExport     []string
}

// EFASpec is the EFA network's settings.
type EFASpec struct {
	InstanceType string
}

// HPCSpec is the Slurm cluster's settings.
type HPCSpec struct {
	OS                   string
	HeadNodeInstanceType string
	KeyName              string
	ScaledownIdleMinutes int64
	Queues               []QueueSpec
}

// QueueSpec is a Slurm queue with one compute resource.
type QueueSpec struct {
	Name         string
	InstanceType string
	MinCount     int64
	MaxCount     int64
	// EFA queues get EFA on their nodes and the EFA network's placement group.
	EFA          bool
	CapacityType string // "" (on demand) or SPOT
}

// IngestSpec is the DataSync transfer that brings a data set into the environment.
type IngestSpec struct {
	Source datasync.Source
	// ToDataLake sends the data to the data lake (S3) rather than the workspace; DataLakeRoleARN is the role
	// DataSync assumes for the bucket then.
	ToDataLake        bool
	DataLakeRoleARN   string
	Subdirectory      string
	Schedule          string
	Run               bool
	WaitForCompletion bool
}

// Hybrid is what exists of an environment: each part as its layer reports it (nil: the part does not
// exist, or has not been made yet).
type Hybrid struct {
	Name      string
	Network   *efa.Network
	Workspace *lustre.Workspace
	Cluster   *pcluster.Cluster
	Ray       *kuberay.RayCluster
	Transfer  *datasync.Transfer
	// Missing lists the parts found deleted outside Terraform (ReadHybrid).
	Missing []string `json:",omitempty"`
	// Warnings are what an operation has to tell the user (not kept in state).
	Warnings []string `json:"-"`
}

// hybridJSON is Hybrid as the private state keeps it: the workspace by its identifiers only.
type hybridJSON struct {
	Name      string
	Network   *efa.Network       `json:",omitempty"`
	Workspace *workspaceRef      `json:",omitempty"`
	Cluster   *pcluster.Cluster  `json:",omitempty"`
	Ray       *rayRef            `json:",omitempty"`
	Transfer  *datasync.Transfer `json:",omitempty"`
	Missing   []string           `json:",omitempty"`
}

// MarshalJSON keeps the identifiers of every part.
func (h *Hybrid) MarshalJSON() ([]byte, error) {
	return json.Marshal(hybridJSON{Name: h.Name, Network: h.Network, Workspace: refOf(h.Workspace), Cluster: h.Cluster, Ray: rayRefOf(h.Ray), Transfer: h.Transfer, Missing: h.Missing})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (h *Hybrid) UnmarshalJSON(b []byte) error {
	var j hybridJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*h = Hybrid{Name: j.Name, Network: j.Network, Workspace: j.Workspace.workspace(), Cluster: j.Cluster, Ray: j.Ray.rayCluster(), Transfer: j.Transfer, Missing: j.Missing}
	return nil
}

// Parts lists the parts that exist, in creation order.
func (h *Hybrid) Parts() []string {
	var out []string
	if h == nil {
		return out
	}
	if h.Network != nil {
		out = append(out, PartEFANetwork)
	}
	if h.Workspace != nil {
		out = append(out, PartLustreWorkspace)
	}
	if h.Cluster != nil {
		out = append(out, PartHPCCluster)
	}
	if h.Ray != nil {
		out = append(out, PartRayCluster)
	}
	if h.Transfer != nil {
		out = append(out, PartIngest)
	}
	return out
}

// StepError says which step of a create, update or delete failed. The Hybrid passed to the call holds
// everything that exists.
type StepError struct {
	Part string
	Err  error
}

func (e *StepError) Error() string { return fmt.Sprintf("%s: %s", e.Part, e.Err) }
func (e *StepError) Unwrap() error { return e.Err }

// guarded serialises the recording of parts made by steps that run in parallel.
type guarded struct {
	mu sync.Mutex
	h  *Hybrid
	// saved is called after every recorded step, with the lock held (progress into private state).
	saved func(*Hybrid)
}

func (g *guarded) record(f func(h *Hybrid)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f(g.h)
	if g.saved != nil {
		g.saved(g.h)
	}
}

// step is one part's create, update or delete.
type step struct {
	part string
	run  func(ctx context.Context) error
}

// runParallel runs steps at the same time and waits for all of them (a failing step does not cancel the
// others, so whatever they make is recorded). It returns every failure.
func runParallel(ctx context.Context, steps ...step) error {
	if len(steps) == 1 {
		return wrapStep(ctx, steps[0])
	}
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, s := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = wrapStep(ctx, s)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func wrapStep(ctx context.Context, s step) error {
	ctx = tflog.SetField(ctx, "hybrid_part", s.part)
	tflog.Info(ctx, "hybrid cluster step")
	if err := s.run(ctx); err != nil {
		return &StepError{Part: s.part, Err: err}
	}
	return nil
}

// CreateHybrid creates the parts in order into h (which the caller passes empty and keeps): the EFA
// network; the Lustre workspace on the data lake, reachable from the EFA (node) security group; then the
// HPC cluster (mounting the workspace, its EFA queues in the EFA placement group) and the Ray cluster in
// parallel; then the ingest. Parts already in h (a create resumed, an update repairing a missing part) are
// not made again. saved is called after every step with the progress so far. On failure h holds every
// part that exists, and the error is a *StepError naming the step.
func CreateHybrid(ctx context.Context, c *conns.Client, spec HybridSpec, h *Hybrid, saved func(*Hybrid)) error {
	r := &run{c: c, spec: spec, g: &guarded{h: h, saved: saved}}
	h.Name = spec.Name
	if h.Network == nil {
		if err := runParallel(ctx, r.createNetwork()); err != nil {
			return err
		}
	}
	if h.Workspace == nil {
		if err := runParallel(ctx, r.createWorkspace()); err != nil {
			return err
		}
	}
	var compute []step
	if h.Cluster == nil {
		compute = append(compute, r.createCluster())
	}
	if spec.Ray != nil && h.Ray == nil {
		compute = append(compute, r.createRay())
	}
	if len(compute) > 0 {
		if err := runParallel(ctx, compute...); err != nil {
			return err
		}
	}
	if spec.Ingest != nil && h.Transfer == nil {
		if err := runParallel(ctx, r.createTransfer()); err != nil {
			return err
		}
	}
	return r.finish(ctx)
}

// finish ends a create: the network's pending tag goes, so the environment is no longer adoptable.
func (r *run) finish(ctx context.Context) error {
	n := r.g.h.Network
	if n == nil || n.Tags[TagCreatePending] == "" {
		return nil
	}
	return runParallel(ctx, step{PartEFANetwork, func(ctx context.Context) error {
		done, err := efa.UpdateNetwork(ctx, r.c, n, r.spec.network())
		r.g.record(func(h *Hybrid) { h.Network = done })
		return err
	}})
}

// run is one create or update of an environment: the client, the spec asked for, the progress.
type run struct {
	c    *conns.Client
	spec HybridSpec
	g    *guarded
}

func (r *run) createNetwork() step {
	return step{PartEFANetwork, func(ctx context.Context) error {
		n, err := efa.CreateNetwork(ctx, r.c, r.spec.pendingNetwork())
		if n != nil && (n.PlacementGroupName != "" || n.SecurityGroupID != "" || n.LaunchTemplateID != "") {
			r.g.record(func(h *Hybrid) { h.Network = n })
		}
		return err
	}}
}

func (r *run) createWorkspace() step {
	return step{PartLustreWorkspace, func(ctx context.Context) error {
		w, err := createWorkspace(ctx, r.c, r.spec, r.g.h.Network)
		if w != nil {
			r.g.record(func(h *Hybrid) { h.Workspace = w })
		}
		return err
	}}
}

func (r *run) createCluster() step {
	return step{PartHPCCluster, func(ctx context.Context) error {
		cl, err := pcluster.CreateCluster(ctx, r.c, r.spec.cluster(r.g.h.Network, r.g.h.Workspace))
		if cl != nil {
			r.g.record(func(h *Hybrid) { h.Cluster = cl })
		}
		return err
	}}
}

func (r *run) createTransfer() step {
	return step{PartIngest, func(ctx context.Context) error {
		t, err := datasync.CreateTransfer(ctx, r.c, r.spec.transfer(r.c, r.g.h.Workspace))
		if t != nil {
			r.g.record(func(h *Hybrid) { h.Transfer = t })
		}
		return err
	}}
}

// DeleteHybrid deletes the parts in h in reverse order: the ingest, then the HPC and Ray clusters in
// parallel, then the workspace, then the EFA network. Each part is dropped from h once it is gone, so on
// failure h holds exactly what is left. saved is called after every step.
func DeleteHybrid(ctx context.Context, c *conns.Client, h *Hybrid, saved func(*Hybrid)) error {
	g := &guarded{h: h, saved: saved}
	if t := h.Transfer; t != nil {
		if err := runParallel(ctx, step{PartIngest, func(ctx context.Context) error {
			if err := datasync.DeleteTransfer(ctx, c, t); err != nil {
				return err
			}
			g.record(func(h *Hybrid) { h.Transfer = nil })
			return nil
		}}); err != nil {
			return err
		}
	}
	var compute []step
	if cl := h.Cluster; cl != nil {
		compute = append(compute, step{PartHPCCluster, func(ctx context.Context) error {
			if err := pcluster.DeleteCluster(ctx, c, cl.Region, cl.Name); err != nil {
				return err
			}
			g.record(func(h *Hybrid) { h.Cluster = nil })
			return nil
		}})
	}
	if rc := h.Ray; rc != nil {
		compute = append(compute, deleteRayStep(c, g, rc))
	}
	if len(compute) > 0 {
		if err := runParallel(ctx, compute...); err != nil {
			return err
		}
	}
	if w := h.Workspace; w != nil {
		if err := runParallel(ctx, step{PartLustreWorkspace, func(ctx context.Context) error {
			if err := deleteWorkspace(ctx, c, w); err != nil {
				return err
			}
			g.record(func(h *Hybrid) { h.Workspace = nil })
			return nil
		}}); err != nil {
			return err
		}
	}
	if n := h.Network; n != nil {
		return runParallel(ctx, step{PartEFANetwork, func(ctx context.Context) error {
			if err := efa.DeleteNetwork(ctx, c, n); err != nil {
				return err
			}
			g.record(func(h *Hybrid) { h.Network = nil })
			return nil
		}})
	}
	return nil
}

// Describe lists parts for messages: "efa_network, lustre_workspace".
func Describe(parts []string) string {
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// orderParts sorts part names into creation order.
func orderParts(parts []string) []string {
	order := []string{PartEFANetwork, PartLustreWorkspace, PartHPCCluster, PartRayCluster, PartIngest}
	out := slices.Clone(parts)
	slices.SortStableFunc(out, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
	return slices.Compact(out)
}
