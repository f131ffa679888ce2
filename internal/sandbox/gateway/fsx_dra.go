// SPDX-License-Identifier: MPL-2.0

package gateway

// FSx for Lustre data repository associations (DRAs). Rules (FSx for Lustre
// User Guide, "Linking your file system to an S3 bucket" and the API model):
//   - DRAs are available on all Lustre deployment types except SCRATCH_1, and
//     not on file systems running Lustre 2.10 or created with an ImportPath;
//   - at most 8 DRAs per file system;
//   - FileSystemPath starts with "/"; two DRAs of a file system cannot have
//     overlapping file system paths, and "/" is allowed only for the first
//     (then only) DRA;
//   - DataRepositoryPath is s3://bucket[/prefix];
//   - ImportedFileChunkSize 1..512000 MiB (default 1024);
//   - AutoImportPolicy / AutoExportPolicy events are NEW, CHANGED, DELETED.
// FSx processes association changes of one file system one at a time: while
// one is CREATING, UPDATING or DELETING, another Create/Update/Delete on the
// same file system is refused with BadRequest.
//
// If moto can be asked and the S3 bucket does not exist, the association ends
// in MISCONFIGURED with FailureDetails. The "sandbox:fail" tag makes it FAILED.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// MaxAssociationsPerFileSystem is FSx's limit of DRAs per file system.
const MaxAssociationsPerFileSystem = 8

type s3Policy struct {
	AutoImport *[]string
	AutoExport *[]string
}

type draUpdate struct {
	end       time.Time
	chunkSize *int32
	s3        *s3Policy
}

type dataRepoAssoc struct {
	ID             string
	ARN            string
	FileSystemID   string
	FileSystemPath string
	RepoPath       string
	BatchImport    bool
	ChunkSize      int32
	S3             s3Policy
	Tags           []fsTag
	CreatedAt      time.Time
	FailMessage    string
	Misconfigured  string
	DeleteAt       time.Time
	DeleteData     bool
	pending        *draUpdate
}

func (d *dataRepoAssoc) apply(u *draUpdate) {
	if u.chunkSize != nil {
		d.ChunkSize = *u.chunkSize
	}
	if u.s3 != nil {
		if u.s3.AutoImport != nil {
			d.S3.AutoImport = u.s3.AutoImport
		}
		if u.s3.AutoExport != nil {
			d.S3.AutoExport = u.s3.AutoExport
		}
	}
}

func (d *dataRepoAssoc) lifecycle(now time.Time, t Timings) string {
	switch {
	case !d.DeleteAt.IsZero():
		return string(fsxtypes.DataRepositoryLifecycleDeleting)
	case now.Before(d.CreatedAt.Add(t.DRACreate)):
		return string(fsxtypes.DataRepositoryLifecycleCreating)
	case d.FailMessage != "":
		return string(fsxtypes.DataRepositoryLifecycleFailed)
	case d.Misconfigured != "":
		return string(fsxtypes.DataRepositoryLifecycleMisconfigured)
	case d.pending != nil && now.Before(d.pending.end):
		return string(fsxtypes.DataRepositoryLifecycleUpdating)
	}
	return string(fsxtypes.DataRepositoryLifecycleAvailable)
}

func (d *dataRepoAssoc) busy(now time.Time, t Timings) bool {
	switch d.lifecycle(now, t) {
	case "CREATING", "UPDATING", "DELETING":
		return true
	}
	return false
}

type eventsOut struct {
	Events []string `json:"Events"`
}

type s3ConfigOut struct {
	AutoExportPolicy *eventsOut `json:"AutoExportPolicy,omitempty"`
	AutoImportPolicy *eventsOut `json:"AutoImportPolicy,omitempty"`
}

type draOut struct {
	AssociationID               string        `json:"AssociationId"`
	BatchImportMetaDataOnCreate bool          `json:"BatchImportMetaDataOnCreate"`
	CreationTime                *EpochSeconds `json:"CreationTime,omitempty"`
	DataRepositoryPath          string        `json:"DataRepositoryPath"`
	FailureDetails              *fsxMessage   `json:"FailureDetails,omitempty"`
	FileSystemID                string        `json:"FileSystemId"`
	FileSystemPath              string        `json:"FileSystemPath"`
	ImportedFileChunkSize       int32         `json:"ImportedFileChunkSize"`
	Lifecycle                   string        `json:"Lifecycle"`
	ResourceARN                 string        `json:"ResourceARN"`
	S3                          *s3ConfigOut  `json:"S3,omitempty"`
	Tags                        []fsTag       `json:"Tags,omitempty"`
}

