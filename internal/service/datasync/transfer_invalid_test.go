// SPDX-License-Identifier: MPL-2.0

package datasync_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

var createOps = []string{"CreateLocationS3", "CreateLocationNfs", "CreateLocationSmb", "CreateLocationObjectStorage", "CreateLocationFsxLustre", "CreateTask", "StartTaskExecution"}

// Every class of invalid input is refused at plan time, before any DataSync create call. Not parallel:
// Go runs these before the parallel tests, so the call log is theirs alone.
func TestAccDataSyncTransfer_planTimeErrors(t *testing.T) {
	bucket := acctest.Var(t, "data_lake_bucket")
	src, dst := s3Loc(bucket, "/raw"), s3Loc(bucket, "/out")
	cases := []struct {
		name string
		cfg  transferConfig
		want string
	}{
		{"no_source", transferConfig{source: "", dest: dst}, `(?s)Invalid source.*none is set`},
		{"two_sources", transferConfig{source: src + "\n" + nfsLoc("nfs.lab", "/e"), dest: dst}, `(?s)Invalid source.*nfs and s3 are set together`},
		{"two_destinations", transferConfig{source: src, dest: dst + "\n    lustre = {\n      workspace_id = \"fs-0123456789abcdef0\"\n      security_group_arns = [\"arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123\"]\n    }"}, `(?s)Invalid destination.*s3 and lustre are set together`},
		{"task_name_pattern", transferConfig{source: src, dest: dst}, `(?s)name.*TagValue pattern`},
		{"tag_value_pattern", transferConfig{source: src, dest: dst, extra: `  tags = { team = "a&b" }`}, `(?s)tags.*TagValue pattern`},
		{"enhanced_into_lustre", transferConfig{source: src, dest: "    lustre = {\n      workspace_id = \"fs-0123456789abcdef0\"\n      security_group_arns = [\"arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123\"]\n    }", extra: `  task_mode = "ENHANCED"`}, `(?s)Enhanced mode not available`},
		{"lustre_both_ids", transferConfig{source: src, dest: "    lustre = {\n      workspace_id = \"fs-0123456789abcdef0\"\n      file_system_arn = \"arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0\"\n      security_group_arns = [\"arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123\"]\n    }"}, `(?s)Invalid Attribute Combination`},
		{"lustre_bad_sg", transferConfig{source: src, dest: "    lustre = {\n      workspace_id = \"fs-0123456789abcdef0\"\n      security_group_arns = [\"sg-0123\"]\n    }"}, `(?s)security_group_arns.*security group ARN`},
		{"bad_bucket_arn", transferConfig{source: strings.Replace(src, "arn:aws:s3:::", "s3://", 1), dest: dst}, `(?s)bucket_arn.*S3 bucket ARN`},
		{"bad_role_arn", transferConfig{source: strings.Replace(src, roleARN, "datasync-role", 1), dest: dst}, `(?s)bucket_access_role_arn.*IAM role ARN`},
		{"bad_storage_class", transferConfig{source: src, dest: strings.Replace(dst, "}", "  storage_class = \"COLD\"\n    }", 1)}, `(?s)storage_class.*STANDARD`},
		{"nfs_relative_path", transferConfig{source: nfsLoc("nfs.lab", "exports"), dest: dst}, `(?s)subdirectory.*starting with /`},
		{"nfs_bad_host", transferConfig{source: nfsLoc("nfs lab", "/e"), dest: dst}, `(?s)server_hostname.*DNS name`},
		{"nfs_bad_agent", transferConfig{source: strings.Replace(nfsLoc("nfs.lab", "/e"), agent, "agent-1", 1), dest: dst}, `(?s)agent_arns.*DataSync agent ARN`},
		{"nfs_bad_version", transferConfig{source: strings.Replace(nfsLoc("nfs.lab", "/e"), "    }", "      mount_version = \"NFS5\"\n    }", 1), dest: dst}, `(?s)mount_version.*NFS4_1`},
		{"smb_missing_password", transferConfig{source: "    smb = {\n      server_hostname = \"smb.lab\"\n      subdirectory = \"/share\"\n      user = \"svc\"\n      agent_arns = [\"" + agent + "\"]\n    }", dest: dst}, `(?s)password.*required`},
		{"object_storage_port", transferConfig{source: "    object_storage = {\n      server_hostname = \"minio.lab\"\n      bucket_name = \"data\"\n      server_port = 70000\n    }", dest: dst}, `(?s)server_port.*between 1 and 65536`},
		{"object_storage_key_pair", transferConfig{source: "    object_storage = {\n      server_hostname = \"minio.lab\"\n      bucket_name = \"data\"\n      access_key = \"AKIA\"\n    }", dest: dst}, `(?s)Invalid Attribute Combination.*secret_key`},
		{"schedule_too_frequent_rate", transferConfig{source: src, dest: dst, extra: `  schedule = "rate(30 minutes)"`}, `(?s)Invalid DataSync schedule.*minimum interval between runs is 1 hour`},
		{"schedule_too_frequent_cron", transferConfig{source: src, dest: dst, extra: `  schedule = "cron(*/15 * * * ? *)"`}, `(?s)Invalid DataSync schedule.*more than once an hour`},
		{"schedule_syntax", transferConfig{source: src, dest: dst, extra: `  schedule = "every day"`}, `(?s)Invalid DataSync schedule.*neither`},
		{"option_enum", transferConfig{source: src, dest: dst, extra: `  options = { verify_mode = "SOMETIMES" }`}, `(?s)verify_mode.*POINT_IN_TIME_CONSISTENT`},
		{"bandwidth_zero", transferConfig{source: src, dest: dst, extra: `  options = { bandwidth_limit = 0 }`}, `(?s)bandwidth_limit`},
		{"remove_with_all", transferConfig{source: src, dest: dst, extra: `  options = { preserve_deleted_files = "REMOVE", transfer_mode = "ALL" }`}, `(?s)Invalid DataSync options.*REMOVE.*cannot be combined`},
		{"log_level_without_group", transferConfig{source: src, dest: dst, extra: `  options = { log_level = "TRANSFER" }`}, `(?s)Missing log group`},
		{"verify_with_glacier", transferConfig{source: src, dest: strings.Replace(dst, "}", "  storage_class = \"DEEP_ARCHIVE\"\n    }", 1), extra: `  options = { verify_mode = "POINT_IN_TIME_CONSISTENT" }`}, `(?s)POINT_IN_TIME_CONSISTENT.*DEEP_ARCHIVE`},
		{"bad_log_group", transferConfig{source: src, dest: dst, extra: `  cloudwatch_log_group_arn = "datasync-logs"`}, `(?s)cloudwatch_log_group_arn.*log group ARN`},
		{"empty_pattern", transferConfig{source: src, dest: dst, extra: `  includes = [""]`}, `(?s)includes.*non-empty pattern`},
		{"pipe_in_pattern", transferConfig{source: src, dest: dst, extra: `  excludes = ["*.tmp|*.bak"]`}, `(?s)excludes.*without \|`},
		{"overlapping_s3", transferConfig{source: src, dest: s3Loc(bucket, "raw/")}, `(?s)Source and destination overlap`},
		{"bad_tag_key", transferConfig{source: src, dest: dst, extra: `  tags = { "bad*key" = "x" }`}, `(?s)tags`},
	}
	gw := acctest.Gateway(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.name = acctest.RandomName()
			if tc.name == "task_name_pattern" {
				tc.cfg.name = "bad name & symbols!!"
			}
			gw.ResetCalls()
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: tc.cfg.String(), PlanOnly: true, ExpectError: regexp.MustCompile(strings.ReplaceAll(tc.want, " ", `\s+`)),
				}},
			})
			for _, op := range createOps {
				if n := gw.CountCalls("datasync", op); n != 0 {
					t.Fatalf("%s was called %d times for an invalid configuration", op, n)
				}
			}
		})
	}
}
