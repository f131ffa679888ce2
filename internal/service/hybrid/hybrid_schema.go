// SPDX-License-Identifier: MPL-2.0

package hybrid

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
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

	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/pcluster"
)

var (
	// nameRegexp is the strictest of the parts' name rules: a ParallelCluster cluster name
	// (constants.py PCLUSTER_NAME_REGEX, letters, digits, hyphens, starting with a letter) that is also a
	// valid EC2 launch template name (at least 3 characters), leaving room for "-ingest" on the DataSync task.
	nameRegexp = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{2,52}$`)
	nameRule   = "must start with a letter, contain only letters, digits and hyphens, and be 3 to 53 characters long " +
		"(it names the ParallelCluster cluster, the EFA launch template and placement group, and the workspace)"
	subnetRegexp = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	s3URIRegexp  = regexp.MustCompile(`^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$`)
	pathRegexp   = regexp.MustCompile(`^/[^\s]*$`)
)

// Generous defaults: a ParallelCluster create takes 15-30 minutes and an FSx for Lustre one 5-15.
const (
	defaultCreateTimeout = 3 * time.Hour
	defaultUpdateTimeout = 3 * time.Hour
	defaultDeleteTimeout = 2 * time.Hour
)

func replaceString() []planmodifier.String {
	return []planmodifier.String{stringplanmodifier.RequiresReplace()}
}

func computedID(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

func (r *hybridResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One hybrid HPC + Ray environment: an EFA network, an FSx for Lustre workspace on the S3 data lake, an " +
			"AWS ParallelCluster Slurm cluster mounting the workspace (its EFA queues in the EFA placement group), and an " +
			"optional DataSync ingest — created in that order, deleted in reverse, each part through the same code as its own " +
			"resource (`rayhpc_efa_network`, `rayhpc_lustre_workspace`, `rayhpc_hpc_cluster`, `rayhpc_datasync_transfer`). " +
			"An update touches only the parts whose settings changed, and the plan names them (`changed_parts` and a warning). " +
			"A create that fails part-way keeps every part it made in the state (tainted), so the next apply or destroy removes " +
			"exactly those. Every part carries the tag `" + TagKey + "` = name, by which `terraform import` finds them. " +
			"`platforms` plugs into `rayhpc_stage_placement` and `rayhpc_workflow_placement`.",
		Attributes: map[string]schema.Attribute{
			"changed_parts": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The parts the latest create or update made or changed, with what it did to each " +
					"(`efa_network: update`, `hpc_cluster: create`, ...). In a plan, the parts the apply will touch; every other part is left alone.",
			},
			"data_lake": schema.SingleNestedAttribute{
				Required: true, MarkdownDescription: "The S3 data lake the workspace is linked to.",
				Attributes: map[string]schema.Attribute{
					"s3_uri": schema.StringAttribute{Required: true,
						MarkdownDescription: "S3 prefix of the data lake, `s3://bucket/prefix/`: linked to the workspace at `lustre.file_system_path` (a data repository association).",
						Validators:          []validator.String{stringvalidator.RegexMatches(s3URIRegexp, "must be an S3 URI such as s3://bucket/prefix/")}},
				},
			},
			"efa": schema.SingleNestedAttribute{
				Required: true, MarkdownDescription: "The EFA network (`rayhpc_efa_network`): cluster placement group, EFA security group, launch template.",
				Attributes: map[string]schema.Attribute{
					"instance_type": schema.StringAttribute{Required: true,
						MarkdownDescription: "EFA-capable instance type of the tightly coupled nodes (for example `c5n.18xlarge`); checked against EC2 at apply.",
						Validators:          []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9-]+$`), "must be an instance type such as c5n.18xlarge")}},
				},
			},
			"efa_launch_template_id":   computedID("ID of the EFA network's launch template."),
			"efa_placement_group_name": computedID("Name of the EFA network's cluster placement group (the EFA queues run in it)."),
			"efa_security_group_id":    computedID("ID of the EFA security group (all traffic to and from itself); the head node carries it, and the workspace admits it."),
			"hpc":                      hpcSchema(),
			"hpc_cluster_name":         computedID("Name of the ParallelCluster cluster."),
			"hpc_head_node_private_ip": computedID("Private IP address of the cluster's head node."),
			"id":                       schema.StringAttribute{Computed: true, MarkdownDescription: "The environment's name.", PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"ingest":                   ingestSchema(),
			"ingest_task_arn":          computedID("ARN of the ingest's DataSync task (null without `ingest`)."),
			"lustre":                   lustreSchema(),
			"lustre_dns_name":          computedID("DNS name of the workspace's file system."),
			"lustre_file_system_id":    computedID("ID of the workspace's FSx for Lustre file system."),
			"lustre_mount_command":     computedID("Command that mounts the workspace at `lustre.mount_dir` on a Linux client."),
			"lustre_mount_name":        computedID("Lustre mount name of the workspace."),
			"lustre_security_group_id": computedID("Security group of the workspace's file system (Lustre ports, from the EFA group)."),
			"name": schema.StringAttribute{Required: true, PlanModifiers: replaceString(),
				MarkdownDescription: "Name of the environment and of every part. Changing it replaces the environment.",
				Validators:          []validator.String{stringvalidator.RegexMatches(nameRegexp, nameRule)}},
			"platforms": schema.SingleNestedAttribute{
				Computed: true,
				MarkdownDescription: "The environment's compute as placement pools: one `hpc` pool per Slurm queue (its instance type, node counts, " +
					"EFA). Use each element as an `hpc` (or `ray`) block of `rayhpc_stage_placement` / `rayhpc_workflow_placement` " +
					"with a `dynamic` block.",
				Attributes: map[string]schema.Attribute{
					"hpc": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "One pool per Slurm queue.",
						NestedObject: schema.NestedAttributeObject{Attributes: poolAttributes()}},
					"ray": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "One pool per Ray worker group: its `instance_type`, `min_replicas` and `max_replicas` as the pool's `min_nodes` and `max_nodes`, `efa` when its workers get EFA interfaces (none without `ray`).",
						NestedObject: schema.NestedAttributeObject{Attributes: poolAttributes()}},
				},
			},
			"ray":                   raySchema(),
			"ray_client_address":    computedID("Ray client address of the Ray cluster, `ray://<head service>.<namespace>.svc.cluster.local:10001` (null without `ray`)."),
			"ray_dashboard_url":     computedID("Ray dashboard URL inside the Kubernetes cluster (null without `ray`)."),
			"ray_head_service_name": computedID("Name of the Ray head service KubeRay made (null without `ray`)."),
			"ray_lustre_claim_name": computedID("PersistentVolumeClaim through which the Ray pods mount the workspace (null without `ray`)."),
			"subnet_id": schema.StringAttribute{Required: true, PlanModifiers: replaceString(),
				MarkdownDescription: "Subnet of every part (one Availability Zone: EFA and FSx for Lustre need it). Changing it replaces the environment.",
				Validators:          []validator.String{stringvalidator.RegexMatches(subnetRegexp, "must be a subnet ID such as subnet-0123456789abcdef0")}},
			"tags": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Tags of every part, over the provider's `default_tags`. Keys starting `rayhpc:` are the provider's own."},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func poolAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":          schema.StringAttribute{Computed: true, MarkdownDescription: "Pool name (the queue's name)."},
		"instance_type": schema.StringAttribute{Computed: true, MarkdownDescription: "Instance type of the nodes."},
		"min_nodes":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Nodes always up (the queue's `min_count`)."},
		"max_nodes":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Most nodes (the queue's `max_count`)."},
		"efa":           schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the nodes have EFA."},
		"spot":          schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the nodes are Spot capacity (`capacity_type = \"SPOT\"`)."},
	}
}

func hpcSchema() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Required: true, MarkdownDescription: "The Slurm cluster (`rayhpc_hpc_cluster`): head node and queues, all in `subnet_id`, the workspace mounted at `lustre.mount_dir`.",
		Attributes: map[string]schema.Attribute{
			"head_node_instance_type": schema.StringAttribute{Required: true,
				MarkdownDescription: "Instance type of the head node. Changing it replaces the HPC cluster (only).",
				Validators:          []validator.String{stringvalidator.LengthBetween(3, 64)}},
			"key_name": schema.StringAttribute{Optional: true,
				MarkdownDescription: "EC2 key pair for SSH to the head node. Changing it replaces the HPC cluster (only)."},
			"os": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("alinux2023"),
				MarkdownDescription: "Operating system of every node: one of `" + strings.Join(pcluster.SupportedOSes, "`, `") + "`. Changing it replaces the HPC cluster (only).",
				Validators:          []validator.String{stringvalidator.OneOf(pcluster.SupportedOSes...)}},
			"queue": schema.ListNestedAttribute{Required: true,
				MarkdownDescription: "Slurm queues, each with one compute resource of one instance type.",
				Validators:          []validator.List{listvalidator.SizeBetween(1, pcluster.MaxQueues)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"capacity_type": schema.StringAttribute{Optional: true,
						MarkdownDescription: "`ONDEMAND` (the default), `SPOT` or `CAPACITY_BLOCK`.",
						Validators:          []validator.String{stringvalidator.OneOf(pcluster.CapacityTypes...)}},
					"efa": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
						MarkdownDescription: "EFA on the queue's nodes, which then run in the EFA network's placement group (give it `efa.instance_type`)."},
					"instance_type": schema.StringAttribute{Required: true, MarkdownDescription: "Instance type of the queue's nodes.",
						Validators: []validator.String{stringvalidator.LengthBetween(3, 64)}},
					"max_count": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(pcluster.DefaultMaxCount),
						MarkdownDescription: fmt.Sprintf("Most nodes. Defaults to `%d`.", pcluster.DefaultMaxCount),
						Validators:          []validator.Int64{int64validator.Between(1, 10000)}},
					"min_count": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(pcluster.DefaultMinCount),
						MarkdownDescription: "Nodes always up. Defaults to `0`.",
						Validators:          []validator.Int64{int64validator.Between(0, 10000)}},
					"name": schema.StringAttribute{Required: true,
						MarkdownDescription: fmt.Sprintf("Queue name (also the placement pool's): lowercase letters, digits and hyphens, starting with a letter, at most %d characters, not `default`.", pcluster.NameMaxLength),
						Validators: []validator.String{stringvalidator.RegexMatches(pcluster.NameRegexp, "must start with a lowercase letter and contain only lowercase letters, digits and hyphens"),
							stringvalidator.LengthAtMost(pcluster.NameMaxLength), stringvalidator.NoneOf("default")}},
				}},
			},
			"scaledown_idle_minutes": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(pcluster.DefaultScaledownIdleMinutes),
				MarkdownDescription: fmt.Sprintf("Minutes an idle dynamic node waits before it is terminated. Defaults to `%d`.", pcluster.DefaultScaledownIdleMinutes),
				Validators:          []validator.Int64{int64validator.AtLeast(1)}},
		},
	}
}

