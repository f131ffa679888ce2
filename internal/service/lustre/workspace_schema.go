// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"fmt"
	"net"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

func (r *workspaceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages an Amazon FSx for Lustre file system as a shared workspace on an S3 data lake: the file " +
			"system, its S3 data repository associations and, unless `security_group_ids` is given, a security group " +
			"allowing Lustre traffic (TCP 988 and 1018-1023). FSx's capacity, throughput, EFA and association rules are " +
			"checked at plan time. Outputs the mount command and a Kubernetes PersistentVolume for the FSx CSI driver.",
		Attributes: map[string]schema.Attribute{
			"allowed_cidr_blocks": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "CIDR blocks allowed to reach the file system on the Lustre ports, when the workspace creates its own security group.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(cidrValidator{})},
			},
			"allowed_security_group_ids": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Security groups (of the clients: HPC nodes, Ray workers) allowed to reach the file system on the Lustre ports, when the workspace creates its own security group.",
			},
			"arn": computedString("ARN of the file system."),
			"data_compression": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("NONE"),
				MarkdownDescription: "Data compression: `NONE` or `LZ4`. Can be changed in place (applies to newly written data).",
				Validators:          []validator.String{stringvalidator.OneOf(DataCompressionTypes...)},
			},
			"deployment_type": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "`SCRATCH_1`, `SCRATCH_2`, `PERSISTENT_1` or `PERSISTENT_2`. Changing it replaces the file system.",
				Validators:          []validator.String{stringvalidator.OneOf(DeploymentTypes...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"dns_name": computedString("DNS name of the file system."),
			"efa_enabled": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Enable Elastic Fabric Adapter support (PERSISTENT_2, SSD, Lustre 2.15 only). Changing it replaces the file system.",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"file_system_type_version": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Lustre version: `2.10`, `2.12` or `2.15`. Defaults to `2.15` for new workspaces. Can be upgraded in place, never downgraded.",
				Validators:          []validator.String{stringvalidator.OneOf(FileSystemTypeVersions...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"id": computedString("File system ID (`fs-...`)."),
			"kms_key_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "KMS key for encryption at rest (persistent deployment types only). Changing it replaces the file system.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"kubernetes_persistent_volume": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "A ready-to-apply Kubernetes PersistentVolume manifest (YAML) for the FSx for Lustre CSI driver (`fsx.csi.aws.com`), statically provisioned on this file system.",
			},
			"lifecycle_state": computedString("Lifecycle state of the file system (`AVAILABLE`, `UPDATING`, ...). (`lifecycle` is a name Terraform reserves.)"),
			"mount_command":   computedString("Command that mounts the file system at `/fsx` on a Linux client with the Lustre client installed."),
			"mount_name":      computedString("Lustre mount name."),
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Workspace name, stored as the file system's `Name` tag (so it takes what an FSx tag value takes: letters, digits, spaces and `_ . : / = + - @`). Unique per region and account among workspaces: it is the identity that makes an interrupted create safe to repeat. Can be changed in place.",
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 256)},
			},
			"network_interface_ids": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Elastic network interfaces of the file system.",
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"per_unit_storage_throughput": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Throughput tier in MB/s per TiB, required for persistent types: " + ThroughputDescription() + ". Persistent SSD tiers can be changed in place, except on EFA-enabled file systems.",
			},
			"root_squash": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: fmt.Sprintf("Root squash `UID:GID` (for example `65534:65534`): each non-zero and at most %d; unset or `0:0` turns it off. Can be changed in place.", uint64(MaxRootSquashID)),
			},
			"security_group_id": computedString("The security group the workspace created (when `security_group_ids` is not set)."),
			"security_group_ids": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Security groups for the file system's network interfaces. They must allow inbound TCP 988 and 1018-1023 from themselves (and, with `efa_enabled`, all traffic to and from one of them), which is checked before the file system is created. When unset, the workspace creates a group allowing Lustre traffic from itself and from `allowed_security_group_ids` / `allowed_cidr_blocks` (with `efa_enabled`, also all traffic to and from itself). Changing it replaces the file system.",
				PlanModifiers:       []planmodifier.Set{setplanmodifier.RequiresReplace()},
				Validators: []validator.Set{
					setvalidator.SizeBetween(1, 50),
					setvalidator.ConflictsWith(path.MatchRoot("allowed_security_group_ids"), path.MatchRoot("allowed_cidr_blocks")),
				},
			},
			"storage_capacity_gib": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: fmt.Sprintf("Storage capacity in GiB. SSD: 1200, 2400, then multiples of 2400 (SCRATCH_1: multiples of 3600); HDD: multiples of 6000 at 12 MB/s/TiB, 1800 at 40; EFA: multiples of %d/%d/%d/%d at 125/250/500/1000 MB/s/TiB; at most %d. Can only grow, in place (not on SCRATCH_1), at most once every 6 hours.", EFACapacityStep(125), EFACapacityStep(250), EFACapacityStep(500), EFACapacityStep(1000), int64(MaxStorageCapacityGiB)),
			},
			"storage_type": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(StorageSSD),
				MarkdownDescription: "`SSD` (default) or `HDD` (PERSISTENT_1 only). Changing it replaces the file system.",
				Validators:          []validator.String{stringvalidator.OneOf(StorageTypes...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"subnet_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Subnet of the file system (`subnet-...`). Changing it replaces the file system.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"tags": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Tags of the file system, merged over the provider's `default_tags`. `Name` is set from `name`.",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
		Blocks: map[string]schema.Block{
			"data_repository": schema.ListNestedBlock{
				MarkdownDescription: "An S3 data repository association: links a directory of the file system to an S3 bucket or prefix (not on SCRATCH_1 or Lustre 2.10; at most 8; paths must not overlap). Added, changed and removed in place, one at a time.",
				Validators:          []validator.List{listvalidator.SizeAtMost(MaxDataRepositories)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"auto_export": schema.SetAttribute{
							Optional: true, ElementType: types.StringType,
							MarkdownDescription: "File changes exported to S3 automatically: any of `NEW`, `CHANGED`, `DELETED`.",
						},
						"auto_import": schema.SetAttribute{
							Optional: true, ElementType: types.StringType,
							MarkdownDescription: "S3 object changes imported automatically: any of `NEW`, `CHANGED`, `DELETED`.",
						},
						"file_system_path": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "Directory of the file system linked to the repository, such as `/datasets`. Changing it recreates the association.",
						},
						"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Association ID (`dra-...`)."},
						"import_metadata_on_create": schema.BoolAttribute{
							Optional:            true,
							MarkdownDescription: "Import the metadata of the existing S3 objects when the association is created. Changing it recreates the association.",
						},
						"lifecycle": schema.StringAttribute{Computed: true, MarkdownDescription: "Lifecycle state of the association."},
						"s3_uri": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "S3 bucket or prefix, such as `s3://my-data-lake/datasets/`. Changing it recreates the association.",
						},
					},
				},
			},
		},
	}
}

// ---- small validators ----

type cidrValidator struct{}

func (cidrValidator) Description(context.Context) string { return "must be an IPv4 or IPv6 CIDR block" }
func (v cidrValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (cidrValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	if _, _, err := net.ParseCIDR(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid CIDR block",
			fmt.Sprintf("%s must be a CIDR block such as 10.0.0.0/16: %s", req.Path, err))
	}
}
