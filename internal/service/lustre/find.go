// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
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

// findOwnedFileSystem returns the file system that carries the owner's tags and is not being deleted, or
// nil; several are an error naming them.
func findOwnedFileSystem(ctx context.Context, conn *fsx.Client, o owner.ID) (*fsxtypes.FileSystem, error) {
	var found []fsxtypes.FileSystem
	p := fsx.NewDescribeFileSystemsPaginator(conn, &fsx.DescribeFileSystemsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("looking for a file system this workspace made: %w", err)
		}
		for _, fs := range page.FileSystems {
			if fs.FileSystemType == fsxtypes.FileSystemTypeLustre && fs.Lifecycle != fsxtypes.FileSystemLifecycleDeleting &&
				o.Owns(conns.FSxTagMap(fs.Tags), partFileSystem) {
				found = append(found, fs)
			}
		}
	}
	fs, ok, err := owner.One(found, func(fs fsxtypes.FileSystem) string { return aws.ToString(fs.FileSystemId) }, "FSx for Lustre file system")
	if err != nil || !ok {
		return nil, err
	}
	return &fs, nil
}

// findOwnedSecurityGroups returns the groups in the VPC that carry the owner's security-group tags.
func findOwnedSecurityGroups(ctx context.Context, conn *ec2.Client, o owner.ID, vpcID string) ([]ec2types.SecurityGroup, error) {
	filters := []ec2types.Filter{
		{Name: aws.String("tag:" + owner.TagOwner), Values: []string{o.Value()}},
		{Name: aws.String("tag:" + owner.TagPart), Values: []string{partSecurityGroup}},
	}
	if vpcID != "" {
		filters = append(filters, ec2types.Filter{Name: aws.String("vpc-id"), Values: []string{vpcID}})
	}
	var out []ec2types.SecurityGroup
	p := ec2.NewDescribeSecurityGroupsPaginator(conn, &ec2.DescribeSecurityGroupsInput{Filters: filters})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("looking for the security group this workspace made: %w", err)
		}
		out = append(out, page.SecurityGroups...)
	}
	return out, nil
}

// findWorkspaceGroup finds the group a workspace created (import): by ownership tags, or by the file
// system tag older versions set. "" when there is none.
func findWorkspaceGroup(ctx context.Context, conn *ec2.Client, o owner.ID, fsID string) (string, error) {
	groups, err := findOwnedSecurityGroups(ctx, conn, o, "")
	if err != nil {
		return "", err
	}
	if len(groups) == 0 {
		out, err := conn.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
			{Name: aws.String("tag:" + fileSystemTagKey), Values: []string{fsID}},
		}})
		if err != nil {
			return "", err
		}
		groups = out.SecurityGroups
	}
	g, ok, err := owner.One(groups, func(g ec2types.SecurityGroup) string { return aws.ToString(g.GroupId) }, "security group")
	if err != nil || !ok {
		return "", err
	}
	return aws.ToString(g.GroupId), nil
}
