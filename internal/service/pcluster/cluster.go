// SPDX-License-Identifier: MPL-2.0

// Package pcluster holds rayhpc_hpc_cluster: an AWS ParallelCluster v3 Slurm cluster managed through the
// ParallelCluster API (internal/pcluster/api, SigV4 for execute-api).
package pcluster

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// ClusterSpec is everything a user asks of a cluster.
type ClusterSpec struct {
	Name          string
	Region        string
	OS            string
	CustomAMI     string
	HeadNode      HeadNodeSpec
	Slurm         SlurmSpec
	Queues        []QueueSpec
	SharedStorage []SharedStorageSpec
	// Tags is the complete tag set: provider defaults, the resource's tags and OwnerTagKey.
	Tags map[string]string
	// ConfigOverrides is YAML merged over the rendered configuration.
	ConfigOverrides string
	// StopComputeFleetWhenRequired lets an update stop the compute fleet when ParallelCluster requires
	// it, and start it again afterwards.
	StopComputeFleetWhenRequired bool
}

// HeadNodeSpec is the head node.
type HeadNodeSpec struct {
	InstanceType               string
	SubnetID                   string
	KeyName                    string
	RootVolumeSizeGiB          int64
	AdditionalSecurityGroupIDs []string
	AdditionalIAMPolicies      []string
}

// SlurmSpec is the scheduler's settings.
type SlurmSpec struct {
	ScaledownIdleMinutes int64
	QueueUpdateStrategy  string
}

// QueueSpec is a Slurm queue.
type QueueSpec struct {
	Name             string
	CapacityType     string
	SubnetIDs        []string
	PlacementGroup   *PlacementGroupSpec
	ComputeResources []ComputeResourceSpec
}

// PlacementGroupSpec is a queue's placement group.
type PlacementGroupSpec struct {
	Enabled bool
	ID      string
}

// ComputeResourceSpec is a compute resource of a queue.
type ComputeResourceSpec struct {
	Name                              string
	InstanceType                      string
	Instances                         []string
	MinCount                          int64
	MaxCount                          int64
	EFA                               *EFASpec
	DisableSimultaneousMultithreading bool
}

// EFASpec is a compute resource's EFA settings.
type EFASpec struct {
	Enabled    bool
	GDRSupport bool
}

// SharedStorageSpec is a shared file system: exactly one of FSxLustreFileSystemID, EFSFileSystemID, EBS.
type SharedStorageSpec struct {
	Name                  string
	MountDir              string
	FSxLustreFileSystemID string
	EFSFileSystemID       string
	EBS                   *EBSSpec
}

// EBSSpec is a shared EBS volume: an existing one (VolumeID) or a new one of SizeGiB.
type EBSSpec struct {
	VolumeID string
	SizeGiB  int64
}

// Cluster is what exists of a cluster.
type Cluster struct {
	Name               string
	Region             string
	Status             string
	ComputeFleetStatus string
	Version            string
	StackARN           string
	HeadNode           *HeadNode
	Tags               map[string]string
	// ConfigurationURL is where the API keeps the cluster's configuration (presigned, short-lived).
	ConfigurationURL string
}

// HeadNode is the cluster's head node instance.
type HeadNode struct {
	InstanceID       string
	InstanceType     string
	PrivateIPAddress string
	PublicIPAddress  string
}

// ErrNotOwned is returned when a cluster of the name exists but was not made by this provider.
var ErrNotOwned = errors.New("a ParallelCluster cluster of this name exists and was not created by this provider (it has no " + OwnerTagKey + " tag): import it, or choose another name")

func regionOf(c *conns.Client, spec ClusterSpec) string {
	if spec.Region != "" {
		return spec.Region
	}
	return c.Region
}

// CreateCluster creates the cluster and waits until it is CREATE_COMPLETE. A cluster of the same name
// that carries the ownership tag (left by an interrupted create) is adopted rather than created again.
// On CREATE_FAILED the error carries the failure reasons and the stack events behind them, and the
// returned Cluster is non-nil, so the caller can keep the name (and later delete the cluster).
func CreateCluster(ctx context.Context, c *conns.Client, spec ClusterSpec) (*Cluster, error) {
	pc, err := c.ParallelCluster(ctx)
	if err != nil {
		return nil, err
	}
	spec.Region = regionOf(c, spec)
	return createCluster(ctx, pc, c.Polling(), spec)
}

