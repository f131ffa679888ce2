// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"

	rayv1 "github.com/ray-project/kuberay/ray-operator/apis/ray/v1"
	rayv1ac "github.com/ray-project/kuberay/ray-operator/pkg/client/applyconfiguration/ray/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
)

// Names and marks the provider puts on what it makes.
const (
	// FieldManager is the server-side apply field manager of every object the provider applies.
	FieldManager = "terraform-provider-rayhpc"
	// LabelManagedBy marks objects the provider made (the well-known Kubernetes label).
	LabelManagedBy = "app.kubernetes.io/managed-by"
	managedByValue = "terraform-provider-rayhpc"
	// AnnotationOwner names the RayCluster (namespace/name) a namespace, volume, claim or service
	// account was made for: only objects carrying it are adopted after a crash or removed on destroy.
	AnnotationOwner           = "rayhpc.io/owner"
	annotationLustreWorkspace = "rayhpc.io/lustre-workspace-id"
	// EnvDataLake is set in every Ray container to the data_lake s3_uri.
	EnvDataLake     = "RAYHPC_DATA_LAKE_S3_URI"
	headContainer   = "ray-head"
	workerContainer = "ray-worker"
	lustreVolume    = "lustre"
	// annotationRoleARN is the IRSA annotation on a service account
	// (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html).
	annotationRoleARN = "eks.amazonaws.com/role-arn"
)

func ownerOf(spec RayClusterSpec) string { return spec.Namespace + "/" + spec.Name }

func pvcName(spec RayClusterSpec) string { return spec.Name + "-lustre" }

// pvName is cluster-wide, so it carries the namespace.
func pvName(spec RayClusterSpec) string {
	return "rayhpc-" + spec.Namespace + "-" + spec.Name + "-lustre"
}

func serviceAccountName(spec RayClusterSpec) string { return spec.Name + "-ray" }

// DefaultImage is the Ray image for a Ray version.
func DefaultImage(rayVersion string) string { return "rayproject/ray:" + rayVersion }

