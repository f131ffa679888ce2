// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox"
)

// Ready through eks_cluster_name (endpoint and CA from EKS DescribeCluster, an EKS token checked by the
// apiserver's webhook), then imported.
func TestAccKubeRayRayCluster_basic(t *testing.T) {
	name := acctest.RandomName()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccConfig(clusterOpts{name: name, workers: workerGroup("cpu", 2, "")}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("state"), knownvalue.StringExact("ready")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("id"), knownvalue.StringExact("default/"+name)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("image"), knownvalue.StringExact("rayproject/ray:2.46.0")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("head_service_name"), knownvalue.StringRegexp(regexp.MustCompile("^"+name+"-head-svc$"))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("client_address"),
						knownvalue.StringRegexp(regexp.MustCompile(`^ray://`+name+`-head-svc\.default\.svc\.cluster\.local:10001$`))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("ready_worker_replicas"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("worker_group").AtSliceIndex(0).AtMapKey("max_replicas"), knownvalue.Int64Exact(2)),
				},
				Check: func(*terraform.State) error {
					_, ray := kubeAdmin(t)
					rc, err := ray.RayV1().RayClusters("default").Get(context.Background(), name, metav1.GetOptions{})
					if err != nil {
						return err
					}
					for _, mf := range rc.ManagedFields {
						if mf.Manager == "terraform-provider-rayhpc" && mf.Operation == metav1.ManagedFieldsOperationApply {
							return nil
						}
					}
					return fmt.Errorf("the RayCluster was not server-side applied by terraform-provider-rayhpc: %+v", rc.ManagedFields)
				},
			},
			{
				ResourceName:      resName,
				ImportState:       true,
				ImportStateId:     sandbox.EKSClusterName + "/default/" + name,
				ImportStateVerify: true,
				// Live status, which moves on its own (a loaded sandbox's kwok nodes can miss heartbeats).
				ImportStateVerifyIgnore: []string{"timeouts", "wait_for_ready", "conditions", "ready_worker_replicas", "state"},
			},
		},
	})
}

// A worker group is added, then resized, in place (the RayCluster keeps its UID).
func TestAccKubeRayRayCluster_update(t *testing.T) {
	name := acctest.RandomName()
	uid := func() string {
		_, ray := kubeAdmin(t)
		rc, err := ray.RayV1().RayClusters("default").Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return string(rc.UID)
	}
	var first string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccConfig(clusterOpts{name: name, workers: workerGroup("small", 1, "")}),
				Check:  func(*terraform.State) error { first = uid(); return nil },
			},
			{
				Config: testAccConfig(clusterOpts{name: name, workers: workerGroup("small", 1, "") + workerGroup("large", 2, "")}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("ready_worker_replicas"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("desired_worker_replicas"), knownvalue.Int64Exact(3)),
				},
			},
			{
				Config: testAccConfig(clusterOpts{name: name, workers: workerGroup("small", 3, "max_replicas = 5") + workerGroup("large", 2, "")}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("ready_worker_replicas"), knownvalue.Int64Exact(5)),
				},
				Check: func(*terraform.State) error {
					if got := uid(); got != first {
						return fmt.Errorf("the RayCluster was replaced (UID %s, was %s)", got, first)
					}
					if n := len(clusterPods(t, "default", name)); n != 6 {
						return fmt.Errorf("%d pods, want 6 (head + 3 + 2)", n)
					}
					return nil
				},
			},
			{
				// Removing a group and changing the image roll in place too.
				Config: testAccConfig(clusterOpts{name: name, workers: workerGroup("small", 1, ""), extra: `image = "rayproject/ray:2.46.0-py311"`}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)}},
				Check: func(*terraform.State) error {
					for _, p := range clusterPods(t, "default", name) {
						if g := p.Labels["ray.io/group"]; g == "large" {
							return fmt.Errorf("pod %s of the removed worker group is left", p.Name)
						}
						if p.DeletionTimestamp == nil && p.Spec.Containers[0].Image != "rayproject/ray:2.46.0-py311" {
							return fmt.Errorf("pod %s still runs %s", p.Name, p.Spec.Containers[0].Image)
						}
					}
					if got := uid(); got != first {
						return fmt.Errorf("the RayCluster was replaced")
					}
					return nil
				},
			},
		},
	})
}

// Deleted out of band: a warning, removed from state, planned for creation again.
func TestAccKubeRayRayCluster_disappears(t *testing.T) {
	name := acctest.RandomName()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckDestroy(t),
		Steps: []resource.TestStep{{
			Config: testAccConfig(clusterOpts{name: name}),
			Check: func(*terraform.State) error {
				_, ray := kubeAdmin(t)
				return ray.RayV1().RayClusters("default").Delete(context.Background(), name, metav1.DeleteOptions{})
			},
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate)}},
		}},
	})
}

// suspend = true deletes the pods and keeps the RayCluster (state suspended), in place; false brings
// the cluster back to ready with its workers.
func TestAccKubeRayRayCluster_suspend(t *testing.T) {
	name := acctest.RandomName()
	cfg := func(suspend bool) string {
		return testAccConfig(clusterOpts{name: name, workers: workerGroup("w", 2, ""), extra: fmt.Sprintf("suspend = %t", suspend)})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckDestroy(t),
		Steps: []resource.TestStep{
			{Config: cfg(false)},
			{
				Config: cfg(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("state"), knownvalue.StringExact("suspended")),
				},
				Check: func(*terraform.State) error {
					for _, p := range clusterPods(t, "default", name) {
						if p.DeletionTimestamp == nil {
							return fmt.Errorf("pod %s still runs in the suspended cluster", p.Name)
						}
					}
					return nil
				},
			},
			{
				Config: cfg(false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("state"), knownvalue.StringExact("ready")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("ready_worker_replicas"), knownvalue.Int64Exact(2)),
				},
			},
		},
	})
}