func (s *fsxService) renderDRA(d *dataRepoAssoc, now time.Time) draOut {
	lc := d.lifecycle(now, s.g.Timings())
	out := draOut{
		AssociationID:               d.ID,
		BatchImportMetaDataOnCreate: d.BatchImport,
		CreationTime:                Epoch(d.CreatedAt),
		DataRepositoryPath:          d.RepoPath,
		FileSystemID:                d.FileSystemID,
		FileSystemPath:              d.FileSystemPath,
		ImportedFileChunkSize:       d.ChunkSize,
		Lifecycle:                   lc,
		ResourceARN:                 d.ARN,
		Tags:                        d.Tags,
	}
	switch lc {
	case "FAILED":
		out.FailureDetails = &fsxMessage{Message: d.FailMessage}
	case "MISCONFIGURED":
		out.FailureDetails = &fsxMessage{Message: d.Misconfigured}
	}
	if d.S3.AutoImport != nil || d.S3.AutoExport != nil {
		out.S3 = &s3ConfigOut{}
		if d.S3.AutoImport != nil {
			out.S3.AutoImportPolicy = &eventsOut{Events: *d.S3.AutoImport}
		}
		if d.S3.AutoExport != nil {
			out.S3.AutoExportPolicy = &eventsOut{Events: *d.S3.AutoExport}
		}
	}
	return out
}

func draNotFound(id string) error {
	return Errorf("DataRepositoryAssociationNotFound", "Data repository association '%s' does not exist.", id)
}

