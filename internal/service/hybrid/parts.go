// SPDX-License-Identifier: MPL-2.0

package hybrid

// What each part's layer is asked for: the environment's spec rendered as each layer's own spec. This is
// the whole of the wiring (names, subnet, placement group, security groups, mount, tags); everything else
// is the layers' work.

import (
	"maps"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/datasync"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/efa"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/pcluster"
)

// Names of the parts: the environment's name, and for the ingest task name-ingest.
func ingestName(name string) string { return name + "-ingest" }

// sharedStorageName is the workspace's name in the cluster configuration (SharedStorage Name): its file
// system ID, so that a workspace made again (deleted outside Terraform) is a storage removed and another
// added, which ParallelCluster updates with the fleet stopped, rather than a new FileSystemId under the
// same name, which it never updates (update policy UNSUPPORTED for SharedStorage FileSystemId,
// schemas/cluster_schema.py of aws-parallelcluster). An ID such as fs-0123456789abcdef0 fits the
// SharedStorage name rules (at most 30 characters: SHARED_STORAGE_NAME_MAX_LENGTH).
func sharedStorageName(fileSystemID string) string { return fileSystemID }

// tags is the tag set of every part: the environment's tags, Name, and TagKey.
func (s HybridSpec) tags() map[string]string {
	out := maps.Clone(s.Tags)
	if out == nil {
		out = map[string]string{}
	}
	if _, ok := out["Name"]; !ok {
		out["Name"] = s.Name
	}
	out[TagKey] = s.Name
	return out
}

// network is the EFA network's spec: a cluster placement group, so the EFA queues get one. With a Ray
// part, the network also says where it runs (TagRay).
func (s HybridSpec) network() efa.NetworkSpec {
	tags := s.tags()
	if s.Ray != nil {
		tags[TagRay] = s.Ray.location()
	}
	return efa.NetworkSpec{
		Name: s.Name, SubnetID: s.SubnetID, InstanceType: s.EFA.InstanceType,
		PlacementStrategy: efa.PlacementStrategyCluster, AdditionalSecurityGroupIDs: []string{}, Tags: tags,
	}
}

// pendingNetwork is the network's spec while the environment's create runs: its parts also carry
// TagCreatePending, which the create removes as its last step (adopt.go).
func (s HybridSpec) pendingNetwork() efa.NetworkSpec {
	n := s.network()
	n.Tags[TagCreatePending] = owner.Pending
	return n
}

// clientGroups are the security groups of the nodes that mount the workspace: the EFA group, which the
// head node and the EFA compute nodes carry.
func clientGroups(n *efa.Network) []string {
	if n == nil || n.SecurityGroupID == "" {
		return nil
	}
	return []string{n.SecurityGroupID}
}

// workspace is the Lustre workspace's spec: on the subnet, linked to the data lake at FileSystemPath,
// reachable from the nodes' security groups.
func (s HybridSpec) workspace(n *efa.Network) lustre.WorkspaceSpec {
	l := s.Lustre
	spec := lustre.WorkspaceSpec{
		DeploymentType: l.DeploymentType, StorageType: l.StorageType, StorageCapacityGiB: ptr(l.StorageCapacityGiB),
		// Lustre 2.15, as rayhpc_lustre_workspace makes new workspaces: data repository associations need
		// 2.12 or later (FSx for Lustre User Guide, "Linking your file system to an Amazon S3 bucket").
		FileSystemTypeVersion: "2.15",
		DataRepositories: []lustre.DataRepositorySpec{{
			FileSystemPath: l.FileSystemPath, S3URI: s.DataLakeS3URI, AutoImport: l.AutoImport, AutoExport: l.AutoExport,
		}},
	}
	if l.PerUnitStorageThroughput > 0 {
		spec.PerUnitStorageThroughput = ptr(l.PerUnitStorageThroughput)
	}
	return withWorkspaceNetwork(spec, s.Name, s.SubnetID, l.DataCompression, clientGroups(n), s.tags())
}

func ptr[T any](v T) *T { return &v }

