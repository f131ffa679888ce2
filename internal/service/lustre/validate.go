// SPDX-License-Identifier: MPL-2.0

package lustre

// The FSx for Lustre rules a workspace must satisfy, as plain Go so that other packages (the hybrid
// resource) can check a workspace before creating anything. Every rule names its source in AWS's FSx
// documentation:
//
//   [API-SC]  FSx API Reference, CreateFileSystem, request parameter StorageCapacity ("For SCRATCH_2,
//             PERSISTENT_2, and PERSISTENT_1 deployment types using SSD storage type, the valid values are
//             1200 GiB, 2400 GiB, and increments of 2400 GiB. For PERSISTENT_1 HDD file systems, valid values
//             are increments of 6000 GiB for 12 MB/s/TiB file systems and increments of 1800 GiB for
//             40 MB/s/TiB file systems. For SCRATCH_1 deployment type, valid values are 1200 GiB, 2400 GiB,
//             and increments of 3600 GiB.")
//   [API-USC] FSx API Reference, UpdateFileSystem, StorageCapacity ("The value must be greater than the
//             current storage capacity ... For SCRATCH_1 file systems, you can't increase the storage
//             capacity.")
//   [API-PUT] FSx API Reference, CreateFileSystemLustreConfiguration, PerUnitStorageThroughput ("Required
//             with PERSISTENT_1 and PERSISTENT_2 deployment types ... PERSISTENT_1 SSD storage: 50, 100,
//             200 MB/s/TiB. PERSISTENT_1 HDD storage: 12, 40 MB/s/TiB. PERSISTENT_2 SSD storage: 125, 250,
//             500, 1000 MB/s/TiB.")
//   [UG-TP]   FSx for Lustre User Guide, "Managing provisioned throughput capacity" (the throughput tier of a
//             persistent SSD-based file system can be increased or decreased).
//   [UG-DEP]  FSx for Lustre User Guide, "Deployment options for FSx for Lustre file systems" (HDD storage is
//             supported only by one persistent deployment type, PERSISTENT_1).
//   [UG-EFA]  FSx for Lustre User Guide, "Increasing storage capacity" and "Working with EFA-enabled file
//             systems" (EFA only on PERSISTENT_2 SSD with Lustre 2.15 and a metadata configuration; capacity
//             in multiples of 38400 GiB at 125, 19200 at 250, 9600 at 500 and 4800 GiB at 1000 MB/s/TiB).
//   [API-VER] FSx API Reference, CreateFileSystem, FileSystemTypeVersion ("2.10 is supported by the Scratch
//             and Persistent_1 Lustre deployment types. 2.12 is supported by all Lustre deployment types,
//             except for PERSISTENT_2 with a metadata configuration mode. 2.15 is supported by all Lustre
//             deployment types and is recommended for all new file systems.")
//   [API-DRA] FSx API Reference, CreateDataRepositoryAssociation ("You can have a maximum of 8 data
//             repository associations on a file system. Data repository associations are supported on all FSx
//             for Lustre 2.12 and 2.15 file systems, excluding scratch_1 deployment type. Each data repository
//             association must have a unique Amazon FSx file system directory and a unique S3 bucket or prefix
//             associated with it."), FileSystemPath ("The leading forward slash in the name is required. Two
//             data repository associations cannot have overlapping file system paths ... If you specify only a
//             forward slash (/) as the file system path, you can link only one data repository to the file
//             system."), S3DataRepositoryConfiguration AutoImportPolicy/AutoExportPolicy events NEW, CHANGED,
//             DELETED.
//   [API-KMS] FSx API Reference, CreateFileSystem, KmsKeyId (used for PERSISTENT_1 and PERSISTENT_2; scratch
//             file systems are always encrypted with an FSx-managed key).
//   [API-RS]  FSx API Reference, LustreRootSquashConfiguration, RootSquash ("UID:GID", for example
//             365534:65534. "The UID and GID values can range from 0 to 4294967294: A non-zero value for UID
//             and GID enables root squash. The UID and GID values can be different, but each must be a
//             non-zero value. A value of 0 (zero) for UID and GID indicates root, and therefore disables root
//             squash."); the model's pattern ^([0-9]{1,10}):([0-9]{1,10})$, length 3-21.
//   [MODEL]   The FSx API model (botocore fsx service-2.json): StorageCapacity max 2147483647; SubnetId
//             ^(subnet-[0-9a-f]{8,})$ length 15-24; SecurityGroupId ^(sg-[0-9a-f]{8,})$ length 11-20; TagKey
//             length 1-128 and TagValue 0-256, both ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$; Tags at most 50.
//   [UG-SC]   FSx for Lustre User Guide, "Managing storage capacity" ("You can't make further storage
//             capacity increases on a file system until 6 hours after the last increase was requested.").
//   [UG-EFAT] The throughput tier of an EFA-enabled file system is fixed at creation (FSx for Lustre User
//             Guide, "Working with EFA-enabled file systems", as issue 10 records it; the AWS provider's
//             documentation says the same: efa_enabled "prevents changes to per_unit_storage_throughput").
//   [UG-SG]   FSx for Lustre User Guide, "File system access control with Amazon VPC" (inbound TCP 988 and
//             1018-1023) and "Creating an FSx for Lustre file system fails" (EFA-enabled file systems need a
//             group allowing all inbound and outbound traffic to and from itself).

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Deployment and storage types, as the FSx API spells them.
const (
	DeploymentScratch1    = "SCRATCH_1"
	DeploymentScratch2    = "SCRATCH_2"
	DeploymentPersistent1 = "PERSISTENT_1"
	DeploymentPersistent2 = "PERSISTENT_2"
	StorageSSD            = "SSD"
	StorageHDD            = "HDD"

	// DefaultFileSystemTypeVersion is the Lustre version of a new workspace when none is configured: AWS
	// recommends 2.15 for all new file systems [API-VER], and it supports data repository associations and
	// EFA on every deployment type.
	DefaultFileSystemTypeVersion = "2.15"

	// MaxDataRepositories is FSx's limit of data repository associations per file system [API-DRA].
	MaxDataRepositories = 8

	// MaxStorageCapacityGiB is the largest StorageCapacity the FSx API accepts [MODEL].
	MaxStorageCapacityGiB = 2147483647

	// MaxRootSquashID is the largest root squash UID or GID [API-RS].
	MaxRootSquashID = 4294967294

	// StorageIncreaseInterval is the least time between two storage capacity increases [UG-SC].
	StorageIncreaseInterval = 6 * time.Hour

	// maxTags is FSx's limit of tags per resource [MODEL].
	maxTags = 50
)

