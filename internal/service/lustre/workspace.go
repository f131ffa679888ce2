// SPDX-License-Identifier: MPL-2.0

// Package lustre holds rayhpc_lustre_workspace: one FSx for Lustre file system as a shared workspace on an
// S3 data lake, with its data repository associations and (optionally) its own security group.
//
// workspace.go is the plain Go layer (no Terraform types): CreateWorkspace, ReadWorkspace, UpdateWorkspace
// and DeleteWorkspace make, read, change and remove the whole workspace from a WorkspaceSpec. The
// Terraform resource is a thin translation over them, and the hybrid resource composes them.
package lustre

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// WorkspaceType is the Terraform type name, which is also the type of the ownership tags.
const WorkspaceType = "rayhpc_lustre_workspace"

// The parts of a workspace, as the ownership tag rayhpc:part names them.
const (
	partFileSystem    = "file-system"
	partSecurityGroup = "security-group"
	partAssociation   = "association"
)

// nameTagKey holds the workspace name on the file system.
const nameTagKey = "Name"

// cleanupTimeout bounds the removal of a security group left by a create that failed.
const cleanupTimeout = 5 * time.Minute

// WorkspaceSpec is everything a user asks of a workspace: what CreateWorkspace and UpdateWorkspace make,
// and what the rules look at. At plan time some values may not be known yet: unknown values are the zero
// value or nil, and the rules that need them are skipped.
type WorkspaceSpec struct {
	Name     string // the Name tag; also the owner identity (see package owner)
	SubnetID string
	// SecurityGroupIDs are the user's groups; empty means the workspace creates its own group allowing
	// Lustre traffic from itself, AllowedSecurityGroupIDs and AllowedCIDRBlocks (and, with EFA, all traffic
	// to and from itself).
	SecurityGroupIDs        []string
	AllowedSecurityGroupIDs []string
	AllowedCIDRBlocks       []string
	DataCompression         string // "" means NONE
	KMSKeyID                string
	// Tags are the resource's tags merged over the provider's default tags (without Name).
	Tags map[string]string

	DeploymentType string // "" when unknown
	StorageType    string // "" when unknown
	// StorageCapacityGiB is nil when unknown.
	StorageCapacityGiB *int64
	// PerUnitStorageThroughput is nil when not set; ThroughputUnknown says it is set but not yet known.
	PerUnitStorageThroughput *int64
	ThroughputUnknown        bool
	EFAEnabled               bool
	FileSystemTypeVersion    string // "" when not set or unknown
	KMSKeyIDSet              bool
	RootSquash               string // "" when not set or unknown
	DataRepositories         []DataRepositorySpec
}

// DataRepositorySpec is one data repository association; empty strings are unknown. ID is the existing
// association's ID (UpdateWorkspace's from side), empty for one still to create.
type DataRepositorySpec struct {
	ID                     string
	FileSystemPath         string
	S3URI                  string
	AutoImport             []string
	AutoExport             []string
	ImportMetadataOnCreate bool
}

// Workspace is what exists of a workspace.
type Workspace struct {
	FileSystem   *fsxtypes.FileSystem
	Associations []fsxtypes.DataRepositoryAssociation
	// SecurityGroupID is the group the workspace created ("" with the user's security_group_ids).
	SecurityGroupID string
	// Allowed is what the created group lets in on the Lustre ports; nil when it was not read or is gone.
	Allowed *AllowedSources
}

// AllowedSources are the other groups and CIDR blocks a workspace's group allows on the Lustre ports.
type AllowedSources struct {
	SecurityGroupIDs []string
	CIDRBlocks       []string
}

// ID is the file system ID ("" before the file system exists).
func (w *Workspace) ID() string {
	if w == nil || w.FileSystem == nil {
		return ""
	}
	return aws.ToString(w.FileSystem.FileSystemId)
}

// StepError says which step of a create or update failed; Index is the data repository's position for
// the association step (-1 otherwise).
type StepError struct {
	Step  string // StepSecurityGroup, StepFileSystem, StepWait, StepAssociation, StepTags, StepUpdate
	Index int
	Err   error
}

