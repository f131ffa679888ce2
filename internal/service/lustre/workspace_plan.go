// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ValidateConfig checks every FSx rule that the configuration alone decides (values unknown at this point
// are skipped and checked again in ModifyPlan once known). Each rule is reported once, from validate.go.
func (r *workspaceResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg workspaceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	spec, d := cfg.spec(ctx)
	resp.Diagnostics.Append(d...)
	addProblems(&resp.Diagnostics, ValidateWorkspace(spec))
}

type diagAdder interface {
	AddAttributeError(path.Path, string, string)
}

func problemPath(p Problem) path.Path {
	at := path.Root(p.Attribute)
	if p.Index >= 0 {
		at = at.AtListIndex(p.Index)
		if p.Nested != "" {
			at = at.AtName(p.Nested)
		}
	}
	return at
}

func addProblems(diags diagAdder, problems []Problem) {
	for _, p := range problems {
		diags.AddAttributeError(problemPath(p), p.Summary, p.Detail)
	}
}

// ModifyPlan sets the default Lustre version of new workspaces, checks the rules that depend on values
// only known now (from other resources) and what FSx can change in place (capacity only grows, at most
// every 6 hours; the version is only upgraded; an EFA file system keeps its throughput), replaces a file
// system that is being deleted, keeps the IDs of unchanged associations and computes the outputs that
// follow from the plan.
func (r *workspaceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, cfg workspaceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	creating := req.State.Raw.IsNull()
	if creating && cfg.FileSystemTypeVersion.IsNull() {
		plan.FileSystemTypeVersion = types.StringValue(DefaultFileSystemTypeVersion)
	}
	to, d := plan.spec(ctx)
	resp.Diagnostics.Append(d...)
	if hasUnknowns(cfg) || !creating {
		// ValidateConfig skipped the rules that need values it did not know; they are known now (or still
		// unknown, and skipped again). An update also checks the values the plan takes from state (a Lustre
		// version of 2.10 with associations added). A configuration with problems never gets here, so each
		// is reported once.
		addProblems(&resp.Diagnostics, ValidateWorkspace(to))
	}
	if creating {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	var state workspaceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	from, d := state.spec(ctx)
	resp.Diagnostics.Append(d...)
	addProblems(&resp.Diagnostics, r.changeProblems(ctx, req, from, to))
	if resp.Diagnostics.HasError() {
		return
	}
	if lc := state.Lifecycle.ValueString(); lc == "DELETING" || lc == lifecycleDeleted {
		// An interrupted destroy (or a delete outside Terraform): replace the workspace, removing what is left.
		plan.Lifecycle = types.StringUnknown()
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("lifecycle_state"))
	}
	keepAssociations(&plan, &state)
	plan.setDerived()
	if !known(plan.StorageCapacityGiB) {
		plan.KubernetesPersistentVolume = types.StringUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// changeProblems are the rules of a change of an existing workspace: ValidateWorkspaceChange and the
// 6-hour rule of storage increases, from when the last one was requested (read by the last refresh).
func (r *workspaceResource) changeProblems(ctx context.Context, req resource.ModifyPlanRequest, from, to WorkspaceSpec) []Problem {
	out := ValidateWorkspaceChange(from, to)
	if grows(from, to) {
		b, d := req.Private.GetKey(ctx, lastIncreaseKey)
		if !d.HasError() && len(b) > 0 {
			if s, err := strconv.Unquote(string(b)); err == nil && s != "" {
				if last, err := time.Parse(time.RFC3339, s); err == nil {
					if p := ValidateStorageIncrease(last, time.Now()); p != nil {
						out = append(out, *p)
					}
				}
			}
		}
	}
	return out
}

// keepAssociations gives the planned associations that stay as they are their ID and lifecycle.
func keepAssociations(plan, state *workspaceModel) {
	for i := range plan.DataRepositories {
		p := &plan.DataRepositories[i]
		for _, s := range state.DataRepositories {
			if !known(s.ID) || !SameAssociation(s.spec(), p.spec()) {
				continue
			}
			p.ID = s.ID
			if SameEvents(s.spec(), p.spec()) && eventsKnown(*p) {
				p.Lifecycle = s.Lifecycle
			}
			break
		}
	}
}

func eventsKnown(r repoModel) bool { return !r.AutoImport.IsUnknown() && !r.AutoExport.IsUnknown() }

// spec is the association's spec (values not known are empty).
func (r repoModel) spec() DataRepositorySpec {
	s := DataRepositorySpec{
		ID: r.ID.ValueString(), FileSystemPath: r.FileSystemPath.ValueString(), S3URI: r.S3URI.ValueString(),
		ImportMetadataOnCreate: r.ImportMetadataOnCreate.ValueBool(),
	}
	for _, e := range r.AutoImport.Elements() {
		if v, ok := e.(types.String); ok {
			s.AutoImport = append(s.AutoImport, v.ValueString())
		}
	}
	for _, e := range r.AutoExport.Elements() {
		if v, ok := e.(types.String); ok {
			s.AutoExport = append(s.AutoExport, v.ValueString())
		}
	}
	return s
}

func hasUnknowns(m workspaceModel) bool {
	if m.DeploymentType.IsUnknown() || m.StorageType.IsUnknown() || m.StorageCapacityGiB.IsUnknown() ||
		m.PerUnitStorageThroughput.IsUnknown() || m.EFAEnabled.IsUnknown() || m.FileSystemTypeVersion.IsUnknown() ||
		m.Name.IsUnknown() || m.SubnetID.IsUnknown() || m.RootSquash.IsUnknown() || m.Tags.IsUnknown() ||
		m.SecurityGroupIDs.IsUnknown() || m.AllowedSecurityGroupIDs.IsUnknown() {
		return true
	}
	for _, r := range m.DataRepositories {
		if r.FileSystemPath.IsUnknown() || r.S3URI.IsUnknown() {
			return true
		}
	}
	return false
}
