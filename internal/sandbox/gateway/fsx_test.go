// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/smithy-go"
)

func createP2(t *testing.T, c *fsx.Client, capacity int32, tags ...types.Tag) *types.FileSystem {
	t.Helper()
	out, err := c.CreateFileSystem(ctx(t), &fsx.CreateFileSystemInput{
		FileSystemType:  types.FileSystemTypeLustre,
		StorageCapacity: aws.Int32(capacity),
		SubnetIds:       []string{"subnet-0123456789abcdef0"},
		LustreConfiguration: &types.CreateFileSystemLustreConfiguration{
			DeploymentType:           types.LustreDeploymentTypePersistent2,
			PerUnitStorageThroughput: aws.Int32(250),
			DataCompressionType:      types.DataCompressionTypeLz4,
		},
		Tags: tags,
	})
	if err != nil {
		t.Fatalf("CreateFileSystem: %v", err)
	}
	return out.FileSystem
}

func describeFS(t *testing.T, c *fsx.Client, id string) (*types.FileSystem, error) {
	t.Helper()
	out, err := c.DescribeFileSystems(ctx(t), &fsx.DescribeFileSystemsInput{FileSystemIds: []string{id}})
	if err != nil {
		return nil, err
	}
	if len(out.FileSystems) != 1 {
		t.Fatalf("DescribeFileSystems returned %d file systems", len(out.FileSystems))
	}
	return &out.FileSystems[0], nil
}

func waitLifecycle(t *testing.T, c *fsx.Client, id string, want types.FileSystemLifecycle) *types.FileSystem {
	t.Helper()
	var fs *types.FileSystem
	eventually(t, 10*time.Second, string(want), func() bool {
		var err error
		fs, err = describeFS(t, c, id)
		if err != nil {
			t.Fatalf("DescribeFileSystems: %v", err)
		}
		return fs.Lifecycle == want
	})
	return fs
}

func TestFSxLifecycle(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, FastTimings())
	c := fsxClient(g)

	fs := createP2(t, c, 2400, types.Tag{Key: aws.String("Name"), Value: aws.String("ws")})
	id := checkCreatedFS(t, fs)
	fs = waitLifecycle(t, c, id, types.FileSystemLifecycleAvailable)
	if len(fs.NetworkInterfaceIds) == 0 || !strings.HasPrefix(fs.NetworkInterfaceIds[0], "eni-") {
		t.Errorf("NetworkInterfaceIds %v", fs.NetworkInterfaceIds)
	}

	checkStorageIncrease(t, c, id)

	// Throughput change.
	if _, err := c.UpdateFileSystem(ctx(t), &fsx.UpdateFileSystemInput{FileSystemId: aws.String(id),
		LustreConfiguration: &types.UpdateFileSystemLustreConfiguration{PerUnitStorageThroughput: aws.Int32(500)}}); err != nil {
		t.Fatalf("throughput update: %v", err)
	}
	fs = waitLifecycle(t, c, id, types.FileSystemLifecycleAvailable)
	if aws.ToInt32(fs.LustreConfiguration.PerUnitStorageThroughput) != 500 {
		t.Errorf("throughput after update = %d", aws.ToInt32(fs.LustreConfiguration.PerUnitStorageThroughput))
	}

	// Shrinking is refused.
	_, err := c.UpdateFileSystem(ctx(t), &fsx.UpdateFileSystemInput{FileSystemId: aws.String(id), StorageCapacity: aws.Int32(2400)})
	var br *types.BadRequest
	if !errors.As(err, &br) || !strings.Contains(br.ErrorMessage(), "only be increased") {
		t.Errorf("shrink: %v", err)
	}

	checkTagsAndDelete(t, c, aws.ToString(fs.ResourceARN), id)
}

