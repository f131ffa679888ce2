// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"context"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/kuberay"
)

// go test -sweep=REGION runs this package's sweeper.
func init() {
	kuberay.RegisterSweepers(acctest.AddSweeper)
}

// The sweeper deletes a RayCluster named with its prefix (made through the plain Go layer, as an
// interrupted test leaves it) and leaves another alone. It sweeps a prefix of its own.
func TestAccKubeRayRayCluster_sweeper(t *testing.T) {
	skipUnlessAcc(t)
	ctx := context.Background()
	c := providerClient(t)
	prefix := "sweep-" + time.Now().Format("150405")
	mk := func(name string) kuberay.RayClusterSpec {
		spec := kuberay.RayClusterSpec{Target: conns.KubeTarget{EKSClusterName: sandbox.EKSClusterName}, Name: name, Namespace: "default",
			RayVersion: "2.46.0", Head: kuberay.HeadSpec{CPU: "500m", Memory: "1Gi"}}
		if _, err := kuberay.CreateRayCluster(ctx, c, spec, kuberay.Options{}); err != nil {
			t.Fatal(err)
		}
		return spec
	}
	mk(prefix + "-left")
	keep := mk("keep-" + prefix)
	t.Cleanup(func() { _ = kuberay.DeleteRayCluster(ctx, c, keep, time.Minute) })
	if err := kuberay.SweepRayClusters(ctx, c, prefix); err != nil {
		t.Fatal(err)
	}
	_, ray := kubeAdmin(t)
	if _, err := ray.RayV1().RayClusters("default").Get(ctx, prefix+"-left", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the sweeper left %s-left (%v)", prefix, err)
	}
	if _, err := ray.RayV1().RayClusters("default").Get(ctx, keep.Name, metav1.GetOptions{}); err != nil {
		t.Errorf("the sweeper deleted %s: %v", keep.Name, err)
	}
}
