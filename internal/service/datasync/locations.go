// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/awserr"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

func optString(v string) *string {
	if v == "" {
		return nil
	}
	return aws.String(v)
}

func s3Input(s *S3, tags []dstypes.TagListEntry) *datasync.CreateLocationS3Input {
	return &datasync.CreateLocationS3Input{
		S3BucketArn:    aws.String(s.BucketARN),
		Subdirectory:   optString(s.Subdirectory),
		S3Config:       &dstypes.S3Config{BucketAccessRoleArn: aws.String(s.BucketAccessRoleARN)},
		S3StorageClass: dstypes.S3StorageClass(s.StorageClass),
		Tags:           tags,
	}
}

// createSource creates the source location and returns its ARN.
func createSource(ctx context.Context, c *datasync.Client, s Source, tags map[string]string) (string, error) {
	t := conns.DataSyncTags(tags)
	var arn *string
	var err error
	switch {
	case s.NFS != nil:
		var out *datasync.CreateLocationNfsOutput
		out, err = c.CreateLocationNfs(ctx, &datasync.CreateLocationNfsInput{
			ServerHostname: aws.String(s.NFS.ServerHostname),
			Subdirectory:   aws.String(s.NFS.Subdirectory),
			OnPremConfig:   &dstypes.OnPremConfig{AgentArns: s.NFS.AgentARNs},
			MountOptions:   &dstypes.NfsMountOptions{Version: dstypes.NfsVersion(s.NFS.MountVersion)},
			Tags:           t,
		})
		if err == nil {
			arn = out.LocationArn
		}
	case s.SMB != nil:
		var out *datasync.CreateLocationSmbOutput
		out, err = c.CreateLocationSmb(ctx, &datasync.CreateLocationSmbInput{
			ServerHostname: aws.String(s.SMB.ServerHostname), Subdirectory: aws.String(s.SMB.Subdirectory),
			User: aws.String(s.SMB.User), Password: aws.String(s.SMB.Password), Domain: optString(s.SMB.Domain),
			AgentArns: s.SMB.AgentARNs, AuthenticationType: dstypes.SmbAuthenticationTypeNtlm, Tags: t,
		})
		if err == nil {
			arn = out.LocationArn
		}
	case s.S3 != nil:
		var out *datasync.CreateLocationS3Output
		out, err = c.CreateLocationS3(ctx, s3Input(s.S3, t))
		if err == nil {
			arn = out.LocationArn
		}
	case s.ObjectStorage != nil:
		var out *datasync.CreateLocationObjectStorageOutput
		out, err = c.CreateLocationObjectStorage(ctx, objectStorageInput(s.ObjectStorage, t))
		if err == nil {
			arn = out.LocationArn
		}
	default:
		return "", errors.New("source has none of nfs, smb, s3, object_storage")
	}
	if err != nil {
		return "", err
	}
	return aws.ToString(arn), nil
}

func objectStorageInput(o *ObjectStorage, tags []dstypes.TagListEntry) *datasync.CreateLocationObjectStorageInput {
	in := &datasync.CreateLocationObjectStorageInput{
		ServerHostname: aws.String(o.ServerHostname),
		ServerProtocol: dstypes.ObjectStorageServerProtocol(o.ServerProtocol),
		BucketName:     aws.String(o.BucketName),
		Subdirectory:   optString(o.Subdirectory),
		AccessKey:      optString(o.AccessKey),
		SecretKey:      optString(o.SecretKey),
		AgentArns:      o.AgentARNs,
		Tags:           tags,
	}
	if o.ServerPort > 0 {
		in.ServerPort = aws.Int32(o.ServerPort)
	}
	return in
}

// lustreFileSystemARN resolves the destination file system: the ARN as given, or the workspace's
// (its FSx file system's) ARN.
func lustreFileSystemARN(ctx context.Context, client *conns.Client, l *Lustre) (string, error) {
	if l.FileSystemARN != "" {
		return l.FileSystemARN, nil
	}
	id := l.WorkspaceID
	out, err := client.FSx().DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{id}})
	if err != nil {
		return "", fmt.Errorf("looking up Lustre workspace %s: %w", id, err)
	}
	if len(out.FileSystems) == 0 {
		return "", fmt.Errorf("no Lustre workspace %s: check destination.lustre.workspace_id", id)
	}
	return aws.ToString(out.FileSystems[0].ResourceARN), nil
}

