// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	rayv1 "github.com/ray-project/kuberay/ray-operator/apis/ray/v1"
)

func fullSpec() RayClusterSpec {
	return RayClusterSpec{
		Name: "ray", Namespace: "ml", RayVersion: "2.46.0", Image: "rayproject/ray:2.46.0-gpu",
		Head: HeadSpec{CPU: "2", Memory: "8Gi", NodeSelector: map[string]string{LabelInstanceType: "m6i.xlarge"},
			Tolerations:    []Toleration{{Key: "dedicated", Operator: "Equal", Value: "ray", Effect: "NoSchedule"}},
			RayStartParams: map[string]string{"dashboard-host": "0.0.0.0"}, Env: map[string]string{"A": "1"}, ServiceType: "ClusterIP"},
		WorkerGroups: []WorkerGroupSpec{
			{Name: "gpu", Replicas: 2, MinReplicas: 1, MaxReplicas: 4, CPU: "8", Memory: "64Gi", GPU: 8, EFAInterfaces: 4,
				NodeSelector: map[string]string{LabelInstanceType: "p4d.24xlarge"}, NumOfHosts: 1, Env: map[string]string{"NCCL_DEBUG": "INFO"}},
			{Name: "cpu", Replicas: 1, MaxReplicas: 1, CPU: "500m", Memory: "1Gi", NumOfHosts: 2},
		},
		Autoscaling:           &AutoscalingSpec{IdleTimeoutSeconds: 60, UpscalingMode: "Conservative"},
		Lustre:                &LustreMount{WorkspaceID: "fs-0123456789abcdef0", MountPath: "/fsx"},
		DataLakeS3URI:         "s3://lake/raw",
		ServiceAccountRoleARN: "?", // read back from the service account by readSupporting
		Labels:                map[string]string{"team": "ml"},
		Annotations:           map[string]string{"note": "x"},
	}
}

// The apply configuration, as the server stores it, reads back to the same spec (what the provider
// adds itself — managed-by label, data-lake variable, Lustre volume — is left out again).
func TestRayClusterRoundTrip(t *testing.T) {
	spec := fullSpec()
	ac, err := buildRayCluster(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ac)
	if err != nil {
		t.Fatal(err)
	}
	var obj rayv1.RayCluster
	if err := json.Unmarshal(b, &obj); err != nil {
		t.Fatal(err)
	}
	if obj.Labels[LabelManagedBy] != managedByValue {
		t.Errorf("no managed-by label: %v", obj.Labels)
	}
	got := flattenRayCluster(&obj).Spec
	if !reflect.DeepEqual(got, spec) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, spec)
	}
}

// With autoscaling, an update keeps the live replicas (clamped to the new bounds).
func TestBuildKeepsAutoscalerReplicas(t *testing.T) {
	spec := fullSpec()
	live := &rayv1.RayCluster{Spec: rayv1.RayClusterSpec{WorkerGroupSpecs: []rayv1.WorkerGroupSpec{{GroupName: "gpu", Replicas: ptr(int32(3))}}}}
	ac, err := buildRayCluster(spec, live)
	if err != nil {
		t.Fatal(err)
	}
	if r := *ac.Spec.WorkerGroupSpecs[0].Replicas; r != 3 {
		t.Errorf("replicas %d, want the autoscaler's 3", r)
	}
	spec.Autoscaling = nil
	ac, _ = buildRayCluster(spec, live)
	if r := *ac.Spec.WorkerGroupSpecs[0].Replicas; r != 2 {
		t.Errorf("without autoscaling, replicas %d, want the configured 2", r)
	}
}

func ptr[T any](v T) *T { return &v }

// flatten keeps the configured spelling of equal quantities and, with autoscaling, the configured replicas.
func TestFlattenKeepsSpelling(t *testing.T) {
	ctx := context.Background()
	m := rayClusterModel{
		Head:         &headModel{CPU: types.StringValue("1000m"), Memory: types.StringValue("1024Mi")},
		WorkerGroups: []workerModel{{Name: types.StringValue("gpu"), Replicas: types.Int64Value(1), Memory: types.StringValue("65536Mi")}},
		Labels:       types.MapValueMust(types.StringType, map[string]attr.Value{}),
	}
	rc := &RayCluster{Spec: fullSpec()}
	rc.Spec.Head.CPU, rc.Spec.Head.Memory = "1", "1Gi"
	if d := m.flatten(ctx, rc); d.HasError() {
		t.Fatal(d)
	}
	if m.Head.CPU.ValueString() != "1000m" || m.Head.Memory.ValueString() != "1024Mi" || m.WorkerGroups[0].Memory.ValueString() != "65536Mi" {
		t.Errorf("spelling not kept: %s %s %s", m.Head.CPU, m.Head.Memory, m.WorkerGroups[0].Memory)
	}
	if m.WorkerGroups[0].Replicas.ValueInt64() != 1 {
		t.Errorf("autoscaled replicas %d, want the configured 1", m.WorkerGroups[0].Replicas.ValueInt64())
	}
	rc.Spec.Head.CPU = "2"
	_ = m.flatten(ctx, rc)
	if m.Head.CPU.ValueString() != "2" {
		t.Errorf("a changed quantity was not read: %s", m.Head.CPU)
	}
}
