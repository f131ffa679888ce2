// SPDX-License-Identifier: MPL-2.0

package hybrid

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

var (
	_ resource.ResourceWithConfigure      = (*hybridResource)(nil)
	_ resource.ResourceWithImportState    = (*hybridResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*hybridResource)(nil)
	_ resource.ResourceWithValidateConfig = (*hybridResource)(nil)
)

// NewHybridResource is the rayhpc_hybrid_cluster resource.
func NewHybridResource() resource.Resource { return &hybridResource{} }

type hybridResource struct{ framework.WithClient }

func (r *hybridResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_hybrid_cluster"
}

// privateKey is the private-state key of the environment's parts (Hybrid as JSON): every part's
// identifiers, written after every step, so a failed create or delete leaves exactly what exists recorded.
const privateKey = "parts"

// privateState is where resp.Private lives in each response type.
type privateState interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

type privateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

func savePrivate(ctx context.Context, p privateState, h *Hybrid) diag.Diagnostics {
	b, err := json.Marshal(h)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("recording the hybrid cluster's parts", err.Error())
		return diags
	}
	return p.SetKey(ctx, privateKey, b)
}

func loadPrivate(ctx context.Context, p privateReader, name string) (*Hybrid, diag.Diagnostics) {
	b, diags := p.GetKey(ctx, privateKey)
	h := &Hybrid{Name: name}
	if diags.HasError() || len(b) == 0 {
		return h, diags
	}
	if err := json.Unmarshal(b, h); err != nil {
		diags.AddError("reading the hybrid cluster's recorded parts", err.Error())
	}
	return h, diags
}

// progress records the parts in the private state after every step (called with the progress lock held).
func progress(ctx context.Context, p privateState, diags *diag.Diagnostics) func(*Hybrid) {
	return func(h *Hybrid) { diags.Append(savePrivate(ctx, p, h)...) }
}

// record puts what exists into the state and the private state (Create, Update, Delete on failure too).
func record(ctx context.Context, m *hybridModel, h *Hybrid, st interface {
	Set(context.Context, any) diag.Diagnostics
}, p privateState) diag.Diagnostics {
	m.flatten(h)
	var diags diag.Diagnostics
	diags.Append(savePrivate(ctx, p, h)...)
	diags.Append(st.Set(ctx, m)...)
	return diags
}

func (r *hybridResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan hybridModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "hybrid_cluster_name", name)
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	spec, d := plan.expand(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	h := &Hybrid{Name: name}
	if err := AdoptHybrid(ctx, r.Client(), spec, h); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("creating hybrid cluster (%s)", name), err.Error())
		return
	}
	err := CreateHybrid(ctx, r.Client(), spec, h, progress(ctx, resp.Private, &resp.Diagnostics))
	resp.Diagnostics.Append(plan.setPlatforms(spec)...)
	if err != nil && len(h.Parts()) == 0 {
		resp.Diagnostics.AddError(fmt.Sprintf("creating hybrid cluster (%s)", name), err.Error()+"\nNothing was created.")
		return
	}
	// Whatever exists is recorded, also on failure: Terraform keeps it (tainted) and the next apply or
	// destroy deletes exactly these parts.
	resp.Diagnostics.Append(record(ctx, &plan, h, &resp.State, resp.Private)...)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("creating hybrid cluster (%s)", name),
			fmt.Sprintf("%s\nThe parts made so far (%s) are kept in the state; the next apply deletes them and creates the environment again, destroy deletes them.",
				err, Describe(h.Parts())))
	}
}

