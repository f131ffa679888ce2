// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func quantityAttr(desc string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: desc + " A Kubernetes quantity (`500m`, `2`, `8Gi`).",
		Validators: []validator.String{quantityValidator{}}}
}

func mapAttr(desc string) schema.MapAttribute {
	return schema.MapAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: desc}
}

func tolerationsBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "Pod tolerations (for tainted GPU or EFA node groups).",
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"effect": schema.StringAttribute{Optional: true, MarkdownDescription: "`NoSchedule`, `PreferNoSchedule` or `NoExecute`; empty matches all.",
				Validators: []validator.String{stringvalidator.OneOf(TaintEffects...)}},
			"key": schema.StringAttribute{Optional: true, MarkdownDescription: "Taint key."},
			"operator": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("Equal"),
				MarkdownDescription: "`Equal` (default) or `Exists`.", Validators: []validator.String{stringvalidator.OneOf(TolerationOperators...)}},
			"value": schema.StringAttribute{Optional: true, MarkdownDescription: "Taint value (with `Equal`)."},
		}},
	}
}

var tolerationType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"effect": types.StringType, "key": types.StringType, "operator": types.StringType, "value": types.StringType,
}}

var conditionType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"type": types.StringType, "status": types.StringType, "reason": types.StringType, "message": types.StringType,
}}

