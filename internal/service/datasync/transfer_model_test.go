// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func strList(t *testing.T, v ...string) types.List {
	t.Helper()
	l, d := types.ListValueFrom(context.Background(), types.StringType, v)
	if d.HasError() {
		t.Fatal(d)
	}
	return l
}

func TestTaskExpandFlattenRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := &transferModel{
		Name:                  types.StringValue("ingest"),
		Schedule:              types.StringValue("rate(12 hours)"),
		Includes:              strList(t, "/raw", "*.csv"),
		Excludes:              strList(t, "*.tmp"),
		CloudWatchLogGroupARN: types.StringValue("arn:aws:logs:us-east-1:123456789012:log-group:/datasync"),
		Options: &optionsModel{
			VerifyMode: types.StringValue("ONLY_FILES_TRANSFERRED"), OverwriteMode: types.StringUnknown(),
			TransferMode: types.StringValue("CHANGED"), PreserveDeletedFiles: types.StringUnknown(),
			LogLevel: types.StringValue("BASIC"), BandwidthLimit: types.Int64Value(1 << 20),
		},
	}
	spec, d := m.expand(ctx, secrets{})
	if d.HasError() {
		t.Fatal(d)
	}
	spec.Tags = map[string]string{"team": "genomics"}
	in := expandCreateTask(spec, "src", "dst")
	if aws.ToString(in.Includes[0].Value) != "/raw|*.csv" || aws.ToString(in.Excludes[0].Value) != "*.tmp" ||
		in.Options.VerifyMode != dstypes.VerifyModeOnlyFilesTransferred || in.Options.OverwriteMode != "" ||
		aws.ToInt64(in.Options.BytesPerSecond) != 1<<20 || aws.ToString(in.Schedule.ScheduleExpression) != "rate(12 hours)" ||
		len(in.Tags) != 1 || aws.ToString(in.SourceLocationArn) != "src" {
		t.Fatalf("expand: %+v", in)
	}

	// What DataSync answers for that input, with its defaults filled in.
	out := &datasync.DescribeTaskOutput{
		TaskArn: aws.String("arn:aws:datasync:us-east-1:123456789012:task/task-0123456789abcdef0"), Name: in.Name,
		Status: dstypes.TaskStatusAvailable, SourceLocationArn: in.SourceLocationArn, DestinationLocationArn: in.DestinationLocationArn,
		CloudWatchLogGroupArn: in.CloudWatchLogGroupArn, Includes: in.Includes, Excludes: in.Excludes, Schedule: in.Schedule,
		Options: &dstypes.Options{VerifyMode: in.Options.VerifyMode, OverwriteMode: dstypes.OverwriteModeAlways, TransferMode: in.Options.TransferMode,
			PreserveDeletedFiles: dstypes.PreserveDeletedFilesPreserve, LogLevel: in.Options.LogLevel, BytesPerSecond: in.Options.BytesPerSecond},
	}
	tr := &Transfer{}
	flattenTask(tr, out)
	got := &transferModel{Options: &optionsModel{}, Tags: types.MapNull(types.StringType)}
	if d := got.flatten(ctx, tr, nil); d.HasError() {
		t.Fatal(d)
	}
	if !got.Includes.Equal(m.Includes) || !got.Excludes.Equal(m.Excludes) || !got.Schedule.Equal(m.Schedule) ||
		!got.CloudWatchLogGroupARN.Equal(m.CloudWatchLogGroupARN) || got.Options.OverwriteMode.ValueString() != "ALWAYS" ||
		got.Options.PreserveDeletedFiles.ValueString() != "PRESERVE" || got.Options.BandwidthLimit.ValueInt64() != 1<<20 ||
		got.ID.ValueString() != aws.ToString(out.TaskArn) || got.Status.ValueString() != "AVAILABLE" {
		t.Fatalf("flatten: %+v %+v", got, got.Options)
	}

	// No change → no UpdateTask; a removed schedule is sent as an empty expression; cleared filters as [].
	got.Name, got.RunOnApply = m.Name, m.RunOnApply
	same, _ := got.expand(ctx, secrets{})
	if upd := expandUpdateTask(tr, same); upd != nil {
		t.Errorf("expandUpdateTask without changes = %+v", upd)
	}
	next := *got
	next.Schedule = types.StringNull()
	next.Excludes = types.ListNull(types.StringType)
	nextSpec, _ := next.expand(ctx, secrets{})
	upd := expandUpdateTask(tr, nextSpec)
	if upd == nil || aws.ToString(upd.Schedule.ScheduleExpression) != "" || upd.Excludes == nil || len(upd.Excludes) != 0 || upd.Includes != nil {
		t.Errorf("expandUpdateTask = %+v", upd)
	}
}

