// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// FSxCSIDriver is the Amazon FSx for Lustre CSI driver's name; static provisioning takes the file
// system ID as volumeHandle and its DNS and mount names as volumeAttributes
// (https://github.com/kubernetes-sigs/aws-fsx-csi-driver, examples/kubernetes/static_provisioning).
const FSxCSIDriver = "fsx.csi.aws.com"

// pvcBindTimeout bounds the wait for the claim to bind to the volume the provider made for it.
const pvcBindTimeout = 2 * time.Minute

func ownedMeta(spec RayClusterSpec) (map[string]string, map[string]string) {
	return map[string]string{LabelManagedBy: managedByValue}, map[string]string{AnnotationOwner: ownerOf(spec)}
}

func applyOpts() metav1.ApplyOptions {
	return metav1.ApplyOptions{FieldManager: FieldManager, Force: true}
}

// applySupporting (after checkCRD) makes what the RayCluster's pods need before it is applied: the namespace (when
// asked to create it), the IRSA service account, and the Lustre volume and claim (bound).
func (k *kubeClients) applySupporting(ctx context.Context, c *conns.Client, spec RayClusterSpec) error {
	labels, annotations := ownedMeta(spec)
	if spec.CreateNamespace {
		ns, err := k.core.CoreV1().Namespaces().Get(ctx, spec.Namespace, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err) || (err == nil && ns.Annotations[AnnotationOwner] == ownerOf(spec)):
			if _, err := k.core.CoreV1().Namespaces().Apply(ctx, corev1ac.Namespace(spec.Namespace).
				WithLabels(labels).WithAnnotations(annotations), applyOpts()); err != nil {
				return fmt.Errorf("creating namespace %s: %w", spec.Namespace, err)
			}
		case err != nil:
			return fmt.Errorf("reading namespace %s: %w", spec.Namespace, err)
		}
	}
	if spec.ServiceAccountRoleARN != "" {
		sa := corev1ac.ServiceAccount(serviceAccountName(spec), spec.Namespace).WithLabels(labels).
			WithAnnotations(map[string]string{AnnotationOwner: ownerOf(spec), annotationRoleARN: spec.ServiceAccountRoleARN})
		if _, err := k.core.CoreV1().ServiceAccounts(spec.Namespace).Apply(ctx, sa, applyOpts()); err != nil {
			return fmt.Errorf("applying service account %s/%s: %w", spec.Namespace, serviceAccountName(spec), err)
		}
	}
	if spec.Lustre != nil {
		return k.applyLustre(ctx, c, spec)
	}
	return nil
}

// LustreFileSystem is what a PersistentVolume for the FSx CSI driver needs of a Lustre workspace's
// file system (FSx DescribeFileSystems: FileSystemId, DNSName, LustreConfiguration.MountName,
// StorageCapacity in GiB).
type LustreFileSystem struct {
	ID, DNSName, MountName string
	CapacityGiB            int32
}

// DescribeLustreFileSystem reads what LustreVolumes needs of a file system from FSx.
func DescribeLustreFileSystem(ctx context.Context, c *conns.Client, id string) (LustreFileSystem, error) {
	out, err := c.FSx().DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{id}})
	if err != nil {
		return LustreFileSystem{}, fmt.Errorf("reading Lustre workspace %s (FSx DescribeFileSystems): %w", id, err)
	}
	if len(out.FileSystems) == 0 || out.FileSystems[0].LustreConfiguration == nil {
		return LustreFileSystem{}, fmt.Errorf("Lustre workspace %s: no FSx for Lustre file system with that ID", id)
	}
	fs := out.FileSystems[0]
	return LustreFileSystem{ID: id, DNSName: aws.ToString(fs.DNSName), MountName: aws.ToString(fs.LustreConfiguration.MountName),
		CapacityGiB: aws.ToInt32(fs.StorageCapacity)}, nil
}