// checkCreatedFS checks CreateFileSystem's answer for a PERSISTENT_2 file system and returns its ID.
func checkCreatedFS(t *testing.T, fs *types.FileSystem) string {
	t.Helper()
	id := aws.ToString(fs.FileSystemId)
	if !regexp.MustCompile(`^fs-[0-9a-f]{17}$`).MatchString(id) {
		t.Errorf("file system id %q", id)
	}
	if fs.Lifecycle != types.FileSystemLifecycleCreating {
		t.Errorf("lifecycle after create = %s", fs.Lifecycle)
	}
	if got, want := aws.ToString(fs.ResourceARN), "arn:aws:fsx:us-east-1:123456789012:file-system/"+id; got != want {
		t.Errorf("ARN %s, want %s", got, want)
	}
	if got := aws.ToString(fs.DNSName); got != id+".fsx.us-east-1.amazonaws.com" {
		t.Errorf("DNSName %s", got)
	}
	if m := aws.ToString(fs.LustreConfiguration.MountName); !regexp.MustCompile(`^[a-z0-9]{8}$`).MatchString(m) {
		t.Errorf("MountName %q", m)
	}
	if aws.ToString(fs.VpcId) != "vpc-fake" || aws.ToString(fs.OwnerId) != "123456789012" || fs.CreationTime == nil {
		t.Errorf("VpcId %q OwnerId %q CreationTime %v", aws.ToString(fs.VpcId), aws.ToString(fs.OwnerId), fs.CreationTime)
	}
	if time.Since(*fs.CreationTime) > time.Minute {
		t.Errorf("CreationTime %v", fs.CreationTime)
	}
	if aws.ToString(fs.FileSystemTypeVersion) != "2.12" || fs.LustreConfiguration.DataCompressionType != types.DataCompressionTypeLz4 {
		t.Errorf("version %s compression %s", aws.ToString(fs.FileSystemTypeVersion), fs.LustreConfiguration.DataCompressionType)
	}

	return id
}

// checkStorageIncrease grows the file system to 4800 GiB: UPDATING with a FILE_SYSTEM_UPDATE action, a
// second update refused meanwhile, then STORAGE_OPTIMIZATION, then every action COMPLETED.
func checkStorageIncrease(t *testing.T, c *fsx.Client, id string) {
	t.Helper()
	up, err := c.UpdateFileSystem(ctx(t), &fsx.UpdateFileSystemInput{FileSystemId: aws.String(id), StorageCapacity: aws.Int32(4800)})
	if err != nil {
		t.Fatalf("UpdateFileSystem: %v", err)
	}
	if up.FileSystem.Lifecycle != types.FileSystemLifecycleUpdating {
		t.Errorf("lifecycle after update = %s", up.FileSystem.Lifecycle)
	}
	aa := up.FileSystem.AdministrativeActions
	if len(aa) != 1 || aa[0].AdministrativeActionType != types.AdministrativeActionTypeFileSystemUpdate || aa[0].Status != types.StatusInProgress ||
		aws.ToInt32(aa[0].TargetFileSystemValues.StorageCapacity) != 4800 {
		t.Errorf("administrative actions %+v", aa)
	}
	if aws.ToInt32(up.FileSystem.StorageCapacity) != 2400 {
		t.Errorf("capacity during update = %d", aws.ToInt32(up.FileSystem.StorageCapacity))
	}
	// A second update while the first is in progress is refused.
	_, err = c.UpdateFileSystem(ctx(t), &fsx.UpdateFileSystemInput{FileSystemId: aws.String(id), StorageCapacity: aws.Int32(7200)})
	var br *types.BadRequest
	if !errors.As(err, &br) {
		t.Errorf("update during update: %v", err)
	}
	fs := waitLifecycle(t, c, id, types.FileSystemLifecycleAvailable)
	if aws.ToInt32(fs.StorageCapacity) != 4800 {
		t.Errorf("capacity after update = %d", aws.ToInt32(fs.StorageCapacity))
	}
	var sawOptimizing bool
	for _, a := range fs.AdministrativeActions {
		if a.AdministrativeActionType == types.AdministrativeActionTypeStorageOptimization {
			sawOptimizing = true
		}
	}
	if !sawOptimizing {
		t.Errorf("no STORAGE_OPTIMIZATION action: %+v", fs.AdministrativeActions)
	}
	eventually(t, 5*time.Second, "actions completed", func() bool {
		fs, _ = describeFS(t, c, id)
		for _, a := range fs.AdministrativeActions {
			if a.Status != types.StatusCompleted {
				return false
			}
		}
		return true
	})

}

