// SPDX-License-Identifier: MPL-2.0

package pcluster

// Cluster state and its lifecycle. Statuses are settled lazily from the clock at every request (no
// background goroutines): a cluster created at t is CREATE_IN_PROGRESS until t+Timings.Create, then
// CREATE_COMPLETE (or, with the fail tag, CREATE_FAILED after CloudFormation's rollback, its head node
// terminated); updates and deletes likewise. The CloudFormation stack statuses and events are those of
// the cluster's stack (rollback on failure is the API's default, rollbackOnFailure=true).

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	. "github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api" //nolint:revive // generated server code uses the same dot import
)

type phase int

const (
	phaseNone phase = iota
	phaseCreate
	phaseUpdate
	phaseDelete
)

type headNode struct {
	id, instanceType, privateIP, publicIP string
	launched                              time.Time
	terminated                            bool
}

type cluster struct {
	name, region string
	config       string
	parsed       *pcConfig
	createdAt    time.Time
	updatedAt    time.Time
	stackID      string

	status      ClusterStatus
	stackStatus CloudFormationStackStatus
	failCode    string
	failReason  string

	phase      phase
	phaseStart time.Time
	// createTime overrides Timings.Create for this cluster (CreateDurationTagKey).
	createTime time.Duration
	// pending is the configuration an update in progress applies; updateFail its injected failure.
	pending       string
	pendingParsed *pcConfig
	updateFail    string

	// Compute fleet: the last requested status and when.
	fleetTarget ComputeFleetStatus // RUNNING or STOPPED
	fleetAt     time.Time

	head   *headNode
	events []StackEvent
}

