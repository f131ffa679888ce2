// SPDX-License-Identifier: MPL-2.0

package gateway

// Validation of FSx for Lustre requests. Sources:
//   - the FSx API model shipped in aws-sdk-go-v2/service/fsx (documentation of
//     CreateFileSystemInput.StorageCapacity, CreateFileSystemLustreConfiguration.
//     PerUnitStorageThroughput / DriveCacheType / EfaEnabled / MetadataConfiguration,
//     CreateFileSystemInput.FileSystemTypeVersion, UpdateFileSystemInput.StorageCapacity,
//     UpdateFileSystemLustreConfiguration.PerUnitStorageThroughput);
//   - FSx for Lustre User Guide: "Deployment and storage class options",
//     "Managing storage capacity" (increase only; SCRATCH_1 cannot grow),
//     "Managing provisioned throughput capacity" (persistent SSD only),
//     "Working with EFA-enabled file systems", "Lustre data compression",
//     "Lustre root squash", "Linking your file system to an S3 bucket".

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

const (
	scratch1    = string(fsxtypes.LustreDeploymentTypeScratch1)
	scratch2    = string(fsxtypes.LustreDeploymentTypeScratch2)
	persistent1 = string(fsxtypes.LustreDeploymentTypePersistent1)
	persistent2 = string(fsxtypes.LustreDeploymentTypePersistent2)
	storageSSD  = string(fsxtypes.StorageTypeSsd)
	storageHDD  = string(fsxtypes.StorageTypeHdd)
	storageIT   = string(fsxtypes.StorageTypeIntelligentTiering)
)

// PerUnitStorageThroughput values (MB/s/TiB) by deployment type and storage
// type (API model, CreateFileSystemLustreConfiguration.PerUnitStorageThroughput).
var perUnitThroughputValues = map[string][]int32{
	persistent1 + "/" + storageSSD: {50, 100, 200},
	persistent1 + "/" + storageHDD: {12, 40},
	persistent2 + "/" + storageSSD: {125, 250, 500, 1000},
}

// efaCapacityStep is the storage capacity increment (GiB) of EFA-enabled
// PERSISTENT_2 file systems per throughput tier (User Guide, "Working with
// EFA-enabled file systems": 4.8 TiB at 1000, 9.6 TiB at 500, 19.2 TiB at 250
// and 38.4 TiB at 125 MB/s/TiB).
var efaCapacityStep = map[int32]int32{1000: 4800, 500: 9600, 250: 19200, 125: 38400}

type createSpec struct {
	deploymentType, storageType, driveCache string
	efa                                     bool
	kmsKeyID                                string
	copyTags                                *bool
	importPath, exportPath                  string
	chunkSize                               *int32
	readCache                               *fsxtypes.LustreReadCacheConfiguration
	settings                                fsSettings
}

func badRequest(format string, args ...any) *APIError { return Errorf("BadRequest", format, args...) }

func incompatible(param, format string, args ...any) *APIError {
	return Errorf("IncompatibleParameterError", format, args...).With("Parameter", param)
}

func oneOf[T comparable](v T, vals ...T) bool {
	for _, x := range vals {
		if v == x {
			return true
		}
	}
	return false
}

var (
	weeklyTimeRE = regexp.MustCompile(`^[1-7]:([01]\d|2[0-3]):[0-5]\d$`)
	dailyTimeRE  = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)
	rootSquashRE = regexp.MustCompile(`^\d{1,10}:\d{1,10}$`)
)

// maxSquashID is the largest root squash UID or GID (API Reference, LustreRootSquashConfiguration).
const maxSquashID = 4294967294

