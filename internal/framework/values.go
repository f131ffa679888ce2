// SPDX-License-Identifier: MPL-2.0

package framework

import (
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// StringOrNull is s as a string value, "" as null: for optional attributes that an API reports as empty
// when they are unset.
func StringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// UnknownBlocks reports whether a block (a single block, or a list or set of blocks) is unknown, as when
// a dynamic block iterates over a value known only after apply (a module input wired from another
// resource) or over a module's variable when terraform validates the module. Models hold blocks in Go
// slices and pointers, which cannot hold an unknown value, so the plan-time checks wait until Terraform
// calls again with the blocks known.
func UnknownBlocks(v tftypes.Value) bool {
	found := false
	_ = tftypes.Walk(v, func(_ *tftypes.AttributePath, v tftypes.Value) (bool, error) {
		if found {
			return false, nil
		}
		if !v.IsKnown() {
			switch t := v.Type().(type) {
			case tftypes.Object:
				found = true
			case tftypes.List:
				_, found = t.ElementType.(tftypes.Object)
			case tftypes.Set:
				_, found = t.ElementType.(tftypes.Object)
			}
			return false, nil
		}
		return true, nil
	})
	return found
}
