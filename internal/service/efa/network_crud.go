// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/awserr"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// resolved is what Create and Update need from EC2 before writing: the instance type (for the ENI
// layout), the subnet's VPC and Availability Zone, and the AMI's root device name.
func resolve(ctx context.Context, conn *ec2.Client, m *networkModel, needSubnet bool) (checked, error) {
	var c checked
	ti, err := findInstanceType(ctx, conn, m.InstanceType.ValueString())
	if err != nil {
		return c, err
	}
	if !ti.EFASupported {
		return c, fmt.Errorf("instance type %s does not support EFA", ti.Name)
	}
	c.Type = ti
	if needSubnet {
		sn, err := findSubnet(ctx, conn, m.SubnetID.ValueString())
		if err != nil {
			return c, err
		}
		c.VPCID, c.AZ = aws.ToString(sn.VpcId), aws.ToString(sn.AvailabilityZone)
	}
	lt, _ := m.launchTemplate(ctx)
	if lt != nil && !lt.RootVolumeSizeGiB.IsNull() && lt.ImageID.ValueString() != "" {
		img, err := findImage(ctx, conn, lt.ImageID.ValueString())
		if err != nil {
			return c, err
		}
		c.RootDeviceName = aws.ToString(img.RootDeviceName)
	}
	return c, nil
}

func (r *networkResource) allTags(ctx context.Context, m *networkModel) (map[string]string, diag.Diagnostics) {
	own, diags := m.tags(ctx)
	tags := r.Client().MergeTags(own)
	if _, ok := tags["Name"]; !ok {
		tags["Name"] = m.Name.ValueString()
	}
	return tags, diags
}

// settle replaces the unknown computed values of a partly created network so it can be saved.
func (m *networkModel) settle() {
	for _, s := range []*types.String{&m.PlacementGroupName, &m.SecurityGroupID, &m.LaunchTemplateID, &m.AvailabilityZone, &m.VPCID} {
		if s.IsUnknown() {
			*s = types.StringValue("")
		}
	}
	for _, i := range []*types.Int64{&m.LaunchTemplateLatestVersion, &m.EFAInterfaceCount, &m.GPUCount} {
		if i.IsUnknown() {
			*i = types.Int64Value(0)
		}
	}
}

func (r *networkResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan networkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "efa_network_name", name)
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn := r.Client().EC2()
	summary := fmt.Sprintf("creating EFA network (%s)", name)

	c, err := resolve(ctx, conn, &plan, true)
	if err != nil {
		resp.Diagnostics.AddError(summary, err.Error()+"\nThe instance type, subnet or AMI could not be read; check them and the ec2:Describe* permissions.")
		return
	}
	tags, d := r.allTags(ctx, &plan)
	resp.Diagnostics.Append(d...)
	extra, d := plan.additionalGroups(ctx)
	resp.Diagnostics.Append(d...)
	lt, d := plan.launchTemplate(ctx)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}

	plan.ID = types.StringValue(name)
	plan.AvailabilityZone, plan.VPCID = types.StringValue(c.AZ), types.StringValue(c.VPCID)
	plan.EFAInterfaceCount = types.Int64Value(int64(c.Type.efaInterfaceCount()))
	plan.GPUCount = types.Int64Value(int64(c.Type.GPUs))
	// Whatever has been created is saved (tainted) if a later step fails, so nothing is orphaned.
	saveProgress := func() {
		p := plan
		p.settle()
		resp.Diagnostics.Append(resp.State.Set(ctx, &p)...)
	}

	pgName := ""
	if plan.PlacementStrategy.ValueString() == strategyCluster {
		tflog.Debug(ctx, "creating cluster placement group")
		_, err := conn.CreatePlacementGroup(ctx, &ec2.CreatePlacementGroupInput{
			GroupName:         aws.String(name),
			Strategy:          ec2types.PlacementStrategyCluster,
			TagSpecifications: tagSpec(ec2types.ResourceTypePlacementGroup, tags),
		})
		if err != nil {
			resp.Diagnostics.AddError(summary, "creating cluster placement group: "+err.Error()+
				"\nA placement group of this name may already exist; choose another name or import it.")
			return
		}
		pgName = name
	}
	plan.PlacementGroupName = types.StringValue(pgName)
	saveProgress()

	tflog.Debug(ctx, "creating EFA security group", map[string]any{"vpc_id": c.VPCID})
	sgOut, err := conn.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName:         aws.String(name),
		Description:       aws.String("EFA: all traffic to and from itself (rayhpc_efa_network " + name + ")"),
		VpcId:             aws.String(c.VPCID),
		TagSpecifications: tagSpec(ec2types.ResourceTypeSecurityGroup, tags),
	})
	if err != nil {
		resp.Diagnostics.AddError(summary, "creating EFA security group: "+err.Error())
		return
	}
	sgID := aws.ToString(sgOut.GroupId)
	plan.SecurityGroupID = types.StringValue(sgID)
	saveProgress()
	if err := authorizeEFARules(ctx, conn, sgID); err != nil {
		resp.Diagnostics.AddError(summary, fmt.Sprintf("authorizing EFA security group (%s) rules: %s", sgID, err))
		return
	}

	data := expandLaunchTemplateData(launchTemplateInput{
		InstanceType: c.Type.Name, SubnetID: plan.SubnetID.ValueString(), SecurityGroupID: sgID,
		AdditionalGroups: extra, PlacementGroupName: pgName, Layout: efaLayout(c.Type), Settings: lt,
		RootDeviceName: c.RootDeviceName,
	})
	ltOut, err := conn.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String(name),
		LaunchTemplateData: data,
		VersionDescription: aws.String(c.Type.Name),
		TagSpecifications:  tagSpec(ec2types.ResourceTypeLaunchTemplate, tags),
	})
	if err != nil {
		resp.Diagnostics.AddError(summary, "creating launch template: "+err.Error())
		return
	}
	plan.LaunchTemplateID = types.StringValue(aws.ToString(ltOut.LaunchTemplate.LaunchTemplateId))
	plan.LaunchTemplateLatestVersion = types.Int64Value(aws.ToInt64(ltOut.LaunchTemplate.LatestVersionNumber))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// authorizeEFARules lets all traffic in from and out to the group itself, as EFA requires, and