// The steps a StepError names.
const (
	StepSecurityGroup = "security group"
	StepFileSystem    = "file system"
	StepWait          = "waiting for the file system"
	StepAssociation   = "data repository association"
	StepTags          = "tags"
	StepUpdate        = "file system update"
)

func (e *StepError) Error() string { return e.Step + ": " + e.Err.Error() }
func (e *StepError) Unwrap() error { return e.Err }

func stepErr(step string, err error) error { return &StepError{Step: step, Index: -1, Err: err} }

// ownerOf is the identity of the workspace named name (see package owner).
func ownerOf(name string) owner.ID { return owner.New(WorkspaceType, name) }

// fileSystemTags are the tags the file system carries: the spec's, Name, and the ownership tags
// (with rayhpc:create=pending while its create runs).
func fileSystemTags(spec WorkspaceSpec, pending bool) map[string]string {
	own := ownerOf(spec.Name).Tags(partFileSystem)
	if pending {
		own = ownerOf(spec.Name).PendingTags(partFileSystem)
	}
	t := owner.With(spec.Tags, own)
	t[nameTagKey] = spec.Name
	return t
}

// CreateWorkspace makes the workspace: its security group (unless the spec brings groups), the file
// system, then the associations one at a time. It is safe to repeat after a crash or a lost answer: it
// adopts the file system, group and associations an interrupted create of the same name made (package
// owner), and refuses a finished workspace of the same name (owner.ConflictError). A group it made is
// deleted again when the file system cannot be created. Once the file system exists, a failure returns
// the workspace with it (so that the caller keeps track of it) and a *StepError.
func CreateWorkspace(ctx context.Context, c *conns.Client, spec WorkspaceSpec) (*Workspace, error) {
	o := ownerOf(spec.Name)
	fs, err := findOwnedFileSystem(ctx, c.FSx(), o)
	if err != nil {
		return nil, stepErr(StepFileSystem, err)
	}
	if fs != nil {
		if err := o.Adoptable(conns.FSxTagMap(fs.Tags), "FSx for Lustre file system "+aws.ToString(fs.FileSystemId)); err != nil {
			return nil, stepErr(StepFileSystem, err)
		}
		tflog.Info(ctx, "adopting the file system an interrupted create made", map[string]any{"file_system_id": aws.ToString(fs.FileSystemId)})
	}
	ws := &Workspace{}
	groups, createdGroup := spec.SecurityGroupIDs, false
	if len(groups) == 0 {
		ws.SecurityGroupID, createdGroup, err = ensureSecurityGroup(ctx, c, o, spec)
		if err != nil {
			return nil, stepErr(StepSecurityGroup, err)
		}
		groups = []string{ws.SecurityGroupID}
	} else if err := CheckSecurityGroups(ctx, c.EC2(), spec.SubnetID, groups, spec.EFAEnabled); err != nil {
		return nil, stepErr(StepSecurityGroup, err)
	}
	adopted := fs != nil
	if !adopted {
		if fs, err = createFileSystem(ctx, c.FSx(), o, spec, groups); err != nil {
			if createdGroup {
				cleanupSecurityGroup(ctx, c, ws.SecurityGroupID)
			}
			return nil, stepErr(StepFileSystem, err)
		}
	}
	ws.FileSystem = fs
	id := ws.ID()
	ctx = tflog.SetField(ctx, "file_system_id", id)
	if fs, err = WaitFileSystemCreated(ctx, c, id); err != nil {
		return ws, stepErr(StepWait, err)
	}
	ws.FileSystem = fs

	var existing []DataRepositorySpec
	if adopted {
		if err := reconcileAdopted(ctx, c, fs, spec); err != nil {
			return ws, stepErr(StepUpdate, err)
		}
		found, err := FindAssociationsByFileSystemID(ctx, c.FSx(), id)
		if err != nil {
			return ws, stepErr(StepAssociation, err)
		}
		existing = associationSpecs(found)
	}
	if err := applyAssociations(ctx, c, o, id, existing, spec.DataRepositories); err != nil {
		return ws, err
	}
	// The create is complete: the tags become the spec's, without rayhpc:create.
	if err := conns.UpdateFSxTags(ctx, c.FSx(), aws.ToString(fs.ResourceARN), conns.FSxTagMap(fs.Tags), fileSystemTags(spec, false)); err != nil {
		return ws, stepErr(StepTags, err)
	}
	return ReadWorkspace(ctx, c, id, ws.SecurityGroupID, false)
}

