// SPDX-License-Identifier: MPL-2.0

package efa_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/efa"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

const resName = "rayhpc_efa_network.test"

func ec2Conn(t *testing.T) *ec2.Client {
	t.Helper()
	c, diags := conns.New(context.Background(), conns.Config{SkipCredentialsValidation: true})
	if diags.HasError() {
		t.Fatalf("building the AWS client: %v", diags)
	}
	return c.EC2()
}

func testAccNetworkConfig(name, subnetID, instanceType, extra string) string {
	return fmt.Sprintf(`
resource "rayhpc_efa_network" "test" {
  name          = %[1]q
  subnet_id     = %[2]q
  instance_type = %[3]q
%[4]s
}
`, name, subnetID, instanceType, extra)
}

func testAccCheckNetworkDestroy(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		conn := ec2Conn(t)
		ctx := context.Background()
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "rayhpc_efa_network" {
				continue
			}
			a := rs.Primary.Attributes
			if _, err := efa.FindLaunchTemplate(ctx, conn, a["launch_template_id"], ""); !wait.NotFound(err) {
				return fmt.Errorf("launch template %s still exists (err %v)", a["launch_template_id"], err)
			}
			if _, err := efa.FindSecurityGroup(ctx, conn, a["security_group_id"]); !wait.NotFound(err) {
				return fmt.Errorf("security group %s still exists (err %v)", a["security_group_id"], err)
			}
			if pg := a["placement_group_name"]; pg != "" {
				if _, err := efa.FindPlacementGroup(ctx, conn, pg); !wait.NotFound(err) {
					return fmt.Errorf("placement group %s still exists (err %v)", pg, err)
				}
			}
		}
		return nil
	}
}

// testAccCheckLaunchTemplateLayout checks the default launch template version through the SDK: the
// instance type, one efa interface per network card (card 0 at device index 0, the others at
// device index 1), the EFA security group first, and the placement group.
func testAccCheckLaunchTemplateLayout(t *testing.T, instanceType string, wantInterfaces int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs := s.RootModule().Resources[resName]
		a := rs.Primary.Attributes
		v, err := efa.FindLaunchTemplateVersion(context.Background(), ec2Conn(t), a["launch_template_id"], "$Default")
		if err != nil {
			return err
		}
		d := v.LaunchTemplateData
		if string(d.InstanceType) != instanceType {
			return fmt.Errorf("launch template instance type %q, want %q", d.InstanceType, instanceType)
		}
		if len(d.NetworkInterfaces) != wantInterfaces {
			return fmt.Errorf("launch template has %d network interfaces, want %d", len(d.NetworkInterfaces), wantInterfaces)
		}
		for i, ni := range d.NetworkInterfaces {
			wantDev := int32(1)
			if i == 0 {
				wantDev = 0
			}
			if aws.ToString(ni.InterfaceType) != "efa" || aws.ToInt32(ni.NetworkCardIndex) != int32(i) || aws.ToInt32(ni.DeviceIndex) != wantDev {
				return fmt.Errorf("interface %d: type %q card %d device %d, want efa card %d device %d", i,
					aws.ToString(ni.InterfaceType), aws.ToInt32(ni.NetworkCardIndex), aws.ToInt32(ni.DeviceIndex), i, wantDev)
			}
			if len(ni.Groups) == 0 || ni.Groups[0] != a["security_group_id"] {
				return fmt.Errorf("interface %d: groups %v, want the EFA group %s first", i, ni.Groups, a["security_group_id"])
			}
			if aws.ToString(ni.SubnetId) != a["subnet_id"] {
				return fmt.Errorf("interface %d: subnet %s, want %s", i, aws.ToString(ni.SubnetId), a["subnet_id"])
			}
		}
		if pg := a["placement_group_name"]; pg != "" && (d.Placement == nil || aws.ToString(d.Placement.GroupName) != pg) {
			return fmt.Errorf("launch template is not placed in placement group %s: %+v", pg, d.Placement)
		}
		return nil
	}
}

