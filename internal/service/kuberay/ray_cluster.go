// SPDX-License-Identifier: MPL-2.0

// Package kuberay manages KubeRay RayClusters on EKS (or any Kubernetes cluster) through client-go and
// KubeRay's published API types. ray_cluster.go is the plain Go layer the Terraform resource and the
// hybrid resource both call.
package kuberay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	rayv1 "github.com/ray-project/kuberay/ray-operator/apis/ray/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// RayClusterSpec is everything the user asks for.
type RayClusterSpec struct {
	Target          conns.KubeTarget
	Name            string
	Namespace       string
	CreateNamespace bool
	RayVersion      string
	Image           string
	Head            HeadSpec
	WorkerGroups    []WorkerGroupSpec
	Autoscaling     *AutoscalingSpec // nil: off
	Lustre          *LustreMount     // nil: none
	DataLakeS3URI   string
	// ServiceAccountRoleARN makes the pods use a service account annotated for IAM roles for service
	// accounts (eks.amazonaws.com/role-arn).
	ServiceAccountRoleARN string
	Labels                map[string]string
	Annotations           map[string]string
	Suspend               bool
}

// HeadSpec is the Ray head pod.
type HeadSpec struct {
	CPU, Memory    string // Kubernetes quantities
	GPU            int64
	NodeSelector   map[string]string
	Tolerations    []Toleration
	RayStartParams map[string]string
	Env            map[string]string
	ServiceType    string // ClusterIP (default), NodePort, LoadBalancer
}

// WorkerGroupSpec is one worker group.
type WorkerGroupSpec struct {
	Name                               string
	Replicas, MinReplicas, MaxReplicas int32
	CPU, Memory                        string
	GPU, EFAInterfaces                 int64
	NodeSelector                       map[string]string
	Tolerations                        []Toleration
	NumOfHosts                         int32
	RayStartParams                     map[string]string
	Env                                map[string]string
}

// Toleration is a pod toleration.
type Toleration struct {
	Key, Operator, Value, Effect string
}

// AutoscalingSpec turns on KubeRay's in-tree autoscaler, which then owns the worker replicas.
type AutoscalingSpec struct {
	IdleTimeoutSeconds int32
	UpscalingMode      string // Default, Conservative, Aggressive
}

// LustreMount mounts a rayhpc_lustre_workspace (an FSx for Lustre file system) in every pod.
type LustreMount struct {
	WorkspaceID string // fs-...
	MountPath   string
	// FileSystem, when the caller knows it (the hybrid resource, which just made the workspace), spares
	// the FSx DescribeFileSystems call that otherwise reads it.
	FileSystem *LustreFileSystem
}

// Condition is one RayCluster status condition.
type Condition struct {
	Type, Status, Reason, Message string
}

// RayCluster is what exists: the spec as read back from the cluster, plus status and the names of
// every object the provider made for it.
type RayCluster struct {
	Spec                  RayClusterSpec
	UID                   string
	Generation            int64
	ObservedGeneration    int64
	State                 string
	HeadServiceName       string
	DashboardURL          string
	ClientAddress         string
	ReadyWorkerReplicas   int32
	DesiredWorkerReplicas int32
	Conditions            []Condition
	// LiveReplicas are the worker groups' replicas in the cluster (the autoscaler's when it is on).
	LiveReplicas map[string]int32
	// Objects the provider made besides the RayCluster ("" when none).
	PersistentVolume, PersistentVolumeClaim, ServiceAccount string
}

// Options are the knobs of Create and Update.
type Options struct {
	WaitForReady bool
	Timeout      time.Duration
}

// CreateRayCluster makes (or adopts, after an interrupted create: server-side apply of the same
// objects is idempotent) the namespace, service account, Lustre volume and claim, and the RayCluster,
// then waits until it is ready when asked.
func CreateRayCluster(ctx context.Context, c *conns.Client, spec RayClusterSpec, opts Options) (*RayCluster, error) {
	k, err := newKubeClients(ctx, c, spec.Target)
	if err != nil {
		return nil, &NothingCreatedError{err}
	}
	obj, err := buildRayCluster(spec, nil)
	if err != nil {
		return nil, &NothingCreatedError{err}
	}
	if err := k.checkCRD(); err != nil {
		return nil, &NothingCreatedError{err}
	}
	if err := k.applySupporting(ctx, c, spec); err != nil {
		return nil, err
	}
	if _, err := k.applyRayCluster(ctx, obj); err != nil {
		return nil, err
	}
	return k.finish(ctx, c, spec, opts)
}

