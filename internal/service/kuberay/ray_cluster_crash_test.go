// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/kuberay"
)

// A crash mid-create converges. terraform (and the provider it runs) is SIGKILLed twice: once when the
// Lustre PersistentVolume exists but no RayCluster yet, then, on the next apply, once the RayCluster
// exists but before it is ready. Neither kill leaves the cluster in state; the third apply adopts what
// was made (server-side apply of the same objects, the namespace by its owner annotation) and ends ready
// with one RayCluster (the UID seen at the second kill). Destroy then leaves nothing: the objects the
// provider makes (RayCluster, volume, claim, service account, namespace) are listed from the apiserver
// by label and owner annotation, not from state.
func TestAccKubeRayRayCluster_crashMidCreate(t *testing.T) {
	skipUnlessAcc(t)
	fsID := createLustre(t)
	name := acctest.RandomName()
	ns := fmt.Sprintf("crash-%d", time.Now().UnixNano()%1e8)
	cli := acctest.NewCLI(t)
	cli.WriteConfig(testAccConfig(clusterOpts{name: name, workers: workerGroup("w", 3, ""), extra: fmt.Sprintf(`
  namespace                = %q
  create_namespace         = true
  service_account_role_arn = "arn:aws:iam::123456789012:role/ray-pods"
  lustre {
    workspace_id = %q
  }`, ns, fsID)}))
	core, ray := kubeAdmin(t)
	ctx := context.Background()
	destroyed := false
	t.Cleanup(func() {
		if !destroyed {
			_, _ = cli.Run("destroy", "-auto-approve", "-no-color")
		}
	})

	cli.KillDuringApply(func([]gateway.Call) bool {
		_, err := core.CoreV1().PersistentVolumes().Get(ctx, "rayhpc-"+ns+"-"+name+"-lustre", metav1.GetOptions{})
		return err == nil
	})
	if _, err := ray.RayV1().RayClusters(ns).Get(ctx, name, metav1.GetOptions{}); err == nil {
		t.Fatal("the first kill came after the RayCluster was made: it did not test a crash between the volume and the cluster")
	}
	var uid string
	cli.KillDuringApply(func([]gateway.Call) bool {
		rc, err := ray.RayV1().RayClusters(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false
		}
		uid = string(rc.UID)
		return true
	})
	if res := cli.StateResources(); len(res) != 0 {
		t.Fatalf("a killed apply recorded %v in state: the kill came too late to test a crash", res)
	}

	cli.Apply()
	rc, err := ray.RayV1().RayClusters(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if string(rc.UID) != uid {
		t.Fatalf("the RayCluster was made again (UID %s, was %s)", rc.UID, uid)
	}
	if rc.Status.State != "ready" {
		t.Fatalf("state %q after the apply that converged", rc.Status.State)
	}
	var kinds []string
	for _, o := range owned(t, ns, name) {
		kinds = append(kinds, o.Kind)
	}
	slices.Sort(kinds)
	if want := []string{"Namespace", "PersistentVolume", "PersistentVolumeClaim", "RayCluster", "ServiceAccount"}; !slices.Equal(kinds, want) {
		t.Fatalf("the provider's objects are %v, want one each of %v", kinds, want)
	}
	if changes, out := cli.Plan(); changes {
		t.Fatalf("the converged cluster plans changes:\n%s", out)
	}

	cli.Destroy()
	destroyed = true
	checkNothingLeft(t, ns, name)
}

// owned lists what the provider made for the RayCluster ns/name, from the apiserver.
func owned(t *testing.T, ns, name string) []kuberay.OwnedObject {
	t.Helper()
	objs, err := kuberay.FindOwnedObjects(context.Background(), providerClient(t), conns.KubeTarget{EKSClusterName: sandbox.EKSClusterName}, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// checkNothingLeft waits (a namespace and a volume finish terminating after their delete returns) until
// none of the provider's objects for ns/name and none of KubeRay's pods for it are left.
func checkNothingLeft(t *testing.T, ns, name string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for left := owned(t, ns, name); len(left) > 0; left = owned(t, ns, name) {
		if time.Now().After(deadline) {
			t.Fatalf("left after destroy: %+v", left)
		}
		time.Sleep(500 * time.Millisecond)
	}
	if pods := clusterPods(t, ns, name); len(pods) > 0 {
		t.Fatalf("%d pods left after destroy", len(pods))
	}
}
