// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	rayv1 "github.com/ray-project/kuberay/ray-operator/apis/ray/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// States of the readiness waiter.
const (
	statePending = "pending"
	stateReady   = "ready"
	stateFailed  = "failed"
)

// readiness is one read of a RayCluster and its pods.
type readiness struct {
	obj    *rayv1.RayCluster
	reason string
}

// statusRayCluster judges a RayCluster. It is ready when the HeadPodReady and RayClusterProvisioned
// conditions are True (KubeRay ray-operator/apis/ray/v1/raycluster_types.go), a Ready head pod runs
// the current template (not terminating after a roll), and every worker group has its replicas ×
// numOfHosts pods Ready on the current template (see pendingReason). It has failed
// when ReplicaFailure is True or a pod cannot be scheduled (PodScheduled=False, reason Unschedulable):
// the reason is the condition's message. While pending, the reason says what is awaited (a timeout
// reports it).
// A suspended cluster is done when RayClusterSuspended is True.
func (k *kubeClients) statusRayCluster(namespace, name string) func(context.Context) (*readiness, string, error) {
	return func(ctx context.Context) (*readiness, string, error) {
		obj, err := k.findRayCluster(ctx, namespace, name)
		if err != nil {
			return nil, "", err
		}
		r := &readiness{obj: obj}
		if c := condition(obj, string(rayv1.RayClusterReplicaFailure)); c != nil && c.Status == metav1.ConditionTrue {
			r.reason = fmt.Sprintf("ReplicaFailure (%s): %s", c.Reason, c.Message)
			return r, stateFailed, nil
		}
		pods, err := k.findClusterPods(ctx, namespace, name)
		if err != nil {
			return nil, "", err
		}
		for _, p := range pods {
			for _, c := range p.Status.Conditions {
				if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
					r.reason = fmt.Sprintf("pod %s cannot be scheduled: %s", p.Name, c.Message)
					return r, stateFailed, nil
				}
			}
		}
		if why := pendingReason(obj, pods); why != "" {
			r.reason = why
			return r, statePending, nil
		}
		return r, stateReady, nil
	}
}

// pendingReason says why a RayCluster that has not failed is not ready yet ("" when it is ready).
// The operator's observedGeneration is not waited for: KubeRay v1.5 writes the status only when
// another status field changes (ray-operator/controllers/ray/raycluster_controller.go, "TODO
// (kevin85421): ObservedGeneration should be used to determine whether to update this CR or not";
// utils.InconsistentRayClusterStatus ignores it), so after a change that moves no count or condition
// it never catches up. The pods are checked against the spec instead.
func pendingReason(obj *rayv1.RayCluster, pods []corev1.Pod) string {
	if obj.Spec.Suspend != nil && *obj.Spec.Suspend {
		if c := condition(obj, string(rayv1.RayClusterSuspended)); c == nil || c.Status != metav1.ConditionTrue {
			return "not suspended yet"
		}
		return ""
	}
	for _, t := range []rayv1.RayClusterConditionType{rayv1.HeadPodReady, rayv1.RayClusterProvisioned} {
		if c := condition(obj, string(t)); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Sprintf("condition %s is not True", t)
		}
	}
	if !headCurrent(obj, pods) {
		return "no ready head pod runs the current template"
	}
	if why := workersPending(obj, pods); why != "" {
		return why
	}
	// The counts the state reports come from the status, which KubeRay does update when they change.
	if obj.Status.ReadyWorkerReplicas < obj.Status.DesiredWorkerReplicas {
		return fmt.Sprintf("the operator reports %d of %d workers ready", obj.Status.ReadyWorkerReplicas, obj.Status.DesiredWorkerReplicas)
	}
	return ""
}

// workersPending compares each worker group's live pods (not terminating, Ready, running the group's
// image) with replicas × numOfHosts, and reports pods left of groups no longer in the spec.
func workersPending(obj *rayv1.RayCluster, pods []corev1.Pod) string {
	ready, live := map[string]int32{}, map[string]int32{}
	for _, p := range pods {
		if p.Labels["ray.io/node-type"] != "worker" || p.DeletionTimestamp != nil {
			continue
		}
		g := p.Labels["ray.io/group"]
		live[g]++
		if podReady(&p) && len(p.Spec.Containers) > 0 && p.Spec.Containers[0].Image == groupImage(obj, g) {
			ready[g]++
		}
	}
	for _, g := range obj.Spec.WorkerGroupSpecs {
		want := int32(0)
		if g.Replicas != nil && (g.Suspend == nil || !*g.Suspend) {
			want = *g.Replicas * max(g.NumOfHosts, 1)
		}
		if ready[g.GroupName] != want || live[g.GroupName] != want {
			return fmt.Sprintf("worker group %s: %d of %d pods ready (%d live)", g.GroupName, ready[g.GroupName], want, live[g.GroupName])
		}
		delete(live, g.GroupName)
	}
	for g, n := range live {
		return fmt.Sprintf("%d pod(s) of removed worker group %s still running", n, g)
	}
	return ""
}

func groupImage(obj *rayv1.RayCluster, group string) string {
	for _, g := range obj.Spec.WorkerGroupSpecs {
		if g.GroupName == group && len(g.Template.Spec.Containers) > 0 {
			return g.Template.Spec.Containers[0].Image
		}
	}
	return ""
}

