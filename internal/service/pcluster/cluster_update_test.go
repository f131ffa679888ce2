// SPDX-License-Identifier: MPL-2.0

package pcluster_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// checkCalls asserts the emulator's mutating calls (and dry runs) for the cluster since the last reset,
// with repeated consecutive calls counted once (terraform plans twice per test step: each plan dry-runs).
func checkCalls(t *testing.T, name, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := strings.Join(slices.Compact(calls(emulator(t), name)), ","); got != want {
			return fmt.Errorf("ParallelCluster API calls for %s:\n  %s\nwant\n  %s", name, got, want)
		}
		return nil
	}
}

// A queue change that needs the compute fleet stopped (a compute resource's instance type,
// COMPUTE_FLEET_STOP): stop, update, start, in that order, the cluster updated in place; then a change
// that needs no stop (raising max_count, MAX_COUNT): no fleet call at all.
func TestAccHPCCluster_updateFleetStop(t *testing.T) {
	acctest.PreCheck(t)
	cfg := clusterConfig{name: acctest.RandomName(), subnet: acctest.Var(t, "subnet_id")}
	changed := cfg
	changed.plainType = "c5.2xlarge"
	raised := changed
	raised.maxCount = 8
	sameCluster := statecheck.CompareValue(compare.ValuesSame())
	stackARN := tfjsonpath.New("cloudformation_stack_arn")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroy(t),
		Steps: []resource.TestStep{
			{
				Config:            cfg.String(),
				ConfigStateChecks: []statecheck.StateCheck{sameCluster.AddStateValue(resName, stackARN)},
			},
			{
				PreConfig: func() { resetCalls(t, cfg.name) },
				Config:    changed.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameCluster.AddStateValue(resName, stackARN),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("status"), knownvalue.StringExact("UPDATE_COMPLETE")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("compute_fleet_status"), knownvalue.StringExact("RUNNING")),
				},
				// The plan's dry run, then the apply's: dry run, stop, update, start.
				Check: checkCalls(t, cfg.name, "UpdateCluster:dryrun,UpdateComputeFleet:STOP_REQUESTED,UpdateCluster:,UpdateComputeFleet:START_REQUESTED"),
			},
			{
				PreConfig: func() { resetCalls(t, cfg.name) },
				Config:    raised.String(),
				ConfigStateChecks: []statecheck.StateCheck{
					sameCluster.AddStateValue(resName, stackARN),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("compute_fleet_status"), knownvalue.StringExact("RUNNING")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkCalls(t, cfg.name, "UpdateCluster:dryrun,UpdateCluster:"),
					testAccCheckConfigMentions(resName, "MaxCount: 8", "InstanceType: c5.2xlarge"),
				),
			},
		},
	})
}

// With stop_compute_fleet_when_required = false, a change that needs the fleet stopped is a plan error
// naming the setting, and nothing is called but the dry run.
func TestAccHPCCluster_updateStopNotAllowed(t *testing.T) {
	acctest.PreCheck(t)
	cfg := clusterConfig{name: acctest.RandomName(), subnet: acctest.Var(t, "subnet_id"), extra: "  stop_compute_fleet_when_required = false\n"}
	changed := cfg
	changed.scaledown = 30
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroy(t),
		Steps: []resource.TestStep{
			{Config: cfg.String()},
			{
				PreConfig:   func() { resetCalls(t, cfg.name) },
				Config:      changed.String(),
				ExpectError: regexpMust(`(?s)needs\s+its\s+compute\s+fleet\s+stopped.*Scheduling\.SlurmSettings\.ScaledownIdletime.*stop_compute_fleet_when_required`),
			},
			{
				Config:   cfg.String(),
				PlanOnly: true,
				Check:    checkCalls(t, cfg.name, "UpdateCluster:dryrun"),
			},
		},
	})
}