func lustreSchema() schema.SingleNestedAttribute {
	events := []validator.Set{setvalidator.ValueStringsAre(stringvalidator.OneOf(lustre.RepositoryEvents...))}
	return schema.SingleNestedAttribute{
		Required: true, MarkdownDescription: "The Lustre workspace (`rayhpc_lustre_workspace`) on the data lake. FSx's capacity and throughput rules are checked at plan time.",
		Attributes: map[string]schema.Attribute{
			"auto_export": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Events exported to the data lake automatically: `NEW`, `CHANGED`, `DELETED`.", Validators: events},
			"auto_import": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Events of the data lake imported automatically: `NEW`, `CHANGED`, `DELETED`.", Validators: events},
			"data_compression": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("NONE"),
				MarkdownDescription: "`NONE` or `LZ4`.", Validators: []validator.String{stringvalidator.OneOf(lustre.DataCompressionTypes...)}},
			"deployment_type": schema.StringAttribute{Required: true, PlanModifiers: replaceString(),
				MarkdownDescription: "`SCRATCH_1`, `SCRATCH_2`, `PERSISTENT_1` or `PERSISTENT_2`. Changing it replaces the environment.",
				Validators:          []validator.String{stringvalidator.OneOf(lustre.DeploymentTypes...)}},
			"file_system_path": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("/datalake"),
				MarkdownDescription: "Where the data lake appears in the file system. Defaults to `/datalake`.",
				Validators:          []validator.String{stringvalidator.RegexMatches(pathRegexp, "must be an absolute path such as /datalake")}},
			"mount_dir": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("/fsx"),
				MarkdownDescription: "Where the cluster nodes mount the workspace. Defaults to `/fsx`.",
				Validators:          []validator.String{stringvalidator.RegexMatches(pathRegexp, "must be an absolute path such as /fsx")}},
			"per_unit_storage_throughput": schema.Int64Attribute{Optional: true,
				MarkdownDescription: "MB/s per TiB, required for persistent types (PERSISTENT_2: 125, 250, 500, 1000)."},
			"storage_capacity_gib": schema.Int64Attribute{Required: true,
				MarkdownDescription: "Storage capacity in GiB (1200, 2400, then steps that depend on the deployment type). An increase is made in place and restarts nothing."},
			"storage_type": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("SSD"), PlanModifiers: replaceString(),
				MarkdownDescription: "`SSD` (the default) or `HDD`. Changing it replaces the environment.",
				Validators:          []validator.String{stringvalidator.OneOf(lustre.StorageTypes...)}},
		},
	}
}

