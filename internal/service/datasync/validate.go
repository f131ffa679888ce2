// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The rules of rayhpc_datasync_transfer, each stated once with its source. The schema validators, the
// plan checks and the plain Go layer use these values.

// Patterns of the DataSync API model (datasync 2018-11-09 service-2.json): ServerHostname, AgentArn,
// S3BucketArn, IamRoleArn, Ec2SecurityGroupArn, FsxFilesystemArn, LogGroupArn, S3Subdirectory,
// ObjectStorageBucketName, FilterValue, TaskArn, TagKey, FsxLustreSubdirectory; the file system ID is
// FSx's (fsx 2018-03-01 service-2.json, FileSystemId).
var (
	hostnameRE  = regexp.MustCompile(`^(([a-zA-Z0-9\-]*[a-zA-Z0-9])\.)*([A-Za-z0-9\-]*[A-Za-z0-9])$`)
	agentARNRE  = regexp.MustCompile(`^arn:aws[\-a-z]*:datasync:[a-z\-0-9]+:[0-9]{12}:agent/agent-[0-9a-z]{17}$`)
	bucketARNRE = regexp.MustCompile(`^arn:aws[\-a-z]*:s3:::[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$`)
	roleARNRE   = regexp.MustCompile(`^arn:aws[\-a-z]*:iam::[0-9]{12}:role/[\w+=,.@/\-]+$`)
	sgARNRE     = regexp.MustCompile(`^arn:aws[\-a-z]*:ec2:[a-z\-0-9]*:[0-9]{12}:security-group/sg-[a-f0-9]+$`)
	fsxARNRE    = regexp.MustCompile(`^arn:aws[\-a-z]*:fsx:[a-z\-0-9]+:[0-9]{12}:file-system/fs-[0-9a-f]+$`)
	fsIDRE      = regexp.MustCompile(`^fs-[0-9a-f]{8,21}$`)
	logGroupRE  = regexp.MustCompile(`^arn:aws[\-a-z]*:logs:[a-z\-0-9]+:[0-9]{12}:log-group:[^:\*]*(:\*)?$`)
	subdirRE    = regexp.MustCompile(`^[a-zA-Z0-9_\-\+\./\(\)\p{Zs}]*$`)
	objBucketRE = regexp.MustCompile(`^[a-zA-Z0-9_\-\+\.\(\)\$\p{Zs}]+$`)
	patternRE   = regexp.MustCompile(`^[^|\x00]+$`)
	taskARNRE   = regexp.MustCompile(`^arn:aws[\-a-z]*:datasync:[a-z\-0-9]+:[0-9]{12}:task/task-[0-9a-f]{17}$`)
	tagKeyRE    = regexp.MustCompile(`^[a-zA-Z0-9\s+=._:/-]+$`)
	// tagValueRE: TagValue, also the shape of a task's Name.
	tagValueRE = regexp.MustCompile(`^[a-zA-Z0-9\s+=._:@/-]*$`)
	// nfsSubdirRE: NfsSubdirectory, and DataSync mounts an export path, which starts with /.
	nfsSubdirRE  = regexp.MustCompile(`^/[a-zA-Z0-9_\-\+\./\(\)\p{Zs}]*$`)
	lustreSubdir = regexp.MustCompile(`^[a-zA-Z0-9_\-\+\./\(\)\$\p{Zs}]*$`)
)

const (
	// maxTagValueLength: TagValue's max, also a task name's.
	maxTagValueLength = 256
	msgTagValue       = "may contain only letters, digits, spaces and +=._:@/- (DataSync's TagValue pattern)"
)

// EnhancedSupported says whether a task between these locations may run in Enhanced mode: "Enhanced
// mode is currently available for transfers between Amazon S3 locations, transfers between Azure
// Blob and Amazon S3 without an agent, and transfers between other clouds and Amazon S3 without an
// agent" (CreateTaskRequest, TaskMode, datasync 2018-11-09 service-2.json).
func EnhancedSupported(src Source, dst Destination) bool {
	agentlessSource := src.ObjectStorage != nil && len(src.ObjectStorage.AgentARNs) == 0
	return dst.S3 != nil && (src.S3 != nil || agentlessSource)
}

