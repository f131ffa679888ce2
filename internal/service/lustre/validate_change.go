// SPDX-License-Identifier: MPL-2.0

package lustre

// What FSx can change in place on an existing workspace. The sources in brackets are listed in
// validate.go.

import (
	"strconv"
	"strings"
	"time"
)

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
