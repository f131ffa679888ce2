// SPDX-License-Identifier: MPL-2.0

package sandbox

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// CreateFileSystem checks the security groups against moto's EC2 as FSx does: Lustre ports from the
// group itself, and for EFA all traffic in and out of the group (LustreGuide/cannot-create-fs.html).
func TestCreateFileSystemSecurityGroupRules(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sb, err := Start(ctx, Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Stop() })
	cfg := sb.AWSConfig()
	ec2c, fsxc := ec2.NewFromConfig(cfg), fsx.NewFromConfig(cfg)
	subnet, vpc := sb.Vars()["subnet_id"], sb.Vars()["vpc_id"]
	sg, err := ec2c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("fsx-rules"), Description: aws.String("t"), VpcId: aws.String(vpc)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(sg.GroupId)
	create := func(efa bool) error {
		lc := &fsxtypes.CreateFileSystemLustreConfiguration{DeploymentType: fsxtypes.LustreDeploymentTypeScratch2}
		capacity := int32(1200)
		if efa {
			capacity = 4800
			lc = &fsxtypes.CreateFileSystemLustreConfiguration{DeploymentType: fsxtypes.LustreDeploymentTypePersistent2,
				PerUnitStorageThroughput: aws.Int32(1000), EfaEnabled: aws.Bool(true),
				MetadataConfiguration: &fsxtypes.CreateFileSystemLustreMetadataConfiguration{Mode: fsxtypes.MetadataConfigurationModeAutomatic}}
		}
		_, err := fsxc.CreateFileSystem(ctx, &fsx.CreateFileSystemInput{FileSystemType: fsxtypes.FileSystemTypeLustre,
			StorageCapacity: aws.Int32(capacity), FileSystemTypeVersion: aws.String("2.15"), SubnetIds: []string{subnet},
			SecurityGroupIds: []string{id}, LustreConfiguration: lc})
		return err
	}
	refused := func(err error, want string) {
		t.Helper()
		var ns *fsxtypes.InvalidNetworkSettings
		if !errors.As(err, &ns) || !strings.Contains(err.Error(), want) {
			t.Fatalf("want InvalidNetworkSettings %q, got %v", want, err)
		}
	}
	refused(create(false), "do not permit Lustre LNET network traffic on port 988")
	self := []ec2types.UserIdGroupPair{{GroupId: aws.String(id)}}
	if _, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: []ec2types.IpPermission{
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(988), ToPort: aws.Int32(988), UserIdGroupPairs: self},
	}}); err != nil {
		t.Fatal(err)
	}
	refused(create(false), "ports 1018-1023")
	if _, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: []ec2types.IpPermission{
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(1018), ToPort: aws.Int32(1023), UserIdGroupPairs: self},
	}}); err != nil {
		t.Fatal(err)
	}
	if err := create(false); err != nil {
		t.Fatalf("Lustre ports allowed: %v", err)
	}
	refused(create(true), "Insufficient security group permissions to create an EFA-enabled file system")
	all := []ec2types.IpPermission{{IpProtocol: aws.String("-1"), UserIdGroupPairs: self}}
	if _, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: all}); err != nil {
		t.Fatal(err)
	}
	if _, err := ec2c.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(id), IpPermissions: all}); err != nil {
		t.Fatal(err)
	}
	if err := create(true); err != nil {
		t.Fatalf("EFA rules in place: %v", err)
	}
}
