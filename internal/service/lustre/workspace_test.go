// SPDX-License-Identifier: MPL-2.0

package lustre_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

const resName = "rayhpc_lustre_workspace.test"

func fsxClient(t *testing.T) *fsx.Client {
	t.Helper()
	return fsx.NewFromConfig(acctest.AWSConfig(t))
}

// testAccCheckWorkspaceDestroy checks that the file system and the security group the workspace created
// are gone.
func testAccCheckWorkspaceDestroy(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ctx := context.Background()
		conn := fsxClient(t)
		ec2c := ec2.NewFromConfig(acctest.Sandbox(t).AWSConfig())
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "rayhpc_lustre_workspace" {
				continue
			}
			_, err := lustre.FindFileSystemByID(ctx, conn, rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("FSx for Lustre file system %s still exists", rs.Primary.ID)
			}
			if !wait.NotFound(err) {
				return err
			}
			if sg := rs.Primary.Attributes["security_group_id"]; sg != "" {
				out, err := ec2c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{sg}})
				if err == nil && len(out.SecurityGroups) > 0 {
					return fmt.Errorf("security group %s of workspace %s still exists", sg, rs.Primary.ID)
				}
			}
		}
		return nil
	}
}

// testClient is a provider client on the sandbox (endpoints, credentials and poll interval come from the
// environment acctest.RunMain set).
func testClient(t *testing.T) *conns.Client {
	t.Helper()
	c, diags := conns.New(context.Background(), conns.Config{SkipCredentialsValidation: true})
	if diags.HasError() {
		t.Fatalf("building the AWS client: %v", diags)
	}
	return c
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
		return lustre.WaitFileSystemDeleted(ctx, testClient(t), rs.Primary.ID)
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
		return lustre.WaitAssociationDeleted(ctx, testClient(t), id)
	}
}

