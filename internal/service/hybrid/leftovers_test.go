// SPDX-License-Identifier: MPL-2.0

package hybrid_test

// What the sandbox holds of one environment, listed by kind from the services and the Kubernetes API
// (package inventory; never from a state), so that tests running side by side each see only their own
// environment. The Kubernetes objects (RayCluster, its pods, volume and claim) carry the environment's name.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	dsapi "github.com/aws/aws-sdk-go-v2/service/datasync"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/fsx"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/inventory"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/hybrid"
)

// attributedKinds are the inventory kinds whose identifiers do not carry the environment's name: they
// are attributed by the environment's tag (file systems, DataSync locations), by their file system
// (associations) or by ParallelCluster's cluster-name tag (the head node).
var attributedKinds = []string{"fsx file system", "fsx data repository association", "ec2 instance", "datasync location"}

// listingAttempts lets the listings ride out the throttling a fault test injects while its checks run.
const listingAttempts = 10

// leftovers lists what the sandbox holds of the environment named name, as "kind: id". Objects being
// deleted (a file system DELETING) are not counted.
func leftovers(t *testing.T, name string) ([]string, error) {
	t.Helper()
	ctx := context.Background()
	opts, err := inventory.FromEnv(ctx)
	if err != nil {
		return nil, err
	}
	opts.AWS.RetryMaxAttempts = listingAttempts
	inv, err := inventory.List(ctx, opts)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, kind := range inventory.Kinds {
		if slices.Contains(attributedKinds, kind) {
			continue
		}
		for _, id := range inv[kind] {
			if strings.Contains(id, name) {
				out = append(out, kind+": "+id)
			}
		}
	}
	owned, err := attributed(ctx, t, name)
	if err != nil {
		return nil, err
	}
	return append(out, owned...), nil
}

// attributed lists the objects of attributedKinds that belong to the environment named name.
func attributed(ctx context.Context, t *testing.T, name string) ([]string, error) {
	t.Helper()
	cfg := acctest.Sandbox(t).AWSConfig()
	cfg.RetryMaxAttempts = listingAttempts
	var out []string
	fsc := fsx.NewFromConfig(cfg)
	fss, err := fsc.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{})
	if err != nil {
		return nil, fmt.Errorf("listing file systems: %w", err)
	}
	mine := map[string]bool{}
	for _, fs := range fss.FileSystems {
		if conns.FSxTagMap(fs.Tags)[hybrid.TagKey] == name {
			mine[aws.ToString(fs.FileSystemId)] = true
			if fs.Lifecycle != "DELETING" {
				out = append(out, "fsx file system: "+aws.ToString(fs.FileSystemId))
			}
		}
	}
	dras, err := fsc.DescribeDataRepositoryAssociations(ctx, &fsx.DescribeDataRepositoryAssociationsInput{})
	if err != nil {
		return nil, fmt.Errorf("listing data repository associations: %w", err)
	}
	for _, a := range dras.Associations {
		if mine[aws.ToString(a.FileSystemId)] && a.Lifecycle != "DELETING" {
			out = append(out, "fsx data repository association: "+aws.ToString(a.AssociationId))
		}
	}
	ins, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag:parallelcluster:cluster-name"), Values: []string{name}},
		{Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopping", "stopped"}},
	}})
	if err != nil {
		return nil, fmt.Errorf("listing instances: %w", err)
	}
	for _, r := range ins.Reservations {
		for _, i := range r.Instances {
			out = append(out, "ec2 instance: "+aws.ToString(i.InstanceId))
		}
	}
	locs, err := ownedLocations(ctx, dsapi.NewFromConfig(cfg), name)
	return append(out, locs...), err
}

// ownedLocations lists the DataSync locations carrying the environment's tag.
func ownedLocations(ctx context.Context, ds *dsapi.Client, name string) ([]string, error) {
	var out []string
	p := dsapi.NewListLocationsPaginator(ds, &dsapi.ListLocationsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing DataSync locations: %w", err)
		}
		for _, l := range page.Locations {
			tags, err := ds.ListTagsForResource(ctx, &dsapi.ListTagsForResourceInput{ResourceArn: l.LocationArn})
			if err != nil {
				return nil, fmt.Errorf("reading the tags of %s: %w", aws.ToString(l.LocationArn), err)
			}
			for _, tag := range tags.Tags {
				if aws.ToString(tag.Key) == hybrid.TagKey && aws.ToString(tag.Value) == name {
					out = append(out, "datasync location: "+aws.ToString(l.LocationUri)+" ("+aws.ToString(l.LocationArn)+")")
				}
			}
		}
	}
	return out, nil
}
