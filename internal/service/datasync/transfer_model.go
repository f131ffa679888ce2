// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type transferModel struct {
	ID                     types.String      `tfsdk:"id"`
	Name                   types.String      `tfsdk:"name"`
	Source                 *sourceModel      `tfsdk:"source"`
	Destination            *destinationModel `tfsdk:"destination"`
	SourceLocationARN      types.String      `tfsdk:"source_location_arn"`
	DestinationLocationARN types.String      `tfsdk:"destination_location_arn"`
	Schedule               types.String      `tfsdk:"schedule"`
	Options                *optionsModel     `tfsdk:"options"`
	Includes               types.List        `tfsdk:"includes"`
	Excludes               types.List        `tfsdk:"excludes"`
	CloudWatchLogGroupARN  types.String      `tfsdk:"cloudwatch_log_group_arn"`
	Tags                   types.Map         `tfsdk:"tags"`
	RunOnApply             types.Bool        `tfsdk:"run_on_apply"`
	WaitForCompletion      types.Bool        `tfsdk:"wait_for_completion"`
	Status                 types.String      `tfsdk:"status"`
	LastExecution          types.Object      `tfsdk:"last_execution"`
	Timeouts               timeouts.Value    `tfsdk:"timeouts"`
}

type sourceModel struct {
	NFS           *nfsModel           `tfsdk:"nfs"`
	SMB           *smbModel           `tfsdk:"smb"`
	S3            *s3Model            `tfsdk:"s3"`
	ObjectStorage *objectStorageModel `tfsdk:"object_storage"`
}

type destinationModel struct {
	S3     *s3Model     `tfsdk:"s3"`
	Lustre *lustreModel `tfsdk:"lustre"`
}

type nfsModel struct {
	ServerHostname types.String `tfsdk:"server_hostname"`
	Subdirectory   types.String `tfsdk:"subdirectory"`
	AgentARNs      types.List   `tfsdk:"agent_arns"`
	MountVersion   types.String `tfsdk:"mount_version"`
}

type smbModel struct {
	ServerHostname  types.String `tfsdk:"server_hostname"`
	Subdirectory    types.String `tfsdk:"subdirectory"`
	User            types.String `tfsdk:"user"`
	Password        types.String `tfsdk:"password"`
	PasswordVersion types.Int64  `tfsdk:"password_version"`
	Domain          types.String `tfsdk:"domain"`
	AgentARNs       types.List   `tfsdk:"agent_arns"`
}

type s3Model struct {
	BucketARN           types.String `tfsdk:"bucket_arn"`
	Subdirectory        types.String `tfsdk:"subdirectory"`
	BucketAccessRoleARN types.String `tfsdk:"bucket_access_role_arn"`
	StorageClass        types.String `tfsdk:"storage_class"`
}

type objectStorageModel struct {
	ServerHostname   types.String `tfsdk:"server_hostname"`
	ServerPort       types.Int64  `tfsdk:"server_port"`
	ServerProtocol   types.String `tfsdk:"server_protocol"`
	BucketName       types.String `tfsdk:"bucket_name"`
	Subdirectory     types.String `tfsdk:"subdirectory"`
	AccessKey        types.String `tfsdk:"access_key"`
	SecretKey        types.String `tfsdk:"secret_key"`
	SecretKeyVersion types.Int64  `tfsdk:"secret_key_version"`
	AgentARNs        types.List   `tfsdk:"agent_arns"`
}

type lustreModel struct {
	WorkspaceID       types.String `tfsdk:"workspace_id"`
	FileSystemARN     types.String `tfsdk:"file_system_arn"`
	Subdirectory      types.String `tfsdk:"subdirectory"`
	SecurityGroupARNs types.List   `tfsdk:"security_group_arns"`
}

type optionsModel struct {
	VerifyMode           types.String `tfsdk:"verify_mode"`
	OverwriteMode        types.String `tfsdk:"overwrite_mode"`
	TransferMode         types.String `tfsdk:"transfer_mode"`
	PreserveDeletedFiles types.String `tfsdk:"preserve_deleted_files"`
	LogLevel             types.String `tfsdk:"log_level"`
	BandwidthLimit       types.Int64  `tfsdk:"bandwidth_limit"`
}

