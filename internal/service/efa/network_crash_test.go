// SPDX-License-Identifier: MPL-2.0

package efa_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/inventory"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/efa"
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

// efaObjects lists, from what EC2 reports (not from a state), the security groups, placement groups and
// launch templates whose names contain name.
func efaObjects(t *testing.T, name string) map[string][]string {
	t.Helper()
	o, err := inventory.FromEnv(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.List(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, kind := range []string{"ec2 security group", "ec2 placement group", "ec2 launch template"} {
		for _, id := range inv[kind] {
			if strings.Contains(id, name) {
				out[kind] = append(out[kind], id)
			}
		}
	}
	return out
}

// checkOneEach fails unless the sandbox holds exactly one security group, placement group and launch
// template of the network: nothing was created twice.
func checkOneEach(t *testing.T, name string) {
	t.Helper()
	objs := efaObjects(t, name)
	for _, kind := range []string{"ec2 security group", "ec2 placement group", "ec2 launch template"} {
		if len(objs[kind]) != 1 {
			t.Errorf("%s of %s: %v, want exactly one", kind, name, objs[kind])
		}
	}
}

// checkNothingLeft fails unless the sandbox holds nothing of the network after the destroy.
func checkNothingLeft(t *testing.T, name string) {
	t.Helper()
	if objs := efaObjects(t, name); len(objs) > 0 {
		t.Errorf("after destroy the sandbox still holds %v", objs)
	}
}

// The answer to each create is lost (EC2 served the request, the response never arrived; the SDK
// retries and meets a Duplicate error): the apply adopts what the lost request made, nothing is made
// twice, and the destroy leaves nothing. Not parallel: the fault applies to the whole sandbox.
func TestAccEFANetwork_lostAnswers(t *testing.T) {
	skipUnlessAcc(t)
	for _, op := range []string{"CreateSecurityGroup", "CreatePlacementGroup", "CreateLaunchTemplate"} {
		t.Run(op, func(t *testing.T) {
			gw := acctest.Gateway(t)
			if err := gw.SetFault(gateway.Fault{Service: "ec2", Operation: op, LostRate: 1, Times: 1}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(gw.ClearFaults)
			rName := acctest.RandomName()
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy: func(*terraform.State) error {
					checkNothingLeft(t, rName)
					return nil
				},
				Steps: []resource.TestStep{{
					Config: testAccNetworkConfig(rName, acctest.Var(t, "subnet_id"), "c5n.18xlarge", ""),
					Check: func(*terraform.State) error {
						lost := 0
						for _, c := range gw.Calls() {
							if c.Service == "ec2" && c.Operation == op && c.Fault == gateway.FaultLost {
								lost++
							}
						}
						if lost != 1 {
							return fmt.Errorf("%d lost answers to %s, want 1: the fault did not apply", lost, op)
						}
						checkOneEach(t, rName)
						return nil
					},
				}, {
					// Converged: a second plan is empty.
					Config:   testAccNetworkConfig(rName, acctest.Var(t, "subnet_id"), "c5n.18xlarge", ""),
					PlanOnly: true,
				}},
			})
		})
	}
}

// terraform killed (SIGKILL) in the middle of the create: the next apply adopts what the killed one
// made, so it converges with one of each part; the destroy leaves nothing.
func TestAccEFANetwork_killedDuringCreate(t *testing.T) {
	skipUnlessAcc(t)
	rName := acctest.RandomName()
	cli := acctest.NewCLI(t)
	cli.WriteConfig(testAccNetworkConfig(rName, acctest.Var(t, "subnet_id"), "c5n.18xlarge", ""))
	start := len(acctest.Gateway(t).Calls())
	cli.KillDuringApply(func(calls []gateway.Call) bool {
		return acctest.HasCall(acctest.CallsSince(calls, start), "ec2", "CreatePlacementGroup")
	})
	cli.Apply()
	if changes, out := cli.Plan(); changes {
		t.Errorf("the apply after the kill did not converge:\n%s", out)
	}
	checkOneEach(t, rName)
	cli.Destroy()
	checkNothingLeft(t, rName)
}

// An apply-time check never blocks a destroy: with an instance type that is not offered in the subnet's
// zone, the plan of the existing network warns, the apply stops before it changes anything, and the
// network can still be destroyed (without -refresh=false).
func TestAccEFANetwork_checkDoesNotBlockDestroy(t *testing.T) {
	skipUnlessAcc(t)
	rName := acctest.RandomName()
	subnet := acctest.Var(t, "subnet_id")
	cli := acctest.NewCLI(t)
	cli.WriteConfig(testAccNetworkConfig(rName, subnet, "c5n.18xlarge", ""))
	cli.Apply()
	// hpc7g.16xlarge is EFA-capable but not offered in the subnet's zone (network_invalid_test.go).
	cli.WriteConfig(testAccNetworkConfig(rName, subnet, "hpc7g.16xlarge", ""))
	if out, err := cli.Run("plan", "-no-color"); err != nil || !strings.Contains(out, "not offered") {
		t.Fatalf("plan of the existing network with an instance type not offered in the zone: want a warning, got %v\n%s", err, out)
	}
	out, err := cli.Run("apply", "-auto-approve", "-no-color")
	if err == nil || !strings.Contains(out, "not offered") {
		t.Fatalf("apply with an instance type not offered in the zone: %v\n%s", err, out)
	}
	lt, err := efa.FindLaunchTemplate(context.Background(), ec2Conn(t), "", rName)
	if err != nil || aws.ToInt64(lt.LatestVersionNumber) != 1 {
		t.Errorf("the failed apply changed the launch template: %v %+v", err, lt)
	}
	if out, err := cli.Run("destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("destroy blocked by the plan-time check: %v\n%s", err, out)
	}
	checkNothingLeft(t, rName)
}
