// SPDX-License-Identifier: MPL-2.0

// Package datasync holds rayhpc_datasync_transfer: a DataSync task with its own source and destination
// locations, optionally run (and waited for) on apply.
package datasync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// TransferSpec is everything a user asks of a transfer: the two locations, the task's settings, and
// whether to run it now.
type TransferSpec struct {
	Name                  string
	Source                Source
	Destination           Destination
	Schedule              string // "" for none
	TaskMode              string // BASIC or ENHANCED ("" for DataSync's default, BASIC)
	Options               *Options
	Includes, Excludes    []string
	CloudWatchLogGroupARN string
	Tags                  map[string]string // the complete tag set (provider defaults and own tags)
	Run                   bool              // start an execution (run_on_apply, when the inputs are new)
	WaitForCompletion     bool
}

// Source is exactly one of the source location kinds.
type Source struct {
	NFS           *NFS
	SMB           *SMB
	S3            *S3
	ObjectStorage *ObjectStorage
}

// Destination is exactly one of the destination location kinds.
type Destination struct {
	S3     *S3
	Lustre *Lustre
}

// NFS is an NFS export reached through agents.
type NFS struct {
	ServerHostname, Subdirectory string
	AgentARNs                    []string
	MountVersion                 string
}

// SMB is an SMB share reached through agents. Password is write-only: it is sent when the location is
// created, or when PasswordVersion changes.
type SMB struct {
	ServerHostname, Subdirectory, User, Domain string
	AgentARNs                                  []string
	Password                                   string
	PasswordVersion                            int64
}

// S3 is an S3 bucket.
type S3 struct {
	BucketARN, Subdirectory, BucketAccessRoleARN, StorageClass string
}

// ObjectStorage is an S3-compatible object store. SecretKey is write-only, sent on create or when
// SecretKeyVersion changes.
type ObjectStorage struct {
	ServerHostname   string
	ServerPort       int32 // 0: DataSync's default for the protocol
	ServerProtocol   string
	BucketName       string
	Subdirectory     string
	AccessKey        string
	SecretKey        string
	SecretKeyVersion int64
	AgentARNs        []string
}

// Lustre is an FSx for Lustre file system, named by workspace (file system) ID or by ARN.
type Lustre struct {
	WorkspaceID, FileSystemARN, Subdirectory string
	SecurityGroupARNs                        []string
}

// Options are the task options; empty members keep DataSync's defaults.
type Options struct {
	VerifyMode, OverwriteMode, TransferMode, PreserveDeletedFiles, LogLevel string
	BytesPerSecond                                                          *int64 // -1: no limit
}

// Transfer is what exists: the task and its two locations with their settings as DataSync reports
// them (secrets are never read back), and the execution this transfer last started.
type Transfer struct {
	TransferSpec
	TaskARN                string
	SourceLocationARN      string
	DestinationLocationARN string
	Status                 string
	LastExecution          *Execution
	Missing                []string // parts found deleted outside Terraform (ReadTransfer)
}

// Execution is a task execution as the transfer reports it.
type Execution struct {
	ARN              string
	Status           string
	BytesTransferred int64
	FilesTransferred int64
	StartedAt        *time.Time
	DurationS        *int64
	ErrorCode        string
	ErrorDetail      string
	read             bool // read from DataSync (not only known from the state)
}

