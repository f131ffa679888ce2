// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

// secrets are the write-only values, read from the configuration.
type secrets struct {
	SMBPassword string
	SecretKey   string
}

func agentList(ctx context.Context, l types.List) ([]string, diag.Diagnostics) {
	return stringList(ctx, l)
}

func diagErr(d diag.Diagnostics) error {
	if !d.HasError() {
		return nil
	}
	e := d.Errors()[0]
	return errors.New(e.Summary() + ": " + e.Detail())
}

func s3Input(s *s3Model, tags []dstypes.TagListEntry) *datasync.CreateLocationS3Input {
	return &datasync.CreateLocationS3Input{
		S3BucketArn:    aws.String(s.BucketARN.ValueString()),
		Subdirectory:   optString(s.Subdirectory),
		S3Config:       &dstypes.S3Config{BucketAccessRoleArn: aws.String(s.BucketAccessRoleARN.ValueString())},
		S3StorageClass: dstypes.S3StorageClass(s.StorageClass.ValueString()),
		Tags:           tags,
	}
}

// createSource creates the source location and returns its ARN.
func createSource(ctx context.Context, c *datasync.Client, m *sourceModel, sec secrets, tags map[string]string) (string, error) {
	t := tagEntries(tags)
	switch {
	case m.NFS != nil:
		agents, d := agentList(ctx, m.NFS.AgentARNs)
		if err := diagErr(d); err != nil {
			return "", err
		}
		out, err := c.CreateLocationNfs(ctx, &datasync.CreateLocationNfsInput{
			ServerHostname: aws.String(m.NFS.ServerHostname.ValueString()),
			Subdirectory:   aws.String(m.NFS.Subdirectory.ValueString()),
			OnPremConfig:   &dstypes.OnPremConfig{AgentArns: agents},
			MountOptions:   &dstypes.NfsMountOptions{Version: dstypes.NfsVersion(m.NFS.MountVersion.ValueString())},
			Tags:           t,
		})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.LocationArn), nil
	case m.SMB != nil:
		agents, d := agentList(ctx, m.SMB.AgentARNs)
		if err := diagErr(d); err != nil {
			return "", err
		}
		out, err := c.CreateLocationSmb(ctx, &datasync.CreateLocationSmbInput{
			ServerHostname:     aws.String(m.SMB.ServerHostname.ValueString()),
			Subdirectory:       aws.String(m.SMB.Subdirectory.ValueString()),
			User:               aws.String(m.SMB.User.ValueString()),
			Password:           aws.String(sec.SMBPassword),
			Domain:             optString(m.SMB.Domain),
			AgentArns:          agents,
			AuthenticationType: dstypes.SmbAuthenticationTypeNtlm,
			Tags:               t,
		})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.LocationArn), nil
	case m.S3 != nil:
		out, err := c.CreateLocationS3(ctx, s3Input(m.S3, t))
		if err != nil {
			return "", err
		}
		return aws.ToString(out.LocationArn), nil
	case m.ObjectStorage != nil:
		o := m.ObjectStorage
		agents, d := agentList(ctx, o.AgentARNs)
		if err := diagErr(d); err != nil {
			return "", err
		}
		in := &datasync.CreateLocationObjectStorageInput{
			ServerHostname: aws.String(o.ServerHostname.ValueString()),
			ServerProtocol: dstypes.ObjectStorageServerProtocol(o.ServerProtocol.ValueString()),
			BucketName:     aws.String(o.BucketName.ValueString()),
			Subdirectory:   optString(o.Subdirectory),
			AccessKey:      optString(o.AccessKey),
			AgentArns:      agents,
			Tags:           t,
		}
		if !o.ServerPort.IsNull() && !o.ServerPort.IsUnknown() {
			in.ServerPort = aws.Int32(int32(o.ServerPort.ValueInt64()))
		}
		if sec.SecretKey != "" {
			in.SecretKey = aws.String(sec.SecretKey)
		}
		out, err := c.CreateLocationObjectStorage(ctx, in)
		if err != nil {
			return "", err
		}
		return aws.ToString(out.LocationArn), nil
	}
	return "", errors.New("source has none of nfs, smb, s3, object_storage")
}

