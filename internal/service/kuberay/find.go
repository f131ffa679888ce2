// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"fmt"
	"strings"

	rayv1 "github.com/ray-project/kuberay/ray-operator/apis/ray/v1"
	rayclient "github.com/ray-project/kuberay/ray-operator/pkg/client/clientset/versioned"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// kubeClients are the typed clients of one Kubernetes cluster.
type kubeClients struct {
	target conns.KubeTarget
	host   string // the API server's URL
	core   kubernetes.Interface
	ray    rayclient.Interface
}

func newKubeClients(ctx context.Context, c *conns.Client, t conns.KubeTarget) (*kubeClients, error) {
	cfg, err := c.KubeConfig(ctx, t)
	if err != nil {
		return nil, err
	}
	core, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	ray, err := rayclient.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &kubeClients{target: t, host: cfg.Host, core: core, ray: ray}, nil
}

// server names the API server for messages: its URL, and the EKS cluster it belongs to.
func (k *kubeClients) server() string {
	if k.target.EKSClusterName != "" {
		return fmt.Sprintf("%s (EKS cluster %s)", k.host, k.target.EKSClusterName)
	}
	return k.host
}

// crdServed reports whether the cluster serves ray.io/v1 rayclusters.
func (k *kubeClients) crdServed() (bool, error) {
	res, err := k.core.Discovery().ServerResourcesForGroupVersion(rayv1.GroupVersion.String())
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, r := range res.APIResources {
		if r.Name == "rayclusters" {
			return true, nil
		}
	}
	return false, nil
}

// checkCRD is the first request of a create or update: it fails, before anything is written, when
// the cluster refuses the credentials or does not serve the KubeRay CRDs.
func (k *kubeClients) checkCRD() error {
	ok, err := k.crdServed()
	switch {
	case apierrors.IsUnauthorized(err):
		return fmt.Errorf("the Kubernetes API refused the credentials (401 Unauthorized): an EKS token must be minted for "+
			"this cluster from an identity with an EKS access entry or aws-auth mapping, and is accepted for 15 minutes: %w", err)
	case err != nil:
		return fmt.Errorf("asking the Kubernetes API which resources it serves: %w", err)
	case !ok:
		return ErrCRDMissing
	}
	return nil
}

// explain turns a NotFound caused by a cluster without the KubeRay CRDs into ErrCRDMissing.
func (k *kubeClients) explain(err error) error {
	if apierrors.IsNotFound(err) {
		if ok, derr := k.crdServed(); derr == nil && !ok {
			return ErrCRDMissing
		}
	}
	return err
}

// findRayCluster reads the RayCluster; wait.NotFoundError when it does not exist, ErrCRDMissing when
// the cluster has no KubeRay CRDs.
func (k *kubeClients) findRayCluster(ctx context.Context, namespace, name string) (*rayv1.RayCluster, error) {
	obj, err := k.ray.RayV1().RayClusters(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		if ok, derr := k.crdServed(); derr == nil && !ok {
			return nil, ErrCRDMissing
		}
		return nil, wait.NewNotFound(fmt.Sprintf("RayCluster (%s/%s)", namespace, name), err)
	}
	if err != nil {
		return nil, fmt.Errorf("reading RayCluster %s/%s: %w", namespace, name, err)
	}
	return obj, nil
}

// findClusterPods lists the pods KubeRay made for the RayCluster (label ray.io/cluster).
func (k *kubeClients) findClusterPods(ctx context.Context, namespace, name string) ([]corev1.Pod, error) {
	pods, err := k.core.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: "ray.io/cluster=" + name})
	if err != nil {
		return nil, fmt.Errorf("listing the pods of RayCluster %s/%s: %w", namespace, name, err)
	}
	return pods.Items, nil
}

// OwnedObject is one Kubernetes object the provider made for a RayCluster.
type OwnedObject struct {
	Kind      string // RayCluster, PersistentVolume, PersistentVolumeClaim, ServiceAccount, Namespace
	Namespace string // "" for cluster-wide objects
	Name      string
}