// headCurrent: a head pod exists, is Ready, not terminating, and runs the spec's image.
func headCurrent(obj *rayv1.RayCluster, pods []corev1.Pod) bool {
	want := ""
	for _, c := range obj.Spec.HeadGroupSpec.Template.Spec.Containers {
		if c.Name == headContainer {
			want = c.Image
		}
	}
	for _, p := range pods {
		if p.Labels["ray.io/node-type"] != "head" || p.DeletionTimestamp != nil {
			continue
		}
		for _, c := range p.Spec.Containers {
			if c.Name == headContainer && c.Image == want && podReady(&p) {
				return true
			}
		}
	}
	return false
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

func condition(obj *rayv1.RayCluster, t string) *metav1.Condition {
	for i := range obj.Status.Conditions {
		if obj.Status.Conditions[i].Type == t {
			return &obj.Status.Conditions[i]
		}
	}
	return nil
}

// waitReady waits until the RayCluster is ready, failing at once with the reason when it has failed.
func (k *kubeClients) waitReady(ctx context.Context, c *conns.Client, namespace, name string, timeout time.Duration) (*rayv1.RayCluster, error) {
	r, err := wait.Waiter[*readiness]{
		Refresh: k.statusRayCluster(namespace, name),
		Pending: []string{statePending},
		Target:  []string{stateReady},
		Reason:  func(r *readiness) string { return r.reason },
		Timeout: timeout,
		Polling: c.Polling(),
	}.Wait(ctx)
	if err != nil {
		return nil, fmt.Errorf("waiting for RayCluster %s/%s to become ready: %w", namespace, name, err)
	}
	return r.obj, nil
}

// waitGone waits until the RayCluster and all its pods are gone (a cluster that no longer serves
// RayCluster holds none).
func (k *kubeClients) waitGone(ctx context.Context, c *conns.Client, namespace, name string) error {
	_, err := wait.Waiter[int]{
		Refresh: func(ctx context.Context) (int, string, error) {
			pods, err := k.findClusterPods(ctx, namespace, name)
			if err != nil {
				return 0, "", err
			}
			_, ferr := k.findRayCluster(ctx, namespace, name)
			if errors.Is(ferr, ErrCRDMissing) {
				ferr = wait.NewNotFound("RayCluster "+namespace+"/"+name, ferr) // deleted with its CRD
			}
			if wait.NotFound(ferr) && len(pods) == 0 {
				return 0, "", wait.NewNotFound("RayCluster "+namespace+"/"+name, nil)
			}
			if ferr != nil && !wait.NotFound(ferr) {
				return 0, "", ferr
			}
			return len(pods), "deleting", nil
		},
		Pending:    []string{"deleting"},
		TargetGone: true,
		Polling:    c.Polling(),
	}.Wait(ctx)
	if err != nil {
		return fmt.Errorf("waiting for RayCluster %s/%s and its pods to be deleted: %w", namespace, name, err)
	}
	return nil
}

// rollChangedPods deletes the pods of the head and of each worker group whose pod template the update
// changed, and those of removed worker groups (KubeRay v1.5 does not recreate running pods when a template changes; it does recreate
// missing ones, from the new template), and waits until the deleted pods are gone.
func (k *kubeClients) rollChangedPods(ctx context.Context, c *conns.Client, before, after *rayv1.RayCluster) error {
	var selectors []string
	if !templatesEqual(before.Spec.HeadGroupSpec.Template.Spec, after.Spec.HeadGroupSpec.Template.Spec) {
		selectors = append(selectors, "ray.io/node-type=head")
	}
	old := map[string]corev1.PodSpec{}
	for _, g := range before.Spec.WorkerGroupSpecs {
		old[g.GroupName] = g.Template.Spec
	}
	for _, g := range after.Spec.WorkerGroupSpecs {
		if prev, ok := old[g.GroupName]; ok && !templatesEqual(prev, g.Template.Spec) {
			selectors = append(selectors, "ray.io/group="+g.GroupName)
		}
		delete(old, g.GroupName)
	}
	// KubeRay leaves the pods of a removed worker group running
	// (https://github.com/ray-project/kuberay/issues/1739): they are deleted here.
	for _, removed := range slices.Sorted(maps.Keys(old)) {
		selectors = append(selectors, "ray.io/group="+removed)
	}
	var deleted []types.UID
	for _, sel := range selectors {
		pods, err := k.core.CoreV1().Pods(after.Namespace).List(ctx, metav1.ListOptions{LabelSelector: "ray.io/cluster=" + after.Name + "," + sel})
		if err != nil {
			return fmt.Errorf("listing pods to roll: %w", err)
		}
		for _, p := range pods.Items {
			// KubeRay may have deleted it already (a group removed or scaled down).
			if err := k.core.CoreV1().Pods(after.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("rolling pod %s: %w", p.Name, err)
			}
			deleted = append(deleted, p.UID)
		}
	}
	if len(deleted) == 0 {
		return nil
	}
	_, err := wait.Waiter[int]{
		Refresh: func(ctx context.Context) (int, string, error) {
			pods, err := k.findClusterPods(ctx, after.Namespace, after.Name)
			if err != nil {
				return 0, "", err
			}
			left := 0
			for _, p := range pods {
				for _, uid := range deleted {
					if p.UID == uid {
						left++
					}
				}
			}
			if left == 0 {
				return 0, "", wait.NewNotFound("rolled pods", nil)
			}
			return left, "terminating", nil
		},
		Pending: []string{"terminating"}, TargetGone: true, Polling: c.Polling(), Timeout: 5 * time.Minute,
	}.Wait(ctx)
	if err != nil {
		return fmt.Errorf("waiting for the rolled pods of RayCluster %s/%s to go: %w", after.Namespace, after.Name, err)
	}
	return nil
}

// templatesEqual compares two pod specs read from the apiserver (both defaulted alike) semantically:
// quantities by value, not by their cached string form, which %v would print.
func templatesEqual(a, b corev1.PodSpec) bool {
	return equality.Semantic.DeepEqual(a, b)
}
