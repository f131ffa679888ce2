// SPDX-License-Identifier: MPL-2.0

package sandbox

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// DataSyncRoleName is the IAM role the seed creates for DataSync to reach the data-lake bucket.
const DataSyncRoleName = "rayhpc-datasync-data-lake"

// dataSyncTrustPolicy lets DataSync assume the role (DataSync User Guide, "Creating an IAM role for
// DataSync to access your Amazon S3 location").
const dataSyncTrustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
	`"Principal":{"Service":"datasync.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// seedExampleInputs creates and looks up what the examples under examples/ take as variables besides the
// network and the bucket: an IAM role DataSync assumes for the data lake (datasync_role_arn, and the
// account it lives in, account_id) and an x86_64 Amazon Linux 2 AMI from moto's catalog (ami_id).
func (sb *Sandbox) seedExampleInputs(ctx context.Context) error {
	cfg := sb.AWSConfig()
	role, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(DataSyncRoleName),
		AssumeRolePolicyDocument: aws.String(dataSyncTrustPolicy),
		Description:              aws.String("rayhpc sandbox: DataSync access to the data-lake bucket"),
	})
	if err != nil {
		return fmt.Errorf("creating IAM role %s: %w", DataSyncRoleName, err)
	}
	roleARN := aws.ToString(role.Role.Arn)
	parts := strings.Split(roleARN, ":")
	if len(parts) < 6 {
		return fmt.Errorf("IAM role ARN %q has no account", roleARN)
	}

	images, err := ec2.NewFromConfig(cfg).DescribeImages(ctx, &ec2.DescribeImagesInput{
		Owners: []string{"amazon"},
		Filters: []ec2types.Filter{
			{Name: aws.String("name"), Values: []string{"amzn2-ami-hvm-*-x86_64-gp2"}},
			{Name: aws.String("architecture"), Values: []string{"x86_64"}},
		},
	})
	if err != nil {
		return fmt.Errorf("describing Amazon Linux 2 AMIs: %w", err)
	}
	if len(images.Images) == 0 {
		return errors.New("moto offers no x86_64 Amazon Linux 2 AMI")
	}
	sort.Slice(images.Images, func(i, j int) bool {
		return aws.ToString(images.Images[i].Name) > aws.ToString(images.Images[j].Name)
	})
	sb.vars["datasync_role_arn"] = roleARN
	sb.vars["account_id"] = parts[4]
	sb.vars["ami_id"] = aws.ToString(images.Images[0].ImageId)
	return nil
}