// validCapacity checks a Lustre storage capacity for a create or an update.
func validCapacity(deploymentType, storageType string, perUnit int32, efa bool, capacity int32) error {
	if capacity <= 0 {
		return badRequest("StorageCapacity must be a positive number of GiB.")
	}
	switch {
	case storageType == storageHDD:
		step := int32(6000)
		if perUnit == 40 {
			step = 1800
		}
		if capacity%step != 0 {
			return badRequest("Invalid storage capacity %d GiB: for PERSISTENT_1 HDD file systems with %d MB/s/TiB throughput, storage capacity must be a multiple of %d GiB.", capacity, perUnit, step)
		}
	case efa:
		step := efaCapacityStep[perUnit]
		if step == 0 {
			step = 4800
		}
		if capacity%step != 0 {
			return badRequest("Invalid storage capacity %d GiB: EFA-enabled file systems with %d MB/s/TiB throughput require storage capacity in increments of %d GiB.", capacity, perUnit, step)
		}
	case deploymentType == scratch1:
		if capacity != 1200 && capacity != 2400 && capacity%3600 != 0 {
			return badRequest("Invalid storage capacity %d GiB: for SCRATCH_1 file systems, valid values are 1200 GiB, 2400 GiB, and increments of 3600 GiB.", capacity)
		}
	default:
		if capacity != 1200 && capacity%2400 != 0 {
			return badRequest("Invalid storage capacity %d GiB: for %s SSD file systems, valid values are 1200 GiB, 2400 GiB, and increments of 2400 GiB.", capacity, deploymentType)
		}
	}
	return nil
}

func validateCreateFileSystem(in *fsx.CreateFileSystemInput) (*createSpec, error) {
	if err := validateCreateTarget(in); err != nil {
		return nil, err
	}
	lc := in.LustreConfiguration
	if lc == nil {
		lc = &fsxtypes.CreateFileSystemLustreConfiguration{}
	}
	spec, err := newCreateSpec(in, lc)
	if err != nil {
		return nil, err
	}
	dt, st := spec.deploymentType, spec.storageType
	if err := validateCreateThroughput(lc, dt, st); err != nil {
		return nil, err
	}
	meta, version, err := validateCreateVersion(in, lc, dt, st)
	if err != nil {
		return nil, err
	}
	if err := validateCreateEFA(spec, meta, version); err != nil {
		return nil, err
	}
	if err := validateCreateCapacity(in, spec, deref(lc.PerUnitStorageThroughput)); err != nil {
		return nil, err
	}
	if err := validateCreateBackups(spec, lc); err != nil {
		return nil, err
	}
	if err := validateLegacyRepository(spec, lc); err != nil {
		return nil, err
	}
	compression := string(lc.DataCompressionType)
	if compression == "" {
		compression = "NONE"
	}
	if !oneOf(compression, "NONE", "LZ4") {
		return nil, badRequest("Invalid DataCompressionType %s. Valid values are NONE and LZ4.", compression)
	}
	rs, err := validateRootSquash(lc.RootSquashConfiguration)
	if err != nil {
		return nil, err
	}
	logc, err := validateLog(lc.LogConfiguration)
	if err != nil {
		return nil, err
	}
	spec.settings = createSettings(in, lc, spec, fsSettings{Compression: &compression, RootSquash: rs, Log: logc, Metadata: meta, Version: &version})
	return spec, nil
}

// validateCreateTarget checks the file system type, the other types' configurations, the subnet and the
// network type.
func validateCreateTarget(in *fsx.CreateFileSystemInput) error {
	if in.FileSystemType == "" {
		return badRequest("FileSystemType is required.")
	}
	if in.FileSystemType != fsxtypes.FileSystemTypeLustre {
		return badRequest("The rayhpc sandbox supports only FileSystemType LUSTRE, not %s.", in.FileSystemType)
	}
	if in.WindowsConfiguration != nil || in.OntapConfiguration != nil || in.OpenZFSConfiguration != nil {
		return incompatible("LustreConfiguration", "Only LustreConfiguration may be specified for a LUSTRE file system.")
	}
	if len(in.SubnetIds) != 1 {
		return badRequest("FSx for Lustre file systems require exactly one subnet ID, got %d.", len(in.SubnetIds))
	}
	if in.NetworkType != "" && in.NetworkType != fsxtypes.NetworkTypeIpv4 && in.NetworkType != fsxtypes.NetworkTypeDual {
		return badRequest("Invalid NetworkType %s.", in.NetworkType)
	}
	return nil
}

