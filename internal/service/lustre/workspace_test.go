// SPDX-License-Identifier: MPL-2.0

package lustre_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

const resName = "rayhpc_lustre_workspace.test"

func fsxClient(t *testing.T) *fsx.Client {
	t.Helper()
	return fsx.NewFromConfig(acctest.AWSConfig(t))
}

func testAccCheckWorkspaceDestroy(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		conn := fsxClient(t)
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "rayhpc_lustre_workspace" {
				continue
			}
			_, err := lustre.FindFileSystemByID(context.Background(), conn, rs.Primary.ID)
			if wait.NotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			return fmt.Errorf("FSx for Lustre file system %s still exists", rs.Primary.ID)
		}
		return nil
	}
}

func testAccCheckWorkspaceExists(t *testing.T, n string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[n]
		if !ok {
			return fmt.Errorf("not found in state: %s", n)
		}
		_, err := lustre.FindFileSystemByID(context.Background(), fsxClient(t), rs.Primary.ID)
		return err
	}
}

func testAccCheckWorkspaceDisappears(t *testing.T, n string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[n]
		if !ok {
			return fmt.Errorf("not found in state: %s", n)
		}
		ctx := context.Background()
		conn := fsxClient(t)
		if _, err := conn.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(rs.Primary.ID)}); err != nil {
			return err
		}
		return lustre.WaitFileSystemDeleted(ctx, conn, rs.Primary.ID, 0, lustre.WaitOptions{MinInterval: 200e6})
	}
}

// testAccCheckAssociationDisappears deletes the workspace's first association out of band.
func testAccCheckAssociationDisappears(t *testing.T, n string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[n]
		if !ok {
			return fmt.Errorf("not found in state: %s", n)
		}
		id := rs.Primary.Attributes["data_repository.0.id"]
		ctx := context.Background()
		conn := fsxClient(t)
		if _, err := conn.DeleteDataRepositoryAssociation(ctx, &fsx.DeleteDataRepositoryAssociationInput{
			AssociationId: aws.String(id), DeleteDataInFileSystem: aws.Bool(false),
		}); err != nil {
			return err
		}
		return lustre.WaitAssociationDeleted(ctx, conn, id, 0, lustre.WaitOptions{MinInterval: 200e6})
	}
}

type wsConfig struct {
	name, deployment, storage string
	capacity, throughput      int
	extra                     string
	repos                     []string
}

func (c wsConfig) String() string {
	if c.deployment == "" {
		c.deployment = "PERSISTENT_2"
	}
	if c.capacity == 0 {
		c.capacity = 1200
	}
	s := fmt.Sprintf(`
resource "rayhpc_lustre_workspace" "test" {
  name                 = %q
  deployment_type      = %q
  storage_capacity_gib = %d
  subnet_id            = %q
`, c.name, c.deployment, c.capacity, subnetID)
	if c.storage != "" {
		s += fmt.Sprintf("  storage_type = %q\n", c.storage)
	}
	if c.throughput != 0 {
		s += fmt.Sprintf("  per_unit_storage_throughput = %d\n", c.throughput)
	}
	s += c.extra
	for _, r := range c.repos {
		s += r
	}
	return s + "}\n"
}

var subnetID, bucket string

func setup(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it against the sandbox")
	}
	acctest.PreCheck(t)
	subnetID = acctest.Var(t, "subnet_id")
	bucket = acctest.Var(t, "data_lake_bucket")
}

func repo(path, prefix string, extra string) string {
	return fmt.Sprintf(`
  data_repository {
    file_system_path = %q
    s3_uri           = "s3://%s/%s"
%s  }
`, path, bucket, prefix, extra)
}

func TestAccLustreWorkspace_basic(t *testing.T) {
	setup(t)
	rName := acctest.RandomName()
	cfg := wsConfig{name: rName, throughput: 125, extra: `  allowed_cidr_blocks = ["10.0.0.0/16"]
  tags = { team = "hpc" }
`, repos: []string{repo("/raw", "raw/", `    auto_import = ["NEW", "CHANGED"]
    auto_export = ["NEW"]
`)}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: cfg.String(),
				Check:  testAccCheckWorkspaceExists(t, resName),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^fs-[0-9a-f]{17}$`))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("lifecycle_state"), knownvalue.StringExact("AVAILABLE")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("file_system_type_version"), knownvalue.StringExact("2.15")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("storage_type"), knownvalue.StringExact("SSD")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("mount_command"), knownvalue.StringRegexp(
						regexp.MustCompile(`^sudo mount -t lustre -o relatime,flock fs-[0-9a-f]+\.fsx\.us-east-1\.amazonaws\.com@tcp:/[a-z0-9]+ /fsx$`))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("kubernetes_persistent_volume"), knownvalue.StringRegexp(
						regexp.MustCompile(`(?s)kind: PersistentVolume.*storage: 1200Gi.*driver: fsx\.csi\.aws\.com\n    volumeHandle: fs-[0-9a-f]+\n    volumeAttributes:\n      dnsname: fs-.*\n      mountname: `))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("security_group_id"), knownvalue.StringRegexp(regexp.MustCompile(`^sg-`))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("network_interface_ids"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("data_repository").AtSliceIndex(0).AtMapKey("id"), knownvalue.StringRegexp(regexp.MustCompile(`^dra-`))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("data_repository").AtSliceIndex(0).AtMapKey("lifecycle"), knownvalue.StringExact("AVAILABLE")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("hpc")})),
				},
			},
			{
				ResourceName:      resName,
				ImportState:       true,
				ImportStateVerify: true,
				// timeouts live only in configuration.
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// The in-place updates: capacity growth, then a throughput tier change, then compression and root
// squash; the file system ID never changes.
func TestAccLustreWorkspace_updateInPlace(t *testing.T) {
	setup(t)
	rName := acctest.RandomName()
	sameID := statecheck.CompareValue(compare.ValuesSame())
	step := func(capacity, throughput int, extra string) resource.TestStep {
		return resource.TestStep{
			Config: wsConfig{name: rName, capacity: capacity, throughput: throughput, extra: extra}.String(),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				sameID.AddStateValue(resName, tfjsonpath.New("id")),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("storage_capacity_gib"), knownvalue.Int64Exact(int64(capacity))),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("per_unit_storage_throughput"), knownvalue.Int64Exact(int64(throughput))),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("kubernetes_persistent_volume"), knownvalue.StringRegexp(regexp.MustCompile(fmt.Sprintf(`storage: %dGi`, capacity)))),
			},
		}
	}
	first := step(1200, 125, "")
	first.ConfigPlanChecks = resource.ConfigPlanChecks{}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroy(t),
		Steps: []resource.TestStep{
			first,
			step(2400, 125, ""),
			step(2400, 250, ""),
			step(4800, 250, "  data_compression = \"LZ4\"\n  root_squash = \"65534:65534\"\n"),
		},
	})
}
