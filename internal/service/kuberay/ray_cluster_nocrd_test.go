// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/kuberay"
)

// A Kubernetes cluster without KubeRay: a real kube-apiserver that does not serve ray.io/v1 (the
// sandbox's second apiserver on its etcd, under a key prefix of its own, so the shared apiserver,
// which the package's other tests use in parallel, keeps its CRDs). The apply fails before it writes
// anything: the error names the missing API and how to install the operator, nothing is recorded in
// state (the next plan creates the resource again; a tainted leftover would be replaced, and its
// refresh would fail), and neither the namespace nor the service account the create would make exists.
func TestAccKubeRayRayCluster_crdMissing(t *testing.T) {
	skipUnlessAcc(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	t0 := time.Now()
	api, err := acctest.Sandbox(t).Kube().StartAPIServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.Stop)
	t.Logf("kube-apiserver without KubeRay (pid %d) ready in %s", api.PID(), time.Since(t0).Round(10*time.Millisecond))
	core, err := kubernetes.NewForConfig(api.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	rName := acctest.RandomName()
	config := testAccConfigKubernetes(rName, api.Host, api.CAPEM, api.AdminToken, fmt.Sprintf(`
  namespace                = %[1]q
  create_namespace         = true
  service_account_role_arn = "arn:aws:iam::123456789012:role/%[1]s"
  timeouts                 = { create = "1m" }`, rName))

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: regexp.MustCompile(wrapTolerant(regexp.QuoteMeta(fmt.Sprintf("creating RayCluster (%s/%s)", rName, rName)) +
					`(?s).*does not serve ray\.io/v1 RayCluster: the KubeRay operator and its CRDs are not installed.*` +
					`helm install kuberay-operator kuberay/kuberay-operator`)),
			},
			{
				PreConfig: func() { checkNothingWritten(t, core, rName) },
				Config:    config,
				PlanOnly:  true,
				// Both plans (before and after refresh) create the RayCluster: nothing of it is in state.
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// checkNothingWritten fails the test when the cluster holds the namespace or the service account a
// create of the RayCluster name/name would make, or anything carrying the provider's label.
func checkNothingWritten(t *testing.T, core kubernetes.Interface, name string) {
	t.Helper()
	ctx := context.Background()
	if _, err := core.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("namespace %s: want NotFound, got %v", name, err)
	}
	selector := metav1.ListOptions{LabelSelector: kuberay.LabelManagedBy}
	sas, err := core.CoreV1().ServiceAccounts("").List(ctx, selector)
	if err != nil {
		t.Fatal(err)
	}
	nss, err := core.CoreV1().Namespaces().List(ctx, selector)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sas.Items) + len(nss.Items); n > 0 {
		t.Fatalf("the create wrote %d labelled objects before failing: service accounts %v, namespaces %v", n, sas.Items, nss.Items)
	}
}
