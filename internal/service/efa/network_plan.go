// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

const nearestCount = 5

// checkInputs validates the instance type, the subnet, the AMI and the additional security groups
// against EC2 with read-only calls. Every problem is an attribute error that names the rule.
func checkInputs(ctx context.Context, conn *ec2.Client, m *networkModel) (resolved, diag.Diagnostics) {
	c, diags := checkInstanceType(ctx, conn, m)
	if diags.HasError() {
		return c, diags
	}
	diags.Append(checkSubnet(ctx, conn, m, &c)...)
	diags.Append(checkImage(ctx, conn, m, &c)...)
	diags.Append(checkAdditionalGroups(ctx, conn, m, c.VPCID)...)
	return c, diags
}

// checkInstanceType checks that the instance type exists, supports EFA and the placement strategy.
func checkInstanceType(ctx context.Context, conn *ec2.Client, m *networkModel) (resolved, diag.Diagnostics) {
	var diags diag.Diagnostics
	var c resolved
	itype := m.InstanceType.ValueString()

	ti, err := findInstanceType(ctx, conn, itype)
	switch {
	case wait.NotFound(err):
		detail := fmt.Sprintf("instance_type %q is not an EC2 instance type in this Region (DescribeInstanceTypes does not know it).", itype)
		if near := nearestByName(ctx, conn, itype); near != "" {
			detail += " EFA-capable instance types of a similar name: " + near + "."
		}
		diags.AddAttributeError(path.Root("instance_type"), "Unknown instance type", detail)
		return c, diags
	case err != nil:
		diags.AddAttributeError(path.Root("instance_type"), fmt.Sprintf("describing EC2 instance type (%s)", itype),
			err.Error()+"\nCheck the provider's credentials and the ec2:DescribeInstanceTypes permission.")
		return c, diags
	}
	c.Type = ti
	if !ti.EFASupported {
		detail := fmt.Sprintf("instance_type %q does not support the Elastic Fabric Adapter (DescribeInstanceTypes reports NetworkInfo.EfaSupported = false).", itype)
		all, err := listEFATypes(ctx, conn, "")
		if err == nil {
			if near := nearestEFATypes(ti, all, nearestCount); len(near) > 0 {
				detail += " The nearest EFA-capable instance types are: " + describeTypes(near) + "."
			}
		}
		diags.AddAttributeError(path.Root("instance_type"), "Instance type does not support EFA", detail)
		return c, diags
	}
	strategy := m.PlacementStrategy.ValueString()
	if strategy == strategyCluster && !ti.supportsStrategy(strategyCluster) {
		diags.AddAttributeError(path.Root("placement_strategy"), "Instance type does not support cluster placement groups",
			fmt.Sprintf("instance_type %q supports the placement strategies %s, not cluster; set placement_strategy = \"none\" or choose another type.",
				itype, strings.Join(ti.PlacementStrategies, ", ")))
	}

	return c, diags
}

// checkSubnet checks that the subnet exists and that its zone offers the instance type.
func checkSubnet(ctx context.Context, conn *ec2.Client, m *networkModel, c *resolved) diag.Diagnostics {
	var diags diag.Diagnostics
	itype := m.InstanceType.ValueString()
	if !m.SubnetID.IsUnknown() {
		subnetID := m.SubnetID.ValueString()
		sn, err := findSubnet(ctx, conn, subnetID)
		switch {
		case wait.NotFound(err):
			diags.AddAttributeError(path.Root("subnet_id"), "Subnet not found",
				fmt.Sprintf("subnet_id %q does not exist in this account and Region.", subnetID))
		case err != nil:
			diags.AddAttributeError(path.Root("subnet_id"), fmt.Sprintf("describing EC2 subnet (%s)", subnetID), err.Error())
		default:
			c.VPCID, c.AZ = aws.ToString(sn.VpcId), aws.ToString(sn.AvailabilityZone)
			offered, err := offeredTypes(ctx, conn, c.AZ, itype)
			switch {
			case err != nil:
				diags.AddAttributeError(path.Root("instance_type"), fmt.Sprintf("describing instance type offerings in %s", c.AZ), err.Error())
			case !offered[itype]:
				diags.AddAttributeError(path.Root("instance_type"), "Instance type not offered in the subnet's Availability Zone",
					fmt.Sprintf("instance_type %q is not offered in %s, the Availability Zone of subnet_id %q "+
						"(DescribeInstanceTypeOfferings); choose a subnet in another Availability Zone or another instance type. "+
						"The rayhpc_efa_instance_types data source with availability_zone lists the EFA types offered there.", itype, c.AZ, subnetID))
			}
		}
	}

	return diags
}

