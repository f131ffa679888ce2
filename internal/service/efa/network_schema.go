// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func (r *networkResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	useState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Everything tightly coupled jobs need for the Elastic Fabric Adapter (EFA), for one instance type " +
			"in one subnet: a cluster placement group, a security group that allows all traffic to and from itself " +
			"(plus egress anywhere), and a launch template with an `efa` network interface on every network card of the " +
			"instance type, placed in the placement group. The instance type is checked at plan time with " +
			"DescribeInstanceTypes; a type without EFA support is rejected with the nearest EFA-capable types. " +
			"Changing the instance type or the launch template settings creates a new launch template version " +
			"(made the default), not a new network.\n\n" +
			"Import with the network's `name` (the name of its launch template).",
		Attributes: map[string]schema.Attribute{
			"additional_security_group_ids": schema.SetAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Further security groups (in the subnet's VPC) for the EFA interfaces, after the EFA security group.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(stringvalidator.RegexMatches(sgIDRegexp, msgSGID))},
			},
			"availability_zone": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Availability Zone of the subnet (where the instances will run).",
				PlanModifiers: useState,
			},
			"efa_interface_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Number of EFA interfaces in the launch template: one per network card, up to the instance type's `MaximumEfaInterfaces`.",
			},
			"gpu_count": schema.Int64Attribute{
				Computed: true, MarkdownDescription: "GPUs of the instance type (0 for CPU types).",
			},
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The network's name (also its import ID).",
				PlanModifiers: useState,
			},
			"instance_type": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "EFA-capable EC2 instance type, such as `c5n.18xlarge` or `p5.48xlarge`. Changing it " +
					"creates a new launch template version.",
				Validators: []validator.String{stringvalidator.RegexMatches(instanceTypeRegexp, msgInstanceType)},
			},
			"launch_template": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Launch template settings besides the network interfaces and placement. Changing them creates a new launch template version.",
				Attributes: map[string]schema.Attribute{
					"iam_instance_profile": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "IAM instance profile, by name or ARN.",
						Validators:          []validator.String{stringvalidator.LengthBetween(1, 2048)},
					},
					"image_id": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "AMI ID. It must exist and match the instance type's architecture (checked at plan time).",
						Validators:          []validator.String{stringvalidator.RegexMatches(amiIDRegexp, msgAMIID)},
					},
					"key_name": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "EC2 key pair name.",
						Validators:          []validator.String{stringvalidator.LengthBetween(1, 255)},
					},
					"root_volume_size_gib": schema.Int64Attribute{
						Optional:            true,
						MarkdownDescription: "Size of the root EBS volume (gp3) in GiB, 1 to 16384. Requires `image_id` (the root device name comes from the AMI).",
						Validators: []validator.Int64{
							int64validator.Between(minRootVolumeGiB, maxRootVolumeGiB),
							int64validator.AlsoRequires(path.MatchRelative().AtParent().AtName("image_id")),
						},
					},
					"user_data": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "User data as plain text (the provider base64-encodes it), at most 16 KiB.",
						Validators:          []validator.String{stringvalidator.LengthAtMost(maxUserDataBytes)},
					},
				},
			},
			"launch_template_id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "ID of the launch template.", PlanModifiers: useState,
			},
			"launch_template_latest_version": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Latest (and default) version of the launch template; it grows when the instance type or the launch template settings change.",
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Name of the network, used for the placement group, the security group and the launch " +
					"template: 3 to 128 letters, digits and `( ) . - / _` (the launch template name rules), not starting with `sg-` " +
					"(EC2 refuses security group names that do).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{nameValidator{}},
			},
			"placement_group_name": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Name of the cluster placement group; empty when `placement_strategy` is `none`.",
				PlanModifiers: useState,
			},
			"placement_strategy": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(strategyCluster),
				MarkdownDescription: "`cluster` (default) creates a cluster placement group and places the launch template in it; " +
					"`none` skips it (a cluster placement group can clash with capacity reservations).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.OneOf(strategyCluster, strategyNone)},
			},
			"security_group_id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "ID of the EFA security group (all traffic to and from itself, egress anywhere).",
				PlanModifiers: useState,
			},
			"subnet_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Subnet of the EFA interfaces. It must exist and its Availability Zone must offer the instance type (checked at plan time).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.RegexMatches(subnetIDRegexp, msgSubnetID)},
			},
			"tags": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Tags for the placement group, security group and launch template, merged over the provider's default tags. " +
					"Keys of at most 127 characters that do not start with `aws:`, values of at most 256 (EC2 tag rules).",
				Validators: []validator.Map{tagsValidator{}},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
			"vpc_id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "VPC of the subnet (and of the security group).", PlanModifiers: useState,
			},
		},
	}
}
