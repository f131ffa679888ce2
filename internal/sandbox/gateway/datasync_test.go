// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
)

// Each phase lasts long enough that a poll every 10ms sees it even on a loaded machine (the tests
// assert every status an execution goes through).
var dsTestTimings = DataSyncTimings{
	TaskCreate:   100 * time.Millisecond,
	Queued:       250 * time.Millisecond,
	Launching:    250 * time.Millisecond,
	Preparing:    250 * time.Millisecond,
	Transferring: 400 * time.Millisecond,
	Verifying:    250 * time.Millisecond,
	Cancel:       100 * time.Millisecond,
}

// dsFakeS3 answers HEAD bucket and ListObjectsV2 for one bucket, in pages of 2.
func dsFakeS3(t *testing.T, bucket string, objects map[string]int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.TrimPrefix(r.URL.Path, "/") != bucket {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, "<Error><Code>NoSuchBucket</Code></Error>")
			return
		}
		if r.Method == http.MethodHead {
			return
		}
		prefix := r.URL.Query().Get("prefix")
		var keys []string
		for k := range objects {
			if strings.HasPrefix(k, prefix) {
				keys = append(keys, k)
			}
		}
		// Sorted, paged by 2 using the offset as the continuation token.
		for i := range keys {
			for j := i + 1; j < len(keys); j++ {
				if keys[j] < keys[i] {
					keys[i], keys[j] = keys[j], keys[i]
				}
			}
		}
		off := 0
		_, _ = fmt.Sscanf(r.URL.Query().Get("continuation-token"), "%d", &off)
		end := min(off+2, len(keys))
		var b strings.Builder
		b.WriteString(`<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
		for _, k := range keys[off:end] {
			fmt.Fprintf(&b, "<Contents><Key>%s</Key><Size>%d</Size></Contents>", k, objects[k])
		}
		if end < len(keys) {
			fmt.Fprintf(&b, "<IsTruncated>true</IsTruncated><NextContinuationToken>%d</NextContinuationToken>", end)
		} else {
			b.WriteString("<IsTruncated>false</IsTruncated>")
		}
		b.WriteString("</ListBucketResult>")
		_, _ = io.WriteString(w, b.String())
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newDSTestGateway(t *testing.T, motoURL string) (*Gateway, *datasync.Client) {
	t.Helper()
	g, err := New(Config{MotoURL: motoURL, AccountID: "210987654321"})
	if err != nil {
		t.Fatal(err)
	}
	g.SetDataSyncTimings(dsTestTimings)
	u, err := g.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	c := datasync.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(u),
	})
	return g, c
}

const dsRole = "arn:aws:iam::210987654321:role/datasync-s3"

func dsS3Location(t *testing.T, c *datasync.Client, bucket, subdir string) string {
	t.Helper()
	out, err := c.CreateLocationS3(context.Background(), &datasync.CreateLocationS3Input{
		S3BucketArn:  aws.String("arn:aws:s3:::" + bucket),
		Subdirectory: aws.String(subdir),
		S3Config:     &dstypes.S3Config{BucketAccessRoleArn: aws.String(dsRole)},
	})
	if err != nil {
		t.Fatalf("CreateLocationS3: %v", err)
	}
	return aws.ToString(out.LocationArn)
}

// dsWaitFor polls read until it reports one of want (each read's status is recorded, in order and
// without repeats), and fails the test when none came within 10 seconds. Tests wait on the sandbox's
// state, never sleep for its timings.
func dsWaitFor(t *testing.T, what string, read func() string, want ...string) []string {
	t.Helper()
	var seen []string
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for {
		st := read()
		if len(seen) == 0 || seen[len(seen)-1] != st {
			seen = append(seen, st)
		}
		if slices.Contains(want, st) {
			return seen
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("%s did not reach %v; saw %v", what, want, seen)
			return seen
		}
	}
}

func dsExecutionStatus(t *testing.T, c *datasync.Client, arn string) func() string {
	return func() string {
		out, err := c.DescribeTaskExecution(context.Background(), &datasync.DescribeTaskExecutionInput{TaskExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatalf("DescribeTaskExecution: %v", err)
		}
		return string(out.Status)
	}
}

// dsWaitTaskAvailable waits until a new task leaves CREATING.
func dsWaitTaskAvailable(t *testing.T, c *datasync.Client, arn *string) {
	t.Helper()
	dsWaitFor(t, "task "+aws.ToString(arn), func() string {
		out, err := c.DescribeTask(context.Background(), &datasync.DescribeTaskInput{TaskArn: arn})
		if err != nil {
			t.Fatalf("DescribeTask: %v", err)
		}
		return string(out.Status)
	}, string(dstypes.TaskStatusAvailable))
}

func dsWaitDone(t *testing.T, c *datasync.Client, arn string) (*datasync.DescribeTaskExecutionOutput, []dstypes.TaskExecutionStatus) {
	t.Helper()
	seen := dsWaitFor(t, "execution "+arn, dsExecutionStatus(t, c, arn),
		string(dstypes.TaskExecutionStatusSuccess), string(dstypes.TaskExecutionStatusError))
	out, err := c.DescribeTaskExecution(context.Background(), &datasync.DescribeTaskExecutionInput{TaskExecutionArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("DescribeTaskExecution: %v", err)
	}
	statuses := make([]dstypes.TaskExecutionStatus, len(seen))
	for i, s := range seen {
		statuses[i] = dstypes.TaskExecutionStatus(s)
	}
	return out, statuses
}

func TestDataSyncTransferFromS3(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s3 := dsFakeS3(t, "lake", map[string]int{
		"raw/a.csv": 100, "raw/b.csv": 200, "raw/c.tmp": 5000, "raw/sub/d.csv": 300, "raw/": 0, "other/e.csv": 7,
	})
	_, c := newDSTestGateway(t, s3.URL)

	src := dsS3Location(t, c, "lake", "/raw")
	if !regexp.MustCompile(`^arn:aws:datasync:us-east-1:210987654321:location/loc-[0-9a-f]{17}$`).MatchString(src) {
		t.Fatalf("location ARN %q", src)
	}
	nfs := dsNFSLocation(t, c)
	task := dsIngestTask(t, c, src, nfs)
	dsCheckFirstRun(t, c, task)

	// UpdateTask: schedule removed, includes set; locations stay.
	if _, err := c.UpdateTask(ctx, &datasync.UpdateTaskInput{
		TaskArn:  task,
		Schedule: &dstypes.TaskSchedule{ScheduleExpression: aws.String("")},
		Includes: []dstypes.FilterRule{{FilterType: dstypes.FilterTypeSimplePattern, Value: aws.String("/sub")}},
		Excludes: []dstypes.FilterRule{},
	}); err != nil {
		t.Fatalf("UpdateTask: %v", err)
	}
	ex2, err := c.StartTaskExecution(ctx, &datasync.StartTaskExecutionInput{TaskArn: task})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := dsWaitDone(t, c, aws.ToString(ex2.TaskExecutionArn))
	if out.FilesTransferred != 1 || out.BytesTransferred != 300 {
		t.Errorf("with include /sub: files=%d bytes=%d", out.FilesTransferred, out.BytesTransferred)
	}
	dt, _ := c.DescribeTask(ctx, &datasync.DescribeTaskInput{TaskArn: task})
	if dt.Schedule != nil {
		t.Errorf("schedule not removed: %+v", dt.Schedule)
	}
	list, err := c.ListTaskExecutions(ctx, &datasync.ListTaskExecutionsInput{TaskArn: task})
	if err != nil || len(list.TaskExecutions) != 2 {
		t.Fatalf("ListTaskExecutions = %+v, %v", list, err)
	}

	// Delete: task first, then the locations; then everything is not found.
	if _, err := c.DeleteTask(ctx, &datasync.DeleteTaskInput{TaskArn: task}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{src, nfs} {
		if _, err := c.DeleteLocation(ctx, &datasync.DeleteLocationInput{LocationArn: aws.String(l)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.DescribeTask(ctx, &datasync.DescribeTaskInput{TaskArn: task})
	var ire *dstypes.InvalidRequestException
	if !errors.As(err, &ire) || !strings.Contains(ire.ErrorMessage(), "not found") {
		t.Errorf("DescribeTask after delete: %v", err)
	}
	_, err = c.DescribeLocationS3(ctx, &datasync.DescribeLocationS3Input{LocationArn: aws.String(src)})
	if !errors.As(err, &ire) {
		t.Errorf("DescribeLocationS3 after delete: %v", err)
	}
}

// dsNFSLocation creates an NFS location and checks its description (URI, default mount version).
func dsNFSLocation(t *testing.T, c *datasync.Client) string {
	t.Helper()
	ctx := context.Background()
	nfs, err := c.CreateLocationNfs(ctx, &datasync.CreateLocationNfsInput{
		ServerHostname: aws.String("nfs.example.internal"),
		Subdirectory:   aws.String("/exports/ingest"),
		OnPremConfig:   &dstypes.OnPremConfig{AgentArns: []string{"arn:aws:datasync:us-east-1:210987654321:agent/agent-0123456789abcdef0"}},
	})
	if err != nil {
		t.Fatalf("CreateLocationNfs: %v", err)
	}
	dn, err := c.DescribeLocationNfs(ctx, &datasync.DescribeLocationNfsInput{LocationArn: nfs.LocationArn})
	if err != nil || aws.ToString(dn.LocationUri) != "nfs://nfs.example.internal/exports/ingest/" || dn.MountOptions.Version != dstypes.NfsVersionAutomatic {
		t.Fatalf("DescribeLocationNfs = %+v, %v", dn, err)
	}
	return aws.ToString(nfs.LocationArn)
}

// dsIngestTask creates a scheduled task from src to dst with an exclude, options and a tag, checks its
// description and tags, and waits until it is AVAILABLE.
func dsIngestTask(t *testing.T, c *datasync.Client, src, dst string) *string {
	t.Helper()
	ctx := context.Background()
	task, err := c.CreateTask(ctx, &datasync.CreateTaskInput{
		Name:                   aws.String("ingest"),
		SourceLocationArn:      aws.String(src),
		DestinationLocationArn: aws.String(dst),
		Schedule:               &dstypes.TaskSchedule{ScheduleExpression: aws.String("rate(12 hours)")},
		Excludes:               []dstypes.FilterRule{{FilterType: dstypes.FilterTypeSimplePattern, Value: aws.String("*.tmp")}},
		Options:                &dstypes.Options{VerifyMode: dstypes.VerifyModeOnlyFilesTransferred, BytesPerSecond: aws.Int64(1 << 20)},
		Tags:                   []dstypes.TagListEntry{{Key: aws.String("team"), Value: aws.String("genomics")}},
	})
	if err != nil {
		t.Fatalf("CreateTask: %v", err)
	}
	dt, err := c.DescribeTask(ctx, &datasync.DescribeTaskInput{TaskArn: task.TaskArn})
	if err != nil {
		t.Fatal(err)
	}
	if dt.Status != dstypes.TaskStatusCreating || aws.ToString(dt.Schedule.ScheduleExpression) != "rate(12 hours)" ||
		dt.Options.VerifyMode != dstypes.VerifyModeOnlyFilesTransferred || dt.Options.OverwriteMode != dstypes.OverwriteModeAlways ||
		aws.ToInt64(dt.Options.BytesPerSecond) != 1<<20 || len(dt.Excludes) != 1 {
		t.Fatalf("DescribeTask = %+v", dt)
	}
	tags, err := c.ListTagsForResource(ctx, &datasync.ListTagsForResourceInput{ResourceArn: task.TaskArn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "genomics" {
		t.Fatalf("ListTagsForResource = %+v, %v", tags, err)
	}
	dsWaitTaskAvailable(t, c, task.TaskArn)
	return task.TaskArn
}

// dsCheckFirstRun runs the task once: the execution goes through every status to SUCCESS, copies the
// three matching files (600 bytes) and verifies them, and the task is AVAILABLE again.
func dsCheckFirstRun(t *testing.T, c *datasync.Client, task *string) {
	t.Helper()
	ctx := context.Background()
	ex, err := c.StartTaskExecution(ctx, &datasync.StartTaskExecutionInput{TaskArn: task})
	if err != nil {
		t.Fatalf("StartTaskExecution: %v", err)
	}
	if !strings.HasPrefix(aws.ToString(ex.TaskExecutionArn), aws.ToString(task)+"/execution/exec-") {
		t.Fatalf("execution ARN %q", aws.ToString(ex.TaskExecutionArn))
	}
	dt, _ := c.DescribeTask(ctx, &datasync.DescribeTaskInput{TaskArn: task})
	if aws.ToString(dt.CurrentTaskExecutionArn) != aws.ToString(ex.TaskExecutionArn) {
		t.Fatalf("CurrentTaskExecutionArn = %v", dt.CurrentTaskExecutionArn)
	}
	out, seen := dsWaitDone(t, c, aws.ToString(ex.TaskExecutionArn))
	want := []dstypes.TaskExecutionStatus{"QUEUED", "LAUNCHING", "PREPARING", "TRANSFERRING", "VERIFYING", "SUCCESS"}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("statuses %v, want %v", seen, want)
	}
	// raw/a.csv, raw/b.csv, raw/sub/d.csv; not raw/c.tmp (excluded), the folder marker, or other/.
	if out.FilesTransferred != 3 || out.BytesTransferred != 600 || out.EstimatedBytesToTransfer != 600 || out.FilesVerified != 3 {
		t.Errorf("counters files=%d bytes=%d est=%d verified=%d", out.FilesTransferred, out.BytesTransferred, out.EstimatedBytesToTransfer, out.FilesVerified)
	}
	if out.Result.TransferStatus != dstypes.PhaseStatusSuccess || aws.ToInt64(out.Result.TotalDuration) <= 0 || out.EndTime == nil {
		t.Errorf("Result = %+v", out.Result)
	}
	dt, _ = c.DescribeTask(ctx, &datasync.DescribeTaskInput{TaskArn: task})
	if dt.Status != dstypes.TaskStatusAvailable || dt.CurrentTaskExecutionArn != nil {
		t.Errorf("task after execution: %s %v", dt.Status, dt.CurrentTaskExecutionArn)
	}

}

func TestDataSyncFailureInjectionAndCancel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	g, c := newDSTestGateway(t, "")
	_ = g
	src := dsS3Location(t, c, "no-moto-bucket", "/in")
	dst := dsS3Location(t, c, "no-moto-bucket", "/out")

	cases := []struct {
		name     string
		tags     []dstypes.TagListEntry
		wantCode string
		wantMsg  string
	}{
		{"sandbox-fail-by-name", nil, DataSyncInjectedErrorCode, "injected"},
		{"tagged", []dstypes.TagListEntry{{Key: aws.String(FailTagKey), Value: aws.String("S3AccessDenied: access denied to the source bucket")}}, "S3AccessDenied", "access denied to the source bucket"},
	}
	for _, tc := range cases {
		task, err := c.CreateTask(ctx, &datasync.CreateTaskInput{Name: aws.String(tc.name), SourceLocationArn: aws.String(src), DestinationLocationArn: aws.String(dst), Tags: tc.tags})
		if err != nil {
			t.Fatal(err)
		}
		dsWaitTaskAvailable(t, c, task.TaskArn)
		ex, err := c.StartTaskExecution(ctx, &datasync.StartTaskExecutionInput{TaskArn: task.TaskArn})
		if err != nil {
			t.Fatal(err)
		}
		out, seen := dsWaitDone(t, c, aws.ToString(ex.TaskExecutionArn))
		if out.Status != dstypes.TaskExecutionStatusError || aws.ToString(out.Result.ErrorCode) != tc.wantCode ||
			!strings.Contains(aws.ToString(out.Result.ErrorDetail), tc.wantMsg) || out.Result.TransferStatus != dstypes.PhaseStatusError {
			t.Errorf("%s: status %s result %+v (saw %v)", tc.name, out.Status, out.Result, seen)
		}
		if out.BytesTransferred <= 0 || out.BytesTransferred >= out.EstimatedBytesToTransfer {
			t.Errorf("%s: a failed transfer should stop part way: %d of %d", tc.name, out.BytesTransferred, out.EstimatedBytesToTransfer)
		}
		dt, _ := c.DescribeTask(ctx, &datasync.DescribeTaskInput{TaskArn: task.TaskArn})
		if aws.ToString(dt.ErrorCode) != tc.wantCode {
			t.Errorf("%s: task ErrorCode %v", tc.name, dt.ErrorCode)
		}
	}

	// Cancel: CANCELLING then ERROR/OpCancelled; a second execution queues behind the first.
	task, err := c.CreateTask(ctx, &datasync.CreateTaskInput{SourceLocationArn: aws.String(src), DestinationLocationArn: aws.String(dst)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.StartTaskExecution(ctx, &datasync.StartTaskExecutionInput{TaskArn: task.TaskArn}); err == nil {
		t.Error("StartTaskExecution on a CREATING task succeeded")
	}
	dsWaitTaskAvailable(t, c, task.TaskArn)
	ex1, _ := c.StartTaskExecution(ctx, &datasync.StartTaskExecutionInput{TaskArn: task.TaskArn})
	ex2, _ := c.StartTaskExecution(ctx, &datasync.StartTaskExecutionInput{TaskArn: task.TaskArn})
	// Once the first execution has left QUEUED, the second still waits behind it.
	dsWaitFor(t, "first execution", dsExecutionStatus(t, c, aws.ToString(ex1.TaskExecutionArn)),
		string(dstypes.TaskExecutionStatusLaunching), string(dstypes.TaskExecutionStatusPreparing), string(dstypes.TaskExecutionStatusTransferring))
	if d, _ := c.DescribeTaskExecution(ctx, &datasync.DescribeTaskExecutionInput{TaskExecutionArn: ex2.TaskExecutionArn}); d == nil || d.Status != dstypes.TaskExecutionStatusQueued {
		t.Errorf("second execution should queue behind the first: %+v", d)
	}
	if _, err := c.CancelTaskExecution(ctx, &datasync.CancelTaskExecutionInput{TaskExecutionArn: ex1.TaskExecutionArn}); err != nil {
		t.Fatal(err)
	}
	out, _ := dsWaitDone(t, c, aws.ToString(ex1.TaskExecutionArn))
	if out.Status != dstypes.TaskExecutionStatusError || aws.ToString(out.Result.ErrorCode) != "OpCancelled" {
		t.Errorf("cancelled: %s %+v", out.Status, out.Result)
	}
	out, seen := dsWaitDone(t, c, aws.ToString(ex2.TaskExecutionArn))
	if out.Status != dstypes.TaskExecutionStatusSuccess {
		t.Errorf("queued execution: %v", seen)
	}
	if _, err := c.CancelTaskExecution(ctx, &datasync.CancelTaskExecutionInput{TaskExecutionArn: ex2.TaskExecutionArn}); err == nil {
		t.Error("cancelling a finished execution succeeded")
	}
}

func TestDataSyncValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s3 := dsFakeS3(t, "lake", nil)
	_, c := newDSTestGateway(t, s3.URL)
	src := dsS3Location(t, c, "lake", "/a")
	dst := dsS3Location(t, c, "lake", "/b")
	agent := []string{"arn:aws:datasync:us-east-1:210987654321:agent/agent-0123456789abcdef0"}

	calls := map[string]func() error{
		"s3 missing bucket": func() error {
			_, err := c.CreateLocationS3(ctx, &datasync.CreateLocationS3Input{S3BucketArn: aws.String("arn:aws:s3:::nope"), S3Config: &dstypes.S3Config{BucketAccessRoleArn: aws.String(dsRole)}})
			return err
		},
		"s3 bad role": func() error {
			_, err := c.CreateLocationS3(ctx, &datasync.CreateLocationS3Input{S3BucketArn: aws.String("arn:aws:s3:::lake"), S3Config: &dstypes.S3Config{BucketAccessRoleArn: aws.String("role")}})
			return err
		},
		"nfs bad hostname": func() error {
			_, err := c.CreateLocationNfs(ctx, &datasync.CreateLocationNfsInput{ServerHostname: aws.String("bad host!"), Subdirectory: aws.String("/x"), OnPremConfig: &dstypes.OnPremConfig{AgentArns: agent}})
			return err
		},
		"smb no password": func() error {
			_, err := c.CreateLocationSmb(ctx, &datasync.CreateLocationSmbInput{ServerHostname: aws.String("h"), Subdirectory: aws.String("/x"), User: aws.String("u"), AgentArns: agent})
			return err
		},
		"object storage bad port": func() error {
			_, err := c.CreateLocationObjectStorage(ctx, &datasync.CreateLocationObjectStorageInput{ServerHostname: aws.String("h"), BucketName: aws.String("b"), ServerPort: aws.Int32(0)})
			return err
		},
		"fsx lustre missing file system": func() error {
			_, err := c.CreateLocationFsxLustre(ctx, &datasync.CreateLocationFsxLustreInput{
				FsxFilesystemArn:  aws.String("arn:aws:fsx:us-east-1:210987654321:file-system/fs-0123456789abcdef0"),
				SecurityGroupArns: []string{"arn:aws:ec2:us-east-1:210987654321:security-group/sg-0123"},
			})
			return err
		},
		"schedule too frequent": func() error {
			_, err := c.CreateTask(ctx, &datasync.CreateTaskInput{SourceLocationArn: aws.String(src), DestinationLocationArn: aws.String(dst), Schedule: &dstypes.TaskSchedule{ScheduleExpression: aws.String("rate(30 minutes)")}})
			return err
		},
		"remove with transfer all": func() error {
			_, err := c.CreateTask(ctx, &datasync.CreateTaskInput{SourceLocationArn: aws.String(src), DestinationLocationArn: aws.String(dst), Options: &dstypes.Options{PreserveDeletedFiles: dstypes.PreserveDeletedFilesRemove, TransferMode: dstypes.TransferModeAll}})
			return err
		},
		"bad enum": func() error {
			_, err := c.CreateTask(ctx, &datasync.CreateTaskInput{SourceLocationArn: aws.String(src), DestinationLocationArn: aws.String(dst), Options: &dstypes.Options{VerifyMode: "SOMETIMES"}})
			return err
		},
		"missing location": func() error {
			_, err := c.CreateTask(ctx, &datasync.CreateTaskInput{SourceLocationArn: aws.String(src), DestinationLocationArn: aws.String(src + "0")})
			return err
		},
	}
	for name, call := range calls {
		var ire *dstypes.InvalidRequestException
		if err := call(); !errors.As(err, &ire) {
			t.Errorf("%s: got %v, want InvalidRequestException", name, err)
		}
	}
	_, err := c.CreateTask(ctx, &datasync.CreateTaskInput{SourceLocationArn: aws.String(src), DestinationLocationArn: aws.String(dst), Schedule: &dstypes.TaskSchedule{ScheduleExpression: aws.String("rate(1 minute)")}})
	var ire *dstypes.InvalidRequestException
	if !errors.As(err, &ire) || aws.ToString(ire.ErrorCode_) != "InvalidParameters" || !strings.Contains(ire.ErrorMessage(), "1 hour") {
		t.Errorf("errorCode/message not surfaced: %v", err)
	}
}

func TestDataSyncScheduleExpressions(t *testing.T) {
	t.Parallel()
	for expr, ok := range map[string]bool{
		"rate(1 hour)":                true,
		"rate(12 hours)":              true,
		"rate(60 minutes)":            true,
		"rate(7 days)":                true,
		"rate(59 minutes)":            false,
		"rate(1 minute)":              false,
		"rate(1 hours)":               false,
		"rate(2 hour)":                false,
		"rate(0 hours)":               false,
		"cron(0 8 * * ? *)":           true,
		"cron(0 12 ? * SUN,WED *)":    true,
		"cron(0 8 ? * 3#1 *)":         true,
		"cron(*/5 * * * ? *)":         false,
		"cron(0,30 * * * ? *)":        false,
		"cron(* 8 * * ? *)":           false,
		"cron(0 8 * * *)":             false,
		"cron(0 8 * * MON *)":         false,
		"every hour":                  false,
		"cron(0 8 * * ? *); rm -rf /": false,
	} {
		err := validateDSSchedule(expr)
		if (err == nil) != ok {
			t.Errorf("validateDSSchedule(%q) = %v, want ok=%v", expr, err, ok)
		}
	}
}
