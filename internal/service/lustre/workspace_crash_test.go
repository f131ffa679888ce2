// SPDX-License-Identifier: MPL-2.0

//go:build unix

package lustre_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/fsx"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// The crash and lost-answer cases of issue 9, driven through the real terraform CLI with a built provider
// binary (acctest.CLI): terraform (and the provider with it) is killed with SIGKILL at a chosen point of the
// call log, or the sandbox serves a create and loses its answer. Each test ends the same way: apply
// converges, nothing was created twice, and after destroy the sandbox holds nothing the workspace made —
// checked by listing the sandbox (file systems, associations, security groups), never by reading state.
// These tests are not parallel: their kill conditions read the package's call log.

// made lists what the sandbox holds for a workspace name: file systems (Name tag or owner tag),
// associations of those file systems, and security groups (owner tag or the workspace's group name).
type made struct{ fileSystems, associations, groups []string }

func (m made) String() string {
	return fmt.Sprintf("file systems %v, associations %v, security groups %v", m.fileSystems, m.associations, m.groups)
}

func listMade(t *testing.T, name string) made {
	t.Helper()
	ctx := context.Background()
	cfg := acctest.Sandbox(t).AWSConfig()
	conn := fsx.NewFromConfig(cfg)
	var m made
	ownerValue := owner.New("rayhpc_lustre_workspace", name).Value()
	p := fsx.NewDescribeFileSystemsPaginator(conn, &fsx.DescribeFileSystemsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, fs := range page.FileSystems {
			for _, tg := range fs.Tags {
				k, v := aws.ToString(tg.Key), aws.ToString(tg.Value)
				if (k == "Name" && v == name) || (k == owner.TagOwner && v == ownerValue) {
					m.fileSystems = append(m.fileSystems, aws.ToString(fs.FileSystemId)+"("+string(fs.Lifecycle)+")")
					break
				}
			}
		}
	}
	dp := fsx.NewDescribeDataRepositoryAssociationsPaginator(conn, &fsx.DescribeDataRepositoryAssociationsInput{})
	for dp.HasMorePages() {
		page, err := dp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Associations {
			for _, fs := range m.fileSystems {
				if strings.HasPrefix(fs, aws.ToString(a.FileSystemId)+"(") {
					m.associations = append(m.associations, aws.ToString(a.AssociationId))
				}
			}
		}
	}
	ec2c := ec2.NewFromConfig(cfg)
	seen := map[string]bool{}
	for _, f := range [][]ec2types.Filter{
		{{Name: aws.String("tag:" + owner.TagOwner), Values: []string{ownerValue}}},
		{{Name: aws.String("group-name"), Values: []string{name + "*"}}},
	} {
		out, err := ec2c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: f})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range out.SecurityGroups {
			if id := aws.ToString(g.GroupId); !seen[id] {
				seen[id] = true
				m.groups = append(m.groups, id)
			}
		}
	}
	slices.Sort(m.groups)
	return m
}

// crashConfig is a workspace with its own security group and one association.
func crashConfig(t *testing.T, name string) string {
	t.Helper()
	return fmt.Sprintf(`
resource "rayhpc_lustre_workspace" "test" {
  name                 = %[1]q
  deployment_type      = "SCRATCH_2"
  storage_capacity_gib = 1200
  subnet_id            = %[2]q
  allowed_cidr_blocks  = ["10.0.0.0/16"]

  data_repository {
    file_system_path = "/raw"
    s3_uri           = "s3://%[3]s/raw/"
  }
}
`, name, acctest.Var(t, "subnet_id"), acctest.Var(t, "data_lake_bucket"))
}

// answered returns a kill condition: service:operation has been answered (status 200) n times since the
// call log held start calls.
func answered(start int, service, operation string, n int) func([]gateway.Call) bool {
	return func(calls []gateway.Call) bool {
		k := 0
		for _, c := range acctest.CallsSince(calls, start) {
			if c.Service == service && c.Operation == operation && c.Status == 200 {
				k++
			}
		}
		return k >= n
	}
}

