// SPDX-License-Identifier: MPL-2.0

package pcluster

// The operations (StrictServerInterface, generated from the spec). Messages of the API's exceptions
// follow the ParallelCluster API (api/spec and the pcluster.api controllers of aws-parallelcluster).

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	. "github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api" //nolint:revive // as the generated server code
)

var _ StrictServerInterface = (*Emulator)(nil)

func (e *Emulator) region(r *string) string {
	if r != nil && *r != "" {
		return *r
	}
	return e.cfg.Region
}

// get returns the settled cluster, or nil when there is none. Callers hold e.mu.
func (e *Emulator) get(region, name string) *cluster {
	key := region + "/" + name
	c := e.clusters[key]
	if c == nil {
		return nil
	}
	if !e.settle(c, e.cfg.Now()) {
		delete(e.clusters, key)
		return nil
	}
	return c
}

func notFound(name string) *string {
	return aws.String(fmt.Sprintf("Cluster '%s' does not exist or belongs to an incompatible ParallelCluster major version.", name))
}

// ListClusters lists the region's clusters.
func (e *Emulator) ListClusters(_ context.Context, req ListClustersRequestObject) (ListClustersResponseObject, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	region := e.region(req.Params.Region)
	out := ListClustersResponseContent{Clusters: []ClusterInfoSummary{}}
	var names []string
	for key, c := range e.clusters {
		if c.region == region {
			names = append(names, key)
		}
	}
	slices.Sort(names)
	for _, key := range names {
		c := e.get(region, e.clusters[key].name)
		if c == nil {
			continue
		}
		if f := req.Params.ClusterStatus; f != nil && len(*f) > 0 && !slices.Contains(*f, ClusterStatusFilteringOption(c.status)) {
			continue
		}
		out.Clusters = append(out.Clusters, e.summary(c))
	}
	return ListClusters200JSONResponse(out), nil
}

// validationOutcome splits a configuration's validation messages by the failure level.
func validationOutcome(msgs []message, failLevel *ValidationLevel, suppress *[]string) (failures, others []ConfigValidationMessage) {
	rank := map[string]int{levelInfo: 0, levelWarning: 1, levelError: 2}
	threshold := rank[levelError]
	if failLevel != nil {
		threshold = rank[string(*failLevel)]
	}
	for _, m := range msgs {
		if suppress != nil && (slices.Contains(*suppress, "ALL") || slices.Contains(*suppress, "type:"+m.Type)) {
			continue
		}
		lvl := ValidationLevel(m.Level)
		v := ConfigValidationMessage{Id: aws.String(m.ID), Type: aws.String(m.Type), Level: &lvl, Message: aws.String(m.Message)}
		if rank[m.Level] >= threshold {
			failures = append(failures, v)
		} else {
			others = append(others, v)
		}
	}
	return failures, others
}

func optList[T any](v []T) *[]T {
	if len(v) == 0 {
		return nil
	}
	return &v
}

