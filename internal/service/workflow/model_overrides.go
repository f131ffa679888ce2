// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// expandCatalog is the engine's catalog with model_overrides applied.
func expandCatalog(ctx context.Context, m *inputsModel) (*placement.Catalog, diag.Diagnostics) {
	cat := placement.DefaultCatalog()
	var diags diag.Diagnostics
	if m.ModelOverride.IsNull() || m.ModelOverride.IsUnknown() {
		return cat, diags
	}
	for _, e := range m.ModelOverride.Elements() {
		if e.IsUnknown() {
			return cat, diags
		}
	}
	var overrides map[string]float64
	diags.Append(m.ModelOverride.ElementsAs(ctx, &overrides, false)...)
	for _, k := range sortedKeys(overrides) {
		if err := cat.Set(k, overrides[k], srcModelOverride); err != nil {
			diags.AddAttributeError(path.Root("model_overrides").AtMapKey(k), "Invalid model override", err.Error())
		}
	}
	if diags.HasError() {
		return cat, diags
	}
	// Values valid each but not together, or whose sum the engine refuses: at the key concerned.
	if err := cat.Check(); err != nil {
		at := path.Root("model_overrides")
		names := sortedKeys(overrides) // a sum out of bounds: the one value overridden, if only one is
		var ve *placement.ValueError
		if errors.As(err, &ve) {
			names = ve.Names
		}
		for _, n := range names {
			if _, ok := overrides[n]; ok && (ve != nil || len(overrides) == 1) {
				at = at.AtMapKey(n)
				break
			}
		}
		diags.AddAttributeError(at, "Invalid model overrides", err.Error())
	}
	return cat, diags
}