// CreateTransfer creates the source and destination locations and the task, waits until the task is
// available and, with spec.Run, runs it. Locations made for a task that could not be created are
// deleted again. A task that exists but did not become available, or whose execution failed, is
// returned with the error so the caller can record it.
func CreateTransfer(ctx context.Context, c *conns.Client, spec TransferSpec) (*Transfer, error) {
	ds := c.DataSync()
	if l := spec.Destination.Lustre; l != nil {
		if err := checkLustreDestination(ctx, c, l); err != nil {
			return nil, err
		}
	}
	id := ownerOf(spec.Name)
	src, err := ensureLocation(ctx, ds, id, partSource, func(ctx context.Context) (string, error) {
		return createSource(ctx, ds, spec.Source, owner.With(spec.Tags, id.Tags(partSource)))
	})
	if err != nil {
		return nil, fmt.Errorf("creating the source location: %w", err)
	}
	dst, err := ensureLocation(ctx, ds, id, partDestination, func(ctx context.Context) (string, error) {
		return createDestination(ctx, c, spec.Destination, owner.With(spec.Tags, id.Tags(partDestination)))
	})
	if err != nil {
		cleanupLocations(ctx, ds, src)
		return nil, fmt.Errorf("creating the destination location: %w", err)
	}
	taskARN, err := createTask(ctx, ds, id, spec, src, dst)
	if err != nil {
		if taskARN == "" {
			cleanupLocations(ctx, ds, src, dst)
			return nil, fmt.Errorf("creating the task: %w\nThe locations just created were deleted again", err)
		}
		return &Transfer{TransferSpec: spec, TaskARN: taskARN, SourceLocationARN: src, DestinationLocationARN: dst}, err
	}
	t := &Transfer{TransferSpec: spec, TaskARN: taskARN, SourceLocationARN: src, DestinationLocationARN: dst,
		Status: string(dstypes.TaskStatusCreating)}
	t.Source, t.Destination = withoutSecrets(spec.Source), spec.Destination
	ctx = tflog.SetField(ctx, "datasync_task_arn", t.TaskARN)
	task, err := waitTaskAvailable(ctx, c, t.TaskARN)
	if err != nil {
		return t, fmt.Errorf("waiting for the task to become available: %w", err)
	}
	flattenTask(t, task)
	if err := readLocations(ctx, ds, t); err != nil {
		return t, err
	}
	if spec.Run {
		if err := runTransfer(ctx, c, t); err != nil {
			return t, err
		}
	}
	if err := finishCreate(ctx, ds, t.TaskARN); err != nil {
		return t, fmt.Errorf("marking the transfer created: %w", err)
	}
	return t, nil
}

// withoutSecrets is the source as it is recorded: the write-only values are never kept.
func withoutSecrets(s Source) Source {
	if s.SMB != nil {
		v := *s.SMB
		v.Password = ""
		s.SMB = &v
	}
	if s.ObjectStorage != nil {
		v := *s.ObjectStorage
		v.SecretKey = ""
		s.ObjectStorage = &v
	}
	return s
}

// cleanupLocations deletes locations created for a task that could not be created.
func cleanupLocations(ctx context.Context, ds *datasync.Client, arns ...string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	for _, a := range arns {
		if err := deleteLocation(ctx, ds, a); err != nil {
			tflog.Warn(ctx, "deleting a DataSync location left over by a failed create", map[string]any{"location_arn": a, "error": err.Error()})
		}
	}
}

// runTransfer starts an execution and, with WaitForCompletion, waits for it. The outcome is recorded
// in t.LastExecution; a failed execution returns *ExecutionFailedError.
func runTransfer(ctx context.Context, c *conns.Client, t *Transfer) error {
	ds := c.DataSync()
	out, err := ds.StartTaskExecution(ctx, &datasync.StartTaskExecutionInput{TaskArn: aws.String(t.TaskARN)})
	if err != nil {
		t.LastExecution = nil
		return &StartError{Err: err}
	}
	execARN := aws.ToString(out.TaskExecutionArn)
	ctx = tflog.SetField(ctx, "datasync_task_execution_arn", execARN)
	tflog.Info(ctx, "started DataSync task execution")
	var ex *datasync.DescribeTaskExecutionOutput
	if t.WaitForCompletion {
		ex, err = waitExecutionDone(ctx, c, execARN)
	} else {
		ex, err = findTaskExecution(ctx, ds, execARN)
	}
	t.LastExecution = &Execution{ARN: execARN, Status: string(dstypes.TaskExecutionStatusQueued), read: true}
	if ex != nil {
		t.LastExecution = executionFrom(ex)
	}
	if task, terr := findTask(ctx, ds, t.TaskARN); terr == nil {
		t.Status = string(task.Status)
	}
	return err
}