// CreateCluster validates the configuration and, unless dryrun, starts creating the cluster.
func (e *Emulator) CreateCluster(ctx context.Context, req CreateClusterRequestObject) (CreateClusterResponseObject, error) {
	region := e.region(req.Params.Region)
	if req.Body == nil {
		return CreateCluster400JSONResponse{Message: aws.String("Bad Request: request body is required")}, nil
	}
	name := req.Body.ClusterName
	if !clusterNameRegex.MatchString(name) {
		return CreateCluster400JSONResponse{Message: aws.String("Bad Request: Error: The cluster name can contain only alphanumeric characters (case-sensitive) and hyphens. It must start with an alphabetic character and can't be longer than 60 characters.")}, nil
	}
	cfg, err := parseConfig(req.Body.ClusterConfiguration)
	if err != nil {
		return CreateCluster400JSONResponse{Message: aws.String("Bad Request: " + err.Error())}, nil
	}
	if errs := cfg.schemaErrors(); len(errs) > 0 {
		fails, _ := validationOutcome(errs, nil, nil)
		return CreateCluster400JSONResponse{Message: aws.String("Invalid cluster configuration."), ConfigurationValidationErrors: &fails}, nil
	}
	msgs, err := e.validate(cfg, region)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.get(region, name) != nil {
		return CreateCluster409JSONResponse{Message: aws.String(fmt.Sprintf("Cluster '%s' already exists.", name))}, nil
	}
	fails, others := validationOutcome(msgs, req.Params.ValidationFailureLevel, req.Params.SuppressValidators)
	if len(fails) > 0 {
		return CreateCluster400JSONResponse{Message: aws.String("Invalid cluster configuration."), ConfigurationValidationErrors: &fails}, nil
	}
	if req.Params.Dryrun != nil && *req.Params.Dryrun {
		return CreateCluster412JSONResponse{Message: aws.String("Request would have succeeded, but DryRun flag is set."), ValidationMessages: optList(others)}, nil
	}
	now := e.cfg.Now()
	e.seq++
	c := &cluster{
		name: name, region: region, config: req.Body.ClusterConfiguration, parsed: cfg,
		createdAt: now, updatedAt: now, phase: phaseCreate, phaseStart: now,
		status: ClusterStatusCREATEINPROGRESS, stackStatus: CloudFormationStackStatusCREATEINPROGRESS,
		stackID: fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/%s/%08x-0000-4000-8000-%012x", region, e.cfg.AccountID, name, e.seq, now.UnixNano()%1e12),
	}
	for _, t := range cfg.Tags {
		if d, err := time.ParseDuration(t.Value); t.Key == CreateDurationTagKey && err == nil && d > 0 {
			c.createTime = d
		}
		if t.Key == FailTagKey {
			c.failCode, c.failReason = "ClusterCreationFailure", t.Value
			if code, reason, ok := strings.Cut(t.Value, ": "); ok && !strings.Contains(code, " ") {
				c.failCode, c.failReason = code, reason
			}
			if c.failReason == "" {
				c.failReason = "Cluster creation failed (sandbox:fail)."
			}
		}
	}
	e.event(c, now, name, "AWS::CloudFormation::Stack", c.stackID, CloudFormationResourceStatusCREATEINPROGRESS, "User Initiated")
	if err := e.launchHead(ctx, c); err != nil {
		return nil, err
	}
	e.clusters[region+"/"+name] = c
	return CreateCluster202JSONResponse{Cluster: e.summary(c), ValidationMessages: optList(others)}, nil
}

// DescribeCluster describes a cluster.
func (e *Emulator) DescribeCluster(ctx context.Context, req DescribeClusterRequestObject) (DescribeClusterResponseObject, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.get(e.region(req.Params.Region), req.ClusterName)
	if c == nil {
		return DescribeCluster404JSONResponse{Message: notFound(req.ClusterName)}, nil
	}
	return DescribeCluster200JSONResponse(e.describe(ctx, c, e.cfg.Now())), nil
}

// DeleteCluster starts deleting a cluster.
func (e *Emulator) DeleteCluster(_ context.Context, req DeleteClusterRequestObject) (DeleteClusterResponseObject, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.get(e.region(req.Params.Region), req.ClusterName)
	if c == nil {
		return DeleteCluster404JSONResponse{Message: notFound(req.ClusterName)}, nil
	}
	if c.phase != phaseDelete {
		now := e.cfg.Now()
		c.phase, c.phaseStart = phaseDelete, now
		c.status, c.stackStatus = ClusterStatusDELETEINPROGRESS, CloudFormationStackStatusDELETEINPROGRESS
		e.event(c, now, c.name, "AWS::CloudFormation::Stack", c.stackID, CloudFormationResourceStatusDELETEINPROGRESS, "User Initiated")
	}
	return DeleteCluster202JSONResponse{Cluster: e.summary(c)}, nil
}

