// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
)

var (
	_ datasource.DataSourceWithConfigure        = (*stagePlacementDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*stagePlacementDataSource)(nil)
)

// NewStagePlacementDataSource returns the rayhpc_stage_placement data source.
func NewStagePlacementDataSource() datasource.DataSource { return &stagePlacementDataSource{} }

type stagePlacementDataSource struct {
	framework.DataSourceWithClient
}

type stagePlacementModel struct {
	inputsModel
	outputsModel
}

func (d *stagePlacementDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_stage_placement"
}

func (d *stagePlacementDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := dsAttrs(inputFields())
	for k, v := range dsAttrs(outputFields()) {
		attrs[k] = v
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Computes where each stage of a workflow should run — HPC nodes (ParallelCluster/Slurm), Ray " +
			"workers (KubeRay on EKS), serverless functions (Lambda) or AWS Batch on Fargate — with the expected cost and " +
			"makespan, the cost/makespan Pareto front, the baselines a user would run (a static cluster, the autoscaled cluster, " +
			"each single platform and the best of them, a Mashup-style decision model, HEFT's task-level schedule) evaluated by " +
			"the same simulator, a Mermaid Gantt chart and a plain-text table. A stage may be split over two pools (fill one, " +
			"burst the rest). " +
			"Prices (EC2 nodes and head nodes, Lambda, Fargate, the Lustre workspace, S3 requests) come from the AWS Price List " +
			"API for the provider's Region (`pricing_api`), with the provider's offline catalogue as the fallback for what it " +
			"lacks; `price_sources` says where each came from; with `pricing_api = false` no AWS call is made. The result is " +
			"deterministic for given prices.",
		Attributes: attrs,
		Blocks:     dsBlocks(inputBlocks()),
	}
}

func (d *stagePlacementDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{inputsValidator{}}
}

func (d *stagePlacementDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data stagePlacementModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, opts, diags := data.expand(ctx, pricingAPI(d.Client()))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = tflog.SetField(ctx, "workflow", p.Workflow.Name)
	ctx = tflog.SetField(ctx, "stages", len(p.Workflow.Stages))
	ctx = tflog.SetField(ctx, "tasks", len(p.Workflow.Tasks))
	sol, diags := solve(ctx, &data.inputsModel, p, opts)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "placed workflow", map[string]any{"method": sol.Method, "evaluations": sol.Evaluations,
		"makespan_s": sol.Evaluation.MakespanS, "cost_usd": sol.Evaluation.CostUSD})
	resp.Diagnostics.Append(data.outputsModel.flatten(p, sol)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}
