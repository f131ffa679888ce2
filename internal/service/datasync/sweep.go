// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/datasync"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// SweeperName names the sweeper of rayhpc_datasync_transfer, as registered with resource.AddTestSweepers.
// The Lustre workspace sweeper depends on it: a DataSync location holds on to its file system.
const SweeperName = "rayhpc_datasync_transfer"

const sweepTimeout = 30 * time.Minute

// RegisterSweepers hands this package's sweepers to add (acctest.AddSweeper in the test binaries), so
// that this package does not import terraform-plugin-testing.
func RegisterSweepers(add func(name string, dependencies []string, sweep func(context.Context, *conns.Client, string) error)) {
	add(SweeperName, nil, SweepTransfers)
}

// sweepable reports whether a task's or location's ownership tags say a transfer named with prefix made it
// (package owner); the object's name does not matter, and an object without the tags is never swept.
func sweepable(tags map[string]string, prefix string) bool {
	return owner.MadeBy(tags, resourceType, prefix)
}

// SweepTransfers deletes the DataSync tasks that transfers named with prefix made (cancelling a running
// execution first), then those transfers' locations, also the ones whose task never existed or is gone.
// Both are found by the provider's ownership tags, never by their names.
func SweepTransfers(ctx context.Context, client *conns.Client, prefix string) error {
	ctx, cancel := context.WithTimeout(ctx, sweepTimeout)
	defer cancel()
	c := client.DataSync()
	keep := func(tags map[string]string) bool { return sweepable(tags, prefix) }
	arns, err := taskARNs(ctx, c, nil)
	if err != nil {
		return fmt.Errorf("listing DataSync tasks: %w", err)
	}
	tasks, err := selectByTags(ctx, c, arns, keep)
	if err != nil {
		return fmt.Errorf("listing the tags of DataSync tasks: %w", err)
	}
	var errs []error
	for _, t := range tasks {
		if err := sweepTask(ctx, client, t.ARN); err != nil {
			errs = append(errs, err)
		}
	}
	if arns, err = locationARNs(ctx, c); err != nil {
		return errors.Join(append(errs, fmt.Errorf("listing DataSync locations: %w", err))...)
	}
	locs, err := selectByTags(ctx, c, arns, keep)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("listing the tags of DataSync locations: %w", err))...)
	}
	for _, l := range locs {
		log.Printf("[INFO] sweeper %s: deleting DataSync location %s (%s)", SweeperName, l.ARN, l.Tags[owner.TagOwner])
		if err := deleteLocation(ctx, c, l.ARN); err != nil {
			errs = append(errs, fmt.Errorf("deleting DataSync location %s: %w", l.ARN, err))
		}
	}
	return errors.Join(errs...)
}

func sweepTask(ctx context.Context, client *conns.Client, arn string) error {
	c := client.DataSync()
	task, err := findTask(ctx, c, arn)
	if wait.NotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("describing DataSync task %s: %w", arn, err)
	}
	name := aws.ToString(task.Name)
	if exec := aws.ToString(task.CurrentTaskExecutionArn); exec != "" {
		log.Printf("[INFO] sweeper %s: cancelling execution %s", SweeperName, exec)
		if _, err := c.CancelTaskExecution(ctx, &datasync.CancelTaskExecutionInput{TaskExecutionArn: aws.String(exec)}); err != nil {
			log.Printf("[WARN] sweeper %s: cancelling execution %s: %s", SweeperName, exec, err)
		}
	}
	log.Printf("[INFO] sweeper %s: deleting DataSync task %s (%s)", SweeperName, arn, name)
	if _, err := c.DeleteTask(ctx, &datasync.DeleteTaskInput{TaskArn: aws.String(arn)}); err != nil && !isNotFound(err) {
		return fmt.Errorf("deleting DataSync task %s (%s): %w", arn, name, err)
	}
	if err := waitTaskDeleted(ctx, client, arn); err != nil {
		return fmt.Errorf("waiting for DataSync task %s (%s) delete: %w", arn, name, err)
	}
	return nil
}