// createInput builds the CreateFileSystem request (without the idempotency token).
func createInput(spec WorkspaceSpec, groups []string) *fsx.CreateFileSystemInput {
	st := spec.StorageType
	if st == "" {
		st = StorageSSD
	}
	in := &fsx.CreateFileSystemInput{
		FileSystemType:   fsxtypes.FileSystemTypeLustre,
		StorageCapacity:  aws.Int32(int32(min(deref(spec.StorageCapacityGiB), MaxStorageCapacityGiB))), //nolint:gosec // capped at the API's int32 maximum
		StorageType:      fsxtypes.StorageType(st),
		SubnetIds:        []string{spec.SubnetID},
		SecurityGroupIds: groups,
		Tags:             conns.FSxTags(fileSystemTags(spec, true)),
		LustreConfiguration: &fsxtypes.CreateFileSystemLustreConfiguration{
			DeploymentType: fsxtypes.LustreDeploymentType(spec.DeploymentType),
		},
	}
	lc := in.LustreConfiguration
	if spec.FileSystemTypeVersion != "" {
		in.FileSystemTypeVersion = aws.String(spec.FileSystemTypeVersion)
	}
	if spec.KMSKeyID != "" {
		in.KmsKeyId = aws.String(spec.KMSKeyID)
	}
	if p := spec.PerUnitStorageThroughput; p != nil {
		lc.PerUnitStorageThroughput = aws.Int32(int32(*p)) //nolint:gosec // at most 1000 (validated)
	}
	if st == StorageHDD {
		// DriveCacheType is required for HDD storage (API Reference, CreateFileSystemLustreConfiguration).
		lc.DriveCacheType = fsxtypes.DriveCacheTypeNone
	}
	if spec.DataCompression != "" {
		lc.DataCompressionType = fsxtypes.DataCompressionType(spec.DataCompression)
	}
	if spec.RootSquash != "" {
		lc.RootSquashConfiguration = &fsxtypes.LustreRootSquashConfiguration{RootSquash: aws.String(spec.RootSquash)}
	}
	if spec.EFAEnabled {
		lc.EfaEnabled = aws.Bool(true)
		// EFA-enabled file systems need a metadata configuration [UG-EFA]; AUTOMATIC sizes the metadata IOPS
		// with the storage capacity.
		lc.MetadataConfiguration = &fsxtypes.CreateFileSystemLustreMetadataConfiguration{Mode: fsxtypes.MetadataConfigurationModeAutomatic}
	}
	return in
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// maxTokenGenerations bounds the retries of a create whose token answers with an earlier generation.
const maxTokenGenerations = 3

// createFileSystem calls CreateFileSystem with an idempotency token derived from the owner and the
// request, so that a repeated create (a retry after a lost answer, or a re-run) returns the same file
// system. When the token answers with a file system of an earlier generation that is being deleted (the
// same workspace destroyed and created again), the create is repeated with a token salted with that
// file system's ID — deterministic, so a crash in between converges too (see package owner).
func createFileSystem(ctx context.Context, conn *fsx.Client, o owner.ID, spec WorkspaceSpec, groups []string) (*fsxtypes.FileSystem, error) {
	in := createInput(spec, groups)
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	salt := []string{hex.EncodeToString(sum[:])}
	for range maxTokenGenerations {
		in.ClientRequestToken = aws.String(o.Token(partFileSystem, salt...))
		out, err := conn.CreateFileSystem(ctx, in)
		if err != nil {
			return nil, err
		}
		fs := out.FileSystem
		if fs.Lifecycle != fsxtypes.FileSystemLifecycleDeleting {
			return fs, nil
		}
		tflog.Info(ctx, "the create's token belongs to an earlier file system being deleted; creating with a new token",
			map[string]any{"file_system_id": aws.ToString(fs.FileSystemId)})
		salt = append(salt, aws.ToString(fs.FileSystemId))
	}
	return nil, fmt.Errorf("CreateFileSystem answered %d times with a file system being deleted", maxTokenGenerations)
}

// ReadWorkspace reads the file system id, its associations and, when groupID is set (or findGroup asks
// for the group the workspace created, on import), the Lustre rules of the workspace's group. It returns
// a wait.NotFoundError when the file system is gone.
func ReadWorkspace(ctx context.Context, c *conns.Client, id, groupID string, findGroup bool) (*Workspace, error) {
	fs, err := FindFileSystemByID(ctx, c.FSx(), id)
	if err != nil {
		return nil, err
	}
	ws := &Workspace{FileSystem: fs, SecurityGroupID: groupID}
	if ws.Associations, err = FindAssociationsByFileSystemID(ctx, c.FSx(), id); err != nil {
		return nil, fmt.Errorf("reading the data repository associations: %w", err)
	}
	if groupID == "" && findGroup {
		name := conns.FSxTagMap(fs.Tags)[nameTagKey]
		if ws.SecurityGroupID, err = findWorkspaceGroup(ctx, c.EC2(), ownerOf(name), id); err != nil {
			return nil, fmt.Errorf("finding the workspace's security group: %w", err)
		}
	}
	if ws.SecurityGroupID != "" {
		allowed, found, err := readSecurityGroupRules(ctx, c.EC2(), ws.SecurityGroupID)
		if err != nil {
			return nil, fmt.Errorf("reading security group %s: %w", ws.SecurityGroupID, err)
		}
		if found {
			ws.Allowed = allowed
		}
	}
	return ws, nil
}

// UpdateWorkspace moves a workspace from one spec to another: tags, the created group's rules, one
// UpdateFileSystem for the file system settings, then the associations (removals, changes, additions,
// one at a time). from.DataRepositories carry the existing associations' IDs. A storage capacity
// increase that FSx would refuse (less than 6 hours after the last one) fails before anything changes.
func UpdateWorkspace(ctx context.Context, c *conns.Client, ws *Workspace, from, to WorkspaceSpec) (*Workspace, error) {
	id := ws.ID()
	o := ownerOf(to.Name)
	if grows(from, to) {
		fs, err := FindFileSystemByID(ctx, c.FSx(), id)
		if err != nil {
			return nil, stepErr(StepUpdate, err)
		}
		if p := ValidateStorageIncrease(LastStorageIncrease(fs), time.Now()); p != nil {
			return nil, stepErr(StepUpdate, p)
		}
	}
	if err := conns.UpdateFSxTags(ctx, c.FSx(), aws.ToString(ws.FileSystem.ResourceARN), fileSystemTags(from, false), fileSystemTags(to, false)); err != nil {
		return nil, stepErr(StepTags, err)
	}
	if ws.SecurityGroupID != "" {
		if err := updateSecurityGroup(ctx, c, ws.SecurityGroupID, from, to); err != nil {
			return nil, stepErr(StepSecurityGroup, err)
		}
	}
	if in := updateInput(id, from, to); in != nil {
		if err := updateFileSystem(ctx, c, id, in); err != nil {
			return nil, stepErr(StepUpdate, err)
		}
	}
	if err := applyAssociations(ctx, c, o, id, from.DataRepositories, to.DataRepositories); err != nil {
		// Return what exists now, so that the caller records it and the next plan shows what remains.
		if now, rerr := ReadWorkspace(ctx, c, id, ws.SecurityGroupID, false); rerr == nil {
			return now, err
		}
		return nil, err
	}
	return ReadWorkspace(ctx, c, id, ws.SecurityGroupID, false)
}

func grows(from, to WorkspaceSpec) bool {
	return from.StorageCapacityGiB != nil && to.StorageCapacityGiB != nil && *to.StorageCapacityGiB > *from.StorageCapacityGiB
}

// LastStorageIncrease is when the last storage capacity increase of the file system was requested (the
// newest FILE_SYSTEM_UPDATE with a target storage capacity), or zero.
func LastStorageIncrease(fs *fsxtypes.FileSystem) time.Time {
	var last time.Time
	if fs == nil {
		return last
	}
	for _, a := range fs.AdministrativeActions {
		if a.AdministrativeActionType != fsxtypes.AdministrativeActionTypeFileSystemUpdate || a.RequestTime == nil ||
			a.TargetFileSystemValues == nil || a.TargetFileSystemValues.StorageCapacity == nil || a.Status == fsxtypes.StatusFailed {
			continue
		}
		if a.RequestTime.After(last) {
			last = *a.RequestTime
		}
	}
	return last
}

// updateFileSystem runs one UpdateFileSystem after any earlier administrative action has finished, and
// waits until its values are in place.
func updateFileSystem(ctx context.Context, c *conns.Client, id string, in *fsx.UpdateFileSystemInput) error {
	if _, err := WaitFileSystemIdle(ctx, c, id); err != nil {
		return fmt.Errorf("waiting for the previous update to finish: %w", err)
	}
	requested := time.Now()
	out, err := c.FSx().UpdateFileSystem(ctx, in)
	if err != nil {
		return err
	}
	// The wait fails only on a FILE_SYSTEM_UPDATE this call started, not on an older failed one.
	since := UpdateRequestTime(out.FileSystem, requested)
	if _, err := WaitFileSystemUpdated(ctx, c, id, since); err != nil {
		return fmt.Errorf("waiting for the update: %w", err)
	}
	return nil
}

// updateInput builds the UpdateFileSystem request for what changed, or nil when nothing the API updates
// changed.
func updateInput(id string, from, to WorkspaceSpec) *fsx.UpdateFileSystemInput {
	in := &fsx.UpdateFileSystemInput{FileSystemId: aws.String(id)}
	lc := &fsxtypes.UpdateFileSystemLustreConfiguration{}
	changed, lcChanged := false, false
	if c := to.StorageCapacityGiB; c != nil && deref(from.StorageCapacityGiB) != *c {
		in.StorageCapacity = aws.Int32(int32(min(*c, MaxStorageCapacityGiB))) //nolint:gosec // capped at the API's int32 maximum
		changed = true
	}
	if v := to.FileSystemTypeVersion; v != "" && v != from.FileSystemTypeVersion {
		in.FileSystemTypeVersion = aws.String(v)
		changed = true
	}
	if p := to.PerUnitStorageThroughput; p != nil && !to.ThroughputUnknown && deref(from.PerUnitStorageThroughput) != *p {
		lc.PerUnitStorageThroughput = aws.Int32(int32(*p)) //nolint:gosec // at most 1000 (validated)
		lcChanged = true
	}
	if d := to.DataCompression; d != "" && d != from.DataCompression {
		lc.DataCompressionType = fsxtypes.DataCompressionType(d)
		lcChanged = true
	}
	if to.RootSquash != from.RootSquash {
		rs := to.RootSquash
		if rs == "" {
			rs = "0:0" // turns root squash off
		}
		lc.RootSquashConfiguration = &fsxtypes.LustreRootSquashConfiguration{RootSquash: aws.String(rs)}
		lcChanged = true
	}
	if lcChanged {
		in.LustreConfiguration = lc
	}
	if !changed && !lcChanged {
		return nil
	}
	return in
}

// DeleteWorkspace deletes the file system (which deletes its associations; the S3 data stays), waits
// until it is gone, then deletes the workspace's security group. A file system already being deleted
// (a destroy interrupted after DeleteFileSystem) is waited for, not deleted again; one already gone is
// fine, and its group is still deleted.
func DeleteWorkspace(ctx context.Context, c *conns.Client, id, groupID string) error {
	fs, err := FindFileSystemByID(ctx, c.FSx(), id)
	switch {
	case wait.NotFound(err):
	case err != nil:
		return fmt.Errorf("reading file system %s: %w", id, err)
	case fs.Lifecycle != fsxtypes.FileSystemLifecycleDeleting:
		_, err := c.FSx().DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(id)})
		var nf *fsxtypes.FileSystemNotFound
		if err != nil && !errors.As(err, &nf) {
			return fmt.Errorf("deleting file system %s: %w", id, err)
		}
		fallthrough
	default:
		if err := WaitFileSystemDeleted(ctx, c, id); err != nil {
			return fmt.Errorf("waiting for file system %s delete: %w", id, err)
		}
	}
	if groupID != "" {
		if err := deleteSecurityGroup(ctx, c, groupID); err != nil {
			return fmt.Errorf("deleting security group %s (the file system is deleted; delete the group by hand if it is "+
				"no longer used): %w", groupID, err)
		}
	}
	return nil
}

