// SPDX-License-Identifier: MPL-2.0

package hybrid

// The Ray part: a KubeRay RayCluster on an EKS cluster, through the kuberay package's plain Go layer. It
// is named after the environment, carries the label LabelHybrid, and mounts the Lustre workspace through
// the PersistentVolume and claim the layer makes for the FSx CSI driver.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/kuberay"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// PartRayCluster is the Ray part's name in changed_parts and messages.
const PartRayCluster = "ray_cluster"

// LabelHybrid is the label the environment puts on its RayCluster (value: the environment's name).
const LabelHybrid = "rayhpc.io/hybrid-cluster"

// TagRay is the tag on the environment's EFA network that says where its Ray cluster runs,
// "<EKS cluster>/<namespace>": import, which knows only the name, finds the RayCluster from it. (EC2
// tag values may hold letters, digits, spaces and _ . : / = + - @; EC2 User Guide, "Tag restrictions".)
const TagRay = "rayhpc:hybrid-ray"

// rayWaitDefault bounds a Ray create or update when the context carries no deadline.
const rayWaitDefault = 30 * time.Minute

// RaySpec is the Ray cluster's settings.
type RaySpec struct {
	EKSClusterName string
	Namespace      string
	RayVersion     string
	Image          string // "" : the layer's default image for RayVersion
	Head           RayHeadSpec
	WorkerGroups   []RayWorkerGroupSpec
}

// RayHeadSpec is the Ray head pod.
type RayHeadSpec struct {
	InstanceType string // "" : any node
	CPU, Memory  string
}

// RayWorkerGroupSpec is one worker group, on nodes of one instance type.
type RayWorkerGroupSpec struct {
	Name                               string
	InstanceType                       string
	Replicas, MinReplicas, MaxReplicas int64
	CPU, Memory                        string
	GPU, EFAInterfaces                 int64
}

func (r *RaySpec) location() string { return r.EKSClusterName + "/" + r.Namespace }

// rayAt is where a Ray cluster of the environment runs: what TagRay holds.
type rayAt struct{ EKSClusterName, Namespace string }

func parseRayAt(v string) (rayAt, bool) {
	eks, ns, ok := strings.Cut(v, "/")
	return rayAt{eks, ns}, ok && eks != "" && ns != ""
}

func instanceSelector(instanceType string) map[string]string {
	if instanceType == "" {
		return nil
	}
	return map[string]string{kuberay.LabelInstanceType: instanceType}
}

// rayCluster is the kuberay layer's spec of the Ray part, mounting the workspace w (when it exists).
func (s HybridSpec) rayCluster(w *lustre.Workspace) kuberay.RayClusterSpec {
	r := s.Ray
	out := kuberay.RayClusterSpec{
		Target: conns.KubeTarget{EKSClusterName: r.EKSClusterName}, Name: s.Name, Namespace: r.Namespace,
		RayVersion: r.RayVersion, Image: r.Image, DataLakeS3URI: s.DataLakeS3URI,
		Head:   kuberay.HeadSpec{CPU: r.Head.CPU, Memory: r.Head.Memory, NodeSelector: instanceSelector(r.Head.InstanceType)},
		Labels: map[string]string{LabelHybrid: s.Name},
	}
	for _, g := range r.WorkerGroups {
		out.WorkerGroups = append(out.WorkerGroups, kuberay.WorkerGroupSpec{
			Name: g.Name, Replicas: int32(g.Replicas), MinReplicas: int32(g.MinReplicas), MaxReplicas: int32(g.MaxReplicas),
			CPU: g.CPU, Memory: g.Memory, GPU: g.GPU, EFAInterfaces: g.EFAInterfaces, NodeSelector: instanceSelector(g.InstanceType),
		})
	}
	if id := workspaceID(w); id != "" {
		out.Lustre = &kuberay.LustreMount{WorkspaceID: id, MountPath: s.Lustre.MountDir}
		// What the volume needs of the file system, when the workspace was just read (else the layer reads it).
		if dns, mount := workspaceAddresses(w); dns != "" && mount != "" && w.FileSystem != nil && w.FileSystem.StorageCapacity != nil {
			out.Lustre.FileSystem = &kuberay.LustreFileSystem{ID: id, DNSName: dns, MountName: mount,
				CapacityGiB: aws.ToInt32(w.FileSystem.StorageCapacity)}
		}
	}
	return out
}

// rayOptions waits for the Ray cluster to be ready, within the context's deadline.
func rayOptions(ctx context.Context) kuberay.Options {
	return kuberay.Options{WaitForReady: true, Timeout: remaining(ctx)}
}

func remaining(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return time.Until(d)
	}
	return rayWaitDefault
}

