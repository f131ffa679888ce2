// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// isNotFound reports DataSync's way of saying a resource does not exist: an InvalidRequestException
// whose message says "not found".
func isNotFound(err error) bool {
	var ire *dstypes.InvalidRequestException
	return errors.As(err, &ire) && strings.Contains(strings.ToLower(ire.ErrorMessage()), "not found")
}

func notFound(what, arn string, err error) error {
	if isNotFound(err) {
		return wait.NewNotFound(fmt.Sprintf("DataSync %s (%s)", what, arn), err)
	}
	return err
}

func findTask(ctx context.Context, c *datasync.Client, arn string) (*datasync.DescribeTaskOutput, error) {
	out, err := c.DescribeTask(ctx, &datasync.DescribeTaskInput{TaskArn: aws.String(arn)})
	if err != nil {
		return nil, notFound("task", arn, err)
	}
	return out, nil
}

func findTaskExecution(ctx context.Context, c *datasync.Client, arn string) (*datasync.DescribeTaskExecutionOutput, error) {
	out, err := c.DescribeTaskExecution(ctx, &datasync.DescribeTaskExecutionInput{TaskExecutionArn: aws.String(arn)})
	if err != nil {
		return nil, notFound("task execution", arn, err)
	}
	return out, nil
}

// locationKind is the kind of a location, from its URI scheme: nfs, smb, s3, object-storage, fsxl.
func locationKindFromURI(uri string) string {
	scheme, _, _ := strings.Cut(uri, "://")
	return scheme
}

// findLocationURI finds a location's URI by listing locations (used on import, when the kind of the
// task's locations is not known yet).
func findLocationURI(ctx context.Context, c *datasync.Client, arn string) (string, error) {
	p := datasync.NewListLocationsPaginator(c, &datasync.ListLocationsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", err
		}
		for _, l := range page.Locations {
			if aws.ToString(l.LocationArn) == arn {
				return aws.ToString(l.LocationUri), nil
			}
		}
	}
	return "", wait.NewNotFound(fmt.Sprintf("DataSync location (%s)", arn), nil)
}

func listTags(ctx context.Context, c *datasync.Client, arn string) (map[string]string, error) {
	tags := map[string]string{}
	p := datasync.NewListTagsForResourcePaginator(c, &datasync.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, notFound("resource", arn, err)
		}
		for _, t := range page.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return tags, nil
}