// checkLustreDestination checks, before anything is created, what CreateLocationFsxLustre needs: an
// AVAILABLE file system and security groups that exist (DataSync reaches the file system through
// network interfaces with those groups; CreateLocationFsxLustre, SecurityGroupArns, datasync
// 2018-11-09 service-2.json).
func checkLustreDestination(ctx context.Context, client *conns.Client, l *Lustre) error {
	id := l.fileSystemID()
	out, err := client.FSx().DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{id}})
	switch {
	case awserr.Is(err, "FileSystemNotFound") || (err == nil && len(out.FileSystems) == 0):
		return fmt.Errorf("destination.lustre: file system %s does not exist", id)
	case err != nil:
		return fmt.Errorf("looking up destination file system %s: %w", id, err)
	}
	if lc := out.FileSystems[0].Lifecycle; lc != fsxtypes.FileSystemLifecycleAvailable {
		return fmt.Errorf("destination.lustre: file system %s is %s; DataSync can use only an AVAILABLE file system", id, lc)
	}
	ids := make([]string, 0, len(l.SecurityGroupARNs))
	for _, a := range l.SecurityGroupARNs {
		ids = append(ids, a[strings.LastIndex(a, "/")+1:])
	}
	if _, err := client.EC2().DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: ids}); err != nil {
		if awserr.Is(err, "InvalidGroup.NotFound", "InvalidGroupId.NotFound", "InvalidGroupId.Malformed") {
			return fmt.Errorf("destination.lustre.security_group_arns: %w", err)
		}
		return fmt.Errorf("looking up destination.lustre.security_group_arns: %w", err)
	}
	return nil
}

// createDestination creates the destination location and returns its ARN.
func createDestination(ctx context.Context, client *conns.Client, d Destination, tags map[string]string) (string, error) {
	c := client.DataSync()
	t := conns.DataSyncTags(tags)
	switch {
	case d.S3 != nil:
		out, err := c.CreateLocationS3(ctx, s3Input(d.S3, t))
		if err != nil {
			return "", err
		}
		return aws.ToString(out.LocationArn), nil
	case d.Lustre != nil:
		fsARN, err := lustreFileSystemARN(ctx, client, d.Lustre)
		if err != nil {
			return "", err
		}
		out, err := c.CreateLocationFsxLustre(ctx, &datasync.CreateLocationFsxLustreInput{
			FsxFilesystemArn:  aws.String(fsARN),
			SecurityGroupArns: d.Lustre.SecurityGroupARNs,
			Subdirectory:      optString(d.Lustre.Subdirectory),
			Tags:              t,
		})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.LocationArn), nil
	}
	return "", errors.New("destination has neither s3 nor lustre")
}

// orRoot is a subdirectory as the update calls send it: "/" for none.
func orRoot(sub string) string {
	if sub == "" {
		return "/"
	}
	return sub
}

func updateS3(ctx context.Context, c *datasync.Client, arn string, from, to *S3) error {
	if *from == *to {
		return nil
	}
	_, err := c.UpdateLocationS3(ctx, &datasync.UpdateLocationS3Input{
		LocationArn:    aws.String(arn),
		Subdirectory:   aws.String(orRoot(to.Subdirectory)),
		S3Config:       &dstypes.S3Config{BucketAccessRoleArn: aws.String(to.BucketAccessRoleARN)},
		S3StorageClass: dstypes.S3StorageClass(to.StorageClass),
	})
	return err
}

