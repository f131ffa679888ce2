// SPDX-License-Identifier: MPL-2.0

package efa_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/efa"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// go test -sweep=REGION runs this package's sweeper.
func init() {
	efa.RegisterSweepers(acctest.AddSweeper)
}

// The sweeper, run against the sandbox, deletes an EFA network named with the prefix — made by the
// resource, then dropped from state without being destroyed, as an interrupted test run leaves it — and a
// placement group with an unusual name whose ownership tags say a network named with the prefix made it;
// it leaves alone a network that is not the tests', a Lustre workspace's group that carries the prefix,
// and an untagged security group and placement group named exactly like a test network's parts. It
// sweeps a prefix of its own, so it can run beside the other tests.
func TestAccEFANetwork_sweeper(t *testing.T) {
	skipUnlessAcc(t)
	ctx := context.Background()
	conn := ec2Conn(t)
	prefix := acctest.RandomName() + "-sweep"
	subnet := acctest.Var(t, "subnet_id")
	keep := fmt.Sprintf("\nresource \"rayhpc_efa_network\" \"keep\" {\n  name          = %q\n  subnet_id     = %q\n  instance_type = \"c5n.18xlarge\"\n}\n", "keep"+prefix, subnet)
	both := testAccNetworkConfig(prefix, subnet, "c5n.18xlarge", "") + keep
	forgotten := keep + "\nremoved {\n  from = rayhpc_efa_network.test\n  lifecycle {\n    destroy = false\n  }\n}\n"

	var swept map[string]string
	decoys := sweepDecoys{prefix: prefix, bare: prefix + "-bare", odd: fmt.Sprintf("cluster-pg-%d", time.Now().UnixNano())}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckNetworkDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: both,
				Check: func(s *terraform.State) error {
					swept = s.RootModule().Resources[resName].Primary.Attributes
					return decoys.create(ctx, conn, swept["vpc_id"])
				},
			},
			{
				Config: forgotten,
				Check: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources[resName]; ok {
						return fmt.Errorf("%s is still in state", resName)
					}
					if _, err := efa.FindLaunchTemplate(ctx, conn, swept["launch_template_id"], ""); err != nil {
						return fmt.Errorf("the removed network's launch template should still exist before the sweep: %w", err)
					}
					client, diags := conns.New(ctx, conns.Config{SkipCredentialsValidation: true})
					if diags.HasError() {
						return fmt.Errorf("building the AWS client: %v", diags)
					}
					if err := efa.SweepNetworks(ctx, client, prefix); err != nil {
						return fmt.Errorf("sweeping: %w", err)
					}
					// Swept: all three parts of the forgotten network.
					if err := testAccCheckNetworkDestroy(t)(&terraform.State{Modules: []*terraform.ModuleState{{
						Path: []string{"root"}, Resources: map[string]*terraform.ResourceState{
							resName: {Type: "rayhpc_efa_network", Primary: &terraform.InstanceState{ID: swept["id"], Attributes: swept}},
						},
					}}}); err != nil {
						return fmt.Errorf("after the sweep: %w", err)
					}
					if err := checkNetworkKept(ctx, conn, s.RootModule().Resources["rayhpc_efa_network.keep"].Primary.Attributes); err != nil {
						return err
					}
					if err := decoys.checkSwept(ctx, conn); err != nil {
						return err
					}
					return decoys.delete(ctx, conn)
				},
			},
		},
	})
}

// checkNetworkKept fails unless every part of the network (from its state attributes) still exists.
func checkNetworkKept(ctx context.Context, conn *ec2.Client, keep map[string]string) error {
	if _, err := efa.FindLaunchTemplate(ctx, conn, keep["launch_template_id"], ""); err != nil {
		return fmt.Errorf("the other network's launch template was swept: %w", err)
	}
	if _, err := efa.FindSecurityGroup(ctx, conn, keep["security_group_id"]); err != nil {
		return fmt.Errorf("the other network's security group was swept: %w", err)
	}
	if _, err := efa.FindPlacementGroup(ctx, conn, keep["placement_group_name"]); err != nil {
		return fmt.Errorf("the other network's placement group was swept: %w", err)
	}
	return nil
}

// sweepDecoys are objects the sweeper must tell apart by their ownership tags, not their names: a group
// named like a Lustre workspace's and an untagged group and placement group named bare (with the prefix
// and the EFA description), which it keeps, and a placement group with the unusual name odd tagged as a
// part of a test network whose create was interrupted, which it deletes.
type sweepDecoys struct {
	prefix, bare, odd string
	lustreSG, bareSG  string
}

func (d *sweepDecoys) create(ctx context.Context, conn *ec2.Client, vpcID string) error {
	out, err := conn.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName:   aws.String(fmt.Sprintf("%s-lustre-%d", d.prefix, time.Now().UnixNano())),
		Description: aws.String("Lustre traffic (TCP 988, 1018-1023) for workspace " + d.prefix),
		VpcId:       aws.String(vpcID),
	})
	if err != nil {
		return err
	}
	d.lustreSG = aws.ToString(out.GroupId)
	out, err = conn.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName:   aws.String(d.bare),
		Description: aws.String("EFA: all traffic to and from itself (rayhpc_efa_network " + d.bare + ")"),
		VpcId:       aws.String(vpcID),
	})
	if err != nil {
		return err
	}
	d.bareSG = aws.ToString(out.GroupId)
	if _, err := conn.CreatePlacementGroup(ctx, &ec2.CreatePlacementGroupInput{GroupName: aws.String(d.bare), Strategy: ec2types.PlacementStrategyCluster}); err != nil {
		return err
	}
	_, err = conn.CreatePlacementGroup(ctx, &ec2.CreatePlacementGroupInput{
		GroupName: aws.String(d.odd), Strategy: ec2types.PlacementStrategyCluster,
		TagSpecifications: conns.EC2TagSpecs(ec2types.ResourceTypePlacementGroup, efa.OwnerOf(d.prefix+"-interrupted").Tags(efa.PartPlacementGroup)),
	})
	return err
}

// checkSwept fails unless the tagged placement group is gone and the untagged objects remain.
func (d *sweepDecoys) checkSwept(ctx context.Context, conn *ec2.Client) error {
	if _, err := efa.FindPlacementGroup(ctx, conn, d.odd); !wait.NotFound(err) {
		return fmt.Errorf("the tagged placement group %s was not swept (%v)", d.odd, err)
	}
	for _, g := range []string{d.lustreSG, d.bareSG} {
		if _, err := efa.FindSecurityGroup(ctx, conn, g); wait.NotFound(err) {
			return fmt.Errorf("the untagged group %s was swept", g)
		}
	}
	if _, err := efa.FindPlacementGroup(ctx, conn, d.bare); wait.NotFound(err) {
		return fmt.Errorf("the untagged placement group %s was swept", d.bare)
	}
	return nil
}

// delete removes the decoys the sweeper kept.
func (d *sweepDecoys) delete(ctx context.Context, conn *ec2.Client) error {
	var errs []error
	for _, g := range []string{d.lustreSG, d.bareSG} {
		_, err := conn.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(g)})
		errs = append(errs, err)
	}
	_, err := conn.DeletePlacementGroup(ctx, &ec2.DeletePlacementGroupInput{GroupName: aws.String(d.bare)})
	return errors.Join(append(errs, err)...)
}
