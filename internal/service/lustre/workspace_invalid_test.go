// SPDX-License-Identifier: MPL-2.0

package lustre_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// Every class of invalid input is refused at plan time, before any FSx call. These tests are not
// parallel: Go runs them before the parallel ones, so the call log is theirs alone.
func TestAccLustreWorkspace_planTimeErrors(t *testing.T) {
	setup(t)
	cases := []struct {
		name string
		cfg  wsConfig
		want string
	}{
		{"ssd_capacity_step", wsConfig{capacity: 3000, throughput: 125}, `(?s)Invalid storage capacity for SSD storage.*storage_capacity_gib = 3000.*multiple of 2400`},
		{"scratch1_capacity_step", wsConfig{deployment: "SCRATCH_1", capacity: 4800}, `(?s)Invalid storage capacity for SCRATCH_1.*multiple of 3600`},
		{"hdd_not_persistent1", wsConfig{storage: "HDD", capacity: 6000, throughput: 125}, `(?s)Invalid storage type for the deployment type.*only with\s+deployment_type PERSISTENT_1`},
		{"hdd_capacity_step", wsConfig{deployment: "PERSISTENT_1", storage: "HDD", capacity: 1800, throughput: 12}, `(?s)Invalid storage capacity for HDD storage.*multiples of 6000 GiB`},
		{"throughput_value", wsConfig{deployment: "PERSISTENT_1", throughput: 125}, `(?s)Invalid throughput tier.*50, 100, 200`},
		{"throughput_on_scratch", wsConfig{deployment: "SCRATCH_2", throughput: 125}, `(?s)Throughput tier not supported`},
		{"throughput_missing", wsConfig{deployment: "PERSISTENT_1"}, `(?s)Missing throughput tier`},
		{"efa_deployment", wsConfig{deployment: "PERSISTENT_1", throughput: 200, extra: "  efa_enabled = true\n"}, `(?s)EFA not supported for the deployment type`},
		{"efa_capacity_step", wsConfig{capacity: 2400, throughput: 1000, extra: "  efa_enabled = true\n"}, `(?s)Invalid storage capacity for an EFA-enabled file system.*multiples of 4800`},
		{"kms_on_scratch", wsConfig{deployment: "SCRATCH_2", extra: "  kms_key_id = \"arn:aws:kms:us-east-1:123456789012:key/abcd\"\n"}, `(?s)Customer managed key not supported`},
		{"version_2_10_persistent2", wsConfig{throughput: 125, extra: "  file_system_type_version = \"2.10\"\n"}, `(?s)Lustre version not supported by the deployment type`},
		{"dra_on_scratch1", wsConfig{deployment: "SCRATCH_1", repos: []string{repo("/raw", "raw/", "")}}, `(?s)Data repository associations not supported.*SCRATCH_1`},
		{"dra_on_2_10", wsConfig{deployment: "SCRATCH_2", extra: "  file_system_type_version = \"2.10\"\n", repos: []string{repo("/raw", "raw/", "")}}, `(?s)Data repository associations need Lustre 2.12`},
		{"dra_overlapping_paths", wsConfig{deployment: "SCRATCH_2", repos: []string{repo("/data", "a/", ""), repo("/data/raw", "b/", "")}}, `(?s)Overlapping file system paths`},
		{"dra_duplicate_paths", wsConfig{deployment: "SCRATCH_2", repos: []string{repo("/data", "a/", ""), repo("/data/", "b/", "")}}, `(?s)Overlapping file system paths`},
		{"dra_relative_path", wsConfig{deployment: "SCRATCH_2", repos: []string{repo("data", "a/", "")}}, `(?s)Invalid file system path`},
		{"dra_bad_event", wsConfig{deployment: "SCRATCH_2", repos: []string{repo("/data", "a/", "    auto_export = [\"MODIFIED\"]\n")}}, `(?s)auto_export.*MODIFIED`},
		{"root_squash_format", wsConfig{deployment: "SCRATCH_2", extra: "  root_squash = \"nobody\"\n"}, `(?s)root_squash.*UID:GID`},
		{"sg_conflicts", wsConfig{deployment: "SCRATCH_2", extra: "  security_group_ids = [\"sg-0123456789abcdef0\"]\n  allowed_cidr_blocks = [\"10.0.0.0/8\"]\n"}, `(?s)Invalid Attribute Combination`},
		// Issue 10: what FSx and EC2 refuse by their API models, refused at plan.
		{"root_squash_zero_uid", wsConfig{deployment: "SCRATCH_2", extra: "  root_squash = \"0:65534\"\n"}, `(?s)Invalid root squash.*must each be non-zero, or both 0`},
		{"root_squash_too_large", wsConfig{deployment: "SCRATCH_2", extra: "  root_squash = \"4294967295:1\"\n"}, `(?s)Invalid root squash.*range from 0 to 4294967294`},
		{"capacity_overflows_int32", wsConfig{deployment: "SCRATCH_2", capacity: 2147484000}, `(?s)Storage capacity too large.*2147483647`},
		{"name_pattern", wsConfig{deployment: "SCRATCH_2", nameOverride: "bad|name*<>"}, `(?s)Invalid workspace name.*TagValue`},
		{"subnet_pattern", wsConfig{deployment: "SCRATCH_2", subnet: "not-a-subnet"}, `(?s)Invalid subnet ID.*SubnetId`},
		{"tag_value_pattern", wsConfig{deployment: "SCRATCH_2", extra: "  tags = { team = \"a<b>\" }\n"}, `(?s)Invalid tag.*TagValue`},
		{"sg_id_pattern", wsConfig{deployment: "SCRATCH_2", extra: "  security_group_ids = [\"sg-nope\"]\n"}, `(?s)Invalid security group ID`},
	}
	gw := acctest.Gateway(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.name = acctest.RandomName()
			if tc.cfg.nameOverride != "" {
				tc.cfg.name = tc.cfg.nameOverride
			}
			gw.ResetCalls()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: tc.cfg.String(), PlanOnly: true, ExpectError: regexp.MustCompile(strings.ReplaceAll(tc.want, " ", `\s+`)),
				}},
			})
			if n := gw.CountCalls("fsx", "CreateFileSystem"); n != 0 {
				t.Fatalf("CreateFileSystem was called %d times for an invalid configuration", n)
			}
			if n := gw.CountCalls("ec2", "CreateSecurityGroup"); n != 0 {
				t.Fatalf("CreateSecurityGroup was called %d times for an invalid configuration", n)
			}
		})
	}
}

