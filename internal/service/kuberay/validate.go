// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

// Extended resources EKS nodes advertise: the NVIDIA device plugin's nvidia.com/gpu (one per GPU) and
// the EFA device plugin's vpc.amazonaws.com/efa (one per EFA interface); both are whole numbers and a
// pod's limit must equal its request (EKS User Guide, "Run machine learning training on Amazon EKS with
// Elastic Fabric Adapter"; Kubernetes "Extended resources").
const (
	ResourceGPU = "nvidia.com/gpu"
	ResourceEFA = "vpc.amazonaws.com/efa"
	// LabelInstanceType is the well-known node label holding the EC2 instance type.
	LabelInstanceType = "node.kubernetes.io/instance-type"
)

// MaxRayClusterNameLength is KubeRay's limit on a RayCluster name (ray-operator
// controllers/ray/utils/constant.go MaxRayClusterNameLength; the name must also be a DNS-1035 label,
// validation.go ValidateRayClusterMetadata), leaving room for the suffixes of its pods and services.
const MaxRayClusterNameLength = 53

// Enumerations of the RayCluster CRD (ray.io_rayclusters.yaml) and core/v1.
var (
	UpscalingModes      = []string{"Default", "Conservative", "Aggressive"}
	ServiceTypes        = []string{"ClusterIP", "NodePort", "LoadBalancer"}
	TolerationOperators = []string{"Equal", "Exists"}
	TaintEffects        = []string{"", "NoSchedule", "PreferNoSchedule", "NoExecute"}
)

// ValidateClusterName applies KubeRay's RayCluster name rules.
func ValidateClusterName(name string) []string {
	var errs []string
	if len(name) > MaxRayClusterNameLength {
		errs = append(errs, fmt.Sprintf("must be no more than %d characters (KubeRay)", MaxRayClusterNameLength))
	}
	return append(errs, validation.IsDNS1035Label(name)...)
}

// ValidateNamespace applies the Kubernetes namespace name rule (a DNS-1123 label).
func ValidateNamespace(ns string) []string { return validation.IsDNS1123Label(ns) }

// ValidateGroupName: worker group names appear in pod names and in the ray.io/group label value, so
// they must be DNS-1123 labels.
func ValidateGroupName(name string) []string { return validation.IsDNS1123Label(name) }

// ValidateQuantity checks a Kubernetes resource quantity ("500m", "2", "8Gi") that is not negative.
func ValidateQuantity(v string) error {
	q, err := resource.ParseQuantity(v)
	if err != nil {
		return fmt.Errorf("%q is not a Kubernetes quantity (such as 500m, 2, 8Gi): %w", v, err)
	}
	if q.Sign() < 0 {
		return fmt.Errorf("%q is negative", v)
	}
	return nil
}

// ValidateReplicas checks 0 ≤ min ≤ replicas ≤ max (KubeRay scales a group within its bounds).
func ValidateReplicas(replicas, minR, maxR int64) error {
	switch {
	case minR < 0:
		return fmt.Errorf("min_replicas (%d) must not be negative", minR)
	case minR > maxR:
		return fmt.Errorf("min_replicas (%d) must not exceed max_replicas (%d)", minR, maxR)
	case replicas < minR || replicas > maxR:
		return fmt.Errorf("replicas (%d) must be between min_replicas (%d) and max_replicas (%d)", replicas, minR, maxR)
	}
	return nil
}

// ValidateUnique reports the first duplicated name.
func ValidateUnique(names []string) error {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return fmt.Errorf("worker group name %q is used more than once", n)
		}
		seen[n] = true
	}
	return nil
}

// InstanceAccelerators is what an instance type offers pods: GPUs (GpuInfo.Gpus[].Count) and EFA
// interfaces (NetworkInfo.EfaInfo.MaximumEfaInterfaces) per EC2 DescribeInstanceTypes.
type InstanceAccelerators struct {
	GPUs, EFAInterfaces int64
}

// DescribeAccelerators reads the instance types' GPUs and EFA interfaces from EC2.
func DescribeAccelerators(ctx context.Context, c *conns.Client, types []string) (map[string]InstanceAccelerators, error) {
	in := &ec2.DescribeInstanceTypesInput{}
	for _, t := range types {
		in.InstanceTypes = append(in.InstanceTypes, ec2types.InstanceType(t))
	}
	out := map[string]InstanceAccelerators{}
	p := ec2.NewDescribeInstanceTypesPaginator(c.EC2(), in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, it := range page.InstanceTypes {
			var a InstanceAccelerators
			if it.GpuInfo != nil {
				for _, g := range it.GpuInfo.Gpus {
					a.GPUs += int64(aws.ToInt32(g.Count))
				}
			}
			if ni := it.NetworkInfo; ni != nil && aws.ToBool(ni.EfaSupported) && ni.EfaInfo != nil {
				a.EFAInterfaces = int64(aws.ToInt32(ni.EfaInfo.MaximumEfaInterfaces))
			}
			out[string(it.InstanceType)] = a
		}
	}
	return out, nil
}

// ValidateAccelerators checks a pod's GPU and EFA request against the instance type its node selector
// pins: a pod cannot get more GPUs or EFA interfaces than one node of that type has.
func ValidateAccelerators(instanceType string, a InstanceAccelerators, gpu, efa int64) error {
	var problems []string
	if gpu > a.GPUs {
		problems = append(problems, fmt.Sprintf("%d GPU(s) requested, %s has %d", gpu, instanceType, a.GPUs))
	}
	if efa > a.EFAInterfaces {
		problems = append(problems, fmt.Sprintf("%d EFA interface(s) requested, %s has %d", efa, instanceType, a.EFAInterfaces))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: no node of that type can run the pod", strings.Join(problems, "; "))
	}
	return nil
}
