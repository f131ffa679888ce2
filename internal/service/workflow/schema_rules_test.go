// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// schemaAttr is one configurable attribute of the resource: top level (block "") or in a block.
type schemaAttr struct {
	block, name string
	a           rschema.Attribute
}

func (s schemaAttr) String() string {
	if s.block == "" {
		return s.name
	}
	return s.block + "." + s.name
}

// path is the attribute's path in a configuration with one block of its kind.
func (s schemaAttr) path() path.Path {
	switch s.block {
	case "":
		return path.Root(s.name)
	case "manifest", "timeouts":
		return path.Root(s.block).AtName(s.name)
	}
	return path.Root(s.block).AtListIndex(0).AtName(s.name)
}

// configurableAttrs lists the resource's configurable attributes, sorted; the data source's inputs are the
// same (checked).
func configurableAttrs(t *testing.T) []schemaAttr {
	t.Helper()
	var rr resource.SchemaResponse
	(&workflowPlacementResource{}).Schema(context.Background(), resource.SchemaRequest{}, &rr)
	var out []schemaAttr
	add := func(block string, attrs map[string]rschema.Attribute) {
		for n, a := range attrs {
			if a.IsRequired() || a.IsOptional() {
				out = append(out, schemaAttr{block, n, a})
			}
		}
	}
	for n, a := range rr.Schema.Attributes {
		if sn, ok := a.(rschema.SingleNestedAttribute); ok { // timeouts
			add(n, sn.Attributes)
			continue
		}
		add("", map[string]rschema.Attribute{n: a})
	}
	for n, b := range rr.Schema.Blocks {
		switch b := b.(type) {
		case rschema.ListNestedBlock:
			add(n, b.NestedObject.Attributes)
		case rschema.SingleNestedBlock:
			add(n, b.Attributes)
		default:
			t.Fatalf("block %s: %T", n, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })

	var dr datasource.SchemaResponse
	NewStagePlacementDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &dr)
	n := 0
	for name, a := range dr.Schema.Attributes {
		if a.IsRequired() || a.IsOptional() {
			n++
			if _, ok := rr.Schema.Attributes[name]; !ok {
				t.Errorf("data source attribute %s is not the resource's", name)
			}
		}
	}
	for name, b := range dr.Schema.Blocks {
		n += len(b.(dschema.ListNestedBlock).NestedObject.Attributes)
		if _, ok := rr.Schema.Blocks[name]; !ok {
			t.Errorf("data source block %s is not the resource's", name)
		}
	}
	if n == 0 {
		t.Fatal("no data source inputs")
	}
	return out
}

// runSchemaValidators runs the attribute's own validators on v at p.
func runSchemaValidators(ctx context.Context, a rschema.Attribute, p path.Path, v attr.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	switch a := a.(type) {
	case rschema.StringAttribute:
		for _, vd := range a.Validators {
			var r validator.StringResponse
			vd.ValidateString(ctx, validator.StringRequest{Path: p, ConfigValue: v.(types.String)}, &r)
			diags.Append(r.Diagnostics...)
		}
	case rschema.Int64Attribute:
		for _, vd := range a.Validators {
			var r validator.Int64Response
			vd.ValidateInt64(ctx, validator.Int64Request{Path: p, ConfigValue: v.(types.Int64)}, &r)
			diags.Append(r.Diagnostics...)
		}
	case rschema.Float64Attribute:
		for _, vd := range a.Validators {
			var r validator.Float64Response
			vd.ValidateFloat64(ctx, validator.Float64Request{Path: p, ConfigValue: v.(types.Float64)}, &r)
			diags.Append(r.Diagnostics...)
		}
	case rschema.ListAttribute:
		for _, vd := range a.Validators {
			var r validator.ListResponse
			vd.ValidateList(ctx, validator.ListRequest{Path: p, ConfigValue: v.(types.List)}, &r)
			diags.Append(r.Diagnostics...)
		}
	case rschema.MapAttribute:
		for _, vd := range a.Validators {
			var r validator.MapResponse
			vd.ValidateMap(ctx, validator.MapRequest{Path: p, ConfigValue: v.(types.Map)}, &r)
			diags.Append(r.Diagnostics...)
		}
	}
	return diags
}

