// SPDX-License-Identifier: MPL-2.0

package efa_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/awserr"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
)

// The sandbox ties placement groups to moto's instances as EC2 does: an instance cannot be launched
// into an unknown group, and a group that holds an instance cannot be deleted until the instance is
// terminated. The network's launch template places instances in its group.
func TestAccEFANetwork_placementGroupInstances(t *testing.T) {
	rName := acctest.RandomName()
	ami := acctest.Var(t, "ami_id")
	var instanceID string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckNetworkDestroy(t),
		Steps: []resource.TestStep{{
			Config: testAccNetworkConfig(rName, acctest.Var(t, "subnet_id"), "c5n.18xlarge", ""),
			Check: func(s *terraform.State) error {
				a := s.RootModule().Resources[resName].Primary.Attributes
				ctx, conn := context.Background(), ec2Conn(t)
				_, err := conn.RunInstances(ctx, &ec2.RunInstancesInput{
					ImageId: aws.String(ami), InstanceType: ec2types.InstanceTypeC5n18xlarge, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
					Placement: &ec2types.Placement{GroupName: aws.String(rName + "-nowhere")},
				})
				if awserr.Code(err) != "InvalidPlacementGroup.Unknown" {
					return fmt.Errorf("RunInstances into an unknown placement group: got %v, want InvalidPlacementGroup.Unknown", err)
				}
				out, err := conn.RunInstances(ctx, &ec2.RunInstancesInput{
					ImageId: aws.String(ami), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
					LaunchTemplate: &ec2types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(a["launch_template_id"])},
				})
				if err != nil {
					return fmt.Errorf("RunInstances with the network's launch template: %w", err)
				}
				instanceID = aws.ToString(out.Instances[0].InstanceId)
				_, err = conn.DeletePlacementGroup(ctx, &ec2.DeletePlacementGroupInput{GroupName: aws.String(a["placement_group_name"])})
				if awserr.Code(err) != "InvalidPlacementGroup.InUse" {
					return fmt.Errorf("DeletePlacementGroup with an instance in it: got %v, want InvalidPlacementGroup.InUse", err)
				}
				// Terminated, the instance no longer holds the group: the destroy can delete it.
				_, err = conn.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{instanceID}})
				return err
			},
		}},
	})
}

// Tags on placement groups work (CreateTags, DeleteTags, DescribeTags and the tag filters of
// DescribePlacementGroups by its pg- ID), and a tag change of the network reaches its placement group.
func TestAccEFANetwork_placementGroupTags(t *testing.T) {
	rName := acctest.RandomName()
	subnet := acctest.Var(t, "subnet_id")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckNetworkDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccNetworkConfig(rName, subnet, "c5n.18xlarge", `  tags = { team = "hpc", stage = "dev" }`),
				Check:  checkPlacementGroupTags(t, map[string]string{"team": "hpc", "stage": "dev", "Name": rName}),
			},
			{
				Config: testAccNetworkConfig(rName, subnet, "c5n.18xlarge", `  tags = { team = "cfd" }`),
				Check:  checkPlacementGroupTags(t, map[string]string{"team": "cfd", "Name": rName}),
			},
		},
	})
}

// checkPlacementGroupTags reads the group's tags two ways (DescribePlacementGroups and DescribeTags by
// resource ID) and finds the group by a tag filter.
func checkPlacementGroupTags(t *testing.T, want map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		name := s.RootModule().Resources[resName].Primary.Attributes["placement_group_name"]
		ctx, conn := context.Background(), ec2Conn(t)
		out, err := conn.DescribePlacementGroups(ctx, &ec2.DescribePlacementGroupsInput{GroupNames: []string{name}})
		if err != nil || len(out.PlacementGroups) != 1 {
			return fmt.Errorf("describing placement group %s: %v", name, err)
		}
		pg := out.PlacementGroups[0]
		got := map[string]string{}
		for _, tag := range pg.Tags {
			got[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		if got[owner.TagOwner] != "rayhpc_efa_network/"+name {
			return fmt.Errorf("placement group tags %v: no ownership tag", got)
		}
		if mine := owner.WithoutOwnTags(got); fmt.Sprint(mine) != fmt.Sprint(want) {
			return fmt.Errorf("placement group tags %v, want %v", mine, want)
		}
		tags, err := conn.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{aws.ToString(pg.GroupId)}}}})
		if err != nil || len(tags.Tags) != len(got) {
			return fmt.Errorf("DescribeTags of %s: %v, %d tags, want %d", aws.ToString(pg.GroupId), err, len(tags.Tags), len(got))
		}
		byTag, err := conn.DescribePlacementGroups(ctx, &ec2.DescribePlacementGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("tag:team"), Values: []string{want["team"]}}}})
		if err != nil {
			return err
		}
		for _, g := range byTag.PlacementGroups {
			if aws.ToString(g.GroupName) == name {
				return nil
			}
		}
		return fmt.Errorf("tag filter team=%s does not find placement group %s", want["team"], name)
	}
}
