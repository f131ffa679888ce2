// SPDX-License-Identifier: MPL-2.0

package gateway

// DataSync tasks: options, include/exclude filters and schedule expressions,
// Create/Describe/Update/Delete and ListTasks. Their executions are in
// datasync_executions.go.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
)

type dsFilter struct {
	FilterType string `json:"FilterType"`
	Value      string `json:"Value"`
}

type dsSchedule struct {
	ScheduleExpression string `json:"ScheduleExpression"`
	Status             string `json:"Status"`
}

// dsOptions is types.Options with every member set (DataSync reports its
// defaults).
type dsOptions struct {
	Atime                       string `json:"Atime"`
	BytesPerSecond              int64  `json:"BytesPerSecond"`
	Gid                         string `json:"Gid"`
	LogLevel                    string `json:"LogLevel"`
	Mtime                       string `json:"Mtime"`
	ObjectTags                  string `json:"ObjectTags"`
	OverwriteMode               string `json:"OverwriteMode"`
	PosixPermissions            string `json:"PosixPermissions"`
	PreserveDeletedFiles        string `json:"PreserveDeletedFiles"`
	PreserveDevices             string `json:"PreserveDevices"`
	SecurityDescriptorCopyFlags string `json:"SecurityDescriptorCopyFlags"`
	TaskQueueing                string `json:"TaskQueueing"`
	TransferMode                string `json:"TransferMode"`
	Uid                         string `json:"Uid"`
	VerifyMode                  string `json:"VerifyMode"`
}

func defaultDSOptions() dsOptions {
	return dsOptions{
		Atime:                       string(dstypes.AtimeBestEffort),
		BytesPerSecond:              -1,
		Gid:                         string(dstypes.GidIntValue),
		LogLevel:                    string(dstypes.LogLevelOff),
		Mtime:                       string(dstypes.MtimePreserve),
		ObjectTags:                  string(dstypes.ObjectTagsPreserve),
		OverwriteMode:               string(dstypes.OverwriteModeAlways),
		PosixPermissions:            string(dstypes.PosixPermissionsPreserve),
		PreserveDeletedFiles:        string(dstypes.PreserveDeletedFilesPreserve),
		PreserveDevices:             string(dstypes.PreserveDevicesNone),
		SecurityDescriptorCopyFlags: string(dstypes.SmbSecurityDescriptorCopyFlagsOwnerDacl),
		TaskQueueing:                string(dstypes.TaskQueueingEnabled),
		TransferMode:                string(dstypes.TransferModeChanged),
		Uid:                         string(dstypes.UidIntValue),
		VerifyMode:                  string(dstypes.VerifyModePointInTimeConsistent),
	}
}

func dsEnum[T ~string](field string, v T, values []T) error {
	if v == "" {
		return nil
	}
	for _, ok := range values {
		if v == ok {
			return nil
		}
	}
	return dsInvalid("InvalidParameters", "1 validation error detected: Value '%s' at 'options.%s' failed to satisfy constraint: Member must satisfy enum value set: %v", v, lowerFirst(field), values)
}