// ---- helpers ----

func stringList(ctx context.Context, l types.List) ([]string, diag.Diagnostics) {
	if l.IsNull() || l.IsUnknown() {
		return nil, nil
	}
	var out []string
	d := l.ElementsAs(ctx, &out, false)
	return out, d
}

func listOf(ctx context.Context, v []string) (types.List, diag.Diagnostics) {
	if len(v) == 0 {
		return types.ListNull(types.StringType), nil
	}
	return types.ListValueFrom(ctx, types.StringType, v)
}

func optString(v types.String) *string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	return aws.String(v.ValueString())
}

func tagEntries(tags map[string]string) []dstypes.TagListEntry {
	if len(tags) == 0 {
		return nil
	}
	out := make([]dstypes.TagListEntry, 0, len(tags))
	for k, v := range tags {
		out = append(out, dstypes.TagListEntry{Key: aws.String(k), Value: aws.String(v)})
	}
	return out
}

// sameSubdir compares subdirectories as DataSync does (leading and trailing slashes do not matter).
func sameSubdir(a, b string) bool {
	return strings.Trim(a, "/") == strings.Trim(b, "/")
}

// subdirFromURI extracts the subdirectory from a location URI: after the host for nfs, smb and s3
// ("s3://bucket/sub/"), after host and bucket for object storage.
func subdirFromURI(uri string, skip int) string {
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	p := strings.Trim(u.Path, "/")
	parts := strings.SplitN(p, "/", skip+1)
	if len(parts) <= skip {
		return "/"
	}
	return "/" + parts[skip]
}

// ---- expand ----

// filterRules joins patterns into DataSync's one SIMPLE_PATTERN rule ("a|b").
func filterRules(ctx context.Context, l types.List) ([]dstypes.FilterRule, diag.Diagnostics) {
	patterns, d := stringList(ctx, l)
	if d.HasError() || len(patterns) == 0 {
		return nil, d
	}
	return []dstypes.FilterRule{{FilterType: dstypes.FilterTypeSimplePattern, Value: aws.String(strings.Join(patterns, "|"))}}, d
}

func (o *optionsModel) expand() *dstypes.Options {
	if o == nil {
		return nil
	}
	out := &dstypes.Options{
		VerifyMode:           dstypes.VerifyMode(o.VerifyMode.ValueString()),
		OverwriteMode:        dstypes.OverwriteMode(o.OverwriteMode.ValueString()),
		TransferMode:         dstypes.TransferMode(o.TransferMode.ValueString()),
		PreserveDeletedFiles: dstypes.PreserveDeletedFiles(o.PreserveDeletedFiles.ValueString()),
		LogLevel:             dstypes.LogLevel(o.LogLevel.ValueString()),
	}
	if !o.BandwidthLimit.IsNull() && !o.BandwidthLimit.IsUnknown() {
		out.BytesPerSecond = aws.Int64(o.BandwidthLimit.ValueInt64())
	}
	return out
}

func (o *optionsModel) flatten(in *dstypes.Options) {
	if in == nil {
		return
	}
	o.VerifyMode = types.StringValue(string(in.VerifyMode))
	o.OverwriteMode = types.StringValue(string(in.OverwriteMode))
	o.TransferMode = types.StringValue(string(in.TransferMode))
	o.PreserveDeletedFiles = types.StringValue(string(in.PreserveDeletedFiles))
	o.LogLevel = types.StringValue(string(in.LogLevel))
	o.BandwidthLimit = types.Int64Value(aws.ToInt64(in.BytesPerSecond))
	if in.BytesPerSecond == nil {
		o.BandwidthLimit = types.Int64Value(-1)
	}
}

func schedule(v types.String) *dstypes.TaskSchedule {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	return &dstypes.TaskSchedule{ScheduleExpression: aws.String(v.ValueString())}
}