// UpdateRayCluster applies the new spec in place (and makes the RayCluster again when it is gone). Worker replicas the autoscaler owns are kept as the
// cluster has them; pods whose template changed (image, Ray version, resources) are rolled by deleting
// them, so KubeRay recreates them from the new template.
func UpdateRayCluster(ctx context.Context, c *conns.Client, from, to RayClusterSpec, opts Options) (*RayCluster, error) {
	k, err := newKubeClients(ctx, c, to.Target)
	if err != nil {
		return nil, err
	}
	if err := k.checkCRD(); err != nil {
		return nil, err
	}
	live, err := k.findRayCluster(ctx, to.Namespace, to.Name)
	switch {
	case wait.NotFound(err):
		// Deleted out of band while what the provider made for it stayed (Read kept it in state): it is
		// made again, adopting them.
		live = nil
	case err != nil:
		return nil, err
	}
	if err := k.applySupporting(ctx, c, to); err != nil {
		return nil, err
	}
	obj, err := buildRayCluster(to, live)
	if err != nil {
		return nil, err
	}
	applied, err := k.applyRayCluster(ctx, obj)
	if err != nil {
		return nil, err
	}
	if err := k.removeUnneeded(ctx, from, to); err != nil {
		return nil, err
	}
	if live != nil {
		if err := k.rollChangedPods(ctx, c, live, applied); err != nil {
			return nil, err
		}
	}
	return k.finish(ctx, c, to, opts)
}

func (k *kubeClients) finish(ctx context.Context, c *conns.Client, spec RayClusterSpec, opts Options) (*RayCluster, error) {
	if opts.WaitForReady {
		if _, err := k.waitReady(ctx, c, spec.Namespace, spec.Name, opts.Timeout); err != nil {
			return nil, err
		}
	}
	return k.read(ctx, spec.Namespace, spec.Name)
}

// ReadRayCluster reads the RayCluster and what the provider made for it; wait.NotFoundError when the
// RayCluster does not exist.
func ReadRayCluster(ctx context.Context, c *conns.Client, target conns.KubeTarget, namespace, name string) (*RayCluster, error) {
	k, err := newKubeClients(ctx, c, target)
	if err != nil {
		return nil, err
	}
	return k.read(ctx, namespace, name)
}