// UpdateCluster validates an update against the configuration and the update policies and, unless
// dryrun, starts it.
func (e *Emulator) UpdateCluster(_ context.Context, req UpdateClusterRequestObject) (UpdateClusterResponseObject, error) {
	region := e.region(req.Params.Region)
	if req.Body == nil {
		return UpdateCluster400JSONResponse{Message: aws.String("Bad Request: request body is required")}, nil
	}
	cfg, err := parseConfig(req.Body.ClusterConfiguration)
	if err != nil {
		return UpdateCluster400JSONResponse{Message: aws.String("Bad Request: " + err.Error())}, nil
	}
	if errs := cfg.schemaErrors(); len(errs) > 0 {
		fails, _ := validationOutcome(errs, nil, nil)
		return UpdateCluster400JSONResponse{Message: aws.String("Invalid cluster configuration."), ConfigurationValidationErrors: &fails}, nil
	}
	msgs, err := e.validate(cfg, region)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.get(region, req.ClusterName)
	if c == nil {
		return UpdateCluster404JSONResponse{Message: notFound(req.ClusterName)}, nil
	}
	if c.phase != phaseNone || c.status == ClusterStatusCREATEFAILED {
		return UpdateCluster400JSONResponse{Message: aws.String(fmt.Sprintf("Bad Request: Cluster '%s' is in '%s' status and cannot be updated.", c.name, c.status))}, nil
	}
	fails, others := validationOutcome(msgs, req.Params.ValidationFailureLevel, req.Params.SuppressValidators)
	if len(fails) > 0 {
		return UpdateCluster400JSONResponse{Message: aws.String("Invalid cluster configuration."), ConfigurationValidationErrors: &fails}, nil
	}
	changes := diff(c.parsed, cfg)
	if len(changes) == 0 && otherSettingsChanged(c.config, req.Body.ClusterConfiguration) {
		changes = append(changes, change{param: "(settings the sandbox does not model)", policy: policySupported})
	}
	set := make([]Change, 0, len(changes))
	for _, ch := range changes {
		set = append(set, ch.api())
	}
	if len(changes) == 0 {
		return UpdateCluster400JSONResponse{Message: aws.String("No changes found in your cluster configuration."), ChangeSet: &set}, nil
	}
	now := e.cfg.Now()
	stopped := e.fleetStatus(c, now) == ComputeFleetStatusSTOPPED
	if errs := check(changes, stopped, cfg.Scheduling.SlurmSettings.QueueUpdateStrategy); len(errs) > 0 && (req.Params.ForceUpdate == nil || !*req.Params.ForceUpdate) {
		return UpdateCluster400JSONResponse{Message: aws.String("Update failure"), UpdateValidationErrors: &errs, ChangeSet: &set}, nil
	}
	if req.Params.Dryrun != nil && *req.Params.Dryrun {
		return UpdateCluster412JSONResponse{Message: aws.String("Request would have succeeded, but DryRun flag is set."), ChangeSet: &set, ValidationMessages: optList(others)}, nil
	}
	c.pending, c.pendingParsed = req.Body.ClusterConfiguration, cfg
	c.phase, c.phaseStart = phaseUpdate, now
	c.status, c.stackStatus = ClusterStatusUPDATEINPROGRESS, CloudFormationStackStatusUPDATEINPROGRESS
	key := region + "/" + c.name
	c.updateFail = e.failNext[key]
	delete(e.failNext, key)
	e.event(c, now, c.name, "AWS::CloudFormation::Stack", c.stackID, CloudFormationResourceStatusUPDATEINPROGRESS, "User Initiated")
	return UpdateCluster202JSONResponse{ChangeSet: set, Cluster: e.summary(c), ValidationMessages: optList(others)}, nil
}

// DescribeComputeFleet returns the compute fleet's status.
func (e *Emulator) DescribeComputeFleet(_ context.Context, req DescribeComputeFleetRequestObject) (DescribeComputeFleetResponseObject, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.get(e.region(req.Params.Region), req.ClusterName)
	if c == nil {
		return DescribeComputeFleet404JSONResponse{Message: notFound(req.ClusterName)}, nil
	}
	out := DescribeComputeFleetResponseContent{Status: e.fleetStatus(c, e.cfg.Now())}
	if !c.fleetAt.IsZero() {
		t := c.fleetAt.UTC()
		out.LastStatusUpdatedTime = &t
	}
	return DescribeComputeFleet200JSONResponse(out), nil
}