// testAccCheckSecurityGroupRules checks that the EFA group allows all traffic from and to itself and egress anywhere.
func testAccCheckSecurityGroupRules(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id := s.RootModule().Resources[resName].Primary.Attributes["security_group_id"]
		sg, err := efa.FindSecurityGroup(context.Background(), ec2Conn(t), id)
		if err != nil {
			return err
		}
		selfIn, selfOut, anyOut := false, false, false
		for _, p := range sg.IpPermissions {
			for _, pair := range p.UserIdGroupPairs {
				selfIn = selfIn || (aws.ToString(p.IpProtocol) == "-1" && aws.ToString(pair.GroupId) == id)
			}
		}
		for _, p := range sg.IpPermissionsEgress {
			for _, pair := range p.UserIdGroupPairs {
				selfOut = selfOut || (aws.ToString(p.IpProtocol) == "-1" && aws.ToString(pair.GroupId) == id)
			}
			for _, r := range p.IpRanges {
				anyOut = anyOut || (aws.ToString(p.IpProtocol) == "-1" && aws.ToString(r.CidrIp) == "0.0.0.0/0")
			}
		}
		if !selfIn || !selfOut || !anyOut {
			return fmt.Errorf("security group %s rules: ingress from self %v, egress to self %v, egress anywhere %v", id, selfIn, selfOut, anyOut)
		}
		return nil
	}
}

func TestAccEFANetwork_basic(t *testing.T) {
	rName := acctest.RandomName()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckNetworkDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccNetworkConfig(rName, acctest.Var(t, "subnet_id"), "c5n.18xlarge", `  tags = { team = "hpc" }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckLaunchTemplateLayout(t, "c5n.18xlarge", 1),
					testAccCheckSecurityGroupRules(t),
					resource.TestMatchResourceAttr(resName, "security_group_id", regexp.MustCompile(`^sg-`)),
					resource.TestMatchResourceAttr(resName, "launch_template_id", regexp.MustCompile(`^lt-`)),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("id"), knownvalue.StringExact(rName)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("placement_group_name"), knownvalue.StringExact(rName)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("placement_strategy"), knownvalue.StringExact("cluster")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("efa_interface_count"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("gpu_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("launch_template_latest_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("availability_zone"), knownvalue.StringRegexp(regexp.MustCompile(`^us-east-1[a-f]$`))),
				},
			},
			{
				ResourceName:            resName,
				ImportState:             true,
				ImportStateId:           rName,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"tags"},
			},
		},
	})
}

// Changing the instance type adds a launch template version and keeps the placement group, the
// security group and the launch template.
func TestAccEFANetwork_updateInstanceType(t *testing.T) {
	rName := acctest.RandomName()
	subnet := acctest.Var(t, "subnet_id")
	sameSG := statecheck.CompareValue(compare.ValuesSame())
	samePG := statecheck.CompareValue(compare.ValuesSame())
	sameLT := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckNetworkDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccNetworkConfig(rName, subnet, "c5n.18xlarge", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					sameSG.AddStateValue(resName, tfjsonpath.New("security_group_id")),
					samePG.AddStateValue(resName, tfjsonpath.New("placement_group_name")),
					sameLT.AddStateValue(resName, tfjsonpath.New("launch_template_id")),
				},
			},
			{
				Config: testAccNetworkConfig(rName, subnet, "p5.48xlarge", `
  launch_template = {
    user_data = "#!/bin/bash\necho efa"
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(resName, tfjsonpath.New("efa_interface_count"), knownvalue.Int64Exact(32)),
						plancheck.ExpectUnknownValue(resName, tfjsonpath.New("launch_template_latest_version")),
					},
				},
				Check: testAccCheckLaunchTemplateLayout(t, "p5.48xlarge", 32),
				ConfigStateChecks: []statecheck.StateCheck{
					sameSG.AddStateValue(resName, tfjsonpath.New("security_group_id")),
					samePG.AddStateValue(resName, tfjsonpath.New("placement_group_name")),
					sameLT.AddStateValue(resName, tfjsonpath.New("launch_template_id")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("launch_template_latest_version"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("efa_interface_count"), knownvalue.Int64Exact(32)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("gpu_count"), knownvalue.Int64Exact(8)),
				},
			},
			{
				ResourceName:      resName,
				ImportState:       true,
				ImportStateId:     rName,
				ImportStateVerify: true,
			},
		},
	})
}

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
