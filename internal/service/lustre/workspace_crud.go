// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// cleanupTimeout bounds the removal of a security group left by a CreateFileSystem call that failed.
const cleanupTimeout = 5 * time.Minute

func (r *workspaceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan workspaceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "workspace_name", name)
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := r.Client()
	conn := c.FSx()

	tags, d := plan.resourceTags(ctx, c.MergeTags)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}

	// The security group, unless the configuration brings its own.
	var sgIDs []string
	plan.SecurityGroupID = types.StringNull()
	if plan.SecurityGroupIDs.IsNull() {
		sgTags := map[string]string{}
		for k, v := range tags {
			sgTags[k] = v
		}
		sgTags[nameTagKey] = name + "-lustre"
		var allowedGroups, allowedCIDRs []string
		allowedGroups = stringSet(ctx, plan.AllowedSecurityGroupIDs, &resp.Diagnostics)
		allowedCIDRs = stringSet(ctx, plan.AllowedCIDRBlocks, &resp.Diagnostics)
		sgID, err := createSecurityGroup(ctx, c.EC2(), name, plan.SubnetID.ValueString(), sgTags, allowedGroups, allowedCIDRs)
		if err != nil {
			if sgID != "" {
				r.cleanupSecurityGroup(ctx, sgID)
			}
			resp.Diagnostics.AddError(fmt.Sprintf("creating security group for FSx for Lustre workspace (%s)", name),
				err.Error()+"\n\nThe workspace creates a security group in the VPC of subnet_id when security_group_ids is not set; "+
					"check that the subnet exists and that the credentials may manage EC2 security groups.")
			return
		}
		plan.SecurityGroupID = types.StringValue(sgID)
		sgIDs = []string{sgID}
	} else {
		sgIDs = stringSet(ctx, plan.SecurityGroupIDs, &resp.Diagnostics)
	}

	in, d := plan.expandCreate(ctx, tags, sgIDs)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := conn.CreateFileSystem(ctx, in)
	if err != nil {
		if known(plan.SecurityGroupID) {
			r.cleanupSecurityGroup(ctx, plan.SecurityGroupID.ValueString())
		}
		resp.Diagnostics.AddError(fmt.Sprintf("creating FSx for Lustre file system (%s)", name), err.Error())
		return
	}
	id := aws.ToString(out.FileSystem.FileSystemId)
	ctx = tflog.SetField(ctx, "file_system_id", id)
	// From here on the file system exists: every failure keeps its ID in state (tainted).
	saveMinimal := func() {
		for _, kv := range []struct {
			p string
			v any
		}{
			{"id", types.StringValue(id)}, {"name", plan.Name}, {"deployment_type", plan.DeploymentType},
			{"storage_type", plan.StorageType}, {"storage_capacity_gib", plan.StorageCapacityGiB},
			{"subnet_id", plan.SubnetID}, {"security_group_ids", plan.SecurityGroupIDs},
			{"security_group_id", plan.SecurityGroupID}, {"timeouts", plan.Timeouts},
		} {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(kv.p), kv.v)...)
		}
	}
	if known(plan.SecurityGroupID) {
		if err := tagSecurityGroup(ctx, c.EC2(), plan.SecurityGroupID.ValueString(), id); err != nil {
			resp.Diagnostics.AddWarning(fmt.Sprintf("tagging security group %s", plan.SecurityGroupID.ValueString()),
				err.Error()+"\n\nThe tag only helps `terraform import` find the group again.")
		}
	}

	fs, err := WaitFileSystemCreated(ctx, conn, id, timeout, r.waitOptions)
	if err != nil {
		saveMinimal()
		resp.Diagnostics.AddError(fmt.Sprintf("waiting for FSx for Lustre file system (%s) create", id),
			err.Error()+"\n\nThe file system is kept in state and marked tainted: the next apply deletes and recreates it, "+
				"or `terraform destroy` removes it.")
		return
	}

	// Associations, one at a time (FSx processes a file system's association changes serially).
	for i := range plan.DataRepositories {
		rp := &plan.DataRepositories[i]
		a, err := r.createAssociation(ctx, id, rp, timeout)
		if err != nil {
			saveMinimal()
			resp.Diagnostics.AddAttributeError(path.Root("data_repository").AtListIndex(i),
				fmt.Sprintf("creating FSx data repository association (%s -> %s) on %s", rp.FileSystemPath.ValueString(), rp.S3URI.ValueString(), id),
				err.Error()+"\n\nThe workspace is kept in state and marked tainted.")
			return
		}
		rp.ID = types.StringPointerValue(a.AssociationId)
	}

	resp.Diagnostics.Append(r.refresh(ctx, &plan, fs)...)
	if resp.Diagnostics.HasError() {
		saveMinimal()
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *workspaceResource) cleanupSecurityGroup(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if err := deleteSecurityGroup(ctx, r.Client().EC2(), id); err != nil {
		tflog.Warn(ctx, "could not delete the workspace's security group after a failed create", map[string]any{"security_group_id": id, "error": err.Error()})
	}
}

