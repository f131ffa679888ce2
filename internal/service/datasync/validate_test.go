// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestValidateSchedule(t *testing.T) {
	t.Parallel()
	cases := []struct {
		expr    string
		wantErr string // substring; "" means valid
	}{
		{"rate(1 hour)", ""},
		{"rate(12 hours)", ""},
		{"rate(60 minutes)", ""},
		{"rate(90 minutes)", ""},
		{"rate(1 day)", ""},
		{"rate(7 days)", ""},
		{"cron(0 2 * * ? *)", ""},
		{"cron(30 8 ? * MON-FRI *)", ""},
		{"cron(0 12 ? * SUN,WED *)", ""},
		{"cron(0 */6 * * ? *)", ""},
		{"rate(59 minutes)", "minimum interval"},
		{"rate(1 minute)", "minimum interval"},
		{"rate(30 minutes)", "minimum interval"},
		{"cron(*/10 * * * ? *)", "more than once an hour"},
		{"cron(0,30 * * * ? *)", "more than once an hour"},
		{"cron(* 3 * * ? *)", "more than once an hour"},
		{"cron(0-5 3 * * ? *)", "more than once an hour"},
		{"rate(1 hours)", "rate(1 hour)"},
		{"rate(2 hour)", "rate(1 hour)"},
		{"rate(0 hours)", "positive"},
		{"rate(hourly)", "rate(VALUE UNIT)"},
		{"cron(0 2 * * *)", "6 fields"},
		{"cron(0 2 * * MON *)", "exactly one"},
		{"cron(0 2 ? * ? *)", "exactly one"},
		{"daily", "neither"},
		{"", "empty"},
		{"cron(0 2 * * ? *);", "characters"},
		{"rate(" + strings.Repeat("1", 300) + " hours)", "characters"},
	}
	for _, tc := range cases {
		err := ValidateSchedule(tc.expr)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("ValidateSchedule(%q) = %v, want valid", tc.expr, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("ValidateSchedule(%q) = %v, want an error containing %q", tc.expr, err, tc.wantErr)
		}
	}
}

// objectOf builds a value of object type t with the given attributes set and every other one null.
func objectOf(t tftypes.Type, set map[string]tftypes.Value) tftypes.Value {
	obj := t.(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(t, vals)
}

// A source with two kinds of location, or a destination with two, is one error that names the blocks
// (not one per block, with paths such as source.object_storage.<.nfs).
func TestValidateConfigOneErrorPerBlockChoice(t *testing.T) {
	ctx := context.Background()
	r := &transferResource{}
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	srcT, dstT := typ.AttributeTypes["source"].(tftypes.Object), typ.AttributeTypes["destination"].(tftypes.Object)
	src := objectOf(srcT, map[string]tftypes.Value{
		"nfs": objectOf(srcT.AttributeTypes["nfs"], nil),
		"s3":  objectOf(srcT.AttributeTypes["s3"], nil),
	})
	dst := objectOf(dstT, map[string]tftypes.Value{
		"s3":     objectOf(dstT.AttributeTypes["s3"], nil),
		"lustre": objectOf(dstT.AttributeTypes["lustre"], nil),
	})
	cfg := tfsdk.Config{Schema: sr.Schema, Raw: objectOf(typ, map[string]tftypes.Value{
		"name": tftypes.NewValue(tftypes.String, "x"), "source": src, "destination": dst,
	})}
	var resp resource.ValidateConfigResponse
	r.ValidateConfig(ctx, resource.ValidateConfigRequest{Config: cfg}, &resp)
	if n := resp.Diagnostics.ErrorsCount(); n != 2 {
		t.Fatalf("%d errors, want one for the source and one for the destination: %v", n, resp.Diagnostics)
	}
	for _, want := range []string{"nfs and s3 are set together", "s3 and lustre are set together"} {
		found := false
		for _, d := range resp.Diagnostics.Errors() {
			found = found || strings.Contains(d.Detail(), want)
		}
		if !found {
			t.Errorf("no error says %q: %v", want, resp.Diagnostics)
		}
	}
}

func TestEnhancedSupported(t *testing.T) {
	s3 := &S3{BucketARN: "arn:aws:s3:::b"}
	for _, c := range []struct {
		src  Source
		dst  Destination
		want bool
	}{
		{Source{S3: s3}, Destination{S3: s3}, true},
		{Source{ObjectStorage: &ObjectStorage{}}, Destination{S3: s3}, true},
		{Source{ObjectStorage: &ObjectStorage{AgentARNs: []string{"a"}}}, Destination{S3: s3}, false},
		{Source{S3: s3}, Destination{Lustre: &Lustre{}}, false},
		{Source{NFS: &NFS{}}, Destination{S3: s3}, false},
	} {
		if got := EnhancedSupported(c.src, c.dst); got != c.want {
			t.Errorf("%+v -> %+v: %v, want %v", c.src, c.dst, got, c.want)
		}
	}
}