type wsConfig struct {
	name, deployment, storage string
	capacity, throughput      int
	extra                     string
	repos                     []string
	nameOverride, subnet      string // invalid values for plan-time tests
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
`, c.name, c.deployment, c.capacity, cmp.Or(c.subnet, subnetID()))
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

// subnetID and bucket are the sandbox's seeded subnet and data-lake bucket (acctest.RunMain exports them
// as TF_VAR_subnet_id and TF_VAR_data_lake_bucket).
func subnetID() string { return os.Getenv("TF_VAR_subnet_id") }

func bucket() string { return os.Getenv("TF_VAR_data_lake_bucket") }

func setup(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it against the sandbox")
	}
	acctest.PreCheck(t)
}

func repo(path, prefix string, extra string) string {
	return fmt.Sprintf(`
  data_repository {
    file_system_path = %q
    s3_uri           = "s3://%s/%s"
%s  }
`, path, bucket(), prefix, extra)
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
			// A second capacity increase waits 6 hours (TestAccLustreWorkspace_storageIncreaseInterval).
			step(2400, 250, "  data_compression = \"LZ4\"\n  root_squash = \"65534:65534\"\n"),
		},
	})
}

func TestAccLustreWorkspace_disappears(t *testing.T) {
	setup(t)
	rName := acctest.RandomName()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroy(t),
		Steps: []resource.TestStep{{
			Config:             wsConfig{name: rName, deployment: "SCRATCH_2"}.String(),
			Check:              resource.ComposeTestCheckFunc(testAccCheckWorkspaceExists(t, resName), testAccCheckWorkspaceDisappears(t, resName)),
			ExpectNonEmptyPlan: true,
			// The workspace's security group remains, so the workspace stays in state (lifecycle_state
			// DELETED) and is replaced: the group is deleted before a new one is made, never orphaned.
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resName, plancheck.ResourceActionDestroyBeforeCreate),
			}},
		}},
	})
}

// A workspace on the user's security groups whose file system disappears is dropped from state and
// created again (nothing of it remains to clean up).
func TestAccLustreWorkspace_disappearsUserGroups(t *testing.T) {
	setup(t)
	rName := acctest.RandomName()
	sg := lustreGroup(t, rName)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroy(t),
		Steps: []resource.TestStep{{
			Config:             wsConfig{name: rName, deployment: "SCRATCH_2", extra: fmt.Sprintf("  security_group_ids = [%q]\n", sg)}.String(),
			Check:              resource.ComposeTestCheckFunc(testAccCheckWorkspaceExists(t, resName), testAccCheckWorkspaceDisappears(t, resName)),
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate),
			}},
		}},
	})
}

// lustreGroup makes a security group with the Lustre rules from itself (deleted after the test).
func lustreGroup(t *testing.T, name string) string {
	t.Helper()
	ctx := context.Background()
	conn := ec2.NewFromConfig(acctest.Sandbox(t).AWSConfig())
	out, err := conn.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name + "-clients"),
		Description: aws.String("Lustre clients"), VpcId: aws.String(acctest.Var(t, "vpc_id"))})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.GroupId)
	t.Cleanup(func() {
		_ = wait.RetryWhile(ctx, time.Minute, func(err error) bool { return err != nil }, func(ctx context.Context) error {
			_, err := conn.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
			return err
		})
	})
	if _, err := conn.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id),
		IpPermissions: lustre.LustreIngress(id, nil, nil)}); err != nil {
		t.Fatal(err)
	}
	return id
}

// Associations added, changed, removed out of band (a diff) and removed, with the file system kept.
func TestAccLustreWorkspace_dataRepositories(t *testing.T) {
	setup(t)
	rName := acctest.RandomName()
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameAssoc := statecheck.CompareValue(compare.ValuesSame())
	raw := repo("/raw", "raw/", "")
	rawEvents := repo("/raw", "raw/", "    auto_import = [\"NEW\", \"CHANGED\", \"DELETED\"]\n")
	ref := repo("/reference", "reference/", "    import_metadata_on_create = true\n")
	cfg := func(repos ...string) string {
		return wsConfig{name: rName, deployment: "SCRATCH_2", capacity: 2400, repos: repos}.String()
	}
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: cfg(raw),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					sameAssoc.AddStateValue(resName, tfjsonpath.New("data_repository").AtSliceIndex(0).AtMapKey("id")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("data_repository"), knownvalue.ListSizeExact(1)),
				},
			},
			{ // add one
				Config: cfg(raw, ref), ConfigPlanChecks: update,
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					sameAssoc.AddStateValue(resName, tfjsonpath.New("data_repository").AtSliceIndex(0).AtMapKey("id")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("data_repository").AtSliceIndex(1).AtMapKey("import_metadata_on_create"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("data_repository").AtSliceIndex(1).AtMapKey("lifecycle"), knownvalue.StringExact("AVAILABLE")),
				},
			},
			{ // change the events of the first in place (same association)
				Config: cfg(rawEvents, ref), ConfigPlanChecks: update,
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					sameAssoc.AddStateValue(resName, tfjsonpath.New("data_repository").AtSliceIndex(0).AtMapKey("id")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("data_repository").AtSliceIndex(0).AtMapKey("auto_import"), knownvalue.SetSizeExact(3)),
				},
			},
			{ // an association deleted out of band shows as a diff
				Config:             cfg(rawEvents, ref),
				Check:              testAccCheckAssociationDisappears(t, resName),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
				}},
			},
			{ // ... and the next apply recreates it; then remove the other
				Config: cfg(rawEvents), ConfigPlanChecks: update,
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("data_repository"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("data_repository").AtSliceIndex(0).AtMapKey("file_system_path"), knownvalue.StringExact("/raw")),
				},
			},
			{ResourceName: resName, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{ // remove all
				Config: cfg(), ConfigPlanChecks: update,
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("data_repository"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}

// An apply, refresh and destroy succeed while 30% of the FSx calls are throttled.
func TestAccLustreWorkspace_throttled(t *testing.T) {
	setup(t)
	gw := acctest.Gateway(t)
	if err := gw.SetFault(gateway.Fault{Service: "fsx", Operation: "*", ThrottleRate: 0.3}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.ClearFaults)
	rName := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroy(t),
		Steps: []resource.TestStep{
			{Config: wsConfig{name: rName, throughput: 250, repos: []string{repo("/raw", "raw/", "")}}.String()},
			{Config: wsConfig{name: rName, throughput: 500, repos: []string{repo("/raw", "raw/", "")}}.String()},
		},
	})
	throttled := 0
	for _, c := range gw.Calls() {
		if c.Service == "fsx" && c.Fault == gateway.FaultThrottle {
			throttled++
		}
	}
	if throttled == 0 {
		t.Fatal("no FSx call was throttled: the fault was not injected")
	}
	t.Logf("%d FSx calls throttled", throttled)
}

// A file system that ends FAILED fails the apply with FSx's message and stays in state, tainted: the next
// plan replaces it.
func TestAccLustreWorkspace_failedCreateIsTainted(t *testing.T) {
	setup(t)
	rName := acctest.RandomName()
	failing := wsConfig{name: rName, deployment: "SCRATCH_2", extra: fmt.Sprintf("  tags = { %q = \"The subnet ran out of IP addresses.\" }\n", gateway.FailTagKey)}
	ok := wsConfig{name: rName, deployment: "SCRATCH_2"}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroy(t),
		Steps: []resource.TestStep{
			{Config: failing.String(), ExpectError: regexp.MustCompile(`(?s)waiting for FSx for Lustre file system \(fs-[0-9a-f]+\) create.*FAILED.*The subnet ran out of IP\s+addresses`)},
			{
				Config: ok.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("lifecycle_state"), knownvalue.StringExact("AVAILABLE")),
				},
			},
		},
	})
}

// TestAccLustreWorkspace_APICalls measures, for make bench, the AWS calls of one create, one refresh and
// one destroy of a workspace with one data repository association (see acctest.APICalls for what each
// phase holds), and checks what must hold whatever the figures: one CreateFileSystem and one
// CreateDataRepositoryAssociation per create, no mutating call on refresh, one DeleteFileSystem and one
// DeleteSecurityGroup per destroy. Not parallel: the call log is the package's.
func TestAccLustreWorkspace_APICalls(t *testing.T) {
	setup(t)
	calls := acctest.NewAPICalls(t)
	cfg := wsConfig{name: acctest.RandomName(), throughput: 125, repos: []string{repo("/raw", "raw/", "")}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             calls.CheckDestroy(testAccCheckWorkspaceDestroy(t)),
		Steps:                    calls.Steps(cfg.String(), testAccCheckWorkspaceExists(t, resName), resource.TestCheckResourceAttr(resName, "data_repository.#", "1")),
	})
	if t.Failed() {
		return
	}
	t.Log(calls.Line("lustre_workspace", "fsx", "ec2"))
	calls.Check(t)
	for _, c := range []struct {
		phase   string
		calls   int
		service string
		op      string
		want    int
	}{
		{"create", acctest.CountOps(calls.Create, "fsx", "CreateFileSystem"), "fsx", "CreateFileSystem", 1},
		{"create", acctest.CountOps(calls.Create, "fsx", "CreateDataRepositoryAssociation"), "fsx", "CreateDataRepositoryAssociation", 1},
		{"create", acctest.CountOps(calls.Create, "ec2", "CreateSecurityGroup"), "ec2", "CreateSecurityGroup", 1},
		{"destroy", acctest.CountOps(calls.Destroy, "fsx", "DeleteFileSystem"), "fsx", "DeleteFileSystem", 1},
		{"destroy", acctest.CountOps(calls.Destroy, "ec2", "DeleteSecurityGroup"), "ec2", "DeleteSecurityGroup", 1},
		// Deleting the file system deletes its associations: no separate call.
		{"destroy", acctest.CountOps(calls.Destroy, "fsx", "DeleteDataRepositoryAssociation"), "fsx", "DeleteDataRepositoryAssociation", 0},
	} {
		if c.calls != c.want {
			t.Errorf("%s: %s:%s called %d times, want %d", c.phase, c.service, c.op, c.calls, c.want)
		}
	}
	// The refresh reads the file system, its associations and its security group, and nothing else.
	if n := acctest.CountOps(calls.Refresh, "fsx", "DescribeFileSystems"); n != 1 {
		t.Errorf("refresh: fsx:DescribeFileSystems called %d times, want 1", n)
	}
}

// A second storage capacity increase within 6 hours of the last one is a plan-time error saying when the
// next one is possible (FSx refuses it; the sandbox too), with no UpdateFileSystem call.
func TestAccLustreWorkspace_storageIncreaseInterval(t *testing.T) {
	setup(t)
	rName := acctest.RandomName()
	gw := acctest.Gateway(t)
	cfg := func(capacity int) string {
		return wsConfig{name: rName, deployment: "SCRATCH_2", capacity: capacity}.String()
	}
	updates := 0
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroy(t),
		Steps: []resource.TestStep{
			{Config: cfg(1200)},
			{Config: cfg(2400), Check: func(*terraform.State) error { updates = gw.CountCalls("fsx", "UpdateFileSystem"); return nil }},
			{Config: cfg(4800), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Storage capacity increased too recently.*accepts\s+the\s+next\s+one\s+6\s+hours\s+later,\s+at\s+\d{4}-\d\d-\d\dT`)},
		},
	})
	if n := gw.CountCalls("fsx", "UpdateFileSystem"); n != updates {
		t.Errorf("UpdateFileSystem called %d more times after the refused plan", n-updates)
	}
}

