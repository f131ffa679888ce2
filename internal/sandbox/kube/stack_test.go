// SPDX-License-Identifier: MPL-2.0

package kube

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// TestStack starts the real control plane with two kwok nodes and checks what the rest of the sandbox
// relies on: CRDs served, node labels and extended resources, real scheduling on GPU requests, the
// authentication webhook, and that Stop leaves no process behind.
func TestStack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	st, err := Start(ctx, Options{
		Nodes: []Node{
			{Name: "cpu-0", InstanceType: "m6i.xlarge", Zone: "us-east-1a", VCPUs: 4, MemoryMiB: 16384},
			{Name: "gpu-0", InstanceType: "p4d.24xlarge", Zone: "us-east-1b", VCPUs: 96, MemoryMiB: 1179648, GPUs: 8, EFA: 4},
		},
		Authenticate: func(_ context.Context, token string) (User, error) {
			if token == "good-token" {
				return User{Username: "alice", Groups: []string{"system:masters"}}, nil
			}
			return User{}, errors.New("unknown token")
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	pids := st.PIDs()
	defer func() {
		st.Stop()
		for name, pid := range pids {
			if err := syscall.Kill(pid, 0); err == nil {
				t.Errorf("%s (pid %d) still running after Stop", name, pid)
			}
		}
	}()
	cs, err := kubernetes.NewForConfig(st.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}

	t.Run("crds", func(t *testing.T) {
		res, err := discovery.NewDiscoveryClientForConfigOrDie(st.RESTConfig()).ServerResourcesForGroupVersion("ray.io/v1")
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, r := range res.APIResources {
			kinds = append(kinds, r.Kind)
		}
		for _, want := range []string{"RayCluster", "RayJob", "RayService"} {
			if !strings.Contains(strings.Join(kinds, ","), want) {
				t.Errorf("ray.io/v1 serves %v, no %s", kinds, want)
			}
		}
	})

	// A second apiserver on the stack's etcd shares none of its objects: no KubeRay CRDs, nodes or
	// namespaces either way; the stack's keeps its CRDs; Stop ends its process.
	t.Run("second apiserver", func(t *testing.T) {
		api, err := st.StartAPIServer(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer api.Stop()
		_, err = discovery.NewDiscoveryClientForConfigOrDie(api.RESTConfig()).ServerResourcesForGroupVersion("ray.io/v1")
		if !apierrors.IsNotFound(err) {
			t.Errorf("the second apiserver's ray.io/v1: want NotFound, got %v", err)
		}
		other := kubernetes.NewForConfigOrDie(api.RESTConfig())
		if nodes, err := other.CoreV1().Nodes().List(ctx, metav1.ListOptions{}); err != nil || len(nodes.Items) != 0 {
			t.Errorf("the second apiserver's nodes: %v, want none (err %v)", nodes, err)
		}
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "only-in-the-second"}}
		if _, err := other.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.CoreV1().Namespaces().Get(ctx, ns.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("the stack's apiserver sees the second's namespace (err %v)", err)
		}
		if _, err := discovery.NewDiscoveryClientForConfigOrDie(st.RESTConfig()).ServerResourcesForGroupVersion("ray.io/v1"); err != nil {
			t.Errorf("the stack's apiserver lost ray.io/v1: %v", err)
		}
		if err := api.ApplyCRDs(ctx, "ray.io_rayclusters.yaml"); err != nil {
			t.Fatal(err)
		}
		if _, err := discovery.NewDiscoveryClientForConfigOrDie(api.RESTConfig()).ServerResourcesForGroupVersion("ray.io/v1"); err != nil {
			t.Errorf("the second apiserver after ApplyCRDs: %v", err)
		}
		pid := api.PID()
		api.Stop()
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("the second apiserver (pid %d) still runs after Stop", pid)
		}
	})

	t.Run("nodes", func(t *testing.T) {
		n, err := cs.CoreV1().Nodes().Get(ctx, "gpu-0", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := n.Labels[LabelInstanceType]; got != "p4d.24xlarge" {
			t.Errorf("instance-type label %q", got)
		}
		gpu, efa := n.Status.Allocatable[ResourceGPU], n.Status.Allocatable[ResourceEFA]
		if gpu.Value() != 8 || efa.Value() != 4 {
			t.Errorf("allocatable gpu %s efa %s, want 8 and 4", gpu.String(), efa.String())
		}
	})

	t.Run("scheduling", func(t *testing.T) {
		fits := gpuPod("fits", 1)
		tooBig := gpuPod("too-big", 9)
		for _, p := range []*corev1.Pod{fits, tooBig} {
			if _, err := cs.CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		waitPod(ctx, t, cs, "fits", func(p *corev1.Pod) bool { return p.Spec.NodeName == "gpu-0" && podReady(p) })
		waitPod(ctx, t, cs, "too-big", func(p *corev1.Pod) bool {
			for _, c := range p.Status.Conditions {
				if c.Type == corev1.PodScheduled && c.Reason == corev1.PodReasonUnschedulable &&
					strings.Contains(c.Message, "Insufficient "+ResourceGPU) {
					return true
				}
			}
			return false
		})
	})

	t.Run("webhook", func(t *testing.T) {
		for token, wantUser := range map[string]string{"good-token": "alice", "bad-token": ""} {
			cfg := rest.AnonymousClientConfig(st.RESTConfig())
			cfg.BearerToken = token
			c, err := kubernetes.NewForConfig(cfg)
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authnv1.SelfSubjectReview{}, metav1.CreateOptions{})
			switch {
			case wantUser == "" && !apierrors.IsUnauthorized(err):
				t.Errorf("%s: want 401 Unauthorized, got %v", token, err)
			case wantUser != "" && err != nil:
				t.Errorf("%s: %v", token, err)
			case wantUser != "" && res.Status.UserInfo.Username != wantUser:
				t.Errorf("%s: user %q, want %q", token, res.Status.UserInfo.Username, wantUser)
			}
		}
	})

	// The audit log holds the webhook user's request, and none of the admin token's (this test's and
	// the components' many).
	t.Run("audit", func(t *testing.T) {
		reqs, err := st.Requests()
		if err != nil {
			t.Fatal(err)
		}
		alice := 0
		for _, r := range reqs {
			if r.User == "sandbox-admin" || r.User == "system:apiserver" {
				t.Fatalf("the audit log holds the sandbox's own request %+v", r)
			}
			if r.User == "alice" && r.Verb == "create" && r.Resource == "selfsubjectreviews" && r.Code == 201 {
				alice++
			}
		}
		if alice != 1 {
			t.Fatalf("%d audited SelfSubjectReview creates by alice, want 1 (log: %+v)", alice, reqs)
		}
	})
}

func gpuPod(name string, gpus int64) *corev1.Pod {
	q := *resource.NewQuantity(gpus, resource.DecimalSI)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "c", Image: "busybox",
				Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{ResourceGPU: q}, Requests: corev1.ResourceList{ResourceGPU: q}}}},
			Tolerations: []corev1.Toleration{{Key: "kwok.x-k8s.io/node", Operator: corev1.TolerationOpExists}},
		},
	}
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

func waitPod(ctx context.Context, t *testing.T, cs *kubernetes.Clientset, name string, ok func(*corev1.Pod) bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var last *corev1.Pod
	for time.Now().Before(deadline) {
		p, err := cs.CoreV1().Pods("default").Get(ctx, name, metav1.GetOptions{})
		if err == nil {
			last = p
			if ok(p) {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("pod %s did not reach the expected state; last: node %q conditions %+v", name, last.Spec.NodeName, last.Status.Conditions)
}