// DeploymentTypes and StorageTypes list the accepted values.
var (
	DeploymentTypes        = []string{DeploymentScratch1, DeploymentScratch2, DeploymentPersistent1, DeploymentPersistent2}
	StorageTypes           = []string{StorageSSD, StorageHDD}
	FileSystemTypeVersions = []string{"2.10", "2.12", "2.15"}
	DataCompressionTypes   = []string{"NONE", "LZ4"}
	RepositoryEvents       = []string{"NEW", "CHANGED", "DELETED"}
)

// Patterns of the FSx API model [MODEL], [API-RS].
var (
	rootSquashRE      = regexp.MustCompile(`^([0-9]{1,10}):([0-9]{1,10})$`)
	subnetIDRE        = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	securityGroupIDRE = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
	tagRE             = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// ThroughputDescription lists every deployment's throughput tiers for the documentation.
func ThroughputDescription() string {
	return fmt.Sprintf("PERSISTENT_1 SSD %s; PERSISTENT_1 HDD %s; PERSISTENT_2 %s",
		joinInts(PerUnitStorageThroughputValues(DeploymentPersistent1, StorageSSD)),
		joinInts(PerUnitStorageThroughputValues(DeploymentPersistent1, StorageHDD)),
		joinInts(PerUnitStorageThroughputValues(DeploymentPersistent2, StorageSSD)))
}

// PerUnitStorageThroughputValues returns the valid throughput tiers (MB/s/TiB) of a deployment and storage
// type [API-PUT]; scratch file systems have none.
func PerUnitStorageThroughputValues(deploymentType, storageType string) []int64 {
	switch {
	case deploymentType == DeploymentPersistent1 && storageType == StorageHDD:
		return []int64{12, 40}
	case deploymentType == DeploymentPersistent1 && storageType == StorageSSD:
		return []int64{50, 100, 200}
	case deploymentType == DeploymentPersistent2 && storageType == StorageSSD:
		return []int64{125, 250, 500, 1000}
	}
	return nil
}

// EFACapacityStep is the storage capacity increment (GiB) of an EFA-enabled file system at a throughput
// tier [UG-EFA], or 0 for an invalid tier.
func EFACapacityStep(perUnitThroughput int64) int64 {
	switch perUnitThroughput {
	case 125:
		return 38400
	case 250:
		return 19200
	case 500:
		return 9600
	case 1000:
		return 4800
	}
	return 0
}

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

// Problem is one broken rule. Attribute is a top-level attribute name; for a data repository, Index is
// its position and Nested the attribute inside it (otherwise Index is -1).
type Problem struct {
	Attribute string
	Index     int
	Nested    string
	Summary   string
	Detail    string
}

// Path renders the attribute path, e.g. data_repository[1].file_system_path.
func (p Problem) Path() string {
	if p.Index < 0 {
		return p.Attribute
	}
	s := fmt.Sprintf("%s[%d]", p.Attribute, p.Index)
	if p.Nested != "" {
		s += "." + p.Nested
	}
	return s
}

func (p Problem) Error() string { return p.Path() + ": " + p.Summary + ": " + p.Detail }

func problem(attr, summary, format string, args ...any) Problem {
	return Problem{Attribute: attr, Index: -1, Summary: summary, Detail: fmt.Sprintf(format, args...)}
}

func repoProblem(i int, nested, summary, format string, args ...any) Problem {
	return Problem{Attribute: "data_repository", Index: i, Nested: nested, Summary: summary, Detail: fmt.Sprintf(format, args...)}
}

func isPersistent(deploymentType string) bool { return strings.HasPrefix(deploymentType, "PERSISTENT") }

func joinInts(v []int64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatInt(x, 10)
	}
	return strings.Join(s, ", ")
}

