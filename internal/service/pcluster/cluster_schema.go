// SPDX-License-Identifier: MPL-2.0

package pcluster

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func nameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, NameMaxLength),
		stringvalidator.RegexMatches(NameRegexp, "must begin with a letter and only contain lowercase letters, digits and hyphens"),
		stringvalidator.NoneOf("default"),
	}
}

func setValuesMatch(re *regexp.Regexp, msg string) validator.Set {
	return setvalidator.ValueStringsAre(stringvalidator.RegexMatches(re, msg))
}

func pathInstances() path.Expression {
	return path.MatchRelative().AtParent().AtName("instances")
}

func replaceString() []planmodifier.String {
	return []planmodifier.String{stringplanmodifier.RequiresReplace()}
}

func (r *clusterResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	useState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An AWS ParallelCluster v3 cluster with the Slurm scheduler, managed through the ParallelCluster API " +
			"(the provider's `parallelcluster_api_stack_name` or `endpoints.parallelcluster`). The typed arguments are rendered " +
			"as the cluster configuration (`cluster_configuration`), with `config_overrides` merged over it for settings not " +
			"typed here; configurations are compared by meaning, so formatting and key order never show as a change.\n\n" +
			"At plan time the names, counts and EFA instance types are checked, and, when every value is known, the API's " +
			"dry run validates the configuration (its errors are plan errors, its warnings plan warnings) and, for an update, " +
			"says whether the compute fleet must be stopped. Settings ParallelCluster cannot update (the OS, the head node's " +
			"instance type, subnet, key pair and root volume, the tags) replace the cluster. An update that needs the compute " +
			"fleet stopped stops it, updates the cluster and starts the fleet again (also when the update fails) when " +
			"`stop_compute_fleet_when_required` is true, and fails with the settings that need it otherwise.\n\n" +
			"A create interrupted by a crash is adopted by the next apply (the cluster carries the tag `" + OwnerTagKey + "`). " +
			"Import with the cluster's name.",
		Attributes: map[string]schema.Attribute{
			"cloudformation_stack_arn": schema.StringAttribute{Computed: true, PlanModifiers: useState, MarkdownDescription: "ARN of the cluster's CloudFormation stack."},
			"cluster_configuration": schema.StringAttribute{
				CustomType: YAMLType{}, Computed: true,
				MarkdownDescription: "The cluster configuration (YAML) the provider sends to ParallelCluster; after a refresh, the one ParallelCluster holds.",
			},
			"compute_fleet_status": schema.StringAttribute{Computed: true, MarkdownDescription: "Status of the compute fleet: `RUNNING`, `STOPPED`, `STOP_REQUESTED`, `STARTING`, ..."},
			"config_overrides": schema.StringAttribute{
				CustomType: YAMLType{}, Optional: true,
				MarkdownDescription: "YAML mapping merged over the rendered configuration (mappings key by key, lists and scalars replaced, " +
					"`null` removes a key), for ParallelCluster settings not typed here, such as `Monitoring` or `Imds`.",
			},
			"custom_ami": schema.StringAttribute{
				Optional: true, PlanModifiers: replaceString(), MarkdownDescription: "Custom AMI for every node (`Image.CustomAmi`). Changing it replaces the cluster.",
				Validators: []validator.String{stringvalidator.RegexMatches(amiRegexp, "must be an AMI ID (ami- and 8 or 17 characters)")},
			},
			"head_node_instance_id": schema.StringAttribute{Computed: true, PlanModifiers: useState, MarkdownDescription: "EC2 instance ID of the head node."},
			"head_node_private_ip":  schema.StringAttribute{Computed: true, PlanModifiers: useState, MarkdownDescription: "Private IP address of the head node."},
			"head_node_public_ip":   schema.StringAttribute{Computed: true, PlanModifiers: useState, MarkdownDescription: "Public IP address of the head node (empty in a private subnet)."},
			"id":                    schema.StringAttribute{Computed: true, PlanModifiers: useState, MarkdownDescription: "The cluster's name."},
			"name": schema.StringAttribute{
				Required: true, PlanModifiers: replaceString(),
				MarkdownDescription: "Cluster name: " + strings.ToLower(ClusterNameRule[:1]) + ClusterNameRule[1:],
				Validators:          []validator.String{stringvalidator.RegexMatches(ClusterNameRegexp, ClusterNameRule)},
			},
			"os": schema.StringAttribute{
				Required: true, PlanModifiers: replaceString(),
				MarkdownDescription: "Operating system of every node (`Image.Os`): one of `" + strings.Join(SupportedOSes, "`, `") + "`. Changing it replaces the cluster.",
				Validators:          []validator.String{stringvalidator.OneOf(SupportedOSes...)},
			},
			"region": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "Region of the cluster. Defaults to the provider's region.",
			},
			"ssh_command": schema.StringAttribute{Computed: true, PlanModifiers: useState, MarkdownDescription: "SSH command line to log in to the head node as the OS's default user."},
			"status":      schema.StringAttribute{Computed: true, MarkdownDescription: "Cluster status: `CREATE_COMPLETE`, `UPDATE_COMPLETE`, `UPDATE_FAILED`, ..."},
			"stop_compute_fleet_when_required": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Whether an update that ParallelCluster accepts only with the compute fleet stopped may stop it (and start it again afterwards). Defaults to `true`; with `false` such an update fails, naming the settings.",
			},
			"tags": schema.MapAttribute{
				ElementType: types.StringType, Optional: true, PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
				MarkdownDescription: fmt.Sprintf("Tags of the cluster and everything ParallelCluster creates for it, with the provider's `default_tags` (at most %d). ParallelCluster cannot change a cluster's tags: changing them replaces the cluster. Keys may not start with `%s`.", MaxTags, ReservedTagPrefix),
				Validators:          []validator.Map{mapvalidator.SizeAtMost(MaxTags)},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
			"version":  schema.StringAttribute{Computed: true, PlanModifiers: useState, MarkdownDescription: "ParallelCluster version of the cluster."},
		},
		Blocks: map[string]schema.Block{
			"head_node":      headNodeBlock(),
			"queue":          queueBlock(),
			"shared_storage": sharedStorageBlock(),
			"slurm": schema.SingleNestedBlock{
				MarkdownDescription: "Slurm settings (`Scheduling.SlurmSettings`).",
				Attributes: map[string]schema.Attribute{
					"queue_update_strategy": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "How queues are updated while the fleet runs: `" + strings.Join(QueueUpdateStrategies, "`, `") + "` (ParallelCluster's default).",
						Validators:          []validator.String{stringvalidator.OneOf(QueueUpdateStrategies...)},
					},
					"scaledown_idle_minutes": schema.Int64Attribute{
						Optional: true, Computed: true, Default: int64default.StaticInt64(DefaultScaledownIdleMinutes),
						MarkdownDescription: fmt.Sprintf("Minutes a dynamic node stays idle before it is terminated (`ScaledownIdletime`). Defaults to %d. Changing it needs the compute fleet stopped.", DefaultScaledownIdleMinutes),
						Validators:          []validator.Int64{int64validator.AtLeast(1)},
					},
				},
			},
		},
	}
}

