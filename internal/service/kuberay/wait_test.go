// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	rayv1 "github.com/ray-project/kuberay/ray-operator/apis/ray/v1"
	rayfake "github.com/ray-project/kuberay/ray-operator/pkg/client/clientset/versioned/fake"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	fakediscovery "k8s.io/client-go/discovery/fake"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

func rayCluster(gen, observed int64, conds ...metav1.Condition) *rayv1.RayCluster {
	return &rayv1.RayCluster{
		ObjectMeta: metav1.ObjectMeta{Name: "rc", Namespace: "ns", Generation: gen},
		Spec: rayv1.RayClusterSpec{HeadGroupSpec: rayv1.HeadGroupSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: headContainer, Image: "img"}}}}}},
		Status: rayv1.RayClusterStatus{ObservedGeneration: observed, Conditions: conds},
	}
}

func cond(t, status, reason, msg string) metav1.Condition {
	return metav1.Condition{Type: t, Status: metav1.ConditionStatus(status), Reason: reason, Message: msg}
}

func headPod(ready bool) *corev1.Pod {
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "rc-head", Namespace: "ns", Labels: map[string]string{"ray.io/cluster": "rc", "ray.io/node-type": "head"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: headContainer, Image: "img"}}},
		Status:     corev1.PodStatus{Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}},
	}
}

// withGroup gives the RayCluster one worker group g of replicas pods on image img.
func withGroup(rc *rayv1.RayCluster, replicas int32) *rayv1.RayCluster {
	rc.Spec.WorkerGroupSpecs = []rayv1.WorkerGroupSpec{{GroupName: "g", Replicas: &replicas, Template: corev1.PodTemplateSpec{
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: workerContainer, Image: "img"}}}}}}
	return rc
}

// workerPods are n Ready worker pods of group g on image.
func workerPods(n int, image string) []runtime.Object {
	var out []runtime.Object
	for i := range n {
		out = append(out, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("rc-g-%d", i), Namespace: "ns",
				Labels: map[string]string{"ray.io/cluster": "rc", "ray.io/node-type": "worker", "ray.io/group": "g"}},
			Spec:   corev1.PodSpec{Containers: []corev1.Container{{Name: workerContainer, Image: image}}},
			Status: corev1.PodStatus{Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}},
		})
	}
	return out
}

func withCRD(core *fake.Clientset) *fake.Clientset {
	core.Discovery().(*fakediscovery.FakeDiscovery).Resources = []*metav1.APIResourceList{{
		GroupVersion: "ray.io/v1", APIResources: []metav1.APIResource{{Name: "rayclusters", Kind: "RayCluster"}}}}
	return core
}

func TestStatusRayCluster(t *testing.T) {
	ready := []metav1.Condition{cond("HeadPodReady", "True", "HeadPodRunningAndReady", ""), cond("RayClusterProvisioned", "True", "AllPodRunningAndReadyFirstTime", "")}
	unsched := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "rc-w", Namespace: "ns", Labels: map[string]string{"ray.io/cluster": "rc"}},
		Status: corev1.PodStatus{Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
			Reason: corev1.PodReasonUnschedulable, Message: "0/6 nodes are available: 6 Insufficient memory."}}},
	}
	cases := []struct {
		name      string
		rc        *rayv1.RayCluster
		pods      []runtime.Object
		want, why string
	}{
		{"ready", rayCluster(2, 2, ready...), []runtime.Object{headPod(true)}, stateReady, ""},
		// KubeRay v1.5 leaves observedGeneration behind when no other status field changes.
		{"generation not observed, pods current", rayCluster(3, 2, ready...), []runtime.Object{headPod(true)}, stateReady, ""},
		{"head pod not ready", rayCluster(2, 2, ready...), []runtime.Object{headPod(false)}, statePending, ""},
		{"no conditions yet", rayCluster(1, 1), []runtime.Object{headPod(true)}, statePending, ""},
		{"resized, a new worker not ready", withGroup(rayCluster(2, 2, ready...), 3), append(workerPods(2, "img"), headPod(true)), statePending, "2 of 3 pods ready"},
		{"resized, all workers ready", withGroup(rayCluster(2, 2, ready...), 3), append(workerPods(3, "img"), headPod(true)), stateReady, ""},
		{"scaled down, extra worker not gone", withGroup(rayCluster(2, 2, ready...), 1), append(workerPods(2, "img"), headPod(true)), statePending, "(2 live)"},
		{"worker on the old image", withGroup(rayCluster(2, 2, ready...), 1), append(workerPods(1, "old"), headPod(true)), statePending, "0 of 1"},
		{"pod of a removed group", rayCluster(2, 2, ready...), append(workerPods(1, "img"), headPod(true)), statePending, "removed worker group g"},
		{"replica failure", rayCluster(1, 1, cond("ReplicaFailure", "True", "FailedCreateWorkerPod", "pods \"x\" is forbidden: exceeded quota")),
			nil, stateFailed, "exceeded quota"},
		{"unschedulable pod", rayCluster(1, 1), []runtime.Object{unsched}, stateFailed, "Insufficient memory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := newTestClients(withCRD(fake.NewClientset(tc.pods...)), rayfake.NewSimpleClientset(tc.rc))
			r, state, err := k.statusRayCluster("ns", "rc")(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if state != tc.want || !strings.Contains(r.reason, tc.why) {
				t.Fatalf("state %q reason %q, want %q with %q", state, r.reason, tc.want, tc.why)
			}
		})
	}
}