// cleanupSecurityGroup deletes a group this create made after the create failed, with its own deadline.
func cleanupSecurityGroup(ctx context.Context, c *conns.Client, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if err := deleteSecurityGroup(ctx, c, id); err != nil {
		tflog.Warn(ctx, "could not delete the workspace's security group after a failed create", map[string]any{"security_group_id": id, "error": err.Error()})
	}
}

// reconcileAdopted brings a file system adopted from an interrupted create — made from the configuration
// of that time, which may have changed since — to the spec: what FSx updates in place is updated, and a
// difference FSx cannot make is an error naming it (so the workspace is never recorded with values other
// than those planned).
func reconcileAdopted(ctx context.Context, c *conns.Client, fs *fsxtypes.FileSystem, spec WorkspaceSpec) error {
	have := specOf(fs)
	st := spec.StorageType
	if st == "" {
		st = StorageSSD
	}
	var fixed []string
	if have.DeploymentType != spec.DeploymentType {
		fixed = append(fixed, fmt.Sprintf("deployment_type %s (wanted %s)", have.DeploymentType, spec.DeploymentType))
	}
	if have.StorageType != st {
		fixed = append(fixed, fmt.Sprintf("storage_type %s (wanted %s)", have.StorageType, st))
	}
	if have.SubnetID != spec.SubnetID {
		fixed = append(fixed, fmt.Sprintf("subnet_id %s (wanted %s)", have.SubnetID, spec.SubnetID))
	}
	if have.EFAEnabled != spec.EFAEnabled {
		fixed = append(fixed, fmt.Sprintf("efa_enabled %t (wanted %t)", have.EFAEnabled, spec.EFAEnabled))
	}
	if len(fixed) > 0 {
		id := aws.ToString(fs.FileSystemId)
		return fmt.Errorf("file system %s, which an interrupted create of this workspace made, has %s, which FSx cannot "+
			"change; restore those settings to adopt it, or delete it (aws fsx delete-file-system --file-system-id %s) "+
			"and apply again", id, strings.Join(fixed, ", "), id)
	}
	if in := updateInput(aws.ToString(fs.FileSystemId), have, spec); in != nil {
		return updateFileSystem(ctx, c, aws.ToString(fs.FileSystemId), in)
	}
	return nil
}

