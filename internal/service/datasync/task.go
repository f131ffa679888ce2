// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

// filterRules joins patterns into DataSync's one SIMPLE_PATTERN rule ("a|b").
func filterRules(patterns []string) []dstypes.FilterRule {
	if len(patterns) == 0 {
		return nil
	}
	return []dstypes.FilterRule{{FilterType: dstypes.FilterTypeSimplePattern, Value: aws.String(strings.Join(patterns, "|"))}}
}

// flattenFilter splits DataSync's filter rules back into patterns.
func flattenFilter(rules []dstypes.FilterRule) []string {
	var patterns []string
	for _, r := range rules {
		for _, p := range strings.Split(aws.ToString(r.Value), "|") {
			if p != "" {
				patterns = append(patterns, p)
			}
		}
	}
	return patterns
}

func (o *Options) expand() *dstypes.Options {
	if o == nil {
		return nil
	}
	return &dstypes.Options{
		VerifyMode:           dstypes.VerifyMode(o.VerifyMode),
		OverwriteMode:        dstypes.OverwriteMode(o.OverwriteMode),
		TransferMode:         dstypes.TransferMode(o.TransferMode),
		PreserveDeletedFiles: dstypes.PreserveDeletedFiles(o.PreserveDeletedFiles),
		LogLevel:             dstypes.LogLevel(o.LogLevel),
		BytesPerSecond:       o.BytesPerSecond,
	}
}

func (o *Options) equal(p *Options) bool {
	if o == nil || p == nil {
		return o == p
	}
	return o.VerifyMode == p.VerifyMode && o.OverwriteMode == p.OverwriteMode && o.TransferMode == p.TransferMode &&
		o.PreserveDeletedFiles == p.PreserveDeletedFiles && o.LogLevel == p.LogLevel &&
		aws.ToInt64(o.BytesPerSecond) == aws.ToInt64(p.BytesPerSecond) && (o.BytesPerSecond == nil) == (p.BytesPerSecond == nil)
}

// optionsFrom is the task's options as DataSync reports them (BytesPerSecond -1: no limit).
func optionsFrom(in *dstypes.Options) *Options {
	if in == nil {
		return nil
	}
	bps := int64(-1)
	if in.BytesPerSecond != nil {
		bps = *in.BytesPerSecond
	}
	return &Options{
		VerifyMode: string(in.VerifyMode), OverwriteMode: string(in.OverwriteMode), TransferMode: string(in.TransferMode),
		PreserveDeletedFiles: string(in.PreserveDeletedFiles), LogLevel: string(in.LogLevel), BytesPerSecond: &bps,
	}
}

func schedule(expr string) *dstypes.TaskSchedule {
	if expr == "" {
		return nil
	}
	return &dstypes.TaskSchedule{ScheduleExpression: aws.String(expr)}
}

// expandCreateTask builds CreateTaskInput for the given locations.
func expandCreateTask(spec TransferSpec, src, dst string) *datasync.CreateTaskInput {
	return &datasync.CreateTaskInput{
		Name:                   aws.String(spec.Name),
		SourceLocationArn:      aws.String(src),
		DestinationLocationArn: aws.String(dst),
		CloudWatchLogGroupArn:  optString(spec.CloudWatchLogGroupARN),
		Includes:               filterRules(spec.Includes),
		Excludes:               filterRules(spec.Excludes),
		Options:                spec.Options.expand(),
		Schedule:               schedule(spec.Schedule),
		Tags:                   conns.DataSyncTags(spec.Tags),
		TaskMode:               dstypes.TaskMode(spec.TaskMode),
	}
}

// expandUpdateTask builds UpdateTaskInput with the members that differ (nil when none do).
func expandUpdateTask(from *Transfer, to TransferSpec) *datasync.UpdateTaskInput {
	in := &datasync.UpdateTaskInput{TaskArn: aws.String(from.TaskARN)}
	changed := false
	if from.Name != to.Name {
		in.Name, changed = aws.String(to.Name), true
	}
	if from.Schedule != to.Schedule {
		// An empty expression removes the schedule.
		in.Schedule, changed = &dstypes.TaskSchedule{ScheduleExpression: aws.String(to.Schedule)}, true
	}
	if from.CloudWatchLogGroupARN != to.CloudWatchLogGroupARN {
		in.CloudWatchLogGroupArn, changed = aws.String(to.CloudWatchLogGroupARN), true
	}
	if !slices.Equal(from.Includes, to.Includes) {
		in.Includes, changed = append([]dstypes.FilterRule{}, filterRules(to.Includes)...), true
	}
	if !slices.Equal(from.Excludes, to.Excludes) {
		in.Excludes, changed = append([]dstypes.FilterRule{}, filterRules(to.Excludes)...), true
	}
	if !from.Options.equal(to.Options) && to.Options != nil {
		in.Options, changed = to.Options.expand(), true
	}
	if !changed {
		return nil
	}
	return in
}

// flattenTask copies what DescribeTask reports into t.
func flattenTask(t *Transfer, out *datasync.DescribeTaskOutput) {
	t.TaskARN = aws.ToString(out.TaskArn)
	t.Name = aws.ToString(out.Name)
	t.Status = string(out.Status)
	t.SourceLocationARN = aws.ToString(out.SourceLocationArn)
	t.DestinationLocationARN = aws.ToString(out.DestinationLocationArn)
	t.CloudWatchLogGroupARN = aws.ToString(out.CloudWatchLogGroupArn)
	t.Schedule = ""
	if out.Schedule != nil {
		t.Schedule = aws.ToString(out.Schedule.ScheduleExpression)
	}
	t.Includes, t.Excludes = flattenFilter(out.Includes), flattenFilter(out.Excludes)
	t.Options = optionsFrom(out.Options)
	t.TaskMode = string(out.TaskMode)
	if t.TaskMode == "" {
		t.TaskMode = string(dstypes.TaskModeBasic) // DataSync's default
	}
}

// executionFrom is the execution as DescribeTaskExecution reports it.
func executionFrom(out *datasync.DescribeTaskExecutionOutput) *Execution {
	v := &Execution{
		ARN:              aws.ToString(out.TaskExecutionArn),
		Status:           string(out.Status),
		BytesTransferred: out.BytesTransferred,
		FilesTransferred: out.FilesTransferred,
		StartedAt:        out.StartTime,
		read:             true,
	}
	if out.Result != nil {
		v.ErrorCode, v.ErrorDetail = aws.ToString(out.Result.ErrorCode), aws.ToString(out.Result.ErrorDetail)
		if out.Result.TotalDuration != nil {
			v.DurationS = aws.Int64(*out.Result.TotalDuration / 1000)
		}
	}
	if v.DurationS == nil && out.EndTime != nil && out.StartTime != nil {
		v.DurationS = aws.Int64(int64(out.EndTime.Sub(*out.StartTime).Seconds()))
	}
	return v
}
