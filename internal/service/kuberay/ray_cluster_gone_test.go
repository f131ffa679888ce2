// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// A RayCluster deleted out of band while the namespace, service account, Lustre volume and claim the
// provider made for it remain: the refresh keeps it in state (state not_found) and plans an in-place
// update, which makes the RayCluster again (a new UID) on the same claim (its UID unchanged: nothing
// the pods' data goes through is made again). Deleted out of band a second time and then removed from
// the configuration, it is destroyed: nothing it made is left (listed from the apiserver by label and
// owner annotation, not from state).
func TestAccKubeRayRayCluster_disappearsLeavingCompanions(t *testing.T) {
	skipUnlessAcc(t)
	name := acctest.RandomName()
	ns := fmt.Sprintf("gone-%d", time.Now().UnixNano()%1e8)
	fsID := createLustre(t)
	cfg := testAccConfig(clusterOpts{name: name, extra: fmt.Sprintf(`
  namespace                = %q
  create_namespace         = true
  service_account_role_arn = "arn:aws:iam::123456789012:role/ray-pods"
  lustre {
    workspace_id = %q
  }`, ns, fsID)})
	core, ray := kubeAdmin(t)
	ctx := context.Background()
	var rcUID, claimUID types.UID
	deleteOutOfBand := func() error {
		rc, err := ray.RayV1().RayClusters(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		rcUID = rc.UID
		claim, err := core.CoreV1().PersistentVolumeClaims(ns).Get(ctx, name+"-lustre", metav1.GetOptions{})
		if err != nil {
			return err
		}
		claimUID = claim.UID
		if err := ray.RayV1().RayClusters(ns).Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			return err
		}
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
			if _, err := ray.RayV1().RayClusters(ns).Get(ctx, name, metav1.GetOptions{}); apierrors.IsNotFound(err) {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("RayCluster %s/%s not gone a minute after its delete", ns, name)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckDestroy(t),
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				Check:              func(*terraform.State) error { return deleteOutOfBand() },
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)}},
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)}},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(resName, "state", "ready"),
					func(*terraform.State) error {
						rc, err := ray.RayV1().RayClusters(ns).Get(ctx, name, metav1.GetOptions{})
						if err != nil {
							return fmt.Errorf("the apply did not make the RayCluster again: %w", err)
						}
						if rc.UID == rcUID {
							return fmt.Errorf("the RayCluster has the deleted one's UID %s", rc.UID)
						}
						claim, err := core.CoreV1().PersistentVolumeClaims(ns).Get(ctx, name+"-lustre", metav1.GetOptions{})
						if err != nil {
							return err
						}
						if claim.UID != claimUID {
							return fmt.Errorf("the claim was made again (UID %s, was %s): it should have been adopted", claim.UID, claimUID)
						}
						return nil
					}),
			},
			{
				// Deleted again, then removed from the configuration: the destroy deletes its companions.
				PreConfig: func() {
					if err := deleteOutOfBand(); err != nil {
						t.Fatal(err)
					}
					var kinds []string
					for _, o := range owned(t, ns, name) {
						kinds = append(kinds, o.Kind)
					}
					slices.Sort(kinds)
					if want := []string{"Namespace", "PersistentVolume", "PersistentVolumeClaim", "ServiceAccount"}; !slices.Equal(kinds, want) {
						t.Fatalf("before the destroy the provider's objects are %v, want %v", kinds, want)
					}
				},
				Config: "locals {}\n",
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionDestroy)}},
				Check: func(*terraform.State) error {
					checkNothingLeft(t, ns, name)
					return nil
				},
			},
		},
	})
}
