// SPDX-License-Identifier: MPL-2.0

package hybrid

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/kuberay"
)

func quantity(desc string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: desc + " A Kubernetes quantity (`500m`, `2`, `8Gi`)."}
}

func instanceTypeAttr(desc string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true,
		MarkdownDescription: desc + " Sets the node selector `" + kuberay.LabelInstanceType + "`; it is also the Ray pool's instance type in `platforms.ray`.",
		Validators:          []validator.String{stringvalidator.LengthBetween(3, 64)}}
}

func raySchema() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "The Ray cluster (`rayhpc_ray_cluster`): a KubeRay `RayCluster` named after the environment on an EKS cluster running the " +
			"KubeRay operator, every pod mounting the workspace at `lustre.mount_dir` through a PersistentVolume and claim for the FSx CSI " +
			"driver. Made at the same time as the HPC cluster, after the workspace. The environment's name must then be a DNS-1035 label (lowercase).",
		Attributes: map[string]schema.Attribute{
			"eks_cluster_name": schema.StringAttribute{Required: true,
				MarkdownDescription: "EKS cluster the Ray cluster runs on (its API server and a token are found as `aws eks get-token` does). Changing it replaces the Ray cluster (only).",
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 100)}},
			"head": schema.SingleNestedAttribute{Optional: true, MarkdownDescription: "The Ray head pod.",
				Attributes: map[string]schema.Attribute{
					"cpu":           quantity("CPU request and limit."),
					"instance_type": instanceTypeAttr("Instance type of the head's node."),
					"memory":        quantity("Memory request and limit."),
				}},
			"image": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Container image of every pod; defaults to `rayproject/ray:<ray_version>`."},
			"namespace": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("default"),
				MarkdownDescription: "Kubernetes namespace (it must exist). Changing it replaces the Ray cluster (only). Defaults to `default`."},
			"ray_version": schema.StringAttribute{Required: true, MarkdownDescription: "Ray version, e.g. `2.46.0` (KubeRay's `rayVersion`)."},
			"worker_group": schema.ListNestedAttribute{Optional: true,
				MarkdownDescription: "Worker groups, each on nodes of one instance type; each becomes a pool of `platforms.ray`. Added, removed and resized in place.",
				Validators:          []validator.List{listvalidator.SizeAtMost(32)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"cpu": quantity("CPU request and limit of each worker."),
					"efa_interfaces": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0),
						MarkdownDescription: "EFA interfaces (`" + kuberay.ResourceEFA + "`) per worker.", Validators: []validator.Int64{int64validator.Between(0, 32)}},
					"gpu": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0),
						MarkdownDescription: "GPUs (`" + kuberay.ResourceGPU + "`) per worker.", Validators: []validator.Int64{int64validator.Between(0, 64)}},
					"instance_type": instanceTypeAttr("Instance type of the workers' nodes."),
					"max_replicas": schema.Int64Attribute{Optional: true,
						MarkdownDescription: "Most workers (defaults to `replicas`).", Validators: []validator.Int64{int64validator.Between(0, 10000)}},
					"memory": quantity("Memory request and limit of each worker."),
					"min_replicas": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0),
						MarkdownDescription: "Fewest workers. Defaults to `0`.", Validators: []validator.Int64{int64validator.Between(0, 10000)}},
					"name": schema.StringAttribute{Required: true, MarkdownDescription: "Group name (a DNS-1123 label, unique in the cluster; also the pool's name)."},
					"replicas": schema.Int64Attribute{Required: true, MarkdownDescription: "Workers.",
						Validators: []validator.Int64{int64validator.Between(0, 10000)}},
				}},
			},
		},
	}
}
