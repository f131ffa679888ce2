// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/awserr"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

// SweeperName names the sweeper of rayhpc_efa_network, as registered with resource.AddTestSweepers.
const SweeperName = "rayhpc_efa_network"

const sweepTimeout = 30 * time.Minute

// efaGroupDescriptionPrefix starts the description Create gives the EFA security group; the sweeper uses
// it to leave alone other groups named with the test prefix (a Lustre workspace's, for one).
const efaGroupDescriptionPrefix = "EFA: "

// RegisterSweepers hands this package's sweepers to add (acctest.AddSweeper in the test binaries), so
// that this package does not import terraform-plugin-testing.
func RegisterSweepers(add func(name string, dependencies []string, sweep func(context.Context, *conns.Client, string) error)) {
	add(SweeperName, nil, SweepNetworks)
}

func sweepableName(name, prefix string) bool {
	return prefix != "" && strings.HasPrefix(name, prefix)
}

// sweepableSecurityGroup reports whether a group is an EFA group an acceptance test left.
func sweepableSecurityGroup(g ec2types.SecurityGroup, prefix string) bool {
	return sweepableName(aws.ToString(g.GroupName), prefix) && strings.HasPrefix(aws.ToString(g.Description), efaGroupDescriptionPrefix)
}

// SweepNetworks deletes what EFA networks named with prefix consist of: launch templates, then EFA
// security groups, then placement groups (each waits while instances still use it, as Delete does).
func SweepNetworks(ctx context.Context, c *conns.Client, prefix string) error {
	ctx, cancel := context.WithTimeout(ctx, sweepTimeout)
	defer cancel()
	conn := c.EC2()
	var errs []error

	lts := ec2.NewDescribeLaunchTemplatesPaginator(conn, &ec2.DescribeLaunchTemplatesInput{})
	for lts.HasMorePages() {
		page, err := lts.NextPage(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("listing launch templates: %w", err))
			break
		}
		for _, lt := range page.LaunchTemplates {
			name, id := aws.ToString(lt.LaunchTemplateName), aws.ToString(lt.LaunchTemplateId)
			if !sweepableName(name, prefix) {
				continue
			}
			log.Printf("[INFO] sweeper %s: deleting launch template %s (%s)", SweeperName, id, name)
			if _, err := conn.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(id)}); err != nil && !awserr.Is(err, notFoundLaunchTemplate...) {
				errs = append(errs, fmt.Errorf("deleting launch template %s (%s): %w", id, name, err))
			}
		}
	}

	sgs := ec2.NewDescribeSecurityGroupsPaginator(conn, &ec2.DescribeSecurityGroupsInput{})
	for sgs.HasMorePages() {
		page, err := sgs.NextPage(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("listing security groups: %w", err))
			break
		}
		for _, g := range page.SecurityGroups {
			if !sweepableSecurityGroup(g, prefix) {
				continue
			}
			id := aws.ToString(g.GroupId)
			log.Printf("[INFO] sweeper %s: deleting security group %s (%s)", SweeperName, id, aws.ToString(g.GroupName))
			err := deleteSecurityGroup(ctx, c, id)
			if err != nil {
				errs = append(errs, err)
			}
		}
	}

	pgs, err := conn.DescribePlacementGroups(ctx, &ec2.DescribePlacementGroupsInput{})
	if err != nil {
		errs = append(errs, fmt.Errorf("listing placement groups: %w", err))
	} else {
		for _, pg := range pgs.PlacementGroups {
			name := aws.ToString(pg.GroupName)
			if !sweepableName(name, prefix) || pg.State == ec2types.PlacementGroupStateDeleted || pg.State == ec2types.PlacementGroupStateDeleting {
				continue
			}
			log.Printf("[INFO] sweeper %s: deleting placement group %s", SweeperName, name)
			err := deletePlacementGroup(ctx, c, name)
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