// ValidateWorkspace checks a workspace against FSx for Lustre's rules. It returns every broken rule.
func ValidateWorkspace(s WorkspaceSpec) []Problem {
	var out []Problem
	out = append(out, validateNames(s)...)
	if st, dt := s.StorageType, s.DeploymentType; st == StorageHDD && dt != "" && dt != DeploymentPersistent1 {
		// Storage class per deployment type [UG-DEP].
		out = append(out, problem("storage_type", "Invalid storage type for the deployment type",
			"storage_type HDD is supported only with deployment_type PERSISTENT_1, not %s (FSx for Lustre User Guide, "+
				"\"Deployment options for FSx for Lustre file systems\"). Use SSD, or deployment_type PERSISTENT_1.", dt))
	}
	tp, throughputOK := validateThroughput(s)
	out = append(out, tp...)
	efa, efaOK := validateEFA(s)
	out = append(out, efa...)
	out = append(out, validateCapacity(s, throughputOK, efaOK)...)

	// Lustre version [API-VER].
	if v := s.FileSystemTypeVersion; v == "2.10" && s.DeploymentType == DeploymentPersistent2 {
		out = append(out, problem("file_system_type_version", "Lustre version not supported by the deployment type",
			"file_system_type_version 2.10 is supported only by SCRATCH_1, SCRATCH_2 and PERSISTENT_1; PERSISTENT_2 "+
				"needs 2.12 or 2.15 (FSx API Reference, CreateFileSystem.FileSystemTypeVersion)."))
	}
	// Encryption key [API-KMS].
	if s.KMSKeyIDSet && s.DeploymentType != "" && !isPersistent(s.DeploymentType) {
		out = append(out, problem("kms_key_id", "Customer managed key not supported for scratch file systems",
			"kms_key_id applies only to PERSISTENT_1 and PERSISTENT_2 file systems; %s file systems are always "+
				"encrypted with a key that FSx manages. Remove kms_key_id.", s.DeploymentType))
	}
	if p := ValidateRootSquash(s.RootSquash); p != nil {
		out = append(out, *p)
	}
	return append(out, validateDataRepositories(s)...)
}