// newCreateSpec reads the request into a createSpec with the API's defaults (SCRATCH_1, SSD) and checks
// the deployment type, the storage type and the storage class each deployment type supports.
func newCreateSpec(in *fsx.CreateFileSystemInput, lc *fsxtypes.CreateFileSystemLustreConfiguration) (*createSpec, error) {
	spec := &createSpec{
		deploymentType: string(lc.DeploymentType),
		storageType:    string(in.StorageType),
		driveCache:     string(lc.DriveCacheType),
		efa:            deref(lc.EfaEnabled),
		kmsKeyID:       deref(in.KmsKeyId),
		copyTags:       lc.CopyTagsToBackups,
		importPath:     deref(lc.ImportPath),
		exportPath:     deref(lc.ExportPath),
		chunkSize:      lc.ImportedFileChunkSize,
		readCache:      lc.DataReadCacheConfiguration,
	}
	if spec.deploymentType == "" {
		spec.deploymentType = scratch1 // API default
	}
	if !oneOf(spec.deploymentType, scratch1, scratch2, persistent1, persistent2) {
		return nil, badRequest("Invalid DeploymentType %s. Valid values are SCRATCH_1, SCRATCH_2, PERSISTENT_1, PERSISTENT_2.", spec.deploymentType)
	}
	if spec.storageType == "" {
		spec.storageType = storageSSD // API default
	}
	if !oneOf(spec.storageType, storageSSD, storageHDD, storageIT) {
		return nil, badRequest("Invalid StorageType %s.", spec.storageType)
	}
	dt, st := spec.deploymentType, spec.storageType
	// Storage class per deployment type.
	if st == storageHDD && dt != persistent1 {
		return nil, incompatible("StorageType", "HDD storage is supported only with the PERSISTENT_1 deployment type.")
	}
	if st == storageIT && dt != persistent2 {
		return nil, incompatible("StorageType", "INTELLIGENT_TIERING storage is supported only with the PERSISTENT_2 deployment type.")
	}
	if st == storageHDD {
		if !oneOf(spec.driveCache, "NONE", "READ") {
			return nil, badRequest("DriveCacheType (NONE or READ) is required when StorageType is HDD.")
		}
	} else if spec.driveCache != "" {
		return nil, incompatible("DriveCacheType", "DriveCacheType is supported only for PERSISTENT_1 HDD file systems.")
	}
	return spec, nil
}

// validateCreateThroughput checks PerUnitStorageThroughput (persistent SSD and HDD) and ThroughputCapacity
// with the read cache (INTELLIGENT_TIERING).
func validateCreateThroughput(lc *fsxtypes.CreateFileSystemLustreConfiguration, dt, st string) error {
	perUnit := deref(lc.PerUnitStorageThroughput)
	switch {
	case st == storageIT:
		if lc.PerUnitStorageThroughput != nil {
			return incompatible("PerUnitStorageThroughput", "PerUnitStorageThroughput is not supported with INTELLIGENT_TIERING storage; use ThroughputCapacity.")
		}
		tc := deref(lc.ThroughputCapacity)
		if tc <= 0 || tc%4000 != 0 {
			return badRequest("ThroughputCapacity is required for INTELLIGENT_TIERING file systems: 4000 MBps or multiples of 4000 MBps.")
		}
		if lc.DataReadCacheConfiguration == nil {
			return badRequest("DataReadCacheConfiguration is required when StorageType is INTELLIGENT_TIERING.")
		}
	case isPersistent(dt):
		if lc.PerUnitStorageThroughput == nil {
			return badRequest("PerUnitStorageThroughput is required for %s file systems with %s storage.", dt, st)
		}
		allowed := perUnitThroughputValues[dt+"/"+st]
		if !oneOf(perUnit, allowed...) {
			return Errorf("InvalidPerUnitStorageThroughput", "Invalid PerUnitStorageThroughput %d for %s %s file systems. Valid values are %s MB/s/TiB.", perUnit, dt, st, joinInts(allowed))
		}
	default:
		if lc.PerUnitStorageThroughput != nil {
			return incompatible("PerUnitStorageThroughput", "PerUnitStorageThroughput is supported only for PERSISTENT_1 and PERSISTENT_2 deployment types.")
		}
	}
	if lc.ThroughputCapacity != nil && st != storageIT {
		return incompatible("ThroughputCapacity", "ThroughputCapacity is supported only for INTELLIGENT_TIERING file systems.")
	}
	if lc.DataReadCacheConfiguration != nil && st != storageIT {
		return incompatible("DataReadCacheConfiguration", "DataReadCacheConfiguration is supported only for INTELLIGENT_TIERING file systems.")
	}
	return nil
}