// checkTagsAndDelete tags and untags the file system, then deletes it: DELETING, then FileSystemNotFound.
func checkTagsAndDelete(t *testing.T, c *fsx.Client, arn, id string) {
	t.Helper()
	if _, err := c.TagResource(ctx(t), &fsx.TagResourceInput{ResourceARN: aws.String(arn), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("hpc")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx(t), &fsx.UntagResourceInput{ResourceARN: aws.String(arn), TagKeys: []string{"Name"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx(t), &fsx.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" {
		t.Errorf("tags %+v %v", tags, err)
	}

	del, err := c.DeleteFileSystem(ctx(t), &fsx.DeleteFileSystemInput{FileSystemId: aws.String(id)})
	if err != nil || del.Lifecycle != types.FileSystemLifecycleDeleting {
		t.Fatalf("DeleteFileSystem: %+v %v", del, err)
	}
	eventually(t, 5*time.Second, "file system gone", func() bool {
		_, err := describeFS(t, c, id)
		var nf *types.FileSystemNotFound
		return errors.As(err, &nf)
	})
}

func TestFSxNotFound(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	c := fsxClient(g)
	_, err := c.DescribeFileSystems(ctx(t), &fsx.DescribeFileSystemsInput{FileSystemIds: []string{"fs-0123456789abcdef0"}})
	var nf *types.FileSystemNotFound
	if !errors.As(err, &nf) {
		t.Fatalf("want FileSystemNotFound, got %v", err)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "FileSystemNotFound" || ae.ErrorFault() != smithy.FaultClient {
		t.Errorf("api error %v", err)
	}
	_, err = c.UpdateFileSystem(ctx(t), &fsx.UpdateFileSystemInput{FileSystemId: aws.String("fs-0123456789abcdef0"), StorageCapacity: aws.Int32(2400)})
	if !errors.As(err, &nf) {
		t.Errorf("update: want FileSystemNotFound, got %v", err)
	}
	_, err = c.DeleteFileSystem(ctx(t), &fsx.DeleteFileSystemInput{FileSystemId: aws.String("fs-0123456789abcdef0")})
	if !errors.As(err, &nf) {
		t.Errorf("delete: want FileSystemNotFound, got %v", err)
	}
	_, err = c.DescribeDataRepositoryAssociations(ctx(t), &fsx.DescribeDataRepositoryAssociationsInput{AssociationIds: []string{"dra-0123456789abcdef0"}})
	var dnf *types.DataRepositoryAssociationNotFound
	if !errors.As(err, &dnf) {
		t.Errorf("want DataRepositoryAssociationNotFound, got %v", err)
	}
	_, err = c.ListTagsForResource(ctx(t), &fsx.ListTagsForResourceInput{ResourceARN: aws.String("arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0")})
	var rnf *types.ResourceNotFound
	if !errors.As(err, &rnf) {
		t.Errorf("want ResourceNotFound, got %v", err)
	}
}

func TestFSxPagination(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	c := fsxClient(g)
	want := map[string]bool{}
	for i := 0; i < 5; i++ {
		out, err := c.CreateFileSystem(ctx(t), &fsx.CreateFileSystemInput{
			FileSystemType: types.FileSystemTypeLustre, StorageCapacity: aws.Int32(1200), SubnetIds: []string{"subnet-1"},
			LustreConfiguration: &types.CreateFileSystemLustreConfiguration{DeploymentType: types.LustreDeploymentTypeScratch2},
		})
		if err != nil {
			t.Fatal(err)
		}
		want[aws.ToString(out.FileSystem.FileSystemId)] = true
	}
	p := fsx.NewDescribeFileSystemsPaginator(c, &fsx.DescribeFileSystemsInput{MaxResults: aws.Int32(2)})
	pages, got := 0, map[string]bool{}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(out.FileSystems) > 2 {
			t.Errorf("page of %d", len(out.FileSystems))
		}
		for _, fs := range out.FileSystems {
			got[aws.ToString(fs.FileSystemId)] = true
		}
	}
	if pages != 3 || len(got) != 5 {
		t.Errorf("pages %d, file systems %d", pages, len(got))
	}
	for id := range want {
		if !got[id] {
			t.Errorf("missing %s", id)
		}
	}
	_, err := c.DescribeFileSystems(ctx(t), &fsx.DescribeFileSystemsInput{NextToken: aws.String("garbage")})
	var br *types.BadRequest
	if !errors.As(err, &br) {
		t.Errorf("bad token: %v", err)
	}
}

func TestFSxCreateValidation(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	c := fsxClient(g)
	lustre := func(dt types.LustreDeploymentType, st types.StorageType, capacity, perUnit int32, mod func(*fsx.CreateFileSystemInput)) *fsx.CreateFileSystemInput {
		in := &fsx.CreateFileSystemInput{
			FileSystemType: types.FileSystemTypeLustre, StorageType: st, StorageCapacity: aws.Int32(capacity),
			SubnetIds:           []string{"subnet-1"},
			LustreConfiguration: &types.CreateFileSystemLustreConfiguration{DeploymentType: dt},
		}
		if perUnit > 0 {
			in.LustreConfiguration.PerUnitStorageThroughput = aws.Int32(perUnit)
		}
		if st == types.StorageTypeHdd {
			in.LustreConfiguration.DriveCacheType = types.DriveCacheTypeNone
		}
		if mod != nil {
			mod(in)
		}
		return in
	}
	efa := func(in *fsx.CreateFileSystemInput) {
		in.LustreConfiguration.EfaEnabled = aws.Bool(true)
		in.LustreConfiguration.MetadataConfiguration = &types.CreateFileSystemLustreMetadataConfiguration{Mode: types.MetadataConfigurationModeAutomatic}
		in.FileSystemTypeVersion = aws.String("2.15")
	}
	cases := []struct {
		name string
		in   *fsx.CreateFileSystemInput
		code string // "" = success
	}{
		{"scratch1 1200", lustre("", "", 1200, 0, nil), ""},
		{"scratch1 3600", lustre("SCRATCH_1", "", 3600, 0, nil), ""},
		{"scratch1 4800", lustre("SCRATCH_1", "", 4800, 0, nil), "BadRequest"},
		{"scratch2 2400", lustre("SCRATCH_2", "", 2400, 0, nil), ""},
		{"scratch2 3600", lustre("SCRATCH_2", "", 3600, 0, nil), "BadRequest"},
		{"scratch2 with throughput", lustre("SCRATCH_2", "", 1200, 50, nil), "IncompatibleParameterError"},
		{"p1 ssd 50", lustre("PERSISTENT_1", "SSD", 1200, 50, nil), ""},
		{"p1 ssd 125", lustre("PERSISTENT_1", "SSD", 1200, 125, nil), "InvalidPerUnitStorageThroughput"},
		{"p1 no throughput", lustre("PERSISTENT_1", "SSD", 1200, 0, nil), "BadRequest"},
		{"p1 hdd 12 6000", lustre("PERSISTENT_1", "HDD", 6000, 12, nil), ""},
		{"p1 hdd 12 1800", lustre("PERSISTENT_1", "HDD", 1800, 12, nil), "BadRequest"},
		{"p1 hdd 40 1800", lustre("PERSISTENT_1", "HDD", 1800, 40, nil), ""},
		{"p1 hdd 50", lustre("PERSISTENT_1", "HDD", 6000, 50, nil), "InvalidPerUnitStorageThroughput"},
		{"p2 hdd", lustre("PERSISTENT_2", "HDD", 6000, 12, nil), "IncompatibleParameterError"},
		{"p2 1000", lustre("PERSISTENT_2", "SSD", 2400, 1000, nil), ""},
		{"p2 200", lustre("PERSISTENT_2", "SSD", 2400, 200, nil), "InvalidPerUnitStorageThroughput"},
		{"p2 1300", lustre("PERSISTENT_2", "SSD", 1300, 125, nil), "BadRequest"},
		{"p2 version 2.10", lustre("PERSISTENT_2", "SSD", 1200, 125, func(in *fsx.CreateFileSystemInput) { in.FileSystemTypeVersion = aws.String("2.10") }), "IncompatibleParameterError"},
		{"efa on p1", lustre("PERSISTENT_1", "SSD", 4800, 200, efa), "IncompatibleParameterError"},
		{"efa p2 4800 at 1000", lustre("PERSISTENT_2", "SSD", 4800, 1000, efa), ""},
		{"efa p2 2400 at 1000", lustre("PERSISTENT_2", "SSD", 2400, 1000, efa), "BadRequest"},
		{"efa without metadata", lustre("PERSISTENT_2", "SSD", 4800, 1000, func(in *fsx.CreateFileSystemInput) {
			in.LustreConfiguration.EfaEnabled = aws.Bool(true)
		}), "IncompatibleParameterError"},
		{"kms on scratch", lustre("SCRATCH_2", "", 1200, 0, func(in *fsx.CreateFileSystemInput) {
			in.KmsKeyId = aws.String("arn:aws:kms:us-east-1:123456789012:key/x")
		}), "IncompatibleParameterError"},
		{"bad root squash", lustre("PERSISTENT_2", "SSD", 1200, 125, func(in *fsx.CreateFileSystemInput) {
			in.LustreConfiguration.RootSquashConfiguration = &types.LustreRootSquashConfiguration{RootSquash: aws.String("nobody")}
		}), "BadRequest"},
		{"root squash", lustre("PERSISTENT_2", "SSD", 1200, 125, func(in *fsx.CreateFileSystemInput) {
			in.LustreConfiguration.RootSquashConfiguration = &types.LustreRootSquashConfiguration{RootSquash: aws.String("65534:65534"), NoSquashNids: []string{"10.0.0.[1-10]@tcp"}}
		}), ""},
		{"windows", &fsx.CreateFileSystemInput{FileSystemType: types.FileSystemTypeWindows, StorageCapacity: aws.Int32(32), SubnetIds: []string{"subnet-1"}}, "BadRequest"},
		{"two subnets", lustre("SCRATCH_2", "", 1200, 0, func(in *fsx.CreateFileSystemInput) { in.SubnetIds = []string{"subnet-1", "subnet-2"} }), "BadRequest"},
		{"unknown subnet", lustre("SCRATCH_2", "", 1200, 0, func(in *fsx.CreateFileSystemInput) { in.SubnetIds = []string{"subnet-missing"} }), "InvalidNetworkSettings"},
		{"aws tag", lustre("SCRATCH_2", "", 1200, 0, func(in *fsx.CreateFileSystemInput) {
			in.Tags = []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("y")}}
		}), "BadRequest"},
	}
	for _, tc := range cases {
		_, err := c.CreateFileSystem(ctx(t), tc.in)
		if tc.code == "" {
			if err != nil {
				t.Errorf("%s: unexpected error %v", tc.name, err)
			}
			continue
		}
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != tc.code {
			t.Errorf("%s: want %s, got %v", tc.name, tc.code, err)
		}
	}
	// Typed errors are what the provider matches on.
	_, err := c.CreateFileSystem(ctx(t), cases[2].in)
	var br *types.BadRequest
	if !errors.As(err, &br) || !strings.Contains(br.ErrorMessage(), "3600") {
		t.Errorf("typed BadRequest: %v", err)
	}
	_, err = c.CreateFileSystem(ctx(t), cases[5].in)
	var ip *types.IncompatibleParameterError
	if !errors.As(err, &ip) || aws.ToString(ip.Parameter) != "PerUnitStorageThroughput" {
		t.Errorf("typed IncompatibleParameterError: %v", err)
	}
}

func TestFSxFailureTagAndLimit(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	c := fsxClient(g)
	fs := createP2(t, c, 1200, types.Tag{Key: aws.String(FailTagKey), Value: aws.String("capacity unavailable in subnet AZ")})
	if fs.Lifecycle != types.FileSystemLifecycleCreating {
		t.Errorf("lifecycle %s", fs.Lifecycle)
	}
	fs = waitLifecycle(t, c, aws.ToString(fs.FileSystemId), types.FileSystemLifecycleFailed)
	if fs.FailureDetails == nil || aws.ToString(fs.FailureDetails.Message) != "capacity unavailable in subnet AZ" {
		t.Errorf("FailureDetails %+v", fs.FailureDetails)
	}
	// A FAILED file system can be deleted.
	if _, err := c.DeleteFileSystem(ctx(t), &fsx.DeleteFileSystemInput{FileSystemId: fs.FileSystemId}); err != nil {
		t.Fatal(err)
	}

	eventually(t, 5*time.Second, "failed file system deleted", func() bool {
		_, err := describeFS(t, c, aws.ToString(fs.FileSystemId))
		return err != nil
	})
	for i := 0; i < MaxFileSystems; i++ {
		createP2(t, c, 1200)
	}
	_, err := c.CreateFileSystem(ctx(t), &fsx.CreateFileSystemInput{
		FileSystemType: types.FileSystemTypeLustre, StorageCapacity: aws.Int32(1200), SubnetIds: []string{"subnet-1"},
	})
	var sl *types.ServiceLimitExceeded
	if !errors.As(err, &sl) || sl.Limit != types.ServiceLimitFileSystemCount {
		t.Errorf("want ServiceLimitExceeded, got %v", err)
	}
}

func TestFSxIdempotentCreate(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	c := fsxClient(g)
	in := &fsx.CreateFileSystemInput{
		ClientRequestToken: aws.String("token-1"),
		FileSystemType:     types.FileSystemTypeLustre, StorageCapacity: aws.Int32(1200), SubnetIds: []string{"subnet-1"},
	}
	a, err := c.CreateFileSystem(ctx(t), in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.CreateFileSystem(ctx(t), in)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(a.FileSystem.FileSystemId) != aws.ToString(b.FileSystem.FileSystemId) {
		t.Errorf("same token created two file systems")
	}
	if aws.ToString(a.FileSystem.LustreConfiguration.MountName) != "fsx" {
		t.Errorf("SCRATCH_1 mount name %q", aws.ToString(a.FileSystem.LustreConfiguration.MountName))
	}
}
