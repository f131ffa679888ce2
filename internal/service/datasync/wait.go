// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// waitTaskAvailable waits until a new task leaves CREATING. The caller's context deadline bounds it.
func waitTaskAvailable(ctx context.Context, c *conns.Client, arn string) (*datasync.DescribeTaskOutput, error) {
	w := wait.Waiter[*datasync.DescribeTaskOutput]{
		Refresh: func(ctx context.Context) (*datasync.DescribeTaskOutput, string, error) {
			out, err := findTask(ctx, c.DataSync(), arn)
			if err != nil {
				return nil, "", err
			}
			return out, string(out.Status), nil
		},
		Pending: []string{string(dstypes.TaskStatusCreating)},
		Target:  []string{string(dstypes.TaskStatusAvailable), string(dstypes.TaskStatusQueued), string(dstypes.TaskStatusRunning)},
		Reason: func(out *datasync.DescribeTaskOutput) string {
			if out == nil || out.ErrorCode == nil {
				return ""
			}
			return aws.ToString(out.ErrorCode) + ": " + aws.ToString(out.ErrorDetail)
		},
		Polling: c.Polling(),
	}
	return w.Wait(ctx)
}

// waitTaskDeleted waits until a task is gone.
func waitTaskDeleted(ctx context.Context, c *conns.Client, arn string) error {
	w := wait.Waiter[*datasync.DescribeTaskOutput]{
		Refresh: func(ctx context.Context) (*datasync.DescribeTaskOutput, string, error) {
			out, err := findTask(ctx, c.DataSync(), arn)
			if err != nil {
				return nil, "", err
			}
			return out, string(out.Status), nil
		},
		Pending:    enumValues(dstypes.TaskStatus("").Values()),
		TargetGone: true,
		Polling:    c.Polling(),
	}
	_, err := w.Wait(ctx)
	return err
}

// ExecutionFailedError is returned when a task execution ends in ERROR: it carries DataSync's
// error code and message.
type ExecutionFailedError struct {
	ARN, Code, Detail string
}

func (e *ExecutionFailedError) Error() string {
	return fmt.Sprintf("DataSync task execution %s failed: %s: %s", e.ARN, e.Code, e.Detail)
}

var executionPending = []string{
	string(dstypes.TaskExecutionStatusQueued), string(dstypes.TaskExecutionStatusLaunching),
	string(dstypes.TaskExecutionStatusPreparing), string(dstypes.TaskExecutionStatusTransferring),
	string(dstypes.TaskExecutionStatusVerifying), string(dstypes.TaskExecutionStatusCancelling),
}

// waitExecutionDone waits for a task execution to finish, logging progress (bytes so far and rate) at
// INFO. An execution that ends in ERROR returns *ExecutionFailedError together with the last output.
func waitExecutionDone(ctx context.Context, c *conns.Client, arn string) (*datasync.DescribeTaskExecutionOutput, error) {
	var lastStatus string
	w := wait.Waiter[*datasync.DescribeTaskExecutionOutput]{
		Refresh: func(ctx context.Context) (*datasync.DescribeTaskExecutionOutput, string, error) {
			out, err := findTaskExecution(ctx, c.DataSync(), arn)
			if err != nil {
				return nil, "", err
			}
			return out, string(out.Status), nil
		},
		Pending: executionPending,
		Target:  []string{string(dstypes.TaskExecutionStatusSuccess)},
		Reason: func(out *datasync.DescribeTaskExecutionOutput) string {
			if out == nil || out.Result == nil || out.Result.ErrorCode == nil {
				return ""
			}
			return aws.ToString(out.Result.ErrorCode) + ": " + aws.ToString(out.Result.ErrorDetail)
		},
		Polling: c.Polling(),
		OnPoll: func(ctx context.Context, out *datasync.DescribeTaskExecutionOutput, state string) {
			fields := progressFields(out, time.Now())
			if state != lastStatus {
				tflog.Info(ctx, "DataSync task execution "+state, fields)
				lastStatus = state
				return
			}
			if state == string(dstypes.TaskExecutionStatusTransferring) {
				tflog.Info(ctx, "DataSync transfer progress", fields)
			}
		},
	}
	out, err := w.Wait(ctx)
	if err != nil && out != nil && out.Status == dstypes.TaskExecutionStatusError {
		code, detail := "", ""
		if out.Result != nil {
			code, detail = aws.ToString(out.Result.ErrorCode), aws.ToString(out.Result.ErrorDetail)
		}
		return out, &ExecutionFailedError{ARN: arn, Code: code, Detail: detail}
	}
	return out, err
}

// progressFields are the structured fields of a progress log line.
func progressFields(out *datasync.DescribeTaskExecutionOutput, now time.Time) map[string]any {
	f := map[string]any{
		"task_execution_arn":          aws.ToString(out.TaskExecutionArn),
		"status":                      string(out.Status),
		"bytes_transferred":           out.BytesTransferred,
		"estimated_bytes_to_transfer": out.EstimatedBytesToTransfer,
		"files_transferred":           out.FilesTransferred,
		"estimated_files_to_transfer": out.EstimatedFilesToTransfer,
	}
	if out.EstimatedBytesToTransfer > 0 {
		f["percent"] = float64(out.BytesTransferred) * 100 / float64(out.EstimatedBytesToTransfer)
	}
	start := out.LaunchTime
	if start == nil {
		start = out.StartTime
	}
	if start != nil {
		if secs := now.Sub(*start).Seconds(); secs > 0 {
			f["rate_bytes_per_second"] = float64(out.BytesTransferred) / secs
		}
	}
	return f
}
