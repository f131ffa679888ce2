// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
)

type transferModel struct {
	ID                     types.String      `tfsdk:"id"`
	Name                   types.String      `tfsdk:"name"`
	Source                 *sourceModel      `tfsdk:"source"`
	Destination            *destinationModel `tfsdk:"destination"`
	SourceLocationARN      types.String      `tfsdk:"source_location_arn"`
	DestinationLocationARN types.String      `tfsdk:"destination_location_arn"`
	Schedule               types.String      `tfsdk:"schedule"`
	TaskMode               types.String      `tfsdk:"task_mode"`
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

// sameSubdir compares subdirectories as DataSync does (leading and trailing slashes do not matter).
func sameSubdir(a, b string) bool {
	return strings.Trim(a, "/") == strings.Trim(b, "/")
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

// ---- expand: model to spec ----

// expand turns the model into the spec the plain Go layer works from. The write-only secrets come
// from the configuration (sec); tags are the resource's own (the caller merges the provider's).
func (m *transferModel) expand(ctx context.Context, sec secrets) (TransferSpec, diag.Diagnostics) {
	var diags diag.Diagnostics
	spec := TransferSpec{
		Name: m.Name.ValueString(), Schedule: m.Schedule.ValueString(), CloudWatchLogGroupARN: m.CloudWatchLogGroupARN.ValueString(),
		WaitForCompletion: m.WaitForCompletion.ValueBool(), Options: m.Options.expand(), TaskMode: m.TaskMode.ValueString(),
	}
	var d diag.Diagnostics
	spec.Includes, d = stringList(ctx, m.Includes)
	diags.Append(d...)
	spec.Excludes, d = stringList(ctx, m.Excludes)
	diags.Append(d...)
	if m.Source != nil {
		spec.Source, d = m.Source.expand(ctx, sec)
		diags.Append(d...)
	}
	if m.Destination != nil {
		spec.Destination, d = m.Destination.expand(ctx)
		diags.Append(d...)
	}
	own := map[string]string{}
	if !m.Tags.IsNull() && !m.Tags.IsUnknown() {
		diags.Append(m.Tags.ElementsAs(ctx, &own, false)...)
	}
	spec.Tags = own
	return spec, diags
}

// transfer is what the state knows of the transfer, as the plain Go layer's Transfer.
func (m *transferModel) transfer(ctx context.Context, c *conns.Client) (*Transfer, diag.Diagnostics) {
	spec, diags := m.expand(ctx, secrets{})
	spec.Tags = c.MergeTags(spec.Tags)
	t := &Transfer{TransferSpec: spec, TaskARN: m.ID.ValueString(), SourceLocationARN: m.SourceLocationARN.ValueString(),
		DestinationLocationARN: m.DestinationLocationARN.ValueString(), Status: m.Status.ValueString()}
	if arn := lastExecutionField(m.LastExecution, "arn"); arn != "" {
		t.LastExecution = &Execution{ARN: arn, Status: lastExecutionField(m.LastExecution, "status")}
	}
	return t, diags
}

func (o *optionsModel) expand() *Options {
	if o == nil {
		return nil
	}
	out := &Options{
		VerifyMode: o.VerifyMode.ValueString(), OverwriteMode: o.OverwriteMode.ValueString(), TransferMode: o.TransferMode.ValueString(),
		PreserveDeletedFiles: o.PreserveDeletedFiles.ValueString(), LogLevel: o.LogLevel.ValueString(),
	}
	if !o.BandwidthLimit.IsNull() && !o.BandwidthLimit.IsUnknown() {
		v := o.BandwidthLimit.ValueInt64()
		out.BytesPerSecond = &v
	}
	return out
}

func (s *sourceModel) expand(ctx context.Context, sec secrets) (Source, diag.Diagnostics) {
	var out Source
	var diags diag.Diagnostics
	switch {
	case s.NFS != nil:
		agents, d := stringList(ctx, s.NFS.AgentARNs)
		diags.Append(d...)
		out.NFS = &NFS{ServerHostname: s.NFS.ServerHostname.ValueString(), Subdirectory: s.NFS.Subdirectory.ValueString(),
			AgentARNs: agents, MountVersion: s.NFS.MountVersion.ValueString()}
	case s.SMB != nil:
		agents, d := stringList(ctx, s.SMB.AgentARNs)
		diags.Append(d...)
		out.SMB = &SMB{ServerHostname: s.SMB.ServerHostname.ValueString(), Subdirectory: s.SMB.Subdirectory.ValueString(),
			User: s.SMB.User.ValueString(), Domain: s.SMB.Domain.ValueString(), AgentARNs: agents,
			Password: sec.SMBPassword, PasswordVersion: s.SMB.PasswordVersion.ValueInt64()}
	case s.S3 != nil:
		out.S3 = s.S3.expand()
	case s.ObjectStorage != nil:
		o := s.ObjectStorage
		agents, d := stringList(ctx, o.AgentARNs)
		diags.Append(d...)
		out.ObjectStorage = &ObjectStorage{ServerHostname: o.ServerHostname.ValueString(), ServerProtocol: o.ServerProtocol.ValueString(),
			BucketName: o.BucketName.ValueString(), Subdirectory: o.Subdirectory.ValueString(), AccessKey: o.AccessKey.ValueString(),
			SecretKey: sec.SecretKey, SecretKeyVersion: o.SecretKeyVersion.ValueInt64(), AgentARNs: agents}
		if !o.ServerPort.IsNull() && !o.ServerPort.IsUnknown() {
			out.ObjectStorage.ServerPort = int32(o.ServerPort.ValueInt64())
		}
	}
	return out, diags
}

func (s *s3Model) expand() *S3 {
	return &S3{BucketARN: s.BucketARN.ValueString(), Subdirectory: s.Subdirectory.ValueString(),
		BucketAccessRoleARN: s.BucketAccessRoleARN.ValueString(), StorageClass: s.StorageClass.ValueString()}
}

func (d *destinationModel) expand(ctx context.Context) (Destination, diag.Diagnostics) {
	var out Destination
	var diags diag.Diagnostics
	switch {
	case d.S3 != nil:
		out.S3 = d.S3.expand()
	case d.Lustre != nil:
		sgs, dd := stringList(ctx, d.Lustre.SecurityGroupARNs)
		diags.Append(dd...)
		out.Lustre = &Lustre{WorkspaceID: d.Lustre.WorkspaceID.ValueString(), FileSystemARN: d.Lustre.FileSystemARN.ValueString(),
			Subdirectory: d.Lustre.Subdirectory.ValueString(), SecurityGroupARNs: sgs}
	}
	return out, diags
}

// ---- flatten: what exists to model ----

// flattenComputed copies the computed attributes after a create or an update: the ARNs, the status,
// the options DataSync filled in, a server port DataSync chose, and the last execution.
func (m *transferModel) flattenComputed(t *Transfer) diag.Diagnostics {
	m.ID = types.StringValue(t.TaskARN)
	m.SourceLocationARN, m.DestinationLocationARN = types.StringValue(t.SourceLocationARN), types.StringValue(t.DestinationLocationARN)
	m.Status = types.StringValue(t.Status)
	if m.Options != nil && t.Options != nil {
		m.Options.flatten(t.Options)
	}
	if o := m.Source.ObjectStorage; o != nil && o.ServerPort.IsUnknown() {
		o.ServerPort = types.Int64Null()
		if t.Source.ObjectStorage != nil && t.Source.ObjectStorage.ServerPort > 0 {
			o.ServerPort = types.Int64Value(int64(t.Source.ObjectStorage.ServerPort))
		}
	}
	return m.flattenLastExecution(t.LastExecution)
}

func (m *transferModel) flattenLastExecution(e *Execution) diag.Diagnostics {
	if e == nil || !e.read {
		// Nothing ran, or what the state holds was not read again: keep it.
		if m.LastExecution.IsUnknown() || e == nil {
			m.LastExecution = types.ObjectNull(lastExecutionAttrTypes)
		}
		return nil
	}
	obj, d := e.object()
	m.LastExecution = obj
	return d
}

// flatten copies what exists into the model (Read and import). Options are reported only when the
// configuration manages them (or after import); subdirectories keep the configured spelling when
// they name the same directory.
func (m *transferModel) flatten(ctx context.Context, t *Transfer, defaults map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID, m.Name, m.Status = types.StringValue(t.TaskARN), types.StringValue(t.Name), types.StringValue(t.Status)
	m.SourceLocationARN, m.DestinationLocationARN = types.StringValue(t.SourceLocationARN), types.StringValue(t.DestinationLocationARN)
	m.CloudWatchLogGroupARN, m.Schedule = framework.StringOrNull(t.CloudWatchLogGroupARN), framework.StringOrNull(t.Schedule)
	m.TaskMode = types.StringValue(t.TaskMode)
	var d diag.Diagnostics
	m.Includes, d = listOf(ctx, t.Includes)
	diags.Append(d...)
	m.Excludes, d = listOf(ctx, t.Excludes)
	diags.Append(d...)
	if m.Options != nil && t.Options != nil {
		m.Options.flatten(t.Options)
	}
	if m.Source == nil {
		m.Source = &sourceModel{}
	}
	diags.Append(m.Source.flatten(ctx, t.Source)...)
	if m.Destination == nil {
		m.Destination = &destinationModel{}
	}
	diags.Append(m.Destination.flatten(ctx, t.Destination)...)
	m.Tags, d = framework.FlattenTags(ctx, t.Tags, m.Tags, defaults)
	diags.Append(d...)
	diags.Append(m.flattenLastExecution(t.LastExecution)...)
	return diags
}

func (o *optionsModel) flatten(in *Options) {
	o.VerifyMode = types.StringValue(in.VerifyMode)
	o.OverwriteMode = types.StringValue(in.OverwriteMode)
	o.TransferMode = types.StringValue(in.TransferMode)
	o.PreserveDeletedFiles = types.StringValue(in.PreserveDeletedFiles)
	o.LogLevel = types.StringValue(in.LogLevel)
	o.BandwidthLimit = types.Int64Value(-1)
	if in.BytesPerSecond != nil {
		o.BandwidthLimit = types.Int64Value(*in.BytesPerSecond)
	}
}

func (s *sourceModel) flatten(ctx context.Context, in Source) diag.Diagnostics {
	var diags diag.Diagnostics
	var d diag.Diagnostics
	switch {
	case in.NFS != nil:
		if s.NFS == nil {
			s.NFS = &nfsModel{Subdirectory: types.StringNull()}
		}
		n := s.NFS
		n.ServerHostname, n.Subdirectory = types.StringValue(in.NFS.ServerHostname), keepSubdir(n.Subdirectory, in.NFS.Subdirectory)
		n.AgentARNs, d = listOf(ctx, in.NFS.AgentARNs)
		diags.Append(d...)
		if in.NFS.MountVersion != "" {
			n.MountVersion = types.StringValue(in.NFS.MountVersion)
		}
	case in.SMB != nil:
		if s.SMB == nil {
			s.SMB = &smbModel{Subdirectory: types.StringNull(), PasswordVersion: types.Int64Null()}
		}
		m := s.SMB
		m.ServerHostname, m.Subdirectory = types.StringValue(in.SMB.ServerHostname), keepSubdir(m.Subdirectory, in.SMB.Subdirectory)
		m.User, m.Domain, m.Password = types.StringValue(in.SMB.User), framework.StringOrNull(in.SMB.Domain), types.StringNull() // write-only
		m.AgentARNs, d = listOf(ctx, in.SMB.AgentARNs)
		diags.Append(d...)
	case in.S3 != nil:
		if s.S3 == nil {
			s.S3 = &s3Model{Subdirectory: types.StringNull()}
		}
		s.S3.flatten(in.S3)
	case in.ObjectStorage != nil:
		if s.ObjectStorage == nil {
			s.ObjectStorage = &objectStorageModel{Subdirectory: types.StringNull(), AgentARNs: types.ListNull(types.StringType), SecretKeyVersion: types.Int64Null()}
		}
		diags.Append(s.ObjectStorage.flatten(ctx, in.ObjectStorage)...)
	}
	return diags
}

func (s *s3Model) flatten(in *S3) {
	s.BucketARN = types.StringValue(in.BucketARN)
	s.Subdirectory = keepSubdir(s.Subdirectory, in.Subdirectory)
	if in.BucketAccessRoleARN != "" {
		s.BucketAccessRoleARN = types.StringValue(in.BucketAccessRoleARN)
	}
	if in.StorageClass != "" {
		s.StorageClass = types.StringValue(in.StorageClass)
	}
}

func (o *objectStorageModel) flatten(ctx context.Context, in *ObjectStorage) diag.Diagnostics {
	o.ServerHostname, o.BucketName = types.StringValue(in.ServerHostname), types.StringValue(in.BucketName)
	o.Subdirectory = keepSubdir(o.Subdirectory, in.Subdirectory)
	if in.ServerPort > 0 {
		o.ServerPort = types.Int64Value(int64(in.ServerPort))
	}
	if in.ServerProtocol != "" {
		o.ServerProtocol = types.StringValue(in.ServerProtocol)
	}
	o.AccessKey = framework.StringOrNull(in.AccessKey)
	o.SecretKey = types.StringNull()
	var diags diag.Diagnostics
	if len(in.AgentARNs) > 0 || !o.AgentARNs.IsNull() {
		o.AgentARNs, diags = listOf(ctx, in.AgentARNs)
	}
	return diags
}

func (d *destinationModel) flatten(ctx context.Context, in Destination) diag.Diagnostics {
	switch {
	case in.S3 != nil:
		if d.S3 == nil {
			d.S3 = &s3Model{Subdirectory: types.StringNull()}
		}
		d.S3.flatten(in.S3)
	case in.Lustre != nil:
		if d.Lustre == nil {
			d.Lustre = &lustreModel{WorkspaceID: types.StringNull(), FileSystemARN: types.StringNull(), Subdirectory: types.StringNull()}
		}
		return d.Lustre.flatten(ctx, in.Lustre)
	}
	return nil
}

func (l *lustreModel) flatten(ctx context.Context, in *Lustre) diag.Diagnostics {
	switch {
	case l.WorkspaceID.IsNull() && l.FileSystemARN.IsNull():
		// Import: name the file system the way most configurations do, by workspace ID.
		l.WorkspaceID = types.StringValue(in.WorkspaceID)
	case l.WorkspaceID.IsNull():
		l.FileSystemARN = types.StringValue(in.FileSystemARN)
	case l.WorkspaceID.ValueString() != in.WorkspaceID:
		// The location points at another file system than the workspace: report drift.
		l.WorkspaceID = types.StringValue(in.WorkspaceID)
	}
	l.Subdirectory = keepSubdir(l.Subdirectory, in.Subdirectory)
	var diags diag.Diagnostics
	l.SecurityGroupARNs, diags = listOf(ctx, in.SecurityGroupARNs)
	return diags
}

// ---- last_execution ----

func (v *Execution) object() (types.Object, diag.Diagnostics) {
	started := types.StringNull()
	if v.StartedAt != nil {
		started = types.StringValue(v.StartedAt.UTC().Format(time.RFC3339))
	}
	return types.ObjectValue(lastExecutionAttrTypes, map[string]attr.Value{
		"arn":               types.StringValue(v.ARN),
		"status":            types.StringValue(v.Status),
		"bytes_transferred": types.Int64Value(v.BytesTransferred),
		"files_transferred": types.Int64Value(v.FilesTransferred),
		"started_at":        started,
		"duration_s":        types.Int64PointerValue(v.DurationS),
		"error_code":        framework.StringOrNull(v.ErrorCode),
		"error_detail":      framework.StringOrNull(v.ErrorDetail),
	})
}

// lastExecutionField reads a member of the stored last_execution.
func lastExecutionField(o types.Object, name string) string {
	if o.IsNull() || o.IsUnknown() {
		return ""
	}
	if s, ok := o.Attributes()[name].(types.String); ok {
		return s.ValueString()
	}
	return ""
}