// StartError says StartTaskExecution itself failed (no execution exists).
type StartError struct{ Err error }

func (e *StartError) Error() string { return "starting the task execution: " + e.Err.Error() }
func (e *StartError) Unwrap() error { return e.Err }

// ReadTransfer reads the task known as prior.TaskARN and its locations. The kinds of the locations
// come from prior (on import, when prior knows none, from the locations' URIs). A part deleted outside
// Terraform is listed in Missing with its ARN emptied (the plan then replaces the transfer, and the
// destroy removes what is left of it); when no part exists it returns a NotFoundError. An execution
// that was still running is read again.
func ReadTransfer(ctx context.Context, c *conns.Client, prior Transfer) (*Transfer, error) {
	ds := c.DataSync()
	t := prior
	t.Missing = nil
	task, err := findTask(ctx, ds, prior.TaskARN)
	switch {
	case wait.NotFound(err) || prior.TaskARN == "":
		if prior.TaskARN != "" {
			t.Missing = append(t.Missing, "task "+prior.TaskARN)
		}
		t.TaskARN = ""
	case err != nil:
		return nil, err
	default:
		flattenTask(&t, task)
	}
	if err := readLocations(ctx, ds, &t); err != nil {
		return nil, err
	}
	if t.TaskARN == "" && t.SourceLocationARN == "" && t.DestinationLocationARN == "" {
		return nil, wait.NewNotFound(fmt.Sprintf("DataSync transfer (%s)", prior.TaskARN), nil)
	}
	if t.TaskARN == "" {
		return &t, nil
	}
	tags, err := listTags(ctx, ds, t.TaskARN)
	if err != nil {
		return nil, fmt.Errorf("reading tags: %w", err)
	}
	t.Tags = owner.WithoutOwnTags(tags)
	if e := t.LastExecution; e != nil && e.Status != string(dstypes.TaskExecutionStatusSuccess) && e.Status != string(dstypes.TaskExecutionStatusError) {
		if ex, err := findTaskExecution(ctx, ds, e.ARN); err == nil {
			t.LastExecution = executionFrom(ex)
		}
	}
	return &t, nil
}

// readLocations reads both locations into t; one that no longer exists is listed in t.Missing and its
// ARN emptied.
func readLocations(ctx context.Context, ds *datasync.Client, t *Transfer) error {
	if t.SourceLocationARN != "" {
		src, err := readSource(ctx, ds, t.SourceLocationARN, t.Source)
		switch {
		case wait.NotFound(err):
			t.Missing = append(t.Missing, "source location "+t.SourceLocationARN)
			t.SourceLocationARN = ""
		case err != nil:
			return err
		default:
			t.Source = src
		}
	}
	if t.DestinationLocationARN != "" {
		dst, err := readDestination(ctx, ds, t.DestinationLocationARN, t.Destination)
		switch {
		case wait.NotFound(err):
			t.Missing = append(t.Missing, "destination location "+t.DestinationLocationARN)
			t.DestinationLocationARN = ""
		case err != nil:
			return err
		default:
			t.Destination = dst
		}
	}
	return nil
}

// SourceNeedsReplace reports a change DataSync cannot make to the existing source location (a task's
// locations are fixed, so the whole transfer is replaced).
func SourceNeedsReplace(from, to Source) bool {
	switch {
	case (from.NFS == nil) != (to.NFS == nil), (from.SMB == nil) != (to.SMB == nil),
		(from.S3 == nil) != (to.S3 == nil), (from.ObjectStorage == nil) != (to.ObjectStorage == nil):
		return true
	case to.S3 != nil:
		return from.S3.BucketARN != to.S3.BucketARN
	case to.ObjectStorage != nil:
		return from.ObjectStorage.BucketName != to.ObjectStorage.BucketName
	}
	return false // NFS and SMB locations are updated in place entirely
}