func (r *run) createRay() step {
	return step{PartRayCluster, func(ctx context.Context) error {
		spec := r.spec.rayCluster(r.g.h.Workspace)
		rc, err := kuberay.CreateRayCluster(ctx, r.c, spec, rayOptions(ctx))
		if rc == nil && err != nil {
			// Part of it may exist (the volume, the claim, the RayCluster not ready yet): it is recorded by
			// its spec, so that the next apply or destroy deletes exactly it (a delete of what is absent is
			// not an error).
			rc = &kuberay.RayCluster{Spec: spec}
		}
		r.g.record(func(h *Hybrid) { h.Ray = rc })
		return err
	}}
}

func (r *run) updateRay(from HybridSpec) step {
	return step{PartRayCluster, func(ctx context.Context) error {
		ws := r.g.h.Workspace
		rc, err := kuberay.UpdateRayCluster(ctx, r.c, from.rayCluster(ws), r.spec.rayCluster(ws), rayOptions(ctx))
		if rc != nil {
			r.g.record(func(h *Hybrid) { h.Ray = rc })
		}
		return err
	}}
}

func deleteRayStep(c *conns.Client, g *guarded, rc *kuberay.RayCluster) step {
	return step{PartRayCluster, func(ctx context.Context) error {
		d, err := kuberay.DeleteRayCluster(ctx, c, rc.Spec, remaining(ctx))
		if err != nil {
			return err
		}
		g.record(func(h *Hybrid) {
			h.Ray = nil
			if w := d.Warning(); w != "" { // the KubeRay CRD was not served: the RayCluster went with it
				h.Warnings = append(h.Warnings, w)
			}
		})
		return nil
	}}
}

// readRay reads the Ray part known as prior (its spec names where it is).
func readRay(ctx context.Context, c *conns.Client, prior *kuberay.RayCluster) (*kuberay.RayCluster, error) {
	s := prior.Spec
	rc, err := kuberay.ReadRayCluster(ctx, c, s.Target, s.Namespace, s.Name)
	return rc, rayGone(err)
}

// rayGone makes a cluster that no longer serves the KubeRay CRD (kuberay.ErrCRDMissing) a Ray part that
// is missing: Kubernetes deletes every RayCluster with its CRD. The refresh then succeeds (it must: the
// refresh before a destroy is a normal plan, and a destroy needs no CRD), the next apply makes the part
// again (and fails saying how to install the operator until it is back), a destroy removes what is left.
func rayGone(err error) error {
	if errors.Is(err, kuberay.ErrCRDMissing) {
		return wait.NewNotFound("RayCluster (deleted with the KubeRay CRD)", err)
	}
	return err
}

// findRay finds the environment's RayCluster where at says it runs: the RayCluster named name carrying
// the environment's label (nil when there is none).
func findRay(ctx context.Context, c *conns.Client, name string, at rayAt) (*kuberay.RayCluster, error) {
	rc, err := kuberay.ReadRayCluster(ctx, c, conns.KubeTarget{EKSClusterName: at.EKSClusterName}, at.Namespace, name)
	switch {
	case wait.NotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("finding the Ray cluster in %s/%s: %w", at.EKSClusterName, at.Namespace, err)
	}
	if rc.Spec.Labels[LabelHybrid] != name {
		return nil, nil
	}
	return rc, nil
}

// rayNeedsReplace reports a move of the Ray cluster: another EKS cluster or namespace.
func rayNeedsReplace(from, to *RaySpec) bool {
	return from != nil && to != nil && from.location() != to.location()
}

// rayRef is what the private state keeps of the Ray part: its spec, which says where it is and what the
// layer made for it (enough to read it and to delete it), and its addresses (the outputs of an update that
// leaves it alone).
type rayRef struct {
	Spec                                                    kuberay.RayClusterSpec
	HeadServiceName, DashboardURL, ClientAddress            string `json:",omitempty"`
	PersistentVolume, PersistentVolumeClaim, ServiceAccount string `json:",omitempty"`
}

func rayRefOf(rc *kuberay.RayCluster) *rayRef {
	if rc == nil {
		return nil
	}
	return &rayRef{Spec: rc.Spec, HeadServiceName: rc.HeadServiceName, DashboardURL: rc.DashboardURL, ClientAddress: rc.ClientAddress,
		PersistentVolume: rc.PersistentVolume, PersistentVolumeClaim: rc.PersistentVolumeClaim, ServiceAccount: rc.ServiceAccount}
}

func (r *rayRef) rayCluster() *kuberay.RayCluster {
	if r == nil {
		return nil
	}
	return &kuberay.RayCluster{Spec: r.Spec, HeadServiceName: r.HeadServiceName, DashboardURL: r.DashboardURL, ClientAddress: r.ClientAddress,
		PersistentVolume: r.PersistentVolume, PersistentVolumeClaim: r.PersistentVolumeClaim, ServiceAccount: r.ServiceAccount}
}
