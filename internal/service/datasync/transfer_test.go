// SPDX-License-Identifier: MPL-2.0

package datasync_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsdatasync "github.com/aws/aws-sdk-go-v2/service/datasync"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/datasync"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

const (
	resName = "rayhpc_datasync_transfer.test"
	roleARN = "arn:aws:iam::123456789012:role/datasync-data-lake"
	agent   = "arn:aws:datasync:us-east-1:123456789012:agent/agent-0123456789abcdef0"
)

// transferConfig builds a rayhpc_datasync_transfer configuration.
type transferConfig struct {
	name   string
	source string // the body of source = { ... }
	dest   string // the body of destination = { ... }
	extra  string // more arguments
}

func (c transferConfig) String() string {
	return fmt.Sprintf(`
resource "rayhpc_datasync_transfer" "test" {
  name = %[1]q
  source = {
%[2]s
  }
  destination = {
%[3]s
  }
%[4]s
}
`, c.name, c.source, c.dest, c.extra)
}

func s3Loc(bucket, subdir string) string {
	return fmt.Sprintf(`    s3 = {
      bucket_arn             = "arn:aws:s3:::%s"
      subdirectory           = %q
      bucket_access_role_arn = %q
    }`, bucket, subdir, roleARN)
}

func nfsLoc(host, subdir string) string {
	return fmt.Sprintf(`    nfs = {
      server_hostname = %q
      subdirectory    = %q
      agent_arns      = [%q]
    }`, host, subdir, agent)
}

func dsClient(t *testing.T) *awsdatasync.Client {
	t.Helper()
	return awsdatasync.NewFromConfig(acctest.AWSConfig(t))
}

func checkDestroy(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		c := dsClient(t)
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "rayhpc_datasync_transfer" {
				continue
			}
			if _, err := datasync.FindTask(context.Background(), c, rs.Primary.ID); err == nil {
				return fmt.Errorf("DataSync task %s still exists", rs.Primary.ID)
			}
			for _, l := range []string{rs.Primary.Attributes["source_location_arn"], rs.Primary.Attributes["destination_location_arn"]} {
				_, err := c.DescribeLocationS3(context.Background(), &awsdatasync.DescribeLocationS3Input{LocationArn: aws.String(l)})
				if err == nil || !datasync.IsNotFound(err) {
					if _, nerr := c.DescribeLocationNfs(context.Background(), &awsdatasync.DescribeLocationNfsInput{LocationArn: aws.String(l)}); nerr == nil || !datasync.IsNotFound(nerr) {
						return fmt.Errorf("DataSync location %s still exists", l)
					}
				}
			}
		}
		return nil
	}
}

// Import reports the task options DataSync holds even when the configuration leaves options unset.
var importIgnore = []string{"run_on_apply", "wait_for_completion", "last_execution", "timeouts", "options"}