func validateS3Policy(c *fsxtypes.S3DataRepositoryConfiguration) (*s3Policy, error) {
	if c == nil {
		return nil, nil
	}
	p := &s3Policy{}
	conv := func(kind string, events []fsxtypes.EventType) (*[]string, error) {
		out := []string{}
		seen := map[string]bool{}
		for _, e := range events {
			v := string(e)
			if !oneOf(v, "NEW", "CHANGED", "DELETED") {
				return nil, badRequest("Invalid %s event type %s. Valid values are NEW, CHANGED and DELETED.", kind, v)
			}
			if seen[v] {
				return nil, badRequest("Duplicate %s event type %s.", kind, v)
			}
			seen[v] = true
			out = append(out, v)
		}
		return &out, nil
	}
	var err error
	if c.AutoImportPolicy != nil {
		if p.AutoImport, err = conv("AutoImportPolicy", c.AutoImportPolicy.Events); err != nil {
			return nil, err
		}
	}
	if c.AutoExportPolicy != nil {
		if p.AutoExport, err = conv("AutoExportPolicy", c.AutoExportPolicy.Events); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// normDirPath returns p with exactly one trailing slash, for overlap checks.
func normDirPath(p string) string {
	return strings.TrimRight(p, "/") + "/"
}

// serialisationCheck refuses an association change while another association
// of the same file system is being created, updated or deleted.
func (s *fsxService) serialisationCheck(fsID, exceptID string, now time.Time) error {
	t := s.g.Timings()
	for _, id := range s.draOrd {
		d := s.dras[id]
		if d == nil || d.FileSystemID != fsID || d.ID == exceptID {
			continue
		}
		if d.busy(now, t) {
			return badRequest("Unable to process the request for file system %s: another data repository association (%s) is being %s. Data repository association changes of a file system are processed one at a time; retry when it has completed.",
				fsID, d.ID, strings.ToLower(d.lifecycle(now, t)))
		}
	}
	return nil
}

func (s *fsxService) createDRA(r *http.Request, region string, in *fsx.CreateDataRepositoryAssociationInput) (any, error) {
	d, err := newDRA(in)
	if err != nil {
		return nil, err
	}
	// Ask moto whether the bucket exists (outside the lock).
	bucket := s3Bucket(d.RepoPath)
	if exists, ok := s.g.bucketExists(context.WithoutCancel(r.Context()), region, bucket); ok && !exists {
		d.Misconfigured = fmt.Sprintf("The S3 bucket %s does not exist or Amazon FSx cannot access it.", bucket)
	}

	now := s.g.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(now)
	if tok := deref(in.ClientRequestToken); tok != "" {
		if id, ok := s.tokens["dra:"+tok]; ok {
			if d := s.dras[id]; d != nil {
				return map[string]any{"Association": s.renderDRA(d, now)}, nil
			}
		}
	}
	fs := s.fss[d.FileSystemID]
	if fs == nil {
		return nil, s.notFound(d.FileSystemID)
	}
	if err := s.draAllowed(fs, d, now); err != nil {
		return nil, err
	}
	d.ID = "dra-" + s.g.rnd.hex(17)
	d.ARN = fmt.Sprintf("arn:aws:fsx:%s:%s:association/%s/%s", fs.Region, s.g.cfg.AccountID, d.FileSystemID, d.ID)
	d.CreatedAt = now
	s.dras[d.ID] = d
	s.draOrd = append(s.draOrd, d.ID)
	if tok := deref(in.ClientRequestToken); tok != "" {
		s.tokens["dra:"+tok] = d.ID
	}
	return map[string]any{"Association": s.renderDRA(d, now)}, nil
}

// newDRA validates a CreateDataRepositoryAssociation request into the association it asks for (without
// ID, ARN and creation time); draAllowed then checks it against its file system.
func newDRA(in *fsx.CreateDataRepositoryAssociationInput) (*dataRepoAssoc, error) {
	fsID := deref(in.FileSystemId)
	if fsID == "" {
		return nil, badRequest("FileSystemId is required.")
	}
	repo := deref(in.DataRepositoryPath)
	if !strings.HasPrefix(repo, "s3://") || s3Bucket(repo) == "" {
		return nil, badRequest("Invalid DataRepositoryPath '%s': expected an S3 path s3://bucket-name/prefix/.", repo)
	}
	fsPath := deref(in.FileSystemPath)
	if fsPath == "" {
		return nil, badRequest("FileSystemPath is required for associations of FSx for Lustre file systems.")
	}
	if !strings.HasPrefix(fsPath, "/") || len(fsPath) > 4096 {
		return nil, badRequest("Invalid FileSystemPath '%s': the path must start with a forward slash (/).", fsPath)
	}
	chunk := int32(1024)
	if c := in.ImportedFileChunkSize; c != nil {
		if *c < 1 || *c > 512000 {
			return nil, badRequest("ImportedFileChunkSize must be between 1 and 512000 MiB.")
		}
		chunk = *c
	}
	pol, err := validateS3Policy(in.S3)
	if err != nil {
		return nil, err
	}
	tags, err := convertTags(in.Tags)
	if err != nil {
		return nil, err
	}
	d := &dataRepoAssoc{
		FileSystemID:   fsID,
		FileSystemPath: fsPath,
		RepoPath:       repo,
		BatchImport:    deref(in.BatchImportMetaDataOnCreate),
		ChunkSize:      chunk,
		Tags:           tags,
		FailMessage:    failMessage(tags),
	}
	if pol != nil {
		d.S3 = *pol
	}
	return d, nil
}

// draAllowed checks (under s.mu) that file system fs takes association d: AVAILABLE or UPDATING, a
// deployment type and Lustre version with associations, no ImportPath, no administrative action in the
// way, fewer than the maximum associations, and no overlapping path or repository.
func (s *fsxService) draAllowed(fs *fileSystem, d *dataRepoAssoc, now time.Time) error {
	fsID := d.FileSystemID
	if lc := fs.lifecycle(now, s.g.Timings()); lc != "AVAILABLE" && lc != "UPDATING" {
		return badRequest("File system %s is in the %s lifecycle state; data repository associations can be created only on AVAILABLE file systems.", fsID, lc)
	}
	switch {
	case fs.DeploymentType == scratch1:
		return badRequest("Data repository associations are not supported for SCRATCH_1 file systems.")
	case deref(fs.Settings.Version) == "2.10":
		return badRequest("Data repository associations are not supported for file systems running Lustre version 2.10.")
	case fs.ImportPath != "":
		return badRequest("File system %s is linked to S3 through its ImportPath; data repository associations are not supported on it.", fsID)
	}
	if err := s.serialisationCheck(fsID, "", now); err != nil {
		return err
	}
	var siblings []*dataRepoAssoc
	for _, id := range s.draOrd {
		if o := s.dras[id]; o != nil && o.FileSystemID == fsID && o.DeleteAt.IsZero() {
			siblings = append(siblings, o)
		}
	}
	if len(siblings) >= MaxAssociationsPerFileSystem {
		return badRequest("File system %s already has the maximum of %d data repository associations.", fsID, MaxAssociationsPerFileSystem)
	}
	np := normDirPath(d.FileSystemPath)
	for _, o := range siblings {
		op := normDirPath(o.FileSystemPath)
		switch {
		case np == "/" || op == "/":
			return badRequest("The file system path / can be used only by the only data repository association of a file system; %s already has association %s at %s.", fsID, o.ID, o.FileSystemPath)
		case strings.HasPrefix(np, op) || strings.HasPrefix(op, np):
			return badRequest("The file system path %s overlaps the path %s of data repository association %s. File system paths of a file system's associations cannot overlap.", d.FileSystemPath, o.FileSystemPath, o.ID)
		case normDirPath(o.RepoPath) == normDirPath(d.RepoPath):
			return badRequest("The data repository path %s is already linked to file system %s by association %s.", d.RepoPath, fsID, o.ID)
		}
	}
	return nil
}

func (s *fsxService) describeDRAs(in *fsx.DescribeDataRepositoryAssociationsInput) (any, error) {
	now := s.g.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(now)
	ids := s.draOrd
	if len(in.AssociationIds) > 0 {
		ids = nil
		for _, id := range in.AssociationIds {
			if s.dras[id] == nil {
				return nil, draNotFound(id)
			}
			ids = append(ids, id)
		}
	}
	var list []draOut
	for _, id := range ids {
		d := s.dras[id]
		keep := true
		for _, f := range in.Filters {
			switch f.Name {
			case fsxtypes.FilterNameFileSystemId:
				keep = keep && oneOf(d.FileSystemID, f.Values...)
			case fsxtypes.FilterNameDataRepositoryType:
				keep = keep && oneOf("S3", f.Values...)
			case fsxtypes.FilterNameFileCacheId:
				keep = false
			default:
				return nil, badRequest("Invalid filter name %s for DescribeDataRepositoryAssociations. Valid names are file-system-id, data-repository-type and file-cache-id.", f.Name)
			}
		}
		if keep {
			list = append(list, s.renderDRA(d, now))
		}
	}
	start, end, next, err := JSONPage(len(list), in.MaxResults, in.NextToken, "dra", 25)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"Associations": append([]draOut{}, list[start:end]...)}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (s *fsxService) updateDRA(in *fsx.UpdateDataRepositoryAssociationInput) (any, error) {
	id := deref(in.AssociationId)
	var chunk *int32
	if c := in.ImportedFileChunkSize; c != nil {
		if *c < 1 || *c > 512000 {
			return nil, badRequest("ImportedFileChunkSize must be between 1 and 512000 MiB.")
		}
		chunk = c
	}
	pol, err := validateS3Policy(in.S3)
	if err != nil {
		return nil, err
	}
	now := s.g.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(now)
	d := s.dras[id]
	if d == nil {
		return nil, draNotFound(id)
	}
	t := s.g.Timings()
	if lc := d.lifecycle(now, t); lc != "AVAILABLE" && lc != "MISCONFIGURED" {
		return nil, badRequest("Data repository association %s is in the %s lifecycle state and cannot be updated.", id, lc)
	}
	if err := s.serialisationCheck(d.FileSystemID, id, now); err != nil {
		return nil, err
	}
	if chunk == nil && pol == nil {
		return nil, badRequest("Specify ImportedFileChunkSize or S3 to update data repository association %s.", id)
	}
	d.pending = &draUpdate{end: now.Add(t.DRAUpdate), chunkSize: chunk, s3: pol}
	return map[string]any{"Association": s.renderDRA(d, now)}, nil
}

func (s *fsxService) deleteDRA(in *fsx.DeleteDataRepositoryAssociationInput) (any, error) {
	id := deref(in.AssociationId)
	now := s.g.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(now)
	d := s.dras[id]
	if d == nil {
		return nil, draNotFound(id)
	}
	t := s.g.Timings()
	if d.DeleteAt.IsZero() {
		if lc := d.lifecycle(now, t); lc == "CREATING" || lc == "UPDATING" {
			return nil, badRequest("Data repository association %s is in the %s lifecycle state and cannot be deleted until the operation completes.", id, lc)
		}
		if err := s.serialisationCheck(d.FileSystemID, id, now); err != nil {
			return nil, err
		}
		d.DeleteAt = now
		d.DeleteData = deref(in.DeleteDataInFileSystem)
	}
	return map[string]any{
		"AssociationId":          id,
		"DeleteDataInFileSystem": d.DeleteData,
		"Lifecycle":              string(fsxtypes.DataRepositoryLifecycleDeleting),
	}, nil
}
