// SPDX-License-Identifier: MPL-2.0

package pcluster

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"gopkg.in/yaml.v3"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/awserr"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
)

// planDryRunTimeout bounds the API calls a plan makes.
const planDryRunTimeout = 2 * time.Minute

// ValidateConfig checks what needs no AWS call.
func (r *clusterResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if framework.UnknownBlocks(req.Config.Raw) {
		return // checked again when Terraform validates the configuration with the blocks known
	}
	var m clusterModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.Tags.IsNull() && !m.Tags.IsUnknown() {
		for k := range m.Tags.Elements() {
			if err := ValidateTagKey(k); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("tags").AtMapKey(k), "reserved tag key", fmt.Sprintf("tags[%q]: %s", k, err))
			}
		}
	}
	if v := m.ConfigOverrides; !v.IsNull() && !v.IsUnknown() {
		var doc any
		if err := yaml.Unmarshal([]byte(v.ValueString()), &doc); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("config_overrides"), "invalid config_overrides", "config_overrides is not valid YAML: "+err.Error())
		} else if _, ok := doc.(map[string]any); !ok && doc != nil {
			resp.Diagnostics.AddAttributeError(path.Root("config_overrides"), "invalid config_overrides", "config_overrides must be a YAML mapping of top-level configuration sections, such as `Monitoring:`.")
		}
	}
	validateQueues(m.Queues, &resp.Diagnostics)
	names := map[string]bool{}
	for i, s := range m.SharedStorage {
		p := path.Root("shared_storage").AtListIndex(i)
		n := 0
		for _, set := range []bool{s.FSxLustre != nil, s.EFS != nil, s.EBS != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			resp.Diagnostics.AddAttributeError(p, "invalid shared storage", "a shared_storage block needs exactly one of fsx_lustre, efs, ebs")
		}
		if k := s.Name.ValueString(); !s.Name.IsUnknown() && names[k] {
			resp.Diagnostics.AddAttributeError(p.AtName("name"), "duplicate shared storage name", fmt.Sprintf("the name %q is used twice", k))
		} else {
			names[k] = true
		}
	}
}

func validateQueues(queues []queueModel, diags *diag.Diagnostics) {
	total := 0
	names := map[string]bool{}
	for i, q := range queues {
		qp := path.Root("queue").AtListIndex(i)
		if k := q.Name.ValueString(); !q.Name.IsUnknown() && names[k] {
			diags.AddAttributeError(qp.AtName("name"), "duplicate queue name", fmt.Sprintf("%s: the queue name %q is used twice", qp.AtName("name"), k))
		} else {
			names[k] = true
		}
		crNames := map[string]bool{}
		for j, cr := range q.ComputeResources {
			total++
			cp := qp.AtName("compute_resource").AtListIndex(j)
			if k := cr.Name.ValueString(); !cr.Name.IsUnknown() && crNames[k] {
				diags.AddAttributeError(cp.AtName("name"), "duplicate compute resource name", fmt.Sprintf("the compute resource name %q is used twice in queue %s", k, q.Name.ValueString()))
			} else {
				crNames[k] = true
			}
			if !cr.MinCount.IsUnknown() && !cr.MaxCount.IsUnknown() {
				if err := ValidateCounts(int64Or(cr.MinCount, DefaultMinCount), int64Or(cr.MaxCount, DefaultMaxCount)); err != nil {
					diags.AddAttributeError(cp.AtName("min_count"), "invalid node counts", fmt.Sprintf("%s: %s (ParallelCluster ComputeResourceSizeValidator)", cp, err))
				}
			}
			if e := cr.EFA; e != nil && !e.Enabled.IsNull() && !e.Enabled.IsUnknown() && !e.Enabled.ValueBool() && e.GDRSupport.ValueBool() {
				diags.AddAttributeError(cp.AtName("efa").AtName("gdr_support"), "GDR support without EFA", "The EFA GDR Support can be used only if EFA is enabled (ParallelCluster EfaValidator).")
			}
		}
	}
	if total > MaxComputeResources {
		diags.AddAttributeError(path.Root("queue"), "too many compute resources",
			fmt.Sprintf("Invalid number of compute resources (%d) specified. Currently only supports up to %d compute resources (ParallelCluster MaxCountValidator).", total, MaxComputeResources))
	}
}

