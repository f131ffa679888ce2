// SPDX-License-Identifier: MPL-2.0

package conns_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

func TestTagsDiff(t *testing.T) {
	remove, set := conns.TagsDiff(
		map[string]string{"keep": "1", "change": "old", "drop": "x", "also-drop": "y"},
		map[string]string{"keep": "1", "change": "new", "add": "z"},
	)
	if len(remove) != 2 || remove[0] != "also-drop" || remove[1] != "drop" {
		t.Errorf("remove = %v, want [also-drop drop]", remove)
	}
	if len(set) != 2 || set["change"] != "new" || set["add"] != "z" {
		t.Errorf("set = %v, want change=new add=z", set)
	}
}

// Every list builder sorts by key (API calls and call logs are deterministic) and reads back to the map.
func TestTagListsSorted(t *testing.T) {
	in := map[string]string{"zeta": "1", "Name": "n", "alpha": "2", "rayhpc:owner": "x"}
	want := []string{"Name", "alpha", "rayhpc:owner", "zeta"}
	var ec2Keys, fsxKeys, dsKeys []string
	for _, tg := range conns.EC2Tags(in) {
		ec2Keys = append(ec2Keys, aws.ToString(tg.Key))
	}
	for _, tg := range conns.FSxTags(in) {
		fsxKeys = append(fsxKeys, aws.ToString(tg.Key))
	}
	for _, tg := range conns.DataSyncTags(in) {
		dsKeys = append(dsKeys, aws.ToString(tg.Key))
	}
	for name, got := range map[string][]string{"ec2": ec2Keys, "fsx": fsxKeys, "datasync": dsKeys} {
		if !slices.Equal(got, want) {
			t.Errorf("%s keys %v, want %v", name, got, want)
		}
	}
	for name, back := range map[string]map[string]string{
		"ec2": conns.EC2TagMap(conns.EC2Tags(in)), "fsx": conns.FSxTagMap(conns.FSxTags(in)), "datasync": conns.DataSyncTagMap(conns.DataSyncTags(in)),
	} {
		if len(back) != len(in) || back["zeta"] != "1" || back["rayhpc:owner"] != "x" {
			t.Errorf("%s round trip %v", name, back)
		}
	}
	if conns.EC2TagSpecs("security-group", nil) != nil {
		t.Error("EC2TagSpecs of no tags is not nil")
	}
	if s := conns.EC2TagSpecs("security-group", in); len(s) != 1 || s[0].ResourceType != "security-group" || len(s[0].Tags) != 4 {
		t.Errorf("EC2TagSpecs %+v", s)
	}
}

type fakeFSxTags struct {
	untag [][]string
	tag   [][]string
}

func (f *fakeFSxTags) TagResource(_ context.Context, in *fsx.TagResourceInput, _ ...func(*fsx.Options)) (*fsx.TagResourceOutput, error) {
	var keys []string
	for _, t := range in.Tags {
		keys = append(keys, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
	}
	f.tag = append(f.tag, keys)
	return &fsx.TagResourceOutput{}, nil
}

func (f *fakeFSxTags) UntagResource(_ context.Context, in *fsx.UntagResourceInput, _ ...func(*fsx.Options)) (*fsx.UntagResourceOutput, error) {
	f.untag = append(f.untag, in.TagKeys)
	return &fsx.UntagResourceOutput{}, nil
}

func TestUpdateFSxTags(t *testing.T) {
	f := &fakeFSxTags{}
	if err := conns.UpdateFSxTags(context.Background(), f, "arn", map[string]string{"a": "1"}, map[string]string{"a": "1"}); err != nil {
		t.Fatal(err)
	}
	if len(f.tag)+len(f.untag) != 0 {
		t.Fatalf("unchanged tags made calls: %+v", f)
	}
	if err := conns.UpdateFSxTags(context.Background(), f, "arn",
		map[string]string{"a": "1", "b": "2", "c": "3"}, map[string]string{"a": "9", "c": "3", "d": "4"}); err != nil {
		t.Fatal(err)
	}
	if len(f.untag) != 1 || !slices.Equal(f.untag[0], []string{"b"}) {
		t.Errorf("untag %v, want [[b]]", f.untag)
	}
	if len(f.tag) != 1 || !slices.Equal(f.tag[0], []string{"a=9", "d=4"}) {
		t.Errorf("tag %v, want [[a=9 d=4]]", f.tag)
	}
}