// lustreFileSystemARN resolves the destination file system: the ARN as given, or the workspace's
// (its FSx file system's) ARN.
func lustreFileSystemARN(ctx context.Context, client *conns.Client, l *lustreModel) (string, error) {
	if !l.FileSystemARN.IsNull() && l.FileSystemARN.ValueString() != "" {
		return l.FileSystemARN.ValueString(), nil
	}
	id := l.WorkspaceID.ValueString()
	out, err := client.FSx().DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{id}})
	if err != nil {
		return "", fmt.Errorf("looking up Lustre workspace %s: %w", id, err)
	}
	if len(out.FileSystems) == 0 {
		return "", fmt.Errorf("no Lustre workspace %s: check destination.lustre.workspace_id", id)
	}
	return aws.ToString(out.FileSystems[0].ResourceARN), nil
}

// createDestination creates the destination location and returns its ARN.
func createDestination(ctx context.Context, client *conns.Client, m *destinationModel, tags map[string]string) (string, error) {
	c := client.DataSync()
	t := tagEntries(tags)
	switch {
	case m.S3 != nil:
		out, err := c.CreateLocationS3(ctx, s3Input(m.S3, t))
		if err != nil {
			return "", err
		}
		return aws.ToString(out.LocationArn), nil
	case m.Lustre != nil:
		fsARN, err := lustreFileSystemARN(ctx, client, m.Lustre)
		if err != nil {
			return "", err
		}
		sgs, d := stringList(ctx, m.Lustre.SecurityGroupARNs)
		if err := diagErr(d); err != nil {
			return "", err
		}
		out, err := c.CreateLocationFsxLustre(ctx, &datasync.CreateLocationFsxLustreInput{
			FsxFilesystemArn:  aws.String(fsARN),
			SecurityGroupArns: sgs,
			Subdirectory:      optString(m.Lustre.Subdirectory),
			Tags:              t,
		})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.LocationArn), nil
	}
	return "", errors.New("destination has neither s3 nor lustre")
}

func s3NeedsReplace(plan, state *s3Model) bool {
	return !plan.BucketARN.Equal(state.BucketARN)
}

// sourceNeedsReplace reports a change DataSync cannot make to the existing source location.
func sourceNeedsReplace(plan, state *sourceModel) bool {
	switch {
	case plan == nil || state == nil:
		return plan != state
	case (plan.NFS == nil) != (state.NFS == nil), (plan.SMB == nil) != (state.SMB == nil),
		(plan.S3 == nil) != (state.S3 == nil), (plan.ObjectStorage == nil) != (state.ObjectStorage == nil):
		return true
	case plan.S3 != nil:
		return s3NeedsReplace(plan.S3, state.S3)
	case plan.ObjectStorage != nil:
		return !plan.ObjectStorage.BucketName.Equal(state.ObjectStorage.BucketName)
	}
	return false // NFS and SMB locations are updated in place entirely
}

// destinationNeedsReplace reports a change DataSync cannot make to the existing destination location.
func destinationNeedsReplace(plan, state *destinationModel) bool {
	switch {
	case plan == nil || state == nil:
		return plan != state
	case (plan.S3 == nil) != (state.S3 == nil), (plan.Lustre == nil) != (state.Lustre == nil):
		return true
	case plan.S3 != nil:
		return s3NeedsReplace(plan.S3, state.S3)
	case plan.Lustre != nil:
		// The file system may be named by workspace ID or by ARN: only a different file system (or
		// different security groups) needs a new location, not a switch between the two spellings.
		return plan.Lustre.fileSystemID() != state.Lustre.fileSystemID() ||
			!plan.Lustre.SecurityGroupARNs.Equal(state.Lustre.SecurityGroupARNs)
	}
	return false
}

func s3Changed(plan, state *s3Model) bool {
	return !plan.Subdirectory.Equal(state.Subdirectory) || !plan.BucketAccessRoleARN.Equal(state.BucketAccessRoleARN) ||
		!plan.StorageClass.Equal(state.StorageClass)
}

func updateS3(ctx context.Context, c *datasync.Client, arn string, plan *s3Model) error {
	sub := plan.Subdirectory.ValueString()
	if plan.Subdirectory.IsNull() {
		sub = "/"
	}
	_, err := c.UpdateLocationS3(ctx, &datasync.UpdateLocationS3Input{
		LocationArn:    aws.String(arn),
		Subdirectory:   aws.String(sub),
		S3Config:       &dstypes.S3Config{BucketAccessRoleArn: aws.String(plan.BucketAccessRoleARN.ValueString())},
		S3StorageClass: dstypes.S3StorageClass(plan.StorageClass.ValueString()),
	})
	return err
}