func headNodeBlock() schema.Block {
	return schema.SingleNestedBlock{
		MarkdownDescription: "The head node (required).",
		Validators:          []validator.Object{objectvalidator.IsRequired()},
		Attributes: map[string]schema.Attribute{
			"additional_iam_policies": schema.SetAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "ARNs of IAM policies attached to the head node's role (`Iam.AdditionalIamPolicies`).",
				Validators:          []validator.Set{setValuesMatch(iamPolicyRegexp, "must be an IAM policy ARN")},
			},
			"additional_security_group_ids": schema.SetAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Security groups added to the head node (`Networking.AdditionalSecurityGroups`).",
				Validators:          []validator.Set{setValuesMatch(sgRegexp, "must be a security group ID")},
			},
			"instance_type": schema.StringAttribute{
				Required: true, PlanModifiers: replaceString(), MarkdownDescription: "EC2 instance type of the head node. Changing it replaces the cluster.",
			},
			"key_name": schema.StringAttribute{
				Optional: true, PlanModifiers: replaceString(), MarkdownDescription: "EC2 key pair for SSH to the head node. Changing it replaces the cluster.",
			},
			"root_volume_size_gib": schema.Int64Attribute{
				Optional: true, PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
				MarkdownDescription: "Size of the head node's root volume in GiB. Changing it replaces the cluster.",
				Validators:          []validator.Int64{int64validator.Between(35, 16384)},
			},
			"subnet_id": schema.StringAttribute{
				Required: true, PlanModifiers: replaceString(), MarkdownDescription: "Subnet of the head node. Changing it replaces the cluster.",
				Validators: []validator.String{stringvalidator.RegexMatches(subnetRegexp, "must be a subnet ID")},
			},
		},
	}
}