func TestLocationFlatten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s3 := &s3Model{Subdirectory: types.StringValue("raw")}
	s3.flatten(s3From(&datasync.DescribeLocationS3Output{
		LocationArn: aws.String("arn:aws:datasync:us-east-1:123456789012:location/loc-0123456789abcdef0"),
		LocationUri: aws.String("s3://rayhpc-data-lake/raw/"), S3StorageClass: dstypes.S3StorageClassStandardIa,
		S3Config: &dstypes.S3Config{BucketAccessRoleArn: aws.String("arn:aws:iam::123456789012:role/r")},
	}))
	if s3.BucketARN.ValueString() != "arn:aws:s3:::rayhpc-data-lake" || s3.Subdirectory.ValueString() != "raw" || s3.StorageClass.ValueString() != "STANDARD_IA" {
		t.Errorf("s3 flatten kept %+v", s3)
	}
	s3.Subdirectory = types.StringValue("/other")
	s3.flatten(s3From(&datasync.DescribeLocationS3Output{LocationUri: aws.String("s3://b/raw/x/")}))
	if s3.Subdirectory.ValueString() != "/raw/x" {
		t.Errorf("s3 drift not reported: %s", s3.Subdirectory)
	}

	lustreOut := &datasync.DescribeLocationFsxLustreOutput{
		LocationArn:       aws.String("arn:aws:datasync:us-east-1:123456789012:location/loc-0123456789abcdef0"),
		LocationUri:       aws.String("fsxl://us-east-1.fs-0123456789abcdef0/"),
		SecurityGroupArns: []string{"arn:aws:ec2:us-east-1:123456789012:security-group/sg-01"},
	}
	// Configured by ARN: the ARN is kept up to date.
	l := &lustreModel{WorkspaceID: types.StringNull(), FileSystemARN: types.StringValue("arn:aws:fsx:us-east-1:123456789012:file-system/fs-old"), Subdirectory: types.StringNull()}
	if d := l.flatten(ctx, lustreFrom(lustreOut)); d.HasError() {
		t.Fatal(d)
	}
	if l.FileSystemARN.ValueString() != "arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0" || !l.WorkspaceID.IsNull() || !l.Subdirectory.IsNull() || len(l.SecurityGroupARNs.Elements()) != 1 {
		t.Errorf("lustre flatten: %+v", l)
	}
	// Imported (nothing known yet): the file system is named by workspace ID, as configurations do.
	imp := &lustreModel{WorkspaceID: types.StringNull(), FileSystemARN: types.StringNull(), Subdirectory: types.StringNull()}
	if d := imp.flatten(ctx, lustreFrom(lustreOut)); d.HasError() {
		t.Fatal(d)
	}
	if imp.WorkspaceID.ValueString() != "fs-0123456789abcdef0" || !imp.FileSystemARN.IsNull() {
		t.Errorf("imported lustre flatten: %+v", imp)
	}
	// Switching between the two spellings of the same file system needs no new location.
	expandDest := func(m *destinationModel) Destination {
		d, diags := m.expand(ctx)
		if diags.HasError() {
			t.Fatal(diags)
		}
		return d
	}
	byID := expandDest(&destinationModel{Lustre: &lustreModel{WorkspaceID: types.StringValue("fs-0123456789abcdef0"), FileSystemARN: types.StringNull(), SecurityGroupARNs: l.SecurityGroupARNs}})
	byARN := expandDest(&destinationModel{Lustre: l})
	if DestinationNeedsReplace(byARN, byID) {
		t.Error("naming the same file system by ID instead of ARN replaces the location")
	}
	other := expandDest(&destinationModel{Lustre: &lustreModel{WorkspaceID: types.StringValue("fs-0fffffffffffffff0"), FileSystemARN: types.StringNull(), SecurityGroupARNs: l.SecurityGroupARNs}})
	if !DestinationNeedsReplace(byARN, other) {
		t.Error("another file system does not replace the location")
	}

	o := &objectStorageModel{Subdirectory: types.StringNull(), AgentARNs: types.ListNull(types.StringType)}
	if d := o.flatten(ctx, objectStorageFrom(&datasync.DescribeLocationObjectStorageOutput{
		LocationUri: aws.String("object-storage://minio.lab/datasets/genomes/"), ServerPort: aws.Int32(9000), ServerProtocol: dstypes.ObjectStorageServerProtocolHttp,
	}, 0)); d.HasError() {
		t.Fatal(d)
	}
	if o.ServerHostname.ValueString() != "minio.lab" || o.BucketName.ValueString() != "datasets" || o.Subdirectory.ValueString() != "/genomes" || o.ServerPort.ValueInt64() != 9000 {
		t.Errorf("object storage flatten: %+v", o)
	}
}