// probeValues are values of the attribute's type, in range and out of it.
func probeValues(a rschema.Attribute) []attr.Value {
	switch a.(type) {
	case rschema.StringAttribute:
		return []attr.Value{types.StringValue(""), types.StringValue("x"), types.StringValue("no such thing!"),
			types.StringValue("c6i.large"), types.StringValue(strings.Repeat("a", 1100))}
	case rschema.Int64Attribute:
		return []attr.Value{types.Int64Value(-1), types.Int64Value(0), types.Int64Value(1), types.Int64Value(3000),
			types.Int64Value(1 << 40), types.Int64Value(math.MaxInt64)}
	case rschema.Float64Attribute:
		return []attr.Value{types.Float64Value(-1), types.Float64Value(0), types.Float64Value(1e-300), types.Float64Value(0.5),
			types.Float64Value(950), types.Float64Value(1e12), types.Float64Value(1e300)}
	case rschema.ListAttribute:
		return []attr.Value{types.ListValueMust(types.StringType, []attr.Value{types.StringValue("")}),
			types.ListValueMust(types.StringType, []attr.Value{types.StringValue("nope")}),
			types.ListValueMust(types.StringType, []attr.Value{types.StringValue("a")})}
	case rschema.MapAttribute:
		return []attr.Value{types.MapValueMust(types.Float64Type, map[string]attr.Value{"nope": types.Float64Value(1)}),
			types.MapValueMust(types.Float64Type, map[string]attr.Value{"hpc_idle_s": types.Float64Value(-1)}),
			types.MapValueMust(types.Float64Type, map[string]attr.Value{"hpc_idle_s": types.Float64Value(60)})}
	}
	return nil
}

// setField sets the field tagged name of the struct at ptr to v.
func setField(t *testing.T, ptr any, name string, v attr.Value) {
	t.Helper()
	s := reflect.ValueOf(ptr).Elem()
	for i := 0; i < s.NumField(); i++ {
		if s.Type().Field(i).Tag.Get("tfsdk") == name {
			s.Field(i).Set(reflect.ValueOf(v))
			return
		}
	}
	t.Fatalf("%T has no field %s", ptr, name)
}

// inputsWith is a valid configuration (a stage workflow, or the tiny trace for stage_override; one block of
// the attribute's kind) with the attribute set to v.
func inputsWith(t *testing.T, s schemaAttr, v attr.Value) inputsModel {
	t.Helper()
	m := nullInputs(t)
	m.Stage = listOf(t, "stage", []stageModel{stage("a", 2, 10)})
	switch s.block {
	case "":
		setField(t, &m, s.name, v)
	case "stage":
		st := stage("a", 2, 10)
		setField(t, &st, s.name, v)
		m.Stage = listOf(t, "stage", []stageModel{st})
	case "stage_override":
		m.Stage, m.WfCommonsJSON = types.ListNull(blockType(t, "stage")), types.StringValue(tinyTrace)
		o := override("work")
		setField(t, &o, s.name, v)
		m.StageOverride = listOf(t, "stage_override", []stageOverrideModel{o})
	case "hpc", "ray":
		p := vmPool("p", "c6i.large")
		setField(t, &p, s.name, v)
		if s.block == "hpc" {
			m.HPC = listOf(t, "hpc", []vmPoolModel{p})
		} else {
			m.Ray = listOf(t, "ray", []vmPoolModel{p})
		}
	case "serverless":
		p := lambdaPool("l")
		setField(t, &p, s.name, v)
		m.Serverless = listOf(t, "serverless", []serverlessPoolModel{p})
	case "batch":
		p := batchPool("b")
		setField(t, &p, s.name, v)
		m.Batch = listOf(t, "batch", []batchPoolModel{p})
	case "lustre":
		l := lustreBlockOf("SCRATCH_2", 1200, 0)
		setField(t, &l, s.name, v)
		m.Lustre = listOf(t, "lustre", []lustreModel{l})
	default:
		t.Fatalf("no configuration for block %s", s.block)
	}
	return m
}