// specOf is what a file system is, as a spec (the settings CreateWorkspace and UpdateWorkspace compare).
func specOf(fs *fsxtypes.FileSystem) WorkspaceSpec {
	s := WorkspaceSpec{
		StorageType: string(fs.StorageType), FileSystemTypeVersion: aws.ToString(fs.FileSystemTypeVersion),
		StorageCapacityGiB: aws.Int64(int64(aws.ToInt32(fs.StorageCapacity))),
	}
	if len(fs.SubnetIds) > 0 {
		s.SubnetID = fs.SubnetIds[0]
	}
	if lc := fs.LustreConfiguration; lc != nil {
		s.DeploymentType = string(lc.DeploymentType)
		s.EFAEnabled = aws.ToBool(lc.EfaEnabled)
		s.DataCompression = string(lc.DataCompressionType)
		if lc.PerUnitStorageThroughput != nil {
			s.PerUnitStorageThroughput = aws.Int64(int64(*lc.PerUnitStorageThroughput))
		}
		if lc.RootSquashConfiguration != nil && aws.ToString(lc.RootSquashConfiguration.RootSquash) != "0:0" {
			s.RootSquash = aws.ToString(lc.RootSquashConfiguration.RootSquash)
		}
	}
	if s.DataCompression == "" {
		s.DataCompression = "NONE"
	}
	return s
}