func createCluster(ctx context.Context, pc API, polling wait.Polling, spec ClusterSpec) (*Cluster, error) {
	doc, err := RenderConfig(spec)
	if err != nil {
		return nil, err
	}
	region, name := spec.Region, spec.Name
	existing, err := findCluster(ctx, pc, region, name)
	switch {
	case wait.NotFound(err):
		tflog.Info(ctx, "creating ParallelCluster cluster")
		resp, err := pc.CreateClusterWithResponse(ctx, &api.CreateClusterParams{Region: &region}, api.CreateClusterJSONRequestBody{ClusterName: name, ClusterConfiguration: doc})
		if err != nil {
			return nil, fmt.Errorf("creating ParallelCluster cluster %s: %w", name, err)
		}
		if resp.StatusCode() == http.StatusConflict {
			// The create was made before (a lost answer, retried): adopt it if it is ours.
			return adoptCluster(ctx, pc, polling, region, name, doc)
		}
		if resp.JSON202 == nil {
			return nil, apiError("CreateCluster", resp.HTTPResponse, resp.Body)
		}
		for _, m := range deref2(resp.JSON202.ValidationMessages) {
			tflog.Warn(ctx, "ParallelCluster validation message", map[string]any{"level": deref(m.Level), "message": deref(m.Message)})
		}
	case err != nil:
		return nil, err
	default:
		tflog.Info(ctx, "found a ParallelCluster cluster of this name", map[string]any{"status": string(existing.ClusterStatus)})
		return adoptCluster(ctx, pc, polling, region, name, doc)
	}
	return waitCreated(ctx, pc, polling, region, name)
}

func deref2[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}

// adoptCluster takes over a cluster an interrupted create of ours made: it must carry the ownership tag.
func adoptCluster(ctx context.Context, pc API, polling wait.Polling, region, name, doc string) (*Cluster, error) {
	d, err := findCluster(ctx, pc, region, name)
	if err != nil {
		return nil, err
	}
	if tagMap(d.Tags)[OwnerTagKey] != OwnerValue(name) {
		return nil, fmt.Errorf("creating ParallelCluster cluster %s: %w", name, ErrNotOwned)
	}
	switch d.ClusterStatus {
	case api.ClusterStatusDELETEINPROGRESS:
		return nil, fmt.Errorf("ParallelCluster cluster %s is being deleted; apply again once it is gone", name)
	case api.ClusterStatusCREATEINPROGRESS, api.ClusterStatusCREATEFAILED:
	default:
		// Its create finished: adopt it only when it is what this create asks for.
		same, err := sameConfiguration(ctx, d, doc)
		if err != nil {
			return nil, err
		}
		if !same {
			return nil, &owner.ConflictError{Owner: owner.New(ResourceType, name), What: "ParallelCluster cluster " + name + " (with another configuration)"}
		}
	}
	tflog.Info(ctx, "adopting the ParallelCluster cluster an interrupted create made", map[string]any{"status": string(d.ClusterStatus)})
	return waitCreated(ctx, pc, polling, region, name)
}

// sameConfiguration reports whether the cluster's configuration means the same as doc.
func sameConfiguration(ctx context.Context, d *api.DescribeClusterResponseContent, doc string) (bool, error) {
	u := deref(d.ClusterConfiguration.Url)
	if u == "" {
		return false, nil
	}
	have, err := FetchConfiguration(ctx, u)
	if err != nil {
		return false, err
	}
	return SemanticallyEqual(have, doc), nil
}

func waitCreated(ctx context.Context, pc API, polling wait.Polling, region, name string) (*Cluster, error) {
	d, err := waitClusterCreated(ctx, pc, polling, region, name, 0)
	if err != nil {
		var unexpected *wait.UnexpectedStateError
		if errors.As(err, &unexpected) && unexpected.State == string(api.ClusterStatusCREATEFAILED) {
			return &Cluster{Name: name, Region: region, Status: unexpected.State}, createFailedError(ctx, pc, region, name, err)
		}
		if d != nil || wait.NotFound(err) {
			return &Cluster{Name: name, Region: region, Status: "UNKNOWN"}, err
		}
		return &Cluster{Name: name, Region: region}, err
	}
	return readCluster(ctx, pc, region, name, d)
}

