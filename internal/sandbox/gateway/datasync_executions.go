// SPDX-License-Identifier: MPL-2.0

package gateway

// DataSync task executions. Executions are computed lazily from the clock:
// an execution started at t is QUEUED until t+Queued (or until the task's
// previous execution ends, as DataSync queues executions of one task), then
// LAUNCHING, PREPARING, TRANSFERRING, VERIFYING (skipped with VerifyMode NONE)
// and SUCCESS, or ERROR at the end of TRANSFERRING when a failure was injected
// (see the package doc in datasync.go). Byte and file counters come from what
// the source holds when it is an S3 location on a bucket in moto (listed under
// the location's subdirectory and filtered by the includes and excludes), and
// are derived deterministically from the location otherwise.

import (
	"context"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
)

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
		// Unverified: no AWS document or model found lists the ErrorCode of a cancelled execution
		// (searched the DataSync API reference and user guide, 2026-11-27); "OpCancelled" is the
		// sandbox's choice. The provider does not depend on the value.
		return "OpCancelled", "The task execution was cancelled."
	}
	return e.FailCode, e.FailDetail
}

func (s *dataSyncService) startTaskExecution(r *http.Request, _ string, in *datasync.StartTaskExecutionInput) (any, error) {
	ctx := r.Context()
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
	srcCopy, dstCopy := copyLocation(src), copyLocation(s.locations[t.Dest])
	failCode, failDetail := s.injectedFailure(t, src)
	s.mu.Unlock()

	// Size the transfer outside the lock (it may ask moto).
	files, bytes, err := s.sourceSize(ctx, &srcCopy, inc, exc)
	if err != nil {
		return nil, &APIError{Status: http.StatusInternalServerError, Code: "InternalException", Message: "sandbox: sizing the source: " + err.Error()}
	}
	if code, detail := s.locationGone(ctx, &srcCopy, &dstCopy); code != "" {
		failCode, failDetail, files, bytes = code, detail, 0, 0
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

// copyLocation is a copy of l (the zero location for nil), to read outside the lock.
func copyLocation(l *dsLocation) dsLocation {
	if l == nil {
		return dsLocation{}
	}
	return *l
}

// locationGone fails an execution whose source bucket or destination bucket or file system no longer
// exists: DataSync cannot read or write it, and the execution ends in ERROR with nothing transferred.
// The error codes are the storage services' own for a missing bucket (S3 API reference, Error
// responses: NoSuchBucket) and a missing file system (fsx 2018-03-01 service-2.json, exception
// FileSystemNotFound); DataSync's documentation does not list the ErrorCode values of a task
// execution, so the sandbox passes those on.
func (s *dataSyncService) locationGone(ctx context.Context, src, dst *dsLocation) (code, detail string) {
	for _, l := range []struct {
		loc  *dsLocation
		role string
	}{{src, "source"}, {dst, "destination"}} {
		switch l.loc.Kind {
		case "S3":
			if exists, ok := s.g.bucketExists(ctx, l.loc.Region, l.loc.Bucket); ok && !exists {
				return "NoSuchBucket", fmt.Sprintf("DataSync could not access the %s location %s: the S3 bucket %s does not exist.", l.role, l.loc.ARN, l.loc.Bucket)
			}
		case "FsxLustre":
			if exists, ok := s.g.fsxFileSystemExists(l.loc.FsxArn); ok && !exists {
				return "FileSystemNotFound", fmt.Sprintf("DataSync could not mount the %s location %s: the FSx for Lustre file system %s does not exist.", l.role, l.loc.ARN, l.loc.FsxArn)
			}
		}
	}
	return "", ""
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

func (s *dataSyncService) describeTaskExecution(in *datasync.DescribeTaskExecutionInput) (any, error) {
	arn := dsDeref(in.TaskExecutionArn)
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.execution(arn)
	if err != nil {
		return nil, err
	}
	now := s.g.now()
	st := e.status(s, now)
	p := e.phases(s)
	at := now
	if !e.CancelledAt.IsZero() && e.CancelledAt.Before(now) {
		at = e.CancelledAt // counters freeze when cancelled
	}
	out := e.progress(st, p, at)
	if !now.Before(p.launch) {
		out["LaunchTime"] = Epoch(p.launch)
	}
	result := e.result(s, st, p, at)
	if st == string(dstypes.TaskExecutionStatusSuccess) || st == string(dstypes.TaskExecutionStatusError) {
		end := e.endAt(s)
		out["EndTime"] = Epoch(end)
		result["TotalDuration"] = ms(end.Sub(e.CreatedAt))
	}
	out["Result"] = result
	return out, nil
}

// progress is a DescribeTaskExecution answer without its times and Result: the execution's settings and
// its counters at time at (estimates once preparing is over, files and bytes in proportion to the
// transfer phase, which a failed execution stops halfway; files verified on success).
func (e *dsExecution) progress(st string, p dsPhases, at time.Time) map[string]any {
	var estFiles, estBytes, filesPrepared, filesVerified int64
	if !at.Before(p.transfer) {
		estFiles, estBytes, filesPrepared = e.Files, e.Bytes, e.Files
	}
	frac := 0.0
	switch {
	case !at.Before(p.verify):
		frac = 1
	case !at.Before(p.transfer):
		frac = float64(at.Sub(p.transfer)) / float64(e.t.Transferring)
	}
	if e.FailCode != "" && frac > 0.5 {
		frac = 0.5 // a failed transfer stops halfway
	}
	bytesDone := int64(float64(e.Bytes) * frac)
	filesDone := int64(float64(e.Files) * frac)
	if st == string(dstypes.TaskExecutionStatusSuccess) && e.Options.VerifyMode != string(dstypes.VerifyModeNone) {
		filesVerified = e.Files
	}
	return map[string]any{
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
}

// result is the Result member of a DescribeTaskExecution answer at time at: each phase's status and
// duration, and the error of a failed execution (TotalDuration is added by the caller).
func (e *dsExecution) result(s *dataSyncService, st string, p dsPhases, at time.Time) map[string]any {
	result := map[string]any{
		"PrepareStatus":  string(dstypes.PhaseStatusPending),
		"TransferStatus": string(dstypes.PhaseStatusPending),
		"VerifyStatus":   string(dstypes.PhaseStatusPending),
	}
	if !at.Before(p.transfer) {
		result["PrepareStatus"] = string(dstypes.PhaseStatusSuccess)
		result["PrepareDuration"] = ms(e.t.Preparing)
	}
	if !at.Before(p.verify) {
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
	if st == string(dstypes.TaskExecutionStatusError) {
		code, detail := e.errorOf(s, at)
		result["ErrorCode"], result["ErrorDetail"] = code, detail
	}
	return result
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
	return dsPageOut("TaskExecutions", all, in.MaxResults, in.NextToken, "exec", 100)
}

func (s *dataSyncService) cancelTaskExecution(in *datasync.CancelTaskExecutionInput) (any, error) {
	arn := dsDeref(in.TaskExecutionArn)
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