// DestinationNeedsReplace reports a change DataSync cannot make to the existing destination location.
func DestinationNeedsReplace(from, to Destination) bool {
	switch {
	case (from.S3 == nil) != (to.S3 == nil), (from.Lustre == nil) != (to.Lustre == nil):
		return true
	case to.S3 != nil:
		return from.S3.BucketARN != to.S3.BucketARN
	case to.Lustre != nil:
		// The file system may be named by workspace ID or by ARN: only a different file system (or
		// different security groups) needs a new location, not a switch between the two spellings.
		return from.Lustre.fileSystemID() != to.Lustre.fileSystemID() ||
			!slices.Equal(from.Lustre.SecurityGroupARNs, to.Lustre.SecurityGroupARNs)
	}
	return false
}

// ErrNeedsReplace is returned by UpdateTransfer for a change only a new transfer can make.
var ErrNeedsReplace = errors.New("the change needs a new DataSync task: replace the transfer")

// UpdateTransfer brings the transfer from what it is to what spec asks, in place: the locations'
// settings, the task's settings and tags, and (with spec.Run) a new execution. Changes that need new
// locations return ErrNeedsReplace; the plan replaces the transfer for them.
func UpdateTransfer(ctx context.Context, c *conns.Client, from *Transfer, spec TransferSpec) (*Transfer, error) {
	if SourceNeedsReplace(from.Source, spec.Source) || DestinationNeedsReplace(from.Destination, spec.Destination) {
		return from, ErrNeedsReplace
	}
	ds := c.DataSync()
	t := *from
	if err := updateSource(ctx, ds, from.SourceLocationARN, from.Source, spec.Source); err != nil {
		return from, fmt.Errorf("updating the source location: %w", err)
	}
	if err := updateDestination(ctx, ds, from.DestinationLocationARN, from.Destination, spec.Destination); err != nil {
		return from, fmt.Errorf("updating the destination location: %w", err)
	}
	if in := expandUpdateTask(from, spec); in != nil {
		if _, err := ds.UpdateTask(ctx, in); err != nil {
			return from, fmt.Errorf("updating the task: %w", err)
		}
	}
	if err := updateTags(ctx, ds, []string{t.TaskARN, t.SourceLocationARN, t.DestinationLocationARN}, spec.Tags); err != nil {
		return from, fmt.Errorf("updating tags: %w", err)
	}
	task, err := findTask(ctx, ds, t.TaskARN)
	if err != nil {
		return from, err
	}
	t.TransferSpec = spec
	t.Source = withoutSecrets(spec.Source)
	flattenTask(&t, task)
	if spec.Run {
		return &t, runTransfer(ctx, c, &t)
	}
	return &t, nil
}

// updateTags reconciles the tags of the task and its locations with want.
func updateTags(ctx context.Context, ds *datasync.Client, arns []string, want map[string]string) error {
	for _, arn := range arns {
		have, err := listTags(ctx, ds, arn)
		if err != nil {
			return err
		}
		// The ownership tags stay as they are.
		if err := conns.UpdateDataSyncTags(ctx, ds, arn, owner.WithoutOwnTags(have), want); err != nil {
			return err
		}
	}
	return nil
}

// DeleteTransfer deletes the task (waiting until it is gone), then its two locations.
func DeleteTransfer(ctx context.Context, c *conns.Client, t *Transfer) error {
	if err := deleteTask(ctx, c, t.TaskARN); err != nil {
		return err
	}
	var errs []error
	for _, l := range []string{t.SourceLocationARN, t.DestinationLocationARN} {
		if err := deleteLocation(ctx, c.DataSync(), l); err != nil {
			errs = append(errs, fmt.Errorf("deleting location %s: %w", l, err))
		}
	}
	return errors.Join(errs...)
}

func deleteTask(ctx context.Context, c *conns.Client, arn string) error {
	if arn == "" {
		return nil
	}
	_, err := c.DataSync().DeleteTask(ctx, &datasync.DeleteTaskInput{TaskArn: aws.String(arn)})
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	return waitTaskDeleted(ctx, c, arn)
}
