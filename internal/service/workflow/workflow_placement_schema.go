// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// bucketRE follows the S3 general purpose bucket naming rules (without the IP-address exclusion).
var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func (r *workflowPlacementResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := rsAttrs(inputFields())
	for k, v := range rsAttrs(outputFields()) {
		attrs[k] = v
	}
	attrs["id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "`<bucket>/<key>` of the manifest.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	attrs["manifest_json"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "The manifest document written to S3: format `version`, `input_hash`, solver options, expected cost " +
			"and makespan, every stage's platform, pool, instance type, task count, start, finish and cost, `price_sources` " +
			"(where each price came from, as the attribute) and the lower bounds (`makespan_lower_bound_s`, " +
			"`cost_lower_bound_usd`, as the attributes). Its numbers are the engine's unrounded values (the `stages`, " +
			"`cost_usd`, `makespan_s` and bound attributes are rounded; the gaps are computed from the manifest's). Refresh reads " +
			"it back from S3, so a manifest edited out of band shows up as a change."}
	attrs["manifest_etag"] = schema.StringAttribute{Computed: true, MarkdownDescription: "ETag of the manifest object (without quotes)."}
	attrs["manifest_version_id"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "S3 version ID of the manifest object; null when the bucket is not versioned."}
	attrs["moves"] = schema.ListAttribute{Computed: true, ElementType: types.StringType,
		MarkdownDescription: "The stages that moved to another pool in the most recent placement change, one line each, such as " +
			"`stage mProject: hpc/hpc -> serverless/lambda (stage cost -0.012300 USD, stage duration +40.000 s)` (USD to 6 decimals, " +
			"seconds to 3, as the other outputs). Empty after create; " +
			"the plan also prints them as a warning."}
	attrs["timeouts"] = timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true})

	blocks := rsBlocks(inputBlocks())
	blocks["manifest"] = schema.SingleNestedBlock{
		MarkdownDescription: "Where the manifest is published in S3 (for example the data lake bucket). Changing it replaces the resource.",
		Validators:          []validator.Object{objectvalidator.IsRequired()},
		Attributes: map[string]schema.Attribute{
			"bucket": schema.StringAttribute{Optional: true, MarkdownDescription: "Bucket name. The bucket must exist.",
				Validators: []validator.String{stringvalidator.RegexMatches(bucketRE,
					"must be a valid S3 bucket name: 3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"key": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Object key, such as `placements/montage.json`.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 1024),
					stringvalidator.RegexMatches(regexp.MustCompile(`^[^/]`), "must not start with '/'")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
		},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Keeps a workflow placement decision under Terraform and publishes it as a versioned JSON manifest " +
			"in S3 for workflow runners. The placement is computed at plan time with the same engine and inputs as the " +
			"`rayhpc_stage_placement` data source, so `terraform plan` shows which stages move between platforms and the cost " +
			"and makespan change; unchanged inputs give an empty plan. Refresh reads the manifest back and detects edits or " +
			"deletion out of band; destroy deletes it.",
		Attributes: attrs,
		Blocks:     blocks,
	}
}

func (r *workflowPlacementResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{inputsValidator{}, manifestLocationValidator{}}
}

// manifestLocationValidator requires bucket and key inside the manifest block (attributes of a
// single nested block cannot be Required themselves without making the block mandatory in odd ways).
type manifestLocationValidator struct{}

func (manifestLocationValidator) Description(context.Context) string {
	return "manifest.bucket and manifest.key must be set"
}
func (v manifestLocationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (manifestLocationValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var loc *manifestLocationModel
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("manifest"), &loc)...)
	if loc == nil || resp.Diagnostics.HasError() {
		return
	}
	if loc.Bucket.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("manifest").AtName("bucket"), "Missing manifest bucket",
			"manifest.bucket is required: the S3 bucket the manifest is written to.")
	}
	if loc.Key.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("manifest").AtName("key"), "Missing manifest key",
			"manifest.key is required: the object key of the manifest, such as placements/montage.json.")
	}
}
