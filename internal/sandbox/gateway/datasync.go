// SPDX-License-Identifier: MPL-2.0

package gateway

// AWS DataSync, served natively and wholly (moto lacks FSx for Lustre and NFS
// locations, drops schedules and tags, and puts a fixed account in ARNs).
// Shapes, enums and error types follow the DataSync API model shipped in
// github.com/aws/aws-sdk-go-v2/service/datasync: every client error is an
// InvalidRequestException (with an errorCode member where DataSync sends one),
// server faults are InternalException. This file has the service, its
// operation table, shared validation and tagging; locations (NFS, SMB, S3,
// object storage, FSx for Lustre) are in datasync_locations.go, tasks and
// schedules in datasync_tasks.go, executions in datasync_executions.go and
// phase durations in datasync_timings.go.
//
// ARNs carry the gateway's account: arn:aws:datasync:REGION:ACCOUNT:location/loc-<17 hex>,
// .../task/task-<17 hex> and .../task/task-<17 hex>/execution/exec-<17 hex>.
//
// Failure trigger (for tests of failure paths), see DataSyncFailTrigger: an
// execution ends in ERROR at the end of its TRANSFERRING phase when the task's
// name or its source location's subdirectory contains "sandbox-fail", or the
// task carries a tag "sandbox:fail". The tag's value, when it has the form
// "ErrorCode: detail", sets Result.ErrorCode and Result.ErrorDetail;
// otherwise the code is DataSyncInjectedErrorCode.

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
)

// DataSyncFailTrigger is the marker in a task name or source subdirectory
// that makes the task's executions fail; the tag FailTagKey does the same.
const DataSyncFailTrigger = "sandbox-fail"

// DataSyncInjectedErrorCode is the Result.ErrorCode of an injected failure
// when the fail tag gives none. Unverified: DataSync's documentation lists no
// ErrorCode values for task executions (searched the API reference and user
// guide, 2026-11-27), so this is the sandbox's own code for its injected
// fault, not one AWS is known to send; tests that need a real code set it with
// the fail tag.
const DataSyncInjectedErrorCode = "SourceLocationReadError"

type dataSyncService struct {
	g  *Gateway
	mu sync.Mutex

	locations map[string]*dsLocation
	locOrder  []string
	tasks     map[string]*dsTask
	taskOrder []string
	execs     map[string]*dsExecution
	timings   DataSyncTimings
	ops       *jsonOps
}

func newDataSyncService(g *Gateway) *dataSyncService {
	s := &dataSyncService{
		g:         g,
		locations: map[string]*dsLocation{},
		tasks:     map[string]*dsTask{},
		execs:     map[string]*dsExecution{},
		timings:   dataSyncTimingsFor(g.cfg.Timings),
	}
	s.ops = s.operations()
	return s
}

func (s *dataSyncService) Name() string { return "datasync" }

// Handles claims every DataSync operation: those the sandbox does not
// implement answer InvalidRequestException rather than reaching moto.
func (s *dataSyncService) Handles(string) bool { return true }

func (s *dataSyncService) Serve(w http.ResponseWriter, r *http.Request, op string, body []byte) {
	s.ops.serve(w, r, op, body, s.g.cfg.Region)
}

// operations is DataSync's operation table.
func (s *dataSyncService) operations() *jsonOps {
	ops := map[string]opHandler{
		"CreateLocationNfs":           opRegion(s.createLocationNfs),
		"CreateLocationSmb":           opRegion(s.createLocationSmb),
		"CreateLocationS3":            opReq(s.createLocationS3),
		"CreateLocationObjectStorage": opRegion(s.createLocationObjectStorage),
		"CreateLocationFsxLustre":     opReq(s.createLocationFsxLustre),
		"UpdateLocationNfs":           op(s.updateLocationNfs),
		"UpdateLocationSmb":           op(s.updateLocationSmb),
		"UpdateLocationS3":            op(s.updateLocationS3),
		"UpdateLocationObjectStorage": op(s.updateLocationObjectStorage),
		"UpdateLocationFsxLustre":     op(s.updateLocationFsxLustre),
		"DeleteLocation":              op(s.deleteLocation),
		"ListLocations":               op(s.listLocations),
		"CreateTask":                  opRegion(s.createTask),
		"DescribeTask":                op(s.describeTask),
		"UpdateTask":                  op(s.updateTask),
		"DeleteTask":                  op(s.deleteTask),
		"ListTasks":                   op(s.listTasks),
		"StartTaskExecution":          opReq(s.startTaskExecution),
		"DescribeTaskExecution":       op(s.describeTaskExecution),
		"ListTaskExecutions":          op(s.listTaskExecutions),
		"CancelTaskExecution":         op(s.cancelTaskExecution),
		"TagResource":                 op(s.tagResource),
		"UntagResource":               op(s.untagResource),
		"ListTagsForResource":         op(s.listTagsForResource),
	}
	for _, kind := range dsLocationKinds {
		ops["DescribeLocation"+kind] = op(s.describeLocationOf(kind))
	}
	return &jsonOps{
		ops: ops,
		badInput: func(err error) error {
			msg := err.Error()
			if ae, ok := err.(*APIError); ok {
				msg = ae.Message
			}
			return dsInvalid("InvalidParameters", "%s", msg)
		},
		unknown: func(op string) error {
			return dsInvalid("", "The sandbox does not implement DataSync operation %s.", op)
		},
	}
}

