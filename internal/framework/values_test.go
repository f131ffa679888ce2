// SPDX-License-Identifier: MPL-2.0

package framework_test

import (
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
)

func TestStringOrNull(t *testing.T) {
	if v := framework.StringOrNull(""); !v.IsNull() {
		t.Errorf(`StringOrNull("") = %v, want null`, v)
	}
	if v := framework.StringOrNull("x"); v.IsNull() || v.IsUnknown() || v.ValueString() != "x" {
		t.Errorf(`StringOrNull("x") = %v, want "x"`, v)
	}
}