func ingestSchema() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true, MarkdownDescription: "A DataSync transfer (`rayhpc_datasync_transfer`) that brings a data set into the workspace (or the data lake), made after the clusters.",
		Attributes: map[string]schema.Attribute{
			"data_lake_role_arn": schema.StringAttribute{Optional: true,
				MarkdownDescription: "IAM role DataSync assumes to write the data lake bucket (with `destination = \"data_lake\"`)."},
			"destination": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("workspace"),
				MarkdownDescription: "`workspace` (the default: into the Lustre workspace) or `data_lake` (into the data lake prefix).",
				Validators:          []validator.String{stringvalidator.OneOf("workspace", "data_lake")}},
			"run_on_apply": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Run the task when it is created or changed. Defaults to `true`."},
			"schedule": schema.StringAttribute{Optional: true, MarkdownDescription: "A schedule such as `cron(0 2 * * ? *)` or `rate(12 hours)`."},
			"source": schema.SingleNestedAttribute{
				Required: true, MarkdownDescription: "Where the data comes from: exactly one of `nfs`, `s3`.",
				Validators: []validator.Object{objectvalidator.AtLeastOneOf(path.MatchRelative().AtName("nfs"), path.MatchRelative().AtName("s3"))},
				Attributes: map[string]schema.Attribute{
					"nfs": schema.SingleNestedAttribute{Optional: true, MarkdownDescription: "An on-premises NFS export, read through DataSync agents.",
						Validators: []validator.Object{objectvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("s3"))},
						Attributes: map[string]schema.Attribute{
							"agent_arns":      schema.ListAttribute{Required: true, ElementType: types.StringType, MarkdownDescription: "DataSync agents that reach the server."},
							"server_hostname": schema.StringAttribute{Required: true, MarkdownDescription: "NFS server name or IP address."},
							"subdirectory":    schema.StringAttribute{Required: true, MarkdownDescription: "Exported path."},
						}},
					"s3": schema.SingleNestedAttribute{Optional: true, MarkdownDescription: "An S3 bucket.",
						Attributes: map[string]schema.Attribute{
							"bucket_access_role_arn": schema.StringAttribute{Required: true, MarkdownDescription: "IAM role DataSync assumes to read the bucket."},
							"bucket_arn":             schema.StringAttribute{Required: true, MarkdownDescription: "ARN of the bucket."},
							"subdirectory":           schema.StringAttribute{Optional: true, MarkdownDescription: "Prefix in the bucket."},
						}},
				},
			},
			"subdirectory": schema.StringAttribute{Optional: true, MarkdownDescription: "Directory under the destination the data goes to."},
			"wait_for_completion": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Wait for the run to finish (and fail the apply when it fails). Defaults to `true`."},
		},
	}
}

// poolType is the element type of platforms.hpc and platforms.ray.
var poolType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"name": types.StringType, "instance_type": types.StringType, "min_nodes": types.Int64Type, "max_nodes": types.Int64Type, "efa": types.BoolType,
	"spot": types.BoolType,
}}

var platformsType = types.ObjectType{AttrTypes: map[string]attr.Type{"hpc": types.ListType{ElemType: poolType}, "ray": types.ListType{ElemType: poolType}}}
