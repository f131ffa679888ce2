// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// With autoscaling on, the autoscaler's replica changes (another field manager patching the RayCluster)
// cause no diff; an out-of-band image edit does, and the next apply takes the field back.
func TestAccKubeRayRayCluster_autoscaling(t *testing.T) {
	name := acctest.RandomName()
	cfg := testAccConfig(clusterOpts{name: name, workers: workerGroup("auto", 1, "min_replicas = 1\n    max_replicas = 4"),
		extra: "autoscaling {\n    enabled = true\n    idle_timeout_s = 60\n    upscaling_mode = \"Default\"\n  }"})
	patch := func(body string) {
		_, ray := kubeAdmin(t)
		if _, err := ray.RayV1().RayClusters("default").Patch(context.Background(), name, types.JSONPatchType, []byte(body),
			metav1.PatchOptions{FieldManager: "autoscaler"}); err != nil {
			t.Fatal(err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckDestroy(t),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:        func() { patch(`[{"op":"replace","path":"/spec/workerGroupSpecs/0/replicas","value":3}]`) },
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					_, ray := kubeAdmin(t)
					rc, err := ray.RayV1().RayClusters("default").Get(context.Background(), name, metav1.GetOptions{})
					if err != nil {
						return err
					}
					if r := *rc.Spec.WorkerGroupSpecs[0].Replicas; r != 3 {
						return fmt.Errorf("the autoscaler's replicas were changed to %d", r)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					patch(`[{"op":"replace","path":"/spec/headGroupSpec/template/spec/containers/0/image","value":"someone/else:1"}]`)
				},
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				Check: func(*terraform.State) error {
					_, ray := kubeAdmin(t)
					rc, err := ray.RayV1().RayClusters("default").Get(context.Background(), name, metav1.GetOptions{})
					if err != nil {
						return err
					}
					if img := rc.Spec.HeadGroupSpec.Template.Spec.Containers[0].Image; img != "rayproject/ray:2.46.0" {
						return fmt.Errorf("head image %s after apply", img)
					}
					if r := *rc.Spec.WorkerGroupSpecs[0].Replicas; r != 3 {
						return fmt.Errorf("the apply reset the autoscaler's replicas to %d", r)
					}
					return nil
				},
			},
		},
	})
}

// A GPU and EFA worker group lands on the p4d.24xlarge node (8 GPUs, 4 EFA interfaces in EC2's
// DescribeInstanceTypes), a GPU worker without a node selector on a GPU node. Not parallel: the
// sandbox has one p4d.24xlarge and one g5.xlarge node, which the example and the API-call test use too.
func TestAccKubeRayRayCluster_gpuEFA(t *testing.T) {
	name := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckDestroy(t),
		Steps: []resource.TestStep{{
			Config: testAccConfig(clusterOpts{name: name, workers: workerGroup("train", 1,
				"gpu = 8\n    efa_interfaces = 4\n    node_selector = { \"node.kubernetes.io/instance-type\" = \"p4d.24xlarge\" }") +
				workerGroup("infer", 1, "gpu = 1")}),
			Check: func(*terraform.State) error {
				core, _ := kubeAdmin(t)
				for _, p := range clusterPods(t, "default", name) {
					group := p.Labels["ray.io/group"]
					if group != "train" && group != "infer" {
						continue
					}
					node, err := core.CoreV1().Nodes().Get(context.Background(), p.Spec.NodeName, metav1.GetOptions{})
					if err != nil {
						return fmt.Errorf("pod %s on node %q: %w", p.Name, p.Spec.NodeName, err)
					}
					it := node.Labels["node.kubernetes.io/instance-type"]
					if group == "train" && it != "p4d.24xlarge" {
						return fmt.Errorf("the GPU+EFA worker runs on %s", it)
					}
					if group == "infer" && it != "g5.xlarge" && it != "p4d.24xlarge" {
						return fmt.Errorf("the GPU worker runs on %s, which has no GPU", it)
					}
					q := p.Spec.Containers[0].Resources.Limits[corev1.ResourceName("vpc.amazonaws.com/efa")]
					if group == "train" && q.Value() != 4 {
						return fmt.Errorf("the train worker's EFA limit is %s", q.String())
					}
				}
				return nil
			},
		}},
	})
}

// A pod no node can hold fails the wait at once with the scheduler's reason, well within the timeout;
// the cluster is recorded (tainted), and destroyed.
func TestAccKubeRayRayCluster_unschedulable(t *testing.T) {
	name := acctest.RandomName()
	var start time.Time
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t); start = time.Now() },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckDestroy(t),
		Steps: []resource.TestStep{{
			Config: testAccConfig(clusterOpts{name: name, workers: strings.Replace(workerGroup("huge", 1, ""), `memory   = "1Gi"`, `memory   = "4Ti"`, 1),
				extra: "timeouts = { create = \"10m\" }"}),
			ExpectError: regexp.MustCompile(wrapTolerant(`(?s)cannot be scheduled.*Insufficient memory`)),
		}},
	})
	if d := time.Since(start); d > 5*time.Minute {
		t.Errorf("the failure took %s: the wait did not fail at once", d)
	}
}