// merge overlays the members set in o and checks the result.
func (d *dsOptions) merge(o *dstypes.Options) error {
	if o == nil {
		return nil
	}
	checks := []error{
		dsEnum("Atime", o.Atime, o.Atime.Values()),
		dsEnum("Gid", o.Gid, o.Gid.Values()),
		dsEnum("LogLevel", o.LogLevel, o.LogLevel.Values()),
		dsEnum("Mtime", o.Mtime, o.Mtime.Values()),
		dsEnum("ObjectTags", o.ObjectTags, o.ObjectTags.Values()),
		dsEnum("OverwriteMode", o.OverwriteMode, o.OverwriteMode.Values()),
		dsEnum("PosixPermissions", o.PosixPermissions, o.PosixPermissions.Values()),
		dsEnum("PreserveDeletedFiles", o.PreserveDeletedFiles, o.PreserveDeletedFiles.Values()),
		dsEnum("PreserveDevices", o.PreserveDevices, o.PreserveDevices.Values()),
		dsEnum("SecurityDescriptorCopyFlags", o.SecurityDescriptorCopyFlags, o.SecurityDescriptorCopyFlags.Values()),
		dsEnum("TaskQueueing", o.TaskQueueing, o.TaskQueueing.Values()),
		dsEnum("TransferMode", o.TransferMode, o.TransferMode.Values()),
		dsEnum("Uid", o.Uid, o.Uid.Values()),
		dsEnum("VerifyMode", o.VerifyMode, o.VerifyMode.Values()),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if o.BytesPerSecond != nil && (*o.BytesPerSecond < -1 || *o.BytesPerSecond == 0) {
		return dsInvalid("InvalidParameters", "BytesPerSecond must be -1 (no limit) or a positive number of bytes per second, got %d.", *o.BytesPerSecond)
	}
	n := *d
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&n.Atime, string(o.Atime))
	set(&n.Gid, string(o.Gid))
	set(&n.LogLevel, string(o.LogLevel))
	set(&n.Mtime, string(o.Mtime))
	set(&n.ObjectTags, string(o.ObjectTags))
	set(&n.OverwriteMode, string(o.OverwriteMode))
	set(&n.PosixPermissions, string(o.PosixPermissions))
	set(&n.PreserveDeletedFiles, string(o.PreserveDeletedFiles))
	set(&n.PreserveDevices, string(o.PreserveDevices))
	set(&n.SecurityDescriptorCopyFlags, string(o.SecurityDescriptorCopyFlags))
	set(&n.TaskQueueing, string(o.TaskQueueing))
	set(&n.TransferMode, string(o.TransferMode))
	set(&n.Uid, string(o.Uid))
	set(&n.VerifyMode, string(o.VerifyMode))
	if o.BytesPerSecond != nil {
		n.BytesPerSecond = *o.BytesPerSecond
	}
	// Cross-member rules documented on types.Options.
	if n.PreserveDeletedFiles == string(dstypes.PreserveDeletedFilesRemove) && n.TransferMode == string(dstypes.TransferModeAll) {
		return dsInvalid("InvalidParameters", "PreserveDeletedFiles REMOVE can't be used with TransferMode ALL.")
	}
	if (n.Atime == string(dstypes.AtimeBestEffort)) != (n.Mtime == string(dstypes.MtimePreserve)) {
		return dsInvalid("InvalidParameters", "Atime BEST_EFFORT requires Mtime PRESERVE, and Atime NONE requires Mtime NONE.")
	}
	*d = n
	return nil
}

func dsFilters(field string, in []dstypes.FilterRule) ([]dsFilter, error) {
	if len(in) > 1 {
		return nil, dsInvalid("InvalidParameters", "%s can contain at most 1 filter rule; separate patterns with |.", field)
	}
	var out []dsFilter
	for _, f := range in {
		if f.FilterType != "" && f.FilterType != dstypes.FilterTypeSimplePattern {
			return nil, dsInvalid("InvalidParameters", "%s FilterType must be SIMPLE_PATTERN.", field)
		}
		v := dsDeref(f.Value)
		if len(v) > 102400 || strings.ContainsAny(v, "\x00") {
			return nil, dsInvalid("InvalidParameters", "%s filter value is invalid.", field)
		}
		for _, p := range strings.Split(v, "|") {
			if p == "" {
				return nil, dsInvalid("InvalidParameters", "%s filter %q has an empty pattern.", field, v)
			}
		}
		out = append(out, dsFilter{FilterType: string(dstypes.FilterTypeSimplePattern), Value: v})
	}
	return out, nil
}

// ---- schedule expressions ----