// checkImage checks that the AMI exists and matches the instance type's architecture.
func checkImage(ctx context.Context, conn *ec2.Client, m *networkModel, c *resolved) diag.Diagnostics {
	var diags diag.Diagnostics
	itype, ti := m.InstanceType.ValueString(), c.Type
	lt, d := m.launchTemplate(ctx)
	diags.Append(d...)
	if lt != nil && !lt.ImageID.IsNull() && !lt.ImageID.IsUnknown() {
		id := lt.ImageID.ValueString()
		img, err := findImage(ctx, conn, id)
		switch {
		case wait.NotFound(err):
			diags.AddAttributeError(path.Root("launch_template").AtName("image_id"), "AMI not found",
				fmt.Sprintf("launch_template.image_id %q does not exist or is not available to this account in this Region.", id))
		case err != nil:
			diags.AddAttributeError(path.Root("launch_template").AtName("image_id"), fmt.Sprintf("describing AMI (%s)", id), err.Error())
		default:
			c.RootDeviceName = aws.ToString(img.RootDeviceName)
			if arch := string(img.Architecture); arch != "" && len(ti.Architectures) > 0 && !ti.hasArch(arch) {
				diags.AddAttributeError(path.Root("launch_template").AtName("image_id"), "AMI architecture does not match the instance type",
					fmt.Sprintf("launch_template.image_id %q is %s, but instance_type %q runs %s.", id, arch, itype, strings.Join(ti.Architectures, ", ")))
			}
		}
	}

	return diags
}

// checkAdditionalGroups checks that the additional security groups exist in the subnet's VPC.
func checkAdditionalGroups(ctx context.Context, conn *ec2.Client, m *networkModel, vpcID string) diag.Diagnostics {
	var diags diag.Diagnostics
	extra, d := m.additionalGroups(ctx)
	diags.Append(d...)
	if len(extra) > 0 && !m.AdditionalSecurityGroupIDs.IsUnknown() {
		sgs, err := findSecurityGroups(ctx, conn, extra)
		switch {
		case wait.NotFound(err):
			diags.AddAttributeError(path.Root("additional_security_group_ids"), "Security group not found",
				fmt.Sprintf("additional_security_group_ids %v: at least one does not exist: %s", extra, err))
		case err != nil:
			diags.AddAttributeError(path.Root("additional_security_group_ids"), "describing security groups", err.Error())
		case vpcID != "":
			for _, sg := range sgs {
				if aws.ToString(sg.VpcId) != vpcID {
					diags.AddAttributeError(path.Root("additional_security_group_ids"), "Security group in another VPC",
						fmt.Sprintf("security group %s is in %s, but subnet_id %q is in %s.", aws.ToString(sg.GroupId), aws.ToString(sg.VpcId), m.SubnetID.ValueString(), vpcID))
				}
			}
		}
	}
	return diags
}