// createFailedError adds the stack events that explain a CREATE_FAILED to the waiter's error.
func createFailedError(ctx context.Context, pc API, region, name string, err error) error {
	return withStackEvents(ctx, pc, region, name, err, time.Time{},
		"The cluster stays in the state (tainted); the next apply deletes and recreates it, destroy deletes it.")
}

// withStackEvents adds the failed stack events since a time to err.
func withStackEvents(ctx context.Context, pc API, region, name string, err error, since time.Time, hint string) error {
	events, evErr := findFailedEvents(ctx, pc, region, name)
	if evErr != nil {
		return fmt.Errorf("%w (reading the stack events: %v)", err, evErr)
	}
	var b strings.Builder
	b.WriteString(err.Error())
	first := true
	for _, e := range events {
		if e.Timestamp.Before(since) {
			continue
		}
		if first {
			b.WriteString("\nCloudFormation stack events:")
			first = false
		}
		fmt.Fprintf(&b, "\n  %s %s (%s): %s", e.Timestamp.Format(time.RFC3339), e.LogicalResourceId, e.ResourceStatus, deref(e.ResourceStatusReason))
	}
	if hint != "" {
		b.WriteString("\n" + hint)
	}
	return errors.New(b.String())
}

// ReadCluster reads the cluster; a cluster that does not exist is a wait.NotFoundError.
func ReadCluster(ctx context.Context, c *conns.Client, region, name string) (*Cluster, error) {
	pc, err := c.ParallelCluster(ctx)
	if err != nil {
		return nil, err
	}
	if region == "" {
		region = c.Region
	}
	return readCluster(ctx, pc, region, name, nil)
}

func readCluster(ctx context.Context, pc API, region, name string, d *api.DescribeClusterResponseContent) (*Cluster, error) {
	if d == nil {
		var err error
		if d, err = findCluster(ctx, pc, region, name); err != nil {
			return nil, err
		}
	}
	out := &Cluster{
		Name: d.ClusterName, Region: d.Region, Status: string(d.ClusterStatus), ComputeFleetStatus: string(d.ComputeFleetStatus),
		Version: d.Version, StackARN: d.CloudformationStackArn, Tags: tagMap(d.Tags), ConfigurationURL: deref(d.ClusterConfiguration.Url),
	}
	head, err := findHeadNode(ctx, pc, region, name)
	if err != nil {
		return nil, err
	}
	if head != nil {
		out.HeadNode = &HeadNode{InstanceID: head.InstanceId, InstanceType: head.InstanceType, PrivateIPAddress: head.PrivateIpAddress, PublicIPAddress: deref(head.PublicIpAddress)}
	}
	return out, nil
}

func tagMap(tags []api.Tag) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[deref(t.Key)] = deref(t.Value)
	}
	return out
}

// DeleteCluster deletes the cluster and waits until it is gone. A cluster that does not exist is
// deleted already.
func DeleteCluster(ctx context.Context, c *conns.Client, region, name string) error {
	pc, err := c.ParallelCluster(ctx)
	if err != nil {
		return err
	}
	if region == "" {
		region = c.Region
	}
	return deleteCluster(ctx, pc, c.Polling(), region, name)
}

func deleteCluster(ctx context.Context, pc API, polling wait.Polling, region, name string) error {
	tflog.Info(ctx, "deleting ParallelCluster cluster")
	resp, err := pc.DeleteClusterWithResponse(ctx, name, &api.DeleteClusterParams{Region: &region})
	if err != nil {
		return fmt.Errorf("deleting ParallelCluster cluster %s: %w", name, err)
	}
	switch {
	case resp.StatusCode() == http.StatusNotFound:
		return nil
	case resp.JSON202 == nil:
		return apiError("DeleteCluster", resp.HTTPResponse, resp.Body)
	}
	if err := waitClusterDeleted(ctx, pc, polling, region, name, 0); err != nil {
		return fmt.Errorf("waiting for ParallelCluster cluster %s to be deleted: %w", name, err)
	}
	return nil
}