// validateCreateVersion checks the metadata configuration and the Lustre version, and returns them with
// the API's defaults (version 2.15 for PERSISTENT_2 with metadata, 2.12 for other PERSISTENT_2, else
// 2.10; AUTOMATIC metadata IOPS from the storage capacity).
func validateCreateVersion(in *fsx.CreateFileSystemInput, lc *fsxtypes.CreateFileSystemLustreConfiguration, dt, st string) (*metadataConfig, string, error) {
	var meta *metadataConfig
	if mc := lc.MetadataConfiguration; mc != nil {
		if dt != persistent2 {
			return nil, "", incompatible("MetadataConfiguration", "MetadataConfiguration is supported only for the PERSISTENT_2 deployment type.")
		}
		var err error
		if meta, err = validateMetadata(string(mc.Mode), mc.Iops, st, nil); err != nil {
			return nil, "", err
		}
	}
	version := deref(in.FileSystemTypeVersion)
	if version == "" {
		switch {
		case dt == persistent2 && meta != nil:
			version = "2.15"
		case dt == persistent2:
			version = "2.12"
		default:
			version = "2.10"
		}
	}
	if !oneOf(version, "2.10", "2.12", "2.15") {
		return nil, "", badRequest("Invalid FileSystemTypeVersion %s. Valid values are 2.10, 2.12 and 2.15.", version)
	}
	if version == "2.10" && dt == persistent2 {
		return nil, "", incompatible("FileSystemTypeVersion", "Lustre version 2.10 is not supported by the PERSISTENT_2 deployment type.")
	}
	if version == "2.12" && meta != nil {
		return nil, "", incompatible("FileSystemTypeVersion", "Lustre version 2.12 is not supported by PERSISTENT_2 file systems with a metadata configuration.")
	}
	if meta != nil && meta.Iops == nil {
		meta.Iops = ptr(automaticMetadataIops(deref(in.StorageCapacity)))
	}
	return meta, version, nil
}

// validateCreateEFA checks what an EFA-enabled file system needs: PERSISTENT_2, a metadata
// configuration, Lustre 2.15 and SSD storage.
func validateCreateEFA(spec *createSpec, meta *metadataConfig, version string) error {
	if !spec.efa {
		return nil
	}
	switch {
	case spec.deploymentType != persistent2:
		return incompatible("EfaEnabled", "EFA is supported only for the PERSISTENT_2 deployment type.")
	case meta == nil:
		return incompatible("EfaEnabled", "EFA-enabled file systems require a MetadataConfiguration.")
	case version != "2.15":
		return incompatible("EfaEnabled", "EFA-enabled file systems require Lustre version 2.15.")
	case spec.storageType != storageSSD:
		return incompatible("EfaEnabled", "EFA-enabled file systems require SSD storage.")
	}
	return nil
}

// validateCreateCapacity checks StorageCapacity: none with INTELLIGENT_TIERING, else required and valid.
func validateCreateCapacity(in *fsx.CreateFileSystemInput, spec *createSpec, perUnit int32) error {
	if spec.storageType == storageIT {
		if in.StorageCapacity != nil {
			return incompatible("StorageCapacity", "StorageCapacity is not supported with INTELLIGENT_TIERING storage.")
		}
		return nil
	}
	if in.StorageCapacity == nil {
		return badRequest("StorageCapacity is required.")
	}
	return validCapacity(spec.deploymentType, spec.storageType, perUnit, spec.efa, *in.StorageCapacity)
}

// validateCreateBackups checks encryption keys, automatic backups and the maintenance window.
func validateCreateBackups(spec *createSpec, lc *fsxtypes.CreateFileSystemLustreConfiguration) error {
	persistent := isPersistent(spec.deploymentType)
	if spec.kmsKeyID != "" && !persistent {
		return incompatible("KmsKeyId", "KmsKeyId is supported only for PERSISTENT_1 and PERSISTENT_2 file systems; scratch file systems are encrypted with the FSx service key.")
	}
	if !persistent {
		if deref(lc.AutomaticBackupRetentionDays) > 0 || lc.DailyAutomaticBackupStartTime != nil || lc.CopyTagsToBackups != nil {
			return incompatible("AutomaticBackupRetentionDays", "Automatic backups are not supported for scratch file systems.")
		}
	}
	if d := deref(lc.AutomaticBackupRetentionDays); d < 0 || d > 90 {
		return badRequest("AutomaticBackupRetentionDays must be between 0 and 90.")
	}
	if v := lc.DailyAutomaticBackupStartTime; v != nil && !dailyTimeRE.MatchString(*v) {
		return badRequest("Invalid DailyAutomaticBackupStartTime '%s': expected HH:MM.", *v)
	}
	if v := lc.WeeklyMaintenanceStartTime; v != nil && !weeklyTimeRE.MatchString(*v) {
		return badRequest("Invalid WeeklyMaintenanceStartTime '%s': expected d:HH:MM with d from 1 (Monday) to 7.", *v)
	}
	return nil
}

