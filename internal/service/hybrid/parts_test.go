// SPDX-License-Identifier: MPL-2.0

package hybrid

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/datasync"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/efa"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/pcluster"
)

func testSpec() HybridSpec {
	return HybridSpec{
		Name: "genomics", SubnetID: "subnet-0123456789abcdef0", DataLakeS3URI: "s3://lake/raw/",
		Lustre: LustreSpec{DeploymentType: "SCRATCH_2", StorageType: "SSD", StorageCapacityGiB: 1200, DataCompression: "NONE",
			FileSystemPath: "/datalake", MountDir: "/fsx"},
		EFA: EFASpec{InstanceType: "c5n.18xlarge"},
		HPC: HPCSpec{OS: "alinux2023", HeadNodeInstanceType: "c5.xlarge", ScaledownIdleMinutes: 10, Queues: []QueueSpec{
			{Name: "mpi", InstanceType: "c5n.18xlarge", MaxCount: 16, EFA: true},
			{Name: "serial", InstanceType: "c5.2xlarge", MinCount: 1, MaxCount: 8, CapacityType: "SPOT"},
		}},
		Ingest: &IngestSpec{Source: datasync.Source{S3: &datasync.S3{BucketARN: "arn:aws:s3:::onprem", BucketAccessRoleARN: "arn:aws:iam::123456789012:role/ds"}},
			Subdirectory: "/ingest", Run: true, WaitForCompletion: true},
		Tags: map[string]string{"team": "bio"},
	}
}

func testHybrid() *Hybrid {
	return &Hybrid{Name: "genomics",
		Network: &efa.Network{Name: "genomics", PlacementGroupName: "genomics", SecurityGroupID: "sg-0aaaaaaaaaaaaaaaa", LaunchTemplateID: "lt-1"},
		Workspace: (&workspaceRef{ID: "fs-0123456789abcdef0", SecurityGroupID: "sg-0bbbbbbbbbbbbbbbb",
			DNSName: "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com", MountName: "abcdefgh"}).workspace(),
		Cluster:  &pcluster.Cluster{Name: "genomics"},
		Transfer: &datasync.Transfer{TaskARN: "arn:aws:datasync:us-east-1:123456789012:task/task-1"},
	}
}

func TestPartsWiring(t *testing.T) {
	s, h := testSpec(), testHybrid()
	n := s.network()
	if n.Name != s.Name || n.PlacementStrategy != efa.PlacementStrategyCluster || n.InstanceType != "c5n.18xlarge" || n.SubnetID != s.SubnetID {
		t.Errorf("network spec: %+v", n)
	}
	for _, tags := range []map[string]string{n.Tags, s.cluster(h.Network, h.Workspace).Tags, s.transfer(&conns.Client{Region: "us-east-1"}, h.Workspace).Tags} {
		if tags[TagKey] != s.Name || tags["team"] != "bio" || tags["Name"] != s.Name {
			t.Errorf("a part's tags lack the environment's: %v", tags)
		}
	}
	if _, ok := s.Tags[TagKey]; ok {
		t.Error("the spec's own tags were modified")
	}

	cl := s.cluster(h.Network, h.Workspace)
	if cl.Tags[pcluster.OwnerTagKey] != pcluster.OwnerValue(s.Name) {
		t.Errorf("cluster lacks the ParallelCluster ownership tag: %v", cl.Tags)
	}
	if !slices.Equal(cl.HeadNode.AdditionalSecurityGroupIDs, []string{"sg-0aaaaaaaaaaaaaaaa"}) {
		t.Errorf("head node security groups = %v, want the EFA group (so it reaches the workspace)", cl.HeadNode.AdditionalSecurityGroupIDs)
	}
	mpi, serial := cl.Queues[0], cl.Queues[1]
	if mpi.PlacementGroup == nil || mpi.PlacementGroup.ID != "genomics" || mpi.ComputeResources[0].EFA == nil || !mpi.ComputeResources[0].EFA.Enabled {
		t.Errorf("EFA queue not in the EFA placement group with EFA: %+v", mpi)
	}
	if serial.PlacementGroup != nil || serial.ComputeResources[0].EFA != nil || serial.ComputeResources[0].MinCount != 1 {
		t.Errorf("plain queue: %+v", serial)
	}
	want := []pcluster.SharedStorageSpec{{Name: "fs-0123456789abcdef0", MountDir: "/fsx", FSxLustreFileSystemID: "fs-0123456789abcdef0"}}
	if !reflect.DeepEqual(cl.SharedStorage, want) {
		t.Errorf("shared storage = %+v, want %+v", cl.SharedStorage, want)
	}
	if _, err := pcluster.RenderConfig(cl); err != nil {
		t.Errorf("the cluster spec does not render: %v", err)
	}
	if err := pcluster.ValidateSharedStorageName(cl.SharedStorage[0].Name); err != nil {
		t.Errorf("shared storage name: %v", err)
	}
	if got := s.cluster(h.Network, nil).SharedStorage; got != nil {
		t.Errorf("shared storage without a workspace: %+v", got)
	}

	c := &conns.Client{Region: "us-east-1", AccountID: "123456789012", Partition: "aws"}
	tr := s.transfer(c, h.Workspace)
	if tr.Name != "genomics-ingest" || tr.Destination.Lustre == nil || tr.Destination.Lustre.WorkspaceID != "fs-0123456789abcdef0" ||
		!slices.Equal(tr.Destination.Lustre.SecurityGroupARNs, []string{"arn:aws:ec2:us-east-1:123456789012:security-group/sg-0bbbbbbbbbbbbbbbb"}) ||
		tr.Destination.Lustre.Subdirectory != "/ingest" || !tr.Run || !tr.WaitForCompletion {
		t.Errorf("transfer into the workspace: %+v %+v", tr, tr.Destination.Lustre)
	}
	s.Ingest.ToDataLake, s.Ingest.DataLakeRoleARN = true, "arn:aws:iam::123456789012:role/lake"
	tr = s.transfer(c, h.Workspace)
	if d := tr.Destination.S3; d == nil || d.BucketARN != "arn:aws:s3:::lake" || d.Subdirectory != "/raw/ingest" || d.BucketAccessRoleARN != s.Ingest.DataLakeRoleARN || tr.Destination.Lustre != nil {
		t.Errorf("transfer into the data lake: %+v", tr.Destination.S3)
	}
}

