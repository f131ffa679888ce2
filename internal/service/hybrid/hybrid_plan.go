// SPDX-License-Identifier: MPL-2.0

package hybrid

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/datasync"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/pcluster"
)

// ValidateConfig checks the parts' rules at plan time, with the rules of the parts' own packages.
func (r *hybridResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m hybridModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if l := m.Lustre; l != nil && m.DataLake != nil {
		ws := lustre.WorkspaceSpec{DeploymentType: knownString(l.DeploymentType), StorageType: knownString(l.StorageType),
			ThroughputUnknown: l.PerUnitStorageThroughput.IsUnknown()}
		if ws.StorageType == "" && l.StorageType.IsNull() {
			ws.StorageType = lustre.StorageSSD
		}
		if !l.StorageCapacityGiB.IsUnknown() && !l.StorageCapacityGiB.IsNull() {
			ws.StorageCapacityGiB = ptr(l.StorageCapacityGiB.ValueInt64())
		}
		if !l.PerUnitStorageThroughput.IsUnknown() && !l.PerUnitStorageThroughput.IsNull() {
			ws.PerUnitStorageThroughput = ptr(l.PerUnitStorageThroughput.ValueInt64())
		}
		for _, p := range lustre.ValidateWorkspace(ws) {
			resp.Diagnostics.AddAttributeError(path.Root("lustre").AtName(p.Attribute), p.Summary, p.Detail)
		}
	}
	if h := m.HPC; h != nil {
		seen := map[string]bool{}
		for i, q := range h.Queues {
			at := path.Root("hpc").AtName("queue").AtListIndex(i)
			if n := knownString(q.Name); n != "" {
				if seen[n] {
					resp.Diagnostics.AddAttributeError(at.AtName("name"), "Duplicate queue name",
						fmt.Sprintf("Queue names must be unique (ParallelCluster QueueNameValidator); %q is used twice.", n))
				}
				seen[n] = true
			}
			if !q.MinCount.IsUnknown() && !q.MaxCount.IsUnknown() {
				if err := pcluster.ValidateCounts(q.MinCount.ValueInt64(), q.MaxCount.ValueInt64()); err != nil {
					resp.Diagnostics.AddAttributeError(at.AtName("min_count"), "Invalid node counts", err.Error())
				}
			}
		}
	}
	validateRay(&m, &resp.Diagnostics)
	if in := m.Ingest; in != nil {
		at := path.Root("ingest")
		if knownString(in.Destination) == "data_lake" && in.DataLakeRoleARN.IsNull() {
			resp.Diagnostics.AddAttributeError(at.AtName("data_lake_role_arn"), "Missing role for the data lake",
				"With destination = \"data_lake\", DataSync needs an IAM role to write the bucket (CreateLocationS3 S3Config.BucketAccessRoleArn is required).")
		}
		if s := knownString(in.Schedule); s != "" {
			if err := datasync.ValidateSchedule(s); err != nil {
				resp.Diagnostics.AddAttributeError(at.AtName("schedule"), "Invalid schedule", err.Error())
			}
		}
	}
	if !m.Tags.IsNull() && !m.Tags.IsUnknown() {
		for k := range m.Tags.Elements() {
			if strings.HasPrefix(k, "rayhpc:") {
				resp.Diagnostics.AddAttributeError(path.Root("tags").AtMapKey(k), "Reserved tag key",
					"Tag keys starting with rayhpc: are the provider's own (ownership of each part).")
			}
		}
	}
}

func knownString(v types.String) string {
	if v.IsUnknown() || v.IsNull() {
		return ""
	}
	return v.ValueString()
}

// partAttributes are each part's computed identifiers: known from the state while the part is left
// alone, unknown in the plan when the part is made again.
var partAttributes = map[string][]string{
	PartEFANetwork:      {"efa_placement_group_name", "efa_security_group_id", "efa_launch_template_id"},
	PartLustreWorkspace: {"lustre_file_system_id", "lustre_dns_name", "lustre_mount_name", "lustre_mount_command", "lustre_security_group_id"},
	PartHPCCluster:      {"hpc_cluster_name", "hpc_head_node_private_ip"},
	PartRayCluster:      {"ray_head_service_name", "ray_dashboard_url", "ray_client_address", "ray_lustre_claim_name"},
	PartIngest:          {"ingest_task_arn"},
}

// ModifyPlan says which parts the apply touches: changed_parts and a warning naming them. The identifiers
// of parts left alone keep their values.
func (r *hybridResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan hybridModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	to, d := plan.expand(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	if plan.HPC != nil && hpcKnown(plan.HPC) {
		resp.Diagnostics.Append(plan.setPlatforms(to)...)
	} else {
		plan.Platforms = types.ObjectUnknown(platformsType.AttrTypes)
	}
	if req.State.Raw.IsNull() {
		all := []Change{{PartEFANetwork, ActionCreate}, {PartLustreWorkspace, ActionCreate}, {PartHPCCluster, ActionCreate}}
		if plan.Ray != nil {
			all = append(all, Change{PartRayCluster, ActionCreate})
		}
		if plan.Ingest != nil {
			all = append(all, Change{PartIngest, ActionCreate})
		}
		plan.ChangedParts = changeList(all)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	var state hybridModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	h, d := loadPrivate(ctx, req.Private, state.Name.ValueString())
	resp.Diagnostics.Append(d...)
	from, d := state.expand(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	changes := Changes(h, from, to)
	touched := map[string]string{}
	for _, c := range changes {
		touched[c.Part] = c.Action
	}
	planIdentifiers(ctx, req, resp, touched)
	if len(changes) == 0 {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("changed_parts"), state.ChangedParts)...)
	} else {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("changed_parts"), changeList(changes))...)
		var untouched []string
		for _, p := range []string{PartEFANetwork, PartLustreWorkspace, PartHPCCluster, PartRayCluster, PartIngest} {
			if _, ok := touched[p]; !ok && (p != PartIngest || plan.Ingest != nil) && (p != PartRayCluster || plan.Ray != nil) {
				untouched = append(untouched, p)
			}
		}
		resp.Diagnostics.AddWarning(fmt.Sprintf("rayhpc_hybrid_cluster %s: this apply changes %s", plan.Name.ValueString(), describeChanges(changes)),
			fmt.Sprintf("Left alone: %s.", Describe(untouched)))
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("platforms"), plan.Platforms)...)
}

// planIdentifiers keeps the state's identifiers of every part the apply does not make again; those of
// parts made again are unknown until the apply.
func planIdentifiers(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, touched map[string]string) {
	for part, attrs := range partAttributes {
		remake := touched[part] == ActionCreate || touched[part] == ActionReplace
		for _, a := range attrs {
			v := types.StringUnknown()
			switch {
			case touched[part] == ActionDelete:
				v = types.StringNull()
			// A repaired network keeps its security group; its launch template and placement group are new.
			case !remake && (touched[part] != ActionRepair || a == "efa_security_group_id"):
				resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(a), &v)...)
			}
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(a), v)...)
		}
	}
}

func describeChanges(changes []Change) string {
	parts := make([]string, len(changes))
	for i, c := range changes {
		parts[i] = c.Part + " (" + c.Action + ")"
	}
	return strings.Join(parts, ", ")
}

func hpcKnown(h *hpcModel) bool {
	for _, q := range h.Queues {
		if q.Name.IsUnknown() || q.InstanceType.IsUnknown() || q.MinCount.IsUnknown() || q.MaxCount.IsUnknown() || q.EFA.IsUnknown() {
			return false
		}
	}
	return true
}
