// SPDX-License-Identifier: MPL-2.0

package datasync_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsdatasync "github.com/aws/aws-sdk-go-v2/service/datasync"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/inventory"
)

// An apply succeeds while 30% of DataSync calls are throttled (the SDK retries them).
func TestAccDataSyncTransfer_throttled(t *testing.T) {
	bucket := acctest.Var(t, "data_lake_bucket")
	gw := acctest.Gateway(t)
	if err := gw.SetFault(gateway.Fault{Service: "datasync", Operation: "*", ThrottleRate: 0.3}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.ClearFaults)
	gw.ResetCalls()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroy(t),
		Steps: []resource.TestStep{{
			Config: transferConfig{name: acctest.RandomName(), source: s3Loc(bucket, "/raw"), dest: s3Loc(bucket, "/throttled"), extra: "  run_on_apply = true\n  tags = { team = \"genomics\" }"}.String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("last_execution").AtMapKey("status"), knownvalue.StringExact("SUCCESS")),
			},
			Check: func(*terraform.State) error {
				throttled := 0
				for _, c := range gw.Calls() {
					if c.Service == "datasync" && strings.Contains(c.Fault, "throttle") {
						throttled++
					}
				}
				if throttled == 0 {
					t.Errorf("no DataSync call was throttled; the fault did not apply")
				}
				t.Logf("throttled DataSync calls: %d", throttled)
				return nil
			},
		}},
	})
}

// TestAccDataSyncTransfer_APICalls measures, for make bench, the AWS calls of one create (with a run on
// apply), one refresh and one destroy (see acctest.APICalls for what each phase holds), and checks that
// the refresh mutates nothing and the destroy deletes the task and its two locations once each. Not
// parallel: the call log is the package's.
func TestAccDataSyncTransfer_APICalls(t *testing.T) {
	bucket := acctest.Var(t, "data_lake_bucket")
	calls := acctest.NewAPICalls(t)
	cfg := transferConfig{name: acctest.RandomName(), source: s3Loc(bucket, "/raw"), dest: s3Loc(bucket, "/bench"), extra: "  run_on_apply = true"}.String()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             calls.CheckDestroy(checkDestroy(t)),
		Steps:                    calls.Steps(cfg),
	})
	if t.Failed() {
		return
	}
	t.Log(calls.Line("datasync_transfer", "datasync"))
	calls.Check(t)
	for _, c := range []struct {
		calls []gateway.Call
		phase string
		op    string
		want  int
	}{
		{calls.Create, "create", "CreateTask", 1},
		{calls.Create, "create", "StartTaskExecution", 1},
		{calls.Destroy, "destroy", "DeleteTask", 1},
		{calls.Destroy, "destroy", "DeleteLocation", 2},
	} {
		if n := acctest.CountOps(c.calls, "datasync", c.op); n != c.want {
			t.Errorf("%s: datasync:%s called %d times, want %d", c.phase, c.op, n, c.want)
		}
	}
}