func TestExecutionView(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	v := executionFrom(&datasync.DescribeTaskExecutionOutput{
		TaskExecutionArn: aws.String("arn:exec"), Status: dstypes.TaskExecutionStatusError, BytesTransferred: 10, FilesTransferred: 2, StartTime: &start,
		Result: &dstypes.TaskExecutionResultDetail{ErrorCode: aws.String("S3AccessDenied"), ErrorDetail: aws.String("denied"), TotalDuration: aws.Int64(4200)},
	})
	obj, d := v.object()
	if d.HasError() {
		t.Fatal(d)
	}
	a := obj.Attributes()
	if a["status"].(types.String).ValueString() != "ERROR" || a["duration_s"].(types.Int64).ValueInt64() != 4 ||
		a["started_at"].(types.String).ValueString() != "2026-01-02T03:04:05Z" || a["error_code"].(types.String).ValueString() != "S3AccessDenied" {
		t.Errorf("last_execution = %v", obj)
	}
	if lastExecutionField(obj, "arn") != "arn:exec" {
		t.Error("lastExecutionField")
	}
}

func TestReplacementRules(t *testing.T) {
	t.Parallel()
	s3 := func(bucket, sub string) *S3 {
		return &S3{BucketARN: bucket, Subdirectory: sub, BucketAccessRoleARN: "r", StorageClass: "STANDARD"}
	}
	if SourceNeedsReplace(Source{S3: s3("a", "/y")}, Source{S3: s3("a", "/x")}) {
		t.Error("an S3 subdirectory change is made in place")
	}
	if !SourceNeedsReplace(Source{S3: s3("b", "/x")}, Source{S3: s3("a", "/x")}) {
		t.Error("an S3 bucket change replaces the location")
	}
	if !SourceNeedsReplace(Source{S3: s3("a", "/x")}, Source{NFS: &NFS{ServerHostname: "h", Subdirectory: "/e"}}) {
		t.Error("changing the kind of source replaces the location")
	}
	lus := func(sg string) *Lustre {
		return &Lustre{WorkspaceID: "fs-1", Subdirectory: "/a", SecurityGroupARNs: []string{sg}}
	}
	if DestinationNeedsReplace(Destination{Lustre: lus("sg-1")}, Destination{Lustre: lus("sg-1")}) ||
		!DestinationNeedsReplace(Destination{Lustre: lus("sg-1")}, Destination{Lustre: lus("sg-2")}) {
		t.Error("Lustre destination replacement rules")
	}
}