// Shrinking the capacity (and other changes FSx cannot make) fail the plan, with no UpdateFileSystem call.
func TestAccLustreWorkspace_planTimeChangeErrors(t *testing.T) {
	setup(t)
	rName := acctest.RandomName()
	gw := acctest.Gateway(t)
	base := wsConfig{name: rName, capacity: 2400, throughput: 250}
	shrink := base
	shrink.capacity = 1200
	downgrade := base
	downgrade.extra = "  file_system_type_version = \"2.12\"\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroy(t),
		Steps: []resource.TestStep{
			{Config: base.String(), Check: func(*terraform.State) error { gw.ResetCalls(); return nil }},
			{Config: shrink.String(), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Storage capacity cannot be decreased.*from 2400 to 1200\s+GiB.*create\s+a\s+new\s+workspace`)},
			{Config: downgrade.String(), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Lustre version cannot be downgraded`)},
			{Config: base.String(), PlanOnly: true},
		},
	})
	if n := gw.CountCalls("fsx", "UpdateFileSystem"); n != 0 {
		t.Fatalf("UpdateFileSystem was called %d times for an invalid change", n)
	}
}

// Each mistake is reported once (issue 10: a custom check and a schema validator both reported some): the
// JSON of terraform validate holds exactly one error diagnostic for each.
func TestAccLustreWorkspace_mistakesReportedOnce(t *testing.T) {
	setup(t)
	cli := acctest.NewCLI(t)
	for name, cfg := range map[string]wsConfig{
		"auto_import":         {deployment: "SCRATCH_2", repos: []string{repo("/raw", "raw/", "    auto_import = [\"SOMETIMES\"]\n")}},
		"negative_capacity":   {deployment: "SCRATCH_2", capacity: -1200},
		"negative_throughput": {throughput: -125},
		"root_squash":         {deployment: "SCRATCH_2", extra: "  root_squash = \"nobody\"\n"},
	} {
		cfg.name = acctest.RandomName()
		cli.WriteConfig(cfg.String())
		out, _ := cli.Run("validate", "-json")
		var doc struct {
			Diagnostics []struct {
				Severity string `json:"severity"`
				Summary  string `json:"summary"`
			} `json:"diagnostics"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%s: reading terraform validate -json: %v\n%s", name, err, out)
		}
		var errs []string
		for _, d := range doc.Diagnostics {
			if d.Severity == "error" {
				errs = append(errs, d.Summary)
			}
		}
		if len(errs) != 1 {
			t.Errorf("%s: %d errors %q, want exactly one", name, len(errs), errs)
		}
	}
}

// Groups the user brings are checked before CreateFileSystem: without the Lustre rules (or, for EFA,
// the all-traffic rules to and from the group) the apply fails naming the missing rule, and no file
// system is created.
func TestAccLustreWorkspace_userGroupsChecked(t *testing.T) {
	setup(t)
	gw := acctest.Gateway(t)
	ctx := context.Background()
	conn := ec2.NewFromConfig(acctest.Sandbox(t).AWSConfig())
	rName := acctest.RandomName()
	out, err := conn.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(rName + "-bare"),
		Description: aws.String("no Lustre rules"), VpcId: aws.String(acctest.Var(t, "vpc_id"))})
	if err != nil {
		t.Fatal(err)
	}
	bare := aws.ToString(out.GroupId)
	t.Cleanup(func() { _, _ = conn.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(bare)}) })
	lustreOnly := lustreGroup(t, rName)
	efa := func(sg string) string {
		return wsConfig{name: rName, capacity: 4800, throughput: 1000,
			extra: fmt.Sprintf("  efa_enabled = true\n  security_group_ids = [%q]\n", sg)}.String()
	}
	gw.ResetCalls()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      wsConfig{name: rName, deployment: "SCRATCH_2", extra: fmt.Sprintf("  security_group_ids = [%q]\n", bare)}.String(),
				ExpectError: regexp.MustCompile(`(?s)allows\s+inbound\s+TCP\s+988\s+from\s+the\s+groups\s+themselves.*authorize-security-group-ingress`),
			},
			{Config: efa(lustreOnly), ExpectError: regexp.MustCompile(`(?s)allows\s+all\s+traffic\s+inbound\s+from\s+itself\s+and\s+outbound.*EFA-enabled`)},
		},
	})
	if n := gw.CountCalls("fsx", "CreateFileSystem"); n != 0 {
		t.Errorf("CreateFileSystem was called %d times with groups FSx would refuse", n)
	}
}
