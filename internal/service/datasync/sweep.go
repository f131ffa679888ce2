// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
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

// sweepableTask reports whether a task is one an acceptance test left: its name (DataSync keeps it as
// the Name tag) starts with prefix.
func sweepableTask(name string, prefix string) bool {
	return prefix != "" && strings.HasPrefix(name, prefix)
}

// SweepTransfers deletes the DataSync tasks whose name starts with prefix (cancelling a running
// execution first), then their source and destination locations.
func SweepTransfers(ctx context.Context, client *conns.Client, prefix string) error {
	ctx, cancel := context.WithTimeout(ctx, sweepTimeout)
	defer cancel()
	c := client.DataSync()
	var errs []error
	p := datasync.NewListTasksPaginator(c, &datasync.ListTasksInput{})
	var tasks []dstypes.TaskListEntry
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing DataSync tasks: %w", err)
		}
		tasks = append(tasks, page.Tasks...)
	}
	for _, t := range tasks {
		arn := aws.ToString(t.TaskArn)
		name := aws.ToString(t.Name)
		if name == "" {
			tags, err := listTags(ctx, c, arn)
			if wait.NotFound(err) {
				continue
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("listing tags of DataSync task %s: %w", arn, err))
				continue
			}
			name = tags["Name"]
		}
		if !sweepableTask(name, prefix) {
			continue
		}
		if err := sweepTask(ctx, client, arn, name); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func sweepTask(ctx context.Context, client *conns.Client, arn, name string) error {
	c := client.DataSync()
	task, err := findTask(ctx, c, arn)
	if wait.NotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("describing DataSync task %s (%s): %w", arn, name, err)
	}
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
	var errs []error
	for _, l := range []string{aws.ToString(task.SourceLocationArn), aws.ToString(task.DestinationLocationArn)} {
		log.Printf("[INFO] sweeper %s: deleting DataSync location %s", SweeperName, l)
		if err := deleteLocation(ctx, c, l); err != nil {
			errs = append(errs, fmt.Errorf("deleting DataSync location %s of task %s: %w", l, name, err))
		}
	}
	return errors.Join(errs...)
}