// updateSource applies in-place changes to the source location. It reports whether it called the API.
func updateSource(ctx context.Context, c *datasync.Client, arn string, plan, state *sourceModel, sec secrets, sendPassword, sendSecret bool) (bool, error) {
	switch {
	case plan.NFS != nil:
		p, s := plan.NFS, state.NFS
		if p.ServerHostname.Equal(s.ServerHostname) && p.Subdirectory.Equal(s.Subdirectory) && p.AgentARNs.Equal(s.AgentARNs) && p.MountVersion.Equal(s.MountVersion) {
			return false, nil
		}
		agents, d := agentList(ctx, p.AgentARNs)
		if err := diagErr(d); err != nil {
			return false, err
		}
		_, err := c.UpdateLocationNfs(ctx, &datasync.UpdateLocationNfsInput{
			LocationArn:    aws.String(arn),
			ServerHostname: aws.String(p.ServerHostname.ValueString()),
			Subdirectory:   aws.String(p.Subdirectory.ValueString()),
			OnPremConfig:   &dstypes.OnPremConfig{AgentArns: agents},
			MountOptions:   &dstypes.NfsMountOptions{Version: dstypes.NfsVersion(p.MountVersion.ValueString())},
		})
		return true, err
	case plan.SMB != nil:
		p, s := plan.SMB, state.SMB
		if p.ServerHostname.Equal(s.ServerHostname) && p.Subdirectory.Equal(s.Subdirectory) && p.AgentARNs.Equal(s.AgentARNs) &&
			p.User.Equal(s.User) && p.Domain.Equal(s.Domain) && !sendPassword {
			return false, nil
		}
		agents, d := agentList(ctx, p.AgentARNs)
		if err := diagErr(d); err != nil {
			return false, err
		}
		in := &datasync.UpdateLocationSmbInput{
			LocationArn:    aws.String(arn),
			ServerHostname: aws.String(p.ServerHostname.ValueString()),
			Subdirectory:   aws.String(p.Subdirectory.ValueString()),
			User:           aws.String(p.User.ValueString()),
			Domain:         aws.String(p.Domain.ValueString()),
			AgentArns:      agents,
		}
		if sendPassword {
			in.Password = aws.String(sec.SMBPassword)
		}
		_, err := c.UpdateLocationSmb(ctx, in)
		return true, err
	case plan.S3 != nil:
		if !s3Changed(plan.S3, state.S3) {
			return false, nil
		}
		return true, updateS3(ctx, c, arn, plan.S3)
	case plan.ObjectStorage != nil:
		p, s := plan.ObjectStorage, state.ObjectStorage
		if p.ServerHostname.Equal(s.ServerHostname) && p.ServerPort.Equal(s.ServerPort) && p.ServerProtocol.Equal(s.ServerProtocol) &&
			p.Subdirectory.Equal(s.Subdirectory) && p.AccessKey.Equal(s.AccessKey) && p.AgentARNs.Equal(s.AgentARNs) && !sendSecret {
			return false, nil
		}
		agents, d := agentList(ctx, p.AgentARNs)
		if err := diagErr(d); err != nil {
			return false, err
		}
		in := &datasync.UpdateLocationObjectStorageInput{
			LocationArn:    aws.String(arn),
			ServerHostname: aws.String(p.ServerHostname.ValueString()),
			ServerProtocol: dstypes.ObjectStorageServerProtocol(p.ServerProtocol.ValueString()),
			Subdirectory:   aws.String(p.Subdirectory.ValueString()),
			AccessKey:      optString(p.AccessKey),
			AgentArns:      agents,
		}
		if !p.ServerPort.IsNull() && !p.ServerPort.IsUnknown() {
			in.ServerPort = aws.Int32(int32(p.ServerPort.ValueInt64()))
		}
		if sendSecret {
			in.SecretKey = aws.String(sec.SecretKey)
		}
		_, err := c.UpdateLocationObjectStorage(ctx, in)
		return true, err
	}
	return false, nil
}

// updateDestination applies in-place changes to the destination location.
func updateDestination(ctx context.Context, c *datasync.Client, arn string, plan, state *destinationModel) (bool, error) {
	switch {
	case plan.S3 != nil:
		if !s3Changed(plan.S3, state.S3) {
			return false, nil
		}
		return true, updateS3(ctx, c, arn, plan.S3)
	case plan.Lustre != nil:
		if plan.Lustre.Subdirectory.Equal(state.Lustre.Subdirectory) {
			return false, nil
		}
		sub := plan.Lustre.Subdirectory.ValueString()
		if plan.Lustre.Subdirectory.IsNull() {
			sub = "/"
		}
		_, err := c.UpdateLocationFsxLustre(ctx, &datasync.UpdateLocationFsxLustreInput{LocationArn: aws.String(arn), Subdirectory: aws.String(sub)})
		return true, err
	}
	return false, nil
}