func (r *rayClusterResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computedStr := func(d string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: d}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages a KubeRay `RayCluster` on an EKS cluster (or any Kubernetes cluster with the KubeRay " +
			"operator): a head and worker groups with CPU, memory, GPU and EFA resources, the autoscaler, a Lustre workspace " +
			"mounted in every pod through a PersistentVolume for the FSx CSI driver, and IRSA. Objects are server-side applied " +
			"under the field manager `" + FieldManager + "`; the resource waits until the cluster is ready.\n\n" +
			"A RayCluster deleted outside Terraform while the namespace, service account, volume or claim the provider made for it " +
			"remain stays in state (`state = \"" + StateNotFound + "\"`): the next apply makes it again and adopts them, a destroy " +
			"deletes them, so nothing is orphaned; with nothing left it is removed from state. When the cluster no longer serves " +
			"`ray.io/v1` `RayCluster` (the KubeRay CRD deleted, which deletes every RayCluster), `state` is `" + StateCRDNotServed +
			"`: an apply fails saying how to install the operator, and a destroy succeeds with a warning naming the API server it asked.",
		Attributes: map[string]schema.Attribute{
			"annotations":    mapAttr("Annotations of the RayCluster object."),
			"client_address": computedStr("Ray client address, `ray://<head service>.<namespace>.svc.cluster.local:10001`."),
			"conditions": schema.ListAttribute{Computed: true, ElementType: conditionType,
				MarkdownDescription: "The RayCluster's status conditions (`type`, `status`, `reason`, `message`), sorted by type."},
			"create_namespace": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Create the namespace when it does not exist (it is then deleted with the cluster)."},
			"dashboard_url":           computedStr("Ray dashboard URL inside the cluster, `http://<head service>.<namespace>.svc.cluster.local:8265`."),
			"desired_worker_replicas": schema.Int64Attribute{Computed: true, MarkdownDescription: "Worker pods KubeRay wants (all groups, times `num_of_hosts`)."},
			"eks_cluster_name": schema.StringAttribute{Optional: true,
				MarkdownDescription: "EKS cluster to run on: its endpoint and CA come from EKS DescribeCluster and the token is minted from the " +
					"provider's AWS credentials as `aws eks get-token` does (refreshed during long waits). The cluster may be created in the same apply.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{stringvalidator.LengthBetween(1, 100),
					stringvalidator.ExactlyOneOf(path.MatchRoot("eks_cluster_name"), path.MatchRoot("kubernetes"))}},
			"head_service_name": computedStr("Name of the head service KubeRay made."),
			"id":                schema.StringAttribute{Computed: true, MarkdownDescription: "`namespace/name`.", PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"image": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Container image of every Ray pod. Defaults to `rayproject/ray:<ray_version>`. A change rolls the pods."},
			"labels": mapAttr("Labels of the RayCluster object."),
			"name": schema.StringAttribute{Required: true,
				MarkdownDescription: fmt.Sprintf("RayCluster name: a DNS-1035 label of at most %d characters (KubeRay's rule).", MaxRayClusterNameLength),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{nameValidator{what: "RayCluster name", check: ValidateClusterName}}},
			"namespace": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("default"),
				MarkdownDescription: "Namespace (a DNS-1123 label). Defaults to `default`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{nameValidator{what: "namespace", check: ValidateNamespace}}},
			"ray_version":           schema.StringAttribute{Required: true, MarkdownDescription: "Ray version, e.g. `2.46.0` (KubeRay's `rayVersion`). A change rolls the pods."},
			"ready_worker_replicas": schema.Int64Attribute{Computed: true, MarkdownDescription: "Worker pods that are ready."},
			"service_account_role_arn": schema.StringAttribute{Optional: true,
				MarkdownDescription: "IAM role for the Ray pods (IRSA): the pods run as a service account `<name>-ray` annotated `eks.amazonaws.com/role-arn`.",
				Validators:          []validator.String{stringvalidator.RegexMatches(roleARNRE, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/ray")}},
			"state": computedStr("KubeRay's `status.state` (`ready`, `suspended`, ...); after a refresh that did not find the RayCluster, `" +
				StateNotFound + "` (what the provider made for it remains; the next apply makes it again) or `" + StateCRDNotServed +
				"` (the cluster does not serve the KubeRay CRD)."),
			"suspend": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Suspend the cluster: KubeRay deletes its pods and keeps the RayCluster."},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
			"wait_for_ready": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Wait on create and update until the cluster is ready (`HeadPodReady` and `RayClusterProvisioned` true, " +
					"a Ready head pod on the current template, each worker group's `replicas` × `num_of_hosts` pods Ready on it). A `ReplicaFailure` condition or a pod that cannot be scheduled fails the wait at once with the reason."},
		},
		Blocks: map[string]schema.Block{
			"autoscaling": schema.SingleNestedBlock{
				MarkdownDescription: "KubeRay's in-tree Ray autoscaler. When enabled it owns the worker groups' `replicas`: the provider keeps its count and shows no drift for it.",
				Attributes: map[string]schema.Attribute{
					"enabled": schema.BoolAttribute{Optional: true, MarkdownDescription: "Turn the autoscaler on."},
					"idle_timeout_s": schema.Int64Attribute{Optional: true, MarkdownDescription: "Seconds an idle worker lives before it is scaled down.",
						Validators: []validator.Int64{int64validator.Between(0, 86400)}},
					"upscaling_mode": schema.StringAttribute{Optional: true, MarkdownDescription: "`" + strings.Join(UpscalingModes, "`, `") + "`.",
						Validators: []validator.String{stringvalidator.OneOf(UpscalingModes...)}},
				},
			},
			"data_lake": schema.SingleNestedBlock{
				MarkdownDescription: "The S3 data lake the Ray jobs read and write: exported as `" + EnvDataLake + "` in every Ray container.",
				Attributes: map[string]schema.Attribute{
					"s3_uri": schema.StringAttribute{Optional: true, MarkdownDescription: "`s3://bucket/prefix`.",
						Validators: []validator.String{stringvalidator.RegexMatches(s3URIRE, "must be an S3 URI such as s3://bucket/prefix")}},
				},
			},
			"head": schema.SingleNestedBlock{
				MarkdownDescription: "The Ray head pod.",
				Attributes:          headAttributes(),
				Blocks:              map[string]schema.Block{"tolerations": tolerationsBlock()},
			},
			"kubernetes": schema.SingleNestedBlock{
				MarkdownDescription: "A Kubernetes cluster that is not EKS (or an EKS cluster reached with a token of your own).",
				Attributes: map[string]schema.Attribute{
					"cluster_ca_certificate": schema.StringAttribute{Optional: true, MarkdownDescription: "PEM CA certificate of the API server."},
					"host": schema.StringAttribute{Optional: true, MarkdownDescription: "API server URL, `https://...`.",
						PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
					"token": schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: "Bearer token."},
				},
			},
			"lustre": schema.SingleNestedBlock{
				MarkdownDescription: "Mount a `rayhpc_lustre_workspace` in every Ray pod: a PersistentVolume for the FSx CSI driver (`" + FSxCSIDriver +
					"`, from the file system's DNS and mount names) and a claim bound to it, both removed with the cluster.",
				Attributes: map[string]schema.Attribute{
					"mount_path": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(DefaultMountPath),
						MarkdownDescription: "Where it is mounted in every Ray container, an absolute path (default `/fsx`).",
						Validators:          []validator.String{stringvalidator.RegexMatches(absPathRE, "must be an absolute path such as /fsx")}},
					"workspace_id": schema.StringAttribute{Optional: true, MarkdownDescription: "The workspace's file system ID (`fs-...`). A change replaces the cluster.",
						PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(lustreChanged, "", "")},
						Validators:    []validator.String{stringvalidator.RegexMatches(fsIDRE, "must be an FSx file system ID such as fs-0123456789abcdef0")}},
				},
			},
			"worker_group": schema.ListNestedBlock{
				MarkdownDescription: "A worker group (repeat the block for more). Groups are added, removed and resized in place.",
				Validators:          []validator.List{listvalidator.SizeAtMost(32)},
				NestedObject: schema.NestedBlockObject{
					Attributes: workerAttributes(),
					Blocks:     map[string]schema.Block{"tolerations": tolerationsBlock()},
				},
			},
		},
	}
}

func headAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"cpu": quantityAttr("CPU request and limit."),
		"env": mapAttr("Environment variables."),
		"gpu": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0),
			MarkdownDescription: "Whole GPUs (`" + ResourceGPU + "`).", Validators: []validator.Int64{int64validator.Between(0, 64)}},
		"memory":           quantityAttr("Memory request and limit."),
		"node_selector":    mapAttr("Node selector, e.g. `{ \"" + LabelInstanceType + "\" = \"m6i.xlarge\" }`."),
		"ray_start_params": mapAttr("`ray start` parameters."),
		"service_type": schema.StringAttribute{Optional: true, MarkdownDescription: "Head service type: `" + strings.Join(ServiceTypes, "`, `") + "`.",
			Validators: []validator.String{stringvalidator.OneOf(ServiceTypes...)}},
	}
}

func workerAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"cpu": quantityAttr("CPU request and limit of each worker."),
		"efa_interfaces": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0),
			MarkdownDescription: "Whole EFA interfaces (`" + ResourceEFA + "`) per worker; at most what the node's instance type has.",
			Validators:          []validator.Int64{int64validator.Between(0, 32)}},
		"env": mapAttr("Environment variables."),
		"gpu": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0),
			MarkdownDescription: "Whole GPUs (`" + ResourceGPU + "`) per worker.", Validators: []validator.Int64{int64validator.Between(0, 64)}},
		"max_replicas": schema.Int64Attribute{Optional: true, Computed: true,
			MarkdownDescription: "Most workers (defaults to `replicas`).", Validators: []validator.Int64{int64validator.Between(0, 10000)}},
		"memory": quantityAttr("Memory request and limit of each worker."),
		"min_replicas": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0),
			MarkdownDescription: "Fewest workers.", Validators: []validator.Int64{int64validator.Between(0, 10000)}},
		"name": schema.StringAttribute{Required: true, MarkdownDescription: "Group name (a DNS-1123 label, unique in the cluster).",
			Validators: []validator.String{nameValidator{what: "worker group name", check: ValidateGroupName}}},
		"node_selector": mapAttr("Node selector; with `" + LabelInstanceType + "` the GPU and EFA requests are checked against that instance type."),
		"num_of_hosts": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(1),
			MarkdownDescription: "Hosts per replica (multi-host workers).", Validators: []validator.Int64{int64validator.Between(1, 1024)}},
		"ray_start_params": mapAttr("`ray start` parameters."),
		"replicas": schema.Int64Attribute{Required: true, MarkdownDescription: "Workers. With autoscaling enabled, only the starting count: the autoscaler owns it afterwards.",
			Validators: []validator.Int64{int64validator.Between(0, 10000)}},
	}
}
