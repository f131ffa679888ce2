// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// The waiters poll at the provider's polling (c.Polling(): poll_interval, or the sandbox's
// RAYHPC_POLL_INTERVAL); the caller's context deadline bounds every wait.

func fsReason(fs *fsxtypes.FileSystem) string {
	if fs == nil || fs.FailureDetails == nil {
		return ""
	}
	return aws.ToString(fs.FailureDetails.Message)
}

func draReason(a *fsxtypes.DataRepositoryAssociation) string {
	if a == nil || a.FailureDetails == nil {
		return ""
	}
	return aws.ToString(a.FailureDetails.Message)
}

func statusFileSystem(conn FSxAPI, id string) func(context.Context) (*fsxtypes.FileSystem, string, error) {
	return func(ctx context.Context) (*fsxtypes.FileSystem, string, error) {
		fs, err := FindFileSystemByID(ctx, conn, id)
		if err != nil {
			return nil, "", err
		}
		return fs, string(fs.Lifecycle), nil
	}
}

func logPoll[T any](what string) func(context.Context, T, string) {
	return func(ctx context.Context, _ T, state string) {
		tflog.Debug(ctx, "waiting for "+what, map[string]any{"state": state})
	}
}

// WaitFileSystemCreated waits until a new file system is AVAILABLE. FAILED (or MISCONFIGURED) ends the wait
// with an error carrying FailureDetails.Message.
func WaitFileSystemCreated(ctx context.Context, c *conns.Client, id string) (*fsxtypes.FileSystem, error) {
	return wait.Waiter[*fsxtypes.FileSystem]{
		Refresh: statusFileSystem(c.FSx(), id),
		Pending: []string{string(fsxtypes.FileSystemLifecycleCreating)},
		Target:  []string{string(fsxtypes.FileSystemLifecycleAvailable)},
		Reason:  fsReason,
		Polling: c.Polling(),
		OnPoll:  logPoll[*fsxtypes.FileSystem]("FSx for Lustre file system create"),
	}.Wait(ctx)
}

// updateInProgress reports whether an administrative action of the file system is still running (FSx
// accepts no new update until it has finished, storage optimisation included).
func updateInProgress(fs *fsxtypes.FileSystem) bool {
	for _, a := range fs.AdministrativeActions {
		switch a.Status {
		case fsxtypes.StatusPending, fsxtypes.StatusInProgress, fsxtypes.StatusUpdatedOptimizing:
			return true
		}
	}
	return false
}

// fileSystemUpdateRunning reports whether a FILE_SYSTEM_UPDATE action is still before its target values
// took effect (PENDING or IN_PROGRESS). UPDATED_OPTIMIZING means the new values are in place.
func fileSystemUpdateRunning(fs *fsxtypes.FileSystem) bool {
	for _, a := range fs.AdministrativeActions {
		if a.AdministrativeActionType != fsxtypes.AdministrativeActionTypeFileSystemUpdate {
			continue
		}
		if a.Status == fsxtypes.StatusPending || a.Status == fsxtypes.StatusInProgress {
			return true
		}
	}
	return false
}

// failedUpdate returns the failure message of a failed FILE_SYSTEM_UPDATE action requested at or after
// since, if any. Older failed actions are history: FSx keeps them in AdministrativeActions, and they must
// not fail a later update. An action without a RequestTime is taken as this update's (AWS always sets it).
func failedUpdate(fs *fsxtypes.FileSystem, since time.Time) string {
	for _, a := range fs.AdministrativeActions {
		if a.AdministrativeActionType != fsxtypes.AdministrativeActionTypeFileSystemUpdate || a.Status != fsxtypes.StatusFailed {
			continue
		}
		if a.RequestTime != nil && a.RequestTime.Before(since) {
			continue
		}
		if a.FailureDetails != nil {
			return aws.ToString(a.FailureDetails.Message)
		}
		return "the file system update failed"
	}
	return ""
}

// UpdateRequestTime is the RequestTime FSx gave the FILE_SYSTEM_UPDATE action that an UpdateFileSystem
// call started (the newest in its answer), or fallback when the answer has none. Taking the time from
// FSx rather than the local clock keeps a skewed local clock from hiding this update's failure.
func UpdateRequestTime(fs *fsxtypes.FileSystem, fallback time.Time) time.Time {
	var newest time.Time
	if fs != nil {
		for _, a := range fs.AdministrativeActions {
			if a.AdministrativeActionType == fsxtypes.AdministrativeActionTypeFileSystemUpdate && a.RequestTime != nil && a.RequestTime.After(newest) {
				newest = *a.RequestTime
			}
		}
	}
	if newest.IsZero() {
		return fallback
	}
	return newest
}

const (
	stateUpdating = "UPDATING"
	stateDone     = "DONE"
)

// WaitFileSystemUpdated waits until the file system is AVAILABLE again and its FILE_SYSTEM_UPDATE
// administrative action has applied the new values (COMPLETED or UPDATED_OPTIMIZING). It fails only on a
// FILE_SYSTEM_UPDATE requested at or after since (the update's start, see UpdateRequestTime).
func WaitFileSystemUpdated(ctx context.Context, c *conns.Client, id string, since time.Time) (*fsxtypes.FileSystem, error) {
	failed := func(fs *fsxtypes.FileSystem) string { return failedUpdate(fs, since) }
	return waitAdministrative(ctx, c, id, fileSystemUpdateRunning, failed)
}

