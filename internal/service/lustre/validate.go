// SPDX-License-Identifier: MPL-2.0

package lustre

// The FSx for Lustre rules a workspace must satisfy, as plain Go so that other packages (the hybrid
// resource) can check a workspace before creating anything: here the entry point ValidateWorkspace with
// names, tags, versions, keys and root squash; throughput, EFA and capacity in validate_capacity.go; data
// repositories in validate_repositories.go; in-place changes in validate_change.go. Every rule names its
// source in AWS's FSx documentation, listed here once:
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
//   [UG-PERF] FSx for Lustre User Guide, "Amazon FSx for Lustre performance" and "Performance characteristics
//             of SSD and HDD storage classes" (throughput proportional to storage capacity; SCRATCH_2: network
//             200 MB/s/TiB baseline, 1300 burst on network I/O credits, disk 200 read and 100 write;
//             persistent SSD: disk throughput the tier, 125/250/500/1000 for PERSISTENT_2; HDD: 12 or 40;
//             SCRATCH_1: 200 MB/s/TiB in the guide's editions that list it).
//   [UG-SG]   FSx for Lustre User Guide, "File system access control with Amazon VPC" (inbound TCP 988 and
//             1018-1023) and "Creating an FSx for Lustre file system fails" (EFA-enabled file systems need a
//             group allowing all inbound and outbound traffic to and from itself).

import (
	"fmt"
	"regexp"
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