func queueBlock() schema.Block {
	return schema.ListNestedBlock{
		MarkdownDescription: fmt.Sprintf("A Slurm queue (`Scheduling.SlurmQueues`): 1 to %d.", MaxQueues),
		Validators:          []validator.List{listvalidator.SizeBetween(1, MaxQueues), listvalidator.IsRequired()},
		NestedObject: schema.NestedBlockObject{
			Attributes: map[string]schema.Attribute{
				"capacity_type": schema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "`" + strings.Join(CapacityTypes, "`, `") + "` (ParallelCluster's default is `ONDEMAND`).",
					Validators:          []validator.String{stringvalidator.OneOf(CapacityTypes...)},
				},
				"name": schema.StringAttribute{
					Required:            true,
					MarkdownDescription: fmt.Sprintf("Queue name: lowercase letters, digits and hyphens, starting with a letter, at most %d characters, not `default`.", NameMaxLength),
					Validators:          nameValidators(),
				},
				"subnet_ids": schema.ListAttribute{
					ElementType: types.StringType, Required: true,
					MarkdownDescription: "Subnets of the queue's compute nodes.",
					Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.RegexMatches(subnetRegexp, "must be a subnet ID"))},
				},
			},
			Blocks: map[string]schema.Block{
				"compute_resource": computeResourceBlock(),
				"placement_group": schema.SingleNestedBlock{
					MarkdownDescription: "The queue's placement group, such as `rayhpc_efa_network`'s `placement_group_name`. Without it, a queue with EFA gets `Enabled: false` (ParallelCluster requires an explicit choice with EFA).",
					Attributes: map[string]schema.Attribute{
						"enabled": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true), MarkdownDescription: "Whether the queue uses a placement group. Defaults to `true` when the block is present."},
						"id":      schema.StringAttribute{Optional: true, MarkdownDescription: "Name of an existing placement group; without it ParallelCluster creates one."},
					},
				},
			},
		},
	}
}

