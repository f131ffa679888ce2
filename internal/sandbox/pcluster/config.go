// SPDX-License-Identifier: MPL-2.0

package pcluster

// The cluster configuration as ParallelCluster v3 reads it, for the settings the provider renders, and
// its validation. Sources (aws/aws-parallelcluster, cli/src/pcluster):
//   - schemas/cluster_schema.py: field names, required fields, enumerations, update policies;
//   - constants.py: SUPPORTED_OSES, MAX_NUMBER_OF_QUEUES = 50,
//     MAX_NUMBER_OF_COMPUTE_RESOURCES_PER_CLUSTER = MAX_COMPUTE_RESOURCES_PER_QUEUE = 50;
//   - validators/cluster_validators.py: NameValidator (NAME_REGEX ^[a-z][a-z0-9\-]*$, at most 25
//     characters, not "default"), SHARED_STORAGE_NAME_MAX_LENGTH = 30, ComputeResourceSizeValidator,
//     EfaValidator, EfaPlacementGroupValidator, MaxCountValidator; their messages are quoted.
// Settings the emulator does not model are accepted as they are (ParallelCluster would check them too).

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

type pcConfig struct {
	Region        string          `yaml:"Region,omitempty"`
	Image         pcImage         `yaml:"Image"`
	HeadNode      pcHeadNode      `yaml:"HeadNode"`
	Scheduling    pcScheduling    `yaml:"Scheduling"`
	SharedStorage []pcSharedStore `yaml:"SharedStorage,omitempty"`
	Tags          []pcTag         `yaml:"Tags,omitempty"`
}

type pcImage struct {
	Os        string `yaml:"Os"`
	CustomAmi string `yaml:"CustomAmi,omitempty"`
}

type pcHeadNode struct {
	InstanceType string `yaml:"InstanceType"`
	Networking   struct {
		SubnetID                 string   `yaml:"SubnetId"`
		AdditionalSecurityGroups []string `yaml:"AdditionalSecurityGroups,omitempty"`
	} `yaml:"Networking"`
	Ssh struct {
		KeyName string `yaml:"KeyName,omitempty"`
	} `yaml:"Ssh,omitempty"`
	LocalStorage struct {
		RootVolume struct {
			Size int `yaml:"Size,omitempty"`
		} `yaml:"RootVolume,omitempty"`
	} `yaml:"LocalStorage,omitempty"`
}

type pcScheduling struct {
	Scheduler     string `yaml:"Scheduler"`
	SlurmSettings struct {
		ScaledownIdletime   *int   `yaml:"ScaledownIdletime,omitempty"`
		QueueUpdateStrategy string `yaml:"QueueUpdateStrategy,omitempty"`
	} `yaml:"SlurmSettings,omitempty"`
	SlurmQueues []pcQueue `yaml:"SlurmQueues"`
}

type pcQueue struct {
	Name         string `yaml:"Name"`
	CapacityType string `yaml:"CapacityType,omitempty"`
	Networking   struct {
		SubnetIDs      []string `yaml:"SubnetIds"`
		PlacementGroup *struct {
			Enabled *bool  `yaml:"Enabled,omitempty"`
			ID      string `yaml:"Id,omitempty"`
		} `yaml:"PlacementGroup,omitempty"`
	} `yaml:"Networking"`
	ComputeResources []pcComputeResource `yaml:"ComputeResources"`
}

type pcComputeResource struct {
	Name         string `yaml:"Name"`
	InstanceType string `yaml:"InstanceType,omitempty"`
	Instances    []struct {
		InstanceType string `yaml:"InstanceType"`
	} `yaml:"Instances,omitempty"`
	MinCount *int `yaml:"MinCount,omitempty"`
	MaxCount *int `yaml:"MaxCount,omitempty"`
	Efa      *struct {
		Enabled    bool `yaml:"Enabled"`
		GdrSupport bool `yaml:"GdrSupport,omitempty"`
	} `yaml:"Efa,omitempty"`
	DisableSimultaneousMultithreading bool `yaml:"DisableSimultaneousMultithreading,omitempty"`
}

func (cr pcComputeResource) instanceTypes() []string {
	if cr.InstanceType != "" {
		return []string{cr.InstanceType}
	}
	out := make([]string, 0, len(cr.Instances))
	for _, i := range cr.Instances {
		out = append(out, i.InstanceType)
	}
	return out
}

