// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"slices"
	"strings"
	"testing"

	rayfake "github.com/ray-project/kuberay/ray-operator/pkg/client/clientset/versioned/fake"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

func ownedBy(name, namespace, owner string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: map[string]string{LabelManagedBy: managedByValue},
		Annotations: map[string]string{AnnotationOwner: owner}}
}

// The companions of ns/rc are found by name, label and owner annotation whatever a state says; a
// namespace or volume owned by another RayCluster, an object without the label, and what the identity
// may not read are not; removeCompanions deletes claim, volume, service account, namespace in that
// order and leaves the rest.
func TestRemoveCompanions(t *testing.T) {
	unlabelled := ownedBy("rc-ray", "ns", "ns/rc")
	unlabelled.Labels = nil
	core := fake.NewClientset(
		&corev1.Namespace{ObjectMeta: ownedBy("ns", "", "ns/rc")},
		&corev1.PersistentVolumeClaim{ObjectMeta: ownedBy("rc-lustre", "ns", "ns/rc")},
		&corev1.PersistentVolume{ObjectMeta: ownedBy("rayhpc-ns-rc-lustre", "", "ns/other")},
		&corev1.ServiceAccount{ObjectMeta: unlabelled},
		&corev1.ServiceAccount{ObjectMeta: ownedBy("other-ray", "ns", "ns/other")},
	)
	k := newTestClients(core, rayfake.NewSimpleClientset())
	removed, err := k.removeCompanions(context.Background(), "ns", "rc")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range removed {
		got = append(got, o.String())
	}
	if want := []string{"PersistentVolumeClaim ns/rc-lustre", "Namespace ns"}; !slices.Equal(got, want) {
		t.Fatalf("removed %v, want %v", got, want)
	}
	if _, err := core.CoreV1().PersistentVolumes().Get(context.Background(), "rayhpc-ns-rc-lustre", metav1.GetOptions{}); err != nil {
		t.Errorf("the volume another RayCluster owns was deleted: %v", err)
	}
	if _, err := core.CoreV1().ServiceAccounts("ns").Get(context.Background(), "rc-ray", metav1.GetOptions{}); err != nil {
		t.Errorf("the service account without the provider's label was deleted: %v", err)
	}

	// An identity that may not read namespaces or volumes (namespace-scoped) made none of them.
	scoped := fake.NewClientset(&corev1.ServiceAccount{ObjectMeta: ownedBy("rc-ray", "ns", "ns/rc")})
	scoped.PrependReactor("get", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if r := a.GetResource().Resource; r == "namespaces" || r == "persistentvolumes" {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: r}, "x", nil)
		}
		return false, nil, nil
	})
	objs, err := newTestClients(scoped, rayfake.NewSimpleClientset()).companions(context.Background(), "ns", "rc")
	if err != nil || len(objs) != 1 || objs[0].Kind != "ServiceAccount" {
		t.Fatalf("namespace-scoped: got %v, %v; want the service account alone", objs, err)
	}
}

// The destroy's warning says the CRD was not served, names the API server asked (a user pointed at the
// wrong cluster notices) and what was removed; a delete with the CRD served warns of nothing.
func TestDeletedWarning(t *testing.T) {
	d := Deleted{Namespace: "ns", Name: "rc", Server: "https://10.0.0.1 (EKS cluster prod)", CRDMissing: true,
		Removed: []OwnedObject{{Kind: "ServiceAccount", Namespace: "ns", Name: "rc-ray"}, {Kind: "Namespace", Name: "ns"}}}
	w := d.Warning()
	for _, want := range []string{"https://10.0.0.1 (EKS cluster prod) does not serve ray.io/v1 RayCluster", "RayCluster ns/rc was already gone",
		"deleted what it had made for it: ServiceAccount ns/rc-ray, Namespace ns.", "eks_cluster_name or the kubernetes block"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q lacks %q", w, want)
		}
	}
	d.Removed = nil
	if w := d.Warning(); !strings.Contains(w, "nothing else the provider had made for it was left") {
		t.Errorf("warning without leftovers: %q", w)
	}
	if w := (Deleted{Namespace: "ns", Name: "rc", Server: "x"}).Warning(); w != "" {
		t.Errorf("a delete with the CRD served warns %q", w)
	}
}
