// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/eks"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// SweeperName names the sweeper of rayhpc_ray_cluster.
const SweeperName = "rayhpc_ray_cluster"

const sweepTimeout = 15 * time.Minute

// RegisterSweepers hands this package's sweepers to add (acctest.AddSweeper in the test binaries).
func RegisterSweepers(add func(name string, dependencies []string, sweep func(context.Context, *conns.Client, string) error)) {
	add(SweeperName, nil, SweepRayClusters)
}

// SweepRayClusters deletes, in every EKS cluster of the region the credentials can reach, what a
// rayhpc_ray_cluster named with prefix (tf-acc-test*) made, found by ownership and never by object
// names: the RayClusters carrying the provider's label (LabelManagedBy) whose name starts with prefix
// (the resource's name is the RayCluster's), with their pods, and the volumes, claims, service
// accounts and namespaces carrying the label and an owner annotation (AnnotationOwner) that names such
// a RayCluster — also those a create left before its RayCluster was applied.
func SweepRayClusters(ctx context.Context, c *conns.Client, prefix string) error {
	if prefix == "" {
		return errors.New("sweeping RayClusters: empty prefix")
	}
	p := eks.NewListClustersPaginator(c.EKS(), &eks.ListClustersInput{})
	var errs []error
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing EKS clusters: %w", err)
		}
		for _, cluster := range page.Clusters {
			errs = append(errs, sweepCluster(ctx, c, cluster, prefix))
		}
	}
	return errors.Join(errs...)
}

// madeBy reports whether an owner (namespace/name of a RayCluster) names a resource named with prefix.
func madeBy(owner, prefix string) bool {
	_, name, ok := strings.Cut(owner, "/")
	return ok && prefix != "" && strings.HasPrefix(name, prefix)
}

func sweepCluster(ctx context.Context, c *conns.Client, cluster, prefix string) error {
	t := conns.KubeTarget{EKSClusterName: cluster}
	k, err := newKubeClients(ctx, c, t)
	if err != nil {
		log.Printf("[WARN] sweeper: EKS cluster %s unreachable: %s", cluster, err)
		return nil
	}
	mine := func(owner string) bool { return madeBy(owner, prefix) }
	objs, err := k.listOwned(ctx, metav1.NamespaceAll, mine)
	if err != nil {
		return fmt.Errorf("EKS cluster %s: %w", cluster, err)
	}
	// RayClusters first, as destroy does: their pods go, then what the provider made for them.
	var errs []error
	for _, o := range objs {
		if o.Kind == "RayCluster" {
			errs = append(errs, k.sweepRayCluster(ctx, c, o.Namespace, o.Name))
		}
	}
	// Then what is left: claims before their volumes, namespaces last.
	if objs, err = k.listOwned(ctx, metav1.NamespaceAll, mine); err != nil {
		return errors.Join(append(errs, fmt.Errorf("EKS cluster %s: %w", cluster, err))...)
	}
	for _, kind := range []string{"PersistentVolumeClaim", "PersistentVolume", "ServiceAccount", "Namespace"} {
		for _, o := range objs {
			if o.Kind == kind && !o.deleting {
				log.Printf("[INFO] sweeper %s: deleting %s in %s", SweeperName, o.OwnedObject, k.target.EKSClusterName)
				if err := k.deleteObject(ctx, o.OwnedObject); err != nil {
					errs = append(errs, fmt.Errorf("EKS cluster %s: %w", k.target.EKSClusterName, err))
				}
			}
		}
	}
	return errors.Join(errs...)
}

func (k *kubeClients) sweepRayCluster(ctx context.Context, c *conns.Client, namespace, name string) error {
	rc, err := k.findRayCluster(ctx, namespace, name)
	if wait.NotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	spec := flattenRayCluster(rc).Spec
	spec.Target = k.target
	// readSupporting fills in what the provider made (namespace, service account), which the delete then removes.
	live := &RayCluster{Spec: spec}
	if err := k.readSupporting(ctx, live); err != nil {
		return err
	}
	log.Printf("[INFO] sweeper %s: deleting RayCluster %s/%s in %s", SweeperName, namespace, name, k.target.EKSClusterName)
	_, err = DeleteRayCluster(ctx, c, live.Spec, sweepTimeout)
	return err
}