// The waiter fails at once (not at the timeout) on an unschedulable pod, with the reason.
func TestWaitReadyFailsAtOnce(t *testing.T) {
	unsched := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "rc-w", Namespace: "ns", Labels: map[string]string{"ray.io/cluster": "rc"}},
		Status: corev1.PodStatus{Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
			Reason: corev1.PodReasonUnschedulable, Message: "0/6 nodes are available: 6 Insufficient nvidia.com/gpu."}}},
	}
	k := newTestClients(withCRD(fake.NewClientset(unsched)), rayfake.NewSimpleClientset(rayCluster(1, 1)))
	start := time.Now()
	_, err := k.waitReady(context.Background(), &conns.Client{}, "ns", "rc", time.Minute)
	var ue *wait.UnexpectedStateError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "Insufficient nvidia.com/gpu") {
		t.Fatalf("want the scheduler's reason, got %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("took %s", time.Since(start))
	}
}

// Without the KubeRay CRDs, reads say how to install the operator.
func TestCRDMissing(t *testing.T) {
	k := newTestClients(fake.NewClientset(), rayfake.NewSimpleClientset())
	_, err := k.findRayCluster(context.Background(), "ns", "rc")
	if !errors.Is(err, ErrCRDMissing) || !strings.Contains(err.Error(), "helm install kuberay-operator") {
		t.Fatalf("want ErrCRDMissing, got %v", err)
	}
	k = newTestClients(withCRD(fake.NewClientset()), rayfake.NewSimpleClientset())
	if _, err := k.findRayCluster(context.Background(), "ns", "rc"); !wait.NotFound(err) {
		t.Fatalf("with the CRD, want NotFound, got %v", err)
	}
}

// Pod templates are compared by value: a quantity parsed from "1" and one made from the integer 1
// are the same request (a %v comparison saw them differ and rolled pods that had not changed).
func TestTemplatesEqual(t *testing.T) {
	spec := func(cpu resource.Quantity, image string) corev1.PodSpec {
		return corev1.PodSpec{Containers: []corev1.Container{{Name: headContainer, Image: image,
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: cpu}}}}}
	}
	parsed := resource.MustParse("1")
	_ = parsed.String() // caches the string form
	if !templatesEqual(spec(parsed, "img"), spec(*resource.NewQuantity(1, resource.DecimalSI), "img")) {
		t.Error("equal requests compared unequal")
	}
	if templatesEqual(spec(parsed, "img"), spec(parsed, "other")) {
		t.Error("an image change compared equal")
	}
	if templatesEqual(spec(parsed, "img"), spec(resource.MustParse("2"), "img")) {
		t.Error("a CPU change compared equal")
	}
}

// A create's first request tells refused credentials and a cluster without KubeRay apart, before
// anything is written.
func TestCheckCRD(t *testing.T) {
	refused := fake.NewClientset()
	refused.PrependReactor("get", "resource", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewUnauthorized("Unauthorized")
	})
	for name, tc := range map[string]struct {
		core *fake.Clientset
		want string
	}{
		"refused":     {refused, "refused the credentials"},
		"no KubeRay":  {fake.NewClientset(), "helm install kuberay-operator"},
		"KubeRay CRD": {withCRD(fake.NewClientset()), ""},
	} {
		t.Run(name, func(t *testing.T) {
			err := newTestClients(tc.core, rayfake.NewSimpleClientset()).checkCRD()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