// LustreVolumes are the PersistentVolume (cluster-wide, named rayhpc-<namespace>-<name>-lustre) and the
// claim (<name>-lustre in the RayCluster's namespace, bound to it by name) through which every pod of
// the RayCluster mounts the file system: static provisioning for the FSx CSI driver, volumeHandle the
// file system ID, volumeAttributes its DNS and mount names, ReadWriteMany, reclaim policy Retain (the
// file system belongs to the workspace, not to the claim). Both carry the provider's label and owner
// annotation.
func LustreVolumes(spec RayClusterSpec, fs LustreFileSystem) (*corev1ac.PersistentVolumeApplyConfiguration, *corev1ac.PersistentVolumeClaimApplyConfiguration) {
	capacity := resource.MustParse(fmt.Sprintf("%dGi", fs.CapacityGiB))
	labels, annotations := ownedMeta(spec)
	pv := corev1ac.PersistentVolume(pvName(spec)).WithLabels(labels).WithAnnotations(annotations).
		WithSpec(corev1ac.PersistentVolumeSpec().
			WithCapacity(corev1.ResourceList{corev1.ResourceStorage: capacity}).
			WithAccessModes(corev1.ReadWriteMany).
			WithVolumeMode(corev1.PersistentVolumeFilesystem).
			WithPersistentVolumeReclaimPolicy(corev1.PersistentVolumeReclaimRetain).
			WithStorageClassName("").
			WithMountOptions("flock").
			WithClaimRef(corev1ac.ObjectReference().WithNamespace(spec.Namespace).WithName(pvcName(spec))).
			WithCSI(corev1ac.CSIPersistentVolumeSource().WithDriver(FSxCSIDriver).WithVolumeHandle(fs.ID).
				WithVolumeAttributes(map[string]string{"dnsname": fs.DNSName, "mountname": fs.MountName})))
	pvc := corev1ac.PersistentVolumeClaim(pvcName(spec), spec.Namespace).WithLabels(labels).WithAnnotations(annotations).
		WithSpec(corev1ac.PersistentVolumeClaimSpec().
			WithAccessModes(corev1.ReadWriteMany).
			WithStorageClassName("").
			WithVolumeName(pvName(spec)).
			WithResources(corev1ac.VolumeResourceRequirements().WithRequests(corev1.ResourceList{corev1.ResourceStorage: capacity})))
	return pv, pvc
}

// applyLustre applies LustreVolumes for the workspace's file system (spec.Lustre.FileSystem, else read
// from FSx) and waits until the claim is Bound, so the pods never wait on an unbound claim.
func (k *kubeClients) applyLustre(ctx context.Context, c *conns.Client, spec RayClusterSpec) error {
	var fs LustreFileSystem
	if f := spec.Lustre.FileSystem; f != nil {
		fs = *f
	} else {
		var err error
		if fs, err = DescribeLustreFileSystem(ctx, c, spec.Lustre.WorkspaceID); err != nil {
			return err
		}
	}
	pv, pvc := LustreVolumes(spec, fs)
	if _, err := k.core.CoreV1().PersistentVolumes().Apply(ctx, pv, applyOpts()); err != nil {
		return fmt.Errorf("applying PersistentVolume %s: %w", pvName(spec), err)
	}
	if _, err := k.core.CoreV1().PersistentVolumeClaims(spec.Namespace).Apply(ctx, pvc, applyOpts()); err != nil {
		return fmt.Errorf("applying PersistentVolumeClaim %s/%s: %w", spec.Namespace, pvcName(spec), err)
	}
	_, err := wait.Waiter[*corev1.PersistentVolumeClaim]{
		Refresh: func(ctx context.Context) (*corev1.PersistentVolumeClaim, string, error) {
			got, err := k.core.CoreV1().PersistentVolumeClaims(spec.Namespace).Get(ctx, pvcName(spec), metav1.GetOptions{})
			if err != nil {
				return nil, "", err
			}
			return got, string(got.Status.Phase), nil
		},
		Pending: []string{"", string(corev1.ClaimPending)},
		Target:  []string{string(corev1.ClaimBound)},
		Timeout: pvcBindTimeout,
		Polling: c.Polling(),
	}.Wait(ctx)
	if err != nil {
		return fmt.Errorf("waiting for PersistentVolumeClaim %s/%s to bind to %s: %w", spec.Namespace, pvcName(spec), pvName(spec), err)
	}
	return nil
}