var (
	dsRateRE = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$`)
	dsCronRE = regexp.MustCompile(`^cron\((.+)\)$`)
	dsMinRE  = regexp.MustCompile(`^([0-5]?[0-9])$`)
	// DataSync's documented pattern for ScheduleExpression.
	dsSchedCharsRE = regexp.MustCompile(`^[a-zA-Z0-9\ \_\*\?\,\|\^\-\/\#\s\(\)\+]*$`)
)

// validateDSSchedule checks a ScheduleExpression: an EventBridge rate or cron
// expression that runs at most once an hour (DataSync's minimum interval).
// A cron expression runs at most hourly when its minutes field names one minute.
func validateDSSchedule(expr string) error {
	if len(expr) > 256 || !dsSchedCharsRE.MatchString(expr) {
		return dsInvalid("InvalidParameters", "Schedule expression %q is not valid.", expr)
	}
	if m := dsRateRE.FindStringSubmatch(expr); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 {
			return dsInvalid("InvalidParameters", "Schedule expression %q is not valid: the rate value must be a positive integer.", expr)
		}
		singular := !strings.HasSuffix(m[2], "s")
		if (n == 1) != singular {
			return dsInvalid("InvalidParameters", "Schedule expression %q is not valid: use %q for a value of 1 and the plural otherwise.", expr, strings.TrimSuffix(m[2], "s"))
		}
		if strings.HasPrefix(m[2], "minute") && n < 60 {
			return dsInvalid("InvalidParameters", "Schedule expression %q is not valid: the minimum interval of a DataSync task schedule is 1 hour.", expr)
		}
		return nil
	}
	m := dsCronRE.FindStringSubmatch(expr)
	if m == nil {
		return dsInvalid("InvalidParameters", "Schedule expression %q is not valid: expected rate(...) or cron(...).", expr)
	}
	fields := strings.Fields(m[1])
	if len(fields) != 6 {
		return dsInvalid("InvalidParameters", "Schedule expression %q is not valid: a cron expression has 6 fields.", expr)
	}
	if !dsMinRE.MatchString(fields[0]) {
		return dsInvalid("InvalidParameters", "Schedule expression %q is not valid: the minimum interval of a DataSync task schedule is 1 hour.", expr)
	}
	if (fields[2] == "?") == (fields[4] == "?") {
		return dsInvalid("InvalidParameters", "Schedule expression %q is not valid: exactly one of day-of-month and day-of-week must be ?.", expr)
	}
	return nil
}

// ---- tasks ----

type dsTask struct {
	ARN       string
	Name      string
	Region    string
	CreatedAt time.Time
	Source    string
	Dest      string
	LogGroup  string
	Includes  []dsFilter
	Excludes  []dsFilter
	Options   dsOptions
	Schedule  *dsSchedule
	Tags      []dsTag
	Execs     []string
	TaskMode  string // BASIC (the default) or ENHANCED, as created
	t         DataSyncTimings
}

func (s *dataSyncService) task(arn string) (*dsTask, error) {
	t := s.tasks[arn]
	if t == nil {
		return nil, dsNotFound("Task", arn)
	}
	return t, nil
}

// current returns the task's unfinished execution, if any (the earliest).
func (s *dataSyncService) current(t *dsTask, now time.Time) *dsExecution {
	for _, id := range t.Execs {
		e := s.execs[id]
		if e != nil && !e.done(s, now) {
			return e
		}
	}
	return nil
}

func (s *dataSyncService) taskStatus(t *dsTask, now time.Time) string {
	if now.Before(t.CreatedAt.Add(t.t.TaskCreate)) {
		return string(dstypes.TaskStatusCreating)
	}
	if e := s.current(t, now); e != nil {
		if e.status(s, now) == string(dstypes.TaskExecutionStatusQueued) {
			return string(dstypes.TaskStatusQueued)
		}
		return string(dstypes.TaskStatusRunning)
	}
	return string(dstypes.TaskStatusAvailable)
}

