// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	rayclient "github.com/ray-project/kuberay/ray-operator/pkg/client/clientset/versioned"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/kube"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/kuberay"
)

// crdMissing is the diagnostic's detail (kuberay.ErrCRDMissing): the API that is missing and how to
// install it. Terraform wraps the detail, hence wrapTolerant.
const crdMissing = `(?s).*does not serve ray\.io/v1 RayCluster: the KubeRay operator and its CRDs are not installed.*` +
	`helm install kuberay-operator kuberay/kuberay-operator`

// A Kubernetes cluster without KubeRay: a real kube-apiserver that does not serve ray.io/v1
// RayCluster (the sandbox's second apiserver on its etcd, under a key prefix of its own, so the
// shared apiserver, which the package's other tests use in parallel, keeps its CRDs). Its cases run
// one after the other on it (they add and remove the CRD).
func TestAccKubeRayRayCluster_crdMissing(t *testing.T) {
	skipUnlessAcc(t)
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	t0 := time.Now()
	api, err := acctest.Sandbox(t).Kube().StartAPIServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.Stop)
	t.Logf("kube-apiserver without KubeRay (pid %d) ready in %s", api.PID(), time.Since(t0).Round(10*time.Millisecond))
	config := func(name, extra string) string {
		return testAccConfigKubernetes(name, api.Host, api.CAPEM, api.AdminToken, fmt.Sprintf(`
  namespace                = %[1]q
  create_namespace         = true
  service_account_role_arn = "arn:aws:iam::123456789012:role/%[1]s"
  timeouts                 = { create = "1m" }
  %[2]s`, name, extra))
	}
	t.Run("create", func(t *testing.T) { testCRDMissingOnCreate(t, api, config) })
	t.Run("refresh", func(t *testing.T) { testCRDMissingOnRefresh(ctx, t, api, config) })
	t.Run("destroy", func(t *testing.T) { testCRDMissingOnDestroy(ctx, t, api, config) })
}

// `terraform destroy` (the real CLI, with its refresh) of a RayCluster whose CRD was deleted since
// succeeds: the RayCluster went with its CRD, the provider still deletes the namespace and the service
// account it made (listed from the apiserver by name, label and owner annotation, not from state), and
// the warning says the CRD was not served and names the API server asked.
func testCRDMissingOnDestroy(ctx context.Context, t *testing.T, api *kube.APIServer, config func(name, extra string) string) {
	if err := api.ApplyCRDs(ctx, rayClusterCRD); err != nil {
		t.Fatal(err)
	}
	core, err := kubernetes.NewForConfig(api.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	name := acctest.RandomName()
	cli := acctest.NewCLI(t)
	cli.WriteConfig(config(name, "wait_for_ready = false")) // no operator here to make it ready
	cli.Apply()
	if got := ownedOn(ctx, t, core, name); len(got) != 2 {
		t.Fatalf("after the apply: %v, want the namespace and the service account", got)
	}
	deleteRayClusterCRD(ctx, t, api)
	out := flatOutput(cli.Destroy())
	for _, want := range []string{
		fmt.Sprintf("Warning: RayCluster (%[1]s/%[1]s) already deleted with the KubeRay CRD", name),
		fmt.Sprintf("The Kubernetes API server %s does not serve ray.io/v1 RayCluster", api.Host),
		fmt.Sprintf("RayCluster %[1]s/%[1]s was already gone; the provider deleted what it had made for it: "+
			"ServiceAccount %[1]s/%[1]s-ray, Namespace %[1]s.", name),
		"Destroy complete! Resources: 1 destroyed.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the destroy's output lacks %q:\n%s", want, out)
		}
	}
	if got := ownedOn(ctx, t, core, name); len(got) > 0 {
		t.Errorf("left after the destroy: %v", got)
	}
	if n := len(cli.StateResources()); n != 0 {
		t.Errorf("%d resources left in state", n)
	}
}

// ownedOn lists the namespace and service account of the RayCluster name/name that carry the provider's
// label and owner annotation and are not being deleted. This apiserver runs no namespace controller, so
// a deleted namespace stays Terminating (a cluster's controller manager then removes it with its
// contents): a deletion timestamp counts as deleted.
func ownedOn(ctx context.Context, t *testing.T, core kubernetes.Interface, name string) []string {
	t.Helper()
	var out []string
	mine := func(o metav1.Object) bool {
		return o.GetLabels()[kuberay.LabelManagedBy] != "" && o.GetAnnotations()[kuberay.AnnotationOwner] == name+"/"+name &&
			o.GetDeletionTimestamp() == nil
	}
	ns, err := core.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	switch {
	case err == nil && mine(ns):
		out = append(out, "Namespace "+name)
	case err != nil && !apierrors.IsNotFound(err):
		t.Fatal(err)
	}
	sas, err := core.CoreV1().ServiceAccounts(name).List(ctx, metav1.ListOptions{LabelSelector: kuberay.LabelManagedBy})
	if err != nil {
		t.Fatal(err)
	}
	for _, sa := range sas.Items {
		if mine(&sa) {
			out = append(out, "ServiceAccount "+name+"/"+sa.Name)
		}
	}
	return out
}