// expandCreateTask builds CreateTaskInput for the given locations.
func (m *transferModel) expandCreateTask(ctx context.Context, src, dst string, tags map[string]string) (*datasync.CreateTaskInput, diag.Diagnostics) {
	var diags diag.Diagnostics
	inc, d := filterRules(ctx, m.Includes)
	diags.Append(d...)
	exc, d := filterRules(ctx, m.Excludes)
	diags.Append(d...)
	return &datasync.CreateTaskInput{
		Name:                   aws.String(m.Name.ValueString()),
		SourceLocationArn:      aws.String(src),
		DestinationLocationArn: aws.String(dst),
		CloudWatchLogGroupArn:  optString(m.CloudWatchLogGroupARN),
		Includes:               inc,
		Excludes:               exc,
		Options:                m.Options.expand(),
		Schedule:               schedule(m.Schedule),
		Tags:                   tagEntries(tags),
	}, diags
}

// expandUpdateTask builds UpdateTaskInput with the members that differ from state (nil when none do).
func (m *transferModel) expandUpdateTask(ctx context.Context, state *transferModel) (*datasync.UpdateTaskInput, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := &datasync.UpdateTaskInput{TaskArn: aws.String(state.ID.ValueString())}
	changed := false
	if !m.Name.Equal(state.Name) {
		in.Name, changed = aws.String(m.Name.ValueString()), true
	}
	if !m.Schedule.Equal(state.Schedule) {
		in.Schedule = schedule(m.Schedule)
		if in.Schedule == nil {
			in.Schedule = &dstypes.TaskSchedule{ScheduleExpression: aws.String("")} // removes the schedule
		}
		changed = true
	}
	if !m.CloudWatchLogGroupARN.Equal(state.CloudWatchLogGroupARN) {
		in.CloudWatchLogGroupArn, changed = aws.String(m.CloudWatchLogGroupARN.ValueString()), true
	}
	if !m.Includes.Equal(state.Includes) {
		rules, d := filterRules(ctx, m.Includes)
		diags.Append(d...)
		in.Includes, changed = append([]dstypes.FilterRule{}, rules...), true
	}
	if !m.Excludes.Equal(state.Excludes) {
		rules, d := filterRules(ctx, m.Excludes)
		diags.Append(d...)
		in.Excludes, changed = append([]dstypes.FilterRule{}, rules...), true
	}
	if !optionsEqual(m.Options, state.Options) && m.Options != nil {
		in.Options, changed = m.Options.expand(), true
	}
	if !changed {
		return nil, diags
	}
	return in, diags
}

func optionsEqual(a, b *optionsModel) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.VerifyMode.Equal(b.VerifyMode) && a.OverwriteMode.Equal(b.OverwriteMode) && a.TransferMode.Equal(b.TransferMode) &&
		a.PreserveDeletedFiles.Equal(b.PreserveDeletedFiles) && a.LogLevel.Equal(b.LogLevel) && a.BandwidthLimit.Equal(b.BandwidthLimit)
}

// ---- flatten ----

// flattenTask copies what DescribeTask reports into the model. Options are reported only when the
// configuration manages them (or after import).
func (m *transferModel) flattenTask(ctx context.Context, out *datasync.DescribeTaskOutput) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(aws.ToString(out.TaskArn))
	m.Name = types.StringValue(aws.ToString(out.Name))
	m.Status = types.StringValue(string(out.Status))
	m.SourceLocationARN = types.StringValue(aws.ToString(out.SourceLocationArn))
	m.DestinationLocationARN = types.StringValue(aws.ToString(out.DestinationLocationArn))
	m.CloudWatchLogGroupARN = types.StringPointerValue(out.CloudWatchLogGroupArn)
	if out.CloudWatchLogGroupArn != nil && *out.CloudWatchLogGroupArn == "" {
		m.CloudWatchLogGroupARN = types.StringNull()
	}
	m.Schedule = types.StringNull()
	if out.Schedule != nil && aws.ToString(out.Schedule.ScheduleExpression) != "" {
		m.Schedule = types.StringValue(aws.ToString(out.Schedule.ScheduleExpression))
	}
	var d diag.Diagnostics
	m.Includes, d = flattenFilter(ctx, out.Includes)
	diags.Append(d...)
	m.Excludes, d = flattenFilter(ctx, out.Excludes)
	diags.Append(d...)
	if m.Options != nil {
		m.Options.flatten(out.Options)
	}
	return diags
}