// ValidateRootSquash checks a root squash value [API-RS]: UID:GID, each at most 4294967294, each non-zero
// unless both are 0 (0:0 turns root squash off). "" (unset or unknown) is valid.
func ValidateRootSquash(rs string) *Problem {
	if rs == "" {
		return nil
	}
	bad := func(why string) *Problem {
		p := problem("root_squash", "Invalid root squash",
			"root_squash must be UID:GID, for example \"65534:65534\" (\"0:0\" turns root squash off); %s; got %q "+
				"(FSx API Reference, LustreRootSquashConfiguration.RootSquash).", why, rs)
		return &p
	}
	m := rootSquashRE.FindStringSubmatch(rs)
	if m == nil {
		return bad("each of UID and GID is a number of 1 to 10 digits")
	}
	uid, _ := strconv.ParseUint(m[1], 10, 64) //nolint:errcheck // the pattern guarantees 1-10 digits
	gid, _ := strconv.ParseUint(m[2], 10, 64) //nolint:errcheck // as above
	switch {
	case uid > MaxRootSquashID || gid > MaxRootSquashID:
		return bad(fmt.Sprintf("UID and GID can range from 0 to %d", uint64(MaxRootSquashID)))
	case (uid == 0) != (gid == 0):
		return bad("UID and GID must each be non-zero, or both 0")
	}
	return nil
}

// validateNames checks the values FSx and EC2 accept only in their API model's patterns [MODEL].
func validateNames(s WorkspaceSpec) []Problem {
	var out []Problem
	if s.Name != "" && !tagRE.MatchString(s.Name) {
		out = append(out, problem("name", "Invalid workspace name",
			"name is stored as the file system's Name tag, so it must be a valid FSx tag value: letters, digits, spaces "+
				"and _ . : / = + - @ (FSx API model, TagValue); got %q.", s.Name))
	}
	if s.SubnetID != "" && !subnetIDRE.MatchString(s.SubnetID) {
		out = append(out, problem("subnet_id", "Invalid subnet ID",
			"subnet_id must be a subnet ID such as subnet-0123456789abcdef0 (FSx API model, SubnetId); got %q.", s.SubnetID))
	}
	for _, set := range []struct {
		attr string
		ids  []string
	}{{"security_group_ids", s.SecurityGroupIDs}, {"allowed_security_group_ids", s.AllowedSecurityGroupIDs}} {
		for _, id := range set.ids {
			if id != "" && !securityGroupIDRE.MatchString(id) {
				out = append(out, problem(set.attr, "Invalid security group ID",
					"%s must hold security group IDs such as sg-0123456789abcdef0 (FSx API model, SecurityGroupId); got %q.", set.attr, id))
			}
		}
	}
	if len(s.Tags) > maxTags-3 {
		// Name and the two ownership tags come on top of the configured ones.
		out = append(out, problem("tags", "Too many tags",
			"a file system takes at most %d tags (FSx API model, Tags), and the workspace adds Name and two "+
				"ownership tags; %d are configured (default tags included).", maxTags, len(s.Tags)))
	}
	for k, v := range s.Tags {
		if k == "" || len(k) > 128 || !tagRE.MatchString(k) || len(v) > 256 || !tagRE.MatchString(v) {
			out = append(out, problem("tags", "Invalid tag",
				"tag %q = %q: keys are 1-128 and values 0-256 letters, digits, spaces and _ . : / = + - @ (FSx API "+
					"model, TagKey and TagValue).", k, v))
		}
	}
	return out
}

