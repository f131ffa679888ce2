// SPDX-License-Identifier: MPL-2.0

package hybrid

// Finding an environment's parts by the tag it puts on each (import): only the identifiers are looked up
// here; each part is then read by its own layer.

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	dsapi "github.com/aws/aws-sdk-go-v2/service/datasync"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/datasync"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/efa"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/pcluster"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// FindHybrid finds the parts of the environment named name by their TagKey tag, and its Ray cluster where
// the network's TagRay tag says it runs (or, without the network, where ray says: nil for nowhere). Parts
// not found are nil; when none is found the error is a wait.NotFoundError.
func FindHybrid(ctx context.Context, c *conns.Client, name string, ray *rayAt) (*Hybrid, error) {
	h := &Hybrid{Name: name}
	var err error
	if h.Network, err = findNetwork(ctx, c, name); err != nil {
		return nil, err
	}
	if h.Network != nil {
		if at, ok := parseRayAt(h.Network.Tags[TagRay]); ok {
			ray = &at
		}
	}
	if ray != nil {
		if h.Ray, err = findRay(ctx, c, name, *ray); err != nil {
			return nil, err
		}
	}
	if h.Workspace, err = findWorkspace(ctx, c, name); err != nil {
		return nil, err
	}
	cl, err := pcluster.ReadCluster(ctx, c, "", name)
	switch {
	case err == nil && cl.Tags[TagKey] == name:
		h.Cluster = cl
	case err != nil && !wait.NotFound(err):
		return nil, fmt.Errorf("finding the HPC cluster: %w", err)
	}
	if h.Transfer, err = findTransfer(ctx, c, name); err != nil {
		return nil, err
	}
	if len(h.Parts()) == 0 {
		return nil, wait.NewNotFound(fmt.Sprintf("hybrid cluster (%s): no part carries the tag %s=%s", name, TagKey, name), nil)
	}
	return h, nil
}

// findNetwork finds the EFA network: its security group is the group named name carrying the tag; its
// launch template and placement group are named name (efa.CreateNetwork names them so).
func findNetwork(ctx context.Context, c *conns.Client, name string) (*efa.Network, error) {
	out, err := c.EC2().DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag:" + TagKey), Values: []string{name}},
		{Name: aws.String("group-name"), Values: []string{name}},
	}})
	if err != nil {
		return nil, fmt.Errorf("finding the EFA security group: %w", err)
	}
	if len(out.SecurityGroups) == 0 {
		return nil, nil
	}
	sg := out.SecurityGroups[0]
	return &efa.Network{Name: name, PlacementStrategy: efa.PlacementStrategyCluster, PlacementGroupName: name,
		SecurityGroupID: aws.ToString(sg.GroupId), VPCID: aws.ToString(sg.VpcId), GPUCount: -1, Tags: conns.EC2TagMap(sg.Tags)}, nil
}

// findTransfer finds the ingest: the DataSync task carrying the tag.
func findTransfer(ctx context.Context, c *conns.Client, name string) (*datasync.Transfer, error) {
	ds := c.DataSync()
	p := dsapi.NewListTasksPaginator(ds, &dsapi.ListTasksInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("finding the ingest task: %w", err)
		}
		for _, t := range page.Tasks {
			if aws.ToString(t.Name) != ingestName(name) {
				continue
			}
			tags, err := ds.ListTagsForResource(ctx, &dsapi.ListTagsForResourceInput{ResourceArn: t.TaskArn})
			if err != nil {
				return nil, fmt.Errorf("reading the tags of %s: %w", aws.ToString(t.TaskArn), err)
			}
			for _, tag := range tags.Tags {
				if aws.ToString(tag.Key) == TagKey && aws.ToString(tag.Value) == name {
					return &datasync.Transfer{TaskARN: aws.ToString(t.TaskArn)}, nil
				}
			}
		}
	}
	return nil, nil
}
