// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestPlacementGroupsRoundTrip(t *testing.T) {
	t.Parallel()
	g, moto := newTestGateway(t, testTimings)
	c := ec2Client(g)

	cl, err := c.CreatePlacementGroup(ctx(t), &ec2.CreatePlacementGroupInput{
		GroupName: aws.String("ray-efa"), Strategy: types.PlacementStrategyCluster,
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypePlacementGroup, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("hpc")}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	pg := cl.PlacementGroup
	if aws.ToString(pg.GroupName) != "ray-efa" || pg.Strategy != types.PlacementStrategyCluster || pg.State != types.PlacementGroupStateAvailable ||
		aws.ToString(pg.GroupArn) != "arn:aws:ec2:us-east-1:123456789012:placement-group/ray-efa" || len(pg.Tags) != 1 {
		t.Errorf("created %+v", pg)
	}
	if _, err := c.CreatePlacementGroup(ctx(t), &ec2.CreatePlacementGroupInput{GroupName: aws.String("parts"), Strategy: types.PlacementStrategyPartition, PartitionCount: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreatePlacementGroup(ctx(t), &ec2.CreatePlacementGroupInput{GroupName: aws.String("spread"), Strategy: types.PlacementStrategySpread, SpreadLevel: types.SpreadLevelHost}); err != nil {
		t.Fatal(err)
	}

	_, err = c.CreatePlacementGroup(ctx(t), &ec2.CreatePlacementGroupInput{GroupName: aws.String("ray-efa"), Strategy: types.PlacementStrategyCluster})
	if apiCode(err) != "InvalidPlacementGroup.Duplicate" {
		t.Errorf("duplicate: %v", err)
	}
	_, err = c.CreatePlacementGroup(ctx(t), &ec2.CreatePlacementGroupInput{GroupName: aws.String("x"), Strategy: types.PlacementStrategyCluster, PartitionCount: aws.Int32(2)})
	if apiCode(err) != "InvalidParameterCombination" {
		t.Errorf("partition count on cluster: %v", err)
	}

	all, err := c.DescribePlacementGroups(ctx(t), &ec2.DescribePlacementGroupsInput{})
	if err != nil || len(all.PlacementGroups) != 3 {
		t.Fatalf("describe all: %v %+v", err, all)
	}
	one, err := c.DescribePlacementGroups(ctx(t), &ec2.DescribePlacementGroupsInput{GroupNames: []string{"parts"}})
	if err != nil || len(one.PlacementGroups) != 1 || aws.ToInt32(one.PlacementGroups[0].PartitionCount) != 3 {
		t.Fatalf("describe by name: %v %+v", err, one)
	}
	byID, err := c.DescribePlacementGroups(ctx(t), &ec2.DescribePlacementGroupsInput{GroupIds: []string{aws.ToString(pg.GroupId)}})
	if err != nil || len(byID.PlacementGroups) != 1 || aws.ToString(byID.PlacementGroups[0].GroupName) != "ray-efa" {
		t.Fatalf("describe by id: %v %+v", err, byID)
	}
	filtered, err := c.DescribePlacementGroups(ctx(t), &ec2.DescribePlacementGroupsInput{Filters: []types.Filter{
		{Name: aws.String("strategy"), Values: []string{"spread"}},
	}})
	if err != nil || len(filtered.PlacementGroups) != 1 || filtered.PlacementGroups[0].SpreadLevel != types.SpreadLevelHost {
		t.Fatalf("describe by filter: %v %+v", err, filtered)
	}
	tagged, err := c.DescribePlacementGroups(ctx(t), &ec2.DescribePlacementGroupsInput{Filters: []types.Filter{
		{Name: aws.String("tag:team"), Values: []string{"hpc"}},
	}})
	if err != nil || len(tagged.PlacementGroups) != 1 {
		t.Fatalf("describe by tag: %v %+v", err, tagged)
	}

	if _, err := c.DeletePlacementGroup(ctx(t), &ec2.DeletePlacementGroupInput{GroupName: aws.String("ray-efa")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribePlacementGroups(ctx(t), &ec2.DescribePlacementGroupsInput{GroupNames: []string{"ray-efa"}})
	if apiCode(err) != "InvalidPlacementGroup.Unknown" {
		t.Errorf("describe deleted: %v", err)
	}
	_, err = c.DeletePlacementGroup(ctx(t), &ec2.DeletePlacementGroupInput{GroupName: aws.String("ray-efa")})
	if apiCode(err) != "InvalidPlacementGroup.Unknown" {
		t.Errorf("delete deleted: %v", err)
	}
	for _, r := range moto.all() {
		if a := r.Form.Get("Action"); a != "" && a != "DescribeSubnets" && a != "DescribeSecurityGroups" {
			t.Errorf("placement group call %s reached moto", a)
		}
	}
	if n := g.CountCalls("ec2", "DescribePlacementGroups"); n != 6 {
		t.Errorf("DescribePlacementGroups calls = %d", n)
	}
}