// validateThroughput checks the throughput tier [API-PUT]; ok says the tier is known and valid.
func validateThroughput(s WorkspaceSpec) (out []Problem, ok bool) {
	dt, st := s.DeploymentType, s.StorageType
	if dt == "" || st == "" || s.ThroughputUnknown {
		return nil, false
	}
	allowed := PerUnitStorageThroughputValues(dt, st)
	switch {
	case !isPersistent(dt) && s.PerUnitStorageThroughput != nil:
		return append(out, problem("per_unit_storage_throughput", "Throughput tier not supported",
			"per_unit_storage_throughput applies only to PERSISTENT_1 and PERSISTENT_2 deployment types; %s file "+
				"systems have a fixed baseline throughput of 200 MB/s/TiB. Remove per_unit_storage_throughput.", dt)), false
	case isPersistent(dt) && s.PerUnitStorageThroughput == nil:
		if len(allowed) > 0 {
			out = append(out, problem("per_unit_storage_throughput", "Missing throughput tier",
				"per_unit_storage_throughput is required for %s %s file systems; valid values are %s MB/s/TiB "+
					"(FSx API Reference, CreateFileSystemLustreConfiguration.PerUnitStorageThroughput).", dt, st, joinInts(allowed)))
		}
		return out, false
	case isPersistent(dt) && len(allowed) > 0 && !slices.Contains(allowed, *s.PerUnitStorageThroughput):
		return append(out, problem("per_unit_storage_throughput", "Invalid throughput tier",
			"per_unit_storage_throughput %d is not valid for %s %s file systems; valid values are %s MB/s/TiB "+
				"(FSx API Reference, CreateFileSystemLustreConfiguration.PerUnitStorageThroughput).",
			*s.PerUnitStorageThroughput, dt, st, joinInts(allowed))), false
	}
	return nil, true
}

// validateEFA checks where EFA is supported [UG-EFA]; ok is false when EFA is asked where it is not.
func validateEFA(s WorkspaceSpec) (out []Problem, ok bool) {
	if !s.EFAEnabled {
		return nil, true
	}
	ok = true
	if dt := s.DeploymentType; dt != "" && dt != DeploymentPersistent2 {
		ok = false
		out = append(out, problem("efa_enabled", "EFA not supported for the deployment type",
			"efa_enabled = true requires deployment_type PERSISTENT_2, not %s (FSx for Lustre User Guide, "+
				"\"Working with EFA-enabled file systems\").", dt))
	}
	if st := s.StorageType; st != "" && st != StorageSSD {
		ok = false
		out = append(out, problem("efa_enabled", "EFA not supported for the storage type",
			"efa_enabled = true requires storage_type SSD, not %s.", st))
	}
	if v := s.FileSystemTypeVersion; v != "" && v != "2.15" {
		out = append(out, problem("file_system_type_version", "EFA requires Lustre 2.15",
			"EFA-enabled file systems run Lustre 2.15; file_system_type_version %s is not supported with "+
				"efa_enabled = true. Set file_system_type_version = \"2.15\" or leave it unset.", v))
	}
	return out, ok
}

// CapacityStep describes the storage capacity steps of a deployment [API-SC], [UG-EFA]: valid capacities
// are the listed values and every multiple of step. ok is false when a step needs the (unknown or
// invalid) throughput tier.
func CapacityStep(dt, st string, efa bool, throughput *int64) (values []int64, step int64, ok bool) {
	switch {
	case efa:
		if throughput == nil || EFACapacityStep(*throughput) == 0 {
			return nil, 0, false
		}
		return nil, EFACapacityStep(*throughput), true
	case st == StorageHDD && dt == DeploymentPersistent1:
		if throughput == nil {
			return nil, 0, false
		}
		if *throughput == 40 {
			return nil, 1800, true
		}
		return nil, 6000, true
	case st == StorageSSD && dt == DeploymentScratch1:
		return []int64{1200, 2400}, 3600, true
	case st == StorageSSD:
		return []int64{1200}, 2400, true
	}
	return nil, 0, false
}

