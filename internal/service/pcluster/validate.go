// SPDX-License-Identifier: MPL-2.0

package pcluster

// ParallelCluster's configuration rules the provider checks at plan time, each stated once with its
// source in aws/aws-parallelcluster (cli/src/pcluster) or the ParallelCluster User Guide ("Cluster
// configuration file", v3). The API's dry run checks the rest (and these again) when the endpoint and
// every referenced value are known at plan time.

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	// ClusterNameRegexp: constants.py PCLUSTER_NAME_REGEX ^([a-zA-Z][a-zA-Z0-9-]{0,%d})$ with
	// PCLUSTER_NAME_MAX_LENGTH = 60 (validators/cluster_validators.py ClusterNameValidator).
	ClusterNameRegexp = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{0,59}$`)
	// ClusterNameRule is ClusterNameValidator's message.
	ClusterNameRule = "The cluster name can contain only alphanumeric characters (case-sensitive) and hyphens. It must start with an alphabetic character and can't be longer than 60 characters."

	// NameRegexp is NAME_REGEX of validators/cluster_validators.py (NameValidator), for queue and
	// compute resource names.
	NameRegexp = regexp.MustCompile(`^[a-z][a-z0-9\-]*$`)
	// SharedStorageNameRegexp: shared storage names are used as given; the sandbox and the docs accept
	// letters, digits, hyphens and underscores.
	sharedStorageNameRegexp = regexp.MustCompile(`^[A-Za-z0-9_\-]+$`)
)

const (
	// NameMaxLength is NAME_MAX_LENGTH of validators/cluster_validators.py (queues, compute resources).
	NameMaxLength = 25
	// SharedStorageNameMaxLength is SHARED_STORAGE_NAME_MAX_LENGTH of validators/cluster_validators.py.
	SharedStorageNameMaxLength = 30
	// MaxQueues is MAX_NUMBER_OF_QUEUES of constants.py.
	MaxQueues = 50
	// MaxComputeResources is MAX_NUMBER_OF_COMPUTE_RESOURCES_PER_CLUSTER (and per queue) of constants.py.
	MaxComputeResources = 50
	// MaxTags is MAX_TAGS_COUNT of constants.py (50 tags, some reserved for ParallelCluster's own).
	MaxTags = 40
	// DefaultMaxCount and DefaultMinCount are DEFAULT_MAX_COUNT and DEFAULT_MIN_COUNT of constants.py.
	DefaultMaxCount = 10
	DefaultMinCount = 0
	// DefaultScaledownIdleMinutes is SlurmSettings.ScaledownIdletime's default (User Guide: 10 minutes).
	DefaultScaledownIdleMinutes = 10
	// ReservedTagPrefix may not start a tag key (common_schema.py validate_no_reserved_tag).
	ReservedTagPrefix = "parallelcluster:"
)

// SupportedOSes is SUPPORTED_OSES of constants.py.
var SupportedOSes = []string{"alinux2", "alinux2023", "ubuntu2004", "ubuntu2204", "ubuntu2404", "rhel8", "rocky8", "rhel9", "rocky9"}

// CapacityTypes are the values of a Slurm queue's CapacityType (config/cluster_config.py CapacityType).
var CapacityTypes = []string{"ONDEMAND", "SPOT", "CAPACITY_BLOCK"}

// QueueUpdateStrategies are the values of SlurmSettings.QueueUpdateStrategy (cluster_config.py
// QueueUpdateStrategy); COMPUTE_FLEET_STOP is ParallelCluster's default.
var QueueUpdateStrategies = []string{"COMPUTE_FLEET_STOP", "DRAIN", "TERMINATE"}

// ValidateName checks a queue or compute resource name against NameValidator.
func ValidateName(name string) error {
	switch {
	case !NameRegexp.MatchString(name):
		return fmt.Errorf("invalid name %q: a name must begin with a letter and only contain lowercase letters, digits and hyphens", name)
	case len(name) > NameMaxLength:
		return fmt.Errorf("invalid name %q: a name can be at most %d characters long", name, NameMaxLength)
	case name == "default":
		return fmt.Errorf("%q cannot be used as a name", name)
	}
	return nil
}

// ValidateSharedStorageName checks a shared storage name.
func ValidateSharedStorageName(name string) error {
	if !sharedStorageNameRegexp.MatchString(name) || len(name) > SharedStorageNameMaxLength {
		return fmt.Errorf("invalid name %q: letters, digits, hyphens and underscores, at most %d characters", name, SharedStorageNameMaxLength)
	}
	return nil
}

// ValidateCounts is ComputeResourceSizeValidator: MinCount >= 0, MaxCount >= 1 (cluster_schema.py
// field ranges), MaxCount >= MinCount.
func ValidateCounts(minCount, maxCount int64) error {
	switch {
	case minCount < 0:
		return fmt.Errorf("min_count must be 0 or more, got %d", minCount)
	case maxCount < 1:
		return fmt.Errorf("max_count must be 1 or more, got %d", maxCount)
	case maxCount < minCount:
		return fmt.Errorf("max count must be greater than or equal to min count (min_count %d, max_count %d)", minCount, maxCount)
	}
	return nil
}

// ValidateTagKey rejects ParallelCluster's reserved tag prefix.
func ValidateTagKey(key string) error {
	if strings.HasPrefix(key, ReservedTagPrefix) {
		return fmt.Errorf("the tag key prefix %q is reserved by ParallelCluster", ReservedTagPrefix)
	}
	return nil
}

// ID formats of cluster_schema.py's field validators (ALLOWED_VALUES / get_field_validator) and the
// IAM ARN patterns of constants.py.
var (
	amiRegexp       = regexp.MustCompile(`^ami-[0-9a-z]{8}$|^ami-[0-9a-z]{17}$`)
	subnetRegexp    = regexp.MustCompile(`^subnet-[0-9a-z]{8}$|^subnet-[0-9a-z]{17}$`)
	sgRegexp        = regexp.MustCompile(`^sg-[0-9a-z]{8}$|^sg-[0-9a-z]{17}$`)
	iamPolicyRegexp = regexp.MustCompile(`^arn:.*:policy/`)
	mountDirRegexp  = regexp.MustCompile(`^/?[^/.\\][^/\\]*(/[^/.\\][^/]*)*$`)
)
