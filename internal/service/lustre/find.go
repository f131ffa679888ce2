// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// FSxAPI is the part of *fsx.Client the finders and waiters use (a *fsx.Client satisfies it).
type FSxAPI interface {
	DescribeFileSystems(ctx context.Context, in *fsx.DescribeFileSystemsInput, optFns ...func(*fsx.Options)) (*fsx.DescribeFileSystemsOutput, error)
	DescribeDataRepositoryAssociations(ctx context.Context, in *fsx.DescribeDataRepositoryAssociationsInput, optFns ...func(*fsx.Options)) (*fsx.DescribeDataRepositoryAssociationsOutput, error)
}

// FindFileSystemByID returns the FSx for Lustre file system with the given ID, or a wait.NotFoundError.
func FindFileSystemByID(ctx context.Context, conn FSxAPI, id string) (*fsxtypes.FileSystem, error) {
	out, err := conn.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{id}})
	var nf *fsxtypes.FileSystemNotFound
	if errors.As(err, &nf) {
		return nil, wait.NewNotFound(fmt.Sprintf("FSx for Lustre file system (%s)", id), err)
	}
	if err != nil {
		return nil, err
	}
	for i := range out.FileSystems {
		fs := out.FileSystems[i]
		if aws.ToString(fs.FileSystemId) == id {
			if fs.FileSystemType != fsxtypes.FileSystemTypeLustre {
				return nil, fmt.Errorf("file system %s is an FSx for %s file system, not FSx for Lustre", id, fs.FileSystemType)
			}
			return &fs, nil
		}
	}
	return nil, wait.NewNotFound(fmt.Sprintf("FSx for Lustre file system (%s)", id), nil)
}

// FindAssociationsByFileSystemID returns the data repository associations of a file system (all pages),
// in the order FSx lists them, leaving out those being deleted.
func FindAssociationsByFileSystemID(ctx context.Context, conn FSxAPI, fsID string) ([]fsxtypes.DataRepositoryAssociation, error) {
	in := &fsx.DescribeDataRepositoryAssociationsInput{
		Filters: []fsxtypes.Filter{{Name: fsxtypes.FilterNameFileSystemId, Values: []string{fsID}}},
	}
	var out []fsxtypes.DataRepositoryAssociation
	for {
		page, err := conn.DescribeDataRepositoryAssociations(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, a := range page.Associations {
			if aws.ToString(a.FileSystemId) != fsID || a.Lifecycle == fsxtypes.DataRepositoryLifecycleDeleting {
				continue
			}
			out = append(out, a)
		}
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// FindAssociationByID returns one data repository association, or a wait.NotFoundError.
func FindAssociationByID(ctx context.Context, conn FSxAPI, id string) (*fsxtypes.DataRepositoryAssociation, error) {
	out, err := conn.DescribeDataRepositoryAssociations(ctx, &fsx.DescribeDataRepositoryAssociationsInput{AssociationIds: []string{id}})
	var nf *fsxtypes.DataRepositoryAssociationNotFound
	if errors.As(err, &nf) {
		return nil, wait.NewNotFound(fmt.Sprintf("FSx data repository association (%s)", id), err)
	}
	if err != nil {
		return nil, err
	}
	for i := range out.Associations {
		if aws.ToString(out.Associations[i].AssociationId) == id {
			return &out.Associations[i], nil
		}
	}
	return nil, wait.NewNotFound(fmt.Sprintf("FSx data repository association (%s)", id), nil)
}
