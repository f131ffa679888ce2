// SPDX-License-Identifier: MPL-2.0

package inventory_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/inventory"
)

func TestMain(m *testing.M) { acctest.RunMain(m) }

func has(inv inventory.Inventory, kind, sub string) bool {
	for _, id := range inv[kind] {
		if strings.Contains(id, sub) {
			return true
		}
	}
	return false
}

// TestAccInventory lists objects made behind its back, and no longer lists them once deleted.
func TestAccInventory(t *testing.T) {
	ctx := context.Background()
	sb := acctest.Sandbox(t)
	opts, err := inventory.FromEnv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before, err := inventory.List(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(before["ec2 security group"]) != 0 || len(before["ec2 placement group"]) != 0 || len(before["parallelcluster cluster"]) != 0 {
		t.Fatalf("a fresh sandbox holds objects:\n%s", before)
	}
	conn := ec2.NewFromConfig(sb.AWSConfig())
	name := acctest.RandomName()
	if _, err := conn.CreatePlacementGroup(ctx, &ec2.CreatePlacementGroupInput{GroupName: aws.String(name), Strategy: ec2types.PlacementStrategyCluster}); err != nil {
		t.Fatal(err)
	}
	sg, err := conn.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String("inventory test"),
		VpcId: aws.String(acctest.Var(t, "vpc_id"))})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.List(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !has(inv, "ec2 placement group", name) || !has(inv, "ec2 security group", aws.ToString(sg.GroupId)) || inv.Count() < 2 {
		t.Fatalf("the inventory misses what was made:\n%s", inv)
	}
	if _, err := conn.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: sg.GroupId}); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.DeletePlacementGroup(ctx, &ec2.DeletePlacementGroupInput{GroupName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	inv, err = inventory.List(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if has(inv, "ec2 placement group", name) || has(inv, "ec2 security group", name) {
		t.Fatalf("the inventory lists deleted objects:\n%s", inv)
	}
	if !strings.Contains(inv.String(), "parallelcluster cluster") {
		t.Errorf("String() lacks a kind:\n%s", inv)
	}
}