// updateSource applies in-place changes to the source location; it calls the API only when a setting
// (or the version of a write-only secret) changed.
func updateSource(ctx context.Context, c *datasync.Client, arn string, from, to Source) error {
	switch {
	case to.NFS != nil:
		return updateNFS(ctx, c, arn, from.NFS, to.NFS)
	case to.SMB != nil:
		return updateSMB(ctx, c, arn, from.SMB, to.SMB)
	case to.S3 != nil:
		return updateS3(ctx, c, arn, from.S3, to.S3)
	case to.ObjectStorage != nil:
		return updateObjectStorage(ctx, c, arn, from.ObjectStorage, to.ObjectStorage)
	}
	return nil
}

func updateNFS(ctx context.Context, c *datasync.Client, arn string, from, to *NFS) error {
	if from.ServerHostname == to.ServerHostname && from.Subdirectory == to.Subdirectory &&
		slices.Equal(from.AgentARNs, to.AgentARNs) && from.MountVersion == to.MountVersion {
		return nil
	}
	_, err := c.UpdateLocationNfs(ctx, &datasync.UpdateLocationNfsInput{
		LocationArn:    aws.String(arn),
		ServerHostname: aws.String(to.ServerHostname),
		Subdirectory:   aws.String(to.Subdirectory),
		OnPremConfig:   &dstypes.OnPremConfig{AgentArns: to.AgentARNs},
		MountOptions:   &dstypes.NfsMountOptions{Version: dstypes.NfsVersion(to.MountVersion)},
	})
	return err
}

func updateSMB(ctx context.Context, c *datasync.Client, arn string, from, to *SMB) error {
	sendPassword := from.PasswordVersion != to.PasswordVersion
	if from.ServerHostname == to.ServerHostname && from.Subdirectory == to.Subdirectory && slices.Equal(from.AgentARNs, to.AgentARNs) &&
		from.User == to.User && from.Domain == to.Domain && !sendPassword {
		return nil
	}
	in := &datasync.UpdateLocationSmbInput{
		LocationArn:    aws.String(arn),
		ServerHostname: aws.String(to.ServerHostname),
		Subdirectory:   aws.String(to.Subdirectory),
		User:           aws.String(to.User),
		Domain:         aws.String(to.Domain),
		AgentArns:      to.AgentARNs,
	}
	if sendPassword {
		in.Password = aws.String(to.Password)
	}
	_, err := c.UpdateLocationSmb(ctx, in)
	return err
}

func updateObjectStorage(ctx context.Context, c *datasync.Client, arn string, from, to *ObjectStorage) error {
	sendSecret := from.SecretKeyVersion != to.SecretKeyVersion
	samePort := to.ServerPort == 0 || from.ServerPort == to.ServerPort
	if from.ServerHostname == to.ServerHostname && samePort && from.ServerProtocol == to.ServerProtocol &&
		from.Subdirectory == to.Subdirectory && from.AccessKey == to.AccessKey && slices.Equal(from.AgentARNs, to.AgentARNs) && !sendSecret {
		return nil
	}
	in := &datasync.UpdateLocationObjectStorageInput{
		LocationArn:    aws.String(arn),
		ServerHostname: aws.String(to.ServerHostname),
		ServerProtocol: dstypes.ObjectStorageServerProtocol(to.ServerProtocol),
		Subdirectory:   aws.String(to.Subdirectory),
		AccessKey:      optString(to.AccessKey),
		AgentArns:      to.AgentARNs,
	}
	if to.ServerPort > 0 {
		in.ServerPort = aws.Int32(to.ServerPort)
	}
	if sendSecret {
		in.SecretKey = aws.String(to.SecretKey)
	}
	_, err := c.UpdateLocationObjectStorage(ctx, in)
	return err
}

// updateDestination applies in-place changes to the destination location.
func updateDestination(ctx context.Context, c *datasync.Client, arn string, from, to Destination) error {
	switch {
	case to.S3 != nil:
		return updateS3(ctx, c, arn, from.S3, to.S3)
	case to.Lustre != nil:
		if from.Lustre.Subdirectory == to.Lustre.Subdirectory {
			return nil
		}
		_, err := c.UpdateLocationFsxLustre(ctx, &datasync.UpdateLocationFsxLustreInput{
			LocationArn: aws.String(arn), Subdirectory: aws.String(orRoot(to.Lustre.Subdirectory)),
		})
		return err
	}
	return nil
}

