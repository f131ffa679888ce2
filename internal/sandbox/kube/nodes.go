// SPDX-License-Identifier: MPL-2.0

package kube

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Extended resources that EKS nodes advertise through their device plugins: the NVIDIA device plugin
// (nvidia.com/gpu, one per GPU) and the EFA device plugin (vpc.amazonaws.com/efa, one per EFA
// interface) — https://docs.aws.amazon.com/eks/latest/userguide/node-efa.html.
const (
	ResourceGPU = "nvidia.com/gpu"
	ResourceEFA = "vpc.amazonaws.com/efa"
	// LabelInstanceType is the well-known node label EKS sets to the EC2 instance type.
	LabelInstanceType = "node.kubernetes.io/instance-type"
	kwokAnnotation    = "kwok.x-k8s.io/node"
)

// Node is a simulated EKS node of one EC2 instance type. The sandbox fills the capacity from EC2
// DescribeInstanceTypes (VCpuInfo.DefaultVCpus, MemoryInfo.SizeInMiB, GpuInfo.Gpus[].Count,
// NetworkInfo.EfaInfo.MaximumEfaInterfaces).
type Node struct {
	Name         string
	InstanceType string
	Zone         string
	VCPUs        int
	MemoryMiB    int64
	GPUs         int
	EFA          int
	// MaxPods defaults to 110 (the Kubernetes default; EKS derives it from the ENI limits).
	MaxPods int
}

func (n Node) object(region string) *corev1.Node {
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    *resource.NewQuantity(int64(n.VCPUs), resource.DecimalSI),
		corev1.ResourceMemory: *resource.NewQuantity(n.MemoryMiB<<20, resource.BinarySI),
		corev1.ResourcePods:   *resource.NewQuantity(int64(max(n.MaxPods, 110)), resource.DecimalSI),
	}
	if n.GPUs > 0 {
		capacity[ResourceGPU] = *resource.NewQuantity(int64(n.GPUs), resource.DecimalSI)
	}
	if n.EFA > 0 {
		capacity[ResourceEFA] = *resource.NewQuantity(int64(n.EFA), resource.DecimalSI)
	}
	labels := map[string]string{
		"kubernetes.io/arch":               "amd64",
		"kubernetes.io/os":                 "linux",
		"kubernetes.io/hostname":           n.Name,
		LabelInstanceType:                  n.InstanceType,
		"beta.kubernetes.io/instance-type": n.InstanceType,
		"topology.kubernetes.io/region":    region,
		"topology.kubernetes.io/zone":      n.Zone,
		"eks.amazonaws.com/nodegroup":      "sandbox-" + strings.ReplaceAll(n.InstanceType, ".", "-"),
		"eks.amazonaws.com/capacityType":   "ON_DEMAND",
		"type":                             "kwok",
	}
	if n.GPUs > 0 {
		labels["k8s.amazonaws.com/accelerator"] = "nvidia"
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        n.Name,
			Labels:      labels,
			Annotations: map[string]string{kwokAnnotation: "fake", "node.alpha.kubernetes.io/ttl": "0"},
		},
		Spec:   corev1.NodeSpec{ProviderID: "aws:///" + n.Zone + "/i-" + fmt.Sprintf("%017x", hash(n.Name))},
		Status: corev1.NodeStatus{Capacity: capacity, Allocatable: capacity},
	}
}

func hash(s string) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h >> 4
}

// startKwok starts kwok managing the nodes annotated kwok.x-k8s.io/node=fake, with kwok's own "fast"
// node and pod stages (nodes become Ready, scheduled pods Running and Ready, deleted pods go away).
func (s *Stack) startKwok(bins Binaries) error {
	var cfg strings.Builder
	for _, f := range []string{"node/fast/node-initialize.yaml", "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
		"pod/fast/pod-ready.yaml", "pod/fast/pod-complete.yaml", "pod/fast/pod-delete.yaml"} {
		b, err := os.ReadFile(filepath.Join(bins.KwokStage, f))
		if err != nil {
			return fmt.Errorf("kube: reading kwok stage: %w", err)
		}
		// Only Stage documents: a KwokConfiguration document would switch off kwok's defaults.
		cfg.WriteString("---\n")
		cfg.Write(b)
		cfg.WriteString("\n")
	}
	path := filepath.Join(s.RunDir, "kwok.yaml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		return err
	}
	_, err := s.start("kwok", bins.Path("kwok"), "--kubeconfig="+s.Kubeconfig, "--config="+path,
		"--manage-all-nodes=false", "--manage-nodes-with-annotation-selector="+kwokAnnotation+"=fake",
		"--cidr="+podCIDR, "--node-ip=127.0.0.1")
	return err
}

// Region is the region the nodes' topology labels name.
const Region = "us-east-1"

func (s *Stack) createNodes(ctx context.Context, cs *kubernetes.Clientset, nodes []Node) error {
	for _, n := range nodes {
		if _, err := cs.CoreV1().Nodes().Create(ctx, n.object(Region), metav1.CreateOptions{FieldManager: FieldManager}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("kube: creating node %s: %w", n.Name, err)
		}
	}
	kwok := s.proc("kwok")
	for _, n := range nodes {
		name := n.Name
		if err := s.waitFor(ctx, "node "+name+" Ready", kwok, func() error {
			node, err := cs.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			for _, c := range node.Status.Conditions {
				if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
					return nil
				}
			}
			return fmt.Errorf("node %s not Ready", name)
		}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Stack) waitDefaultServiceAccount(ctx context.Context, cs *kubernetes.Clientset) error {
	return s.waitFor(ctx, "the default service account (kube-controller-manager)", s.proc("kube-controller-manager"), func() error {
		_, err := cs.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		return err
	})
}

func (s *Stack) proc(name string) *process {
	for _, p := range s.procs {
		if p.name == name {
			return p
		}
	}
	return nil
}

// NodeName is the conventional name of the i-th node of an instance type.
func NodeName(instanceType string, i int) string {
	return "ip-10-0-" + strings.ReplaceAll(instanceType, ".", "-") + "-" + strconv.Itoa(i) + ".ec2.internal"
}
