// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// The attributes that set the head node types of the catalogue.
const (
	attrHPCHead = "hpc_head_node_instance_type"
	attrRayHead = "ray_head_node_instance_type"
)

// headAttrs maps the catalogue's names of the head node types (placement.ValueError names) to their attributes.
var headAttrs = map[string]string{placement.HPCHeadNodeTypeName: attrHPCHead, placement.RayHeadNodeTypeName: attrRayHead}

// expandCatalog is the engine's catalog with the head node types and model_overrides applied. Unknown
// values are left at the catalogue's defaults.
func expandCatalog(ctx context.Context, m *inputsModel) (*placement.Catalog, diag.Diagnostics) {
	cat := placement.DefaultCatalog()
	var diags diag.Diagnostics
	heads := map[string]bool{}
	for _, h := range []struct {
		attr string
		v    types.String
		kind placement.PlatformKind
	}{{attrHPCHead, m.HPCHeadType, placement.KindHPC}, {attrRayHead, m.RayHeadType, placement.KindRay}} {
		if h.v.IsNull() || h.v.IsUnknown() {
			continue
		}
		heads[h.attr] = true
		if err := cat.SetHeadNodeType(h.kind, h.v.ValueString(), "configuration ("+h.attr+")"); err != nil {
			diags.AddAttributeError(path.Root(h.attr), "Invalid head node instance type", h.attr+": "+err.Error())
		}
	}
	overrides, ds := modelOverrides(ctx, m)
	diags.Append(ds...)
	for _, k := range sortedKeys(overrides) {
		if err := cat.Set(k, overrides[k], srcModelOverride); err != nil {
			diags.AddAttributeError(path.Root("model_overrides").AtMapKey(k), "Invalid model override", err.Error())
		}
	}
	if diags.HasError() || (len(overrides) == 0 && len(heads) == 0) {
		return cat, diags
	}
	// Values valid each but not together, or whose sum the engine refuses: at the key or attribute concerned.
	if err := cat.Check(); err != nil {
		summary, at := "Invalid model overrides", checkPath(err, overrides, heads)
		if len(at.Steps()) == 1 {
			summary = "Invalid head node instance type"
		}
		diags.AddAttributeError(at, summary, checkDetail(err))
	}
	return cat, diags
}

// checkDetail is a Check error as the configuration says it: the head node types by their attributes.
func checkDetail(err error) string {
	var ve *placement.ValueError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	names := make([]string, len(ve.Names))
	for i, n := range ve.Names {
		names[i] = n
		if a := headAttrs[n]; a != "" {
			names[i] = a
		}
	}
	return strings.Join(names, " and ") + ": " + ve.Rule
}

// modelOverrides decodes model_overrides (none while it or one of its values is unknown).
func modelOverrides(ctx context.Context, m *inputsModel) (map[string]float64, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m.ModelOverride.IsNull() || m.ModelOverride.IsUnknown() {
		return nil, diags
	}
	for _, e := range m.ModelOverride.Elements() {
		if e.IsUnknown() {
			return nil, diags
		}
	}
	var overrides map[string]float64
	diags.Append(m.ModelOverride.ElementsAs(ctx, &overrides, false)...)
	return overrides, diags
}

// checkPath is where a Check error belongs: the first value it names that model_overrides sets, else the
// head node type attribute it names that is set, else model_overrides (at its one key when only one is
// set: a sum out of bounds is that value's doing).
func checkPath(err error, overrides map[string]float64, heads map[string]bool) path.Path {
	at := path.Root("model_overrides")
	var ve *placement.ValueError
	if !errors.As(err, &ve) {
		if len(overrides) == 1 {
			return at.AtMapKey(sortedKeys(overrides)[0])
		}
		return at
	}
	for _, n := range ve.Names {
		if _, ok := overrides[n]; ok {
			return at.AtMapKey(n)
		}
	}
	for _, n := range ve.Names {
		if a := headAttrs[n]; heads[a] {
			return path.Root(a)
		}
	}
	return at
}
