// SPDX-License-Identifier: MPL-2.0

package pcluster

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// SweeperName is the cluster sweeper's name, as registered with resource.AddTestSweepers.
const SweeperName = ResourceType

// sweepTimeout bounds the sweep of a region (a cluster delete takes minutes in AWS).
const sweepTimeout = 60 * time.Minute

// RegisterSweepers hands this package's sweepers to add (acctest.AddSweeper in the test binaries). The
// clusters go before the Lustre workspaces and EFA networks they use.
func RegisterSweepers(add func(name string, dependencies []string, sweep func(context.Context, *conns.Client, string) error)) {
	add(SweeperName, nil, SweepClusters)
}

// SweepClusters deletes the region's clusters that clusters named with prefix made, found by the
// provider's ownership tag (OwnerTagKey, package owner) and never by their names, and waits until they are
// gone. It needs the ParallelCluster API's endpoint (AWS_ENDPOINT_URL_PARALLELCLUSTER).
func SweepClusters(ctx context.Context, c *conns.Client, prefix string) error {
	if prefix == "" {
		return errors.New("refusing to sweep every cluster: empty prefix")
	}
	ctx, cancel := context.WithTimeout(ctx, sweepTimeout)
	defer cancel()
	pc, err := c.ParallelCluster(ctx)
	if err != nil {
		return err
	}
	names, err := listClusters(ctx, pc, c.Region, prefix)
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range names {
		log.Printf("[INFO] sweeping ParallelCluster cluster %s", name)
		if err := deleteCluster(ctx, pc, c.Polling(), c.Region, name); err != nil {
			errs = append(errs, fmt.Errorf("cluster %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// listClusters lists the region's clusters (every page, not those being deleted) whose ownership tag
// says a cluster resource named with prefix made them (ListClusters returns no tags: one DescribeCluster
// each).
func listClusters(ctx context.Context, pc API, region, prefix string) ([]string, error) {
	var out []string
	var token *string
	for {
		resp, err := pc.ListClustersWithResponse(ctx, &api.ListClustersParams{Region: &region, NextToken: token})
		if err != nil {
			return nil, err
		}
		if resp.JSON200 == nil {
			return nil, apiError("ListClusters", resp.HTTPResponse, resp.Body)
		}
		for _, cl := range resp.JSON200.Clusters {
			if cl.ClusterStatus == api.ClusterStatusDELETEINPROGRESS {
				continue
			}
			d, err := findCluster(ctx, pc, region, cl.ClusterName)
			if wait.NotFound(err) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if owner.MadeBy(tagMap(d.Tags), ResourceType, prefix) {
				out = append(out, cl.ClusterName)
			}
		}
		if token = resp.JSON200.NextToken; token == nil {
			return out, nil
		}
	}
}
