// SPDX-License-Identifier: MPL-2.0

package lustre_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

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
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate),
			}},
		}},
	})
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