// readSource reads the source location. Its kind comes from prior, or (on import, when prior has no
// kind) from the location's URI. The settings are DataSync's: subdirectories as its URIs spell them.
func readSource(ctx context.Context, c *datasync.Client, arn string, prior Source) (Source, error) {
	if prior == (Source{}) {
		uri, err := findLocationURI(ctx, c, arn)
		if err != nil {
			return prior, err
		}
		switch locationKindFromURI(uri) {
		case "nfs":
			prior.NFS = &NFS{}
		case "smb":
			prior.SMB = &SMB{}
		case "s3":
			prior.S3 = &S3{}
		case "object-storage":
			prior.ObjectStorage = &ObjectStorage{}
		default:
			return prior, fmt.Errorf("DataSync location %s (%s) is not a kind this resource manages as a source", arn, uri)
		}
	}
	var out Source
	var err error
	switch {
	case prior.NFS != nil:
		out.NFS, err = readNFS(ctx, c, arn)
	case prior.SMB != nil:
		out.SMB, err = readSMB(ctx, c, arn, prior.SMB.PasswordVersion)
	case prior.S3 != nil:
		out.S3, err = readS3(ctx, c, arn)
	case prior.ObjectStorage != nil:
		out.ObjectStorage, err = readObjectStorage(ctx, c, arn, prior.ObjectStorage.SecretKeyVersion)
	}
	return out, err
}

func readNFS(ctx context.Context, c *datasync.Client, arn string) (*NFS, error) {
	out, err := c.DescribeLocationNfs(ctx, &datasync.DescribeLocationNfsInput{LocationArn: aws.String(arn)})
	if err != nil {
		return nil, notFound("location", arn, err)
	}
	n := &NFS{ServerHostname: hostFromURI(aws.ToString(out.LocationUri)), Subdirectory: subdirFromURI(aws.ToString(out.LocationUri), 0)}
	if out.OnPremConfig != nil {
		n.AgentARNs = out.OnPremConfig.AgentArns
	}
	if out.MountOptions != nil {
		n.MountVersion = string(out.MountOptions.Version)
	}
	return n, nil
}

func readSMB(ctx context.Context, c *datasync.Client, arn string, passwordVersion int64) (*SMB, error) {
	out, err := c.DescribeLocationSmb(ctx, &datasync.DescribeLocationSmbInput{LocationArn: aws.String(arn)})
	if err != nil {
		return nil, notFound("location", arn, err)
	}
	return &SMB{
		ServerHostname: hostFromURI(aws.ToString(out.LocationUri)), Subdirectory: subdirFromURI(aws.ToString(out.LocationUri), 0),
		User: aws.ToString(out.User), Domain: aws.ToString(out.Domain), AgentARNs: out.AgentArns, PasswordVersion: passwordVersion,
	}, nil
}

func readS3(ctx context.Context, c *datasync.Client, arn string) (*S3, error) {
	out, err := c.DescribeLocationS3(ctx, &datasync.DescribeLocationS3Input{LocationArn: aws.String(arn)})
	if err != nil {
		return nil, notFound("location", arn, err)
	}
	return s3From(out), nil
}

func s3From(out *datasync.DescribeLocationS3Output) *S3 {
	s := &S3{
		BucketARN:    bucketARNFromURI(aws.ToString(out.LocationArn), aws.ToString(out.LocationUri)),
		Subdirectory: subdirFromURI(aws.ToString(out.LocationUri), 0), StorageClass: string(out.S3StorageClass),
	}
	if out.S3Config != nil {
		s.BucketAccessRoleARN = aws.ToString(out.S3Config.BucketAccessRoleArn)
	}
	return s
}

func readObjectStorage(ctx context.Context, c *datasync.Client, arn string, secretKeyVersion int64) (*ObjectStorage, error) {
	out, err := c.DescribeLocationObjectStorage(ctx, &datasync.DescribeLocationObjectStorageInput{LocationArn: aws.String(arn)})
	if err != nil {
		return nil, notFound("location", arn, err)
	}
	return objectStorageFrom(out, secretKeyVersion), nil
}