func validateCapacity(s WorkspaceSpec, throughputOK, efaOK bool) []Problem {
	c, dt, st := s.StorageCapacityGiB, s.DeploymentType, s.StorageType
	if c == nil {
		return nil
	}
	switch {
	case *c <= 0:
		return []Problem{problem("storage_capacity_gib", "Invalid storage capacity",
			"storage_capacity_gib must be a positive number of GiB, got %d.", *c)}
	case *c > MaxStorageCapacityGiB:
		return []Problem{problem("storage_capacity_gib", "Storage capacity too large",
			"storage_capacity_gib %d is above the largest capacity the FSx API accepts, %d GiB (FSx API model, "+
				"StorageCapacity).", *c, int64(MaxStorageCapacityGiB))}
	case dt == "" || st == "" || (s.EFAEnabled && !efaOK):
		return nil
	}
	var tp *int64
	if throughputOK {
		tp = s.PerUnitStorageThroughput
	}
	values, step, ok := CapacityStep(dt, st, s.EFAEnabled, tp)
	if !ok || slices.Contains(values, *c) || *c%step == 0 {
		return nil
	}
	var summary, detail string
	switch {
	case s.EFAEnabled:
		summary = "Invalid storage capacity for an EFA-enabled file system"
		detail = fmt.Sprintf("EFA-enabled PERSISTENT_2 file systems with per_unit_storage_throughput %d need storage_capacity_gib "+
			"in multiples of %d GiB; %d is not (FSx for Lustre User Guide, \"Increasing storage capacity\": "+
			"38400 GiB at 125, 19200 at 250, 9600 at 500, 4800 at 1000 MB/s/TiB).", *tp, step, *c)
	case st == StorageHDD:
		summary = "Invalid storage capacity for HDD storage"
		detail = fmt.Sprintf("PERSISTENT_1 HDD file systems with per_unit_storage_throughput %d need storage_capacity_gib in "+
			"multiples of %d GiB; %d is not (FSx API Reference, CreateFileSystem.StorageCapacity: 6000 GiB "+
			"steps at 12 MB/s/TiB, 1800 GiB steps at 40 MB/s/TiB).", *tp, step, *c)
	case dt == DeploymentScratch1:
		summary = "Invalid storage capacity for SCRATCH_1"
		detail = fmt.Sprintf("SCRATCH_1 file systems take storage_capacity_gib 1200, 2400, or a multiple of 3600 GiB; %d is not "+
			"(FSx API Reference, CreateFileSystem.StorageCapacity).", *c)
	default:
		summary = "Invalid storage capacity for SSD storage"
		detail = fmt.Sprintf("%s SSD file systems take storage_capacity_gib 1200, 2400, or a multiple of 2400 GiB; %d is not "+
			"(FSx API Reference, CreateFileSystem.StorageCapacity).", dt, *c)
	}
	return []Problem{problem("storage_capacity_gib", summary, "%s", detail)}
}

