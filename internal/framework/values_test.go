// SPDX-License-Identifier: MPL-2.0

package framework_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

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

func TestUnknownBlocks(t *testing.T) {
	group := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String}}
	cfg := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"name":         tftypes.String,
		"head":         group,
		"worker_group": tftypes.List{ElementType: group},
		"labels":       tftypes.Map{ElementType: tftypes.String},
	}}
	known := func(name any, head, groups, labels tftypes.Value) tftypes.Value {
		return tftypes.NewValue(cfg, map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, name),
			"head": head, "worker_group": groups, "labels": labels})
	}
	g := tftypes.NewValue(group, map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "cpu")})
	gUnknownName := tftypes.NewValue(group, map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)})
	groups := tftypes.NewValue(tftypes.List{ElementType: group}, []tftypes.Value{g})
	labels := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil)
	for name, tc := range map[string]struct {
		v    tftypes.Value
		want bool
	}{
		"all known":                    {known("ray", g, groups, labels), false},
		"unknown attribute":            {known(tftypes.UnknownValue, g, groups, labels), false},
		"unknown attribute in a block": {known("ray", gUnknownName, tftypes.NewValue(tftypes.List{ElementType: group}, []tftypes.Value{gUnknownName}), labels), false},
		"unknown map of strings":       {known("ray", g, groups, tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, tftypes.UnknownValue)), false},
		"unknown list of blocks":       {known("ray", g, tftypes.NewValue(tftypes.List{ElementType: group}, tftypes.UnknownValue), labels), true},
		"unknown single block":         {known("ray", tftypes.NewValue(group, tftypes.UnknownValue), groups, labels), true},
	} {
		if got := framework.UnknownBlocks(tc.v); got != tc.want {
			t.Errorf("%s: UnknownBlocks = %v, want %v", name, got, tc.want)
		}
	}
}
