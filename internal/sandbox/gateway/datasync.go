// SPDX-License-Identifier: MPL-2.0

package gateway

// AWS DataSync, served natively and wholly (moto lacks FSx for Lustre and NFS
// locations, drops schedules and tags, and puts a fixed account in ARNs).
// Shapes, enums and error types follow the DataSync API model shipped in
// github.com/aws/aws-sdk-go-v2/service/datasync: every client error is an
// InvalidRequestException (with an errorCode member where DataSync sends one),
// server faults are InternalException. Locations (NFS, SMB, S3, object
// storage, FSx for Lustre) are in this file; tasks, schedules and executions
// in datasync_tasks.go; phase durations in datasync_timings.go.
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
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
)

// DataSyncFailTrigger is the marker in a task name or source subdirectory
// that makes the task's executions fail; the tag FailTagKey does the same.
const DataSyncFailTrigger = "sandbox-fail"

// DataSyncInjectedErrorCode is the Result.ErrorCode of an injected failure
// when the fail tag gives none.
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
}

func newDataSyncService(g *Gateway) *dataSyncService {
	return &dataSyncService{
		g:         g,
		locations: map[string]*dsLocation{},
		tasks:     map[string]*dsTask{},
		execs:     map[string]*dsExecution{},
		timings:   dataSyncTimingsFor(g.cfg.Timings),
	}
}

func (s *dataSyncService) Name() string { return "datasync" }

// Handles claims every DataSync operation: those the sandbox does not
// implement answer InvalidRequestException rather than reaching moto.
func (s *dataSyncService) Handles(string) bool { return true }

func (s *dataSyncService) Serve(w http.ResponseWriter, r *http.Request, op string, body []byte) {
	region := RequestRegion(r)
	if region == "" {
		region = s.g.cfg.Region
	}
	ctx := r.Context()
	var out any
	var err error
	dec := func(v any) bool {
		err = ReadJSON(body, v)
		if err != nil {
			msg := err.Error()
			if ae, ok := err.(*APIError); ok {
				msg = ae.Message
			}
			err = dsInvalid("InvalidParameters", "%s", msg)
		}
		return err == nil
	}
	switch op {
	case "CreateLocationNfs":
		var in datasync.CreateLocationNfsInput
		if dec(&in) {
			out, err = s.createLocationNfs(region, &in)
		}
	case "CreateLocationSmb":
		var in datasync.CreateLocationSmbInput
		if dec(&in) {
			out, err = s.createLocationSmb(region, &in)
		}
	case "CreateLocationS3":
		var in datasync.CreateLocationS3Input
		if dec(&in) {
			out, err = s.createLocationS3(ctx, region, &in)
		}
	case "CreateLocationObjectStorage":
		var in datasync.CreateLocationObjectStorageInput
		if dec(&in) {
			out, err = s.createLocationObjectStorage(region, &in)
		}
	case "CreateLocationFsxLustre":
		var in datasync.CreateLocationFsxLustreInput
		if dec(&in) {
			out, err = s.createLocationFsxLustre(region, &in)
		}
	case "DescribeLocationNfs", "DescribeLocationSmb", "DescribeLocationS3", "DescribeLocationObjectStorage", "DescribeLocationFsxLustre":
		var in struct{ LocationArn *string }
		if dec(&in) {
			out, err = s.describeLocation(strings.TrimPrefix(op, "DescribeLocation"), dsDeref(in.LocationArn))
		}
	case "UpdateLocationNfs":
		var in datasync.UpdateLocationNfsInput
		if dec(&in) {
			out, err = s.updateLocationNfs(&in)
		}
	case "UpdateLocationSmb":
		var in datasync.UpdateLocationSmbInput
		if dec(&in) {
			out, err = s.updateLocationSmb(&in)
		}
	case "UpdateLocationS3":
		var in datasync.UpdateLocationS3Input
		if dec(&in) {
			out, err = s.updateLocationS3(&in)
		}
	case "UpdateLocationObjectStorage":
		var in datasync.UpdateLocationObjectStorageInput
		if dec(&in) {
			out, err = s.updateLocationObjectStorage(&in)
		}
	case "UpdateLocationFsxLustre":
		var in datasync.UpdateLocationFsxLustreInput
		if dec(&in) {
			out, err = s.updateLocationFsxLustre(&in)
		}
	case "DeleteLocation":
		var in datasync.DeleteLocationInput
		if dec(&in) {
			out, err = s.deleteLocation(dsDeref(in.LocationArn))
		}
	case "ListLocations":
		var in datasync.ListLocationsInput
		if dec(&in) {
			out, err = s.listLocations(&in)
		}
	case "CreateTask":
		var in datasync.CreateTaskInput
		if dec(&in) {
			out, err = s.createTask(region, &in)
		}
	case "DescribeTask":
		var in datasync.DescribeTaskInput
		if dec(&in) {
			out, err = s.describeTask(dsDeref(in.TaskArn))
		}
	case "UpdateTask":
		var in datasync.UpdateTaskInput
		if dec(&in) {
			out, err = s.updateTask(&in)
		}
	case "DeleteTask":
		var in datasync.DeleteTaskInput
		if dec(&in) {
			out, err = s.deleteTask(dsDeref(in.TaskArn))
		}
	case "ListTasks":
		var in datasync.ListTasksInput
		if dec(&in) {
			out, err = s.listTasks(&in)
		}
	case "StartTaskExecution":
		var in datasync.StartTaskExecutionInput
		if dec(&in) {
			out, err = s.startTaskExecution(ctx, &in)
		}
	case "DescribeTaskExecution":
		var in datasync.DescribeTaskExecutionInput
		if dec(&in) {
			out, err = s.describeTaskExecution(dsDeref(in.TaskExecutionArn))
		}
	case "ListTaskExecutions":
		var in datasync.ListTaskExecutionsInput
		if dec(&in) {
			out, err = s.listTaskExecutions(&in)
		}
	case "CancelTaskExecution":
		var in datasync.CancelTaskExecutionInput
		if dec(&in) {
			out, err = s.cancelTaskExecution(dsDeref(in.TaskExecutionArn))
		}
	case "TagResource":
		var in datasync.TagResourceInput
		if dec(&in) {
			out, err = s.tagResource(&in)
		}
	case "UntagResource":
		var in datasync.UntagResourceInput
		if dec(&in) {
			out, err = s.untagResource(&in)
		}
	case "ListTagsForResource":
		var in datasync.ListTagsForResourceInput
		if dec(&in) {
			out, err = s.listTagsForResource(&in)
		}
	default:
		err = dsInvalid("", "The sandbox does not implement DataSync operation %s.", op)
	}
	if err != nil {
		WriteJSONAPIError(w, err)
		return
	}
	WriteJSON(w, out)
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

type dsTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value,omitempty"`
}