// makes sure egress to anywhere is allowed (VPC security groups start with that rule).
func authorizeEFARules(ctx context.Context, conn *ec2.Client, sgID string) error {
	self := []ec2types.IpPermission{{IpProtocol: aws.String("-1"), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(sgID)}}}}
	if _, err := conn.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sgID), IpPermissions: self}); err != nil && !awserr.Is(err, "InvalidPermission.Duplicate") {
		return err
	}
	if _, err := conn.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(sgID), IpPermissions: self}); err != nil && !awserr.Is(err, "InvalidPermission.Duplicate") {
		return err
	}
	anywhere := []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}
	if _, err := conn.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(sgID), IpPermissions: anywhere}); err != nil && !awserr.Is(err, "InvalidPermission.Duplicate") {
		return err
	}
	return nil
}

func (r *networkResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state networkModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	if name == "" {
		name = state.ID.ValueString()
		state.Name = types.StringValue(name)
	}
	ctx = tflog.SetField(ctx, "efa_network_name", name)
	conn := r.Client().EC2()
	importing := state.LaunchTemplateID.IsNull()
	summary := fmt.Sprintf("reading EFA network (%s)", name)
	prevType := state.InstanceType.ValueString()

	var gone []string
	lt, err := findLaunchTemplate(ctx, conn, state.LaunchTemplateID.ValueString(), name)
	switch {
	case wait.NotFound(err) && importing:
		resp.Diagnostics.AddError(fmt.Sprintf("importing EFA network (%s)", name),
			fmt.Sprintf("no launch template named %q: import an EFA network by its name (the name of its launch template).", name))
		return
	case wait.NotFound(err):
		state.LaunchTemplateID = types.StringValue("")
		gone = append(gone, "launch template")
	case err != nil:
		resp.Diagnostics.AddError(summary, err.Error())
		return
	default:
		ltID := aws.ToString(lt.LaunchTemplateId)
		v, err := findLaunchTemplateVersion(ctx, conn, ltID, "$Default")
		if err != nil && !wait.NotFound(err) {
			resp.Diagnostics.AddError(summary, err.Error())
			return
		}
		state.LaunchTemplateID = types.StringValue(ltID)
		state.LaunchTemplateLatestVersion = types.Int64Value(aws.ToInt64(lt.LatestVersionNumber))
		if v != nil {
			resp.Diagnostics.Append(state.flattenLaunchTemplateData(ctx, v.LaunchTemplateData)...)
		}
	}
	if state.ID.IsNull() || state.ID.ValueString() == "" {
		state.ID = types.StringValue(name)
	}
	if state.PlacementStrategy.IsNull() {
		state.PlacementStrategy = types.StringValue(strategyCluster)
	}

	if id := state.SecurityGroupID.ValueString(); id != "" {
		sg, err := findSecurityGroup(ctx, conn, id)
		switch {
		case wait.NotFound(err):
			state.SecurityGroupID = types.StringValue("")
			gone = append(gone, "security group "+id)
		case err != nil:
			resp.Diagnostics.AddError(summary, err.Error())
			return
		default:
			state.VPCID = types.StringValue(aws.ToString(sg.VpcId))
			// The security group carries the network's tags, as its launch template does (moto does not
			// report tags added to a launch template after its creation; security groups it does).
			remote := make(map[string]string, len(sg.Tags))
			for _, t := range sg.Tags {
				remote[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			if own, _ := state.tags(ctx); remote["Name"] == name && own["Name"] == "" {
				delete(remote, "Name")
			}
			tags, d := framework.FlattenTags(ctx, remote, state.Tags, r.Client().DefaultTags)
			resp.Diagnostics.Append(d...)
			state.Tags = tags
		}
	}
	if pg := state.PlacementGroupName.ValueString(); pg != "" {
		_, err := findPlacementGroup(ctx, conn, pg)
		switch {
		case wait.NotFound(err):
			state.PlacementGroupName = types.StringValue("")
			gone = append(gone, "placement group "+pg)
		case err != nil:
			resp.Diagnostics.AddError(summary, err.Error())
			return
		}
	}
	allGone := state.LaunchTemplateID.ValueString() == "" && state.SecurityGroupID.ValueString() == "" &&
		(state.PlacementStrategy.ValueString() == strategyNone || state.PlacementGroupName.ValueString() == "")
	if allGone {
		resp.Diagnostics.AddWarning("EFA network not found, removing from state",
			fmt.Sprintf("The placement group, security group and launch template of EFA network %q no longer exist; Terraform will create it again.", name))
		resp.State.RemoveResource(ctx)
		return
	}
	if len(gone) > 0 {
		resp.Diagnostics.AddWarning(fmt.Sprintf("EFA network (%s) partly deleted outside Terraform", name),
			fmt.Sprintf("No longer found: %v. The next apply replaces the network.", gone))
	}

	// Facts derived from the instance type and the subnet: read them when importing or when the
	// instance type changed outside Terraform.
	if importing || state.GPUCount.IsNull() || state.InstanceType.ValueString() != prevType {
		if ti, err := findInstanceType(ctx, conn, state.InstanceType.ValueString()); err == nil {
			state.GPUCount = types.Int64Value(int64(ti.GPUs))
		} else if !wait.NotFound(err) {
			resp.Diagnostics.AddError(summary, err.Error())
			return
		}
	}
	if state.AvailabilityZone.IsNull() || state.AvailabilityZone.ValueString() == "" {
		if sn, err := findSubnet(ctx, conn, state.SubnetID.ValueString()); err == nil {
			state.AvailabilityZone, state.VPCID = types.StringValue(aws.ToString(sn.AvailabilityZone)), types.StringValue(aws.ToString(sn.VpcId))
		} else if !wait.NotFound(err) {
			resp.Diagnostics.AddError(summary, err.Error())
			return
		}
	}
	state.settle()
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *networkResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state networkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "efa_network_name", name)
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn := r.Client().EC2()
	summary := fmt.Sprintf("updating EFA network (%s)", name)
	ltID := state.LaunchTemplateID.ValueString()

	if launchTemplateChanged(ctx, &state, &plan) {
		c, err := resolve(ctx, conn, &plan, false)
		if err != nil {
			resp.Diagnostics.AddError(summary, err.Error())
			return
		}
		extra, d := plan.additionalGroups(ctx)
		resp.Diagnostics.Append(d...)
		lt, d := plan.launchTemplate(ctx)
		resp.Diagnostics.Append(d...)
		if resp.Diagnostics.HasError() {
			return
		}
		data := expandLaunchTemplateData(launchTemplateInput{
			InstanceType: c.Type.Name, SubnetID: plan.SubnetID.ValueString(), SecurityGroupID: state.SecurityGroupID.ValueString(),
			AdditionalGroups: extra, PlacementGroupName: state.PlacementGroupName.ValueString(), Layout: efaLayout(c.Type),
			Settings: lt, RootDeviceName: c.RootDeviceName,
		})
		tflog.Debug(ctx, "creating launch template version", map[string]any{"instance_type": c.Type.Name})
		out, err := conn.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{
			LaunchTemplateId: aws.String(ltID), LaunchTemplateData: data, VersionDescription: aws.String(c.Type.Name),
		})
		if err != nil {
			resp.Diagnostics.AddError(summary, "creating launch template version: "+err.Error())
			return
		}
		version := aws.ToInt64(out.LaunchTemplateVersion.VersionNumber)
		if _, err := conn.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{
			LaunchTemplateId: aws.String(ltID), DefaultVersion: aws.String(fmt.Sprint(version)),
		}); err != nil {
			resp.Diagnostics.AddError(summary, fmt.Sprintf("making launch template version %d the default: %s", version, err))
			return
		}
		plan.LaunchTemplateLatestVersion = types.Int64Value(version)
		plan.EFAInterfaceCount = types.Int64Value(int64(c.Type.efaInterfaceCount()))
		plan.GPUCount = types.Int64Value(int64(c.Type.GPUs))
	}

	if !plan.Tags.Equal(state.Tags) {
		newTags, d := r.allTags(ctx, &plan)
		resp.Diagnostics.Append(d...)
		oldTags, d := r.allTags(ctx, &state)
		resp.Diagnostics.Append(d...)
		if err := updateTags(ctx, conn, []string{state.SecurityGroupID.ValueString(), ltID}, oldTags, newTags); err != nil {
			resp.Diagnostics.AddError(summary, "updating tags: "+err.Error())
			return
		}
	}
	plan.settle()
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// updateTags applies a tag change to the security group and the launch template. (The placement
// group keeps the tags it was created with.)
func updateTags(ctx context.Context, conn *ec2.Client, ids []string, oldTags, newTags map[string]string) error {
	remove, set := framework.TagsDiff(oldTags, newTags)
	if len(remove) > 0 {
		keys := make([]ec2types.Tag, 0, len(remove))
		for _, k := range remove {
			keys = append(keys, ec2types.Tag{Key: aws.String(k)})
		}
		if _, err := conn.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: ids, Tags: keys}); err != nil {
			return err
		}
	}
	if len(set) > 0 {
		if _, err := conn.CreateTags(ctx, &ec2.CreateTagsInput{Resources: ids, Tags: ec2Tags(set)}); err != nil {
			return err
		}
	}
	return nil
}