func flattenFilter(ctx context.Context, rules []dstypes.FilterRule) (types.List, diag.Diagnostics) {
	var patterns []string
	for _, r := range rules {
		for _, p := range strings.Split(aws.ToString(r.Value), "|") {
			if p != "" {
				patterns = append(patterns, p)
			}
		}
	}
	return listOf(ctx, patterns)
}

func bucketARNFromURI(locationARN, uri string) string {
	partition := "aws"
	if a, err := arn.Parse(locationARN); err == nil {
		partition = a.Partition
	}
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("arn:%s:s3:::%s", partition, u.Host)
}

// keepSubdir returns the configured spelling when it denotes the same directory as the API's.
func keepSubdir(cur types.String, api string) types.String {
	if !cur.IsNull() && !cur.IsUnknown() && sameSubdir(cur.ValueString(), api) {
		return cur
	}
	if cur.IsNull() && sameSubdir(api, "/") {
		return cur
	}
	return types.StringValue(api)
}

func (s *s3Model) flatten(out *datasync.DescribeLocationS3Output) {
	s.BucketARN = types.StringValue(bucketARNFromURI(aws.ToString(out.LocationArn), aws.ToString(out.LocationUri)))
	s.Subdirectory = keepSubdir(s.Subdirectory, subdirFromURI(aws.ToString(out.LocationUri), 0))
	if out.S3Config != nil {
		s.BucketAccessRoleARN = types.StringPointerValue(out.S3Config.BucketAccessRoleArn)
	}
	if out.S3StorageClass != "" {
		s.StorageClass = types.StringValue(string(out.S3StorageClass))
	}
}

func (n *nfsModel) flatten(ctx context.Context, out *datasync.DescribeLocationNfsOutput) diag.Diagnostics {
	u, _ := url.Parse(aws.ToString(out.LocationUri))
	if u != nil {
		n.ServerHostname = types.StringValue(u.Host)
	}
	n.Subdirectory = keepSubdir(n.Subdirectory, subdirFromURI(aws.ToString(out.LocationUri), 0))
	var diags diag.Diagnostics
	if out.OnPremConfig != nil {
		n.AgentARNs, diags = listOf(ctx, out.OnPremConfig.AgentArns)
	}
	if out.MountOptions != nil && out.MountOptions.Version != "" {
		n.MountVersion = types.StringValue(string(out.MountOptions.Version))
	}
	return diags
}

func (s *smbModel) flatten(ctx context.Context, out *datasync.DescribeLocationSmbOutput) diag.Diagnostics {
	u, _ := url.Parse(aws.ToString(out.LocationUri))
	if u != nil {
		s.ServerHostname = types.StringValue(u.Host)
	}
	s.Subdirectory = keepSubdir(s.Subdirectory, subdirFromURI(aws.ToString(out.LocationUri), 0))
	s.User = types.StringPointerValue(out.User)
	if out.Domain != nil && *out.Domain != "" {
		s.Domain = types.StringValue(*out.Domain)
	} else {
		s.Domain = types.StringNull()
	}
	s.Password = types.StringNull() // write-only
	var diags diag.Diagnostics
	s.AgentARNs, diags = listOf(ctx, out.AgentArns)
	return diags
}