func (r *workspaceResource) createAssociation(ctx context.Context, fsID string, rp *repoModel, timeout time.Duration) (*fsxtypes.DataRepositoryAssociation, error) {
	conn := r.Client().FSx()
	in, d := rp.expandCreate(ctx, fsID)
	if d.HasError() {
		return nil, fmt.Errorf("%v", d)
	}
	out, err := conn.CreateDataRepositoryAssociation(ctx, in)
	if err != nil {
		return nil, err
	}
	return WaitAssociationAvailable(ctx, conn, aws.ToString(out.Association.AssociationId), timeout, r.waitOptions)
}

// refresh reads the file system's associations and security group rules into m (fs already read).
func (r *workspaceResource) refresh(ctx context.Context, m *workspaceModel, fs *fsxtypes.FileSystem) diag.Diagnostics {
	var diags diag.Diagnostics
	c := r.Client()
	diags.Append(m.flatten(ctx, fs, c.DefaultTags)...)
	assocs, err := FindAssociationsByFileSystemID(ctx, c.FSx(), m.ID.ValueString())
	if err != nil {
		diags.AddError(fmt.Sprintf("reading data repository associations of FSx for Lustre file system (%s)", m.ID.ValueString()), err.Error())
		return diags
	}
	repos, d := flattenRepos(ctx, assocs, m.DataRepositories)
	diags.Append(d...)
	m.DataRepositories = repos

	if m.SecurityGroupID.IsUnknown() {
		m.SecurityGroupID = types.StringNull()
	}
	if m.SecurityGroupID.IsNull() && m.SecurityGroupIDs.IsNull() {
		// Imported: find the group this resource created, if any.
		sg, err := findSecurityGroupByFileSystem(ctx, c.EC2(), m.ID.ValueString())
		if err != nil {
			diags.AddError(fmt.Sprintf("finding the security group of FSx for Lustre workspace (%s)", m.ID.ValueString()), err.Error())
			return diags
		}
		if sg != "" {
			m.SecurityGroupID = types.StringValue(sg)
		}
	}
	if known(m.SecurityGroupID) {
		groups, cidrs, found, err := readSecurityGroupRules(ctx, c.EC2(), m.SecurityGroupID.ValueString())
		if err != nil {
			diags.AddError(fmt.Sprintf("reading security group %s", m.SecurityGroupID.ValueString()), err.Error())
			return diags
		}
		if found {
			m.AllowedSecurityGroupIDs = setOrNull(ctx, groups, m.AllowedSecurityGroupIDs, &diags)
			m.AllowedCIDRBlocks = setOrNull(ctx, cidrs, m.AllowedCIDRBlocks, &diags)
		}
	}
	return diags
}

func setOrNull(ctx context.Context, v []string, prior types.Set, diags *diag.Diagnostics) types.Set {
	if len(v) == 0 && (prior.IsNull() || prior.IsUnknown() || len(prior.Elements()) == 0) {
		if known(prior) {
			return prior
		}
		return types.SetNull(types.StringType)
	}
	s, d := types.SetValueFrom(ctx, types.StringType, v)
	diags.Append(d...)
	return s
}