// readSupporting fills in what the provider made for the RayCluster, from the cluster.
func (k *kubeClients) readSupporting(ctx context.Context, rc *RayCluster) error {
	s := &rc.Spec
	if s.ServiceAccountRoleARN != "" {
		s.ServiceAccountRoleARN = ""
		sa, err := k.core.CoreV1().ServiceAccounts(s.Namespace).Get(ctx, serviceAccountName(*s), metav1.GetOptions{})
		switch {
		case err == nil:
			s.ServiceAccountRoleARN = sa.Annotations[annotationRoleARN]
			rc.ServiceAccount = sa.Name
		case !apierrors.IsNotFound(err):
			return fmt.Errorf("reading service account %s/%s: %w", s.Namespace, serviceAccountName(*s), err)
		}
	}
	if s.Lustre != nil {
		rc.PersistentVolume, rc.PersistentVolumeClaim = pvName(*s), pvcName(*s)
	}
	ns, err := k.core.CoreV1().Namespaces().Get(ctx, s.Namespace, metav1.GetOptions{})
	if err == nil {
		s.CreateNamespace = ns.Annotations[AnnotationOwner] == ownerOf(*s)
	}
	return nil
}

// removeUnneeded deletes what from needed and to does not (an update): the claim and volume, the
// service account — each only when it carries from's ownership mark.
func (k *kubeClients) removeUnneeded(ctx context.Context, from, to RayClusterSpec) error {
	owner := ownerOf(from)
	if from.Lustre != nil && to.Lustre == nil {
		if err := deleteOwned(ctx, owner, "PersistentVolumeClaim "+from.Namespace+"/"+pvcName(from),
			func() (metav1.Object, error) {
				return k.core.CoreV1().PersistentVolumeClaims(from.Namespace).Get(ctx, pvcName(from), metav1.GetOptions{})
			},
			func() error {
				return k.core.CoreV1().PersistentVolumeClaims(from.Namespace).Delete(ctx, pvcName(from), metav1.DeleteOptions{})
			}); err != nil {
			return err
		}
		if err := deleteOwned(ctx, owner, "PersistentVolume "+pvName(from),
			func() (metav1.Object, error) {
				return k.core.CoreV1().PersistentVolumes().Get(ctx, pvName(from), metav1.GetOptions{})
			},
			func() error {
				return k.core.CoreV1().PersistentVolumes().Delete(ctx, pvName(from), metav1.DeleteOptions{})
			}); err != nil {
			return err
		}
	}
	if from.ServiceAccountRoleARN != "" && to.ServiceAccountRoleARN == "" {
		if err := deleteOwned(ctx, owner, "service account "+from.Namespace+"/"+serviceAccountName(from),
			func() (metav1.Object, error) {
				return k.core.CoreV1().ServiceAccounts(from.Namespace).Get(ctx, serviceAccountName(from), metav1.GetOptions{})
			},
			func() error {
				return k.core.CoreV1().ServiceAccounts(from.Namespace).Delete(ctx, serviceAccountName(from), metav1.DeleteOptions{})
			}); err != nil {
			return err
		}
	}
	return nil
}

// deleteOwned deletes an object when it exists and carries the owner annotation.
func deleteOwned(_ context.Context, owner, what string, get func() (metav1.Object, error), del func() error) error {
	obj, err := get()
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", what, err)
	}
	if obj.GetAnnotations()[AnnotationOwner] != owner {
		return nil
	}
	if err := del(); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting %s: %w", what, err)
	}
	return nil
}

