// SPDX-License-Identifier: MPL-2.0

package datasync_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsdatasync "github.com/aws/aws-sdk-go-v2/service/datasync"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/datasync"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

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
		fss, err := fsx.NewFromConfig(acctest.Sandbox(t).AWSConfig()).DescribeFileSystems(context.Background(), &fsx.DescribeFileSystemsInput{FileSystemIds: []string{fsID}})
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
				conn := fsx.NewFromConfig(acctest.Sandbox(t).AWSConfig())
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