// The Lustre workspace's file system is mounted in every pod through a PersistentVolume (FSx CSI
// driver, the file system's DNS and mount names) and a bound claim, both removed on destroy.
func TestAccKubeRayRayCluster_lustre(t *testing.T) {
	skipUnlessAcc(t)
	name := acctest.RandomName()
	fsID := createLustre(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			checkNothingLeft(t, "default", name) // the volume and claim, by label and owner annotation
			return testAccCheckDestroy(t)(s)
		},
		Steps: []resource.TestStep{{
			Config: testAccConfig(clusterOpts{name: name, workers: workerGroup("cpu", 1, ""),
				extra: fmt.Sprintf("lustre {\n    workspace_id = %q\n    mount_path = \"/mnt/lustre\"\n  }\n  data_lake {\n    s3_uri = \"s3://rayhpc-data-lake/raw\"\n  }", fsID)}),
			Check: func(*terraform.State) error {
				core, _ := kubeAdmin(t)
				ctx := context.Background()
				pv, err := core.CoreV1().PersistentVolumes().Get(ctx, "rayhpc-default-"+name+"-lustre", metav1.GetOptions{})
				if err != nil {
					return err
				}
				fs := describeFS(t, fsID)
				if pv.Spec.CSI == nil || pv.Spec.CSI.Driver != "fsx.csi.aws.com" || pv.Spec.CSI.VolumeHandle != fsID ||
					pv.Spec.CSI.VolumeAttributes["dnsname"] != aws.ToString(fs.DNSName) ||
					pv.Spec.CSI.VolumeAttributes["mountname"] != aws.ToString(fs.LustreConfiguration.MountName) {
					return fmt.Errorf("PersistentVolume %+v does not name the file system %s", pv.Spec.CSI, fsID)
				}
				pvc, err := core.CoreV1().PersistentVolumeClaims("default").Get(ctx, name+"-lustre", metav1.GetOptions{})
				if err != nil {
					return err
				}
				if pvc.Status.Phase != corev1.ClaimBound || pvc.Spec.VolumeName != pv.Name {
					return fmt.Errorf("claim %s is %s on %q", pvc.Name, pvc.Status.Phase, pvc.Spec.VolumeName)
				}
				pods := clusterPods(t, "default", name)
				if len(pods) != 2 {
					return fmt.Errorf("%d pods, want 2", len(pods))
				}
				for _, p := range pods {
					if !mounts(p, pvc.Name, "/mnt/lustre") {
						return fmt.Errorf("pod %s does not mount %s at /mnt/lustre", p.Name, pvc.Name)
					}
				}
				return nil
			},
		}},
	})
}

func mounts(p corev1.Pod, claim, path string) bool {
	vol := ""
	for _, v := range p.Spec.Volumes {
		if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == claim {
			vol = v.Name
		}
	}
	for _, m := range p.Spec.Containers[0].VolumeMounts {
		if vol != "" && m.Name == vol && m.MountPath == path {
			return true
		}
	}
	return false
}

func createLustre(t *testing.T) string {
	t.Helper()
	c := fsx.NewFromConfig(acctest.Sandbox(t).AWSConfig())
	out, err := c.CreateFileSystem(context.Background(), &fsx.CreateFileSystemInput{
		FileSystemType: fsxtypes.FileSystemTypeLustre, StorageCapacity: aws.Int32(1200),
		SubnetIds:           []string{acctest.Var(t, "subnet_id")},
		LustreConfiguration: &fsxtypes.CreateFileSystemLustreConfiguration{DeploymentType: fsxtypes.LustreDeploymentTypeScratch2},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.FileSystem.FileSystemId)
	t.Cleanup(func() {
		_, _ = c.DeleteFileSystem(context.Background(), &fsx.DeleteFileSystemInput{FileSystemId: aws.String(id)})
	})
	deadline := time.Now().Add(time.Minute)
	for describeFS(t, id).Lifecycle != fsxtypes.FileSystemLifecycleAvailable {
		if time.Now().After(deadline) {
			t.Fatal("the file system did not become AVAILABLE")
		}
		time.Sleep(200 * time.Millisecond)
	}
	return id
}

func describeFS(t *testing.T, id string) fsxtypes.FileSystem {
	t.Helper()
	c := fsx.NewFromConfig(acctest.Sandbox(t).AWSConfig())
	out, err := c.DescribeFileSystems(context.Background(), &fsx.DescribeFileSystemsInput{FileSystemIds: []string{id}})
	if err != nil || len(out.FileSystems) != 1 {
		t.Fatalf("describing %s: %v", id, err)
	}
	return out.FileSystems[0]
}