func (s *dataSyncService) createTask(region string, in *datasync.CreateTaskInput) (any, error) {
	if in.TaskMode != "" && in.TaskMode != dstypes.TaskModeBasic && in.TaskMode != dstypes.TaskModeEnhanced {
		return nil, dsInvalid("InvalidParameters", "Invalid TaskMode %q.", in.TaskMode)
	}
	name := dsDeref(in.Name)
	if err := checkTaskName(name); err != nil {
		return nil, err
	}
	opts := defaultDSOptions()
	if err := opts.merge(in.Options); err != nil {
		return nil, err
	}
	inc, err := dsFilters("Includes", in.Includes)
	if err != nil {
		return nil, err
	}
	exc, err := dsFilters("Excludes", in.Excludes)
	if err != nil {
		return nil, err
	}
	var sched *dsSchedule
	if in.Schedule != nil {
		if sched, err = newDSSchedule(in.Schedule); err != nil {
			return nil, err
		}
	}
	lg := dsDeref(in.CloudWatchLogGroupArn)
	if lg != "" && !dsLogGroupRE.MatchString(lg) {
		return nil, dsInvalid("InvalidParameters", "Invalid CloudWatchLogGroupArn %q.", lg)
	}
	tags, err := dsTags(in.Tags)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	src, err := s.location(dsDeref(in.SourceLocationArn), "")
	if err != nil {
		return nil, err
	}
	dst, err := s.location(dsDeref(in.DestinationLocationArn), "")
	if err != nil {
		return nil, err
	}
	if src.ARN == dst.ARN {
		return nil, dsInvalid("InvalidParameters", "The source and destination locations must be different.")
	}
	mode := string(in.TaskMode)
	if mode == "" {
		mode = string(dstypes.TaskModeBasic)
	}
	if mode == string(dstypes.TaskModeEnhanced) && !enhancedSupported(src, dst) {
		return nil, dsInvalid("InvalidParameters", "Enhanced mode is not supported for transfers from %s to %s: it is available for transfers between Amazon S3 locations, and between other clouds' object storage (without an agent) and Amazon S3. Use TaskMode BASIC.", src.Kind, dst.Kind)
	}
	if dst.Kind == "S3" && opts.VerifyMode == string(dstypes.VerifyModePointInTimeConsistent) &&
		(dst.StorageClass == string(dstypes.S3StorageClassGlacier) || dst.StorageClass == string(dstypes.S3StorageClassDeepArchive)) {
		return nil, dsInvalid("InvalidParameters", "VerifyMode POINT_IN_TIME_CONSISTENT can't be used with a destination in the %s storage class.", dst.StorageClass)
	}
	now := s.g.now()
	t := &dsTask{
		ARN:       fmt.Sprintf("arn:aws:datasync:%s:%s:task/task-%s", region, s.g.cfg.AccountID, s.g.rnd.hex(17)),
		Name:      name,
		Region:    region,
		CreatedAt: now,
		Source:    src.ARN,
		Dest:      dst.ARN,
		LogGroup:  lg,
		Includes:  inc,
		Excludes:  exc,
		Options:   opts,
		Schedule:  sched,
		Tags:      tags,
		TaskMode:  mode,
		t:         s.timings,
	}
	s.tasks[t.ARN] = t
	s.taskOrder = append(s.taskOrder, t.ARN)
	return map[string]string{"TaskArn": t.ARN}, nil
}

// checkTaskName applies the Name member's shape, TagValue (datasync 2018-11-09 service-2.json: at
// most 256 characters of ^[a-zA-Z0-9\s+=._:@/-]+$).
func checkTaskName(name string) error {
	if len(name) > 256 {
		return dsInvalid("InvalidParameters", "Name must be at most 256 characters.")
	}
	if name != "" && !dsTagValueRE.MatchString(name) {
		return dsInvalid("InvalidParameters", "1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9\\s+=._:@/-]+$", name)
	}
	return nil
}

// enhancedSupported says whether a task between these locations may run in Enhanced mode: "Enhanced
// mode is currently available for transfers between Amazon S3 locations, transfers between Azure
// Blob and Amazon S3 without an agent, and transfers between other clouds and Amazon S3 without an
// agent" (CreateTaskRequest, TaskMode, datasync 2018-11-09 service-2.json).
func enhancedSupported(src, dst *dsLocation) bool {
	agentless := func(l *dsLocation) bool { return l.Kind == "ObjectStorage" && len(l.AgentArns) == 0 }
	return (src.Kind == "S3" && dst.Kind == "S3") || (agentless(src) && dst.Kind == "S3") || (src.Kind == "S3" && agentless(dst))
}

func newDSSchedule(in *dstypes.TaskSchedule) (*dsSchedule, error) {
	expr := dsDeref(in.ScheduleExpression)
	if err := validateDSSchedule(expr); err != nil {
		return nil, err
	}
	status := in.Status
	if status == "" {
		status = dstypes.ScheduleStatusEnabled
	}
	if err := dsEnum("Status", status, status.Values()); err != nil {
		return nil, err
	}
	return &dsSchedule{ScheduleExpression: expr, Status: string(status)}, nil
}

