// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

func createDRA(c *fsx.Client, t *testing.T, fsID, path, repo string) (*types.DataRepositoryAssociation, error) {
	out, err := c.CreateDataRepositoryAssociation(ctx(t), &fsx.CreateDataRepositoryAssociationInput{
		FileSystemId:                aws.String(fsID),
		FileSystemPath:              aws.String(path),
		DataRepositoryPath:          aws.String(repo),
		BatchImportMetaDataOnCreate: aws.Bool(true),
		S3: &types.S3DataRepositoryConfiguration{
			AutoImportPolicy: &types.AutoImportPolicy{Events: []types.EventType{types.EventTypeNew, types.EventTypeChanged}},
			AutoExportPolicy: &types.AutoExportPolicy{Events: []types.EventType{types.EventTypeNew}},
		},
	})
	if err != nil {
		return nil, err
	}
	return out.Association, nil
}

func draLifecycle(t *testing.T, c *fsx.Client, id string) (types.DataRepositoryLifecycle, error) {
	out, err := c.DescribeDataRepositoryAssociations(ctx(t), &fsx.DescribeDataRepositoryAssociationsInput{AssociationIds: []string{id}})
	if err != nil {
		return "", err
	}
	return out.Associations[0].Lifecycle, nil
}

func waitDRA(t *testing.T, c *fsx.Client, id string, want types.DataRepositoryLifecycle) {
	t.Helper()
	eventually(t, 5*time.Second, "association "+string(want), func() bool {
		lc, err := draLifecycle(t, c, id)
		if err != nil {
			t.Fatal(err)
		}
		return lc == want
	})
}

func TestFSxDataRepositoryAssociations(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	c := fsxClient(g)
	fs := createP2(t, c, 1200)
	fsID := aws.ToString(fs.FileSystemId)

	// Not before the file system is AVAILABLE.
	_, err := createDRA(c, t, fsID, "/early", "s3://rayhpc-data-lake/early")
	var br *types.BadRequest
	if !errors.As(err, &br) {
		t.Fatalf("DRA on CREATING file system: %v", err)
	}
	waitLifecycle(t, c, fsID, types.FileSystemLifecycleAvailable)

	a, err := createDRA(c, t, fsID, "/raw", "s3://rayhpc-data-lake/raw/")
	if err != nil {
		t.Fatal(err)
	}
	if a.Lifecycle != types.DataRepositoryLifecycleCreating || !strings.HasPrefix(aws.ToString(a.AssociationId), "dra-") ||
		aws.ToInt32(a.ImportedFileChunkSize) != 1024 || len(a.S3.AutoImportPolicy.Events) != 2 || !aws.ToBool(a.BatchImportMetaDataOnCreate) {
		t.Errorf("association %+v", a)
	}
	// AWS processes one association change per file system at a time.
	_, err = createDRA(c, t, fsID, "/ref", "s3://rayhpc-data-lake/reference/")
	if !errors.As(err, &br) || !strings.Contains(br.ErrorMessage(), "another data repository association") {
		t.Fatalf("concurrent create: %v", err)
	}
	waitDRA(t, c, aws.ToString(a.AssociationId), types.DataRepositoryLifecycleAvailable)

	// Overlapping paths.
	for _, p := range []string{"/raw/sub", "/raw", "/"} {
		if _, err := createDRA(c, t, fsID, p, "s3://rayhpc-data-lake/other/"); !errors.As(err, &br) {
			t.Errorf("overlapping path %s: %v", p, err)
		}
	}
	b, err := createDRA(c, t, fsID, "/ref", "s3://rayhpc-data-lake/reference/")
	if err != nil {
		t.Fatal(err)
	}
	waitDRA(t, c, aws.ToString(b.AssociationId), types.DataRepositoryLifecycleAvailable)

	// Filter by file system.
	list, err := c.DescribeDataRepositoryAssociations(ctx(t), &fsx.DescribeDataRepositoryAssociationsInput{
		Filters: []types.Filter{{Name: types.FilterNameFileSystemId, Values: []string{fsID}}},
	})
	if err != nil || len(list.Associations) != 2 {
		t.Fatalf("describe by file system: %v %+v", err, list)
	}

	// Update, then its lifecycle.
	up, err := c.UpdateDataRepositoryAssociation(ctx(t), &fsx.UpdateDataRepositoryAssociationInput{
		AssociationId:         a.AssociationId,
		ImportedFileChunkSize: aws.Int32(2048),
		S3: &types.S3DataRepositoryConfiguration{
			AutoImportPolicy: &types.AutoImportPolicy{Events: []types.EventType{types.EventTypeNew, types.EventTypeChanged, types.EventTypeDeleted}},
		},
	})
	if err != nil || up.Association.Lifecycle != types.DataRepositoryLifecycleUpdating {
		t.Fatalf("update: %v %+v", err, up)
	}
	if _, err := c.DeleteDataRepositoryAssociation(ctx(t), &fsx.DeleteDataRepositoryAssociationInput{AssociationId: b.AssociationId}); !errors.As(err, &br) {
		t.Errorf("delete during update: %v", err)
	}
	waitDRA(t, c, aws.ToString(a.AssociationId), types.DataRepositoryLifecycleAvailable)
	got, _ := c.DescribeDataRepositoryAssociations(ctx(t), &fsx.DescribeDataRepositoryAssociationsInput{AssociationIds: []string{aws.ToString(a.AssociationId)}})
	if aws.ToInt32(got.Associations[0].ImportedFileChunkSize) != 2048 || len(got.Associations[0].S3.AutoImportPolicy.Events) != 3 ||
		len(got.Associations[0].S3.AutoExportPolicy.Events) != 1 {
		t.Errorf("after update %+v", got.Associations[0])
	}

	// Delete, then gone.
	del, err := c.DeleteDataRepositoryAssociation(ctx(t), &fsx.DeleteDataRepositoryAssociationInput{AssociationId: b.AssociationId, DeleteDataInFileSystem: aws.Bool(false)})
	if err != nil || del.Lifecycle != types.DataRepositoryLifecycleDeleting {
		t.Fatalf("delete: %v %+v", err, del)
	}
	eventually(t, 5*time.Second, "association gone", func() bool {
		_, err := draLifecycle(t, c, aws.ToString(b.AssociationId))
		var nf *types.DataRepositoryAssociationNotFound
		return errors.As(err, &nf)
	})

	// Missing bucket: MISCONFIGURED.
	m, err := createDRA(c, t, fsID, "/missing", "s3://missing-bucket/x/")
	if err != nil {
		t.Fatal(err)
	}
	waitDRA(t, c, aws.ToString(m.AssociationId), types.DataRepositoryLifecycleMisconfigured)
}

