// SPDX-License-Identifier: MPL-2.0

package lustre

// Throughput tiers, EFA and storage capacity: the FSx rules of a workspace's size and speed. The
// sources in brackets are listed in validate.go.

import (
	"fmt"
	"slices"
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

// Baseline throughput of the scratch deployment types, MB/s per TiB of storage [UG-PERF]: SCRATCH_2 reads
// from disk at 200 and writes at 100 (its network baseline is 200, its 1300 burst rides on network I/O
// credits for reads served from the file servers' cache); SCRATCH_1 at 200 (no separate write figure).
const (
	Scratch2ReadMBpsPerTiB  = 200
	Scratch2WriteMBpsPerTiB = 100
	Scratch1MBpsPerTiB      = 200
	Scratch2BurstMBpsPerTiB = 1300
)

// BaselineThroughputPerTiB is a file system's sustained throughput in MB/s per TiB of storage for reads and
// for writes [UG-PERF]: the scratch types' fixed figures; a persistent file system's disk throughput is its
// per_unit_storage_throughput tier (perUnit), for reads and writes alike. ok is false for an unknown
// deployment type or a persistent one without a valid tier.
func BaselineThroughputPerTiB(deploymentType, storageType string, perUnit int64) (read, write int64, ok bool) {
	switch deploymentType {
	case DeploymentScratch2:
		return Scratch2ReadMBpsPerTiB, Scratch2WriteMBpsPerTiB, true
	case DeploymentScratch1:
		return Scratch1MBpsPerTiB, Scratch1MBpsPerTiB, true
	}
	if !isPersistent(deploymentType) || !slices.Contains(PerUnitStorageThroughputValues(deploymentType, storageType), perUnit) {
		return 0, 0, false
	}
	return perUnit, perUnit, true
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

// validateThroughput checks the throughput tier [API-PUT]; ok says the tier is known and valid.
func validateThroughput(s WorkspaceSpec) (out []Problem, ok bool) {
	dt, st := s.DeploymentType, s.StorageType
	if dt == "" || st == "" || s.ThroughputUnknown {
		return nil, false
	}
	allowed := PerUnitStorageThroughputValues(dt, st)
	switch {
	case !isPersistent(dt) && s.PerUnitStorageThroughput != nil:
		read, _, _ := BaselineThroughputPerTiB(dt, st, 0)
		return append(out, problem("per_unit_storage_throughput", "Throughput tier not supported",
			"per_unit_storage_throughput applies only to PERSISTENT_1 and PERSISTENT_2 deployment types; %s file "+
				"systems have a fixed baseline throughput of %d MB/s/TiB. Remove per_unit_storage_throughput.", dt, read)), false
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
