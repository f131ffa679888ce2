// SPDX-License-Identifier: MPL-2.0

package sandbox

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// assumedRoleCredentialsVerify: credentials from moto's STS AssumeRole are signed
// with and verify at the gateway, as AWS knows the keys it issues.
func assumedRoleCredentialsVerify(ctx context.Context, t *testing.T, sb *Sandbox) {
	t.Helper()
	cfg := sb.AWSConfig()
	out, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/deploy"), RoleSessionName: aws.String("acc"),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	if aws.ToString(c.AccessKeyId) == AccessKeyID {
		t.Fatalf("moto issued the sandbox's own key")
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity with assumed-role credentials: %v", err)
	}
	if !strings.Contains(aws.ToString(id.Arn), "assumed-role/deploy/acc") {
		t.Errorf("caller %s", aws.ToString(id.Arn))
	}
	if _, err := fsx.NewFromConfig(cfg).DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{}); err != nil {
		t.Errorf("FSx with assumed-role credentials: %v", err)
	}
}

func TestStartSeedStop(t *testing.T) {
	if err := MotoAvailable(); err != nil {
		t.Fatalf("the sandbox tests need moto: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sb, err := Start(ctx, Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Stop() })
	pid := sb.MotoPID()
	if pid == 0 || sb.URL() == "" || !strings.HasPrefix(sb.URL(), "http://127.0.0.1:") {
		t.Fatalf("pid %d url %q", pid, sb.URL())
	}

	checkSeededLake(ctx, t, sb)
	vars := checkVars(ctx, t, sb)
	checkFSxNetwork(ctx, t, sb, vars)

	assumedRoleCredentialsVerify(ctx, t, sb)
	for _, c := range sb.Gateway().Calls() {
		if !c.SignatureVerified {
			t.Errorf("call %s:%s did not verify: %s", c.Service, c.Operation, c.SignatureError)
		}
	}

	if err := sb.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("moto pid %d still exists after Stop (kill 0: %v)", pid, err)
	}
	if err := sb.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if sb.MotoPID() != 0 {
		t.Errorf("MotoPID after Stop = %d", sb.MotoPID())
	}
}

// checkSeededLake checks the objects the seed put into the data-lake bucket.
func checkSeededLake(ctx context.Context, t *testing.T, sb *Sandbox) {
	t.Helper()
	s3c := s3.NewFromConfig(sb.AWSConfig(), func(o *s3.Options) { o.UsePathStyle = true })
	objs, err := s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(DataLakeBucket)})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]int64{}
	for _, o := range objs.Contents {
		keys[aws.ToString(o.Key)] = aws.ToInt64(o.Size)
	}
	for _, k := range []string{"raw/sample-000.csv", "raw/sample-002.csv", "reference/genome.fa"} {
		if keys[k] < 1000 {
			t.Errorf("object %s: size %d", k, keys[k])
		}
	}
	get, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(DataLakeBucket), Key: aws.String("reference/genome.fa")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(get.Body)
	get.Body.Close()
	if !strings.HasPrefix(string(b), ">chr_sandbox_1") {
		t.Errorf("genome.fa starts %q", string(b[:20]))
	}
}

// checkVars checks the sandbox's variables against what moto holds, and its environment.
func checkVars(ctx context.Context, t *testing.T, sb *Sandbox) map[string]string {
	t.Helper()
	cfg := sb.AWSConfig()
	vars := sb.Vars()
	if vars["data_lake_bucket"] != DataLakeBucket || !strings.HasPrefix(vars["vpc_id"], "vpc-") ||
		!strings.HasPrefix(vars["subnet_id"], "subnet-") || !strings.HasPrefix(vars["subnet_ids"], `["subnet-`) || vars["region"] != Region {
		t.Errorf("vars %v", vars)
	}
	if vars["account_id"] != "123456789012" || vars["datasync_role_arn"] != "arn:aws:iam::123456789012:role/"+DataSyncRoleName {
		t.Errorf("account_id %q, datasync_role_arn %q", vars["account_id"], vars["datasync_role_arn"])
	}
	img, err := ec2.NewFromConfig(cfg).DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{vars["ami_id"]}})
	if err != nil || len(img.Images) != 1 || img.Images[0].Architecture != "x86_64" {
		t.Errorf("ami_id %q: %v %+v", vars["ami_id"], err, img)
	}
	sub, err := ec2.NewFromConfig(cfg).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{vars["subnet_id"]}})
	if err != nil || len(sub.Subnets) != 1 || !aws.ToBool(sub.Subnets[0].DefaultForAz) || aws.ToString(sub.Subnets[0].VpcId) != vars["vpc_id"] {
		t.Errorf("default subnet: %v %+v", err, sub)
	}
	env := strings.Join(sb.Env(), "\n")
	for _, want := range []string{"AWS_ENDPOINT_URL=" + sb.URL(), "AWS_ACCESS_KEY_ID=testing", "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true",
		"RAYHPC_SANDBOX_URL=" + sb.URL(), "TF_VAR_vpc_id=" + vars["vpc_id"], "TF_VAR_subnet_ids=" + vars["subnet_ids"]} {
		if !strings.Contains(env, want) {
			t.Errorf("Env lacks %s", want)
		}
	}

	return vars
}

// checkFSxNetwork checks that FSx through the gateway takes its VPC from moto's subnet and refuses an
// unknown subnet, and that the seed's uploads were logged.
func checkFSxNetwork(ctx context.Context, t *testing.T, sb *Sandbox, vars map[string]string) {
	t.Helper()
	fc := fsx.NewFromConfig(sb.AWSConfig())
	fs, err := fc.CreateFileSystem(ctx, &fsx.CreateFileSystemInput{
		FileSystemType: fsxtypes.FileSystemTypeLustre, StorageCapacity: aws.Int32(1200), SubnetIds: []string{vars["subnet_id"]},
		LustreConfiguration: &fsxtypes.CreateFileSystemLustreConfiguration{DeploymentType: fsxtypes.LustreDeploymentTypePersistent2, PerUnitStorageThroughput: aws.Int32(125)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(fs.FileSystem.VpcId) != vars["vpc_id"] {
		t.Errorf("file system VpcId %q", aws.ToString(fs.FileSystem.VpcId))
	}
	if _, err := fc.CreateFileSystem(ctx, &fsx.CreateFileSystemInput{
		FileSystemType: fsxtypes.FileSystemTypeLustre, StorageCapacity: aws.Int32(1200), SubnetIds: []string{"subnet-0000000000000dead"},
	}); err == nil || !strings.Contains(err.Error(), "InvalidNetworkSettings") {
		t.Errorf("unknown subnet: %v", err)
	}
	if n := sb.Gateway().CountCalls("s3", "PutObject"); n < 4 {
		t.Errorf("PutObject calls logged: %d", n)
	}
}

func TestMotoMissingMessage(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := MotoAvailable()
	if !errors.Is(err, ErrMotoUnavailable) || !strings.Contains(err.Error(), "pip install 'moto[server]>=5.2,<6'") {
		t.Errorf("MotoAvailable without python3: %v", err)
	}
	if _, err := Start(context.Background(), Options{}); !errors.Is(err, ErrMotoUnavailable) {
		t.Errorf("Start without python3: %v", err)
	}
}
