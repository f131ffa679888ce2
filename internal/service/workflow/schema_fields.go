// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The data source and the resource share their inputs and outputs. Their schema packages have distinct
// types, so each attribute is described once here as a field and converted to either flavour.

type fieldKind int

const (
	kString fieldKind = iota
	kInt
	kFloat
	kBool
	kStringList
	kStringMap
	kFloatMap
	kObjectList // computed list of objects (nested attributes)
)

type field struct {
	name     string
	kind     fieldKind
	required bool
	optional bool
	computed bool
	desc     string
	nested   []field // kObjectList
	str      []validator.String
	i64      []validator.Int64
	f64      []validator.Float64
	list     []validator.List
}

// block is a list nested block of input fields.
type block struct {
	name   string
	desc   string
	fields []field
	list   []validator.List
}

func dsAttr(f field) dschema.Attribute {
	switch f.kind {
	case kString:
		return dschema.StringAttribute{Required: f.required, Optional: f.optional, Computed: f.computed,
			MarkdownDescription: f.desc, Validators: f.str}
	case kInt:
		return dschema.Int64Attribute{Required: f.required, Optional: f.optional, Computed: f.computed,
			MarkdownDescription: f.desc, Validators: f.i64}
	case kFloat:
		return dschema.Float64Attribute{Required: f.required, Optional: f.optional, Computed: f.computed,
			MarkdownDescription: f.desc, Validators: f.f64}
	case kBool:
		return dschema.BoolAttribute{Required: f.required, Optional: f.optional, Computed: f.computed,
			MarkdownDescription: f.desc}
	case kStringList:
		return dschema.ListAttribute{ElementType: types.StringType, Required: f.required, Optional: f.optional,
			Computed: f.computed, MarkdownDescription: f.desc, Validators: f.list}
	case kStringMap:
		return dschema.MapAttribute{ElementType: types.StringType, Required: f.required, Optional: f.optional,
			Computed: f.computed, MarkdownDescription: f.desc}
	case kFloatMap:
		return dschema.MapAttribute{ElementType: types.Float64Type, Optional: f.optional, MarkdownDescription: f.desc}
	case kObjectList:
		return dschema.ListNestedAttribute{Computed: true, MarkdownDescription: f.desc,
			NestedObject: dschema.NestedAttributeObject{Attributes: dsAttrs(f.nested)}}
	}
	panic("unknown field kind")
}

func dsAttrs(fs []field) map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(fs))
	for _, f := range fs {
		out[f.name] = dsAttr(f)
	}
	return out
}

func dsBlocks(bs []block) map[string]dschema.Block {
	out := make(map[string]dschema.Block, len(bs))
	for _, b := range bs {
		out[b.name] = dschema.ListNestedBlock{MarkdownDescription: b.desc, Validators: b.list,
			NestedObject: dschema.NestedBlockObject{Attributes: dsAttrs(b.fields)}}
	}
	return out
}

func rsAttr(f field) rschema.Attribute {
	switch f.kind {
	case kString:
		return rschema.StringAttribute{Required: f.required, Optional: f.optional, Computed: f.computed,
			MarkdownDescription: f.desc, Validators: f.str}
	case kInt:
		return rschema.Int64Attribute{Required: f.required, Optional: f.optional, Computed: f.computed,
			MarkdownDescription: f.desc, Validators: f.i64}
	case kFloat:
		return rschema.Float64Attribute{Required: f.required, Optional: f.optional, Computed: f.computed,
			MarkdownDescription: f.desc, Validators: f.f64}
	case kBool:
		return rschema.BoolAttribute{Required: f.required, Optional: f.optional, Computed: f.computed,
			MarkdownDescription: f.desc}
	case kStringList:
		return rschema.ListAttribute{ElementType: types.StringType, Required: f.required, Optional: f.optional,
			Computed: f.computed, MarkdownDescription: f.desc, Validators: f.list}
	case kStringMap:
		return rschema.MapAttribute{ElementType: types.StringType, Required: f.required, Optional: f.optional,
			Computed: f.computed, MarkdownDescription: f.desc}
	case kFloatMap:
		return rschema.MapAttribute{ElementType: types.Float64Type, Optional: f.optional, MarkdownDescription: f.desc}
	case kObjectList:
		return rschema.ListNestedAttribute{Computed: true, MarkdownDescription: f.desc,
			NestedObject: rschema.NestedAttributeObject{Attributes: rsAttrs(f.nested)}}
	}
	panic("unknown field kind")
}

func rsAttrs(fs []field) map[string]rschema.Attribute {
	out := make(map[string]rschema.Attribute, len(fs))
	for _, f := range fs {
		out[f.name] = rsAttr(f)
	}
	return out
}

func rsBlocks(bs []block) map[string]rschema.Block {
	out := make(map[string]rschema.Block, len(bs))
	for _, b := range bs {
		out[b.name] = rschema.ListNestedBlock{MarkdownDescription: b.desc, Validators: b.list,
			NestedObject: rschema.NestedBlockObject{Attributes: rsAttrs(b.fields)}}
	}
	return out
}