// converged checks one file system (AVAILABLE), one association and one security group, and an empty plan.
func converged(t *testing.T, cli *acctest.CLI, name string) {
	t.Helper()
	m := listMade(t, name)
	if len(m.fileSystems) != 1 || !strings.HasSuffix(m.fileSystems[0], "(AVAILABLE)") || len(m.associations) != 1 || len(m.groups) != 1 {
		t.Errorf("after apply the sandbox holds %s; want one AVAILABLE file system, one association, one security group", m)
	}
	if changes, out := cli.Plan(); changes {
		t.Errorf("the plan after apply is not empty:\n%s", out)
	}
}

// destroyedClean destroys and checks the sandbox holds nothing of the workspace.
func destroyedClean(t *testing.T, cli *acctest.CLI, name string) {
	t.Helper()
	cli.Destroy()
	if m := listMade(t, name); len(m.fileSystems)+len(m.associations)+len(m.groups) > 0 {
		t.Errorf("after destroy the sandbox still holds %s", m)
	}
}

// Killed while the file system is creating: the next apply adopts it (no second file system).
func TestAccLustreWorkspace_crashDuringCreate(t *testing.T) {
	setup(t)
	name := acctest.RandomName()
	cli := acctest.NewCLI(t)
	cli.WriteConfig(crashConfig(t, name))
	gw := acctest.Gateway(t)
	cli.KillDuringApply(answered(len(gw.Calls()), "fsx", "CreateFileSystem", 1))
	if m := listMade(t, name); len(m.fileSystems) != 1 {
		t.Fatalf("after the kill the sandbox holds %s; want the one file system the killed apply made", m)
	}
	start := len(gw.Calls())
	cli.Apply()
	if n := acctest.CountOps(acctest.CallsSince(gw.Calls(), start), "ec2", "CreateSecurityGroup"); n != 0 {
		t.Errorf("the second apply created %d security groups; want the first one adopted", n)
	}
	converged(t, cli, name)
	destroyedClean(t, cli, name)
}

// Killed while the file system is creating, then applied with a larger capacity: the adopted file system
// is grown to the configuration (never recorded with other values than planned), not made twice.
func TestAccLustreWorkspace_crashDuringCreateThenChanged(t *testing.T) {
	setup(t)
	name := acctest.RandomName()
	cli := acctest.NewCLI(t)
	cli.WriteConfig(crashConfig(t, name))
	gw := acctest.Gateway(t)
	cli.KillDuringApply(answered(len(gw.Calls()), "fsx", "CreateFileSystem", 1))
	cli.WriteConfig(strings.Replace(crashConfig(t, name), "storage_capacity_gib = 1200", "storage_capacity_gib = 2400", 1))
	start := len(gw.Calls())
	cli.Apply()
	calls := acctest.CallsSince(gw.Calls(), start)
	if n := acctest.CountOps(calls, "fsx", "CreateFileSystem"); n != 0 {
		t.Errorf("the second apply created %d file systems; want the first one adopted", n)
	}
	if n := acctest.CountOps(calls, "fsx", "UpdateFileSystem"); n != 1 {
		t.Errorf("UpdateFileSystem called %d times; want the adopted file system grown once", n)
	}
	converged(t, cli, name)
	destroyedClean(t, cli, name)
}

// Killed during destroy after DeleteFileSystem: the refresh keeps the DELETING file system, and the next
// apply replaces it, removing the old security group; destroy leaves nothing.
func TestAccLustreWorkspace_crashDuringDestroy(t *testing.T) {
	setup(t)
	name := acctest.RandomName()
	cli := acctest.NewCLI(t)
	cli.WriteConfig(crashConfig(t, name))
	gw := acctest.Gateway(t)
	cli.Apply()
	before := listMade(t, name)
	// Hold the file system in DELETING (FSx deletes take minutes) so that the next run finds it there.
	fast := gw.Timings()
	slow := fast
	slow.FSxDelete = 8 * time.Second
	gw.SetTimings(slow)
	t.Cleanup(func() { gw.SetTimings(fast) })
	cli.KillDuringDestroy(answered(len(gw.Calls()), "fsx", "DeleteFileSystem", 1))
	if res := cli.StateResources(); res["rayhpc_lustre_workspace.test"] == "" {
		t.Fatalf("the killed destroy lost the workspace from state: %v", res)
	}
	if m := listMade(t, name); len(m.fileSystems) != 1 || !strings.HasSuffix(m.fileSystems[0], "(DELETING)") {
		t.Fatalf("after the killed destroy the sandbox holds %s; want the file system DELETING", m)
	}
	if changes, out := cli.Plan(); !changes || !strings.Contains(out, "must be replaced") {
		t.Errorf("the plan after the killed destroy does not replace the DELETING workspace:\n%s", out)
	}
	cli.Apply()
	converged(t, cli, name)
	after := listMade(t, name)
	if len(after.groups) == 1 && len(before.groups) == 1 && after.groups[0] == before.groups[0] {
		t.Errorf("the replaced workspace kept the old security group %s", before.groups[0])
	}
	destroyedClean(t, cli, name)
}