// String is "Kind namespace/name" ("Kind name" for a cluster-wide object).
func (o OwnedObject) String() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// FindOwnedObjects lists, from the cluster and not from any state, the objects the provider made for
// the RayCluster namespace/name: the RayCluster (label app.kubernetes.io/managed-by), and the
// volume, claim, service account and namespace carrying that label and the owner annotation
// rayhpc.io/owner=namespace/name. With name "", every object the provider made in the namespace (and
// every owned volume and namespace) is listed. Pods are KubeRay's, found by ray.io/cluster.
func FindOwnedObjects(ctx context.Context, c *conns.Client, target conns.KubeTarget, namespace, name string) ([]OwnedObject, error) {
	k, err := newKubeClients(ctx, c, target)
	if err != nil {
		return nil, err
	}
	return k.findOwned(ctx, namespace, name)
}

func (k *kubeClients) findOwned(ctx context.Context, namespace, name string) ([]OwnedObject, error) {
	objs, err := k.listOwned(ctx, namespace, func(owner string) bool {
		ns, n, _ := strings.Cut(owner, "/")
		return ns == namespace && (name == "" || n == name)
	})
	out := make([]OwnedObject, 0, len(objs))
	for _, o := range objs {
		out = append(out, o.OwnedObject)
	}
	return out, err
}

// ownedObject is an OwnedObject and whether its delete has begun (a namespace or volume terminating).
type ownedObject struct {
	OwnedObject
	deleting bool
}

// listOwned lists the objects carrying the provider's label (LabelManagedBy) in namespace
// (metav1.NamespaceAll: in every namespace) whose owner passes mine. The owner is namespace/name of
// the RayCluster: a RayCluster's own, the owner annotation (AnnotationOwner) of a volume, claim,
// service account or namespace. Cluster-wide objects are matched by the owner alone.
func (k *kubeClients) listOwned(ctx context.Context, namespace string, mine func(owner string) bool) ([]ownedObject, error) {
	sel := metav1.ListOptions{LabelSelector: LabelManagedBy + "=" + managedByValue}
	var out []ownedObject
	add := func(kind string, o metav1.Object, owner string) {
		if mine(owner) {
			out = append(out, ownedObject{OwnedObject{Kind: kind, Namespace: o.GetNamespace(), Name: o.GetName()}, o.GetDeletionTimestamp() != nil})
		}
	}
	annotated := func(o metav1.Object) string { return o.GetAnnotations()[AnnotationOwner] }
	if ok, err := k.crdServed(); err == nil && ok {
		rcs, err := k.ray.RayV1().RayClusters(namespace).List(ctx, sel)
		if err != nil {
			return nil, fmt.Errorf("listing RayClusters in %q: %w", namespace, err)
		}
		for _, o := range rcs.Items {
			add("RayCluster", &o, o.Namespace+"/"+o.Name)
		}
	}
	pvs, err := k.core.CoreV1().PersistentVolumes().List(ctx, sel)
	if err != nil {
		return nil, fmt.Errorf("listing PersistentVolumes: %w", err)
	}
	for _, o := range pvs.Items {
		add("PersistentVolume", &o, annotated(&o))
	}
	pvcs, err := k.core.CoreV1().PersistentVolumeClaims(namespace).List(ctx, sel)
	if err != nil {
		return nil, fmt.Errorf("listing PersistentVolumeClaims in %q: %w", namespace, err)
	}
	for _, o := range pvcs.Items {
		add("PersistentVolumeClaim", &o, annotated(&o))
	}
	sas, err := k.core.CoreV1().ServiceAccounts(namespace).List(ctx, sel)
	if err != nil {
		return nil, fmt.Errorf("listing service accounts in %q: %w", namespace, err)
	}
	for _, o := range sas.Items {
		add("ServiceAccount", &o, annotated(&o))
	}
	nss, err := k.core.CoreV1().Namespaces().List(ctx, sel)
	if err != nil {
		return nil, fmt.Errorf("listing namespaces: %w", err)
	}
	for _, o := range nss.Items {
		// The provider makes a namespace only for a RayCluster in it.
		if ns, _, _ := strings.Cut(annotated(&o), "/"); ns == o.Name {
			add("Namespace", &o, annotated(&o))
		}
	}
	return out, nil
}