// planDiagnostics is what a plan with the attribute set to v reports: the attribute's validators, then
// (for the placement inputs) the cross-attribute rules, then the placement itself.
func planDiagnostics(t *testing.T, s schemaAttr, v attr.Value) (diags diag.Diagnostics) {
	t.Helper()
	ctx := context.Background()
	defer func() {
		if r := recover(); r != nil {
			diags.AddError("panic", fmt.Sprint(r))
		}
	}()
	diags = runSchemaValidators(ctx, s.a, s.path(), v)
	if diags.HasError() || s.block == "manifest" || s.block == "timeouts" {
		return diags
	}
	m := inputsWith(t, s, v)
	d, ds := m.decode(ctx)
	diags.Append(ds...)
	if diags.HasError() {
		return diags
	}
	diags.Append(validateInputs(ctx, &m, &d, false)...)
	if diags.HasError() {
		return diags
	}
	p, o, ds := m.expand(ctx, nil)
	diags.Append(ds...)
	if diags.HasError() {
		return diags
	}
	_, ds = solve(ctx, &m, p, o)
	return append(diags, ds...)
}

// Every configurable attribute of rayhpc_workflow_placement (the data source has the same inputs) has a
// plan-time rule: probed with values of its type in and out of range, some value is refused, and every
// refusal is an error on that attribute (or its block) that says why, never a panic nor an error naming
// no attribute. Booleans take every value.
func TestSchema_everyAttributeHasAPlanTimeRule(t *testing.T) {
	for _, s := range configurableAttrs(t) {
		if _, ok := s.a.(rschema.BoolAttribute); ok {
			continue
		}
		values := probeValues(s.a)
		if values == nil {
			t.Errorf("%s: no probe values for %T", s, s.a)
			continue
		}
		refused := 0
		for _, v := range values {
			diags := planDiagnostics(t, s, v)
			if !diags.HasError() {
				continue
			}
			refused++
			for _, e := range diags.Errors() {
				wp, ok := e.(diag.DiagnosticWithPath)
				switch {
				case !ok:
					t.Errorf("%s = %s: an error naming no attribute: %s: %s", s, v, e.Summary(), e.Detail())
				case !onAttribute(wp.Path(), s.path()):
					t.Errorf("%s = %s: the error is on %s: %s: %s", s, v, wp.Path(), e.Summary(), e.Detail())
				case strings.TrimSpace(e.Detail()) == "":
					t.Errorf("%s = %s: an error without its rule: %s", s, v, e.Summary())
				}
			}
		}
		if refused == 0 {
			t.Errorf("%s: no probe value is refused at plan time: %v", s, values)
		}
	}
}

// onAttribute reports whether an error on errPath is about the attribute at p: on it, on a part of it (a
// map key, a list element), on its block or on another attribute of its block (min_nodes for max_nodes).
func onAttribute(errPath, p path.Path) bool {
	for q := errPath; len(q.Steps()) > 0; q = q.ParentPath() {
		if q.Equal(p) {
			return true
		}
	}
	block := p.ParentPath()
	return len(block.Steps()) > 0 && (errPath.Equal(block) || errPath.ParentPath().Equal(block))
}

// Default platforms that no catalog type can hold a stage's task for: the error is on that stage's cores
// or memory (it once named no attribute).
func TestExpand_defaultPlatformsErrorNamesTheStage(t *testing.T) {
	for _, tc := range []struct {
		cores, memMB int64
		want         string
	}{
		{3000, 1024, "stage[1].cores"},
		{2, 1 << 30, "stage[1].memory_mb"},
	} {
		m := nullInputs(t)
		big := stage("big", 1, 10, "a")
		big.Cores, big.MemoryMB = types.Int64Value(tc.cores), types.Int64Value(tc.memMB)
		m.Stage = listOf(t, "stage", []stageModel{stage("a", 2, 10), big})
		_, _, diags := m.expand(context.Background(), nil)
		assertAttrError(t, diags, tc.want, "holds the largest task")
	}
}
