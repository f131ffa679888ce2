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

// A storage capacity increase is refused until the interval after the last one (6 hours in AWS,
// Timings.StorageIncrease here), then accepted.
func TestStorageIncreaseInterval(t *testing.T) {
	t.Parallel()
	timings := testTimings
	timings.StorageIncrease = 2 * time.Second
	g, _ := newTestGateway(t, timings)
	c := fsxClient(g)
	id := aws.ToString(createP2(t, c, 2400).FileSystemId)
	waitLifecycle(t, c, id, types.FileSystemLifecycleAvailable)
	if _, err := c.UpdateFileSystem(ctx(t), &fsx.UpdateFileSystemInput{FileSystemId: aws.String(id), StorageCapacity: aws.Int32(4800)}); err != nil {
		t.Fatal(err)
	}
	idle := func() bool {
		fs, err := describeFS(t, c, id)
		if err != nil {
			return false
		}
		for _, a := range fs.AdministrativeActions {
			if a.Status != types.StatusCompleted {
				return false
			}
		}
		return fs.Lifecycle == types.FileSystemLifecycleAvailable
	}
	eventually(t, 10*time.Second, "the first increase to complete", idle)
	_, err := c.UpdateFileSystem(ctx(t), &fsx.UpdateFileSystemInput{FileSystemId: aws.String(id), StorageCapacity: aws.Int32(7200)})
	var br *types.BadRequest
	if !errors.As(err, &br) || !strings.Contains(err.Error(), "You can't make further storage capacity increases") {
		t.Fatalf("a second increase within the interval: want BadRequest, got %v", err)
	}
	// Other updates are not held back by the rule.
	if _, err := c.UpdateFileSystem(ctx(t), &fsx.UpdateFileSystemInput{FileSystemId: aws.String(id),
		LustreConfiguration: &types.UpdateFileSystemLustreConfiguration{DataCompressionType: types.DataCompressionTypeNone}}); err != nil {
		t.Fatalf("a compression change within the interval: %v", err)
	}
	eventually(t, 10*time.Second, "the increase interval to pass", func() bool {
		if !idle() {
			return false
		}
		_, err := c.UpdateFileSystem(ctx(t), &fsx.UpdateFileSystemInput{FileSystemId: aws.String(id), StorageCapacity: aws.Int32(7200)})
		return err == nil
	})
}

func TestEFAThroughputFixed(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	c := fsxClient(g)
	out, err := c.CreateFileSystem(ctx(t), &fsx.CreateFileSystemInput{
		FileSystemType: types.FileSystemTypeLustre, StorageCapacity: aws.Int32(4800), FileSystemTypeVersion: aws.String("2.15"),
		SubnetIds: []string{"subnet-0123456789abcdef0"},
		LustreConfiguration: &types.CreateFileSystemLustreConfiguration{
			DeploymentType: types.LustreDeploymentTypePersistent2, PerUnitStorageThroughput: aws.Int32(1000), EfaEnabled: aws.Bool(true),
			MetadataConfiguration: &types.CreateFileSystemLustreMetadataConfiguration{Mode: types.MetadataConfigurationModeAutomatic},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.FileSystem.FileSystemId)
	waitLifecycle(t, c, id, types.FileSystemLifecycleAvailable)
	_, err = c.UpdateFileSystem(ctx(t), &fsx.UpdateFileSystemInput{FileSystemId: aws.String(id),
		LustreConfiguration: &types.UpdateFileSystemLustreConfiguration{PerUnitStorageThroughput: aws.Int32(500)}})
	var br *types.BadRequest
	if !errors.As(err, &br) || !strings.Contains(err.Error(), "EFA-enabled") {
		t.Fatalf("throughput change of an EFA-enabled file system: want BadRequest, got %v", err)
	}
}

func TestRootSquashRange(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{"65534:65534", true}, {"0:0", true}, {"4294967294:1", true},
		{"4294967295:1", false}, {"1:4294967295", false}, {"0:65534", false}, {"65534:0", false},
	} {
		_, err := validateRootSquash(&types.LustreRootSquashConfiguration{RootSquash: aws.String(tc.value)})
		if (err == nil) != tc.ok {
			t.Errorf("RootSquash %q: err = %v, want ok=%v", tc.value, err, tc.ok)
		}
	}
}
