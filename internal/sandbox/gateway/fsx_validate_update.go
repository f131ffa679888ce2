// SPDX-License-Identifier: MPL-2.0

package gateway

// Validation of FSx for Lustre UpdateFileSystem requests (sources: see fsx_validate.go).

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// validateUpdateFileSystem checks an update of fs and returns the settings changed through an
// administrative action (target; the file system is UPDATING) and those applied at once (immediate).
func validateUpdateFileSystem(fs *fileSystem, in *fsx.UpdateFileSystemInput, now time.Time, interval time.Duration) (target, immediate fsSettings, err error) {
	cur := fs.Settings
	if in.StorageType != "" && string(in.StorageType) != fs.StorageType {
		return target, immediate, badRequest("The storage type of an FSx for Lustre file system cannot be changed.")
	}
	if in.NetworkType != "" {
		return target, immediate, badRequest("NetworkType can be updated only for FSx for OpenZFS file systems.")
	}
	if c := in.StorageCapacity; c != nil && *c != deref(cur.StorageCapacity) {
		if err := validateCapacityIncrease(fs, *c, now, interval); err != nil {
			return target, immediate, err
		}
		target.StorageCapacity = c
	}
	if v := in.FileSystemTypeVersion; v != nil && *v != deref(cur.Version) {
		if !oneOf(*v, "2.12", "2.15") {
			return target, immediate, badRequest("Invalid FileSystemTypeVersion %s: a file system can be updated to 2.12 or 2.15.", *v)
		}
		if *v < deref(cur.Version) {
			return target, immediate, badRequest("FileSystemTypeVersion %s is older than the file system's Lustre version %s.", *v, deref(cur.Version))
		}
		target.Version = v
	}
	lc := in.LustreConfiguration
	if lc == nil {
		return target, immediate, nil
	}
	if err := updateThroughput(fs, lc, &target); err != nil {
		return target, immediate, err
	}
	if err := updateLustreSettings(fs, lc, &target); err != nil {
		return target, immediate, err
	}
	if err := updateMaintenance(fs, lc, &immediate); err != nil {
		return target, immediate, err
	}
	return target, immediate, nil
}

// validateCapacityIncrease checks a new storage capacity c: only an increase, never for SCRATCH_1 or
// INTELLIGENT_TIERING, a valid value, and not within interval of the last increase.
func validateCapacityIncrease(fs *fileSystem, c int32, now time.Time, interval time.Duration) error {
	cur := deref(fs.Settings.StorageCapacity)
	switch {
	case fs.StorageType == storageIT:
		return incompatible("StorageCapacity", "INTELLIGENT_TIERING file systems have no provisioned storage capacity.")
	case fs.DeploymentType == scratch1:
		return badRequest("Storage capacity cannot be increased for SCRATCH_1 file systems.")
	case c < cur:
		return badRequest("Unable to decrease storage capacity from %d GiB to %d GiB: FSx for Lustre storage capacity can only be increased.", cur, c)
	}
	if err := validCapacity(fs.DeploymentType, fs.StorageType, deref(fs.Settings.PerUnitThroughput), fs.EFA, c); err != nil {
		return err
	}
	return fs.storageIncreaseAllowed(now, interval)
}

// updateThroughput checks a new PerUnitStorageThroughput (persistent SSD only, never on an EFA-enabled
// file system) and ThroughputCapacity (INTELLIGENT_TIERING only, increase only) into target.
func updateThroughput(fs *fileSystem, lc *fsxtypes.UpdateFileSystemLustreConfiguration, target *fsSettings) error {
	cur, dt, st := fs.Settings, fs.DeploymentType, fs.StorageType
	if p := lc.PerUnitStorageThroughput; p != nil && *p != deref(cur.PerUnitThroughput) {
		if !isPersistent(dt) || st != storageSSD {
			return incompatible("PerUnitStorageThroughput", "The throughput per unit of storage can be modified only on persistent SSD file systems.")
		}
		if fs.EFA {
			// The throughput tier of an EFA-enabled file system is fixed at creation (issue 10, from the FSx
			// EFA guide, "Working with EFA-enabled file systems").
			return badRequest("The throughput per unit of storage of an EFA-enabled file system cannot be modified.")
		}
		allowed := perUnitThroughputValues[dt+"/"+st]
		if !oneOf(*p, allowed...) {
			return badRequest("Invalid PerUnitStorageThroughput %d for %s SSD file systems. Valid values are %s MB/s/TiB.", *p, dt, joinInts(allowed))
		}
		target.PerUnitThroughput = p
	}
	if tc := lc.ThroughputCapacity; tc != nil && *tc != deref(cur.ThroughputCapacity) {
		if st != storageIT {
			return incompatible("ThroughputCapacity", "ThroughputCapacity applies only to INTELLIGENT_TIERING file systems.")
		}
		if *tc%4000 != 0 || *tc < deref(cur.ThroughputCapacity) {
			return badRequest("ThroughputCapacity can only be increased, in multiples of 4000 MBps.")
		}
		target.ThroughputCapacity = tc
	}
	return nil
}