func validateDataRepositories(s WorkspaceSpec) []Problem {
	repos := s.DataRepositories
	if len(repos) == 0 {
		return nil
	}
	var out []Problem
	switch {
	case s.DeploymentType == DeploymentScratch1:
		return append(out, problem("data_repository", "Data repository associations not supported",
			"SCRATCH_1 file systems do not support data repository associations (FSx API Reference, "+
				"CreateDataRepositoryAssociation: supported on FSx for Lustre 2.12 and 2.15 file systems, excluding "+
				"scratch_1). Use SCRATCH_2 or a persistent deployment type."))
	case s.FileSystemTypeVersion == "2.10":
		return append(out, problem("file_system_type_version", "Data repository associations need Lustre 2.12 or later",
			"data_repository blocks need file_system_type_version 2.12 or 2.15; Lustre 2.10 file systems do not support "+
				"data repository associations (FSx API Reference, CreateDataRepositoryAssociation)."))
	}
	if len(repos) > MaxDataRepositories {
		out = append(out, problem("data_repository", "Too many data repository associations",
			"a file system can have at most %d data repository associations; %d are configured.", MaxDataRepositories, len(repos)))
	}
	norm := func(p string) string { return strings.TrimRight(p, "/") + "/" }
	for i, r := range repos {
		if p := r.FileSystemPath; p != "" {
			if !strings.HasPrefix(p, "/") {
				out = append(out, repoProblem(i, "file_system_path", "Invalid file system path",
					"file_system_path must start with a forward slash, such as /datasets; got %q.", p))
			} else if norm(p) == "/" && len(repos) > 1 {
				out = append(out, repoProblem(i, "file_system_path", "Root path shared",
					"file_system_path \"/\" links the whole file system to one repository and is allowed only when it is "+
						"the only data_repository (FSx API Reference, CreateDataRepositoryAssociation.FileSystemPath)."))
			}
		}
		if u := r.S3URI; u != "" {
			if !strings.HasPrefix(u, "s3://") || len(strings.TrimPrefix(u, "s3://")) == 0 || strings.HasPrefix(strings.TrimPrefix(u, "s3://"), "/") {
				out = append(out, repoProblem(i, "s3_uri", "Invalid S3 URI",
					"s3_uri must be an S3 bucket or prefix such as s3://my-data-lake/raw/; got %q.", u))
			}
		}
		for _, ev := range []struct {
			name   string
			events []string
		}{{"auto_import", r.AutoImport}, {"auto_export", r.AutoExport}} {
			name := ev.name
			for _, e := range ev.events {
				if e != "" && !slices.Contains(RepositoryEvents, e) {
					out = append(out, repoProblem(i, name, "Invalid event type",
						"%s events must be NEW, CHANGED or DELETED; got %q.", name, e))
				}
			}
		}
		for j := 0; j < i; j++ {
			o := repos[j]
			if r.FileSystemPath != "" && o.FileSystemPath != "" && strings.HasPrefix(r.FileSystemPath, "/") && strings.HasPrefix(o.FileSystemPath, "/") {
				a, b := norm(r.FileSystemPath), norm(o.FileSystemPath)
				if a != "/" && b != "/" && (strings.HasPrefix(a, b) || strings.HasPrefix(b, a)) {
					out = append(out, repoProblem(i, "file_system_path", "Overlapping file system paths",
						"file_system_path %q overlaps %q of data_repository[%d]; the file system paths of a file system's "+
							"associations must be unique and must not be nested (FSx API Reference, "+
							"CreateDataRepositoryAssociation.FileSystemPath).", r.FileSystemPath, o.FileSystemPath, j))
				}
			}
			if r.S3URI != "" && o.S3URI != "" && norm(r.S3URI) == norm(o.S3URI) {
				out = append(out, repoProblem(i, "s3_uri", "Duplicate S3 URI",
					"s3_uri %q is already linked by data_repository[%d]; each association needs a unique S3 bucket or prefix.", r.S3URI, j))
			}
		}
	}
	return out
}