// flatOutput is terraform's output as one line: the box drawing of its diagnostics removed and runs of
// white space (its wrapping) made one space.
func flatOutput(s string) string {
	s = strings.NewReplacer("│", " ", "╷", " ", "╵", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// The apply fails before it writes anything: the error names the missing API and how to install the
// operator, nothing is recorded in state (the next plan, before and after refresh, creates the
// resource again; a tainted leftover would be replaced, and its refresh would fail), and neither the
// namespace nor the service account the create would make exists.
func testCRDMissingOnCreate(t *testing.T, api *kube.APIServer, config func(name, extra string) string) {
	core, err := kubernetes.NewForConfig(api.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	name := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(name, ""),
				ExpectError: regexp.MustCompile(wrapTolerant(regexp.QuoteMeta(fmt.Sprintf("creating RayCluster (%s/%s)", name, name)) + crdMissing)),
			},
			{
				PreConfig:          func() { checkNothingWritten(t, core, name) },
				Config:             config(name, ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// A RayCluster in state whose cluster stops serving RayCluster (its CRD deleted, which deletes the
// RayCluster with it): the refresh keeps it in state (state crd_not_served, not dropped as if nothing
// were left to delete) and plans to make it again; that apply fails naming ray.io/v1 RayCluster and the
// helm install. Once the CRD is back, the refresh finds the RayCluster gone but the namespace and the
// service account the provider made for it still there: it stays in state (state not_found) and the
// next apply makes it again (a new UID). The destroy then leaves nothing (listed from the apiserver).
func testCRDMissingOnRefresh(ctx context.Context, t *testing.T, api *kube.APIServer, config func(name, extra string) string) {
	if err := api.ApplyCRDs(ctx, rayClusterCRD); err != nil {
		t.Fatal(err)
	}
	core, err := kubernetes.NewForConfig(api.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	ray, err := rayclient.NewForConfig(api.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	name := acctest.RandomName()
	cfg := config(name, "wait_for_ready = false") // no operator here to make it ready
	var firstUID types.UID
	recreate := resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)}}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if left := ownedOn(ctx, t, core, name); len(left) > 0 {
				return fmt.Errorf("left after the destroy: %v", left)
			}
			if _, err := ray.RayV1().RayClusters(name).Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return fmt.Errorf("RayCluster left after the destroy (%v)", err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: func(*terraform.State) error {
					rc, err := ray.RayV1().RayClusters(name).Get(ctx, name, metav1.GetOptions{})
					firstUID = rc.UID
					return err
				},
			},
			{
				PreConfig:          func() { deleteRayClusterCRD(ctx, t, api) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks:  recreate,
				Check:              resource.TestCheckResourceAttr(resName, "state", kuberay.StateCRDNotServed),
			},
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(wrapTolerant(regexp.QuoteMeta(fmt.Sprintf("updating RayCluster (%s/%s)", name, name)) + crdMissing)),
			},
			{
				PreConfig: func() {
					if err := api.ApplyCRDs(ctx, rayClusterCRD); err != nil {
						t.Fatal(err)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks:  recreate,
				Check:              resource.TestCheckResourceAttr(resName, "state", kuberay.StateNotFound),
			},
			{
				Config: cfg,
				Check: func(*terraform.State) error {
					rc, err := ray.RayV1().RayClusters(name).Get(ctx, name, metav1.GetOptions{})
					if err != nil {
						return fmt.Errorf("the apply did not make the RayCluster again: %w", err)
					}
					if rc.UID == firstUID {
						return fmt.Errorf("the RayCluster has the UID of the one deleted with its CRD")
					}
					return nil
				},
			},
		},
	})
}

// rayClusterCRD is the RayCluster CRD's file (the only KubeRay CRD the provider uses).
const rayClusterCRD = "ray.io_rayclusters.yaml"

// deleteRayClusterCRD deletes the RayCluster CRD and waits until it is gone (its objects first).
func deleteRayClusterCRD(ctx context.Context, t *testing.T, api *kube.APIServer) {
	t.Helper()
	dc, err := dynamic.NewForConfig(api.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	crds := dc.Resource(schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"})
	const crd = "rayclusters.ray.io"
	if err := crds.Delete(ctx, crd, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		_, err := crds.Get(ctx, crd, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("CRD %s not deleted after a minute (%v)", crd, err)
		}
	}
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