// Defaults from cluster_schema.py / constants.py: MinCount 0, MaxCount 10.
func (cr pcComputeResource) counts() (minCount, maxCount int) {
	minCount, maxCount = 0, 10
	if cr.MinCount != nil {
		minCount = *cr.MinCount
	}
	if cr.MaxCount != nil {
		maxCount = *cr.MaxCount
	}
	return minCount, maxCount
}

type pcSharedStore struct {
	Name        string `yaml:"Name"`
	StorageType string `yaml:"StorageType"`
	MountDir    string `yaml:"MountDir"`
	FsxLustre   *struct {
		FileSystemID string `yaml:"FileSystemId,omitempty"`
	} `yaml:"FsxLustreSettings,omitempty"`
	Efs *struct {
		FileSystemID string `yaml:"FileSystemId,omitempty"`
	} `yaml:"EfsSettings,omitempty"`
	Ebs *struct {
		VolumeID string `yaml:"VolumeId,omitempty"`
		Size     int    `yaml:"Size,omitempty"`
	} `yaml:"EbsSettings,omitempty"`
}

type pcTag struct {
	Key   string `yaml:"Key"`
	Value string `yaml:"Value"`
}

// supportedOSes is SUPPORTED_OSES of constants.py.
var supportedOSes = []string{"alinux2", "alinux2023", "ubuntu2004", "ubuntu2204", "ubuntu2404", "rhel8", "rocky8", "rhel9", "rocky9"}