// The throughput tier changed out of band shows in the next plan (issue 10's mutant: reading it back only
// when the prior value was unknown).
func TestAccLustreWorkspace_throughputDrift(t *testing.T) {
	setup(t)
	rName := acctest.RandomName()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroy(t),
		Steps: []resource.TestStep{{
			Config: wsConfig{name: rName, throughput: 125}.String(),
			Check: func(s *terraform.State) error {
				id := s.RootModule().Resources[resName].Primary.ID
				ctx := context.Background()
				c := testClient(t)
				out, err := c.FSx().UpdateFileSystem(ctx, &fsx.UpdateFileSystemInput{FileSystemId: aws.String(id),
					LustreConfiguration: &fsxtypes.UpdateFileSystemLustreConfiguration{PerUnitStorageThroughput: aws.Int32(250)}})
				if err != nil {
					return err
				}
				_, err = lustre.WaitFileSystemUpdated(ctx, c, id, lustre.UpdateRequestTime(out.FileSystem, time.Now()))
				return err
			},
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(resName, tfjsonpath.New("per_unit_storage_throughput"), knownvalue.Int64Exact(125)),
			}},
		}},
	})
}

// An EFA-enabled workspace: its own group gets all traffic to and from itself (the sandbox, like FSx,
// refuses the file system otherwise), and a throughput change is a plan-time error.
func TestAccLustreWorkspace_efa(t *testing.T) {
	setup(t)
	rName := acctest.RandomName()
	cfg := func(throughput int) string {
		return wsConfig{name: rName, capacity: 19200, throughput: throughput, extra: "  efa_enabled = true\n"}.String()
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroy(t),
		Steps: []resource.TestStep{
			{Config: cfg(1000), ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("efa_enabled"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("lifecycle_state"), knownvalue.StringExact("AVAILABLE")),
			}},
			{Config: cfg(500), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Throughput tier of an EFA-enabled file system cannot be\s+changed`)},
		},
	})
}