// ---- errors and helpers ----

// dsInvalid builds DataSync's InvalidRequestException; code, when set, is
// its errorCode member.
func dsInvalid(code, format string, args ...any) *APIError {
	e := Errorf("InvalidRequestException", format, args...)
	if code != "" {
		e = e.With("errorCode", code)
	}
	return e
}

func dsNotFound(kind, arn string) *APIError {
	return dsInvalid("", "%s %s not found.", kind, arn)
}

func dsDeref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

var (
	dsHostnameRE  = regexp.MustCompile(`^(([a-zA-Z0-9\-]*[a-zA-Z0-9])\.)*([A-Za-z0-9\-]*[A-Za-z0-9])$`)
	dsAgentARNRE  = regexp.MustCompile(`^arn:aws[\-a-z]*:datasync:[a-z\-0-9]+:[0-9]{12}:agent/agent-[0-9a-z]{17}$`)
	dsBucketARNRE = regexp.MustCompile(`^arn:aws[\-a-z]*:s3:::([a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])$`)
	dsRoleARNRE   = regexp.MustCompile(`^arn:aws[\-a-z]*:iam::[0-9]{12}:role/[\w+=,.@/\-]+$`)
	dsSGARNRE     = regexp.MustCompile(`^arn:aws[\-a-z]*:ec2:[a-z\-0-9]*:[0-9]{12}:security-group/sg-[a-f0-9]+$`)
	dsFsxARNRE    = regexp.MustCompile(`^arn:aws[\-a-z]*:fsx:[a-z\-0-9]+:[0-9]{12}:file-system/(fs-[0-9a-f]+)$`)
	dsLogGroupRE  = regexp.MustCompile(`^arn:aws[\-a-z]*:logs:[a-z\-0-9]+:[0-9]{12}:log-group:([^:\*]*)(:\*)?$`)
	dsSubdirRE    = regexp.MustCompile(`^[a-zA-Z0-9_\-\+\./\(\)\p{Zs}]*$`)
	dsBucketRE    = regexp.MustCompile(`^[a-zA-Z0-9_\-\+\.\(\)\$\p{Zs}]+$`)
)

func dsCheckHostname(v string) error {
	if v == "" {
		return dsInvalid("InvalidParameters", "ServerHostname is required.")
	}
	if len(v) > 255 || !dsHostnameRE.MatchString(v) {
		return dsInvalid("InvalidParameters", "1 validation error detected: Value '%s' at 'serverHostname' failed to satisfy constraint: Member must satisfy regular expression pattern.", v)
	}
	return nil
}

