// SPDX-License-Identifier: MPL-2.0

package concurrency_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
)

// inventory counts what exists in the sandbox with the test's name prefix, read from the services
// themselves (never from Terraform's state).
type inventory struct {
	fileSystems, associations, securityGroups, placementGroups, launchTemplates, tasks, locations int
}

func takeInventory(ctx context.Context, t *testing.T, cfg aws.Config, prefix string) inventory {
	t.Helper()
	var inv inventory
	fc := fsx.NewFromConfig(cfg)
	ours := map[string]bool{}
	fsPages := fsx.NewDescribeFileSystemsPaginator(fc, &fsx.DescribeFileSystemsInput{})
	for fsPages.HasMorePages() {
		page, err := fsPages.NextPage(ctx)
		if err != nil {
			t.Fatalf("listing file systems: %v", err)
		}
		for _, fs := range page.FileSystems {
			for _, tag := range fs.Tags {
				if aws.ToString(tag.Key) == "Name" && strings.HasPrefix(aws.ToString(tag.Value), prefix) {
					ours[aws.ToString(fs.FileSystemId)] = true
					inv.fileSystems++
				}
			}
		}
	}
	dras, err := fc.DescribeDataRepositoryAssociations(ctx, &fsx.DescribeDataRepositoryAssociationsInput{})
	if err != nil {
		t.Fatalf("listing data repository associations: %v", err)
	}
	for _, a := range dras.Associations {
		if ours[aws.ToString(a.FileSystemId)] {
			inv.associations++
		}
	}

	ec := ec2.NewFromConfig(cfg)
	sgs, err := ec.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
	if err != nil {
		t.Fatalf("listing security groups: %v", err)
	}
	for _, g := range sgs.SecurityGroups {
		if strings.HasPrefix(aws.ToString(g.GroupName), prefix) {
			inv.securityGroups++
		}
	}
	pgs, err := ec.DescribePlacementGroups(ctx, &ec2.DescribePlacementGroupsInput{})
	if err != nil {
		t.Fatalf("listing placement groups: %v", err)
	}
	for _, g := range pgs.PlacementGroups {
		if strings.HasPrefix(aws.ToString(g.GroupName), prefix) {
			inv.placementGroups++
		}
	}
	lts, err := ec.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{})
	if err != nil {
		t.Fatalf("listing launch templates: %v", err)
	}
	for _, lt := range lts.LaunchTemplates {
		if strings.HasPrefix(aws.ToString(lt.LaunchTemplateName), prefix) {
			inv.launchTemplates++
		}
	}

	dc := datasync.NewFromConfig(cfg)
	tasks, err := dc.ListTasks(ctx, &datasync.ListTasksInput{})
	if err != nil {
		t.Fatalf("listing DataSync tasks: %v", err)
	}
	for _, task := range tasks.Tasks {
		if strings.HasPrefix(aws.ToString(task.Name), prefix) {
			inv.tasks++
		}
	}
	// The package's sandbox serves this test alone: every DataSync location is the transfer's.
	locs, err := dc.ListLocations(ctx, &datasync.ListLocationsInput{})
	if err != nil {
		t.Fatalf("listing DataSync locations: %v", err)
	}
	inv.locations = len(locs.Locations)
	return inv
}