func (k *kubeClients) read(ctx context.Context, namespace, name string) (*RayCluster, error) {
	obj, err := k.findRayCluster(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	rc := flattenRayCluster(obj)
	rc.Spec.Target = k.target
	if err := k.readSupporting(ctx, rc); err != nil {
		return nil, err
	}
	return rc, nil
}

// FindCompanions lists what the provider made for the RayCluster namespace/name that the cluster still
// holds (claim, volume, service account, namespace: by their names and the provider's label and owner
// annotation, not from any state), whether or not the RayCluster exists.
func FindCompanions(ctx context.Context, c *conns.Client, target conns.KubeTarget, namespace, name string) ([]OwnedObject, error) {
	k, err := newKubeClients(ctx, c, target)
	if err != nil {
		return nil, err
	}
	objs, err := k.companions(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	out := make([]OwnedObject, 0, len(objs))
	for _, o := range objs {
		if !o.deleting {
			out = append(out, o.OwnedObject)
		}
	}
	return out, nil
}

// DeleteRayCluster deletes the RayCluster, waits until its pods are gone, then removes the volume,
// claim, service account and namespace the provider made for it: those the cluster holds under their
// names with its ownership label and annotation, whatever the spec (the state) says was made. A
// RayCluster already gone is not an error: its leftovers are still removed. Nor is a cluster that no
// longer serves ray.io/v1 RayCluster (the KubeRay CRD deleted, e.g. the operator uninstalled):
// Kubernetes deletes a CRD's objects with it, so the RayCluster cannot exist there; Deleted.CRDMissing
// then says so and names the API server, for the caller's warning.
func DeleteRayCluster(ctx context.Context, c *conns.Client, spec RayClusterSpec, timeout time.Duration) (Deleted, error) {
	k, err := newKubeClients(ctx, c, spec.Target)
	if err != nil {
		return Deleted{}, err
	}
	d := Deleted{Namespace: spec.Namespace, Name: spec.Name, Server: k.server()}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	policy := metav1.DeletePropagationBackground
	err = k.ray.RayV1().RayClusters(spec.Namespace).Delete(ctx, spec.Name, metav1.DeleteOptions{PropagationPolicy: &policy})
	switch {
	case apierrors.IsNotFound(err):
		// Gone already, or the cluster does not serve RayCluster at all (a 404 too): ask which.
		served, derr := k.crdServed()
		if derr != nil {
			return d, fmt.Errorf("deleting RayCluster %s/%s: asking the Kubernetes API which resources it serves: %w", spec.Namespace, spec.Name, derr)
		}
		d.CRDMissing = !served
	case err != nil:
		return d, fmt.Errorf("deleting RayCluster %s/%s: %w", spec.Namespace, spec.Name, err)
	}
	// Without the CRD the pods still go: the garbage collector deletes them after their owner.
	if err := k.waitGone(ctx, c, spec.Namespace, spec.Name); err != nil {
		return d, err
	}
	d.Removed, err = k.removeCompanions(ctx, spec.Namespace, spec.Name)
	return d, err
}

// Deleted is what DeleteRayCluster found and did.
type Deleted struct {
	Namespace, Name string
	// Server is the Kubernetes API server asked (its URL, and the EKS cluster's name when it was reached
	// through EKS).
	Server string
	// CRDMissing: the cluster did not serve ray.io/v1 RayCluster, so the RayCluster was already gone.
	CRDMissing bool
	// Removed are the objects the provider had made for the RayCluster that the delete removed.
	Removed []OwnedObject
}

// Warning is what a user should read about the delete ("" when nothing): with the KubeRay CRD gone, the
// RayCluster was deleted with it — or the provider asked a cluster the RayCluster never ran on, which
// the API server's name lets the user notice.
func (d Deleted) Warning() string {
	if !d.CRDMissing {
		return ""
	}
	removed := "nothing else the provider had made for it was left"
	if len(d.Removed) > 0 {
		var parts []string
		for _, o := range d.Removed {
			parts = append(parts, o.String())
		}
		removed = "the provider deleted what it had made for it: " + strings.Join(parts, ", ")
	}
	return fmt.Sprintf("The Kubernetes API server %s does not serve ray.io/v1 RayCluster: the KubeRay CRD has been deleted "+
		"(for example with the KubeRay operator), and Kubernetes deletes every RayCluster with its CRD, so RayCluster %s/%s "+
		"was already gone; %s. If the RayCluster ran on another cluster, this configuration no longer points at it "+
		"(eks_cluster_name or the kubernetes block) and it still runs there.", d.Server, d.Namespace, d.Name, removed)
}

// NothingCreatedError is a create that failed before it wrote anything to the cluster (the client
// could not be built, the credentials were refused, the KubeRay CRDs are missing): there is nothing to
// record in state.
type NothingCreatedError struct{ Err error }

func (e *NothingCreatedError) Error() string { return e.Err.Error() }
func (e *NothingCreatedError) Unwrap() error { return e.Err }

// ErrCRDMissing is returned when the cluster does not serve ray.io/v1 RayCluster.
var ErrCRDMissing = errors.New("the Kubernetes cluster does not serve ray.io/v1 RayCluster: the KubeRay operator and its CRDs " +
	"are not installed. Install them (e.g. `helm install kuberay-operator kuberay/kuberay-operator --version 1.5.0`, " +
	"see https://docs.ray.io/en/latest/cluster/kubernetes/getting-started/kuberay-operator-installation.html) and apply again")

// rayv1 is referenced so the API types stay the one source of the object's shape.
var _ = rayv1.RayCluster{}
