// SPDX-License-Identifier: MPL-2.0

package pcluster

// YAMLType is a string attribute holding a YAML document, equal to another when the documents mean the
// same (SemanticallyEqual): a configuration that differs only in key order, indentation or quoting is
// not a change.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ basetypes.StringTypable                    = YAMLType{}
	_ basetypes.StringValuableWithSemanticEquals = YAMLValue{}
)

// YAMLType is the type of YAML document attributes.
type YAMLType struct{ basetypes.StringType }

func (t YAMLType) String() string { return "pcluster.YAMLType" }

func (t YAMLType) Equal(o attr.Type) bool {
	_, ok := o.(YAMLType)
	return ok
}

func (t YAMLType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return YAMLValue{StringValue: in}, nil
}

func (t YAMLType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return YAMLValue{StringValue: s}, nil
}

func (t YAMLType) ValueType(context.Context) attr.Value { return YAMLValue{} }

// YAMLValue is a YAML document value.
type YAMLValue struct{ basetypes.StringValue }

// NewYAMLValue returns a known YAML value.
func NewYAMLValue(s string) YAMLValue { return YAMLValue{StringValue: basetypes.NewStringValue(s)} }

// YAMLNull returns a null YAML value.
func YAMLNull() YAMLValue { return YAMLValue{StringValue: basetypes.NewStringNull()} }

// YAMLUnknown returns an unknown YAML value.
func YAMLUnknown() YAMLValue { return YAMLValue{StringValue: basetypes.NewStringUnknown()} }

func (v YAMLValue) Type(context.Context) attr.Type { return YAMLType{} }

func (v YAMLValue) Equal(o attr.Value) bool {
	other, ok := o.(YAMLValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether the two documents mean the same.
func (v YAMLValue) StringSemanticEquals(_ context.Context, nv basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	n, ok := nv.(YAMLValue)
	if !ok {
		diags.AddError("semantic equality", fmt.Sprintf("unexpected value type %T; please report this bug", nv))
		return false, diags
	}
	return SemanticallyEqual(v.ValueString(), n.ValueString()), diags
}