// updateLustreSettings checks new compression, root squash, log and metadata settings into target.
func updateLustreSettings(fs *fileSystem, lc *fsxtypes.UpdateFileSystemLustreConfiguration, target *fsSettings) error {
	cur := fs.Settings
	if c := string(lc.DataCompressionType); c != "" && c != deref(cur.Compression) {
		if !oneOf(c, "NONE", "LZ4") {
			return badRequest("Invalid DataCompressionType %s. Valid values are NONE and LZ4.", c)
		}
		target.Compression = &c
	}
	if lc.RootSquashConfiguration != nil {
		rs, err := validateRootSquash(lc.RootSquashConfiguration)
		if err != nil {
			return err
		}
		target.RootSquash = rs
	}
	if lc.LogConfiguration != nil {
		l, err := validateLog(lc.LogConfiguration)
		if err != nil {
			return err
		}
		target.Log = l
	}
	if mc := lc.MetadataConfiguration; mc != nil {
		if fs.DeploymentType != persistent2 {
			return incompatible("MetadataConfiguration", "MetadataConfiguration is supported only for the PERSISTENT_2 deployment type.")
		}
		m, err := validateMetadata(string(mc.Mode), mc.Iops, fs.StorageType, cur.Metadata)
		if err != nil {
			return err
		}
		if m.Iops == nil {
			m.Iops = ptr(automaticMetadataIops(deref(cur.StorageCapacity)))
		}
		target.Metadata = m
	}
	return nil
}

// updateMaintenance checks the maintenance window, automatic backups (persistent only), the auto-import
// policy (only with an ImportPath) and the read cache (INTELLIGENT_TIERING only) into immediate.
func updateMaintenance(fs *fileSystem, lc *fsxtypes.UpdateFileSystemLustreConfiguration, immediate *fsSettings) error {
	if v := lc.WeeklyMaintenanceStartTime; v != nil {
		if !weeklyTimeRE.MatchString(*v) {
			return badRequest("Invalid WeeklyMaintenanceStartTime '%s': expected d:HH:MM with d from 1 (Monday) to 7.", *v)
		}
		immediate.WeeklyMaintenance = v
	}
	if lc.AutomaticBackupRetentionDays != nil || lc.DailyAutomaticBackupStartTime != nil {
		if !isPersistent(fs.DeploymentType) {
			return incompatible("AutomaticBackupRetentionDays", "Automatic backups are not supported for scratch file systems.")
		}
		if d := lc.AutomaticBackupRetentionDays; d != nil {
			if *d < 0 || *d > 90 {
				return badRequest("AutomaticBackupRetentionDays must be between 0 and 90.")
			}
			immediate.BackupRetentionDays = d
		}
		if v := lc.DailyAutomaticBackupStartTime; v != nil {
			if !dailyTimeRE.MatchString(*v) {
				return badRequest("Invalid DailyAutomaticBackupStartTime '%s': expected HH:MM.", *v)
			}
			immediate.DailyBackup = v
		}
	}
	if p := string(lc.AutoImportPolicy); p != "" {
		if fs.ImportPath == "" {
			return incompatible("AutoImportPolicy", "AutoImportPolicy can be updated only on file systems created with an ImportPath.")
		}
		if !oneOf(p, "NONE", "NEW", "NEW_CHANGED", "NEW_CHANGED_DELETED") {
			return badRequest("Invalid AutoImportPolicy %s.", p)
		}
		immediate.AutoImportPolicy = &p
	}
	if lc.DataReadCacheConfiguration != nil && fs.StorageType != storageIT {
		return incompatible("DataReadCacheConfiguration", "DataReadCacheConfiguration applies only to INTELLIGENT_TIERING file systems.")
	}
	return nil
}
