// SPDX-License-Identifier: MPL-2.0

package hybrid

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/kuberay"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

func testRay() *RaySpec {
	return &RaySpec{EKSClusterName: "sandbox", Namespace: "ray", RayVersion: "2.46.0",
		Head: RayHeadSpec{InstanceType: "m6i.xlarge", CPU: "1", Memory: "2Gi"},
		WorkerGroups: []RayWorkerGroupSpec{
			{Name: "cpu", InstanceType: "m6i.xlarge", Replicas: 1, MinReplicas: 1, MaxReplicas: 3, CPU: "1", Memory: "2Gi"},
			{Name: "train", InstanceType: "p4d.24xlarge", Replicas: 1, MaxReplicas: 1, GPU: 8, EFAInterfaces: 4},
		}}
}

func testRayHybrid() (HybridSpec, *Hybrid) {
	s := testSpec()
	s.Ray = testRay()
	h := testHybrid()
	h.Workspace.FileSystem.StorageCapacity = aws.Int32(1200)
	h.Ray = &kuberay.RayCluster{Spec: s.rayCluster(h.Workspace), HeadServiceName: "genomics-head-svc",
		ClientAddress: "ray://genomics-head-svc.ray.svc.cluster.local:10001", PersistentVolumeClaim: "genomics-lustre"}
	return s, h
}

// TestRayWiring: the Ray cluster is named and labelled after the environment, mounts the workspace at the
// clusters' mount directory, puts each group on its instance type, and the network says where it runs.
func TestRayWiring(t *testing.T) {
	s, h := testRayHybrid()
	rc := s.rayCluster(h.Workspace)
	if rc.Name != "genomics" || rc.Namespace != "ray" || rc.Target.EKSClusterName != "sandbox" || rc.Labels[LabelHybrid] != "genomics" {
		t.Errorf("ray cluster identity: %+v", rc)
	}
	if rc.Lustre == nil || rc.Lustre.WorkspaceID != "fs-0123456789abcdef0" || rc.Lustre.MountPath != "/fsx" ||
		rc.Lustre.FileSystem == nil || rc.Lustre.FileSystem.DNSName == "" || rc.Lustre.FileSystem.MountName != "abcdefgh" {
		t.Errorf("ray cluster's Lustre mount: %+v", rc.Lustre)
	}
	if g := rc.WorkerGroups[1]; g.NodeSelector[kuberay.LabelInstanceType] != "p4d.24xlarge" || g.GPU != 8 || g.EFAInterfaces != 4 || g.MaxReplicas != 1 {
		t.Errorf("train group: %+v", g)
	}
	if rc.Head.NodeSelector[kuberay.LabelInstanceType] != "m6i.xlarge" {
		t.Errorf("head node selector: %v", rc.Head.NodeSelector)
	}
	if got := s.network().Tags[TagRay]; got != "sandbox/ray" {
		t.Errorf("network tag %s = %q", TagRay, got)
	}
	if _, ok := testSpec().network().Tags[TagRay]; ok {
		t.Errorf("an environment without ray tags its network with %s", TagRay)
	}
	if at, ok := parseRayAt("sandbox/ray"); !ok || at != (rayAt{"sandbox", "ray"}) {
		t.Errorf("parseRayAt = %v, %v", at, ok)
	}
	if _, ok := parseRayAt("sandbox"); ok {
		t.Error("parseRayAt accepted a value without a namespace")
	}
}

func TestRayPlatforms(t *testing.T) {
	s, _ := testRayHybrid()
	want := []Pool{{Name: "cpu", InstanceType: "m6i.xlarge", MinNodes: 1, MaxNodes: 3}, {Name: "train", InstanceType: "p4d.24xlarge", MaxNodes: 1, EFA: true}}
	if got := s.Platforms().Ray; !reflect.DeepEqual(got, want) {
		t.Errorf("Platforms().Ray = %+v, want %+v", got, want)
	}
}

// TestRayChanges: a Ray change touches only the Ray cluster; the HPC side never touches it.
func TestRayChanges(t *testing.T) {
	cases := []struct {
		name string
		edit func(s *HybridSpec, h *Hybrid)
		want []Change
	}{
		{"new worker group: ray only", func(s *HybridSpec, _ *Hybrid) {
			s.Ray.WorkerGroups = append(s.Ray.WorkerGroups, RayWorkerGroupSpec{Name: "infer", InstanceType: "g5.xlarge", Replicas: 1, MaxReplicas: 1, GPU: 1})
		}, []Change{{PartRayCluster, ActionUpdate}}},
		{"new queue: hpc only", func(s *HybridSpec, _ *Hybrid) {
			s.HPC.Queues = append(s.HPC.Queues, QueueSpec{Name: "big", InstanceType: "m5.2xlarge", MaxCount: 4})
		}, []Change{{PartHPCCluster, ActionUpdate}}},
		{"capacity increase: workspace only", func(s *HybridSpec, _ *Hybrid) { s.Lustre.StorageCapacityGiB = 2400 },
			[]Change{{PartLustreWorkspace, ActionUpdate}}},
		{"namespace moved: ray replaced, the network's tag follows", func(s *HybridSpec, _ *Hybrid) { s.Ray.Namespace = "ml" },
			[]Change{{PartEFANetwork, ActionUpdate}, {PartRayCluster, ActionReplace}}},
		{"ray removed", func(s *HybridSpec, _ *Hybrid) { s.Ray = nil },
			[]Change{{PartEFANetwork, ActionUpdate}, {PartRayCluster, ActionDelete}}},
		{"ray deleted outside: made again", func(_ *HybridSpec, h *Hybrid) { h.Missing = []string{PartRayCluster} },
			[]Change{{PartRayCluster, ActionCreate}}},
		{"workspace deleted outside: the ray cluster's volume follows", func(_ *HybridSpec, h *Hybrid) { h.Missing = []string{PartLustreWorkspace} },
			[]Change{{PartLustreWorkspace, ActionReplace}, {PartHPCCluster, ActionUpdate}, {PartRayCluster, ActionReplace}, {PartIngest, ActionReplace}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			from, h := testRayHybrid()
			to, _ := testRayHybrid()
			tc.edit(&to, h)
			if got := Changes(h, from, to); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Changes() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRayPrivateStateRoundTrip(t *testing.T) {
	_, h := testRayHybrid()
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	var back Hybrid
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	// The addresses are kept too: an update that leaves the Ray cluster alone still outputs them.
	if back.Ray == nil || !reflect.DeepEqual(back.Ray, h.Ray) {
		t.Errorf("the Ray part after the round trip: %+v", back.Ray)
	}
	if got := orderParts([]string{PartIngest, PartRayCluster, PartHPCCluster}); !reflect.DeepEqual(got, []string{PartHPCCluster, PartRayCluster, PartIngest}) {
		t.Errorf("orderParts = %v", got)
	}
}

// A Ray part on a cluster that no longer serves the KubeRay CRD reads as missing (ReadHybrid keeps it to
// make again or delete) rather than failing the refresh a destroy begins with; other errors stay errors.
func TestRayGone(t *testing.T) {
	if err := rayGone(fmt.Errorf("reading: %w", kuberay.ErrCRDMissing)); !wait.NotFound(err) || !errors.Is(err, kuberay.ErrCRDMissing) {
		t.Errorf("CRD not served: got %v, want a NotFound wrapping ErrCRDMissing", err)
	}
	other := errors.New("connection refused")
	if err := rayGone(other); wait.NotFound(err) || err != other {
		t.Errorf("another error became %v", err)
	}
	if err := rayGone(nil); err != nil {
		t.Errorf("nil became %v", err)
	}
}
