// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	rayclient "github.com/ray-project/kuberay/ray-operator/pkg/client/clientset/versioned"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox"
)

const resName = "rayhpc_ray_cluster.test"

// admin clients of the sandbox's apiserver (the launcher's static admin token), for checks and
// out-of-band edits.
func kubeAdmin(t *testing.T) (kubernetes.Interface, rayclient.Interface) {
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

type clusterOpts struct {
	name, extra, workers, head string
}

// testAccConfig is a RayCluster on the sandbox's EKS cluster with a head on an m6i.xlarge node.
func testAccConfig(o clusterOpts) string {
	head := o.head
	if head == "" {
		head = `cpu = "1"
    memory = "2Gi"
    node_selector = { "node.kubernetes.io/instance-type" = "m6i.xlarge" }`
	}
	extra := o.extra
	if !strings.Contains(extra, "timeouts") {
		// A wait that hangs fails in minutes, with what it waited for, instead of at go test's timeout.
		extra += "\n  timeouts = { create = \"3m\", update = \"3m\" }"
	}
	return fmt.Sprintf(`
resource "rayhpc_ray_cluster" "test" {
  name             = %[1]q
  eks_cluster_name = %[2]q
  ray_version      = "2.46.0"
  head {
    %[3]s
  }
%[4]s
%[5]s
}
`, o.name, sandbox.EKSClusterName, head, o.workers, extra)
}

// testAccConfigKubernetes is a RayCluster with a 1-CPU head on an m6i.xlarge node of the cluster reached
// through the kubernetes block (host, CA, token); extra goes into the resource block.
func testAccConfigKubernetes(name, host string, caPEM []byte, token, extra string) string {
	return fmt.Sprintf(`
resource "rayhpc_ray_cluster" "test" {
  name        = %[1]q
  ray_version = "2.46.0"
  kubernetes {
    host                   = %[2]q
    cluster_ca_certificate = %[3]q
    token                  = %[4]q
  }
  head {
    cpu           = "1"
    memory        = "2Gi"
    node_selector = { "node.kubernetes.io/instance-type" = "m6i.xlarge" }
  }
  %[5]s
}
`, name, host, string(caPEM), token, extra)
}

func workerGroup(name string, replicas int, extra string) string {
	return fmt.Sprintf(`
  worker_group {
    name     = %q
    replicas = %d
    cpu      = "500m"
    memory   = "1Gi"
    %s
  }
`, name, replicas, extra)
}

// testAccCheckDestroy: no RayCluster, pod, volume or claim of a destroyed cluster is left.
func testAccCheckDestroy(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		core, ray := kubeAdmin(t)
		ctx := context.Background()
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "rayhpc_ray_cluster" {
				continue
			}
			ns, name, _ := strings.Cut(rs.Primary.ID, "/")
			if _, err := ray.RayV1().RayClusters(ns).Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return fmt.Errorf("RayCluster %s still exists (%v)", rs.Primary.ID, err)
			}
			pods, err := core.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "ray.io/cluster=" + name})
			if err != nil {
				return err
			}
			if len(pods.Items) > 0 {
				return fmt.Errorf("RayCluster %s: %d pods left", rs.Primary.ID, len(pods.Items))
			}
			if _, err := core.CoreV1().PersistentVolumeClaims(ns).Get(ctx, name+"-lustre", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return fmt.Errorf("claim %s-lustre left (%v)", name, err)
			}
		}
		return nil
	}
}

// clusterPods lists the pods of a RayCluster.
func clusterPods(t *testing.T, ns, name string) []corev1.Pod {
	t.Helper()
	core, _ := kubeAdmin(t)
	pods, err := core.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "ray.io/cluster=" + name})
	if err != nil {
		t.Fatal(err)
	}
	return pods.Items
}

// skipUnlessAcc skips a test that talks to the sandbox outside resource.Test when TF_ACC is unset, as
// resource.Test itself does (make test sets it, so nothing skips there).
func skipUnlessAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
}

// providerClient is a client configured as the provider is against the sandbox (its AWS credentials,
// EKS tokens for the Kubernetes API), for tests that call the plain Go layer.
func providerClient(t *testing.T) *conns.Client {
	t.Helper()
	acctest.PreCheck(t)
	c, diags := conns.New(context.Background(), conns.Config{Region: sandbox.Region})
	if diags.HasError() {
		t.Fatal(diags)
	}
	return c
}