// nearestByName suggests EFA types of the same class or series for a name EC2 does not know.
func nearestByName(ctx context.Context, conn *ec2.Client, name string) string {
	all, err := listEFATypes(ctx, conn, "")
	if err != nil {
		return ""
	}
	series, class := family(name)
	var same, sameSeries []typeInfo
	for _, t := range all {
		s, c := family(t.Name)
		if c == class {
			same = append(same, t)
		} else if s == series {
			sameSeries = append(sameSeries, t)
		}
	}
	pick := append(same, sameSeries...)
	if len(pick) > nearestCount {
		pick = pick[:nearestCount]
	}
	names := make([]string, len(pick))
	for i, t := range pick {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

// ModifyPlan checks the inputs against EC2 (read-only calls) whenever they are new or changed, so a
// wrong instance type, subnet or AMI fails the plan before anything is created. It also fills in the
// computed values the plan can already know, and plans a replacement when a part of the network was
// deleted outside Terraform.
func (r *networkResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.Client() == nil {
		return
	}
	var plan networkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *networkModel
	if !req.State.Raw.IsNull() {
		state = &networkModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	ctx = tflog.SetField(ctx, "efa_network_name", plan.Name.ValueString())

	if plan.InstanceType.IsUnknown() {
		plan.EFAInterfaceCount, plan.GPUCount = types.Int64Unknown(), types.Int64Unknown()
	} else if state == nil || inputsChanged(state, &plan) {
		c, diags := checkInputs(ctx, r.Client().EC2(), &plan)
		if state != nil && diags.HasError() {
			// Terraform plans a destroy after a normal plan that refreshes the state, and an error here
			// would block the destroy of a network that exists. So for an existing network a rule that
			// needs EC2's answer is a warning at plan time and an error at apply, before anything changes
			// (resolve, in CreateNetwork and UpdateNetwork).
			resp.Diagnostics.Append(asWarnings(diags, "The apply will stop with this error before it changes anything.")...)
			plan.EFAInterfaceCount, plan.GPUCount = types.Int64Unknown(), types.Int64Unknown()
		} else {
			resp.Diagnostics.Append(diags...)
			if resp.Diagnostics.HasError() {
				return
			}
			plan.EFAInterfaceCount = types.Int64Value(int64(c.Type.efaInterfaceCount()))
			plan.GPUCount = types.Int64Value(int64(c.Type.GPUs))
			if c.AZ != "" {
				plan.AvailabilityZone, plan.VPCID = types.StringValue(c.AZ), types.StringValue(c.VPCID)
			}
		}
	}

	if state == nil {
		if !plan.Name.IsUnknown() {
			plan.ID = plan.Name
		}
		if plan.PlacementStrategy.ValueString() == strategyNone {
			plan.PlacementGroupName = types.StringValue("")
		} else if !plan.Name.IsUnknown() && !plan.PlacementStrategy.IsUnknown() {
			plan.PlacementGroupName = plan.Name
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}

	if missing := missingParts(state); len(missing) > 0 {
		// A part deleted outside Terraform (Read leaves its ID empty): replace the whole network.
		plan.SecurityGroupID, plan.LaunchTemplateID = types.StringUnknown(), types.StringUnknown()
		plan.LaunchTemplateLatestVersion = types.Int64Unknown()
		if plan.PlacementStrategy.ValueString() == strategyCluster {
			plan.PlacementGroupName = types.StringUnknown()
		}
		resp.RequiresReplace = append(resp.RequiresReplace, missing...)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}

	if modelLaunchTemplateChanged(state, &plan) {
		plan.LaunchTemplateLatestVersion = types.Int64Unknown()
	} else {
		plan.LaunchTemplateLatestVersion = state.LaunchTemplateLatestVersion
	}
	if !plan.InstanceType.IsUnknown() && plan.InstanceType.Equal(state.InstanceType) {
		plan.EFAInterfaceCount, plan.GPUCount = state.EFAInterfaceCount, state.GPUCount
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// missingParts lists the attributes of the parts Read found deleted outside Terraform.
func missingParts(state *networkModel) []path.Path {
	var missing []path.Path
	if state.SecurityGroupID.ValueString() == "" {
		missing = append(missing, path.Root("security_group_id"))
	}
	if state.LaunchTemplateID.ValueString() == "" {
		missing = append(missing, path.Root("launch_template_id"))
	}
	if state.PlacementStrategy.ValueString() == strategyCluster && state.PlacementGroupName.ValueString() == "" {
		missing = append(missing, path.Root("placement_group_name"))
	}
	return missing
}

// inputsChanged reports whether any input the plan-time checks look at differs from the state.
func inputsChanged(state, plan *networkModel) bool {
	return !plan.InstanceType.Equal(state.InstanceType) || !plan.SubnetID.Equal(state.SubnetID) ||
		!plan.LaunchTemplate.Equal(state.LaunchTemplate) || !plan.AdditionalSecurityGroupIDs.Equal(state.AdditionalSecurityGroupIDs) ||
		!plan.PlacementStrategy.Equal(state.PlacementStrategy)
}

// modelLaunchTemplateChanged reports whether the launch template data changes (a new version is needed).
func modelLaunchTemplateChanged(state, plan *networkModel) bool {
	return !plan.InstanceType.Equal(state.InstanceType) || !plan.LaunchTemplate.Equal(state.LaunchTemplate) ||
		!plan.AdditionalSecurityGroupIDs.Equal(state.AdditionalSecurityGroupIDs)
}

// nameValidator applies validateName at plan time.
type nameValidator struct{}

func (nameValidator) Description(context.Context) string {
	return msgName + ", not starting with sg-"
}

func (v nameValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (nameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := validateName(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid EFA network name", fmt.Sprintf("%s %s.", req.Path, err))
	}
}

// tagsValidator applies validateTag to every known tag at plan time.
type tagsValidator struct{}

func (tagsValidator) Description(context.Context) string {
	return "EC2 tag rules: keys of 1 to 127 characters not starting with aws:, values of at most 256 characters"
}

func (v tagsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (tagsValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	keys := make([]string, 0, len(req.ConfigValue.Elements()))
	for k := range req.ConfigValue.Elements() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, ok := req.ConfigValue.Elements()[k].(types.String)
		if !ok || v.IsUnknown() {
			continue
		}
		if err := validateTag(k, v.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid tag", err.Error()+".")
		}
	}
}

// asWarnings turns error diagnostics into warnings that add note to their detail.
func asWarnings(in diag.Diagnostics, note string) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range in {
		if d.Severity() != diag.SeverityError {
			out.Append(d)
			continue
		}
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			out.AddAttributeWarning(wp.Path(), d.Summary(), d.Detail()+"\n\n"+note)
		} else {
			out.AddWarning(d.Summary(), d.Detail()+"\n\n"+note)
		}
	}
	return out
}
