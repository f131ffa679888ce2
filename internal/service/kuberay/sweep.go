// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

// SweeperName names the sweeper of rayhpc_ray_cluster.
const SweeperName = "rayhpc_ray_cluster"

const sweepTimeout = 15 * time.Minute

// RegisterSweepers hands this package's sweepers to add (acctest.AddSweeper in the test binaries).
func RegisterSweepers(add func(name string, dependencies []string, sweep func(context.Context, *conns.Client, string) error)) {
	add(SweeperName, nil, SweepRayClusters)
}

// SweepRayClusters deletes, in every EKS cluster of the region the credentials can reach, the
// RayClusters whose name starts with prefix, with what the provider made for them.
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

func sweepCluster(ctx context.Context, c *conns.Client, cluster, prefix string) error {
	t := conns.KubeTarget{EKSClusterName: cluster}
	k, err := newKubeClients(ctx, c, t)
	if err != nil {
		log.Printf("[WARN] sweeper: EKS cluster %s unreachable: %s", aws.ToString(&cluster), err)
		return nil
	}
	if ok, err := k.crdServed(); err != nil || !ok {
		return nil
	}
	list, err := k.ray.RayV1().RayClusters("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("listing RayClusters in %s: %w", cluster, err)
	}
	var errs []error
	for _, rc := range list.Items {
		if !strings.HasPrefix(rc.Name, prefix) {
			continue
		}
		spec := flattenRayCluster(&rc).Spec
		spec.Target = t
		if err := k.readSupporting(ctx, &RayCluster{Spec: spec}); err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(os.Stderr, "sweeper: deleting RayCluster %s/%s in %s\n", rc.Namespace, rc.Name, cluster)
		errs = append(errs, DeleteRayCluster(ctx, c, spec, sweepTimeout))
	}
	return errors.Join(errs...)
}
