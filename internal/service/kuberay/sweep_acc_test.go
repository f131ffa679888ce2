// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/kuberay"
)

// go test -sweep=REGION runs this package's sweeper.
func init() {
	kuberay.RegisterSweepers(acctest.AddSweeper)
}

// The sweeper goes by ownership, not by names. It deletes a RayCluster made (through the plain Go
// layer, as an interrupted test leaves it) by a resource named with the prefix, with the namespace it
// created; and a volume, claim, service account and namespace with unusual names whose label and owner
// annotation name a resource with the prefix whose RayCluster is gone (a create interrupted before it
// applied the RayCluster). It keeps a RayCluster named with the prefix but without the provider's
// label, a service account and a namespace named as a swept resource's would be but without the owner
// annotation, and a volume named as the swept resource's volume but owned by another resource. It
// sweeps a prefix of its own.
func TestAccKubeRayRayCluster_sweeper(t *testing.T) {
	skipUnlessAcc(t)
	ctx := context.Background()
	c := providerClient(t)
	core, ray := kubeAdmin(t)
	prefix := acctest.RandomName() + "-sweep"
	target := conns.KubeTarget{EKSClusterName: sandbox.EKSClusterName}
	mk := func(name, namespace string, createNamespace bool) kuberay.RayClusterSpec {
		spec := kuberay.RayClusterSpec{Target: target, Name: name, Namespace: namespace, CreateNamespace: createNamespace,
			RayVersion: "2.46.0", Head: kuberay.HeadSpec{CPU: "500m", Memory: "1Gi"}}
		if _, err := kuberay.CreateRayCluster(ctx, c, spec, kuberay.Options{}); err != nil {
			t.Fatal(err)
		}
		return spec
	}

	// Owned: a RayCluster and the namespace made for it.
	left := mk(prefix+"-left", prefix+"-ns", true)
	// Owned, unusual names, for the resource prefix-gone whose RayCluster is gone.
	stamp := time.Now().UnixNano()
	gone := "default/" + prefix + "-gone"
	own := func(owner string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Labels: map[string]string{kuberay.LabelManagedBy: "terraform-provider-rayhpc"},
			Annotations: map[string]string{kuberay.AnnotationOwner: owner}}
	}
	meta := func(m metav1.ObjectMeta, namespace, name string) metav1.ObjectMeta {
		m.Namespace, m.Name = namespace, name
		return m
	}
	sweptPV := fmt.Sprintf("vol-%d", stamp)
	sweptPVC := fmt.Sprintf("claim-%d", stamp)
	sweptSA := fmt.Sprintf("runner-%d", stamp)
	sweptNS := fmt.Sprintf("scratch-%d", stamp)
	mustCreate(t, func() error {
		_, err := core.CoreV1().PersistentVolumes().Create(ctx, testVolume(meta(own(gone), "", sweptPV)), metav1.CreateOptions{})
		return err
	})
	mustCreate(t, func() error {
		_, err := core.CoreV1().PersistentVolumeClaims("default").Create(ctx, &corev1.PersistentVolumeClaim{
			ObjectMeta: meta(own(gone), "default", sweptPVC),
			Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
				StorageClassName: new(string),
				Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}}},
		}, metav1.CreateOptions{})
		return err
	})
	mustCreate(t, func() error {
		_, err := core.CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{ObjectMeta: meta(own(gone), "default", sweptSA)}, metav1.CreateOptions{})
		return err
	})
	mustCreate(t, func() error {
		_, err := core.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: meta(own(sweptNS+"/"+prefix+"-gone"), "", sweptNS)}, metav1.CreateOptions{})
		return err
	})

	// Not owned, with names that match.
	kept := mk(prefix+"-kept", "default", false)
	if _, err := ray.RayV1().RayClusters("default").Patch(ctx, kept.Name, types.MergePatchType,
		[]byte(`{"metadata":{"labels":{"`+kuberay.LabelManagedBy+`":null}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	keptSA := prefix + "-gone-ray"
	keptNS := prefix + "-kept"
	keptPV := "rayhpc-default-" + prefix + "-gone-lustre"
	mustCreate(t, func() error {
		_, err := core.CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{ObjectMeta: meta(own(""), "default", keptSA)}, metav1.CreateOptions{})
		return err
	})
	mustCreate(t, func() error {
		_, err := core.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: keptNS}}, metav1.CreateOptions{})
		return err
	})
	mustCreate(t, func() error {
		_, err := core.CoreV1().PersistentVolumes().Create(ctx, testVolume(meta(own("default/keep-"+prefix), "", keptPV)), metav1.CreateOptions{})
		return err
	})
	t.Cleanup(func() {
		_, _ = kuberay.DeleteRayCluster(ctx, c, kept, time.Minute)
		_ = core.CoreV1().ServiceAccounts("default").Delete(ctx, keptSA, metav1.DeleteOptions{})
		_ = core.CoreV1().Namespaces().Delete(ctx, keptNS, metav1.DeleteOptions{})
		_ = core.CoreV1().PersistentVolumes().Delete(ctx, keptPV, metav1.DeleteOptions{})
	})

	if err := kuberay.SweepRayClusters(ctx, c, prefix); err != nil {
		t.Fatalf("sweeping: %s", err)
	}

	swept := map[string]func() (metav1.Object, error){
		"RayCluster " + left.Namespace + "/" + left.Name: func() (metav1.Object, error) {
			return ray.RayV1().RayClusters(left.Namespace).Get(ctx, left.Name, metav1.GetOptions{})
		},
		"namespace " + left.Namespace: func() (metav1.Object, error) {
			return core.CoreV1().Namespaces().Get(ctx, left.Namespace, metav1.GetOptions{})
		},
		"PersistentVolume " + sweptPV: func() (metav1.Object, error) {
			return core.CoreV1().PersistentVolumes().Get(ctx, sweptPV, metav1.GetOptions{})
		},
		"PersistentVolumeClaim default/" + sweptPVC: func() (metav1.Object, error) {
			return core.CoreV1().PersistentVolumeClaims("default").Get(ctx, sweptPVC, metav1.GetOptions{})
		},
		"service account default/" + sweptSA: func() (metav1.Object, error) {
			return core.CoreV1().ServiceAccounts("default").Get(ctx, sweptSA, metav1.GetOptions{})
		},
		"namespace " + sweptNS: func() (metav1.Object, error) {
			return core.CoreV1().Namespaces().Get(ctx, sweptNS, metav1.GetOptions{})
		},
	}
	for what, get := range swept {
		// Deleted, or being deleted (a namespace, volume or claim terminates after its delete returns).
		obj, err := get()
		if err == nil && obj.GetDeletionTimestamp() == nil {
			t.Errorf("the sweeper left %s (owned by a resource named %s*)", what, prefix)
		} else if err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("reading %s: %s", what, err)
		}
	}
	keptObjs := map[string]func() (metav1.Object, error){
		"RayCluster default/" + kept.Name + " (no label)": func() (metav1.Object, error) {
			return ray.RayV1().RayClusters("default").Get(ctx, kept.Name, metav1.GetOptions{})
		},
		"service account default/" + keptSA + " (no owner annotation)": func() (metav1.Object, error) {
			return core.CoreV1().ServiceAccounts("default").Get(ctx, keptSA, metav1.GetOptions{})
		},
		"namespace " + keptNS + " (not the provider's)": func() (metav1.Object, error) {
			return core.CoreV1().Namespaces().Get(ctx, keptNS, metav1.GetOptions{})
		},
		"PersistentVolume " + keptPV + " (owned by another resource)": func() (metav1.Object, error) {
			return core.CoreV1().PersistentVolumes().Get(ctx, keptPV, metav1.GetOptions{})
		},
	}
	for what, get := range keptObjs {
		if obj, err := get(); err != nil || obj.GetDeletionTimestamp() != nil {
			t.Errorf("the sweeper deleted %s (err %v)", what, err)
		}
	}
}

func mustCreate(t *testing.T, create func() error) {
	t.Helper()
	if err := create(); err != nil {
		t.Fatal(err)
	}
}

// testVolume is a 1Gi volume of the FSx CSI driver (never mounted here).
func testVolume(m metav1.ObjectMeta) *corev1.PersistentVolume {
	return &corev1.PersistentVolume{ObjectMeta: m, Spec: corev1.PersistentVolumeSpec{
		Capacity:    corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
		AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
		PersistentVolumeSource: corev1.PersistentVolumeSource{CSI: &corev1.CSIPersistentVolumeSource{
			Driver: kuberay.FSxCSIDriver, VolumeHandle: "fs-0123456789abcdef0"}},
	}}
}
