// SPDX-License-Identifier: MPL-2.0

package efa_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// deleteOutOfBand deletes parts of the network through the SDK, as someone in the console would.
func deleteOutOfBand(t *testing.T, lt, sg, pg bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		a := s.RootModule().Resources[resName].Primary.Attributes
		conn := ec2Conn(t)
		ctx := context.Background()
		if lt {
			if _, err := conn.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(a["launch_template_id"])}); err != nil {
				return err
			}
		}
		if sg {
			if _, err := conn.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(a["security_group_id"])}); err != nil {
				return err
			}
		}
		if pg {
			if _, err := conn.DeletePlacementGroup(ctx, &ec2.DeletePlacementGroupInput{GroupName: aws.String(a["placement_group_name"])}); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestAccEFANetwork_disappears(t *testing.T) {
	rName := acctest.RandomName()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckNetworkDestroy(t),
		Steps: []resource.TestStep{{
			Config:             testAccNetworkConfig(rName, acctest.Var(t, "subnet_id"), "c5n.18xlarge", ""),
			Check:              deleteOutOfBand(t, true, true, true),
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate)},
			},
		}},
	})
}

// One part deleted outside Terraform (the security group, or the placement group) is detected on
// refresh and the network is replaced; the next apply heals it.
func TestAccEFANetwork_partDisappears(t *testing.T) {
	for _, part := range []string{"security_group", "placement_group", "launch_template"} {
		t.Run(part, func(t *testing.T) {
			rName := acctest.RandomName()
			cfg := testAccNetworkConfig(rName, acctest.Var(t, "subnet_id"), "c5n.18xlarge", "")
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy:             testAccCheckNetworkDestroy(t),
				Steps: []resource.TestStep{
					{
						Config:             cfg,
						Check:              deleteOutOfBand(t, part == "launch_template", part == "security_group", part == "placement_group"),
						ExpectNonEmptyPlan: true,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionDestroyBeforeCreate)},
						},
					},
					{
						Config: cfg,
						Check: resource.ComposeAggregateTestCheckFunc(
							testAccCheckLaunchTemplateLayout(t, "c5n.18xlarge", 1),
							testAccCheckSecurityGroupRules(t),
						),
					},
				},
			})
		})
	}
}

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

// Tags changed out of band on the network's security group show as drift; provider default tags do not.
func TestAccEFANetwork_tagDrift(t *testing.T) {
	rName := acctest.RandomName()
	config := `
provider "rayhpc" {
  default_tags {
    tags = { team = "hpc" }
  }
}
` + testAccNetworkConfig(rName, acctest.Var(t, "subnet_id"), "c5n.18xlarge", `  tags = { app = "cfd" }`)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckNetworkDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(resName, "tags.%", "1"),
					resource.TestCheckResourceAttr(resName, "tags.app", "cfd"),
				),
			},
			{
				// Empty plan: the default tag and the implicit Name tag are not drift.
				Config:   config,
				PlanOnly: true,
			},
			{
				Config: config,
				Check: func(s *terraform.State) error {
					sg := s.RootModule().Resources[resName].Primary.Attributes["security_group_id"]
					_, err := ec2Conn(t).CreateTags(context.Background(), &ec2.CreateTagsInput{
						Resources: []string{sg}, Tags: []ec2types.Tag{{Key: aws.String("owner"), Value: aws.String("console")}},
					})
					return err
				},
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)},
				},
			},
		},
	})
}