// validateLegacyRepository checks the legacy data repository configuration (not available on
// PERSISTENT_2, which links S3 through data repository associations only) and fills in its defaults.
func validateLegacyRepository(spec *createSpec, lc *fsxtypes.CreateFileSystemLustreConfiguration) error {
	if spec.importPath != "" || spec.exportPath != "" || lc.AutoImportPolicy != "" || lc.ImportedFileChunkSize != nil {
		if spec.deploymentType == persistent2 {
			return incompatible("ImportPath", "ImportPath, ExportPath, AutoImportPolicy and ImportedFileChunkSize are not supported for PERSISTENT_2 file systems; use data repository associations.")
		}
		if spec.importPath == "" {
			return badRequest("ImportPath is required when ExportPath, AutoImportPolicy or ImportedFileChunkSize is specified.")
		}
		if !strings.HasPrefix(spec.importPath, "s3://") || len(spec.importPath) <= len("s3://") {
			return Errorf("InvalidImportPath", "The import path '%s' is not a valid S3 path (s3://bucket[/prefix]).", spec.importPath)
		}
		if spec.exportPath == "" {
			spec.exportPath = spec.importPath
		}
		if s3Bucket(spec.exportPath) != s3Bucket(spec.importPath) {
			return Errorf("InvalidExportPath", "The export path must be in the same S3 bucket as the import path.")
		}
		if c := deref(lc.ImportedFileChunkSize); lc.ImportedFileChunkSize != nil && (c < 1 || c > 512000) {
			return badRequest("ImportedFileChunkSize must be between 1 and 512000 MiB.")
		}
		if spec.chunkSize == nil {
			spec.chunkSize = ptr(int32(1024))
		}
	}
	if lc.AutoImportPolicy != "" && !oneOf(string(lc.AutoImportPolicy), "NONE", "NEW", "NEW_CHANGED", "NEW_CHANGED_DELETED") {
		return badRequest("Invalid AutoImportPolicy %s.", lc.AutoImportPolicy)
	}
	return nil
}

// createSettings completes set (compression, root squash, log, metadata and version, validated) with the
// request's capacity, throughput, maintenance, backup (persistent only; a 03:00 daily start by default
// when backups are kept) and auto-import settings.
func createSettings(in *fsx.CreateFileSystemInput, lc *fsxtypes.CreateFileSystemLustreConfiguration, spec *createSpec, set fsSettings) fsSettings {
	set.StorageCapacity = in.StorageCapacity
	set.PerUnitThroughput = lc.PerUnitStorageThroughput
	set.ThroughputCapacity = lc.ThroughputCapacity
	set.WeeklyMaintenance = lc.WeeklyMaintenanceStartTime
	if isPersistent(spec.deploymentType) {
		set.BackupRetentionDays = ptr(deref(lc.AutomaticBackupRetentionDays))
		set.DailyBackup = lc.DailyAutomaticBackupStartTime
		if set.DailyBackup == nil && deref(lc.AutomaticBackupRetentionDays) > 0 {
			set.DailyBackup = ptr("03:00")
		}
	}
	if spec.importPath != "" {
		aip := string(lc.AutoImportPolicy)
		if aip == "" {
			aip = "NONE"
		}
		set.AutoImportPolicy = &aip
	}
	return set
}

// automaticMetadataIops is the metadata IOPS of an SSD PERSISTENT_2 file system
// in AUTOMATIC mode, by storage capacity (User Guide, "Lustre metadata performance configuration").
func automaticMetadataIops(capacity int32) int32 {
	switch {
	case capacity <= 1200:
		return 1500
	case capacity <= 2400:
		return 3000
	case capacity <= 9600:
		return 6000
	case capacity <= 45600:
		return 12000
	default:
		// Approximation beyond the documented table: 12000 per started 24000 GiB.
		v := 12000 * ((capacity + 23999) / 24000)
		if v > 192000 {
			v = 192000
		}
		return v
	}
}