var (
	// NAME_REGEX of validators/cluster_validators.py (queues and compute resources).
	nameRegex = regexp.MustCompile(`^[a-z][a-z0-9\-]*$`)
	// PCLUSTER_NAME_REGEX % (PCLUSTER_NAME_MAX_LENGTH - 1) of constants.py.
	clusterNameRegex = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{0,59}$`)
	// file_path of cluster_schema.py's field validators (MountDir).
	mountDirRegex = regexp.MustCompile(`^/?[^/.\\][^/\\]*(/[^/.\\][^/]*)*$`)
)

const (
	nameMaxLength              = 25
	sharedStorageNameMaxLength = 30
	maxQueues                  = 50
	maxComputeResources        = 50
)

// Validation levels of the API's ValidationLevel.
const (
	levelError   = "ERROR"
	levelWarning = "WARNING"
	levelInfo    = "INFO"
)

type message struct {
	ID, Type, Level, Message string
}

func parseConfig(doc string) (*pcConfig, error) {
	var c pcConfig
	if err := yaml.Unmarshal([]byte(doc), &c); err != nil {
		return nil, fmt.Errorf("configuration must be a valid YAML document: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return &c, nil
}

// schemaErrors checks what ParallelCluster's marshmallow schema checks before any validator runs
// (required fields, enumerations); its answer is a 400 with the message "Invalid cluster configuration".
func (c *pcConfig) schemaErrors() []message {
	var out []message
	add := func(format string, args ...any) {
		out = append(out, message{Type: "ConfigSchemaValidator", Level: levelError, Message: fmt.Sprintf(format, args...)})
	}
	if c.Image.Os == "" {
		add("[('Image', {'Os': ['Missing data for required field.']})]")
	} else if !slices.Contains(supportedOSes, c.Image.Os) {
		add("[('Image', {'Os': ['Must be one of: %s.']})]", strings.Join(supportedOSes, ", "))
	}
	if c.HeadNode.InstanceType == "" {
		add("[('HeadNode', {'InstanceType': ['Missing data for required field.']})]")
	}
	if c.HeadNode.Networking.SubnetID == "" {
		add("[('HeadNode', {'Networking': {'SubnetId': ['Missing data for required field.']}})]")
	}
	if c.Scheduling.Scheduler != "slurm" {
		add("[('Scheduling', {'Scheduler': ['The sandbox emulates the slurm scheduler only.']})]")
	}
	if len(c.Scheduling.SlurmQueues) == 0 {
		add("[('Scheduling', {'_schema': ['SlurmQueues section must be specified in the Scheduling section.']})]")
	}
	for _, q := range c.Scheduling.SlurmQueues {
		if len(q.Networking.SubnetIDs) == 0 {
			add("[('Scheduling', {'SlurmQueues': {'Networking': {'SubnetIds': ['Missing data for required field.']}}})]")
		}
		for _, cr := range q.ComputeResources {
			if (cr.InstanceType == "") == (len(cr.Instances) == 0) {
				add("[('Scheduling', {'SlurmQueues': {'ComputeResources': {'_schema': ['A Compute Resource needs to specify either InstanceType or Instances.']}}})]")
			}
			if minC, maxC := cr.counts(); minC < 0 || maxC < 1 {
				add("[('Scheduling', {'SlurmQueues': {'ComputeResources': {'MaxCount': ['Must be greater than or equal to 1.'], 'MinCount': ['Must be greater than or equal to 0.']}}})]")
			}
		}
	}
	for _, s := range c.SharedStorage {
		if s.MountDir == "" || !mountDirRegex.MatchString(s.MountDir) {
			add("[('SharedStorage', {'MountDir': ['String does not match expected pattern.']})]")
		}
		if !slices.Contains([]string{"Ebs", "FsxLustre", "Efs"}, s.StorageType) {
			add("[('SharedStorage', {'StorageType': ['Must be one of: Ebs, FsxLustre, FsxOpenZfs, FsxOntap, Efs.']})]")
		}
	}
	for _, t := range c.Tags {
		if strings.HasPrefix(t.Key, "parallelcluster:") {
			// common_schema.py validate_no_reserved_tag.
			add("[('Tags', {'_schema': ['The tag key prefix \\'parallelcluster:\\' is reserved and cannot be used.']})]")
		}
	}
	return out
}

// EC2Facts is what the validators need to know of EC2: the instance types and subnets that exist.
type EC2Facts interface {
	// InstanceType reports whether the type exists in the region and whether it supports EFA.
	InstanceType(name string) (exists, efa bool, err error)
	// Subnet reports whether the subnet exists and its VPC.
	Subnet(id string) (exists bool, vpcID string, err error)
}

// validate runs the validators ParallelCluster runs for the settings the emulator models, in its order:
// names and counts, then the AWS resources the configuration refers to.
func (e *Emulator) validate(c *pcConfig, region string) ([]message, error) {
	var out []message
	add := func(typ, level, format string, args ...any) {
		out = append(out, message{ID: typ, Type: typ, Level: level, Message: fmt.Sprintf(format, args...)})
	}
	if n := len(c.Scheduling.SlurmQueues); n > maxQueues {
		add("MaxCountValidator", levelError, "Invalid number of queues (%d) specified. Currently only supports up to %d queues.", n, maxQueues)
	}
	total := 0
	for _, q := range c.Scheduling.SlurmQueues {
		nameChecks(add, q.Name)
		total += len(q.ComputeResources)
		if n := len(q.ComputeResources); n > maxComputeResources {
			add("MaxCountValidator", levelError, "Invalid number of compute resources (%d) specified. Currently only supports up to %d compute resources.", n, maxComputeResources)
		}
		for _, cr := range q.ComputeResources {
			nameChecks(add, cr.Name)
			if minC, maxC := cr.counts(); maxC < minC {
				add("ComputeResourceSizeValidator", levelError, "Max count must be greater than or equal to min count.")
			}
		}
	}
	if total > maxComputeResources {
		add("MaxCountValidator", levelError, "Invalid number of compute resources (%d) specified. Currently only supports up to %d compute resources.", total, maxComputeResources)
	}
	for _, s := range c.SharedStorage {
		if len(s.Name) > sharedStorageNameMaxLength {
			add("SharedStorageNameValidator", levelError, "Invalid name '%s'. Name can be at most %d chars long.", s.Name, sharedStorageNameMaxLength)
		}
	}
	if err := e.validateResources(c, region, add); err != nil {
		return nil, err
	}
	return out, nil
}

type addFunc func(typ, level, format string, args ...any)

func nameChecks(add addFunc, name string) {
	if !nameRegex.MatchString(name) {
		add("NameValidator", levelError, "Invalid name '%s'. Name must begin with a letter and only contain lowercase letters, digits and hyphens.", name)
	}
	if len(name) > nameMaxLength {
		add("NameValidator", levelError, "Invalid name '%s'. Name can be at most %d chars long.", name, nameMaxLength)
	}
	if name == "default" {
		add("NameValidator", levelError, "It is forbidden to use '%s' as a name.", name)
	}
}
