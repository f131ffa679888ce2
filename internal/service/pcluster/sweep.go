// SPDX-License-Identifier: MPL-2.0

package pcluster

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
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

// SweepClusters deletes the region's clusters whose name starts with prefix and waits until they are
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

// listClusters lists the region's clusters whose name starts with prefix (every page).
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
			if strings.HasPrefix(cl.ClusterName, prefix) && cl.ClusterStatus != api.ClusterStatusDELETEINPROGRESS {
				out = append(out, cl.ClusterName)
			}
		}
		if token = resp.JSON200.NextToken; token == nil {
			return out, nil
		}
	}
}