// readSource refreshes the source model from DataSync. With a nil model (import) it finds the kind of
// location from its URI.
func readSource(ctx context.Context, c *datasync.Client, arn string, m *sourceModel) (*sourceModel, error) {
	if m == nil {
		uri, err := findLocationURI(ctx, c, arn)
		if err != nil {
			return nil, err
		}
		m = &sourceModel{}
		switch locationKindFromURI(uri) {
		case "nfs":
			m.NFS = &nfsModel{Subdirectory: types.StringNull()}
		case "smb":
			m.SMB = &smbModel{Subdirectory: types.StringNull(), PasswordVersion: types.Int64Null()}
		case "s3":
			m.S3 = &s3Model{Subdirectory: types.StringNull()}
		case "object-storage":
			m.ObjectStorage = &objectStorageModel{Subdirectory: types.StringNull(), AgentARNs: types.ListNull(types.StringType), SecretKeyVersion: types.Int64Null()}
		default:
			return nil, fmt.Errorf("DataSync location %s (%s) is not a kind this resource manages as a source", arn, uri)
		}
	}
	var d diag.Diagnostics
	switch {
	case m.NFS != nil:
		out, err := c.DescribeLocationNfs(ctx, &datasync.DescribeLocationNfsInput{LocationArn: aws.String(arn)})
		if err != nil {
			return nil, notFound("location", arn, err)
		}
		d = m.NFS.flatten(ctx, out)
	case m.SMB != nil:
		out, err := c.DescribeLocationSmb(ctx, &datasync.DescribeLocationSmbInput{LocationArn: aws.String(arn)})
		if err != nil {
			return nil, notFound("location", arn, err)
		}
		d = m.SMB.flatten(ctx, out)
	case m.S3 != nil:
		out, err := c.DescribeLocationS3(ctx, &datasync.DescribeLocationS3Input{LocationArn: aws.String(arn)})
		if err != nil {
			return nil, notFound("location", arn, err)
		}
		m.S3.flatten(out)
	case m.ObjectStorage != nil:
		out, err := c.DescribeLocationObjectStorage(ctx, &datasync.DescribeLocationObjectStorageInput{LocationArn: aws.String(arn)})
		if err != nil {
			return nil, notFound("location", arn, err)
		}
		d = m.ObjectStorage.flatten(ctx, out)
	}
	return m, diagErr(d)
}

// readDestination refreshes the destination model from DataSync (see readSource).
func readDestination(ctx context.Context, c *datasync.Client, arn string, m *destinationModel) (*destinationModel, error) {
	if m == nil {
		uri, err := findLocationURI(ctx, c, arn)
		if err != nil {
			return nil, err
		}
		m = &destinationModel{}
		switch locationKindFromURI(uri) {
		case "s3":
			m.S3 = &s3Model{Subdirectory: types.StringNull()}
		case "fsxl":
			m.Lustre = &lustreModel{WorkspaceID: types.StringNull(), Subdirectory: types.StringNull()}
		default:
			return nil, fmt.Errorf("DataSync location %s (%s) is not a kind this resource manages as a destination", arn, uri)
		}
	}
	switch {
	case m.S3 != nil:
		out, err := c.DescribeLocationS3(ctx, &datasync.DescribeLocationS3Input{LocationArn: aws.String(arn)})
		if err != nil {
			return nil, notFound("location", arn, err)
		}
		m.S3.flatten(out)
	case m.Lustre != nil:
		out, err := c.DescribeLocationFsxLustre(ctx, &datasync.DescribeLocationFsxLustreInput{LocationArn: aws.String(arn)})
		if err != nil {
			return nil, notFound("location", arn, err)
		}
		if err := diagErr(m.Lustre.flatten(ctx, out)); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// deleteLocation deletes a location; one that is already gone is fine.
func deleteLocation(ctx context.Context, c *datasync.Client, arn string) error {
	if arn == "" {
		return nil
	}
	_, err := c.DeleteLocation(ctx, &datasync.DeleteLocationInput{LocationArn: aws.String(arn)})
	if err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

// fileSystemID is the FSx file system the destination names, through workspace_id or file_system_arn.
func (l *lustreModel) fileSystemID() string {
	if id := l.WorkspaceID.ValueString(); id != "" {
		return id
	}
	arn := l.FileSystemARN.ValueString()
	return arn[strings.LastIndex(arn, "/")+1:]
}