func objectStorageFrom(out *datasync.DescribeLocationObjectStorageOutput, secretKeyVersion int64) *ObjectStorage {
	uri := aws.ToString(out.LocationUri)
	o := &ObjectStorage{
		ServerHostname: hostFromURI(uri), ServerPort: aws.ToInt32(out.ServerPort), ServerProtocol: string(out.ServerProtocol),
		Subdirectory: subdirFromURI(uri, 1), AccessKey: aws.ToString(out.AccessKey), AgentARNs: out.AgentArns,
		SecretKeyVersion: secretKeyVersion,
	}
	if u, err := url.Parse(uri); err == nil {
		o.BucketName = strings.SplitN(strings.Trim(u.Path, "/"), "/", 2)[0]
	}
	return o
}

// readDestination reads the destination location (see readSource).
func readDestination(ctx context.Context, c *datasync.Client, arn string, prior Destination) (Destination, error) {
	if prior == (Destination{}) {
		uri, err := findLocationURI(ctx, c, arn)
		if err != nil {
			return prior, err
		}
		switch locationKindFromURI(uri) {
		case "s3":
			prior.S3 = &S3{}
		case "fsxl":
			prior.Lustre = &Lustre{}
		default:
			return prior, fmt.Errorf("DataSync location %s (%s) is not a kind this resource manages as a destination", arn, uri)
		}
	}
	var out Destination
	var err error
	switch {
	case prior.S3 != nil:
		out.S3, err = readS3(ctx, c, arn)
	case prior.Lustre != nil:
		var l *datasync.DescribeLocationFsxLustreOutput
		l, err = c.DescribeLocationFsxLustre(ctx, &datasync.DescribeLocationFsxLustreInput{LocationArn: aws.String(arn)})
		if err != nil {
			return out, notFound("location", arn, err)
		}
		out.Lustre = lustreFrom(l)
	}
	return out, err
}

// lustreFrom reads an FSx for Lustre location: the file system by ARN (and ID), the subdirectory, the
// security groups.
func lustreFrom(out *datasync.DescribeLocationFsxLustreOutput) *Lustre {
	fsARN := fileSystemARNFromURI(aws.ToString(out.LocationArn), aws.ToString(out.LocationUri))
	return &Lustre{
		FileSystemARN: fsARN, WorkspaceID: fsARN[strings.LastIndex(fsARN, "/")+1:],
		Subdirectory: subdirFromURI(aws.ToString(out.LocationUri), 0), SecurityGroupARNs: out.SecurityGroupArns,
	}
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
func (l *Lustre) fileSystemID() string {
	if l.WorkspaceID != "" {
		return l.WorkspaceID
	}
	return l.FileSystemARN[strings.LastIndex(l.FileSystemARN, "/")+1:]
}

func hostFromURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	return u.Host
}

// subdirFromURI extracts the subdirectory from a location URI: after the host for nfs, smb and s3
// ("s3://bucket/sub/"), after host and bucket for object storage.
func subdirFromURI(uri string, skip int) string {
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	p := strings.Trim(u.Path, "/")
	parts := strings.SplitN(p, "/", skip+1)
	if len(parts) <= skip {
		return "/"
	}
	return "/" + parts[skip]
}

func bucketARNFromURI(locationARN, uri string) string {
	partition := "aws"
	if a, err := arn.Parse(locationARN); err == nil {
		partition = a.Partition
	}
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("arn:%s:s3:::%s", partition, u.Host)
}

// fileSystemARNFromURI rebuilds the file system ARN from an fsxl://REGION.fs-ID/sub/ URI and the
// location's ARN (account and partition).
func fileSystemARNFromURI(locationARN, uri string) string {
	a, err := arn.Parse(locationARN)
	if err != nil {
		return ""
	}
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	region, id, ok := strings.Cut(u.Host, ".")
	if !ok {
		return ""
	}
	return fmt.Sprintf("arn:%s:fsx:%s:%s:file-system/%s", a.Partition, region, a.AccountID, id)
}