func TestFSxDataRepositoryAssociationRules(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	c := fsxClient(g)
	s1, err := c.CreateFileSystem(ctx(t), &fsx.CreateFileSystemInput{
		FileSystemType: types.FileSystemTypeLustre, StorageCapacity: aws.Int32(1200), SubnetIds: []string{"subnet-1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	p2 := createP2(t, c, 1200)
	waitLifecycle(t, c, aws.ToString(s1.FileSystem.FileSystemId), types.FileSystemLifecycleAvailable)
	waitLifecycle(t, c, aws.ToString(p2.FileSystemId), types.FileSystemLifecycleAvailable)
	var br *types.BadRequest
	if _, err := createDRA(c, t, aws.ToString(s1.FileSystem.FileSystemId), "/a", "s3://b/a"); !errors.As(err, &br) || !strings.Contains(br.ErrorMessage(), "SCRATCH_1") {
		t.Errorf("SCRATCH_1: %v", err)
	}
	for name, in := range map[string]*fsx.CreateDataRepositoryAssociationInput{
		"relative path": {FileSystemId: p2.FileSystemId, FileSystemPath: aws.String("a"), DataRepositoryPath: aws.String("s3://b/a")},
		"not s3":        {FileSystemId: p2.FileSystemId, FileSystemPath: aws.String("/a"), DataRepositoryPath: aws.String("nfs://b/a")},
		"chunk size":    {FileSystemId: p2.FileSystemId, FileSystemPath: aws.String("/a"), DataRepositoryPath: aws.String("s3://b/a"), ImportedFileChunkSize: aws.Int32(600000)},
	} {
		if _, err := c.CreateDataRepositoryAssociation(ctx(t), in); !errors.As(err, &br) {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err = c.CreateDataRepositoryAssociation(ctx(t), &fsx.CreateDataRepositoryAssociationInput{
		FileSystemId: aws.String("fs-00000000000000000"), FileSystemPath: aws.String("/a"), DataRepositoryPath: aws.String("s3://b/a"),
	})
	var nf *types.FileSystemNotFound
	if !errors.As(err, &nf) {
		t.Errorf("unknown file system: %v", err)
	}
	// At most 8 per file system (each must finish creating before the next).
	for i := 0; i < MaxAssociationsPerFileSystem; i++ {
		a, err := createDRA(c, t, aws.ToString(p2.FileSystemId), "/d"+string(rune('a'+i)), "s3://b/d"+string(rune('a'+i)))
		if err != nil {
			t.Fatalf("association %d: %v", i, err)
		}
		waitDRA(t, c, aws.ToString(a.AssociationId), types.DataRepositoryLifecycleAvailable)
	}
	if _, err := createDRA(c, t, aws.ToString(p2.FileSystemId), "/z", "s3://b/z"); !errors.As(err, &br) {
		t.Errorf("ninth association: %v", err)
	}
}