func (o *objectStorageModel) flatten(ctx context.Context, out *datasync.DescribeLocationObjectStorageOutput) diag.Diagnostics {
	u, _ := url.Parse(aws.ToString(out.LocationUri))
	if u != nil {
		o.ServerHostname = types.StringValue(u.Host)
		parts := strings.SplitN(strings.Trim(u.Path, "/"), "/", 2)
		o.BucketName = types.StringValue(parts[0])
	}
	o.Subdirectory = keepSubdir(o.Subdirectory, subdirFromURI(aws.ToString(out.LocationUri), 1))
	if out.ServerPort != nil {
		o.ServerPort = types.Int64Value(int64(*out.ServerPort))
	}
	if out.ServerProtocol != "" {
		o.ServerProtocol = types.StringValue(string(out.ServerProtocol))
	}
	o.AccessKey = types.StringPointerValue(out.AccessKey)
	o.SecretKey = types.StringNull()
	var diags diag.Diagnostics
	if len(out.AgentArns) > 0 || !o.AgentARNs.IsNull() {
		o.AgentARNs, diags = listOf(ctx, out.AgentArns)
	}
	return diags
}

// fileSystemARNFromURI rebuilds the file system ARN from an fsxl://REGION.fs-ID/sub/ URI and the
// location's ARN (account and partition).
func fileSystemARNFromURI(locationARN, uri string) string {
	a, err := arn.Parse(locationARN)
	if err != nil {
		return ""
	}
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	region, id, ok := strings.Cut(u.Host, ".")
	if !ok {
		return ""
	}
	return fmt.Sprintf("arn:%s:fsx:%s:%s:file-system/%s", a.Partition, region, a.AccountID, id)
}

func (l *lustreModel) flatten(ctx context.Context, out *datasync.DescribeLocationFsxLustreOutput) diag.Diagnostics {
	fsARN := fileSystemARNFromURI(aws.ToString(out.LocationArn), aws.ToString(out.LocationUri))
	switch {
	case l.WorkspaceID.IsNull() && l.FileSystemARN.IsNull():
		// Import: name the file system the way most configurations do, by workspace ID.
		l.WorkspaceID = types.StringValue(fsARN[strings.LastIndex(fsARN, "/")+1:])
	case l.WorkspaceID.IsNull():
		l.FileSystemARN = types.StringValue(fsARN)
	case !strings.HasSuffix(fsARN, "/"+l.WorkspaceID.ValueString()):
		// The location points at another file system than the workspace: report drift.
		l.WorkspaceID = types.StringValue(fsARN[strings.LastIndex(fsARN, "/")+1:])
	}
	l.Subdirectory = keepSubdir(l.Subdirectory, subdirFromURI(aws.ToString(out.LocationUri), 0))
	var diags diag.Diagnostics
	l.SecurityGroupARNs, diags = listOf(ctx, out.SecurityGroupArns)
	return diags
}

// ---- last_execution ----

type executionView struct {
	ARN              string
	Status           string
	BytesTransferred int64
	FilesTransferred int64
	StartedAt        *time.Time
	DurationS        *int64
	ErrorCode        string
	ErrorDetail      string
}

func executionFrom(out *datasync.DescribeTaskExecutionOutput) executionView {
	v := executionView{
		ARN:              aws.ToString(out.TaskExecutionArn),
		Status:           string(out.Status),
		BytesTransferred: out.BytesTransferred,
		FilesTransferred: out.FilesTransferred,
		StartedAt:        out.StartTime,
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

func (v executionView) object() (types.Object, diag.Diagnostics) {
	started := types.StringNull()
	if v.StartedAt != nil {
		started = types.StringValue(v.StartedAt.UTC().Format(time.RFC3339))
	}
	str := func(s string) types.String {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	return types.ObjectValue(lastExecutionAttrTypes, map[string]attr.Value{
		"arn":               types.StringValue(v.ARN),
		"status":            types.StringValue(v.Status),
		"bytes_transferred": types.Int64Value(v.BytesTransferred),
		"files_transferred": types.Int64Value(v.FilesTransferred),
		"started_at":        started,
		"duration_s":        types.Int64PointerValue(v.DurationS),
		"error_code":        str(v.ErrorCode),
		"error_detail":      str(v.ErrorDetail),
	})
}

// lastExecutionARN and lastExecutionStatus read the stored last_execution.
func lastExecutionField(o types.Object, name string) string {
	if o.IsNull() || o.IsUnknown() {
		return ""
	}
	if s, ok := o.Attributes()[name].(types.String); ok {
		return s.ValueString()
	}
	return ""
}