// companions are the objects the provider made for the RayCluster namespace/name that the cluster
// still holds, found by their names and ownership marks and not from any state: the claim and the
// service account in the namespace, the volume, and the namespace itself, each carrying the provider's
// label (LabelManagedBy) and the owner annotation (AnnotationOwner) naming the RayCluster. Gets by name
// need no list permission: an identity that may not read namespaces or volumes (a namespace-scoped
// one, Forbidden) cannot have made them either, so a Forbidden counts as none.
func (k *kubeClients) companions(ctx context.Context, namespace, name string) ([]ownedObject, error) {
	spec := RayClusterSpec{Namespace: namespace, Name: name}
	v1, opts := k.core.CoreV1(), metav1.GetOptions{}
	candidates := []struct {
		OwnedObject
		get func() (metav1.Object, error)
	}{
		{OwnedObject{"PersistentVolumeClaim", namespace, pvcName(spec)}, func() (metav1.Object, error) {
			return v1.PersistentVolumeClaims(namespace).Get(ctx, pvcName(spec), opts)
		}},
		{OwnedObject{"PersistentVolume", "", pvName(spec)}, func() (metav1.Object, error) {
			return v1.PersistentVolumes().Get(ctx, pvName(spec), opts)
		}},
		{OwnedObject{"ServiceAccount", namespace, serviceAccountName(spec)}, func() (metav1.Object, error) {
			return v1.ServiceAccounts(namespace).Get(ctx, serviceAccountName(spec), opts)
		}},
		{OwnedObject{"Namespace", "", namespace}, func() (metav1.Object, error) {
			return v1.Namespaces().Get(ctx, namespace, opts)
		}},
	}
	var out []ownedObject
	for _, c := range candidates {
		obj, err := c.get()
		switch {
		case apierrors.IsNotFound(err) || apierrors.IsForbidden(err):
			continue
		case err != nil:
			return nil, fmt.Errorf("reading %s: %w", c.OwnedObject, err)
		}
		if obj.GetLabels()[LabelManagedBy] == managedByValue && obj.GetAnnotations()[AnnotationOwner] == ownerOf(spec) {
			out = append(out, ownedObject{c.OwnedObject, obj.GetDeletionTimestamp() != nil})
		}
	}
	return out, nil
}

// removeCompanions deletes the companions of a RayCluster that is gone (claim before volume, the
// namespace last) and returns what it deleted; what is already being deleted is not asked again.
func (k *kubeClients) removeCompanions(ctx context.Context, namespace, name string) ([]OwnedObject, error) {
	objs, err := k.companions(ctx, namespace, name)
	if err != nil {
		return nil, fmt.Errorf("finding what the provider made for RayCluster %s/%s: %w", namespace, name, err)
	}
	var removed []OwnedObject
	for _, o := range objs {
		if !o.deleting {
			if err := k.deleteObject(ctx, o.OwnedObject); err != nil {
				return removed, err
			}
		}
		removed = append(removed, o.OwnedObject)
	}
	return removed, nil
}

// deleteObject deletes a claim, volume, service account or namespace (gone already is no error).
func (k *kubeClients) deleteObject(ctx context.Context, o OwnedObject) error {
	v1, opts := k.core.CoreV1(), metav1.DeleteOptions{}
	var err error
	switch o.Kind {
	case "PersistentVolumeClaim":
		err = v1.PersistentVolumeClaims(o.Namespace).Delete(ctx, o.Name, opts)
	case "PersistentVolume":
		err = v1.PersistentVolumes().Delete(ctx, o.Name, opts)
	case "ServiceAccount":
		err = v1.ServiceAccounts(o.Namespace).Delete(ctx, o.Name, opts)
	case "Namespace":
		err = v1.Namespaces().Delete(ctx, o.Name, opts)
	default:
		return fmt.Errorf("cannot delete a %s", o.Kind)
	}
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting %s: %w", o, err)
	}
	return nil
}