// dsObjects lists, from what DataSync reports (not from a state), the tasks named name and the
// locations whose URI contains it (the tests below put name in every location's subdirectory).
func dsObjects(t *testing.T, name string) (tasks, locations []string) {
	t.Helper()
	o, err := inventory.FromEnv(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.List(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range inv["datasync task"] {
		if strings.HasPrefix(id, name+" (") {
			tasks = append(tasks, id)
		}
	}
	for _, uri := range inv["datasync location"] {
		if strings.Contains(uri, name) {
			locations = append(locations, uri)
		}
	}
	return tasks, locations
}

// checkOneTransfer fails unless DataSync holds exactly one task and two locations of the transfer.
func checkOneTransfer(t *testing.T, name string) {
	t.Helper()
	if tasks, locs := dsObjects(t, name); len(tasks) != 1 || len(locs) != 2 {
		t.Errorf("DataSync holds tasks %v and locations %v of %s, want one task and two locations", tasks, locs, name)
	}
}

// checkTransferGone fails unless DataSync holds nothing of the transfer.
func checkTransferGone(t *testing.T, name string) {
	t.Helper()
	if tasks, locs := dsObjects(t, name); len(tasks)+len(locs) > 0 {
		t.Errorf("after destroy DataSync still holds tasks %v and locations %v", tasks, locs)
	}
}

// ownConfig is a transfer between two prefixes of the data lake named after the test.
func ownConfig(t *testing.T, name, extra string) string {
	bucket := acctest.Var(t, "data_lake_bucket")
	return transferConfig{name: name, source: s3Loc(bucket, "/raw/"+name), dest: s3Loc(bucket, "/"+name), extra: extra}.String()
}

// The answer to a create is lost (DataSync served it, the response never arrived, the SDK sent it
// again): the apply keeps one location or task and deletes the duplicate, so nothing is orphaned.
func TestAccDataSyncTransfer_lostAnswers(t *testing.T) {
	for _, op := range []string{"CreateLocationS3", "CreateLocationFsxLustre", "CreateTask"} {
		t.Run(op, func(t *testing.T) {
			gw := acctest.Gateway(t)
			if err := gw.SetFault(gateway.Fault{Service: "datasync", Operation: op, LostRate: 1, Times: 1}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(gw.ClearFaults)
			name := acctest.RandomName()
			// The source is named after the test too, so its location is counted.
			cfg := transferConfig{name: name, source: s3Loc(acctest.Var(t, "data_lake_bucket"), "/raw/"+name), dest: s3Loc(acctest.Var(t, "data_lake_bucket"), "/"+name)}.String()
			if op == "CreateLocationFsxLustre" {
				cfg = lustreDestConfig(name, acctest.Var(t, "subnet_id"), acctest.Var(t, "region"), acctest.Var(t, "data_lake_bucket"))
				cfg = strings.Replace(cfg, `subdirectory        = "/ingest"`, `subdirectory        = "/`+name+`"`, 1)
				cfg = strings.Replace(cfg, `subdirectory           = "/raw"`, `subdirectory           = "/raw/`+name+`"`, 1)
			}
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy:             func(*terraform.State) error { checkTransferGone(t, name); return nil },
				Steps: []resource.TestStep{
					{Config: cfg, Check: func(*terraform.State) error {
						lost := 0
						for _, c := range gw.Calls() {
							if c.Service == "datasync" && c.Operation == op && c.Fault == gateway.FaultLost {
								lost++
							}
						}
						if lost != 1 {
							return fmt.Errorf("%d lost answers to %s, want 1", lost, op)
						}
						checkOneTransfer(t, name)
						return nil
					}},
					{Config: cfg, PlanOnly: true},
				},
			})
		})
	}
}

// terraform killed while the task's execution runs, then applied again: one task and two locations,
// and nothing after the destroy.
func TestAccDataSyncTransfer_killedDuringRun(t *testing.T) {
	name := acctest.RandomName()
	cli := acctest.NewCLI(t)
	cli.WriteConfig(ownConfig(t, name, "  run_on_apply = true\n  wait_for_completion = true"))
	start := len(acctest.Gateway(t).Calls())
	cli.KillDuringApply(func(calls []gateway.Call) bool {
		return acctest.HasCall(acctest.CallsSince(calls, start), "datasync", "StartTaskExecution")
	})
	cli.Apply()
	if changes, out := cli.Plan(); changes {
		t.Errorf("the apply after the kill did not converge:\n%s", out)
	}
	checkOneTransfer(t, name)
	cli.Destroy()
	checkTransferGone(t, name)
}

// A part deleted outside Terraform takes the rest with it: the plan replaces the transfer, the apply
// deletes the old task or locations before it creates the new ones (a scheduled task never outlives
// its location), and the destroy leaves nothing.
func TestAccDataSyncTransfer_partDeletedOutOfBand(t *testing.T) {
	for _, part := range []string{"task", "source_location_arn"} {
		t.Run(part, func(t *testing.T) {
			name := acctest.RandomName()
			cfg := ownConfig(t, name, `  schedule = "rate(12 hours)"`)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy:             func(*terraform.State) error { checkTransferGone(t, name); return nil },
				Steps: []resource.TestStep{
					{
						Config: cfg,
						Check: func(s *terraform.State) error {
							a := s.RootModule().Resources[resName].Primary.Attributes
							c := dsClient(t)
							if part == "task" {
								_, err := c.DeleteTask(context.Background(), &awsdatasync.DeleteTaskInput{TaskArn: aws.String(a["id"])})
								return err
							}
							_, err := c.DeleteLocation(context.Background(), &awsdatasync.DeleteLocationInput{LocationArn: aws.String(a[part])})
							return err
						},
						ExpectNonEmptyPlan: true,
						ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(resName, plancheck.ResourceActionDestroyBeforeCreate),
						}},
					},
					{Config: cfg, Check: func(*terraform.State) error { checkOneTransfer(t, name); return nil }},
				},
			})
		})
	}
}

// object_storage without server_port applies (DataSync's default port is recorded) and converges:
// the next plan is empty, nothing is replaced.
func TestAccDataSyncTransfer_objectStorageDefaultPort(t *testing.T) {
	name := acctest.RandomName()
	cfg := transferConfig{name: name, source: `    object_storage = {
      server_hostname = "minio.lab.internal"
      bucket_name     = "datasets"
      subdirectory    = "/` + name + `"
    }`, dest: s3Loc(acctest.Var(t, "data_lake_bucket"), "/"+name)}.String()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { checkTransferGone(t, name); return nil },
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("source").AtMapKey("object_storage").AtMapKey("server_port"), knownvalue.Int64Exact(443)),
			}},
			{Config: cfg, PlanOnly: true},
		},
	})
}