// cluster is the HPC cluster's spec: head node and queues in the subnet, EFA queues in the EFA network's
// placement group, the workspace mounted at MountDir, the EFA group on the head node.
func (s HybridSpec) cluster(n *efa.Network, w *lustre.Workspace) pcluster.ClusterSpec {
	h := s.HPC
	tags := s.tags()
	tags[pcluster.OwnerTagKey] = pcluster.OwnerValue(s.Name)
	spec := pcluster.ClusterSpec{
		Name: s.Name, OS: h.OS,
		HeadNode: pcluster.HeadNodeSpec{InstanceType: h.HeadNodeInstanceType, SubnetID: s.SubnetID, KeyName: h.KeyName,
			AdditionalSecurityGroupIDs: clientGroups(n)},
		Slurm: pcluster.SlurmSpec{ScaledownIdleMinutes: h.ScaledownIdleMinutes},
		Tags:  tags,
		// The environment changes the cluster only where the user changed it: let ParallelCluster stop and
		// start the fleet when an update of that part needs it.
		StopComputeFleetWhenRequired: true,
	}
	for _, q := range h.Queues {
		qs := pcluster.QueueSpec{Name: q.Name, CapacityType: q.CapacityType, SubnetIDs: []string{s.SubnetID},
			ComputeResources: []pcluster.ComputeResourceSpec{{Name: q.Name, InstanceType: q.InstanceType, MinCount: q.MinCount, MaxCount: q.MaxCount}}}
		if q.EFA {
			qs.ComputeResources[0].EFA = &pcluster.EFASpec{Enabled: true}
			if n != nil && n.PlacementGroupName != "" {
				qs.PlacementGroup = &pcluster.PlacementGroupSpec{Enabled: true, ID: n.PlacementGroupName}
			}
		}
		spec.Queues = append(spec.Queues, qs)
	}
	if id := workspaceID(w); id != "" {
		spec.SharedStorage = []pcluster.SharedStorageSpec{{Name: sharedStorageName(id), MountDir: s.Lustre.MountDir, FSxLustreFileSystemID: id}}
	}
	return spec
}

// transfer is the ingest's DataSync spec: from the source into the workspace (through the workspace's
// security group) or into the data lake.
func (s HybridSpec) transfer(c *conns.Client, w *lustre.Workspace) datasync.TransferSpec {
	in := s.Ingest
	spec := datasync.TransferSpec{
		Name: ingestName(s.Name), Source: in.Source, Schedule: in.Schedule, Tags: s.tags(),
		Run: in.Run, WaitForCompletion: in.WaitForCompletion,
	}
	if in.ToDataLake {
		bucket, prefix := splitS3URI(s.DataLakeS3URI)
		spec.Destination.S3 = &datasync.S3{BucketARN: "arn:" + partition(c) + ":s3:::" + bucket,
			Subdirectory: joinPath(prefix, in.Subdirectory), BucketAccessRoleARN: in.DataLakeRoleARN}
		return spec
	}
	spec.Destination.Lustre = &datasync.Lustre{WorkspaceID: workspaceID(w), Subdirectory: in.Subdirectory,
		SecurityGroupARNs: securityGroupARNs(c, workspaceSecurityGroups(w))}
	return spec
}

func partition(c *conns.Client) string {
	if c != nil && c.Partition != "" {
		return c.Partition
	}
	return "aws"
}

// securityGroupARNs names security groups by ARN, as DataSync's FSx locations take them (c nil: without
// region and account, for comparing specs).
func securityGroupARNs(c *conns.Client, ids []string) []string {
	var region, account string
	if c != nil {
		region, account = c.Region, c.AccountID
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, arn.ARN{Partition: partition(c), Service: "ec2", Region: region, AccountID: account,
			Resource: "security-group/" + id}.String())
	}
	return out
}

// splitS3URI splits s3://bucket/prefix/ into the bucket and "/prefix/".
func splitS3URI(uri string) (bucket, prefix string) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "s3" {
		return "", ""
	}
	return u.Host, "/" + strings.TrimPrefix(u.Path, "/")
}

func joinPath(a, b string) string {
	if b == "" {
		return a
	}
	return strings.TrimRight(a, "/") + "/" + strings.TrimLeft(b, "/")
}