// buildRayCluster is the apply configuration of the RayCluster. live (nil on create) supplies the
// worker replicas the autoscaler owns.
func buildRayCluster(spec RayClusterSpec, live *rayv1.RayCluster) (*rayv1ac.RayClusterApplyConfiguration, error) {
	image := spec.Image
	if image == "" {
		image = DefaultImage(spec.RayVersion)
	}
	labels := maps.Clone(spec.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[LabelManagedBy] = managedByValue
	annotations := maps.Clone(spec.Annotations)
	if annotations == nil {
		annotations = map[string]string{}
	}
	if spec.Lustre != nil {
		annotations[annotationLustreWorkspace] = spec.Lustre.WorkspaceID
	}
	headTmpl, err := podTemplate(spec, headContainer, image, spec.Head.CPU, spec.Head.Memory, spec.Head.GPU, 0,
		spec.Head.NodeSelector, spec.Head.Tolerations, spec.Head.Env)
	if err != nil {
		return nil, fmt.Errorf("head: %w", err)
	}
	head := rayv1ac.HeadGroupSpec().WithTemplate(headTmpl).WithRayStartParams(nonNil(spec.Head.RayStartParams))
	if spec.Head.ServiceType != "" {
		head.WithServiceType(corev1.ServiceType(spec.Head.ServiceType))
	}
	rs := rayv1ac.RayClusterSpec().WithRayVersion(spec.RayVersion).WithHeadGroupSpec(head).WithSuspend(spec.Suspend)
	if a := spec.Autoscaling; a != nil {
		opts := rayv1ac.AutoscalerOptions()
		if a.IdleTimeoutSeconds > 0 {
			opts.WithIdleTimeoutSeconds(a.IdleTimeoutSeconds)
		}
		if a.UpscalingMode != "" {
			opts.WithUpscalingMode(rayv1.UpscalingMode(a.UpscalingMode))
		}
		rs.WithEnableInTreeAutoscaling(true).WithAutoscalerOptions(opts)
	}
	liveReplicas := map[string]int32{}
	if live != nil {
		for _, g := range live.Spec.WorkerGroupSpecs {
			if g.Replicas != nil {
				liveReplicas[g.GroupName] = *g.Replicas
			}
		}
	}
	for _, g := range spec.WorkerGroups {
		tmpl, err := podTemplate(spec, workerContainer, image, g.CPU, g.Memory, g.GPU, g.EFAInterfaces, g.NodeSelector, g.Tolerations, g.Env)
		if err != nil {
			return nil, fmt.Errorf("worker group %s: %w", g.Name, err)
		}
		replicas := g.Replicas
		if r, ok := liveReplicas[g.Name]; ok && spec.Autoscaling != nil {
			// The autoscaler owns replicas: keep its count (within the bounds now asked for).
			replicas = min(max(r, g.MinReplicas), g.MaxReplicas)
		}
		wg := rayv1ac.WorkerGroupSpec().WithGroupName(g.Name).WithReplicas(replicas).
			WithMinReplicas(g.MinReplicas).WithMaxReplicas(g.MaxReplicas).WithNumOfHosts(max(g.NumOfHosts, 1)).
			WithRayStartParams(nonNil(g.RayStartParams)).WithTemplate(tmpl)
		rs.WithWorkerGroupSpecs(wg)
	}
	return rayv1ac.RayCluster(spec.Name, spec.Namespace).WithLabels(labels).WithAnnotations(annotations).WithSpec(rs), nil
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// podTemplate is a head or worker pod: one Ray container with the requested resources (limits equal
// to requests; extended resources such as GPUs and EFA interfaces must be), the data-lake variable,
// the Lustre claim, node selector, tolerations and the IRSA service account.
func podTemplate(spec RayClusterSpec, container, image, cpu, memory string, gpu, efa int64,
	nodeSelector map[string]string, tolerations []Toleration, env map[string]string) (*corev1ac.PodTemplateSpecApplyConfiguration, error) {
	res := corev1.ResourceList{}
	for name, v := range map[corev1.ResourceName]string{corev1.ResourceCPU: cpu, corev1.ResourceMemory: memory} {
		if v == "" {
			continue
		}
		q, err := resource.ParseQuantity(v)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", name, v, err)
		}
		res[name] = q
	}
	if gpu > 0 {
		res[ResourceGPU] = *resource.NewQuantity(gpu, resource.DecimalSI)
	}
	if efa > 0 {
		res[ResourceEFA] = *resource.NewQuantity(efa, resource.DecimalSI)
	}
	c := corev1ac.Container().WithName(container).WithImage(image)
	if len(res) > 0 {
		c.WithResources(corev1ac.ResourceRequirements().WithRequests(res).WithLimits(res))
	}
	envNames := slices.Sorted(maps.Keys(env))
	for _, k := range envNames {
		c.WithEnv(corev1ac.EnvVar().WithName(k).WithValue(env[k]))
	}
	if spec.DataLakeS3URI != "" {
		c.WithEnv(corev1ac.EnvVar().WithName(EnvDataLake).WithValue(spec.DataLakeS3URI))
	}
	ps := corev1ac.PodSpec()
	if spec.Lustre != nil {
		c.WithVolumeMounts(corev1ac.VolumeMount().WithName(lustreVolume).WithMountPath(spec.Lustre.MountPath))
		ps.WithVolumes(corev1ac.Volume().WithName(lustreVolume).
			WithPersistentVolumeClaim(corev1ac.PersistentVolumeClaimVolumeSource().WithClaimName(pvcName(spec))))
	}
	ps.WithContainers(c)
	if len(nodeSelector) > 0 {
		ps.WithNodeSelector(nodeSelector)
	}
	for _, t := range tolerations {
		tol := corev1ac.Toleration().WithKey(t.Key).WithOperator(corev1.TolerationOperator(t.Operator)).WithEffect(corev1.TaintEffect(t.Effect))
		if t.Value != "" {
			tol.WithValue(t.Value)
		}
		ps.WithTolerations(tol)
	}
	if spec.ServiceAccountRoleARN != "" {
		ps.WithServiceAccountName(serviceAccountName(spec))
	}
	return corev1ac.PodTemplateSpec().WithSpec(ps), nil
}

// applyRayCluster server-side applies the RayCluster under the provider's field manager. Force takes
// back fields another manager changed out of band (Terraform's configuration is the source of truth).
func (k *kubeClients) applyRayCluster(ctx context.Context, obj *rayv1ac.RayClusterApplyConfiguration) (*rayv1.RayCluster, error) {
	out, err := k.ray.RayV1().RayClusters(*obj.Namespace).Apply(ctx, obj, metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if err != nil {
		return nil, k.explain(fmt.Errorf("applying RayCluster %s/%s: %w", *obj.Namespace, *obj.Name, err))
	}
	return out, nil
}

// flattenRayCluster reads the spec back from the object, leaving out what the provider adds itself.
func flattenRayCluster(obj *rayv1.RayCluster) *RayCluster {
	rc := &RayCluster{
		UID: string(obj.UID), Generation: obj.Generation, ObservedGeneration: obj.Status.ObservedGeneration,
		State: string(obj.Status.State), ReadyWorkerReplicas: obj.Status.ReadyWorkerReplicas,
		DesiredWorkerReplicas: obj.Status.DesiredWorkerReplicas, LiveReplicas: map[string]int32{},
	}
	s := &rc.Spec
	s.Name, s.Namespace = obj.Name, obj.Namespace
	s.RayVersion = obj.Spec.RayVersion
	s.Suspend = obj.Spec.Suspend != nil && *obj.Spec.Suspend
	s.Labels = without(obj.Labels, LabelManagedBy)
	s.Annotations = without(obj.Annotations, annotationLustreWorkspace)
	if obj.Spec.EnableInTreeAutoscaling != nil && *obj.Spec.EnableInTreeAutoscaling {
		s.Autoscaling = &AutoscalingSpec{}
		if o := obj.Spec.AutoscalerOptions; o != nil {
			if o.IdleTimeoutSeconds != nil {
				s.Autoscaling.IdleTimeoutSeconds = *o.IdleTimeoutSeconds
			}
			if o.UpscalingMode != nil {
				s.Autoscaling.UpscalingMode = string(*o.UpscalingMode)
			}
		}
	}
	hg := obj.Spec.HeadGroupSpec
	p := flattenPod(&hg.Template.Spec, headContainer, s)
	s.Head = HeadSpec{CPU: p.cpu, Memory: p.memory, GPU: p.gpu, NodeSelector: p.nodeSelector, Tolerations: p.tolerations,
		RayStartParams: emptyToNil(hg.RayStartParams), Env: p.env, ServiceType: string(hg.ServiceType)}
	s.Image = p.image
	if ws := obj.Annotations[annotationLustreWorkspace]; ws != "" {
		s.Lustre = &LustreMount{WorkspaceID: ws, MountPath: p.mountPath}
	}
	for _, g := range obj.Spec.WorkerGroupSpecs {
		wp := flattenPod(&g.Template.Spec, workerContainer, nil)
		w := WorkerGroupSpec{Name: g.GroupName, CPU: wp.cpu, Memory: wp.memory, GPU: wp.gpu, EFAInterfaces: wp.efa,
			NodeSelector: wp.nodeSelector, Tolerations: wp.tolerations, NumOfHosts: g.NumOfHosts,
			RayStartParams: emptyToNil(g.RayStartParams), Env: wp.env}
		if g.Replicas != nil {
			w.Replicas = *g.Replicas
			rc.LiveReplicas[g.GroupName] = *g.Replicas
		}
		if g.MinReplicas != nil {
			w.MinReplicas = *g.MinReplicas
		}
		if g.MaxReplicas != nil {
			w.MaxReplicas = *g.MaxReplicas
		}
		s.WorkerGroups = append(s.WorkerGroups, w)
	}
	for _, c := range obj.Status.Conditions {
		rc.Conditions = append(rc.Conditions, Condition{Type: c.Type, Status: string(c.Status), Reason: c.Reason, Message: c.Message})
	}
	sort.Slice(rc.Conditions, func(i, j int) bool { return rc.Conditions[i].Type < rc.Conditions[j].Type })
	if svc := obj.Status.Head.ServiceName; svc != "" {
		rc.HeadServiceName = svc
		host := svc + "." + obj.Namespace + ".svc.cluster.local"
		rc.DashboardURL = "http://" + host + ":8265"
		rc.ClientAddress = "ray://" + host + ":10001"
	}
	return rc
}

type flatPod struct {
	image, cpu, memory string
	gpu, efa           int64
	nodeSelector       map[string]string
	tolerations        []Toleration
	env                map[string]string
	mountPath          string
}

// flattenPod reads the Ray container (by name, else the first) of a pod spec. With s, the data-lake
// variable is read into s.DataLakeS3URI.
func flattenPod(ps *corev1.PodSpec, container string, s *RayClusterSpec) flatPod {
	var p flatPod
	p.nodeSelector = emptyToNil(ps.NodeSelector)
	for _, t := range ps.Tolerations {
		p.tolerations = append(p.tolerations, Toleration{Key: t.Key, Operator: string(t.Operator), Value: t.Value, Effect: string(t.Effect)})
	}
	if s != nil && ps.ServiceAccountName != "" {
		s.ServiceAccountRoleARN = "?" // resolved from the service account by readSupporting
	}
	if len(ps.Containers) == 0 {
		return p
	}
	c := ps.Containers[0]
	for _, cc := range ps.Containers {
		if cc.Name == container {
			c = cc
		}
	}
	p.image = c.Image
	if q, ok := c.Resources.Requests[corev1.ResourceCPU]; ok {
		p.cpu = q.String()
	}
	if q, ok := c.Resources.Requests[corev1.ResourceMemory]; ok {
		p.memory = q.String()
	}
	if q, ok := c.Resources.Limits[ResourceGPU]; ok {
		p.gpu = q.Value()
	}
	if q, ok := c.Resources.Limits[ResourceEFA]; ok {
		p.efa = q.Value()
	}
	for _, e := range c.Env {
		if e.Name == EnvDataLake {
			if s != nil {
				s.DataLakeS3URI = e.Value
			}
			continue
		}
		if p.env == nil {
			p.env = map[string]string{}
		}
		p.env[e.Name] = e.Value
	}
	for _, m := range c.VolumeMounts {
		if m.Name == lustreVolume {
			p.mountPath = m.MountPath
		}
	}
	return p
}

func without(m map[string]string, keys ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if !slices.Contains(keys, k) {
			out[k] = v
		}
	}
	return emptyToNil(out)
}

func emptyToNil(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}
