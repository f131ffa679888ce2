// SPDX-License-Identifier: MPL-2.0

package inventory

import (
	"context"
	"fmt"
	"os"

	rayclient "github.com/ray-project/kuberay/ray-operator/pkg/client/clientset/versioned"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// KubeconfigEnv names the kubeconfig of the sandbox's Kubernetes control plane (the sandbox exports it
// when it runs one).
const KubeconfigEnv = "RAYHPC_SANDBOX_KUBECONFIG"

// The Kubernetes kinds, listed when Options.Kube is set: the RayClusters, volumes, claims, service
// accounts and namespaces the provider made (label app.kubernetes.io/managed-by=terraform-provider-rayhpc,
// which package kuberay puts on each), and the pods KubeRay runs for RayClusters (label ray.io/cluster).
var kubeKinds = []string{
	"kubernetes raycluster", "kubernetes pod", "kubernetes persistentvolume", "kubernetes persistentvolumeclaim",
	"kubernetes serviceaccount", "kubernetes namespace",
}

const managedBy = "app.kubernetes.io/managed-by=terraform-provider-rayhpc"

func kubeFromEnv() (*rest.Config, error) {
	path := os.Getenv(KubeconfigEnv)
	if path == "" {
		return nil, nil
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		return nil, fmt.Errorf("reading %s (%s): %w", KubeconfigEnv, path, err)
	}
	return cfg, nil
}

func listKube(ctx context.Context, o Options, inv Inventory) error {
	if o.Kube == nil {
		return nil
	}
	core, err := kubernetes.NewForConfig(o.Kube)
	if err != nil {
		return err
	}
	ray, err := rayclient.NewForConfig(o.Kube)
	if err != nil {
		return err
	}
	for _, k := range kubeKinds {
		inv[k] = []string{}
	}
	owned := metav1.ListOptions{LabelSelector: managedBy}
	rcs, err := ray.RayV1().RayClusters("").List(ctx, owned)
	if err != nil {
		return fmt.Errorf("listing RayClusters: %w", err)
	}
	for _, x := range rcs.Items {
		inv["kubernetes raycluster"] = append(inv["kubernetes raycluster"], x.Namespace+"/"+x.Name)
	}
	pods, err := core.CoreV1().Pods("").List(ctx, metav1.ListOptions{LabelSelector: "ray.io/cluster"})
	if err != nil {
		return fmt.Errorf("listing pods: %w", err)
	}
	for _, x := range pods.Items {
		inv["kubernetes pod"] = append(inv["kubernetes pod"], x.Namespace+"/"+x.Name)
	}
	pvs, err := core.CoreV1().PersistentVolumes().List(ctx, owned)
	if err != nil {
		return fmt.Errorf("listing persistent volumes: %w", err)
	}
	for _, x := range pvs.Items {
		inv["kubernetes persistentvolume"] = append(inv["kubernetes persistentvolume"], x.Name)
	}
	pvcs, err := core.CoreV1().PersistentVolumeClaims("").List(ctx, owned)
	if err != nil {
		return fmt.Errorf("listing persistent volume claims: %w", err)
	}
	for _, x := range pvcs.Items {
		inv["kubernetes persistentvolumeclaim"] = append(inv["kubernetes persistentvolumeclaim"], x.Namespace+"/"+x.Name)
	}
	sas, err := core.CoreV1().ServiceAccounts("").List(ctx, owned)
	if err != nil {
		return fmt.Errorf("listing service accounts: %w", err)
	}
	for _, x := range sas.Items {
		inv["kubernetes serviceaccount"] = append(inv["kubernetes serviceaccount"], x.Namespace+"/"+x.Name)
	}
	nss, err := core.CoreV1().Namespaces().List(ctx, owned)
	if err != nil {
		return fmt.Errorf("listing namespaces: %w", err)
	}
	for _, x := range nss.Items {
		inv["kubernetes namespace"] = append(inv["kubernetes namespace"], x.Name)
	}
	return nil
}