// WaitFileSystemIdle waits until the file system is AVAILABLE with no administrative action in progress
// (storage optimisation included), which FSx requires before it accepts another update.
// A failed earlier update does not fail this wait: it is finished, and the next update may proceed.
func WaitFileSystemIdle(ctx context.Context, c *conns.Client, id string) (*fsxtypes.FileSystem, error) {
	return waitAdministrative(ctx, c, id, updateInProgress, func(*fsxtypes.FileSystem) string { return "" })
}

func waitAdministrative(ctx context.Context, c *conns.Client, id string,
	busy func(*fsxtypes.FileSystem) bool, failed func(*fsxtypes.FileSystem) string,
) (*fsxtypes.FileSystem, error) {
	refresh := statusFileSystem(c.FSx(), id)
	return wait.Waiter[*fsxtypes.FileSystem]{
		Refresh: func(ctx context.Context) (*fsxtypes.FileSystem, string, error) {
			fs, state, err := refresh(ctx)
			if err != nil {
				return fs, state, err
			}
			switch {
			case failed(fs) != "" && !busy(fs):
				return fs, string(fsxtypes.StatusFailed), nil
			case state == string(fsxtypes.FileSystemLifecycleAvailable) && !busy(fs):
				return fs, stateDone, nil
			case state == string(fsxtypes.FileSystemLifecycleAvailable), state == string(fsxtypes.FileSystemLifecycleUpdating):
				return fs, stateUpdating, nil
			}
			return fs, state, nil
		},
		Pending: []string{stateUpdating},
		Target:  []string{stateDone},
		Reason: func(fs *fsxtypes.FileSystem) string {
			if m := failed(fs); m != "" {
				return m
			}
			return fsReason(fs)
		},
		Polling: c.Polling(),
		OnPoll:  logPoll[*fsxtypes.FileSystem]("FSx for Lustre file system update"),
	}.Wait(ctx)
}

// WaitFileSystemDeleted waits until the file system is gone.
func WaitFileSystemDeleted(ctx context.Context, c *conns.Client, id string) error {
	_, err := wait.Waiter[*fsxtypes.FileSystem]{
		Refresh: statusFileSystem(c.FSx(), id),
		Pending: []string{
			string(fsxtypes.FileSystemLifecycleAvailable), string(fsxtypes.FileSystemLifecycleDeleting),
			string(fsxtypes.FileSystemLifecycleUpdating), string(fsxtypes.FileSystemLifecycleCreating),
		},
		TargetGone: true,
		Reason:     fsReason,
		Polling:    c.Polling(),
		OnPoll:     logPoll[*fsxtypes.FileSystem]("FSx for Lustre file system delete"),
	}.Wait(ctx)
	return err
}

func statusAssociation(conn FSxAPI, id string) func(context.Context) (*fsxtypes.DataRepositoryAssociation, string, error) {
	return func(ctx context.Context) (*fsxtypes.DataRepositoryAssociation, string, error) {
		a, err := FindAssociationByID(ctx, conn, id)
		if err != nil {
			return nil, "", err
		}
		return a, string(a.Lifecycle), nil
	}
}

// WaitAssociationAvailable waits until a created or updated data repository association is AVAILABLE;
// FAILED and MISCONFIGURED end the wait with FailureDetails.Message.
func WaitAssociationAvailable(ctx context.Context, c *conns.Client, id string) (*fsxtypes.DataRepositoryAssociation, error) {
	return wait.Waiter[*fsxtypes.DataRepositoryAssociation]{
		Refresh: statusAssociation(c.FSx(), id),
		Pending: []string{string(fsxtypes.DataRepositoryLifecycleCreating), string(fsxtypes.DataRepositoryLifecycleUpdating)},
		Target:  []string{string(fsxtypes.DataRepositoryLifecycleAvailable)},
		Reason:  draReason,
		Polling: c.Polling(),
		OnPoll:  logPoll[*fsxtypes.DataRepositoryAssociation]("FSx data repository association"),
	}.Wait(ctx)
}

// WaitAssociationDeleted waits until a data repository association is gone.
func WaitAssociationDeleted(ctx context.Context, c *conns.Client, id string) error {
	_, err := wait.Waiter[*fsxtypes.DataRepositoryAssociation]{
		Refresh: statusAssociation(c.FSx(), id),
		Pending: []string{
			string(fsxtypes.DataRepositoryLifecycleDeleting), string(fsxtypes.DataRepositoryLifecycleAvailable),
			string(fsxtypes.DataRepositoryLifecycleMisconfigured), string(fsxtypes.DataRepositoryLifecycleFailed),
		},
		TargetGone: true,
		Reason:     draReason,
		Polling:    c.Polling(),
		OnPoll:     logPoll[*fsxtypes.DataRepositoryAssociation]("FSx data repository association delete"),
	}.Wait(ctx)
	return err
}
