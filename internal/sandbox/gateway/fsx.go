// SPDX-License-Identifier: MPL-2.0

package gateway

// FSx for Lustre, served natively (moto's FSx support is too thin): file
// systems with their lifecycle, UpdateFileSystem with administrative actions,
// tagging, and data repository associations. This file has the service, its
// operation table, state, lifecycle and tagging; the file system operations
// and wire shapes are in fsx_filesystems.go, associations in fsx_dra.go. Shapes, enums and
// error type names follow the FSx API model shipped in
// github.com/aws/aws-sdk-go-v2/service/fsx; the validation rules and their
// sources are in fsx_validate.go.
//
// Lifecycles are computed lazily from the clock and Timings: a file system
// created at t is CREATING until t+FSxCreate, then AVAILABLE. There are no
// background goroutines.
//
// Failure trigger (for tests of failure paths): a tag "sandbox:fail" on
// CreateFileSystem (or CreateDataRepositoryAssociation) makes the resource
// reach FAILED instead of AVAILABLE at the end of its create duration, with the
// tag's value as FailureDetails.Message.

import (
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// FailTagKey is the tag that makes a created FSx resource fail (see package doc).
const FailTagKey = "sandbox:fail"

// MaxFileSystems is the sandbox account's file system quota; creating more
// answers ServiceLimitExceeded (FILE_SYSTEM_COUNT).
const MaxFileSystems = 100

type fsxService struct {
	g  *Gateway
	mu sync.Mutex

	fss     map[string]*fileSystem
	fsOrder []string
	dras    map[string]*dataRepoAssoc
	draOrd  []string
	tokens  map[string]string // ClientRequestToken -> resource id
	ops     *jsonOps
}

func newFSxService(g *Gateway) *fsxService {
	s := &fsxService{
		g:      g,
		fss:    map[string]*fileSystem{},
		dras:   map[string]*dataRepoAssoc{},
		tokens: map[string]string{},
	}
	s.ops = s.operations()
	return s
}

func (s *fsxService) Name() string { return "fsx" }

// Handles claims every FSx operation: those the sandbox does not implement
// answer BadRequest rather than reaching moto.
func (s *fsxService) Handles(string) bool { return true }

func (s *fsxService) Serve(w http.ResponseWriter, r *http.Request, op string, body []byte) {
	s.ops.serve(w, r, op, body, s.g.cfg.Region)
}

// operations is FSx's operation table. An undecodable body answers ReadJSON's
// SerializationException.
func (s *fsxService) operations() *jsonOps {
	return &jsonOps{
		ops: map[string]opHandler{
			"CreateFileSystem":                   opReq(s.createFileSystem),
			"DescribeFileSystems":                op(s.describeFileSystems),
			"UpdateFileSystem":                   op(s.updateFileSystem),
			"DeleteFileSystem":                   op(s.deleteFileSystem),
			"TagResource":                        op(s.tagResource),
			"UntagResource":                      op(s.untagResource),
			"ListTagsForResource":                op(s.listTags),
			"CreateDataRepositoryAssociation":    opReq(s.createDRA),
			"DescribeDataRepositoryAssociations": op(s.describeDRAs),
			"UpdateDataRepositoryAssociation":    op(s.updateDRA),
			"DeleteDataRepositoryAssociation":    op(s.deleteDRA),
		},
		unknown: func(op string) error {
			return Errorf("BadRequest", "The sandbox does not implement FSx operation %s.", op)
		},
	}
}

// ---- state ----

type fsTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

func (t fsTag) tagKey() string { return t.Key }

// failMessage is the FailureDetails message a FailTagKey tag asks of a
// created resource ("" when the tags have none).
func failMessage(tags []fsTag) string {
	msg := ""
	for _, t := range tags {
		if t.Key == FailTagKey {
			msg = t.Value
			if msg == "" {
				msg = "Internal error (sandbox:fail)."
			}
		}
	}
	return msg
}

type rootSquash struct {
	RootSquash   string   `json:"RootSquash,omitempty"`
	NoSquashNids []string `json:"NoSquashNids,omitempty"`
}

type logConfig struct {
	Level       string `json:"Level"`
	Destination string `json:"Destination,omitempty"`
}

type metadataConfig struct {
	Iops *int32 `json:"Iops,omitempty"`
	Mode string `json:"Mode,omitempty"`
}

// fsSettings are the mutable settings of a file system (also used as the
// target values of an update).
type fsSettings struct {
	StorageCapacity     *int32
	PerUnitThroughput   *int32
	ThroughputCapacity  *int32
	Compression         *string
	RootSquash          *rootSquash
	Log                 *logConfig
	Metadata            *metadataConfig
	Version             *string
	WeeklyMaintenance   *string
	DailyBackup         *string
	BackupRetentionDays *int32
	AutoImportPolicy    *string
}

type adminAction struct {
	Type        string
	RequestTime time.Time
	// UpdateEnd ends the UPDATING phase (file system unavailable), when the
	// target values take effect.
	UpdateEnd time.Time
	// OptimizeEnd, when set, ends a following STORAGE_OPTIMIZATION phase.
	OptimizeEnd time.Time
	Target      fsSettings
	applied     bool
}

type fileSystem struct {
	ID             string
	ARN            string
	Region         string
	CreatedAt      time.Time
	FailMessage    string
	DeleteAt       time.Time
	StorageType    string
	DeploymentType string
	DriveCache     string
	EFA            bool
	KmsKeyID       string
	SubnetIDs      []string
	VpcID          string
	ENIs           []string
	MountName      string
	DNSName        string
	CopyTags       *bool
	ImportPath     string
	ExportPath     string
	ChunkSize      *int32
	ReadCache      *fsxtypes.LustreReadCacheConfiguration
	Settings       fsSettings // StorageCapacity, Version etc. are always set
	Tags           []fsTag
	Actions        []*adminAction
}

func (fs *fileSystem) lifecycle(now time.Time, t Timings) string {
	switch {
	case !fs.DeleteAt.IsZero():
		return string(fsxtypes.FileSystemLifecycleDeleting)
	case now.Before(fs.CreatedAt.Add(t.FSxCreate)):
		return string(fsxtypes.FileSystemLifecycleCreating)
	case fs.FailMessage != "":
		return string(fsxtypes.FileSystemLifecycleFailed)
	}
	for _, a := range fs.Actions {
		if now.Before(a.UpdateEnd) {
			return string(fsxtypes.FileSystemLifecycleUpdating)
		}
	}
	return string(fsxtypes.FileSystemLifecycleAvailable)
}

// storageIncreaseAllowed refuses a storage capacity increase requested less than interval after the
// last one (FSx for Lustre User Guide, "Managing storage capacity": "You can't make further storage
// capacity increases on a file system until 6 hours after the last increase was requested.").
func (fs *fileSystem) storageIncreaseAllowed(now time.Time, interval time.Duration) error {
	for _, a := range fs.Actions {
		if a.Target.StorageCapacity == nil {
			continue
		}
		if next := a.RequestTime.Add(interval); now.Before(next) {
			return Errorf("BadRequest", "Unable to perform the storage capacity update. You can't make further storage capacity increases on file system %s until %s after the last increase was requested (at %s); the next increase is possible at %s.",
				fs.ID, interval, a.RequestTime.UTC().Format(time.RFC3339), next.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// updateInProgress reports whether an administrative action is not yet COMPLETED.
func (fs *fileSystem) updateInProgress(now time.Time) bool {
	for _, a := range fs.Actions {
		if now.Before(a.UpdateEnd) || (!a.OptimizeEnd.IsZero() && now.Before(a.OptimizeEnd)) {
			return true
		}
	}
	return false
}

// settle applies the target values of updates whose UPDATING phase is over
// and forgets resources whose deletion is complete. Callers hold s.mu.
func (s *fsxService) settle(now time.Time) {
	t := s.g.Timings()
	for _, fs := range s.fss {
		for _, a := range fs.Actions {
			if !a.applied && !now.Before(a.UpdateEnd) {
				fs.Settings.merge(a.Target)
				a.applied = true
			}
		}
	}
	for id, d := range s.dras {
		if d.pending != nil && !now.Before(d.pending.end) {
			d.apply(d.pending)
			d.pending = nil
		}
		if !d.DeleteAt.IsZero() && !now.Before(d.DeleteAt.Add(t.DRADelete)) {
			delete(s.dras, id)
		}
	}
	for id, fs := range s.fss {
		if !fs.DeleteAt.IsZero() && !now.Before(fs.DeleteAt.Add(t.FSxDelete)) {
			delete(s.fss, id)
			for did, d := range s.dras {
				if d.FileSystemID == id {
					delete(s.dras, did)
				}
			}
		}
	}
	s.fsOrder = filterIDs(s.fsOrder, func(id string) bool { return s.fss[id] != nil })
	s.draOrd = filterIDs(s.draOrd, func(id string) bool { return s.dras[id] != nil })
}

func filterIDs(ids []string, keep func(string) bool) []string {
	out := ids[:0]
	for _, id := range ids {
		if keep(id) {
			out = append(out, id)
		}
	}
	return out
}

func (a *fsSettings) merge(b fsSettings) {
	if b.StorageCapacity != nil {
		a.StorageCapacity = b.StorageCapacity
	}
	if b.PerUnitThroughput != nil {
		a.PerUnitThroughput = b.PerUnitThroughput
	}
	if b.ThroughputCapacity != nil {
		a.ThroughputCapacity = b.ThroughputCapacity
	}
	if b.Compression != nil {
		a.Compression = b.Compression
	}
	if b.RootSquash != nil {
		a.RootSquash = b.RootSquash
	}
	if b.Log != nil {
		a.Log = b.Log
	}
	if b.Metadata != nil {
		a.Metadata = b.Metadata
	}
	if b.Version != nil {
		a.Version = b.Version
	}
	if b.WeeklyMaintenance != nil {
		a.WeeklyMaintenance = b.WeeklyMaintenance
	}
	if b.DailyBackup != nil {
		a.DailyBackup = b.DailyBackup
	}
	if b.BackupRetentionDays != nil {
		a.BackupRetentionDays = b.BackupRetentionDays
	}
	if b.AutoImportPolicy != nil {
		a.AutoImportPolicy = b.AutoImportPolicy
	}
}

func (a fsSettings) empty() bool { return a == (fsSettings{}) }

// ---- tagging ----

func (s *fsxService) tagsOf(arn string) (*[]fsTag, error) {
	if !strings.HasPrefix(arn, "arn:") {
		return nil, Errorf("BadRequest", "Invalid resource ARN: %s", arn)
	}
	if !strings.HasPrefix(arn, "arn:aws:fsx:") {
		return nil, Errorf("NotServiceResourceError", "Resource %s is not an Amazon FSx resource.", arn).With("ResourceARN", arn)
	}
	for _, fs := range s.fss {
		if fs.ARN == arn {
			return &fs.Tags, nil
		}
	}
	for _, d := range s.dras {
		if d.ARN == arn {
			return &d.Tags, nil
		}
	}
	return nil, Errorf("ResourceNotFound", "The resource ARN '%s' does not exist.", arn).With("ResourceARN", arn)
}

func (s *fsxService) tagResource(in *fsx.TagResourceInput) (any, error) {
	tags, err := convertTags(in.Tags)
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, Errorf("BadRequest", "Tags must contain at least one tag.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(s.g.now())
	cur, err := s.tagsOf(deref(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	merged := mergeTags(*cur, tags)
	if len(merged) > 50 {
		return nil, Errorf("BadRequest", "A resource can have at most 50 tags.")
	}
	*cur = merged
	return map[string]any{}, nil
}

func (s *fsxService) untagResource(in *fsx.UntagResourceInput) (any, error) {
	if len(in.TagKeys) == 0 {
		return nil, Errorf("BadRequest", "TagKeys must contain at least one key.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(s.g.now())
	cur, err := s.tagsOf(deref(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	*cur = dropTags(*cur, in.TagKeys)
	return map[string]any{}, nil
}

func (s *fsxService) listTags(in *fsx.ListTagsForResourceInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(s.g.now())
	cur, err := s.tagsOf(deref(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	return pageOut("Tags", *cur, in.MaxResults, in.NextToken, "tags", 2147483647)
}

// convertTags validates tags as FSx does (Tag shape: key 1-128, value 0-256,
// at most 50, no "aws:" prefix) and keeps their order.
func convertTags(in []fsxtypes.Tag) ([]fsTag, error) {
	if len(in) > 50 {
		return nil, Errorf("BadRequest", "A resource can have at most 50 tags.")
	}
	out := make([]fsTag, 0, len(in))
	seen := map[string]bool{}
	for _, t := range in {
		k, v := deref(t.Key), deref(t.Value)
		switch {
		case k == "" || len(k) > 128:
			return nil, Errorf("BadRequest", "Tag keys must be 1 to 128 characters long.")
		case len(v) > 256:
			return nil, Errorf("BadRequest", "Tag values must be at most 256 characters long.")
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return nil, Errorf("BadRequest", "Tag keys starting with 'aws:' are reserved for AWS use.")
		case seen[k]:
			return nil, Errorf("BadRequest", "Duplicate tag key '%s'.", k)
		}
		seen[k] = true
		out = append(out, fsTag{Key: k, Value: v})
	}
	return out, nil
}

// FileSystemIDs lists the file systems currently known (for tests and bench).
func (s *fsxService) FileSystemIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(s.g.now())
	ids := append([]string(nil), s.fsOrder...)
	sort.Strings(ids)
	return ids
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

func isPersistent(deploymentType string) bool {
	return strings.HasPrefix(deploymentType, "PERSISTENT")
}
