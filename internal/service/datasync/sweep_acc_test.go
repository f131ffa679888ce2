// SPDX-License-Identifier: MPL-2.0

package datasync_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsdatasync "github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/datasync"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// go test -sweep=REGION runs this package's sweeper.
func init() {
	datasync.RegisterSweepers(acctest.AddSweeper)
}

// The sweeper, run against the sandbox, deletes a task with an unusual name and its two locations, and a
// location whose task was never created, all of them tagged as a transfer named with the prefix made
// them; it leaves alone a task named with the prefix, and its locations, that carry no ownership tags. It
// sweeps a prefix of its own, so it can run beside the other tests.
func TestAccDataSyncTransfer_sweeper(t *testing.T) {
	bucket := acctest.Var(t, "data_lake_bucket")
	t.Parallel()
	ctx := context.Background()
	c := dsClient(t)
	prefix := acctest.RandomName() + "-sweep"
	own := datasync.OwnerOf(prefix + "-interrupted")
	tags := func(part string) []dstypes.TagListEntry {
		if part == "" {
			return nil
		}
		return conns.DataSyncTags(own.Tags(part))
	}
	loc := func(sub, part string) string {
		t.Helper()
		out, err := c.CreateLocationS3(ctx, &awsdatasync.CreateLocationS3Input{
			S3BucketArn: aws.String("arn:aws:s3:::" + bucket), Subdirectory: aws.String(sub),
			S3Config: &dstypes.S3Config{BucketAccessRoleArn: aws.String(roleARN)}, Tags: tags(part),
		})
		if err != nil {
			t.Fatalf("creating location %s: %s", sub, err)
		}
		return aws.ToString(out.LocationArn)
	}
	newTask := func(name, sub string, tagged bool) (task, src, dst string) {
		t.Helper()
		srcPart, dstPart, taskPart := "", "", ""
		if tagged {
			srcPart, dstPart, taskPart = datasync.PartSource, datasync.PartDestination, datasync.PartTask
		}
		src, dst = loc("/raw", srcPart), loc(sub, dstPart)
		out, err := c.CreateTask(ctx, &awsdatasync.CreateTaskInput{
			SourceLocationArn: aws.String(src), DestinationLocationArn: aws.String(dst), Name: aws.String(name), Tags: tags(taskPart),
		})
		if err != nil {
			t.Fatalf("creating task %s: %s", name, err)
		}
		return aws.ToString(out.TaskArn), src, dst
	}
	swept, sweptSrc, sweptDst := newTask("nightly-ingest", "/sweep/a", true)
	orphan := loc("/sweep/orphan", datasync.PartSource)
	kept, keptSrc, keptDst := newTask(prefix, "/sweep/b", false)
	t.Cleanup(func() {
		_, _ = c.DeleteTask(ctx, &awsdatasync.DeleteTaskInput{TaskArn: aws.String(kept)})
		for _, l := range []string{keptSrc, keptDst} {
			_, _ = c.DeleteLocation(ctx, &awsdatasync.DeleteLocationInput{LocationArn: aws.String(l)})
		}
	})

	client, diags := conns.New(ctx, conns.Config{SkipCredentialsValidation: true})
	if diags.HasError() {
		t.Fatalf("building the AWS client: %v", diags)
	}
	if err := datasync.SweepTransfers(ctx, client, prefix); err != nil {
		t.Fatalf("sweeping: %s", err)
	}

	if _, err := datasync.FindTask(ctx, c, swept); !wait.NotFound(err) {
		t.Errorf("task %s (tagged for %s) not swept (err %v)", swept, own.Value(), err)
	}
	for _, l := range []string{sweptSrc, sweptDst, orphan} {
		if _, err := c.DescribeLocationS3(ctx, &awsdatasync.DescribeLocationS3Input{LocationArn: aws.String(l)}); !datasync.IsNotFound(err) {
			t.Errorf("tagged location %s not deleted (err %v)", l, err)
		}
	}
	if _, err := datasync.FindTask(ctx, c, kept); err != nil {
		t.Errorf("the untagged task %s (%s) was swept: %v", kept, prefix, err)
	}
	for _, l := range []string{keptSrc, keptDst} {
		if _, err := c.DescribeLocationS3(ctx, &awsdatasync.DescribeLocationS3Input{LocationArn: aws.String(l)}); err != nil {
			t.Errorf("location %s of the untagged task was deleted: %v", l, err)
		}
	}
}