func validateMetadata(mode string, iops *int32, storageType string, current *metadataConfig) (*metadataConfig, error) {
	if !oneOf(mode, "AUTOMATIC", "USER_PROVISIONED") {
		return nil, badRequest("MetadataConfiguration Mode must be AUTOMATIC or USER_PROVISIONED.")
	}
	if mode == "AUTOMATIC" {
		if iops != nil {
			return nil, incompatible("Iops", "Iops must not be specified in AUTOMATIC metadata configuration mode.")
		}
		if storageType == storageIT {
			return nil, incompatible("Mode", "AUTOMATIC metadata configuration mode is not supported on INTELLIGENT_TIERING file systems.")
		}
		return &metadataConfig{Mode: mode}, nil
	}
	if iops == nil {
		return nil, badRequest("Iops is required in USER_PROVISIONED metadata configuration mode.")
	}
	v := *iops
	if storageType == storageIT {
		if v != 6000 && v != 12000 {
			return nil, badRequest("Invalid metadata Iops %d: valid values for INTELLIGENT_TIERING file systems are 6000 and 12000.", v)
		}
	} else if !(oneOf(v, 1500, 3000, 6000, 12000) || (v%12000 == 0 && v > 0 && v <= 192000)) {
		return nil, badRequest("Invalid metadata Iops %d: valid values are 1500, 3000, 6000, 12000, and multiples of 12000 up to 192000.", v)
	}
	if current != nil && current.Iops != nil && v < *current.Iops {
		return nil, badRequest("Metadata Iops can only be increased (current %d, requested %d).", *current.Iops, v)
	}
	return &metadataConfig{Mode: mode, Iops: ptr(v)}, nil
}

func validateRootSquash(c *fsxtypes.LustreRootSquashConfiguration) (*rootSquash, error) {
	if c == nil {
		return nil, nil
	}
	rs := &rootSquash{RootSquash: deref(c.RootSquash), NoSquashNids: c.NoSquashNids}
	if rs.RootSquash != "" && !rootSquashRE.MatchString(rs.RootSquash) {
		return nil, badRequest("Invalid RootSquash '%s': expected UID:GID, for example 65534:65534 (0:0 disables root squash).", rs.RootSquash)
	}
	// API Reference, LustreRootSquashConfiguration.RootSquash: "The UID and GID values can range from 0 to
	// 4294967294: A non-zero value for UID and GID enables root squash. The UID and GID values can be
	// different, but each must be a non-zero value. A value of 0 (zero) for UID and GID indicates root, and
	// therefore disables root squash."
	if rs.RootSquash != "" {
		uid, gid, _ := strings.Cut(rs.RootSquash, ":")
		u, _ := strconv.ParseUint(uid, 10, 64) //nolint:errcheck // the pattern above guarantees digits
		g, _ := strconv.ParseUint(gid, 10, 64) //nolint:errcheck // as above
		if u > maxSquashID || g > maxSquashID {
			return nil, badRequest("Invalid RootSquash '%s': the UID and GID values can range from 0 to %d.", rs.RootSquash, maxSquashID)
		}
		if (u == 0) != (g == 0) {
			return nil, badRequest("Invalid RootSquash '%s': the UID and GID must each be non-zero, or both 0 (0:0 disables root squash).", rs.RootSquash)
		}
	}
	if len(rs.NoSquashNids) > 64 {
		return nil, badRequest("NoSquashNids can contain at most 64 entries.")
	}
	return rs, nil
}

func validateLog(c *fsxtypes.LustreLogCreateConfiguration) (*logConfig, error) {
	if c == nil {
		return nil, nil
	}
	lvl := string(c.Level)
	if !oneOf(lvl, "DISABLED", "WARN_ONLY", "ERROR_ONLY", "WARN_ERROR") {
		return nil, badRequest("Invalid LogConfiguration Level %s.", lvl)
	}
	out := &logConfig{Level: lvl}
	if lvl != "DISABLED" {
		out.Destination = deref(c.Destination)
		if out.Destination == "" {
			out.Destination = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/fsx/lustre"
		}
	} else if c.Destination != nil {
		return nil, incompatible("Destination", "A log destination cannot be set when logging is DISABLED.")
	}
	return out, nil
}

func joinInts(v []int32) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(int(x))
	}
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// s3Bucket returns the bucket of an s3://bucket/prefix path.
func s3Bucket(p string) string {
	rest := strings.TrimPrefix(p, "s3://")
	if i := strings.Index(rest, "/"); i >= 0 {
		return rest[:i]
	}
	return rest
}
