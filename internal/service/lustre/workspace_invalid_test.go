// SPDX-License-Identifier: MPL-2.0

package lustre_test

import (
	"regexp"
	"strings"
	"testing"

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
	}
	gw := acctest.Gateway(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.name = acctest.RandomName()
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
