// SPDX-License-Identifier: MPL-2.0

package hybrid_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	rayclient "github.com/ray-project/kuberay/ray-operator/pkg/client/clientset/versioned"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/inventory"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/hybrid"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/kuberay"
)

func rayPool(name, instanceType string, minN, maxN int64) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact(name), "instance_type": knownvalue.StringExact(instanceType),
		"min_nodes": knownvalue.Int64Exact(minN), "max_nodes": knownvalue.Int64Exact(maxN), "efa": knownvalue.Bool(false), "spot": knownvalue.Bool(false)})
}

// TestAccHybridCluster_ray: the environment with a Ray cluster on the sandbox's EKS cluster (the real
// KubeRay operator): the RayCluster mounts the workspace through its claim, its worker groups are the
// pools of platforms.ray, import finds it through the network's tag, and a new worker group updates the
// Ray cluster and nothing else.
func TestAccHybridCluster_ray(t *testing.T) {
	name := acctest.RandomName()
	gw := acctest.Gateway(t)
	var mark int
	sameHead := statecheck.CompareValue(compare.ValuesSame())
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNothingLeft(t, name),
		Steps: []resource.TestStep{
			{
				Config: hybridConfig{name: name, ray: 1}.render(t),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("ray_client_address"), knownvalue.StringRegexp(regexp.MustCompile(`^ray://.*:10001$`))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("ray_lustre_claim_name"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("platforms").AtMapKey("ray"), knownvalue.ListExact([]knownvalue.Check{rayPool("cpu", "m6i.xlarge", 0, 2)})),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("changed_parts"), knownvalue.ListExact(changes(
						"efa_network: create", "lustre_workspace: create", "hpc_cluster: create", "ray_cluster: create"))),
					sameHead.AddStateValue(resName, tfjsonpath.New("ray_head_service_name")),
				},
				Check: resource.ComposeTestCheckFunc(checkRayWiring(t, name), checkRayInventory(t, name), func(*terraform.State) error { mark = len(gw.Calls()); return nil }),
			},
			{
				ResourceName: resName, ImportState: true, ImportStateId: name,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if a := states[0].Attributes; a["ray_client_address"] == "" || a["ray_lustre_claim_name"] == "" {
						return fmt.Errorf("import found no Ray cluster: %v", a)
					}
					return nil
				},
			},
			{
				Config: hybridConfig{name: name, ray: 2}.render(t),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(resName, tfjsonpath.New("changed_parts"), knownvalue.ListExact(changes("ray_cluster: update"))),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameHead.AddStateValue(resName, tfjsonpath.New("ray_head_service_name")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("platforms").AtMapKey("ray"), knownvalue.ListExact([]knownvalue.Check{
						rayPool("cpu", "m6i.xlarge", 0, 2), rayPool("gpu", "g5.xlarge", 0, 1)})),
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						return expectOnly(gw.Calls()[mark:], nil, []string{"execute-api:UpdateCluster", "fsx:UpdateFileSystem",
							"fsx:CreateFileSystem", "execute-api:CreateCluster", "ec2:CreateLaunchTemplateVersion"})
					},
					checkRayGroups(t, name, 2),
				),
			},
		},
	})
}

func kubeClients(t *testing.T) (kubernetes.Interface, rayclient.Interface) {
	t.Helper()
	cfg := acctest.Sandbox(t).Kube().RESTConfig()
	core, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ray, err := rayclient.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return core, ray
}

// checkRayWiring checks in Kubernetes that the RayCluster carries the environment's label and that its
// claim is bound to a volume of the workspace's file system for the FSx CSI driver.
func checkRayWiring(t *testing.T, name string) resource.TestCheckFunc {
	t.Helper()
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[resName].Primary.Attributes
		core, ray := kubeClients(t)
		ctx := context.Background()
		rc, err := ray.RayV1().RayClusters("default").Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if rc.Labels[hybrid.LabelHybrid] != name {
			return fmt.Errorf("the RayCluster's labels: %v", rc.Labels)
		}
		pvc, err := core.CoreV1().PersistentVolumeClaims("default").Get(ctx, attrs["ray_lustre_claim_name"], metav1.GetOptions{})
		if err != nil {
			return err
		}
		pv, err := core.CoreV1().PersistentVolumes().Get(ctx, pvc.Spec.VolumeName, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("the claim %s is not bound (%q): %w", pvc.Name, pvc.Spec.VolumeName, err)
		}
		if csi := pv.Spec.CSI; csi == nil || csi.Driver != kuberay.FSxCSIDriver || csi.VolumeHandle != attrs["lustre_file_system_id"] ||
			csi.VolumeAttributes["dnsname"] != attrs["lustre_dns_name"] || csi.VolumeAttributes["mountname"] != attrs["lustre_mount_name"] {
			return fmt.Errorf("the volume %s is not the workspace %s: %+v", pv.Name, attrs["lustre_file_system_id"], pv.Spec.CSI)
		}
		return nil
	}
}

// checkRayInventory checks that the inventory (what make demo and the campaign's leftovers rely on)
// lists the Ray side's Kubernetes objects by kind.
func checkRayInventory(t *testing.T, name string) resource.TestCheckFunc {
	t.Helper()
	return func(*terraform.State) error {
		ctx := context.Background()
		opts, err := inventory.FromEnv(ctx)
		if err != nil {
			return err
		}
		inv, err := inventory.List(ctx, opts)
		if err != nil {
			return err
		}
		for kind, want := range map[string]string{"kubernetes raycluster": "default/" + name, "kubernetes persistentvolumeclaim": "default/" + name,
			"kubernetes persistentvolume": name, "kubernetes pod": "default/" + name} {
			found := false
			for _, id := range inv[kind] {
				found = found || strings.Contains(id, want)
			}
			if !found {
				return fmt.Errorf("the inventory lists no %s of %s:\n%s", kind, name, inv)
			}
		}
		return nil
	}
}

func checkRayGroups(t *testing.T, name string, n int) resource.TestCheckFunc {
	t.Helper()
	return func(*terraform.State) error {
		_, ray := kubeClients(t)
		rc, err := ray.RayV1().RayClusters("default").Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if got := len(rc.Spec.WorkerGroupSpecs); got != n {
			return fmt.Errorf("the RayCluster has %d worker groups, want %d", got, n)
		}
		return nil
	}
}