func computeResourceBlock() schema.Block {
	return schema.ListNestedBlock{
		MarkdownDescription: fmt.Sprintf("A compute resource of the queue: 1 or more, at most %d in the cluster.", MaxComputeResources),
		Validators:          []validator.List{listvalidator.SizeBetween(1, MaxComputeResources), listvalidator.IsRequired()},
		NestedObject: schema.NestedBlockObject{
			Attributes: map[string]schema.Attribute{
				"disable_simultaneous_multithreading": schema.BoolAttribute{Optional: true, MarkdownDescription: "Disable hyperthreading on the nodes. Changing it needs the compute fleet stopped."},
				"instance_type": schema.StringAttribute{
					Optional: true, MarkdownDescription: "EC2 instance type of the nodes (or `instances`). Changing it needs the compute fleet stopped.",
					Validators: []validator.String{stringvalidator.ExactlyOneOf(pathInstances())},
				},
				"instances": schema.ListAttribute{
					ElementType: types.StringType, Optional: true,
					MarkdownDescription: "Instance types of a flexible compute resource (instead of `instance_type`).",
					Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues()},
				},
				"max_count": schema.Int64Attribute{
					Optional: true, Computed: true, Default: int64default.StaticInt64(DefaultMaxCount),
					MarkdownDescription: fmt.Sprintf("Most nodes. Defaults to %d. Lowering it needs the fleet stopped or `queue_update_strategy = \"TERMINATE\"`.", DefaultMaxCount),
					Validators:          []validator.Int64{int64validator.AtLeast(1)},
				},
				"min_count": schema.Int64Attribute{
					Optional: true, Computed: true, Default: int64default.StaticInt64(DefaultMinCount),
					MarkdownDescription: "Static nodes, always running. Defaults to 0; at most `max_count`. Changing it needs the compute fleet stopped.",
					Validators:          []validator.Int64{int64validator.AtLeast(0)},
				},
				"name": schema.StringAttribute{
					Required:            true,
					MarkdownDescription: fmt.Sprintf("Compute resource name: lowercase letters, digits and hyphens, starting with a letter, at most %d characters.", NameMaxLength),
					Validators:          nameValidators(),
				},
			},
			Blocks: map[string]schema.Block{
				"efa": schema.SingleNestedBlock{
					MarkdownDescription: "Elastic Fabric Adapter. The instance types must support EFA (checked at plan time).",
					Attributes: map[string]schema.Attribute{
						"enabled":     schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true), MarkdownDescription: "Whether EFA is enabled. Defaults to `true` when the block is present."},
						"gdr_support": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false), MarkdownDescription: "GPUDirect RDMA support (needs `enabled`)."},
					},
				},
			},
		},
	}
}

func sharedStorageBlock() schema.Block {
	idAttr := func(what string) schema.Block {
		return schema.SingleNestedBlock{
			MarkdownDescription: "An existing " + what + ".",
			Attributes: map[string]schema.Attribute{
				"file_system_id": schema.StringAttribute{Optional: true, MarkdownDescription: "ID of the " + what + ", such as `rayhpc_lustre_workspace`'s `file_system_id` for FSx for Lustre."},
			},
		}
	}
	return schema.ListNestedBlock{
		MarkdownDescription: "A shared file system mounted on every node (`SharedStorage`): exactly one of `fsx_lustre`, `efs`, `ebs`. Adding one needs the fleet stopped or a `queue_update_strategy`; removing one, or changing its `mount_dir`, needs the fleet stopped.",
		NestedObject: schema.NestedBlockObject{
			Attributes: map[string]schema.Attribute{
				"mount_dir": schema.StringAttribute{
					Required: true, MarkdownDescription: "Mount point on every node, such as `/fsx`.",
					Validators: []validator.String{stringvalidator.RegexMatches(mountDirRegexp, "must be an absolute path"), stringvalidator.NoneOf("NONE", "/NONE")},
				},
				"name": schema.StringAttribute{
					Required: true, MarkdownDescription: fmt.Sprintf("Name of the storage within the cluster (at most %d characters).", SharedStorageNameMaxLength),
					Validators: []validator.String{stringvalidator.LengthBetween(1, SharedStorageNameMaxLength), stringvalidator.RegexMatches(sharedStorageNameRegexp, "letters, digits, hyphens and underscores")},
				},
			},
			Blocks: map[string]schema.Block{
				"ebs": schema.SingleNestedBlock{
					MarkdownDescription: "An EBS volume: an existing one (`volume_id`) or a new one (`size_gib`).",
					Attributes: map[string]schema.Attribute{
						"size_gib":  schema.Int64Attribute{Optional: true, MarkdownDescription: "Size of a new volume in GiB.", Validators: []validator.Int64{int64validator.Between(1, 65536)}},
						"volume_id": schema.StringAttribute{Optional: true, MarkdownDescription: "ID of an existing EBS volume."},
					},
				},
				"efs":        idAttr("EFS file system"),
				"fsx_lustre": idAttr("FSx for Lustre file system"),
			},
		},
	}
}