var dsTagKeyRE = regexp.MustCompile(`^[a-zA-Z0-9\s+=._:/-]+$`)

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
		out = dsMergeTags(out, []dsTag{{Key: k, Value: v}})
	}
	if len(out) > 50 {
		return nil, dsInvalid("InvalidParameters", "A resource can have at most 50 tags.")
	}
	return out, nil
}

func dsMergeTags(cur, add []dsTag) []dsTag {
	out := append([]dsTag(nil), cur...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if out[i].Key == t.Key {
				out[i].Value = t.Value
				replaced = true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}

func dsTagValue(tags []dsTag, key string) (string, bool) {
	for _, t := range tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

// ---- locations ----

// dsLocation is one location of any kind. Secrets (SMB password, object
// storage secret key) are kept but never returned, as in DataSync.
type dsLocation struct {
	ARN       string
	Kind      string // Nfs, Smb, S3, ObjectStorage, FsxLustre (the operation suffix)
	Region    string
	CreatedAt time.Time
	Tags      []dsTag

	Hostname     string
	Subdirectory string
	AgentArns    []string
	// NFS
	NfsVersion string
	// SMB
	User, Domain, Password, SmbVersion string
	// S3
	Bucket, StorageClass, RoleArn string
	// Object storage
	Port                 int32
	Protocol             string
	AccessKey, SecretKey string
	// FSx for Lustre
	FsxArn            string
	SecurityGroupArns []string
}

func (l *dsLocation) uri() string {
	sub := normSubdir(l.Subdirectory)
	switch l.Kind {
	case "Nfs":
		return "nfs://" + l.Hostname + sub
	case "Smb":
		return "smb://" + l.Hostname + sub
	case "S3":
		return "s3://" + l.Bucket + sub
	case "ObjectStorage":
		return "object-storage://" + l.Hostname + "/" + l.Bucket + sub
	case "FsxLustre":
		id := l.FsxArn
		if m := dsFsxARNRE.FindStringSubmatch(l.FsxArn); m != nil {
			id = m[1]
		}
		return "fsxl://" + l.Region + "." + id + sub
	}
	return ""
}

func (s *dataSyncService) newLocation(region, kind string, tags []dstypes.TagListEntry) (*dsLocation, error) {
	t, err := dsTags(tags)
	if err != nil {
		return nil, err
	}
	return &dsLocation{
		ARN:       fmt.Sprintf("arn:aws:datasync:%s:%s:location/loc-%s", region, s.g.cfg.AccountID, s.g.rnd.hex(17)),
		Kind:      kind,
		Region:    region,
		CreatedAt: s.g.now(),
		Tags:      t,
	}, nil
}

func (s *dataSyncService) addLocation(l *dsLocation) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.locations[l.ARN] = l
	s.locOrder = append(s.locOrder, l.ARN)
	return map[string]string{"LocationArn": l.ARN}
}

func checkNfsVersion(v dstypes.NfsVersion) error {
	if v == "" {
		return nil
	}
	for _, ok := range v.Values() {
		if v == ok {
			return nil
		}
	}
	return dsInvalid("InvalidParameters", "Invalid NFS version %q; valid values: AUTOMATIC, NFS3, NFS4_0, NFS4_1.", v)
}

func (s *dataSyncService) createLocationNfs(region string, in *datasync.CreateLocationNfsInput) (any, error) {
	if err := dsCheckHostname(dsDeref(in.ServerHostname)); err != nil {
		return nil, err
	}
	if err := dsCheckSubdir("Subdirectory", dsDeref(in.Subdirectory), true); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(dsDeref(in.Subdirectory), "/") {
		return nil, dsInvalid("InvalidParameters", "Subdirectory must be an NFS export path starting with /, got %q.", dsDeref(in.Subdirectory))
	}
	var agents []string
	if in.OnPremConfig != nil {
		agents = in.OnPremConfig.AgentArns
	}
	if err := dsCheckAgents(agents, true); err != nil {
		return nil, err
	}
	version := dstypes.NfsVersionAutomatic
	if in.MountOptions != nil && in.MountOptions.Version != "" {
		if err := checkNfsVersion(in.MountOptions.Version); err != nil {
			return nil, err
		}
		version = in.MountOptions.Version
	}
	l, err := s.newLocation(region, "Nfs", in.Tags)
	if err != nil {
		return nil, err
	}
	l.Hostname, l.Subdirectory, l.AgentArns, l.NfsVersion = dsDeref(in.ServerHostname), dsDeref(in.Subdirectory), agents, string(version)
	return s.addLocation(l), nil
}

func checkSmbVersion(v dstypes.SmbVersion) error {
	if v == "" {
		return nil
	}
	for _, ok := range v.Values() {
		if v == ok {
			return nil
		}
	}
	return dsInvalid("InvalidParameters", "Invalid SMB version %q.", v)
}

func (s *dataSyncService) createLocationSmb(region string, in *datasync.CreateLocationSmbInput) (any, error) {
	if err := dsCheckHostname(dsDeref(in.ServerHostname)); err != nil {
		return nil, err
	}
	if err := dsCheckSubdir("Subdirectory", dsDeref(in.Subdirectory), true); err != nil {
		return nil, err
	}
	if err := dsCheckAgents(in.AgentArns, true); err != nil {
		return nil, err
	}
	auth := in.AuthenticationType
	if auth == "" {
		auth = dstypes.SmbAuthenticationTypeNtlm
	}
	if auth == dstypes.SmbAuthenticationTypeNtlm && (dsDeref(in.User) == "" || dsDeref(in.Password) == "") {
		return nil, dsInvalid("InvalidParameters", "User and Password are required for NTLM authentication.")
	}
	if auth != dstypes.SmbAuthenticationTypeNtlm {
		return nil, dsInvalid("InvalidParameters", "The sandbox supports only NTLM authentication for SMB locations.")
	}
	version := dstypes.SmbVersionAutomatic
	if in.MountOptions != nil && in.MountOptions.Version != "" {
		if err := checkSmbVersion(in.MountOptions.Version); err != nil {
			return nil, err
		}
		version = in.MountOptions.Version
	}
	l, err := s.newLocation(region, "Smb", in.Tags)
	if err != nil {
		return nil, err
	}
	l.Hostname, l.Subdirectory, l.AgentArns = dsDeref(in.ServerHostname), dsDeref(in.Subdirectory), in.AgentArns
	l.User, l.Password, l.Domain, l.SmbVersion = dsDeref(in.User), dsDeref(in.Password), dsDeref(in.Domain), string(version)
	return s.addLocation(l), nil
}

func checkStorageClass(v dstypes.S3StorageClass) error {
	if v == "" {
		return nil
	}
	for _, ok := range v.Values() {
		if v == ok {
			return nil
		}
	}
	return dsInvalid("InvalidParameters", "Invalid S3 storage class %q.", v)
}

func (s *dataSyncService) createLocationS3(ctx context.Context, region string, in *datasync.CreateLocationS3Input) (any, error) {
	m := dsBucketARNRE.FindStringSubmatch(dsDeref(in.S3BucketArn))
	if m == nil {
		return nil, dsInvalid("InvalidParameters", "Invalid S3 bucket ARN %q: expected arn:aws:s3:::BUCKET.", dsDeref(in.S3BucketArn))
	}
	if in.S3Config == nil || !dsRoleARNRE.MatchString(dsDeref(in.S3Config.BucketAccessRoleArn)) {
		role := ""
		if in.S3Config != nil {
			role = dsDeref(in.S3Config.BucketAccessRoleArn)
		}
		return nil, dsInvalid("InvalidParameters", "S3Config.BucketAccessRoleArn must be an IAM role ARN, got %q.", role)
	}
	if err := dsCheckSubdir("Subdirectory", dsDeref(in.Subdirectory), false); err != nil {
		return nil, err
	}
	if err := dsCheckAgents(in.AgentArns, false); err != nil {
		return nil, err
	}
	if err := checkStorageClass(in.S3StorageClass); err != nil {
		return nil, err
	}
	if exists, ok := s.g.bucketExists(ctx, region, m[1]); ok && !exists {
		return nil, dsInvalid("InvalidParameters", "Unable to connect to S3 endpoint. Bucket %s does not exist.", m[1])
	}
	class := in.S3StorageClass
	if class == "" {
		class = dstypes.S3StorageClassStandard
	}
	l, err := s.newLocation(region, "S3", in.Tags)
	if err != nil {
		return nil, err
	}
	l.Bucket, l.Subdirectory, l.AgentArns, l.StorageClass, l.RoleArn = m[1], dsDeref(in.Subdirectory), in.AgentArns, string(class), dsDeref(in.S3Config.BucketAccessRoleArn)
	return s.addLocation(l), nil
}

func checkObjectStorage(port *int32, proto dstypes.ObjectStorageServerProtocol) error {
	if port != nil && (*port < 1 || *port > 65536) {
		return dsInvalid("InvalidParameters", "ServerPort must be between 1 and 65536, got %d.", *port)
	}
	if proto != "" && proto != dstypes.ObjectStorageServerProtocolHttp && proto != dstypes.ObjectStorageServerProtocolHttps {
		return dsInvalid("InvalidParameters", "ServerProtocol must be HTTP or HTTPS, got %q.", proto)
	}
	return nil
}

func (s *dataSyncService) createLocationObjectStorage(region string, in *datasync.CreateLocationObjectStorageInput) (any, error) {
	if err := dsCheckHostname(dsDeref(in.ServerHostname)); err != nil {
		return nil, err
	}
	b := dsDeref(in.BucketName)
	if b == "" || len(b) > 63 || !dsBucketRE.MatchString(b) {
		return nil, dsInvalid("InvalidParameters", "Invalid BucketName %q.", b)
	}
	if err := dsCheckSubdir("Subdirectory", dsDeref(in.Subdirectory), false); err != nil {
		return nil, err
	}
	if err := dsCheckAgents(in.AgentArns, false); err != nil {
		return nil, err
	}
	if err := checkObjectStorage(in.ServerPort, in.ServerProtocol); err != nil {
		return nil, err
	}
	if (dsDeref(in.AccessKey) == "") != (dsDeref(in.SecretKey) == "") {
		return nil, dsInvalid("InvalidParameters", "AccessKey and SecretKey must be given together.")
	}
	proto := in.ServerProtocol
	if proto == "" {
		proto = dstypes.ObjectStorageServerProtocolHttps
	}
	port := int32(443)
	if proto == dstypes.ObjectStorageServerProtocolHttp {
		port = 80
	}
	if in.ServerPort != nil {
		port = *in.ServerPort
	}
	l, err := s.newLocation(region, "ObjectStorage", in.Tags)
	if err != nil {
		return nil, err
	}
	l.Hostname, l.Bucket, l.Subdirectory, l.AgentArns = dsDeref(in.ServerHostname), b, dsDeref(in.Subdirectory), in.AgentArns
	l.Port, l.Protocol, l.AccessKey, l.SecretKey = port, string(proto), dsDeref(in.AccessKey), dsDeref(in.SecretKey)
	return s.addLocation(l), nil
}

// fsxFileSystemExists asks the gateway's FSx service whether a (not deleted)
// file system has this ARN. ok is false when no FSx service is registered.
func (g *Gateway) fsxFileSystemExists(arn string) (exists, ok bool) {
	fsvc, isFSx := g.lookup("fsx", "DescribeFileSystems").(*fsxService)
	if !isFSx {
		return false, false
	}
	fsvc.mu.Lock()
	defer fsvc.mu.Unlock()
	for _, fs := range fsvc.fss {
		if fs.ARN == arn && fs.DeleteAt.IsZero() {
			return true, true
		}
	}
	return false, true
}

func (s *dataSyncService) createLocationFsxLustre(region string, in *datasync.CreateLocationFsxLustreInput) (any, error) {
	arn := dsDeref(in.FsxFilesystemArn)
	if !dsFsxARNRE.MatchString(arn) {
		return nil, dsInvalid("InvalidParameters", "Invalid FSx file system ARN %q.", arn)
	}
	if exists, ok := s.g.fsxFileSystemExists(arn); ok && !exists {
		return nil, dsInvalid("InvalidParameters", "FSx for Lustre file system %s does not exist.", arn)
	}
	if len(in.SecurityGroupArns) == 0 || len(in.SecurityGroupArns) > 5 {
		return nil, dsInvalid("InvalidParameters", "SecurityGroupArns must contain between 1 and 5 security group ARNs.")
	}
	for _, sg := range in.SecurityGroupArns {
		if !dsSGARNRE.MatchString(sg) {
			return nil, dsInvalid("InvalidParameters", "Invalid security group ARN %q.", sg)
		}
	}
	if err := dsCheckSubdir("Subdirectory", dsDeref(in.Subdirectory), false); err != nil {
		return nil, err
	}
	l, err := s.newLocation(region, "FsxLustre", in.Tags)
	if err != nil {
		return nil, err
	}
	l.FsxArn, l.SecurityGroupArns, l.Subdirectory = arn, in.SecurityGroupArns, dsDeref(in.Subdirectory)
	return s.addLocation(l), nil
}

func (s *dataSyncService) location(arn, kind string) (*dsLocation, error) {
	l := s.locations[arn]
	if l == nil {
		return nil, dsNotFound("Location", arn)
	}
	if kind != "" && l.Kind != kind {
		return nil, dsInvalid("InvalidParameters", "Location %s is not a %s location.", arn, kind)
	}
	return l, nil
}

func (s *dataSyncService) describeLocation(kind, arn string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.location(arn, kind)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"LocationArn":  l.ARN,
		"LocationUri":  l.uri(),
		"CreationTime": Epoch(l.CreatedAt),
	}
	switch l.Kind {
	case "Nfs":
		out["OnPremConfig"] = map[string]any{"AgentArns": l.AgentArns}
		out["MountOptions"] = map[string]any{"Version": l.NfsVersion}
	case "Smb":
		out["AgentArns"] = l.AgentArns
		out["User"] = l.User
		out["AuthenticationType"] = string(dstypes.SmbAuthenticationTypeNtlm)
		if l.Domain != "" {
			out["Domain"] = l.Domain
		}
		out["MountOptions"] = map[string]any{"Version": l.SmbVersion}
	case "S3":
		if len(l.AgentArns) > 0 {
			out["AgentArns"] = l.AgentArns
		}
		out["S3StorageClass"] = l.StorageClass
		out["S3Config"] = map[string]any{"BucketAccessRoleArn": l.RoleArn}
	case "ObjectStorage":
		if len(l.AgentArns) > 0 {
			out["AgentArns"] = l.AgentArns
		}
		out["ServerPort"] = l.Port
		out["ServerProtocol"] = l.Protocol
		if l.AccessKey != "" {
			out["AccessKey"] = l.AccessKey
		}
	case "FsxLustre":
		out["SecurityGroupArns"] = l.SecurityGroupArns
	}
	return out, nil
}

func (s *dataSyncService) updateLocationNfs(in *datasync.UpdateLocationNfsInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.location(dsDeref(in.LocationArn), "Nfs")
	if err != nil {
		return nil, err
	}
	if in.ServerHostname != nil {
		if err := dsCheckHostname(*in.ServerHostname); err != nil {
			return nil, err
		}
	}
	if in.Subdirectory != nil {
		if err := dsCheckSubdir("Subdirectory", *in.Subdirectory, true); err != nil {
			return nil, err
		}
	}
	if in.OnPremConfig != nil {
		if err := dsCheckAgents(in.OnPremConfig.AgentArns, true); err != nil {
			return nil, err
		}
	}
	if in.MountOptions != nil {
		if err := checkNfsVersion(in.MountOptions.Version); err != nil {
			return nil, err
		}
	}
	if in.ServerHostname != nil {
		l.Hostname = *in.ServerHostname
	}
	if in.Subdirectory != nil {
		l.Subdirectory = *in.Subdirectory
	}
	if in.OnPremConfig != nil {
		l.AgentArns = in.OnPremConfig.AgentArns
	}
	if in.MountOptions != nil && in.MountOptions.Version != "" {
		l.NfsVersion = string(in.MountOptions.Version)
	}
	return struct{}{}, nil
}

func (s *dataSyncService) updateLocationSmb(in *datasync.UpdateLocationSmbInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.location(dsDeref(in.LocationArn), "Smb")
	if err != nil {
		return nil, err
	}
	if in.ServerHostname != nil {
		if err := dsCheckHostname(*in.ServerHostname); err != nil {
			return nil, err
		}
	}
	if in.Subdirectory != nil {
		if err := dsCheckSubdir("Subdirectory", *in.Subdirectory, true); err != nil {
			return nil, err
		}
	}
	if in.AgentArns != nil {
		if err := dsCheckAgents(in.AgentArns, true); err != nil {
			return nil, err
		}
	}
	if in.MountOptions != nil {
		if err := checkSmbVersion(in.MountOptions.Version); err != nil {
			return nil, err
		}
	}
	if in.ServerHostname != nil {
		l.Hostname = *in.ServerHostname
	}
	if in.Subdirectory != nil {
		l.Subdirectory = *in.Subdirectory
	}
	if in.AgentArns != nil {
		l.AgentArns = in.AgentArns
	}
	if in.User != nil {
		l.User = *in.User
	}
	if in.Domain != nil {
		l.Domain = *in.Domain
	}
	if in.Password != nil {
		l.Password = *in.Password
	}
	if in.MountOptions != nil && in.MountOptions.Version != "" {
		l.SmbVersion = string(in.MountOptions.Version)
	}
	return struct{}{}, nil
}

func (s *dataSyncService) updateLocationS3(in *datasync.UpdateLocationS3Input) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.location(dsDeref(in.LocationArn), "S3")
	if err != nil {
		return nil, err
	}
	if in.Subdirectory != nil {
		if err := dsCheckSubdir("Subdirectory", *in.Subdirectory, false); err != nil {
			return nil, err
		}
	}
	if err := checkStorageClass(in.S3StorageClass); err != nil {
		return nil, err
	}
	if in.S3Config != nil && !dsRoleARNRE.MatchString(dsDeref(in.S3Config.BucketAccessRoleArn)) {
		return nil, dsInvalid("InvalidParameters", "S3Config.BucketAccessRoleArn must be an IAM role ARN, got %q.", dsDeref(in.S3Config.BucketAccessRoleArn))
	}
	if in.Subdirectory != nil {
		l.Subdirectory = *in.Subdirectory
	}
	if in.S3StorageClass != "" {
		l.StorageClass = string(in.S3StorageClass)
	}
	if in.S3Config != nil {
		l.RoleArn = dsDeref(in.S3Config.BucketAccessRoleArn)
	}
	return struct{}{}, nil
}