func TestAccDataSyncTransfer_basic(t *testing.T) {
	bucket := acctest.Var(t, "data_lake_bucket")
	cfg := transferConfig{
		name: acctest.RandomName(), source: s3Loc(bucket, "/raw"), dest: s3Loc(bucket, "/ingest/raw"),
		extra: `  run_on_apply = true
  schedule     = "rate(12 hours)"
  includes     = ["*.csv"]
  tags = { team = "genomics" }`,
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: cfg.String(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:datasync:us-east-1:123456789012:task/task-[0-9a-f]{17}$`))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("status"), knownvalue.StringExact("AVAILABLE")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("last_execution").AtMapKey("status"), knownvalue.StringExact("SUCCESS")),
					// The seed puts three raw/sample-NNN.csv objects under raw/.
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("last_execution").AtMapKey("files_transferred"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("options"), knownvalue.Null()),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("source").AtMapKey("s3").AtMapKey("storage_class"), knownvalue.StringExact("STANDARD")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith(resName, "last_execution.bytes_transferred", func(v string) error {
						if v == "0" || v == "" {
							return fmt.Errorf("no bytes transferred")
						}
						return nil
					}),
					resource.TestMatchResourceAttr(resName, "source_location_arn", regexp.MustCompile(`:location/loc-[0-9a-f]{17}$`)),
				),
			},
			{ResourceName: resName, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importIgnore},
		},
	})
}

// Changes DataSync can make in place keep the task; changing the kind of source needs a new source
// location, and a task's locations are fixed, so the plan replaces the transfer (it says so: no
// in-place update whose id silently changes).
func TestAccDataSyncTransfer_update(t *testing.T) {
	bucket := acctest.Var(t, "data_lake_bucket")
	name := acctest.RandomName()
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	sameDest := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: transferConfig{name: name, source: s3Loc(bucket, "/raw"), dest: s3Loc(bucket, "/copy/a"), extra: `  schedule = "rate(12 hours)"`}.String(),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")), newID.AddStateValue(resName, tfjsonpath.New("id")),
					sameDest.AddStateValue(resName, tfjsonpath.New("destination_location_arn")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("last_execution"), knownvalue.Null()),
				},
			},
			{
				Config: transferConfig{name: name + "-renamed", source: s3Loc(bucket, "/reference"), dest: s3Loc(bucket, "/copy/b"), extra: `  schedule = "cron(0 2 * * ? *)"
  excludes = ["*.tmp", "/scratch"]
  options  = { verify_mode = "ONLY_FILES_TRANSFERRED", bandwidth_limit = 1048576 }
  run_on_apply = true
  tags     = { team = "genomics" }`}.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					sameDest.AddStateValue(resName, tfjsonpath.New("destination_location_arn")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("schedule"), knownvalue.StringExact("cron(0 2 * * ? *)")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("options").AtMapKey("overwrite_mode"), knownvalue.StringExact("ALWAYS")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("last_execution").AtMapKey("status"), knownvalue.StringExact("SUCCESS")),
					// reference/genome.fa only.
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("last_execution").AtMapKey("files_transferred"), knownvalue.Int64Exact(1)),
				},
			},
			{
				Config: transferConfig{name: name + "-renamed", source: nfsLoc("nfs.lab.internal", "/exports/genomics"), dest: s3Loc(bucket, "/copy/b"), extra: `  schedule = "cron(0 2 * * ? *)"`}.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectUnknownValue(resName, tfjsonpath.New("id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(resName, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("source").AtMapKey("nfs").AtMapKey("mount_version"), knownvalue.StringExact("AUTOMATIC")),
				},
			},
			{ResourceName: resName, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importIgnore},
		},
	})
}

func TestAccDataSyncTransfer_disappears(t *testing.T) {
	bucket := acctest.Var(t, "data_lake_bucket")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroy(t),
		Steps: []resource.TestStep{{
			Config: transferConfig{name: acctest.RandomName(), source: s3Loc(bucket, "/raw"), dest: s3Loc(bucket, "/gone")}.String(),
			Check: func(s *terraform.State) error {
				a := s.RootModule().Resources[resName].Primary.Attributes
				c := dsClient(t)
				if _, err := c.DeleteTask(context.Background(), &awsdatasync.DeleteTaskInput{TaskArn: aws.String(a["id"])}); err != nil {
					return err
				}
				for _, l := range []string{a["source_location_arn"], a["destination_location_arn"]} {
					if _, err := c.DeleteLocation(context.Background(), &awsdatasync.DeleteLocationInput{LocationArn: aws.String(l)}); err != nil {
						return err
					}
				}
				return nil
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate),
			}},
			ExpectNonEmptyPlan: true,
		}},
	})
}

// An injected failure (a source subdirectory containing "sandbox-fail") fails the apply with
// DataSync's error code and message, and leaves the task in state, tainted.
func TestAccDataSyncTransfer_failedExecution(t *testing.T) {
	bucket := acctest.Var(t, "data_lake_bucket")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroy(t),
		Steps: []resource.TestStep{{
			Config:      transferConfig{name: acctest.RandomName(), source: s3Loc(bucket, "/raw/sandbox-fail"), dest: s3Loc(bucket, "/failed"), extra: "  run_on_apply = true"}.String(),
			ExpectError: regexp.MustCompile(`(?s)DataSync transfer \(.*\) failed.*SourceLocationReadError: DataSync could not\s+read from the source location`),
		}},
	})
}

const wsName = "rayhpc_lustre_workspace.x"

// lustreDestConfig is a Lustre workspace (PERSISTENT_2, 1200 GiB, 125 MB/s/TiB) and a transfer from the
// data lake's raw/ into its /ingest directory, run and waited for on apply.
func lustreDestConfig(name, subnetID, region, bucket string) string {
	return fmt.Sprintf(`
resource "rayhpc_lustre_workspace" "x" {
  name                        = "%[1]s-fs"
  deployment_type             = "PERSISTENT_2"
  storage_capacity_gib        = 1200
  per_unit_storage_throughput = 125
  subnet_id                   = %[2]q
}

resource "rayhpc_datasync_transfer" "test" {
  name = %[1]q
  source = {
%[5]s
  }
  destination = {
    lustre = {
      workspace_id        = rayhpc_lustre_workspace.x.id
      subdirectory        = "/ingest"
      security_group_arns = ["arn:aws:ec2:%[3]s:%[4]s:security-group/${rayhpc_lustre_workspace.x.security_group_id}"]
    }
  }
  run_on_apply        = true
  wait_for_completion = true
}
`, name, subnetID, region, accountOf(roleARN), s3Loc(bucket, "/raw"))
}

// accountOf returns the account of an ARN.
func accountOf(arn string) string {
	if p := strings.Split(arn, ":"); len(p) > 4 {
		return p[4]
	}
	return ""
}

// checkLustreLocation describes the destination location through the SDK and checks that it is an FSx
// for Lustre location on the workspace's file system, in /ingest, reached through the workspace's group.
func checkLustreLocation(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		tr, ws := s.RootModule().Resources[resName], s.RootModule().Resources[wsName]
		if tr == nil || ws == nil {
			return fmt.Errorf("%s or %s not in state", resName, wsName)
		}
		fsID, fsARN := ws.Primary.ID, ws.Primary.Attributes["arn"]
		out, err := dsClient(t).DescribeLocationFsxLustre(context.Background(), &awsdatasync.DescribeLocationFsxLustreInput{
			LocationArn: aws.String(tr.Primary.Attributes["destination_location_arn"]),
		})
		if err != nil {
			return fmt.Errorf("describing the destination location: %w", err)
		}
		// fsxl://REGION.FS-ID/SUBDIR/
		region := strings.Split(fsARN, ":")[3]
		if want := "fsxl://" + region + "." + fsID + "/ingest"; !strings.HasPrefix(aws.ToString(out.LocationUri), want) {
			return fmt.Errorf("destination location URI %q does not name file system %s (want prefix %s)", aws.ToString(out.LocationUri), fsID, want)
		}
		if len(out.SecurityGroupArns) != 1 || !strings.HasSuffix(out.SecurityGroupArns[0], "/"+ws.Primary.Attributes["security_group_id"]) {
			return fmt.Errorf("destination location security groups %v, want the workspace's %s", out.SecurityGroupArns, ws.Primary.Attributes["security_group_id"])
		}
		// The ARN the location resolves to is the file system's own (FSx agrees).
		fss, err := fsx.NewFromConfig(acctest.AWSConfig(t)).DescribeFileSystems(context.Background(), &fsx.DescribeFileSystemsInput{FileSystemIds: []string{fsID}})
		if err != nil {
			return err
		}
		if len(fss.FileSystems) != 1 || aws.ToString(fss.FileSystems[0].ResourceARN) != fsARN {
			return fmt.Errorf("FSx describes %s as %+v, want ARN %s", fsID, fss.FileSystems, fsARN)
		}
		return nil
	}
}

// checkLustreDestroy checks that the task, its FSx for Lustre location and the workspace are gone.
func checkLustreDestroy(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ctx := context.Background()
		c := dsClient(t)
		for _, rs := range s.RootModule().Resources {
			switch rs.Type {
			case "rayhpc_datasync_transfer":
				if _, err := datasync.FindTask(ctx, c, rs.Primary.ID); !wait.NotFound(err) {
					return fmt.Errorf("DataSync task %s still exists (err %v)", rs.Primary.ID, err)
				}
				l := rs.Primary.Attributes["destination_location_arn"]
				if _, err := c.DescribeLocationFsxLustre(ctx, &awsdatasync.DescribeLocationFsxLustreInput{LocationArn: aws.String(l)}); err == nil || !datasync.IsNotFound(err) {
					return fmt.Errorf("DataSync location %s still exists (err %v)", l, err)
				}
			case "rayhpc_lustre_workspace":
				conn := fsx.NewFromConfig(acctest.AWSConfig(t))
				if _, err := lustre.FindFileSystemByID(ctx, conn, rs.Primary.ID); !wait.NotFound(err) {
					return fmt.Errorf("FSx for Lustre file system %s still exists (err %v)", rs.Primary.ID, err)
				}
			}
		}
		return nil
	}
}

// A transfer from the data lake straight into a Lustre workspace created in the same configuration:
// the execution succeeds and moves files, the destination location is on the workspace's file system,
// and the transfer imports.
func TestAccDataSyncTransfer_lustreDestination(t *testing.T) {
	bucket := acctest.Var(t, "data_lake_bucket")
	cfg := lustreDestConfig(acctest.RandomName(), acctest.Var(t, "subnet_id"), acctest.Var(t, "region"), bucket)
	var fsARN string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkLustreDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("last_execution").AtMapKey("status"), knownvalue.StringExact("SUCCESS")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("destination").AtMapKey("lustre").AtMapKey("subdirectory"), knownvalue.StringExact("/ingest")),
					statecheck.ExpectKnownValue(wsName, tfjsonpath.New("lifecycle_state"), knownvalue.StringExact("AVAILABLE")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith(resName, "last_execution.files_transferred", func(v string) error {
						if n, err := strconv.ParseInt(v, 10, 64); err != nil || n <= 0 {
							return fmt.Errorf("files_transferred = %q, want > 0", v)
						}
						return nil
					}),
					resource.TestCheckResourceAttrPair(resName, "destination.lustre.workspace_id", wsName, "id"),
					checkLustreLocation(t),
					func(s *terraform.State) error {
						fsARN = s.RootModule().Resources[wsName].Primary.Attributes["arn"]
						return nil
					},
				),
			},
			{
				// An imported transfer names its file system by workspace ID, as the configuration does.
				ResourceName: resName, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: importIgnore,
				ImportStateCheck: func(is []*terraform.InstanceState) error {
					if len(is) != 1 {
						return fmt.Errorf("imported %d instances, want 1", len(is))
					}
					want := fsARN[strings.LastIndex(fsARN, "/")+1:]
					if got := is[0].Attributes["destination.lustre.workspace_id"]; got != want || want == "" {
						return fmt.Errorf("imported destination.lustre.workspace_id = %q, want the workspace's %q", got, want)
					}
					return nil
				},
			},
		},
	})
}

// The sandbox refuses an FSx for Lustre location whose security groups do not exist or whose file
// system is not AVAILABLE, as DataSync does; the provider says so before it creates anything.
func TestAccDataSyncTransfer_lustreDestinationRules(t *testing.T) {
	bucket := acctest.Var(t, "data_lake_bucket")
	name := acctest.RandomName()
	cfg := lustreDestConfig(name, acctest.Var(t, "subnet_id"), acctest.Var(t, "region"), bucket)
	missingSG := fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/sg-0fffffffffffffff0", acctest.Var(t, "region"), accountOf(roleARN))
	bad := strings.Replace(cfg, fmt.Sprintf(`"arn:aws:ec2:%s:%s:security-group/${rayhpc_lustre_workspace.x.security_group_id}"`, acctest.Var(t, "region"), accountOf(roleARN)), strconv.Quote(missingSG), 1)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkLustreDestroy(t),
		Steps: []resource.TestStep{
			{
				Config:      bad,
				ExpectError: regexp.MustCompile(`(?s)destination\.lustre\.security_group_arns.*sg-0fffffffffffffff0`),
			},
			{
				// The sandbox itself: CreateLocationFsxLustre with a missing group, and with a file system
				// that is still CREATING, is refused.
				Config: strings.SplitN(cfg, `resource "rayhpc_datasync_transfer"`, 2)[0],
				Check: func(s *terraform.State) error {
					ctx, c := context.Background(), dsClient(t)
					ws := s.RootModule().Resources[wsName].Primary.Attributes
					_, err := c.CreateLocationFsxLustre(ctx, &awsdatasync.CreateLocationFsxLustreInput{
						FsxFilesystemArn: aws.String(ws["arn"]), SecurityGroupArns: []string{missingSG},
					})
					if err == nil || !strings.Contains(err.Error(), "sg-0fffffffffffffff0 does not exist") {
						return fmt.Errorf("a location with a missing security group: %v", err)
					}
					fsc := fsx.NewFromConfig(acctest.AWSConfig(t))
					out, err := fsc.CreateFileSystem(ctx, &fsx.CreateFileSystemInput{
						FileSystemType: "LUSTRE", StorageCapacity: aws.Int32(1200), SubnetIds: []string{acctest.Var(t, "subnet_id")},
						LustreConfiguration: &fsxtypes.CreateFileSystemLustreConfiguration{DeploymentType: fsxtypes.LustreDeploymentTypeScratch2},
					})
					if err != nil {
						return err
					}
					defer func() {
						_, _ = fsc.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: out.FileSystem.FileSystemId}) //nolint:errcheck // best effort
					}()
					sg := fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", acctest.Var(t, "region"), accountOf(roleARN), ws["security_group_id"])
					_, err = c.CreateLocationFsxLustre(ctx, &awsdatasync.CreateLocationFsxLustreInput{
						FsxFilesystemArn: out.FileSystem.ResourceARN, SecurityGroupArns: []string{sg},
					})
					if err == nil || !strings.Contains(err.Error(), "is CREATING") {
						return fmt.Errorf("a location on a CREATING file system: %v", err)
					}
					return nil
				},
			},
		},
	})
}

// An execution whose source bucket is gone ends in ERROR with the sandbox's (S3's) error, and the
// apply says so.
func TestAccDataSyncTransfer_sourceBucketGone(t *testing.T) {
	bucket := acctest.RandomName()
	dest := acctest.Var(t, "data_lake_bucket")
	s3c := s3.NewFromConfig(acctest.AWSConfig(t), func(o *s3.Options) { o.UsePathStyle = true })
	name := acctest.RandomName()
	cfg := func(run bool) string {
		return transferConfig{name: name, source: s3Loc(bucket, "/in"), dest: s3Loc(dest, "/gone-source"), extra: fmt.Sprintf("  run_on_apply = %t", run)}.String()
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroy(t),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if _, err := s3c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg(false),
			},
			{
				PreConfig: func() {
					if _, err := s3c.DeleteBucket(context.Background(), &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
						t.Fatal(err)
					}
				},
				Config:      cfg(true),
				ExpectError: regexp.MustCompile(`(?s)failed.*NoSuchBucket.*does not exist`),
			},
		},
	})
}