// ValidateWorkspaceChange checks a change of an existing workspace (from the current state to the plan)
// against what FSx can do in place. Rules that need a value that is unknown are skipped.
func ValidateWorkspaceChange(from, to WorkspaceSpec) []Problem {
	var out []Problem
	if from.StorageCapacityGiB != nil && to.StorageCapacityGiB != nil && from.DeploymentType == to.DeploymentType &&
		from.StorageType == to.StorageType {
		oldC, newC := *from.StorageCapacityGiB, *to.StorageCapacityGiB
		switch {
		case newC < oldC:
			out = append(out, problem("storage_capacity_gib", "Storage capacity cannot be decreased",
				"storage_capacity_gib would go from %d to %d GiB, but FSx for Lustre can only increase a file system's "+
					"storage capacity (FSx API Reference, UpdateFileSystem.StorageCapacity: \"The value must be greater "+
					"than the current storage capacity\"). To shrink, create a new workspace with the smaller capacity, "+
					"copy the data (for example through the S3 data repository), then remove this one.", oldC, newC))
		case newC > oldC && to.DeploymentType == DeploymentScratch1:
			out = append(out, problem("storage_capacity_gib", "Storage capacity of SCRATCH_1 cannot be increased",
				"storage_capacity_gib would go from %d to %d GiB, but the storage capacity of SCRATCH_1 file systems "+
					"cannot be increased (FSx API Reference, UpdateFileSystem.StorageCapacity). Create a new SCRATCH_2 or "+
					"persistent workspace with the larger capacity and copy the data.", oldC, newC))
		}
	}
	if from.PerUnitStorageThroughput != nil && to.PerUnitStorageThroughput != nil && !to.ThroughputUnknown &&
		*from.PerUnitStorageThroughput != *to.PerUnitStorageThroughput && to.StorageType == StorageHDD {
		out = append(out, problem("per_unit_storage_throughput", "Throughput tier of HDD file systems cannot be changed",
			"only persistent SSD file systems can change their throughput tier in place (FSx for Lustre User Guide, "+
				"\"Managing provisioned throughput capacity\"); this HDD workspace stays at %d MB/s/TiB.", *from.PerUnitStorageThroughput))
	}
	if from.EFAEnabled && from.PerUnitStorageThroughput != nil && to.PerUnitStorageThroughput != nil && !to.ThroughputUnknown &&
		*from.PerUnitStorageThroughput != *to.PerUnitStorageThroughput {
		out = append(out, problem("per_unit_storage_throughput", "Throughput tier of an EFA-enabled file system cannot be changed",
			"per_unit_storage_throughput would go from %d to %d MB/s/TiB, but the throughput tier of an EFA-enabled file system "+
				"is fixed when it is created (FSx for Lustre User Guide, \"Working with EFA-enabled file systems\"). Keep %d, or "+
				"create a new workspace with the other tier.", *from.PerUnitStorageThroughput, *to.PerUnitStorageThroughput, *from.PerUnitStorageThroughput))
	}
	if a, b := from.FileSystemTypeVersion, to.FileSystemTypeVersion; a != "" && b != "" && versionLess(b, a) {
		out = append(out, problem("file_system_type_version", "Lustre version cannot be downgraded",
			"file_system_type_version would go from %s to %s; FSx can only upgrade the Lustre version of a file system.", a, b))
	}
	return out
}

// ValidateStorageIncrease checks that a storage capacity increase comes at least 6 hours after the last
// one was requested [UG-SC]; lastIncrease is zero when there was none (or it is not known).
func ValidateStorageIncrease(lastIncrease, now time.Time) *Problem {
	if lastIncrease.IsZero() {
		return nil
	}
	next := lastIncrease.Add(StorageIncreaseInterval)
	if !now.Before(next) {
		return nil
	}
	p := problem("storage_capacity_gib", "Storage capacity increased too recently",
		"the last storage capacity increase of this file system was requested at %s, and FSx accepts the next one 6 hours "+
			"later, at %s (in %s); FSx for Lustre User Guide, \"Managing storage capacity\". Apply the increase after that "+
			"time, or leave storage_capacity_gib as it is for now.", lastIncrease.UTC().Format(time.RFC3339),
		next.UTC().Format(time.RFC3339), next.Sub(now).Round(time.Minute))
	return &p
}

// versionLess compares Lustre versions such as 2.10 and 2.15 numerically.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i]) //nolint:errcheck // non-numbers compare as 0; the schema restricts the values
		y, _ := strconv.Atoi(pb[i]) //nolint:errcheck // as above
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}
