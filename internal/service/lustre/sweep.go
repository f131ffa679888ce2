// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
)

// Sweeper names, as registered with resource.AddTestSweepers.
const (
	SweeperName = "rayhpc_lustre_workspace"
	// datasyncSweeperName runs first: a DataSync location (and its task) holds on to the file system.
	datasyncSweeperName = "rayhpc_datasync_transfer"
)

// sweepTimeout bounds the whole sweep of a region (FSx deletes take minutes in AWS).
const sweepTimeout = 90 * time.Minute

// RegisterSweepers hands this package's sweepers to add (acctest.AddSweeper in the test binaries), so
// that this package does not import terraform-plugin-testing.
func RegisterSweepers(add func(name string, dependencies []string, sweep func(context.Context, *conns.Client, string) error)) {
	add(SweeperName, []string{datasyncSweeperName}, SweepWorkspaces)
}

// sweepableFileSystem reports whether a file system is one an acceptance test left: FSx for Lustre, not
// already being deleted, and made (by its ownership tags, package owner) by a workspace named with prefix,
// whatever its Name tag says.
func sweepableFileSystem(fs fsxtypes.FileSystem, prefix string) bool {
	return fs.FileSystemType == fsxtypes.FileSystemTypeLustre && fs.Lifecycle != fsxtypes.FileSystemLifecycleDeleting &&
		owner.MadeBy(conns.FSxTagMap(fs.Tags), WorkspaceType, prefix)
}

// sweepableSecurityGroup reports whether a security group's ownership tags say a workspace named with
// prefix created it (also one whose create failed before the file system existed).
func sweepableSecurityGroup(g ec2types.SecurityGroup, prefix string) bool {
	return owner.MadeBy(conns.EC2TagMap(g.Tags), WorkspaceType, prefix)
}

// SweepWorkspaces deletes the FSx for Lustre file systems that workspaces named with prefix made — their
// data repository associations first (the S3 data stays) — and then the security groups such workspaces
// created, including those of workspaces whose create failed before the file system existed. Both are
// found by the provider's ownership tags (package owner), never by their names.
func SweepWorkspaces(ctx context.Context, c *conns.Client, prefix string) error {
	ctx, cancel := context.WithTimeout(ctx, sweepTimeout)
	defer cancel()
	conn := c.FSx()
	var errs []error

	var fss []fsxtypes.FileSystem
	p := fsx.NewDescribeFileSystemsPaginator(conn, &fsx.DescribeFileSystemsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing FSx file systems: %w", err)
		}
		for _, fs := range page.FileSystems {
			if sweepableFileSystem(fs, prefix) {
				fss = append(fss, fs)
			}
		}
	}

	// Associations first, all of them started before waiting for any.
	var dras []string
	for _, fs := range fss {
		id := aws.ToString(fs.FileSystemId)
		assocs, err := FindAssociationsByFileSystemID(ctx, conn, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("listing data repository associations of %s: %w", id, err))
			continue
		}
		for _, a := range assocs {
			aid := aws.ToString(a.AssociationId)
			log.Printf("[INFO] sweeper %s: deleting data repository association %s of %s", SweeperName, aid, id)
			_, err := conn.DeleteDataRepositoryAssociation(ctx, &fsx.DeleteDataRepositoryAssociationInput{
				AssociationId: aws.String(aid), DeleteDataInFileSystem: aws.Bool(false),
			})
			var nf *fsxtypes.DataRepositoryAssociationNotFound
			if err != nil && !errors.As(err, &nf) {
				errs = append(errs, fmt.Errorf("deleting data repository association %s of %s: %w", aid, id, err))
				continue
			}
			dras = append(dras, aid)
		}
	}
	for _, aid := range dras {
		if err := WaitAssociationDeleted(ctx, c, aid); err != nil {
			errs = append(errs, fmt.Errorf("waiting for data repository association %s delete: %w", aid, err))
		}
	}

	var deleting []string
	for _, fs := range fss {
		id := aws.ToString(fs.FileSystemId)
		log.Printf("[INFO] sweeper %s: deleting FSx for Lustre file system %s", SweeperName, id)
		_, err := conn.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(id)})
		var nf *fsxtypes.FileSystemNotFound
		if err != nil && !errors.As(err, &nf) {
			errs = append(errs, fmt.Errorf("deleting FSx for Lustre file system %s: %w", id, err))
			continue
		}
		deleting = append(deleting, id)
	}
	for _, id := range deleting {
		if err := WaitFileSystemDeleted(ctx, c, id); err != nil {
			errs = append(errs, fmt.Errorf("waiting for FSx for Lustre file system %s delete: %w", id, err))
		}
	}

	if err := sweepSecurityGroups(ctx, c, prefix); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func sweepSecurityGroups(ctx context.Context, c *conns.Client, prefix string) error {
	var errs []error
	// EC2 filter tag-key (DescribeSecurityGroups in the EC2 API model): only groups with an owner tag.
	p := ec2.NewDescribeSecurityGroupsPaginator(c.EC2(), &ec2.DescribeSecurityGroupsInput{
		Filters: []ec2types.Filter{{Name: aws.String("tag-key"), Values: []string{owner.TagOwner}}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing security groups: %w", err)
		}
		for _, g := range page.SecurityGroups {
			if !sweepableSecurityGroup(g, prefix) {
				continue
			}
			id := aws.ToString(g.GroupId)
			log.Printf("[INFO] sweeper %s: deleting security group %s (%s)", SweeperName, id, aws.ToString(g.GroupName))
			if err := deleteSecurityGroup(ctx, c, id); err != nil {
				errs = append(errs, fmt.Errorf("deleting security group %s: %w", id, err))
			}
		}
	}
	return errors.Join(errs...)
}
