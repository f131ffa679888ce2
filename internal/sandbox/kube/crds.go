// SPDX-License-Identifier: MPL-2.0

package kube

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"
)

// CRDFiles are the KubeRay CRDs the stack installs, from the ray-operator module's config/crd/bases.
var CRDFiles = []string{"ray.io_rayclusters.yaml", "ray.io_rayjobs.yaml", "ray.io_rayservices.yaml"}

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// applyCRDs installs the KubeRay CRDs through the apiserver process at cfg with server-side apply (they
// are too large for the last-applied-configuration annotation client-side apply writes) and waits until
// they are Established.
func (s *Stack) applyCRDs(ctx context.Context, cfg *rest.Config, apiserver *process, files ...string) error {
	dc, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	var names []string
	for _, f := range files {
		raw, err := os.ReadFile(filepath.Join(s.bins.CRDDir, f))
		if err != nil {
			return fmt.Errorf("kube: reading CRD: %w", err)
		}
		js, err := yaml.YAMLToJSON(raw)
		if err != nil {
			return fmt.Errorf("kube: %s: %w", f, err)
		}
		var u unstructured.Unstructured
		if err := u.UnmarshalJSON(js); err != nil {
			return fmt.Errorf("kube: %s: %w", f, err)
		}
		force := true
		if _, err := dc.Resource(crdGVR).Patch(ctx, u.GetName(), types.ApplyPatchType, js,
			metav1.PatchOptions{FieldManager: FieldManager, Force: &force}); err != nil {
			return fmt.Errorf("kube: applying CRD %s: %w", u.GetName(), err)
		}
		names = append(names, u.GetName())
	}
	for _, n := range names {
		name := n
		if err := s.waitFor(ctx, "CRD "+name+" Established", apiserver, func() error {
			u, err := dc.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
			for _, c := range conds {
				m, _ := c.(map[string]any)
				if m["type"] == "Established" && m["status"] == "True" {
					return nil
				}
			}
			return fmt.Errorf("CRD %s not Established", name)
		}); err != nil {
			return err
		}
	}
	return nil
}