func (s *dataSyncService) updateLocationObjectStorage(in *datasync.UpdateLocationObjectStorageInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.location(dsDeref(in.LocationArn), "ObjectStorage")
	if err != nil {
		return nil, err
	}
	if in.ServerHostname != nil {
		if err := dsCheckHostname(*in.ServerHostname); err != nil {
			return nil, err
		}
	}
	if in.Subdirectory != nil {
		if err := dsCheckSubdir("Subdirectory", *in.Subdirectory, false); err != nil {
			return nil, err
		}
	}
	if in.AgentArns != nil {
		if err := dsCheckAgents(in.AgentArns, false); err != nil {
			return nil, err
		}
	}
	if err := checkObjectStorage(in.ServerPort, in.ServerProtocol); err != nil {
		return nil, err
	}
	if in.ServerHostname != nil {
		l.Hostname = *in.ServerHostname
	}
	if in.Subdirectory != nil {
		l.Subdirectory = *in.Subdirectory
	}
	if in.AgentArns != nil {
		l.AgentArns = in.AgentArns
	}
	if in.ServerPort != nil {
		l.Port = *in.ServerPort
	}
	if in.ServerProtocol != "" {
		l.Protocol = string(in.ServerProtocol)
	}
	if in.AccessKey != nil {
		l.AccessKey = *in.AccessKey
	}
	if in.SecretKey != nil {
		l.SecretKey = *in.SecretKey
	}
	return struct{}{}, nil
}

