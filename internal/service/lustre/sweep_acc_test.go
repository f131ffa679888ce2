// SPDX-License-Identifier: MPL-2.0

package lustre_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/datasync"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// go test -sweep=REGION: this package's sweeper, and the DataSync one it depends on (each package's
// tests are a binary of their own, and a dependency missing from the binary fails the sweep).
func init() {
	lustre.RegisterSweepers(acctest.AddSweeper)
	datasync.RegisterSweepers(acctest.AddSweeper)
}

// The Lustre sweeper runs after the DataSync one, under the name that one registers.
func TestSweeperDependencies(t *testing.T) {
	var deps []string
	lustre.RegisterSweepers(func(name string, d []string, _ func(context.Context, *conns.Client, string) error) {
		if name == lustre.SweeperName {
			deps = d
		}
	})
	if !slices.Contains(deps, datasync.SweeperName) {
		t.Errorf("%s depends on %v, want %s (DataSync locations hold on to the file system)", lustre.SweeperName, deps, datasync.SweeperName)
	}
}

// The sweeper, run against the sandbox, deletes the file system and the security group whose ownership
// tags say a workspace named with the prefix made them — both with unusual names — and the association
// (before the file system), and leaves alone a file system and a group named exactly as a test
// workspace's but without the tags. It sweeps a prefix of its own, and is not parallel so that the call
// log shows the order of its deletes.
func TestAccLustreWorkspace_sweeper(t *testing.T) {
	setup(t)
	ctx := context.Background()
	sb := acctest.Sandbox(t)
	fconn, econn := fsx.NewFromConfig(sb.AWSConfig()), ec2.NewFromConfig(sb.AWSConfig())
	prefix := acctest.RandomName() + "-sweep"
	vpcID := acctest.Var(t, "vpc_id")

	own := lustre.OwnerOf(prefix + "-interrupted")
	sweptSG := sweepTestGroup(t, econn, vpcID, fmt.Sprintf("lustre-clients-%d", time.Now().UnixNano()), own.Tags(lustre.PartSecurityGroup))
	swept := sweepTestFileSystem(t, fconn, owner.With(map[string]string{"Name": "scratch"}, own.Tags(lustre.PartFileSystem)), sweptSG)
	keptSG := sweepTestGroup(t, econn, vpcID, fmt.Sprintf("%s-lustre-%d", prefix, time.Now().UnixNano()), nil)
	kept := sweepTestFileSystem(t, fconn, map[string]string{"Name": prefix}, keptSG)
	t.Cleanup(func() {
		_, _ = fconn.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(kept)})
		_ = lustre.WaitFileSystemDeleted(ctx, testClient(t), kept)
		_, _ = econn.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(keptSG)})
	})
	dra, err := fconn.CreateDataRepositoryAssociation(ctx, &fsx.CreateDataRepositoryAssociationInput{
		FileSystemId: aws.String(swept), FileSystemPath: aws.String("/raw"), DataRepositoryPath: aws.String("s3://" + bucket() + "/raw/"),
	})
	if err != nil {
		t.Fatal(err)
	}
	draID := aws.ToString(dra.Association.AssociationId)
	if _, err := lustre.WaitAssociationAvailable(ctx, testClient(t), draID); err != nil {
		t.Fatal(err)
	}

	client, diags := conns.New(ctx, conns.Config{SkipCredentialsValidation: true})
	if diags.HasError() {
		t.Fatalf("building the AWS client: %v", diags)
	}
	gw := acctest.Gateway(t)
	gw.ResetCalls()
	if err := lustre.SweepWorkspaces(ctx, client, prefix); err != nil {
		t.Fatalf("sweeping: %s", err)
	}

	if _, err := lustre.FindFileSystemByID(ctx, fconn, swept); !wait.NotFound(err) {
		t.Errorf("file system %s (tagged for %s) not swept (err %v)", swept, own.Value(), err)
	}
	if _, err := lustre.FindAssociationByID(ctx, fconn, draID); !wait.NotFound(err) {
		t.Errorf("association %s not swept (err %v)", draID, err)
	}
	if groupExists(t, econn, sweptSG) {
		t.Errorf("security group %s not swept", sweptSG)
	}
	if _, err := lustre.FindFileSystemByID(ctx, fconn, kept); err != nil {
		t.Errorf("the untagged file system %s (Name %s) was swept: %v", kept, prefix, err)
	}
	if !groupExists(t, econn, keptSG) {
		t.Errorf("the untagged security group %s (%s-lustre-...) was swept", keptSG, prefix)
	}
	// Associations first, then the file system.
	var order []string
	for _, c := range gw.Calls() {
		if c.Operation == "DeleteDataRepositoryAssociation" || c.Operation == "DeleteFileSystem" {
			order = append(order, c.Operation)
		}
	}
	if !slices.Equal(order, []string{"DeleteDataRepositoryAssociation", "DeleteFileSystem"}) {
		t.Errorf("delete calls %v, want the association's, then the file system's", order)
	}
}

// sweepTestGroup creates a security group that admits Lustre traffic (FSx refuses groups without the
// Lustre rules, and the sandbox checks them as FSx does).
func sweepTestGroup(t *testing.T, econn *ec2.Client, vpcID, name string, tags map[string]string) string {
	t.Helper()
	ctx := context.Background()
	out, err := econn.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName: aws.String(name), Description: aws.String("Lustre traffic"), VpcId: aws.String(vpcID),
		TagSpecifications: conns.EC2TagSpecs(ec2types.ResourceTypeSecurityGroup, tags),
	})
	if err != nil {
		t.Fatalf("creating security group %s: %s", name, err)
	}
	id := aws.ToString(out.GroupId)
	if _, err := econn.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: lustre.LustreIngress(id, nil, nil)}); err != nil {
		t.Fatalf("authorizing Lustre ingress on %s: %s", name, err)
	}
	return id
}

// sweepTestFileSystem creates a SCRATCH_2 file system with tags in group sg and waits until it is
// available.
func sweepTestFileSystem(t *testing.T, fconn *fsx.Client, tags map[string]string, sg string) string {
	t.Helper()
	ctx := context.Background()
	out, err := fconn.CreateFileSystem(ctx, &fsx.CreateFileSystemInput{
		FileSystemType: fsxtypes.FileSystemTypeLustre, StorageCapacity: aws.Int32(1200),
		SubnetIds: []string{subnetID()}, SecurityGroupIds: []string{sg}, FileSystemTypeVersion: aws.String("2.15"),
		LustreConfiguration: &fsxtypes.CreateFileSystemLustreConfiguration{DeploymentType: fsxtypes.LustreDeploymentTypeScratch2},
		Tags:                conns.FSxTags(tags),
	})
	if err != nil {
		t.Fatalf("creating file system %v: %s", tags, err)
	}
	id := aws.ToString(out.FileSystem.FileSystemId)
	if _, err := lustre.WaitFileSystemCreated(ctx, testClient(t), id); err != nil {
		t.Fatal(err)
	}
	return id
}

func groupExists(t *testing.T, conn *ec2.Client, id string) bool {
	t.Helper()
	out, err := conn.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{
		Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{id}}},
	})
	if err != nil {
		t.Fatalf("describing security group %s: %s", id, err)
	}
	return len(out.SecurityGroups) > 0
}