func (r *networkResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state networkModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	ctx = tflog.SetField(ctx, "efa_network_name", name)
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn := r.Client().EC2()
	summary := fmt.Sprintf("deleting EFA network (%s)", name)

	if id := state.LaunchTemplateID.ValueString(); id != "" {
		_, err := conn.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(id)})
		if err != nil && !awserr.Is(err, notFoundLaunchTemplate...) {
			resp.Diagnostics.AddError(summary, fmt.Sprintf("deleting launch template (%s): %s", id, err))
			return
		}
	}
	// Instances still using the security group or the placement group make EC2 refuse the delete
	// (DependencyViolation / InvalidPlacementGroup.InUse) until they terminate: keep trying.
	if id := state.SecurityGroupID.ValueString(); id != "" {
		err := deleteUntilGone(ctx, fmt.Sprintf("security group (%s)", id), []string{"DependencyViolation", "InvalidGroup.InUse"},
			func(ctx context.Context) error {
				_, err := conn.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
				if awserr.Is(err, notFoundSecurityGroup...) {
					return nil
				}
				return err
			},
			func(ctx context.Context) error { _, err := findSecurityGroup(ctx, conn, id); return err })
		if err != nil {
			resp.Diagnostics.AddError(summary, err.Error()+"\nTerminate the instances that use the security group, then apply again.")
			return
		}
	}
	if pg := state.PlacementGroupName.ValueString(); pg != "" {
		err := deleteUntilGone(ctx, fmt.Sprintf("placement group (%s)", pg), []string{"InvalidPlacementGroup.InUse"},
			func(ctx context.Context) error {
				_, err := conn.DeletePlacementGroup(ctx, &ec2.DeletePlacementGroupInput{GroupName: aws.String(pg)})
				if awserr.Is(err, notFoundPlacementGroup...) {
					return nil
				}
				return err
			},
			func(ctx context.Context) error { _, err := findPlacementGroup(ctx, conn, pg); return err })
		if err != nil {
			resp.Diagnostics.AddError(summary, err.Error()+"\nTerminate the instances in the placement group, then apply again.")
			return
		}
	}
	if id := state.LaunchTemplateID.ValueString(); id != "" {
		if err := waitGone(ctx, func(ctx context.Context) error { _, err := findLaunchTemplate(ctx, conn, id, ""); return err }); err != nil {
			resp.Diagnostics.AddError(summary, fmt.Sprintf("waiting for launch template (%s) to be deleted: %s", id, err))
		}
	}
}

// deleteUntilGone calls del until it stops failing with one of the retryable codes, then waits until
// find reports the object gone.
func deleteUntilGone(ctx context.Context, what string, retryable []string, del, find func(context.Context) error) error {
	// No timeout of its own: the Delete context's deadline bounds it.
	err := wait.RetryWhile(ctx, 0, func(err error) bool { return awserr.Is(err, retryable...) }, del)
	if err != nil {
		return fmt.Errorf("deleting %s: %w", what, err)
	}
	if err := waitGone(ctx, find); err != nil {
		return fmt.Errorf("waiting for %s to be deleted: %w", what, err)
	}
	return nil
}

func waitGone(ctx context.Context, find func(context.Context) error) error {
	_, err := wait.Waiter[struct{}]{
		Refresh: func(ctx context.Context) (struct{}, string, error) {
			if err := find(ctx); err != nil {
				return struct{}{}, "", err
			}
			return struct{}{}, "exists", nil
		},
		Pending: []string{"exists"}, TargetGone: true,
		MinInterval: 500 * time.Millisecond, MaxInterval: 10 * time.Second,
	}.Wait(ctx)
	return err
}