func TestPlatforms(t *testing.T) {
	p := testSpec().Platforms()
	want := Platforms{HPC: []Pool{
		{Name: "mpi", InstanceType: "c5n.18xlarge", MinNodes: 0, MaxNodes: 16, EFA: true},
		{Name: "serial", InstanceType: "c5.2xlarge", MinNodes: 1, MaxNodes: 8, Spot: true},
	}, Ray: []Pool{}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Platforms() = %+v, want %+v", p, want)
	}
}

func TestChanges(t *testing.T) {
	cases := []struct {
		name string
		edit func(s *HybridSpec, h *Hybrid)
		want []Change
	}{
		{"nothing", func(*HybridSpec, *Hybrid) {}, nil},
		{"lustre capacity: only the workspace", func(s *HybridSpec, _ *Hybrid) { s.Lustre.StorageCapacityGiB = 2400 },
			[]Change{{PartLustreWorkspace, ActionUpdate}}},
		{"new queue: only the cluster", func(s *HybridSpec, _ *Hybrid) {
			s.HPC.Queues = append(s.HPC.Queues, QueueSpec{Name: "gpu", InstanceType: "g5.xlarge", MaxCount: 2})
		}, []Change{{PartHPCCluster, ActionUpdate}}},
		{"mount dir: only the cluster", func(s *HybridSpec, _ *Hybrid) { s.Lustre.MountDir = "/scratch" },
			[]Change{{PartHPCCluster, ActionUpdate}}},
		{"head node type: the cluster is replaced", func(s *HybridSpec, _ *Hybrid) { s.HPC.HeadNodeInstanceType = "c5.2xlarge" },
			[]Change{{PartHPCCluster, ActionReplace}}},
		{"EFA instance type: only the network", func(s *HybridSpec, _ *Hybrid) { s.EFA.InstanceType = "c6in.32xlarge" },
			[]Change{{PartEFANetwork, ActionUpdate}}},
		{"tags: every part", func(s *HybridSpec, _ *Hybrid) { s.Tags = map[string]string{"team": "chem"} },
			[]Change{{PartEFANetwork, ActionUpdate}, {PartLustreWorkspace, ActionUpdate}, {PartHPCCluster, ActionUpdate}, {PartIngest, ActionUpdate}}},
		{"ingest subdirectory: update", func(s *HybridSpec, _ *Hybrid) { s.Ingest.Subdirectory = "/in" },
			[]Change{{PartIngest, ActionUpdate}}},
		{"ingest source bucket: replace", func(s *HybridSpec, _ *Hybrid) {
			s.Ingest = &IngestSpec{Source: datasync.Source{S3: &datasync.S3{BucketARN: "arn:aws:s3:::other", BucketAccessRoleARN: "r"}}, Run: true, WaitForCompletion: true, Subdirectory: "/ingest"}
		}, []Change{{PartIngest, ActionReplace}}},
		{"ingest removed", func(s *HybridSpec, _ *Hybrid) { s.Ingest = nil }, []Change{{PartIngest, ActionDelete}}},
		{"cluster deleted outside: made again", func(_ *HybridSpec, h *Hybrid) { h.Cluster = nil },
			[]Change{{PartHPCCluster, ActionCreate}}},
		{"workspace deleted outside: made again, the cluster remounts, the ingest moves", func(_ *HybridSpec, h *Hybrid) { h.Workspace = nil },
			[]Change{{PartLustreWorkspace, ActionCreate}, {PartHPCCluster, ActionUpdate}, {PartIngest, ActionReplace}}},
		{"ingest deleted outside: made again", func(_ *HybridSpec, h *Hybrid) { h.Transfer = nil },
			[]Change{{PartIngest, ActionCreate}}},
		{"network's group deleted: replaced, the workspace and cluster follow its new group", func(_ *HybridSpec, h *Hybrid) {
			h.Missing, h.Network.SecurityGroupID = []string{PartEFANetwork}, ""
		}, []Change{{PartEFANetwork, ActionReplace}, {PartLustreWorkspace, ActionUpdate}, {PartHPCCluster, ActionUpdate}}},
		{"network's launch template deleted: repaired around its group, nothing else touched", func(_ *HybridSpec, h *Hybrid) {
			h.Missing, h.Network.LaunchTemplateID = []string{PartEFANetwork}, ""
		}, []Change{{PartEFANetwork, ActionRepair}}},
		{"file system deleted outside: the workspace replaced (its group deleted first)", func(_ *HybridSpec, h *Hybrid) {
			h.Missing = []string{PartLustreWorkspace}
		}, []Change{{PartLustreWorkspace, ActionReplace}, {PartHPCCluster, ActionUpdate}, {PartIngest, ActionReplace}}},
		{"task deleted outside: the ingest replaced (its locations deleted first)", func(_ *HybridSpec, h *Hybrid) {
			h.Missing = []string{PartIngest}
		}, []Change{{PartIngest, ActionReplace}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			from, to, h := testSpec(), testSpec(), testHybrid()
			tc.edit(&to, h)
			if got := Changes(h, from, to); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Changes() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSplitS3URI(t *testing.T) {
	for in, want := range map[string][2]string{
		"s3://lake/raw/": {"lake", "/raw/"}, "s3://lake": {"lake", "/"}, "https://lake/x": {"", ""},
	} {
		if b, p := splitS3URI(in); b != want[0] || p != want[1] {
			t.Errorf("splitS3URI(%q) = %q, %q; want %q", in, b, p, want)
		}
	}
}

// TestPrivateStateRoundTrip: the private state keeps every part's identifiers.
func TestPrivateStateRoundTrip(t *testing.T) {
	h := testHybrid()
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	var back Hybrid
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if dns, mount := workspaceAddresses(back.Workspace); dns != "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com" || mount != "abcdefgh" {
		t.Errorf("round trip lost the workspace's addresses: %s", b)
	}
	if back.Workspace.ID() != "fs-0123456789abcdef0" || back.Workspace.SecurityGroupID != "sg-0bbbbbbbbbbbbbbbb" ||
		back.Network.SecurityGroupID != h.Network.SecurityGroupID || back.Cluster.Name != "genomics" || back.Transfer.TaskARN != h.Transfer.TaskARN {
		t.Errorf("round trip lost identifiers: %s", b)
	}
	if !slices.Equal(back.Parts(), h.Parts()) {
		t.Errorf("parts %v, want %v", back.Parts(), h.Parts())
	}
	var empty Hybrid
	if err := json.Unmarshal([]byte(`{"Name":"x"}`), &empty); err != nil || len(empty.Parts()) != 0 {
		t.Errorf("empty record: %v %v", err, empty.Parts())
	}
}

func TestOrderParts(t *testing.T) {
	got := orderParts([]string{PartIngest, PartEFANetwork, PartHPCCluster, PartEFANetwork})
	if want := []string{PartEFANetwork, PartHPCCluster, PartIngest}; !slices.Equal(got, want) {
		t.Errorf("orderParts = %v, want %v", got, want)
	}
}
