// SPDX-License-Identifier: MPL-2.0

package conns

// The tag toolkit, AWS side (plain Go, no Terraform types): merging the provider's default tags, sorted
// tag lists in each service's shape, reading them back into maps, and one update per service that
// reconciles an object's tags with a diff. The Terraform side (a `tags` value read back without the
// default tags) is framework.FlattenTags.

import (
	"context"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// MergeTags returns the provider's default tags overlaid by the resource's own tags (a new map).
func (c *Client) MergeTags(tags map[string]string) map[string]string {
	out := make(map[string]string, len(c.DefaultTags)+len(tags))
	maps.Copy(out, c.DefaultTags)
	maps.Copy(out, tags)
	return out
}

// TagsDiff says how to get from the tags an object has to the tags it should have: the keys to remove,
// and the tags to add or change. Keys are sorted so API calls are deterministic.
func TagsDiff(have, want map[string]string) (remove []string, set map[string]string) {
	set = map[string]string{}
	for k := range have {
		if _, ok := want[k]; !ok {
			remove = append(remove, k)
		}
	}
	for k, v := range want {
		if cur, ok := have[k]; !ok || cur != v {
			set[k] = v
		}
	}
	slices.Sort(remove)
	return remove, set
}

// EC2Tags is tags as an EC2 tag list, sorted by key.
func EC2Tags(tags map[string]string) []ec2types.Tag {
	out := make([]ec2types.Tag, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// EC2TagSpecs is tags as the TagSpecifications of an EC2 create call for one resource type (nil for no tags).
func EC2TagSpecs(resourceType ec2types.ResourceType, tags map[string]string) []ec2types.TagSpecification {
	if len(tags) == 0 {
		return nil
	}
	return []ec2types.TagSpecification{{ResourceType: resourceType, Tags: EC2Tags(tags)}}
}

// EC2TagMap reads an EC2 tag list into a map.
func EC2TagMap(tags []ec2types.Tag) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

// FSxTags is tags as an FSx tag list, sorted by key.
func FSxTags(tags map[string]string) []fsxtypes.Tag {
	out := make([]fsxtypes.Tag, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, fsxtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// FSxTagMap reads an FSx tag list into a map.
func FSxTagMap(tags []fsxtypes.Tag) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

// DataSyncTags is tags as a DataSync tag list, sorted by key.
func DataSyncTags(tags map[string]string) []dstypes.TagListEntry {
	out := make([]dstypes.TagListEntry, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, dstypes.TagListEntry{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// DataSyncTagMap reads a DataSync tag list into a map.
func DataSyncTagMap(tags []dstypes.TagListEntry) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

// EC2TagsAPI, FSxTagsAPI and DataSyncTagsAPI are the tagging calls the Update*Tags functions make
// (the SDK clients satisfy them).
type (
	EC2TagsAPI interface {
		CreateTags(context.Context, *ec2.CreateTagsInput, ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error)
		DeleteTags(context.Context, *ec2.DeleteTagsInput, ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error)
	}
	FSxTagsAPI interface {
		TagResource(context.Context, *fsx.TagResourceInput, ...func(*fsx.Options)) (*fsx.TagResourceOutput, error)
		UntagResource(context.Context, *fsx.UntagResourceInput, ...func(*fsx.Options)) (*fsx.UntagResourceOutput, error)
	}
	DataSyncTagsAPI interface {
		TagResource(context.Context, *datasync.TagResourceInput, ...func(*datasync.Options)) (*datasync.TagResourceOutput, error)
		UntagResource(context.Context, *datasync.UntagResourceInput, ...func(*datasync.Options)) (*datasync.UntagResourceOutput, error)
	}
)

// UpdateEC2Tags moves the EC2 objects ids from the tags they have to the tags they should have: one
// DeleteTags for removed keys, one CreateTags for added or changed ones, none when nothing changed.
func UpdateEC2Tags(ctx context.Context, conn EC2TagsAPI, ids []string, have, want map[string]string) error {
	remove, set := TagsDiff(have, want)
	if len(remove) > 0 {
		keys := make([]ec2types.Tag, 0, len(remove))
		for _, k := range remove {
			keys = append(keys, ec2types.Tag{Key: aws.String(k)})
		}
		if _, err := conn.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: ids, Tags: keys}); err != nil {
			return err
		}
	}
	if len(set) > 0 {
		if _, err := conn.CreateTags(ctx, &ec2.CreateTagsInput{Resources: ids, Tags: EC2Tags(set)}); err != nil {
			return err
		}
	}
	return nil
}

// UpdateFSxTags moves an FSx resource (by ARN) from the tags it has to the tags it should have.
func UpdateFSxTags(ctx context.Context, conn FSxTagsAPI, arn string, have, want map[string]string) error {
	remove, set := TagsDiff(have, want)
	if len(remove) > 0 {
		if _, err := conn.UntagResource(ctx, &fsx.UntagResourceInput{ResourceARN: aws.String(arn), TagKeys: remove}); err != nil {
			return err
		}
	}
	if len(set) > 0 {
		if _, err := conn.TagResource(ctx, &fsx.TagResourceInput{ResourceARN: aws.String(arn), Tags: FSxTags(set)}); err != nil {
			return err
		}
	}
	return nil
}

// UpdateDataSyncTags moves a DataSync resource (by ARN) from the tags it has to the tags it should have.
func UpdateDataSyncTags(ctx context.Context, conn DataSyncTagsAPI, arn string, have, want map[string]string) error {
	remove, set := TagsDiff(have, want)
	if len(remove) > 0 {
		if _, err := conn.UntagResource(ctx, &datasync.UntagResourceInput{ResourceArn: aws.String(arn), Keys: remove}); err != nil {
			return err
		}
	}
	if len(set) > 0 {
		if _, err := conn.TagResource(ctx, &datasync.TagResourceInput{ResourceArn: aws.String(arn), Tags: DataSyncTags(set)}); err != nil {
			return err
		}
	}
	return nil
}