// oneOf checks that exactly one of the named blocks is set, and says which are set when not.
func oneOf(block string, set map[string]bool, names ...string) error {
	var got []string
	for _, n := range names {
		if set[n] {
			got = append(got, n)
		}
	}
	switch len(got) {
	case 1:
		return nil
	case 0:
		return fmt.Errorf("%s needs exactly one of %s; none is set", block, strings.Join(names, ", "))
	}
	return fmt.Errorf("%s needs exactly one of %s; %s are set together: keep one", block, strings.Join(names, ", "), strings.Join(got, " and "))
}

// MinScheduleInterval is DataSync's documented minimum interval between scheduled runs of a task
// (https://docs.aws.amazon.com/datasync/latest/userguide/task-scheduling.html).
const minScheduleIntervalText = "1 hour"

var (
	rateRE = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$`)
	cronRE = regexp.MustCompile(`^cron\((.*)\)$`)
	// The ScheduleExpression pattern of the DataSync API.
	scheduleCharsRE = regexp.MustCompile(`^[a-zA-Z0-9\ \_\*\?\,\|\^\-\/\#\s\(\)\+]*$`)
	singleMinuteRE  = regexp.MustCompile(`^[0-5]?[0-9]$`)
)

// ValidateSchedule checks a DataSync schedule: an EventBridge rate or cron expression that runs at most
// once an hour. A cron expression runs at most hourly exactly when its minutes field names one minute.
func ValidateSchedule(expr string) error {
	if expr == "" {
		return fmt.Errorf("must not be empty; omit schedule to run the task only on demand")
	}
	if len(expr) > 256 || !scheduleCharsRE.MatchString(expr) {
		return fmt.Errorf("%q contains characters DataSync does not accept (at most 256 of letters, digits, spaces and _*?,|^-/#()+)", expr)
	}
	if m := rateRE.FindStringSubmatch(expr); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 {
			return fmt.Errorf("%q: the rate value must be a positive integer", expr)
		}
		singular := !strings.HasSuffix(m[2], "s")
		if (n == 1) != singular {
			unit := strings.TrimSuffix(m[2], "s")
			return fmt.Errorf("%q: write rate(1 %s) for a value of 1 and rate(N %ss) otherwise", expr, unit, unit)
		}
		if strings.HasPrefix(m[2], "minute") && n < 60 {
			return fmt.Errorf("%q runs every %d minutes; DataSync's minimum interval between runs is %s (use rate(1 hour) or more)", expr, n, minScheduleIntervalText)
		}
		return nil
	}
	if strings.HasPrefix(expr, "rate(") {
		return fmt.Errorf("%q: a rate expression is rate(VALUE UNIT) with UNIT one of minutes, hours, days", expr)
	}
	m := cronRE.FindStringSubmatch(expr)
	if m == nil {
		return fmt.Errorf("%q is neither a rate(...) nor a cron(...) expression", expr)
	}
	fields := strings.Fields(m[1])
	if len(fields) != 6 {
		return fmt.Errorf("%q: a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), got %d", expr, len(fields))
	}
	if !singleMinuteRE.MatchString(fields[0]) {
		return fmt.Errorf("%q runs more than once an hour (minutes field %q); DataSync's minimum interval between runs is %s, so the minutes field must be a single minute such as 0", expr, fields[0], minScheduleIntervalText)
	}
	if (fields[2] == "?") == (fields[4] == "?") {
		return fmt.Errorf("%q: exactly one of the day-of-month and day-of-week fields must be ?", expr)
	}
	return nil
}

type scheduleValidator struct{}

func (scheduleValidator) Description(context.Context) string {
	return "must be a rate(...) or cron(...) expression that runs at most once an hour"
}

func (v scheduleValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (scheduleValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := ValidateSchedule(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid DataSync schedule", fmt.Sprintf("%s %s.", req.Path, err))
	}
}
