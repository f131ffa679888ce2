// SPDX-License-Identifier: MPL-2.0

package pcluster

// Validators that look up the AWS resources a configuration refers to. ParallelCluster reports a failed
// AWS lookup with the AWS error's text ("An error occurred (Code) when calling the Op operation: ...",
// pcluster/aws/common.py AWSClientError); the EFA rules are EfaValidator and EfaPlacementGroupValidator
// of validators/cluster_validators.py, the VPC rule FsxNetworkingValidator of validators/fsx_validators.py.

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

func (e *Emulator) validateResources(c *pcConfig, region string, add addFunc) error {
	facts := e.cfg.EC2
	headVPC := ""
	types := []string{c.HeadNode.InstanceType}
	subnets := []string{c.HeadNode.Networking.SubnetID}
	for _, q := range c.Scheduling.SlurmQueues {
		subnets = append(subnets, q.Networking.SubnetIDs...)
		for _, cr := range q.ComputeResources {
			types = append(types, cr.instanceTypes()...)
		}
	}
	efaTypes := map[string]bool{}
	for _, t := range dedupe(types) {
		ok, efa, err := facts.InstanceType(t)
		if err != nil {
			return err
		}
		if !ok {
			add("InstanceTypeValidator", levelError, "The instance type '%s' is not supported.", t)
		}
		efaTypes[t] = efa
	}
	for i, s := range dedupe(subnets) {
		ok, vpc, err := facts.Subnet(s)
		if err != nil {
			return err
		}
		if !ok {
			add("SubnetsValidator", levelError, "An error occurred (InvalidSubnetID.NotFound) when calling the DescribeSubnets operation: The subnet ID '%s' does not exist", s)
		}
		if i == 0 {
			headVPC = vpc
		}
	}
	for _, q := range c.Scheduling.SlurmQueues {
		e.validateQueue(q, region, efaTypes, add)
	}
	for _, s := range c.SharedStorage {
		if s.StorageType != "FsxLustre" || s.FsxLustre == nil || s.FsxLustre.FileSystemID == "" {
			continue
		}
		id := s.FsxLustre.FileSystemID
		fs, ok := e.cfg.FileSystem(id)
		switch {
		case !ok:
			add("FsxNetworkingValidator", levelError, "An error occurred (FileSystemNotFound) when calling the DescribeFileSystems operation: File system '%s' does not exist.", id)
		case fs.Lifecycle != "AVAILABLE" && fs.Lifecycle != "UPDATING":
			add("FsxNetworkingValidator", levelError, "The file system '%s' is in lifecycle state %s; it must be AVAILABLE to be mounted.", id, fs.Lifecycle)
		case headVPC != "" && fs.VpcID != "" && fs.VpcID != headVPC:
			add("FsxNetworkingValidator", levelError, "Currently only support using FSx file system that is in the same VPC as the cluster. The file system provided is in %s.", fs.VpcID)
		}
	}
	return nil
}

func (e *Emulator) validateQueue(q pcQueue, region string, efaTypes map[string]bool, add addFunc) {
	pg := q.Networking.PlacementGroup
	pgEnabled := pg != nil && (pg.Enabled == nil || *pg.Enabled) && (pg.Enabled != nil || pg.ID != "")
	if pg != nil && pg.ID != "" && (pg.Enabled == nil || *pg.Enabled) {
		if _, ok := e.cfg.PlacementGroup(region, pg.ID); !ok {
			add("PlacementGroupNamingValidator", levelError, "An error occurred (InvalidPlacementGroup.Unknown) when calling the DescribePlacementGroups operation: The specified placement group '%s' is unknown.", pg.ID)
		}
	}
	for _, cr := range q.ComputeResources {
		efaEnabled := cr.Efa != nil && cr.Efa.Enabled
		for _, t := range cr.instanceTypes() {
			supports := efaTypes[t]
			if efaEnabled && !supports {
				add("EfaValidator", levelError, "Instance type '%s' does not support EFA.", t)
			}
			if supports && !efaEnabled {
				add("EfaValidator", levelWarning, "Instance type '%s' supports EFA, but it is not enabled.", t)
			}
		}
		if cr.Efa != nil && cr.Efa.GdrSupport && !efaEnabled {
			add("EfaValidator", levelError, "The EFA GDR Support can be used only if EFA is enabled.")
		}
		switch {
		case efaEnabled && pg == nil:
			add("EfaPlacementGroupValidator", levelError, "The placement group for EFA-enabled compute resources must be explicit. You may see better performance using a placement group, but if you don't wish to use one please add 'Enabled: false' to the compute resource's configuration section.")
		case efaEnabled && !pgEnabled:
			add("EfaPlacementGroupValidator", levelWarning, "You may see better performance using a placement group for the queue.")
		}
	}
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// ec2Facts answers EC2Facts from an EC2 API (moto, called directly so that the emulator's own lookups
// do not show in the gateway's call log of client calls). Instance types are cached: they never change.
type ec2Facts struct {
	client *ec2.Client
	mu     sync.Mutex
	types  map[string][2]bool
}

// NewEC2Facts answers the validators' EC2 questions with this client.
func NewEC2Facts(client *ec2.Client) EC2Facts {
	return &ec2Facts{client: client, types: map[string][2]bool{}}
}

func (f *ec2Facts) InstanceType(name string) (bool, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.types[name]; ok {
		return v[0], v[1], nil
	}
	out, err := f.client.DescribeInstanceTypes(context.Background(), &ec2.DescribeInstanceTypesInput{InstanceTypes: []ec2types.InstanceType{ec2types.InstanceType(name)}})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && (ae.ErrorCode() == "InvalidInstanceType" || ae.ErrorCode() == "InvalidParameterValue") {
			f.types[name] = [2]bool{false, false}
			return false, false, nil
		}
		return false, false, fmt.Errorf("describing instance type %s: %w", name, err)
	}
	v := [2]bool{false, false}
	if len(out.InstanceTypes) > 0 {
		it := out.InstanceTypes[0]
		v = [2]bool{true, it.NetworkInfo != nil && aws.ToBool(it.NetworkInfo.EfaSupported)}
	}
	f.types[name] = v
	return v[0], v[1], nil
}

func (f *ec2Facts) Subnet(id string) (bool, string, error) {
	out, err := f.client.DescribeSubnets(context.Background(), &ec2.DescribeSubnetsInput{SubnetIds: []string{id}})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "InvalidSubnetID.NotFound" {
			return false, "", nil
		}
		return false, "", fmt.Errorf("describing subnet %s: %w", id, err)
	}
	if len(out.Subnets) == 0 {
		return false, "", nil
	}
	return true, aws.ToString(out.Subnets[0].VpcId), nil
}
