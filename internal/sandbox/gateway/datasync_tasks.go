// SPDX-License-Identifier: MPL-2.0

package gateway

// DataSync tasks, schedules and executions. Executions are computed lazily
// from the clock: an execution started at t is QUEUED until t+Queued (or until
// the task's previous execution ends, as DataSync queues executions of one
// task), then LAUNCHING, PREPARING, TRANSFERRING, VERIFYING (skipped with
// VerifyMode NONE) and SUCCESS, or ERROR at the end of TRANSFERRING when a
// failure was injected (see the package doc in datasync.go). Byte and file
// counters come from what the source holds when it is an S3 location on a
// bucket in moto (listed under the location's subdirectory and filtered by
// the includes and excludes), and are derived deterministically from the
// location otherwise.

import (
	"context"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
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
	if len(name) > 256 {
		return nil, dsInvalid("InvalidParameters", "Name must be at most 256 characters.")
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
		t:         s.timings,
	}
	s.tasks[t.ARN] = t
	s.taskOrder = append(s.taskOrder, t.ARN)
	return map[string]string{"TaskArn": t.ARN}, nil
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

func (s *dataSyncService) describeTask(arn string) (any, error) {
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
		"TaskMode":               string(dstypes.TaskModeBasic),
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
	if in.Name != nil && len(*in.Name) > 256 {
		return nil, dsInvalid("InvalidParameters", "Name must be at most 256 characters.")
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

func (s *dataSyncService) deleteTask(arn string) (any, error) {
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
	start, end, next, err := JSONPage(len(all), in.MaxResults, in.NextToken, "task", 100)
	if err != nil {
		return nil, dsInvalid("InvalidParameters", "%s", err.(*APIError).Message)
	}
	out := map[string]any{"Tasks": append([]entry{}, all[start:end]...)}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

// ---- executions ----

type dsExecution struct {
	ARN       string
	TaskARN   string
	CreatedAt time.Time
	Options   dsOptions
	Includes  []dsFilter
	Excludes  []dsFilter
	Tags      []dsTag
	t         DataSyncTimings

	Files, Bytes         int64
	FailCode, FailDetail string
	CancelledAt          time.Time
}

// launchAt is when the execution leaves QUEUED: its own queue time, and not
// before the task's previous execution has finished.
func (e *dsExecution) launchAt(s *dataSyncService) time.Time {
	at := e.CreatedAt.Add(e.t.Queued)
	if t := s.tasks[e.TaskARN]; t != nil {
		for i, id := range t.Execs {
			if id == e.ARN && i > 0 {
				if prev := s.execs[t.Execs[i-1]]; prev != nil {
					if end := prev.endAt(s); end.After(at) {
						at = end
					}
				}
			}
		}
	}
	return at
}

type dsPhases struct {
	launch, prepare, transfer, verify, end time.Time
}

func (e *dsExecution) phases(s *dataSyncService) dsPhases {
	var p dsPhases
	p.launch = e.launchAt(s)
	p.prepare = p.launch.Add(e.t.Launching)
	p.transfer = p.prepare.Add(e.t.Preparing)
	p.verify = p.transfer.Add(e.t.Transferring)
	p.end = p.verify
	if e.FailCode == "" && e.Options.VerifyMode != string(dstypes.VerifyModeNone) {
		p.end = p.verify.Add(e.t.Verifying)
	}
	return p
}

func (e *dsExecution) endAt(s *dataSyncService) time.Time {
	end := e.phases(s).end
	if !e.CancelledAt.IsZero() {
		if c := e.CancelledAt.Add(e.t.Cancel); c.Before(end) {
			return c
		}
	}
	return end
}

func (e *dsExecution) done(s *dataSyncService, now time.Time) bool {
	return !now.Before(e.endAt(s))
}

func (e *dsExecution) status(s *dataSyncService, now time.Time) string {
	if !e.CancelledAt.IsZero() && e.CancelledAt.Before(e.phases(s).end) {
		if now.Before(e.CancelledAt.Add(e.t.Cancel)) {
			return string(dstypes.TaskExecutionStatusCancelling)
		}
		return string(dstypes.TaskExecutionStatusError)
	}
	p := e.phases(s)
	switch {
	case now.Before(p.launch):
		return string(dstypes.TaskExecutionStatusQueued)
	case now.Before(p.prepare):
		return string(dstypes.TaskExecutionStatusLaunching)
	case now.Before(p.transfer):
		return string(dstypes.TaskExecutionStatusPreparing)
	case now.Before(p.verify):
		return string(dstypes.TaskExecutionStatusTransferring)
	case now.Before(p.end):
		return string(dstypes.TaskExecutionStatusVerifying)
	case e.FailCode != "":
		return string(dstypes.TaskExecutionStatusError)
	}
	return string(dstypes.TaskExecutionStatusSuccess)
}

func (e *dsExecution) errorOf(s *dataSyncService, now time.Time) (code, detail string) {
	if !e.CancelledAt.IsZero() && e.CancelledAt.Before(e.phases(s).end) {
		return "OpCancelled", "The task execution was cancelled."
	}
	return e.FailCode, e.FailDetail
}

func (s *dataSyncService) startTaskExecution(ctx context.Context, in *datasync.StartTaskExecutionInput) (any, error) {
	s.mu.Lock()
	t, err := s.task(dsDeref(in.TaskArn))
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	now := s.g.now()
	if s.taskStatus(t, now) == string(dstypes.TaskStatusCreating) {
		s.mu.Unlock()
		return nil, dsInvalid("InvalidParameters", "Task %s is not available yet (status CREATING).", t.ARN)
	}
	if t.Options.TaskQueueing == string(dstypes.TaskQueueingDisabled) && s.current(t, now) != nil {
		s.mu.Unlock()
		return nil, dsInvalid("InvalidParameters", "Task %s already has an execution in progress and task queueing is disabled.", t.ARN)
	}
	opts := t.Options
	if err := opts.merge(in.OverrideOptions); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	inc, exc := t.Includes, t.Excludes
	if in.Includes != nil {
		if inc, err = dsFilters("Includes", in.Includes); err != nil {
			s.mu.Unlock()
			return nil, err
		}
	}
	if in.Excludes != nil {
		if exc, err = dsFilters("Excludes", in.Excludes); err != nil {
			s.mu.Unlock()
			return nil, err
		}
	}
	tags, err := dsTags(in.Tags)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	src := s.locations[t.Source]
	var srcCopy dsLocation
	if src != nil {
		srcCopy = *src
	}
	failCode, failDetail := s.injectedFailure(t, src)
	s.mu.Unlock()

	// Size the transfer outside the lock (it may ask moto).
	files, bytes, err := s.sourceSize(ctx, &srcCopy, inc, exc)
	if err != nil {
		return nil, &APIError{Status: http.StatusInternalServerError, Code: "InternalException", Message: "sandbox: sizing the source: " + err.Error()}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tasks[t.ARN] == nil {
		return nil, dsNotFound("Task", t.ARN)
	}
	e := &dsExecution{
		ARN:        t.ARN + "/execution/exec-" + s.g.rnd.hex(17),
		TaskARN:    t.ARN,
		CreatedAt:  s.g.now(),
		Options:    opts,
		Includes:   inc,
		Excludes:   exc,
		Tags:       tags,
		t:          s.timings,
		Files:      files,
		Bytes:      bytes,
		FailCode:   failCode,
		FailDetail: failDetail,
	}
	s.execs[e.ARN] = e
	t.Execs = append(t.Execs, e.ARN)
	return map[string]string{"TaskExecutionArn": e.ARN}, nil
}

// injectedFailure implements the failure trigger documented in datasync.go.
func (s *dataSyncService) injectedFailure(t *dsTask, src *dsLocation) (code, detail string) {
	v, tagged := dsTagValue(t.Tags, FailTagKey)
	srcSub := ""
	if src != nil {
		srcSub = src.Subdirectory
	}
	if !tagged && !strings.Contains(t.Name, DataSyncFailTrigger) && !strings.Contains(srcSub, DataSyncFailTrigger) {
		return "", ""
	}
	code = DataSyncInjectedErrorCode
	detail = "DataSync could not read from the source location: the sandbox injected a failure (" + DataSyncFailTrigger + ")."
	if tagged && v != "" {
		if c, d, ok := strings.Cut(v, ":"); ok && strings.TrimSpace(c) != "" && !strings.Contains(c, " ") {
			code, detail = strings.TrimSpace(c), strings.TrimSpace(d)
		} else {
			detail = v
		}
	}
	return code, detail
}

// sourceSize counts the files and bytes an execution would transfer.
func (s *dataSyncService) sourceSize(ctx context.Context, src *dsLocation, inc, exc []dsFilter) (files, bytes int64, err error) {
	if src.Kind == "S3" && s.g.upstream != nil {
		objs, ok, err := s.g.listS3Objects(ctx, src.Region, src.Bucket, strings.TrimPrefix(normSubdir(src.Subdirectory), "/"))
		if err != nil {
			return 0, 0, err
		}
		if ok {
			prefix := strings.TrimPrefix(normSubdir(src.Subdirectory), "/")
			for _, o := range objs {
				rel := "/" + strings.TrimPrefix(o.Key, prefix)
				if strings.HasSuffix(o.Key, "/") || !dsFilterKeep(rel, inc, exc) {
					continue
				}
				files++
				bytes += o.Size
			}
			return files, bytes, nil
		}
	}
	// Other sources: a deterministic size derived from the location.
	h := fnv.New64a()
	_, _ = io.WriteString(h, src.uri())
	sum := h.Sum64()
	files = int64(20 + sum%180)
	bytes = files * int64(256<<10+sum%(4<<20))
	return files, bytes, nil
}

// dsFilterKeep applies DataSync's SIMPLE_PATTERN filters to a path relative
// to the location ("/dir/file"): patterns are separated by |, * matches any
// characters, and a pattern without * matches that path and everything under it.
func dsFilterKeep(rel string, inc, exc []dsFilter) bool {
	if len(inc) > 0 && !dsFilterMatch(rel, inc[0].Value) {
		return false
	}
	if len(exc) > 0 && dsFilterMatch(rel, exc[0].Value) {
		return false
	}
	return true
}

func dsFilterMatch(rel, value string) bool {
	for _, p := range strings.Split(value, "|") {
		if !strings.Contains(p, "*") {
			p = strings.TrimSuffix(p, "/")
			if rel == p || strings.HasPrefix(rel, p+"/") {
				return true
			}
			continue
		}
		re := "^" + strings.ReplaceAll(regexp.QuoteMeta(p), `\*`, ".*")
		if !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "*") {
			re = "^/" + strings.TrimPrefix(re, "^")
		}
		if ok, _ := regexp.MatchString(re+"(/.*)?$", rel); ok {
			return true
		}
	}
	return false
}

type s3Object struct {
	Key  string `xml:"Key"`
	Size int64  `xml:"Size"`
}

// listS3Objects lists a bucket in moto (ListObjectsV2, following continuation
// tokens). ok is false when the bucket does not exist in moto.
func (g *Gateway) listS3Objects(ctx context.Context, region, bucket, prefix string) (_ []s3Object, ok bool, _ error) {
	var out []s3Object
	token := ""
	for page := 0; page < 100; page++ {
		q := url.Values{"list-type": {"2"}, "prefix": {prefix}}
		if token != "" {
			q.Set("continuation-token", token)
		}
		u := *g.upstream
		u.Path = "/" + bucket
		u.RawQuery = q.Encode()
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
		if err != nil {
			cancel()
			return nil, false, err
		}
		req.Header.Set("Authorization", motoAuthorization("s3", region))
		req.Header.Set("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z"))
		req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			cancel()
			return nil, false, err
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
		_ = resp.Body.Close()
		cancel()
		if err != nil {
			return nil, false, err
		}
		if resp.StatusCode == http.StatusNotFound {
			return nil, false, nil
		}
		if resp.StatusCode != http.StatusOK {
			return nil, false, fmt.Errorf("moto ListObjectsV2 %s: HTTP %d", bucket, resp.StatusCode)
		}
		var res struct {
			Contents              []s3Object `xml:"Contents"`
			IsTruncated           bool       `xml:"IsTruncated"`
			NextContinuationToken string     `xml:"NextContinuationToken"`
		}
		if err := xml.Unmarshal(b, &res); err != nil {
			return nil, false, fmt.Errorf("moto ListObjectsV2 %s: %w", bucket, err)
		}
		out = append(out, res.Contents...)
		if !res.IsTruncated || res.NextContinuationToken == "" {
			return out, true, nil
		}
		token = res.NextContinuationToken
	}
	return out, true, nil
}

func (s *dataSyncService) execution(arn string) (*dsExecution, error) {
	e := s.execs[arn]
	if e == nil {
		return nil, dsNotFound("Task execution", arn)
	}
	return e, nil
}

func ms(d time.Duration) int64 { return d.Milliseconds() }

func (s *dataSyncService) describeTaskExecution(arn string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.execution(arn)
	if err != nil {
		return nil, err
	}
	now := s.g.now()
	st := e.status(s, now)
	p := e.phases(s)
	if !e.CancelledAt.IsZero() && e.CancelledAt.Before(now) {
		now = e.CancelledAt // counters freeze when cancelled
	}
	var bytesDone, filesDone, filesPrepared, filesVerified, estFiles, estBytes int64
	if !now.Before(p.transfer) {
		estFiles, estBytes, filesPrepared = e.Files, e.Bytes, e.Files
	}
	frac := 0.0
	switch {
	case !now.Before(p.verify):
		frac = 1
	case !now.Before(p.transfer):
		frac = float64(now.Sub(p.transfer)) / float64(e.t.Transferring)
	}
	if e.FailCode != "" && frac > 0.5 {
		frac = 0.5 // a failed transfer stops halfway
	}
	bytesDone = int64(float64(e.Bytes) * frac)
	filesDone = int64(float64(e.Files) * frac)
	if st == string(dstypes.TaskExecutionStatusSuccess) && e.Options.VerifyMode != string(dstypes.VerifyModeNone) {
		filesVerified = e.Files
	}
	out := map[string]any{
		"TaskExecutionArn":         e.ARN,
		"Status":                   st,
		"StartTime":                Epoch(e.CreatedAt),
		"Options":                  e.Options,
		"Includes":                 emptyIfNil(e.Includes),
		"Excludes":                 emptyIfNil(e.Excludes),
		"TaskMode":                 string(dstypes.TaskModeBasic),
		"EstimatedFilesToTransfer": estFiles,
		"EstimatedBytesToTransfer": estBytes,
		"EstimatedFilesToDelete":   0,
		"FilesPrepared":            filesPrepared,
		"FilesTransferred":         filesDone,
		"FilesVerified":            filesVerified,
		"FilesSkipped":             0,
		"FilesDeleted":             0,
		"BytesTransferred":         bytesDone,
		"BytesWritten":             bytesDone,
		"BytesCompressed":          bytesDone,
		"FilesListed":              map[string]int64{"AtSource": estFiles, "AtDestinationForDelete": 0},
	}
	if !s.g.now().Before(p.launch) {
		out["LaunchTime"] = Epoch(p.launch)
	}
	result := map[string]any{
		"PrepareStatus":  string(dstypes.PhaseStatusPending),
		"TransferStatus": string(dstypes.PhaseStatusPending),
		"VerifyStatus":   string(dstypes.PhaseStatusPending),
	}
	if !now.Before(p.transfer) {
		result["PrepareStatus"] = string(dstypes.PhaseStatusSuccess)
		result["PrepareDuration"] = ms(e.t.Preparing)
	}
	if !now.Before(p.verify) {
		result["TransferDuration"] = ms(e.t.Transferring)
		if e.FailCode != "" {
			result["TransferStatus"] = string(dstypes.PhaseStatusError)
			result["VerifyStatus"] = string(dstypes.PhaseStatusError)
		} else {
			result["TransferStatus"] = string(dstypes.PhaseStatusSuccess)
		}
	}
	if st == string(dstypes.TaskExecutionStatusSuccess) {
		result["VerifyStatus"] = string(dstypes.PhaseStatusSuccess)
		if e.Options.VerifyMode != string(dstypes.VerifyModeNone) {
			result["VerifyDuration"] = ms(e.t.Verifying)
		}
	}
	if st == string(dstypes.TaskExecutionStatusSuccess) || st == string(dstypes.TaskExecutionStatusError) {
		end := e.endAt(s)
		out["EndTime"] = Epoch(end)
		result["TotalDuration"] = ms(end.Sub(e.CreatedAt))
	}
	if st == string(dstypes.TaskExecutionStatusError) {
		code, detail := e.errorOf(s, now)
		result["ErrorCode"], result["ErrorDetail"] = code, detail
	}
	out["Result"] = result
	return out, nil
}

func (s *dataSyncService) listTaskExecutions(in *datasync.ListTaskExecutionsInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.g.now()
	type entry struct {
		TaskExecutionArn string `json:"TaskExecutionArn"`
		Status           string `json:"Status"`
		TaskMode         string `json:"TaskMode"`
	}
	var arns []string
	if in.TaskArn != nil {
		t, err := s.task(*in.TaskArn)
		if err != nil {
			return nil, err
		}
		arns = t.Execs
	} else {
		for _, ta := range s.taskOrder {
			arns = append(arns, s.tasks[ta].Execs...)
		}
	}
	var all []entry
	for _, a := range arns {
		if e := s.execs[a]; e != nil {
			all = append(all, entry{e.ARN, e.status(s, now), string(dstypes.TaskModeBasic)})
		}
	}
	start, end, next, err := JSONPage(len(all), in.MaxResults, in.NextToken, "exec", 100)
	if err != nil {
		return nil, dsInvalid("InvalidParameters", "%s", err.(*APIError).Message)
	}
	out := map[string]any{"TaskExecutions": append([]entry{}, all[start:end]...)}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (s *dataSyncService) cancelTaskExecution(arn string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.execution(arn)
	if err != nil {
		return nil, err
	}
	now := s.g.now()
	if e.done(s, now) {
		return nil, dsInvalid("InvalidParameters", "Task execution %s has already finished (%s).", arn, e.status(s, now))
	}
	if e.CancelledAt.IsZero() {
		e.CancelledAt = now
	}
	return struct{}{}, nil
}