func (s *dataSyncService) updateLocationFsxLustre(in *datasync.UpdateLocationFsxLustreInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.location(dsDeref(in.LocationArn), "FsxLustre")
	if err != nil {
		return nil, err
	}
	if in.Subdirectory != nil {
		if err := dsCheckSubdir("Subdirectory", *in.Subdirectory, false); err != nil {
			return nil, err
		}
		l.Subdirectory = *in.Subdirectory
	}
	return struct{}{}, nil
}

func (s *dataSyncService) deleteLocation(arn string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.location(arn, ""); err != nil {
		return nil, err
	}
	delete(s.locations, arn)
	s.locOrder = filterIDs(s.locOrder, func(id string) bool { return s.locations[id] != nil })
	return struct{}{}, nil
}

func (s *dataSyncService) listLocations(in *datasync.ListLocationsInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	type entry struct {
		LocationArn string `json:"LocationArn"`
		LocationUri string `json:"LocationUri"`
	}
	var all []entry
	for _, arn := range s.locOrder {
		l := s.locations[arn]
		if dsMatchLocationFilters(l, in.Filters) {
			all = append(all, entry{l.ARN, l.uri()})
		}
	}
	start, end, next, err := JSONPage(len(all), in.MaxResults, in.NextToken, "loc", 100)
	if err != nil {
		return nil, dsInvalid("InvalidParameters", "%s", err.(*APIError).Message)
	}
	out := map[string]any{"Locations": append([]entry{}, all[start:end]...)}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func dsMatchLocationFilters(l *dsLocation, filters []dstypes.LocationFilter) bool {
	for _, f := range filters {
		var v string
		switch f.Name {
		case dstypes.LocationFilterNameLocationUri:
			v = l.uri()
		case dstypes.LocationFilterNameLocationType:
			v = strings.SplitN(l.uri(), ":", 2)[0]
			v = strings.ToUpper(strings.ReplaceAll(v, "-", "_"))
		default:
			continue
		}
		if !dsMatchOperator(v, f.Operator, f.Values) {
			return false
		}
	}
	return true
}

func dsMatchOperator(v string, op dstypes.Operator, values []string) bool {
	for _, want := range values {
		var ok bool
		switch op {
		case dstypes.OperatorEq, dstypes.OperatorIn:
			ok = v == want
		case dstypes.OperatorNe:
			ok = v != want
		case dstypes.OperatorContains:
			ok = strings.Contains(v, want)
		case dstypes.OperatorNotContains:
			ok = !strings.Contains(v, want)
		case dstypes.OperatorBeginsWith:
			ok = strings.HasPrefix(v, want)
		default:
			ok = true
		}
		if ok {
			return true
		}
	}
	return len(values) == 0
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
	merged := dsMergeTags(*cur, tags)
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
	drop := map[string]bool{}
	for _, k := range in.Keys {
		drop[k] = true
	}
	var kept []dsTag
	for _, t := range *cur {
		if !drop[t.Key] {
			kept = append(kept, t)
		}
	}
	*cur = kept
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
	start, end, next, err := JSONPage(len(tags), in.MaxResults, in.NextToken, "tag", 50)
	if err != nil {
		return nil, dsInvalid("InvalidParameters", "%s", err.(*APIError).Message)
	}
	out := map[string]any{"Tags": tags[start:end]}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}