// Killed during destroy, then destroy again once the file system is gone (the refresh keeps the workspace,
// as its security group remains): nothing is left.
func TestAccLustreWorkspace_crashDuringDestroyThenDestroy(t *testing.T) {
	setup(t)
	name := acctest.RandomName()
	cli := acctest.NewCLI(t)
	cli.WriteConfig(crashConfig(t, name))
	gw := acctest.Gateway(t)
	cli.Apply()
	cli.KillDuringDestroy(answered(len(gw.Calls()), "fsx", "DeleteFileSystem", 1))
	eventuallyGone(t, name)
	destroyedClean(t, cli, name)
}

// eventuallyGone waits until the workspace's file system has disappeared from the sandbox.
func eventuallyGone(t *testing.T, name string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); len(listMade(t, name).fileSystems) > 0; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the file system of %s was not deleted", name)
		}
	}
}

// lostAnswer applies with one answer of service:operation lost (the request is served), then checks.
func lostAnswer(t *testing.T, service, operation string) {
	t.Helper()
	setup(t)
	name := acctest.RandomName()
	cli := acctest.NewCLI(t)
	cli.WriteConfig(crashConfig(t, name))
	gw := acctest.Gateway(t)
	start := len(gw.Calls())
	if err := gw.SetFault(gateway.Fault{Service: service, Operation: operation, LostRate: 1, Times: 1}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.ClearFaults)
	cli.Apply()
	lost := 0
	for _, c := range acctest.CallsSince(gw.Calls(), start) {
		if c.Fault == gateway.FaultLost && c.Operation == operation {
			lost++
		}
	}
	if lost != 1 {
		t.Fatalf("%d answers of %s lost; want 1", lost, operation)
	}
	converged(t, cli, name)
	destroyedClean(t, cli, name)
}

func TestAccLustreWorkspace_lostCreateSecurityGroup(t *testing.T) {
	lostAnswer(t, "ec2", "CreateSecurityGroup")
}

func TestAccLustreWorkspace_lostAuthorizeIngress(t *testing.T) {
	lostAnswer(t, "ec2", "AuthorizeSecurityGroupIngress")
}

func TestAccLustreWorkspace_lostCreateFileSystem(t *testing.T) {
	lostAnswer(t, "fsx", "CreateFileSystem")
}

func TestAccLustreWorkspace_lostCreateAssociation(t *testing.T) {
	lostAnswer(t, "fsx", "CreateDataRepositoryAssociation")
}

// The file system deleted out of band: the next apply replaces the workspace, removing the old security
// group first.
func TestAccLustreWorkspace_fileSystemDeletedOutOfBand(t *testing.T) {
	setup(t)
	name := acctest.RandomName()
	cli := acctest.NewCLI(t)
	cli.WriteConfig(crashConfig(t, name))
	cli.Apply()
	id := cli.StateResources()["rayhpc_lustre_workspace.test"]
	oldGroups := listMade(t, name).groups
	ctx := context.Background()
	conn := fsx.NewFromConfig(acctest.Sandbox(t).AWSConfig())
	if _, err := conn.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	cli.Apply()
	if newID := cli.StateResources()["rayhpc_lustre_workspace.test"]; newID == id || newID == "" {
		t.Errorf("the workspace was not recreated: %q (was %q)", newID, id)
	}
	if now := listMade(t, name).groups; len(oldGroups) != 1 || slices.Contains(now, oldGroups[0]) {
		t.Errorf("the old security group %v stayed (groups now %v)", oldGroups, now)
	}
	converged(t, cli, name)
	destroyedClean(t, cli, name)
}