// ModifyPlan renders the configuration (kept as it was when it means the same), checks EFA instance
// types with EC2, and runs the API's dry run when every value is known.
func (r *clusterResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.Client() == nil || framework.UnknownBlocks(req.Plan.Raw) {
		return
	}
	var plan clusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *clusterModel
	if !req.State.Raw.IsNull() {
		state = &clusterModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, planDryRunTimeout)
	defer cancel()
	r.checkEFA(ctx, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !plan.known() {
		return
	}
	spec, d := plan.expand(ctx, r.Client())
	resp.Diagnostics.Append(d...)
	if plan.Region.IsUnknown() {
		plan.Region = types.StringValue(spec.Region)
	}
	doc, err := RenderConfig(spec)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("config_overrides"), "invalid config_overrides", err.Error())
		return
	}
	changed := state == nil || state.ClusterConfiguration.IsNull() || !SemanticallyEqual(state.ClusterConfiguration.ValueString(), doc)
	if changed {
		plan.ClusterConfiguration = NewYAMLValue(doc)
	} else {
		// Nothing ParallelCluster holds changes: keep what the state says of it.
		plan.ClusterConfiguration = state.ClusterConfiguration
		plan.Status, plan.ComputeFleetStatus = state.Status, state.ComputeFleetStatus
	}
	if changed && r.Client().ParallelClusterEndpointKnown() {
		replace := state == nil || len(resp.RequiresReplace) > 0
		r.dryRun(ctx, spec, replace, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// checkEFA rejects EFA on instance types without it (EC2 DescribeInstanceTypes, NetworkInfo.EfaSupported).
func (r *clusterResource) checkEFA(ctx context.Context, plan clusterModel, diags *diag.Diagnostics) {
	want := map[string][]path.Path{}
	for i, q := range plan.Queues {
		for j, cr := range q.ComputeResources {
			if cr.EFA == nil || cr.EFA.Enabled.IsUnknown() || cr.InstanceType.IsUnknown() || cr.Instances.IsUnknown() || !(cr.EFA.Enabled.IsNull() || cr.EFA.Enabled.ValueBool()) {
				continue
			}
			p := path.Root("queue").AtListIndex(i).AtName("compute_resource").AtListIndex(j).AtName("efa")
			its := stringList(ctx, cr.Instances, diags)
			if t := cr.InstanceType.ValueString(); t != "" {
				its = append(its, t)
			}
			for _, t := range its {
				want[t] = append(want[t], p)
			}
		}
	}
	if len(want) == 0 {
		return
	}
	in := &ec2.DescribeInstanceTypesInput{}
	for t := range want {
		in.InstanceTypes = append(in.InstanceTypes, ec2types.InstanceType(t))
	}
	out, err := r.Client().EC2().DescribeInstanceTypes(ctx, in)
	if err != nil {
		if awserr.Is(err, "InvalidInstanceType") {
			diags.AddAttributeError(path.Root("queue"), "unknown instance type", err.Error())
		} else {
			diags.AddWarning("could not check EFA support at plan time", err.Error())
		}
		return
	}
	for _, it := range out.InstanceTypes {
		t := string(it.InstanceType)
		if it.NetworkInfo != nil && aws.ToBool(it.NetworkInfo.EfaSupported) {
			continue
		}
		for _, p := range want[t] {
			diags.AddAttributeError(p, "instance type without EFA",
				fmt.Sprintf("%s: instance type '%s' does not support EFA (EC2 DescribeInstanceTypes: NetworkInfo.EfaSupported is false). Use an EFA-capable type (data source rayhpc_efa_instance_types lists them) or remove the efa block.", p, t))
		}
	}
}

// dryRun shows the API's dry run as diagnostics: its errors as errors, its warnings as warnings.
func (r *clusterResource) dryRun(ctx context.Context, spec ClusterSpec, create bool, diags *diag.Diagnostics) {
	var dry *DryRun
	var err error
	if create {
		dry, err = DryRunCreate(ctx, r.Client(), spec)
	} else {
		dry, err = DryRunUpdate(ctx, r.Client(), spec)
	}
	if err != nil {
		diags.AddWarning("ParallelCluster dry run not available", "The plan could not be validated by the ParallelCluster API: "+err.Error())
		return
	}
	for _, m := range dry.Messages {
		summary := "ParallelCluster validation: " + strings.ToLower(m.Level)
		switch {
		case m.Level == "ERROR" && create && notFound(m.Text):
			// The object may be one this apply creates (a placement group, a file system, a subnet whose
			// ID is known before it exists): the apply's create checks again and fails if it is missing.
			diags.AddWarning(summary+" (checked again at apply)", m.Text+"\n\nIf this apply creates it, ignore this warning; otherwise the create will fail.")
		case m.Level == "ERROR":
			diags.AddError(summary, m.Text)
		case m.Level == "WARNING":
			diags.AddWarning(summary, m.Text)
		}
	}
	for _, u := range dry.Unsupported {
		diags.AddError("ParallelCluster cannot update "+u.Parameter, u.Text)
	}
	switch {
	case create && dry.Exists && !dry.Owned:
		diags.AddAttributeError(path.Root("name"), "cluster name taken", fmt.Sprintf("ParallelCluster cluster %s: %s", spec.Name, ErrNotOwned))
	case create && dry.Exists:
		diags.AddWarning("existing cluster adopted", fmt.Sprintf("A ParallelCluster cluster named %s made by this provider exists (an interrupted create); the apply adopts it.", spec.Name))
	}
	if len(dry.StopRequired) > 0 {
		if spec.StopComputeFleetWhenRequired {
			diags.AddWarning("the update stops the compute fleet",
				fmt.Sprintf("ParallelCluster accepts this update of %s only with the compute fleet stopped (%s). The apply stops the fleet, updates the cluster and starts the fleet again; jobs on the compute nodes are interrupted.",
					spec.Name, strings.Join(dry.StopRequired, ", ")))
		} else {
			diags.AddError("the update needs the compute fleet stopped", (&StopRequiredError{Cluster: spec.Name, Parameters: dry.StopRequired}).Error())
		}
	}
}

// notFound reports whether a validation message says a referenced AWS object does not exist (the AWS
// error codes ParallelCluster's validators pass on: *.NotFound, *.Unknown, FileSystemNotFound).
func notFound(msg string) bool {
	for _, s := range []string{"NotFound)", ".Unknown)", "does not exist"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
