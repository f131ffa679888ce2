// SPDX-License-Identifier: MPL-2.0

package framework

import "github.com/hashicorp/terraform-plugin-framework/types"

// StringOrNull is s as a string value, "" as null: for optional attributes that an API reports as empty
// when they are unset.
func StringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