func (r *workspaceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state workspaceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "file_system_id", id)
	fs, err := FindFileSystemByID(ctx, r.Client().FSx(), id)
	if wait.NotFound(err) {
		resp.Diagnostics.AddWarning(fmt.Sprintf("FSx for Lustre file system (%s) not found", id),
			"The file system was deleted outside Terraform; it is removed from state and the next apply creates it again.")
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading FSx for Lustre file system (%s)", id), err.Error())
		return
	}
	if fs.Lifecycle == fsxtypes.FileSystemLifecycleDeleting {
		resp.Diagnostics.AddWarning(fmt.Sprintf("FSx for Lustre file system (%s) is being deleted", id),
			"The file system is being deleted outside Terraform; it is removed from state.")
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(r.refresh(ctx, &state, fs)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *workspaceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state workspaceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "file_system_id", id)
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := r.Client()
	conn := c.FSx()
	plan.ID, plan.ARN, plan.SecurityGroupID = state.ID, state.ARN, state.SecurityGroupID

	// Tags (and the Name tag).
	oldTags, d := state.resourceTags(ctx, c.MergeTags)
	resp.Diagnostics.Append(d...)
	newTags, d := plan.resourceTags(ctx, c.MergeTags)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := conns.UpdateFSxTags(ctx, conn, state.ARN.ValueString(), oldTags, newTags); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("updating tags of FSx for Lustre file system (%s)", id), err.Error())
		return
	}

	// Security group rules of the group the workspace created.
	if known(state.SecurityGroupID) && (!plan.AllowedSecurityGroupIDs.Equal(state.AllowedSecurityGroupIDs) || !plan.AllowedCIDRBlocks.Equal(state.AllowedCIDRBlocks)) {
		err := updateSecurityGroupRules(ctx, c.EC2(), state.SecurityGroupID.ValueString(),
			stringSet(ctx, state.AllowedSecurityGroupIDs, &resp.Diagnostics), stringSet(ctx, state.AllowedCIDRBlocks, &resp.Diagnostics),
			stringSet(ctx, plan.AllowedSecurityGroupIDs, &resp.Diagnostics), stringSet(ctx, plan.AllowedCIDRBlocks, &resp.Diagnostics))
		if err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("updating security group of FSx for Lustre workspace (%s)", id), err.Error())
			return
		}
	}

	// File system settings: one UpdateFileSystem, after any earlier administrative action has finished.
	if in := expandUpdate(&state, &plan); in != nil {
		if _, err := WaitFileSystemIdle(ctx, conn, id, timeout, r.waitOptions); err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("waiting for FSx for Lustre file system (%s) to finish its previous update", id), err.Error())
			return
		}
		requested := time.Now()
		out, err := conn.UpdateFileSystem(ctx, in)
		if err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("updating FSx for Lustre file system (%s)", id), err.Error())
			return
		}
		since := UpdateRequestTime(out.FileSystem, requested)
		if _, err := WaitFileSystemUpdated(ctx, conn, id, since, timeout, r.waitOptions); err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("waiting for FSx for Lustre file system (%s) update", id), err.Error())
			return
		}
	}

	// Associations: removals first (they free paths), then changes, then additions — one at a time.
	if err := r.updateAssociations(ctx, id, state.DataRepositories, plan.DataRepositories, timeout); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("updating data repository associations of FSx for Lustre file system (%s)", id), err.Error())
		// Record what exists now, so that the next plan shows the remaining difference.
		if fs, ferr := FindFileSystemByID(ctx, conn, id); ferr == nil {
			state.DataRepositories = nil
			for i := range plan.DataRepositories {
				if known(plan.DataRepositories[i].ID) {
					state.DataRepositories = append(state.DataRepositories, plan.DataRepositories[i])
				}
			}
			if d := r.refresh(ctx, &state, fs); !d.HasError() {
				resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			}
		}
		return
	}

	fs, err := FindFileSystemByID(ctx, conn, id)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading FSx for Lustre file system (%s)", id), err.Error())
		return
	}
	resp.Diagnostics.Append(r.refresh(ctx, &plan, fs)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// updateAssociations applies the association changes; it fills the IDs of the planned associations it
// keeps or creates.
func (r *workspaceResource) updateAssociations(ctx context.Context, fsID string, old, planned []repoModel, timeout time.Duration) error {
	conn := r.Client().FSx()
	kept := map[string]bool{}
	for i := range planned {
		if s := matchRepo(old, planned[i]); s != nil {
			kept[s.ID.ValueString()] = true
			planned[i].ID = s.ID
		} else {
			planned[i].ID = types.StringUnknown()
		}
	}
	for _, s := range old {
		if !known(s.ID) || kept[s.ID.ValueString()] {
			continue
		}
		aid := s.ID.ValueString()
		tflog.Info(ctx, "deleting data repository association", map[string]any{"association_id": aid})
		_, err := conn.DeleteDataRepositoryAssociation(ctx, &fsx.DeleteDataRepositoryAssociationInput{
			AssociationId: aws.String(aid), DeleteDataInFileSystem: aws.Bool(false),
		})
		var nf *fsxtypes.DataRepositoryAssociationNotFound
		if err != nil && !errors.As(err, &nf) {
			return fmt.Errorf("deleting association %s (%s): %w", aid, s.FileSystemPath.ValueString(), err)
		}
		if err := WaitAssociationDeleted(ctx, conn, aid, timeout, r.waitOptions); err != nil {
			return fmt.Errorf("waiting for association %s delete: %w", aid, err)
		}
	}
	for i := range planned {
		p := &planned[i]
		if !known(p.ID) {
			continue
		}
		s := matchRepo(old, *p)
		if s == nil || reposEqual(*s, *p) {
			continue
		}
		s3, d := p.s3Config(ctx, true)
		if d.HasError() {
			return fmt.Errorf("%v", d)
		}
		aid := p.ID.ValueString()
		tflog.Info(ctx, "updating data repository association", map[string]any{"association_id": aid})
		if _, err := conn.UpdateDataRepositoryAssociation(ctx, &fsx.UpdateDataRepositoryAssociationInput{AssociationId: aws.String(aid), S3: s3}); err != nil {
			return fmt.Errorf("updating association %s (%s): %w", aid, p.FileSystemPath.ValueString(), err)
		}
		if _, err := WaitAssociationAvailable(ctx, conn, aid, timeout, r.waitOptions); err != nil {
			return fmt.Errorf("waiting for association %s update: %w", aid, err)
		}
	}
	for i := range planned {
		p := &planned[i]
		if known(p.ID) {
			continue
		}
		a, err := r.createAssociation(ctx, fsID, p, timeout)
		if err != nil {
			p.ID = types.StringNull()
			return fmt.Errorf("creating association %s -> %s: %w", p.FileSystemPath.ValueString(), p.S3URI.ValueString(), err)
		}
		p.ID = types.StringPointerValue(a.AssociationId)
	}
	return nil
}

func (r *workspaceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state workspaceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "file_system_id", id)
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := r.Client()
	conn := c.FSx()

	// Deleting the file system deletes its data repository associations (the S3 data stays).
	_, err := conn.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String(id)})
	var nf *fsxtypes.FileSystemNotFound
	if err != nil && !errors.As(err, &nf) {
		resp.Diagnostics.AddError(fmt.Sprintf("deleting FSx for Lustre file system (%s)", id), err.Error())
		return
	}
	if err := WaitFileSystemDeleted(ctx, conn, id, timeout, r.waitOptions); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("waiting for FSx for Lustre file system (%s) delete", id), err.Error())
		return
	}
	if known(state.SecurityGroupID) {
		if err := deleteSecurityGroup(ctx, c.EC2(), state.SecurityGroupID.ValueString()); err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("deleting security group %s of FSx for Lustre workspace (%s)", state.SecurityGroupID.ValueString(), id),
				err.Error()+"\n\nThe file system is deleted; delete the security group by hand if it is no longer used.")
		}
	}
}
