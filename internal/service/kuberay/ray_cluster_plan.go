// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
)

var (
	roleARNRE = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$`)
	s3URIRE   = regexp.MustCompile(`^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$`)
	fsIDRE    = regexp.MustCompile(`^fs-[0-9a-f]{8,21}$`)
	absPathRE = regexp.MustCompile(`^/[^\x00]*$`)
)

type quantityValidator struct{}

func (quantityValidator) Description(context.Context) string {
	return "a non-negative Kubernetes quantity such as 500m, 2 or 8Gi"
}
func (v quantityValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (quantityValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := ValidateQuantity(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "invalid Kubernetes quantity", err.Error())
	}
}

type nameValidator struct {
	what  string
	check func(string) []string
}

func (v nameValidator) Description(context.Context) string { return "a valid " + v.what }
func (v nameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (v nameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if errs := v.check(req.ConfigValue.ValueString()); len(errs) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "invalid "+v.what,
			fmt.Sprintf("%q: %s", req.ConfigValue.ValueString(), strings.Join(errs, "; ")))
	}
}

func lustreChanged(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull() && !req.PlanValue.IsNull() && !req.PlanValue.IsUnknown() && !req.StateValue.Equal(req.PlanValue)
}

func (r *rayClusterResource) ConfigValidators(context.Context) []resource.ConfigValidator { return nil }

// ValidateConfig checks the rules that span attributes: a head block, worker group names unique,
// min ≤ replicas ≤ max, a kubernetes block with a host.
func (r *rayClusterResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if framework.UnknownBlocks(req.Config.Raw) {
		return // checked again once the blocks are known (terraform validates the configuration again at plan)
	}
	var m rayClusterModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.Head == nil {
		resp.Diagnostics.AddAttributeError(path.Root("head"), "missing head block", "a RayCluster needs a head block (its pod's resources)")
	}
	if m.Kubernetes != nil && m.Kubernetes.Host.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("kubernetes").AtName("host"), "missing host", "the kubernetes block needs host")
	}
	var names []string
	for i, w := range m.WorkerGroups {
		p := path.Root("worker_group").AtListIndex(i)
		if w.Name.IsUnknown() || w.Replicas.IsUnknown() || w.MinReplicas.IsUnknown() || w.MaxReplicas.IsUnknown() {
			continue
		}
		names = append(names, w.Name.ValueString())
		maxR := w.MaxReplicas.ValueInt64()
		if w.MaxReplicas.IsNull() {
			maxR = max(w.Replicas.ValueInt64(), w.MinReplicas.ValueInt64())
		}
		if err := ValidateReplicas(w.Replicas.ValueInt64(), w.MinReplicas.ValueInt64(), maxR); err != nil {
			resp.Diagnostics.AddAttributeError(p.AtName("replicas"), "invalid worker group replicas", err.Error())
		}
	}
	if err := ValidateUnique(names); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("worker_group"), "duplicate worker group name", err.Error())
	}
}

// ModifyPlan fills the defaults that depend on other attributes (image from ray_version, max_replicas
// from replicas) and checks GPU and EFA requests against the instance types node selectors pin (EC2
// DescribeInstanceTypes).
func (r *rayClusterResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || framework.UnknownBlocks(req.Config.Raw) {
		return
	}
	var plan, config rayClusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.Image.IsNull() && !plan.RayVersion.IsUnknown() {
		plan.Image = types.StringValue(DefaultImage(plan.RayVersion.ValueString()))
	}
	for i := range plan.WorkerGroups {
		w := &plan.WorkerGroups[i]
		if i < len(config.WorkerGroups) && config.WorkerGroups[i].MaxReplicas.IsNull() && !w.Replicas.IsUnknown() && !w.MinReplicas.IsUnknown() {
			w.MaxReplicas = types.Int64Value(max(w.Replicas.ValueInt64(), w.MinReplicas.ValueInt64()))
		}
	}
	if plan.ID.IsUnknown() && !plan.Name.IsUnknown() && !plan.Namespace.IsUnknown() {
		plan.ID = types.StringValue(plan.Namespace.ValueString() + "/" + plan.Name.ValueString())
	}
	planGone(ctx, req, &plan, resp)
	r.checkAccelerators(ctx, &plan, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

type podRequest struct {
	at       path.Path
	instType string
	gpu, efa int64
}

func (r *rayClusterResource) checkAccelerators(ctx context.Context, plan *rayClusterModel, resp *resource.ModifyPlanResponse) {
	var reqs []podRequest
	add := func(at path.Path, sel types.Map, gpu, efa types.Int64) {
		if gpu.ValueInt64() == 0 && efa.ValueInt64() == 0 || sel.IsNull() || sel.IsUnknown() {
			return
		}
		if v, ok := sel.Elements()[LabelInstanceType].(types.String); ok && !v.IsUnknown() && !v.IsNull() {
			reqs = append(reqs, podRequest{at: at, instType: v.ValueString(), gpu: gpu.ValueInt64(), efa: efa.ValueInt64()})
		}
	}
	if plan.Head != nil {
		add(path.Root("head"), plan.Head.NodeSelector, plan.Head.GPU, types.Int64Value(0))
	}
	for i, w := range plan.WorkerGroups {
		add(path.Root("worker_group").AtListIndex(i), w.NodeSelector, w.GPU, w.EFAInterfaces)
	}
	if len(reqs) == 0 || r.Client() == nil {
		return
	}
	typeSet := map[string]bool{}
	for _, q := range reqs {
		typeSet[q.instType] = true
	}
	var typesList []string
	for t := range typeSet {
		typesList = append(typesList, t)
	}
	sort.Strings(typesList)
	acc, err := DescribeAccelerators(ctx, r.Client(), typesList)
	if err != nil {
		resp.Diagnostics.AddWarning("could not check GPU and EFA requests against the instance types", err.Error())
		return
	}
	for _, q := range reqs {
		a, ok := acc[q.instType]
		if !ok {
			resp.Diagnostics.AddAttributeError(q.at.AtName("node_selector"), "unknown instance type",
				fmt.Sprintf("EC2 does not know the instance type %q (node selector %s)", q.instType, LabelInstanceType))
			continue
		}
		if err := ValidateAccelerators(q.instType, a, q.gpu, q.efa); err != nil {
			attr := "gpu"
			if q.efa > a.EFAInterfaces {
				attr = "efa_interfaces"
			}
			resp.Diagnostics.AddAttributeError(q.at.AtName(attr), "GPU or EFA request the instance type cannot meet",
				fmt.Sprintf("%s: %s", q.at.AtName(attr), err))
		}
	}
}