func (s *dataSyncService) describeTask(in *datasync.DescribeTaskInput) (any, error) {
	arn := dsDeref(in.TaskArn)
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.task(arn)
	if err != nil {
		return nil, err
	}
	now := s.g.now()
	out := map[string]any{
		"TaskArn":                t.ARN,
		"Name":                   t.Name,
		"Status":                 s.taskStatus(t, now),
		"SourceLocationArn":      t.Source,
		"DestinationLocationArn": t.Dest,
		"CreationTime":           Epoch(t.CreatedAt),
		"Options":                t.Options,
		"TaskMode":               t.TaskMode,
		"Includes":               emptyIfNil(t.Includes),
		"Excludes":               emptyIfNil(t.Excludes),
	}
	if t.LogGroup != "" {
		out["CloudWatchLogGroupArn"] = t.LogGroup
	}
	if t.Schedule != nil {
		out["Schedule"] = t.Schedule
		out["ScheduleDetails"] = map[string]any{"StatusUpdateTime": Epoch(t.CreatedAt)}
	}
	if e := s.current(t, now); e != nil {
		out["CurrentTaskExecutionArn"] = e.ARN
	}
	if last := s.lastFinished(t, now); last != nil && last.status(s, now) == string(dstypes.TaskExecutionStatusError) {
		code, detail := last.errorOf(s, now)
		out["ErrorCode"], out["ErrorDetail"] = code, detail
	}
	return out, nil
}

func emptyIfNil(f []dsFilter) []dsFilter {
	if f == nil {
		return []dsFilter{}
	}
	return f
}

func (s *dataSyncService) lastFinished(t *dsTask, now time.Time) *dsExecution {
	for i := len(t.Execs) - 1; i >= 0; i-- {
		if e := s.execs[t.Execs[i]]; e != nil && e.done(s, now) {
			return e
		}
	}
	return nil
}

func (s *dataSyncService) updateTask(in *datasync.UpdateTaskInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.task(dsDeref(in.TaskArn))
	if err != nil {
		return nil, err
	}
	opts := t.Options
	if err := opts.merge(in.Options); err != nil {
		return nil, err
	}
	var inc, exc []dsFilter
	if in.Includes != nil {
		if inc, err = dsFilters("Includes", in.Includes); err != nil {
			return nil, err
		}
	}
	if in.Excludes != nil {
		if exc, err = dsFilters("Excludes", in.Excludes); err != nil {
			return nil, err
		}
	}
	sched := t.Schedule
	if in.Schedule != nil {
		if dsDeref(in.Schedule.ScheduleExpression) == "" {
			sched = nil // an empty expression removes the schedule
		} else if sched, err = newDSSchedule(in.Schedule); err != nil {
			return nil, err
		}
	}
	if in.CloudWatchLogGroupArn != nil && *in.CloudWatchLogGroupArn != "" && !dsLogGroupRE.MatchString(*in.CloudWatchLogGroupArn) {
		return nil, dsInvalid("InvalidParameters", "Invalid CloudWatchLogGroupArn %q.", *in.CloudWatchLogGroupArn)
	}
	if in.Name != nil {
		if err := checkTaskName(*in.Name); err != nil {
			return nil, err
		}
	}
	t.Options = opts
	if in.Includes != nil {
		t.Includes = inc
	}
	if in.Excludes != nil {
		t.Excludes = exc
	}
	t.Schedule = sched
	if in.CloudWatchLogGroupArn != nil {
		t.LogGroup = *in.CloudWatchLogGroupArn
	}
	if in.Name != nil {
		t.Name = *in.Name
	}
	return struct{}{}, nil
}

func (s *dataSyncService) deleteTask(in *datasync.DeleteTaskInput) (any, error) {
	arn := dsDeref(in.TaskArn)
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.task(arn)
	if err != nil {
		return nil, err
	}
	for _, id := range t.Execs {
		delete(s.execs, id)
	}
	delete(s.tasks, arn)
	s.taskOrder = filterIDs(s.taskOrder, func(id string) bool { return s.tasks[id] != nil })
	return struct{}{}, nil
}

func (s *dataSyncService) listTasks(in *datasync.ListTasksInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.g.now()
	type entry struct {
		TaskArn  string `json:"TaskArn"`
		Name     string `json:"Name,omitempty"`
		Status   string `json:"Status"`
		TaskMode string `json:"TaskMode"`
	}
	var all []entry
	for _, arn := range s.taskOrder {
		t := s.tasks[arn]
		keep := true
		for _, f := range in.Filters {
			if f.Name == dstypes.TaskFilterNameLocationId {
				keep = keep && (dsMatchOperator(t.Source, f.Operator, f.Values) || dsMatchOperator(t.Dest, f.Operator, f.Values))
			}
		}
		if keep {
			all = append(all, entry{t.ARN, t.Name, s.taskStatus(t, now), string(dstypes.TaskModeBasic)})
		}
	}
	return dsPageOut("Tasks", all, in.MaxResults, in.NextToken, "task", 100)
}
