// SPDX-License-Identifier: MPL-2.0

package datasync_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
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