func dsCheckSubdir(field, v string, required bool) error {
	if v == "" && required {
		return dsInvalid("InvalidParameters", "%s is required.", field)
	}
	if len(v) > 4096 || !dsSubdirRE.MatchString(v) {
		return dsInvalid("InvalidParameters", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern.", v, lowerFirst(field))
	}
	return nil
}

func dsCheckAgents(agents []string, required bool) error {
	if len(agents) == 0 {
		if required {
			return dsInvalid("InvalidParameters", "AgentArns must contain at least 1 agent ARN.")
		}
		return nil
	}
	if len(agents) > 4 {
		return dsInvalid("InvalidParameters", "AgentArns can contain at most 4 agent ARNs.")
	}
	for _, a := range agents {
		if !dsAgentARNRE.MatchString(a) {
			return dsInvalid("InvalidParameters", "Invalid agent ARN: %s.", a)
		}
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// normSubdir gives a subdirectory the leading and trailing slash DataSync
// shows in location URIs.
func normSubdir(v string) string {
	v = strings.Trim(v, "/")
	if v == "" {
		return "/"
	}
	return "/" + v + "/"
}

// ---- tags ----

// dsPageOut is pageOut answering a pagination error as InvalidParameters.
func dsPageOut[T any](key string, items []T, maxResults *int32, nextToken *string, label string, defaultMax int) (any, error) {
	out, err := pageOut(key, items, maxResults, nextToken, label, defaultMax)
	if err != nil {
		return nil, dsInvalid("InvalidParameters", "%s", err.(*APIError).Message)
	}
	return out, nil
}

type dsTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value,omitempty"`
}

func (t dsTag) tagKey() string { return t.Key }

// Tag keys and values, and task names (shape TagValue), follow the patterns of the DataSync model
// (datasync 2018-11-09 service-2.json: TagKey ^[a-zA-Z0-9\s+=._:/-]+$, TagValue ^[a-zA-Z0-9\s+=._:@/-]+$).
var (
	dsTagKeyRE   = regexp.MustCompile(`^[a-zA-Z0-9\s+=._:/-]+$`)
	dsTagValueRE = regexp.MustCompile(`^[a-zA-Z0-9\s+=._:@/-]*$`)
)

func dsTags(in []dstypes.TagListEntry) ([]dsTag, error) {
	out := make([]dsTag, 0, len(in))
	for _, t := range in {
		k := dsDeref(t.Key)
		if k == "" || len(k) > 256 || !dsTagKeyRE.MatchString(k) {
			return nil, dsInvalid("InvalidParameters", "Invalid tag key %q.", k)
		}
		v := dsDeref(t.Value)
		if len(v) > 256 {
			return nil, dsInvalid("InvalidParameters", "Tag value for %q is longer than 256 characters.", k)
		}
		if !dsTagValueRE.MatchString(v) {
			return nil, dsInvalid("InvalidParameters", "1 validation error detected: Value '%s' at 'tags.%s.value' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9\\s+=._:@/-]+$", v, k)
		}
		out = mergeTags(out, []dsTag{{Key: k, Value: v}})
	}
	if len(out) > 50 {
		return nil, dsInvalid("InvalidParameters", "A resource can have at most 50 tags.")
	}
	return out, nil
}

func dsTagValue(tags []dsTag, key string) (string, bool) {
	for _, t := range tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

// ---- tagging ----

func (s *dataSyncService) tagsOf(arn string) (*[]dsTag, error) {
	if !strings.HasPrefix(arn, "arn:aws:datasync:") {
		return nil, dsInvalid("InvalidParameters", "Invalid resource ARN %q.", arn)
	}
	if l := s.locations[arn]; l != nil {
		return &l.Tags, nil
	}
	if t := s.tasks[arn]; t != nil {
		return &t.Tags, nil
	}
	if e := s.execs[arn]; e != nil {
		return &e.Tags, nil
	}
	return nil, dsNotFound("Resource", arn)
}

func (s *dataSyncService) tagResource(in *datasync.TagResourceInput) (any, error) {
	tags, err := dsTags(in.Tags)
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, dsInvalid("InvalidParameters", "Tags must contain at least 1 tag.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.tagsOf(dsDeref(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	merged := mergeTags(*cur, tags)
	if len(merged) > 50 {
		return nil, dsInvalid("InvalidParameters", "A resource can have at most 50 tags.")
	}
	*cur = merged
	return struct{}{}, nil
}

func (s *dataSyncService) untagResource(in *datasync.UntagResourceInput) (any, error) {
	if len(in.Keys) == 0 {
		return nil, dsInvalid("InvalidParameters", "Keys must contain at least 1 key.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.tagsOf(dsDeref(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	*cur = dropTags(*cur, in.Keys)
	return struct{}{}, nil
}

func (s *dataSyncService) listTagsForResource(in *datasync.ListTagsForResourceInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.tagsOf(dsDeref(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	tags := append([]dsTag{}, (*cur)...)
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	return dsPageOut("Tags", tags, in.MaxResults, in.NextToken, "tag", 50)
}
