// SPDX-License-Identifier: MPL-2.0

package efa_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

const (
	amiX86   = "ami-04681a1dbd79675a5" // moto's amzn2-ami-hvm-2.0.20180810-x86_64-gp2, root /dev/xvda
	amiArm64 = "ami-0e9271c829888680e" // moto's al2022-ami-2022.0.20220728.1-kernel-5.15-arm64
)

var createOps = []string{"CreatePlacementGroup", "CreateSecurityGroup", "CreateLaunchTemplate", "CreateLaunchTemplateVersion"}

// Every class of invalid input fails at plan time, before any create call reaches EC2. Not parallel,
// so that the call counts see only this test's calls.
func TestAccEFANetwork_invalidInputs(t *testing.T) {
	skipUnlessAcc(t)
	acctest.PreCheck(t)
	subnet := acctest.Var(t, "subnet_id")
	rName := acctest.RandomName()
	cases := []struct {
		name, instanceType, extra, subnet, want string
	}{
		{"not EFA-capable", "m6i.xlarge", "", subnet,
			`(?s)Instance type does not support EFA.*"m6i.xlarge" does not support the Elastic\s+Fabric\s+Adapter.*nearest\s+EFA-capable\s+instance\s+types\s+are:\s+c5n\.9xlarge`},
		{"unknown type", "c5n.huge", "", subnet, `(?s)Unknown instance type.*"c5n.huge" is not an EC2 instance type`},
		{"malformed type", "C5N_18XL", "", subnet, `(?s)instance_type.*must be an EC2 instance type`},
		{"not offered in the subnet's AZ", "hpc7g.16xlarge", "", subnet, `(?s)Instance type not offered in the subnet's\s+Availability Zone`},
		{"subnet not found", "c5n.18xlarge", "", "subnet-0123456789abcdef0", `(?s)Subnet not found`},
		{"malformed subnet", "c5n.18xlarge", "", "subnet_abc", `(?s)must be a subnet ID`},
		{"bad placement strategy", "c5n.18xlarge", `placement_strategy = "spread"`, subnet, `(?s)placement_strategy.*value must be one of`},
		{"AMI not found", "c5n.18xlarge", `launch_template = { image_id = "ami-0123456789abcdef0" }`, subnet, `(?s)AMI not found`},
		{"AMI of another architecture", "c5n.18xlarge", `launch_template = { image_id = "` + amiArm64 + `" }`, subnet,
			`(?s)AMI architecture does not match the instance type.*is arm64`},
		{"malformed AMI", "c5n.18xlarge", `launch_template = { image_id = "image-1" }`, subnet, `(?s)must be an AMI ID`},
		{"root volume without AMI", "c5n.18xlarge", `launch_template = { root_volume_size_gib = 100 }`, subnet,
			`(?s)launch_template.image_id.*must be specified`},
		{"root volume too large", "c5n.18xlarge", `launch_template = { image_id = "` + amiX86 + `"
  root_volume_size_gib = 20000 }`, subnet, `(?s)root_volume_size_gib value must be between 1 and\s+16384`},
		{"user data too long", "c5n.18xlarge", `launch_template = { user_data = "` + strings.Repeat("x", 16*1024+1) + `" }`, subnet,
			`(?s)user_data string length must be at most\s+16384`},
		{"additional security group not found", "c5n.18xlarge", `additional_security_group_ids = ["sg-0123456789abcdef0"]`, subnet, `(?s)Security group not found`},
		{"malformed security group", "c5n.18xlarge", `additional_security_group_ids = ["default"]`, subnet, `(?s)must be a security\s+group ID`},
		{"bad timeout", "c5n.18xlarge", `timeouts = { create = "soon" }`, subnet, `(?s)Invalid Attribute Value Time Duration`},
	}
	gw := acctest.Gateway(t)
	before := map[string]int{}
	for _, op := range createOps {
		before[op] = gw.CountCalls("ec2", op)
	}
	steps := []resource.TestStep{}
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config:      testAccNetworkConfig(rName, tc.subnet, tc.instanceType, "  "+tc.extra),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(tc.want),
		})
	}
	steps = append(steps, resource.TestStep{
		Config:      testAccNetworkConfig("x", subnet, "c5n.18xlarge", ""),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`(?s)name.*must be 3 to 128 characters`),
	})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
	for _, op := range createOps {
		if n := gw.CountCalls("ec2", op) - before[op]; n != 0 {
			t.Errorf("%d %s calls reached EC2 during plan-time validation, want 0", n, op)
		}
	}
	// The checks did talk to EC2 (a test that never reaches the API could not fail for the right reason).
	if gw.CountCalls("ec2", "DescribeInstanceTypes") == 0 {
		t.Error("no DescribeInstanceTypes call was made")
	}
}
