// SPDX-License-Identifier: MPL-2.0

package efa_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// An apply (create, update, destroy) succeeds while 30% of EC2 calls are throttled. Not parallel:
// the fault applies to every EC2 call of the sandbox.
func TestAccEFANetwork_throttled(t *testing.T) {
	skipUnlessAcc(t)
	acctest.PreCheck(t)
	gw := acctest.Gateway(t)
	if err := gw.SetFault(gateway.Fault{Service: "ec2", Operation: "*", ThrottleRate: 0.3}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.ClearFaults)
	throttledBefore := countFaults(gw, "ec2")
	rName := acctest.RandomName()
	subnet := acctest.Var(t, "subnet_id")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckNetworkDestroy(t),
		Steps: []resource.TestStep{
			{Config: testAccNetworkConfig(rName, subnet, "c5n.18xlarge", ""), Check: testAccCheckLaunchTemplateLayout(t, "c5n.18xlarge", 1)},
			{Config: testAccNetworkConfig(rName, subnet, "p4d.24xlarge", ""), Check: testAccCheckLaunchTemplateLayout(t, "p4d.24xlarge", 4)},
		},
	})
	if n := countFaults(gw, "ec2") - throttledBefore; n == 0 {
		t.Error("no EC2 call was throttled: the fault was not injected")
	} else {
		t.Logf("%d EC2 calls throttled", n)
	}
}

func countFaults(gw *gateway.Gateway, service string) int {
	n := 0
	for _, c := range gw.Calls() {
		if c.Service == service && c.Fault != "" {
			n++
		}
	}
	return n
}

// TestAccEFANetwork_APICalls measures, for make bench, the AWS calls of one create, one refresh and one
// destroy (see acctest.APICalls for what each phase holds), and checks that the refresh mutates nothing
// and the destroy deletes each part once. Not parallel, so the call log holds only its calls.
func TestAccEFANetwork_APICalls(t *testing.T) {
	skipUnlessAcc(t)
	acctest.PreCheck(t)
	calls := acctest.NewAPICalls(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             calls.CheckDestroy(testAccCheckNetworkDestroy(t)),
		Steps:                    calls.Steps(testAccNetworkConfig(acctest.RandomName(), acctest.Var(t, "subnet_id"), "c5n.18xlarge", "")),
	})
	if t.Failed() {
		return
	}
	t.Log(calls.Line("efa_network", "ec2"))
	calls.Check(t)
	for _, op := range []string{"DeleteLaunchTemplate", "DeleteSecurityGroup", "DeletePlacementGroup"} {
		if n := acctest.CountOps(calls.Destroy, "ec2", op); n != 1 {
			t.Errorf("destroy: ec2:%s called %d times, want 1", op, n)
		}
	}
}