// UpdateComputeFleet stops or starts a Slurm cluster's compute fleet (START_REQUESTED, STOP_REQUESTED;
// ENABLED and DISABLED are for AWS Batch clusters).
func (e *Emulator) UpdateComputeFleet(_ context.Context, req UpdateComputeFleetRequestObject) (UpdateComputeFleetResponseObject, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.get(e.region(req.Params.Region), req.ClusterName)
	if c == nil {
		return UpdateComputeFleet404JSONResponse{Message: notFound(req.ClusterName)}, nil
	}
	if req.Body == nil {
		return UpdateComputeFleet400JSONResponse{Message: aws.String("Bad Request: request body is required")}, nil
	}
	now := e.cfg.Now()
	switch {
	case c.fleetTarget == "":
		return UpdateComputeFleet400JSONResponse{Message: aws.String(fmt.Sprintf("Bad Request: the compute fleet of cluster '%s' cannot be updated while the cluster is in status %s.", c.name, c.status))}, nil
	case req.Body.Status == RequestedComputeFleetStatusSTOPREQUESTED:
		if c.fleetTarget != ComputeFleetStatusSTOPPED {
			c.fleetTarget, c.fleetAt = ComputeFleetStatusSTOPPED, now
		}
	case req.Body.Status == RequestedComputeFleetStatusSTARTREQUESTED:
		if c.fleetTarget != ComputeFleetStatusRUNNING {
			c.fleetTarget, c.fleetAt = ComputeFleetStatusRUNNING, now
		}
	default:
		return UpdateComputeFleet400JSONResponse{Message: aws.String(fmt.Sprintf("Bad Request: the status %s can be requested only of clusters with the awsbatch scheduler.", req.Body.Status))}, nil
	}
	return fleetUpdated{}, nil
}

// fleetUpdated answers UpdateComputeFleet. The spec gives its 204 a JSON body, which HTTP does not allow
// (RFC 9110 section 15.3.5): servers drop it, as Go's does, so clients read the status with
// DescribeComputeFleet.
type fleetUpdated struct{}

func (fleetUpdated) VisitUpdateComputeFleetResponse(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// DescribeClusterInstances lists the cluster's instances: its head node (compute nodes are not
// launched in the sandbox).
func (e *Emulator) DescribeClusterInstances(_ context.Context, req DescribeClusterInstancesRequestObject) (DescribeClusterInstancesResponseObject, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := DescribeClusterInstancesResponseContent{Instances: []ClusterInstance{}}
	c := e.get(e.region(req.Params.Region), req.ClusterName)
	if c == nil || c.head == nil || c.head.terminated {
		return DescribeClusterInstances200JSONResponse(out), nil
	}
	if nt := req.Params.NodeType; nt != nil && *nt != HeadNode {
		return DescribeClusterInstances200JSONResponse(out), nil
	}
	h := c.head
	inst := ClusterInstance{InstanceId: h.id, InstanceType: h.instanceType, LaunchTime: h.launched.UTC(), NodeType: HeadNode, PrivateIpAddress: h.privateIP, State: InstanceStateRunning}
	if h.publicIP != "" {
		inst.PublicIpAddress = aws.String(h.publicIP)
	}
	out.Instances = append(out.Instances, inst)
	return DescribeClusterInstances200JSONResponse(out), nil
}

// GetClusterStackEvents returns the events of the cluster's stack, newest first (as CloudFormation).
func (e *Emulator) GetClusterStackEvents(_ context.Context, req GetClusterStackEventsRequestObject) (GetClusterStackEventsResponseObject, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.get(e.region(req.Params.Region), req.ClusterName)
	if c == nil {
		return GetClusterStackEvents404JSONResponse{Message: notFound(req.ClusterName)}, nil
	}
	events := make([]StackEvent, 0, len(c.events))
	for i := len(c.events) - 1; i >= 0; i-- {
		events = append(events, c.events[i])
	}
	return GetClusterStackEvents200JSONResponse{Events: &events}, nil
}
