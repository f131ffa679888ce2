// SPDX-License-Identifier: MPL-2.0

package workflow_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// testAccLongTaskTrace places a WfCommons trace of one task of 1,796 s on the reference core reading 80 MB
// on a Lambda pool of the given speed alone.
func testAccLongTaskTrace(speed float64) string {
	trace := `{"name":"t","schemaVersion":"1.5","workflow":{"specification":{"tasks":[` +
		`{"name":"long_ID1","id":"long_ID1","parents":[],"children":[],"inputFiles":["in"],"outputFiles":[]}],` +
		`"files":[{"id":"in","sizeInBytes":80000000}]},` +
		`"execution":{"tasks":[{"id":"long_ID1","runtimeInSeconds":1796}]}}}`
	return fmt.Sprintf(`
data "rayhpc_stage_placement" "long" {
  wfcommons_json = %q
  serverless {
    name  = "lambda"
    speed = %g
  }
}
`, trace, speed)
}

// A trace task longer than Lambda's 900 s timeout on the reference core runs on a serverless pool fast
// enough for it, through the terraform CLI: at speed 2 it runs 898 s plus the 1 s cold start and 1 s to
// read its 80 MB at 80 MB/s, 900 s, within the timeout; at speed 1 (1,798 s) the plan fails naming the
// stage, the task, its duration and the timeout.
func TestAccStagePlacementDataSource_serverlessTimeoutPerPool(t *testing.T) {
	n := "data.rayhpc_stage_placement.long"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccLongTaskTrace(1),
			ExpectError: regexp.MustCompile(`(?s)no feasible placement for stage "long".*` +
				wrapped(`task "long_ID1" would run 1798.0 s on lambda (1796 s on the reference core at speed 1, with the 1 s cold start and its S3 transfers), over the 900 s function timeout`)),
		}, {
			Config: testAccLongTaskTrace(2),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(n, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("pool"), knownvalue.StringExact("lambda")),
				statecheck.ExpectKnownValue(n, tfjsonpath.New("makespan_s"), knownvalue.Float64Exact(900)),
			},
		}},
	})
}