func (c *cluster) tags() []Tag {
	out := []Tag{{Key: aws.String("parallelcluster:version"), Value: aws.String(Version)}}
	for _, t := range c.parsed.Tags {
		out = append(out, Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}
	return out
}

// settle applies the transitions due by now. It returns false when the cluster is gone.
func (e *Emulator) settle(c *cluster, now time.Time) bool {
	t := e.cfg.Timings
	switch c.phase {
	case phaseCreate:
		create := t.Create
		if c.createTime > 0 {
			create = c.createTime
		}
		if now.Before(c.phaseStart.Add(create)) {
			return true
		}
		end := c.phaseStart.Add(create)
		c.phase = phaseNone
		if c.failReason != "" {
			c.status, c.stackStatus = ClusterStatusCREATEFAILED, CloudFormationStackStatusROLLBACKCOMPLETE
			wc := "HeadNodeWaitCondition" + c.createdAt.Format("20060102150405")
			e.event(c, end, wc, "AWS::CloudFormation::WaitCondition", wc, CloudFormationResourceStatusCREATEFAILED, c.failReason)
			e.event(c, end, c.name, "AWS::CloudFormation::Stack", c.stackID, CloudFormationResourceStatus(CloudFormationStackStatusROLLBACKINPROGRESS),
				fmt.Sprintf("The following resource(s) failed to create: [%s]. Rollback requested by user.", wc))
			e.terminateHead(c)
			e.event(c, end, c.name, "AWS::CloudFormation::Stack", c.stackID, CloudFormationResourceStatus(CloudFormationStackStatusROLLBACKCOMPLETE), "")
			return true
		}
		c.status, c.stackStatus = ClusterStatusCREATECOMPLETE, CloudFormationStackStatusCREATECOMPLETE
		c.fleetTarget, c.fleetAt = ComputeFleetStatusRUNNING, end.Add(-t.FleetStart)
		e.event(c, end, c.name, "AWS::CloudFormation::Stack", c.stackID, CloudFormationResourceStatusCREATECOMPLETE, "")
	case phaseUpdate:
		if now.Before(c.phaseStart.Add(t.Update)) {
			return true
		}
		end := c.phaseStart.Add(t.Update)
		c.phase = phaseNone
		c.updatedAt = end
		if c.updateFail != "" {
			c.status, c.stackStatus = ClusterStatusUPDATEFAILED, CloudFormationStackStatusUPDATEROLLBACKCOMPLETE
			e.event(c, end, "HeadNode", "AWS::EC2::Instance", c.headID(), CloudFormationResourceStatusUPDATEFAILED, c.updateFail)
			e.event(c, end, c.name, "AWS::CloudFormation::Stack", c.stackID, CloudFormationResourceStatus(CloudFormationStackStatusUPDATEROLLBACKCOMPLETE), "")
			c.updateFail, c.pending, c.pendingParsed = "", "", nil
			return true
		}
		c.config, c.parsed, c.pending, c.pendingParsed = c.pending, c.pendingParsed, "", nil
		c.status, c.stackStatus = ClusterStatusUPDATECOMPLETE, CloudFormationStackStatusUPDATECOMPLETE
		e.event(c, end, c.name, "AWS::CloudFormation::Stack", c.stackID, CloudFormationResourceStatusUPDATECOMPLETE, "")
	case phaseDelete:
		if now.Before(c.phaseStart.Add(t.Delete)) {
			return true
		}
		e.terminateHead(c)
		return false
	}
	return true
}

func (c *cluster) headID() string {
	if c.head == nil {
		return ""
	}
	return c.head.id
}

func (e *Emulator) event(c *cluster, at time.Time, logical, typ, physical string, status CloudFormationResourceStatus, reason string) {
	e.seq++
	ev := StackEvent{
		EventId:            fmt.Sprintf("%s-%s-%d", logical, status, e.seq),
		LogicalResourceId:  logical,
		PhysicalResourceId: physical,
		ResourceStatus:     status,
		ResourceType:       typ,
		StackId:            c.stackID,
		StackName:          c.name,
		Timestamp:          at.UTC(),
	}
	if reason != "" {
		ev.ResourceStatusReason = aws.String(reason)
	}
	c.events = append(c.events, ev)
}

// fleetStatus is the compute fleet's status now: STOP_REQUESTED, STOPPING, STOPPED or START_REQUESTED,
// STARTING, RUNNING as the request ages; UNKNOWN until the cluster is created.
func (e *Emulator) fleetStatus(c *cluster, now time.Time) ComputeFleetStatus {
	if c.fleetTarget == "" {
		return ComputeFleetStatusUNKNOWN
	}
	d, steps := e.cfg.Timings.FleetStart, [3]ComputeFleetStatus{ComputeFleetStatusSTARTREQUESTED, ComputeFleetStatusSTARTING, ComputeFleetStatusRUNNING}
	if c.fleetTarget == ComputeFleetStatusSTOPPED {
		d, steps = e.cfg.Timings.FleetStop, [3]ComputeFleetStatus{ComputeFleetStatusSTOPREQUESTED, ComputeFleetStatusSTOPPING, ComputeFleetStatusSTOPPED}
	}
	switch age := now.Sub(c.fleetAt); {
	case age < d/3:
		return steps[0]
	case age < d:
		return steps[1]
	}
	return steps[2]
}

func (e *Emulator) summary(c *cluster) ClusterInfoSummary {
	return ClusterInfoSummary{
		CloudformationStackArn:    c.stackID,
		CloudformationStackStatus: c.stackStatus,
		ClusterName:               c.name,
		ClusterStatus:             c.status,
		Region:                    c.region,
		Scheduler:                 &Scheduler{Type: "slurm"},
		Version:                   Version,
	}
}

func (e *Emulator) describe(ctx context.Context, c *cluster, now time.Time) DescribeClusterResponseContent {
	out := DescribeClusterResponseContent{
		CloudFormationStackStatus: c.stackStatus,
		CloudformationStackArn:    c.stackID,
		ClusterName:               c.name,
		ClusterStatus:             c.status,
		ComputeFleetStatus:        e.fleetStatus(c, now),
		CreationTime:              c.createdAt.UTC(),
		LastUpdatedTime:           c.updatedAt.UTC(),
		Region:                    c.region,
		Scheduler:                 &Scheduler{Type: "slurm"},
		Tags:                      c.tags(),
		Version:                   Version,
	}
	if e.cfg.ConfigURL != nil {
		if u := e.cfg.ConfigURL(ctx, c.name, c.config); u != "" {
			out.ClusterConfiguration.Url = aws.String(u)
		}
	}
	if c.status == ClusterStatusCREATEFAILED {
		out.Failures = &[]Failure{{FailureCode: aws.String(c.failCode), FailureReason: aws.String(c.failReason)}}
	}
	if h := c.head; h != nil && !h.terminated {
		out.HeadNode = &EC2Instance{
			InstanceId: h.id, InstanceType: h.instanceType, LaunchTime: h.launched.UTC(),
			PrivateIpAddress: h.privateIP, State: InstanceStateRunning,
		}
		if c.status == ClusterStatusCREATEINPROGRESS {
			out.HeadNode.State = InstanceStatePending
		}
		if h.publicIP != "" {
			out.HeadNode.PublicIpAddress = aws.String(h.publicIP)
		}
	}
	return out
}

// launchHead runs the head node in moto, tagged as ParallelCluster tags its instances
// (constants.py PCLUSTER_CLUSTER_NAME_TAG, PCLUSTER_NODE_TYPE_TAG).
func (e *Emulator) launchHead(ctx context.Context, c *cluster) error {
	if e.cfg.EC2Client == nil {
		return nil
	}
	ami := c.parsed.Image.CustomAmi
	if ami == "" {
		var err error
		if ami, err = e.baseImage(ctx); err != nil {
			return err
		}
	}
	in := &ec2.RunInstancesInput{
		ImageId: aws.String(ami), InstanceType: ec2types.InstanceType(c.parsed.HeadNode.InstanceType),
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: aws.String(c.parsed.HeadNode.Networking.SubnetID),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: []ec2types.Tag{
			{Key: aws.String("Name"), Value: aws.String("HeadNode")},
			{Key: aws.String("parallelcluster:cluster-name"), Value: aws.String(c.name)},
			{Key: aws.String("parallelcluster:node-type"), Value: aws.String("HeadNode")},
		}}},
	}
	if k := c.parsed.HeadNode.Ssh.KeyName; k != "" {
		in.KeyName = aws.String(k)
	}
	out, err := e.cfg.EC2Client.RunInstances(ctx, in)
	if err != nil {
		return fmt.Errorf("launching the head node: %w", err)
	}
	i := out.Instances[0]
	c.head = &headNode{
		id: aws.ToString(i.InstanceId), instanceType: string(i.InstanceType),
		privateIP: aws.ToString(i.PrivateIpAddress), publicIP: aws.ToString(i.PublicIpAddress), launched: aws.ToTime(i.LaunchTime),
	}
	if c.head.publicIP == "" {
		// moto fills the public address in on describe, once the instance runs.
		if d, err := e.cfg.EC2Client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{c.head.id}}); err == nil &&
			len(d.Reservations) > 0 && len(d.Reservations[0].Instances) > 0 {
			c.head.publicIP = aws.ToString(d.Reservations[0].Instances[0].PublicIpAddress)
		}
	}
	e.event(c, c.createdAt, "HeadNode", "AWS::EC2::Instance", c.head.id, CloudFormationResourceStatusCREATEINPROGRESS, "Resource creation Initiated")
	return nil
}

func (e *Emulator) baseImage(ctx context.Context) (string, error) {
	out, err := e.cfg.EC2Client.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	if err != nil {
		return "", fmt.Errorf("finding a base image: %w", err)
	}
	best := ""
	for _, im := range out.Images {
		if id := aws.ToString(im.ImageId); im.Architecture == "" || im.Architecture == ec2types.ArchitectureValuesX8664 {
			if best == "" || id < best {
				best = id
			}
		}
	}
	if best == "" {
		return "", fmt.Errorf("moto has no amazon-owned image to boot the head node from")
	}
	return best, nil
}

func (e *Emulator) terminateHead(c *cluster) {
	if c.head == nil || c.head.terminated || e.cfg.EC2Client == nil {
		return
	}
	c.head.terminated = true
	if _, err := e.cfg.EC2Client.TerminateInstances(context.Background(), &ec2.TerminateInstancesInput{InstanceIds: []string{c.head.id}}); err != nil {
		e.logf("pcluster: terminating head node %s of %s: %v", c.head.id, c.name, err)
	}
}