func (r *hybridResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state hybridModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	ctx = tflog.SetField(ctx, "hybrid_cluster_name", name)
	prior, d := loadPrivate(ctx, req.Private, name)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	if len(prior.Parts()) == 0 {
		// Imported: find the parts by the tag the environment puts on each.
		found, err := FindHybrid(ctx, r.Client(), name, state.rayAt())
		if err != nil && !wait.NotFound(err) {
			resp.Diagnostics.AddError(fmt.Sprintf("reading hybrid cluster (%s)", name), err.Error())
			return
		}
		if found != nil {
			prior = found
		}
	}
	h, err := ReadHybrid(ctx, r.Client(), prior)
	switch {
	case wait.NotFound(err):
		resp.Diagnostics.AddWarning(fmt.Sprintf("hybrid cluster (%s) not found", name),
			"None of its parts exists any more (deleted outside Terraform): it is removed from the state, and the next apply creates it again.")
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		resp.Diagnostics.AddError(fmt.Sprintf("reading hybrid cluster (%s)", name), err.Error())
		return
	}
	if len(h.Missing) > 0 {
		resp.Diagnostics.AddWarning(fmt.Sprintf("hybrid cluster (%s): parts deleted outside Terraform", name),
			fmt.Sprintf("%s no longer exist(s); the next apply makes exactly these again and leaves the other parts alone.", Describe(h.Missing)))
	}
	resp.Diagnostics.Append(record(ctx, &state, h, &resp.State, resp.Private)...)
}

func (r *hybridResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state hybridModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "hybrid_cluster_name", name)
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	from, d := state.expand(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	to, d := plan.expand(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	h, d := loadPrivate(ctx, req.Private, name)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	changes := Changes(h, from, to)
	tflog.Info(ctx, "updating hybrid cluster", map[string]any{"changes": fmt.Sprint(changes)})
	err := UpdateHybrid(ctx, r.Client(), h, from, to, progress(ctx, resp.Private, &resp.Diagnostics))
	resp.Diagnostics.Append(plan.setPlatforms(to)...)
	if len(changes) > 0 {
		plan.ChangedParts = changeList(changes)
	} else {
		plan.ChangedParts = state.ChangedParts
	}
	if err != nil {
		// The state keeps the configuration it was made from, so the next plan tries the update again.
		state.flatten(h)
		resp.Diagnostics.Append(savePrivate(ctx, resp.Private, h)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		resp.Diagnostics.AddError(fmt.Sprintf("updating hybrid cluster (%s)", name), err.Error())
		return
	}
	resp.Diagnostics.Append(record(ctx, &plan, h, &resp.State, resp.Private)...)
}

func (r *hybridResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state hybridModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	ctx = tflog.SetField(ctx, "hybrid_cluster_name", name)
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	h, d := loadPrivate(ctx, req.Private, name)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if len(h.Parts()) == 0 {
		// Terraform hands the destroy half of a replacement (a tainted environment) no private state: find
		// the parts by their tag, as import does.
		found, err := findAndRead(ctx, r.Client(), name, state.rayAt())
		if err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("deleting hybrid cluster (%s)", name), err.Error())
			return
		}
		h = found
	}
	err := DeleteHybrid(ctx, r.Client(), h, progress(ctx, resp.Private, &resp.Diagnostics))
	for _, w := range h.Warnings {
		resp.Diagnostics.AddWarning(fmt.Sprintf("deleting hybrid cluster (%s)", name), w)
	}
	if err != nil {
		// What is left stays in the state: the next destroy deletes exactly that.
		resp.Diagnostics.Append(record(ctx, &state, h, &resp.State, resp.Private)...)
		resp.Diagnostics.AddError(fmt.Sprintf("deleting hybrid cluster (%s)", name),
			fmt.Sprintf("%s\nParts still to delete: %s.", err, Describe(h.Parts())))
	}
}

// findAndRead finds the environment's parts by their tag and reads them (an environment of which nothing
// exists is empty, not an error).
func findAndRead(ctx context.Context, c *conns.Client, name string, ray *rayAt) (*Hybrid, error) {
	found, err := FindHybrid(ctx, c, name, ray)
	switch {
	case wait.NotFound(err):
		return &Hybrid{Name: name}, nil
	case err != nil:
		return nil, err
	}
	h, err := ReadHybrid(ctx, c, found)
	switch {
	case wait.NotFound(err):
		return &Hybrid{Name: name}, nil
	case err != nil:
		return nil, err
	}
	return h, nil
}

// ImportState takes the environment's name; Read finds the parts by their tags.
func (r *hybridResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("changed_parts"), types.ListValueMust(types.StringType, nil))...)
}
