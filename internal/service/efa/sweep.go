// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/awserr"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
)

// SweeperName names the sweeper of rayhpc_efa_network, as registered with resource.AddTestSweepers.
const SweeperName = "rayhpc_efa_network"

const sweepTimeout = 30 * time.Minute

// RegisterSweepers hands this package's sweepers to add (acctest.AddSweeper in the test binaries), so
// that this package does not import terraform-plugin-testing.
func RegisterSweepers(add func(name string, dependencies []string, sweep func(context.Context, *conns.Client, string) error)) {
	add(SweeperName, nil, SweepNetworks)
}

// ownedFilter lists only objects that carry the provider's ownership tag (EC2 filter tag-key, "the key of
// a tag assigned to the resource", supported by DescribeLaunchTemplates, DescribeSecurityGroups and
// DescribePlacementGroups in the EC2 API model); sweepable then reads the owner.
var ownedFilter = []ec2types.Filter{{Name: aws.String("tag-key"), Values: []string{owner.TagOwner}}}

// sweepable reports whether an object's ownership tags say an EFA network named with prefix made it
// (package owner); the object's own name does not matter, and an object without the tags is never swept.
func sweepable(tags []ec2types.Tag, prefix string) bool {
	return owner.MadeBy(conns.EC2TagMap(tags), resourceType, prefix)
}

// SweepNetworks deletes what EFA networks named with prefix made, found by their ownership tags: launch
// templates, then security groups, then placement groups (each waits while instances still use it, as
// Delete does). Parts whose network was never recorded or is gone already are found the same way.
func SweepNetworks(ctx context.Context, c *conns.Client, prefix string) error {
	ctx, cancel := context.WithTimeout(ctx, sweepTimeout)
	defer cancel()
	return errors.Join(sweepLaunchTemplates(ctx, c, prefix), sweepSecurityGroups(ctx, c, prefix), sweepPlacementGroups(ctx, c, prefix))
}

func sweepLaunchTemplates(ctx context.Context, c *conns.Client, prefix string) error {
	conn := c.EC2()
	var errs []error
	p := ec2.NewDescribeLaunchTemplatesPaginator(conn, &ec2.DescribeLaunchTemplatesInput{Filters: ownedFilter})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("listing launch templates: %w", err))...)
		}
		for _, lt := range page.LaunchTemplates {
			if !sweepable(lt.Tags, prefix) {
				continue
			}
			name, id := aws.ToString(lt.LaunchTemplateName), aws.ToString(lt.LaunchTemplateId)
			log.Printf("[INFO] sweeper %s: deleting launch template %s (%s)", SweeperName, id, name)
			if _, err := conn.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(id)}); err != nil && !awserr.Is(err, notFoundLaunchTemplate...) {
				errs = append(errs, fmt.Errorf("deleting launch template %s (%s): %w", id, name, err))
			}
		}
	}
	return errors.Join(errs...)
}

func sweepSecurityGroups(ctx context.Context, c *conns.Client, prefix string) error {
	var errs []error
	p := ec2.NewDescribeSecurityGroupsPaginator(c.EC2(), &ec2.DescribeSecurityGroupsInput{Filters: ownedFilter})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("listing security groups: %w", err))...)
		}
		for _, g := range page.SecurityGroups {
			if !sweepable(g.Tags, prefix) {
				continue
			}
			id := aws.ToString(g.GroupId)
			log.Printf("[INFO] sweeper %s: deleting security group %s (%s)", SweeperName, id, aws.ToString(g.GroupName))
			if err := deleteSecurityGroup(ctx, c, id); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func sweepPlacementGroups(ctx context.Context, c *conns.Client, prefix string) error {
	// DescribePlacementGroups has no pagination (EC2 API model: no NextToken).
	pgs, err := c.EC2().DescribePlacementGroups(ctx, &ec2.DescribePlacementGroupsInput{Filters: ownedFilter})
	if err != nil {
		return fmt.Errorf("listing placement groups: %w", err)
	}
	var errs []error
	for _, pg := range pgs.PlacementGroups {
		if !sweepable(pg.Tags, prefix) || pg.State == ec2types.PlacementGroupStateDeleted || pg.State == ec2types.PlacementGroupStateDeleting {
			continue
		}
		name := aws.ToString(pg.GroupName)
		log.Printf("[INFO] sweeper %s: deleting placement group %s", SweeperName, name)
		if err := deletePlacementGroup(ctx, c, name); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
