// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/prices"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
)

// The `lustre` block: the FSx for Lustre workspace the HPC and Ray pools share, described as
// rayhpc_lustre_workspace and rayhpc_hybrid_cluster's `lustre` describe it, checked by the lustre
// package's rules, and turned into the engine's catalogue values (capacity, throughput per TiB, price).

// Defaults of the block: the workspace the hybrid-environment module makes by default.
const (
	defaultLustreDeployment  = lustre.DeploymentScratch2
	defaultLustreCapacityGiB = 1200
)

// lustreOverrides are the model_overrides names the block sets; giving both is an error.
var lustreOverrides = []string{"lustre_capacity_gb", "lustre_read_mbps_per_tib", "lustre_write_mbps_per_tib"}

var lustreBlock = block{
	name: "lustre",
	desc: "The FSx for Lustre workspace the HPC and Ray pools share (at most one block), as `rayhpc_lustre_workspace` and " +
		"`rayhpc_hybrid_cluster`'s `lustre` describe it; FSx's rules on capacity and throughput are checked at plan time. Its " +
		"aggregate throughput, storage capacity times the deployment's baseline throughput per TiB (`SCRATCH_2`: " +
		strconv.Itoa(lustre.Scratch2ReadMBpsPerTiB) + " MB/s/TiB reads, " + strconv.Itoa(lustre.Scratch2WriteMBpsPerTiB) +
		" writes, its burst on network I/O credits not counted; persistent types: `per_unit_storage_throughput`), is shared by " +
		"every task reading or writing the workspace at once, each within the per-task `lustre_bandwidth`; the workspace is " +
		"billed for the run at the catalogue's price of its type and tier. Without the block: `SCRATCH_2`, 1,200 GiB, the " +
		"`hybrid-environment` module's default workspace.",
	list: []validator.List{listvalidator.SizeAtMost(1)},
	fields: []field{
		{name: "deployment_type", kind: kString, optional: true,
			desc: "`SCRATCH_1`, `SCRATCH_2`, `PERSISTENT_1` or `PERSISTENT_2`. Defaults to `SCRATCH_2`.",
			str:  []validator.String{stringvalidator.OneOf(lustre.DeploymentTypes...)}},
		{name: "storage_capacity_gib", kind: kInt, optional: true,
			desc: "Storage capacity in GiB (1200, 2400, then steps that depend on the deployment type, as FSx requires). Defaults to `1200`.",
			i64:  []validator.Int64{int64validator.Between(1, lustre.MaxStorageCapacityGiB)}},
		{name: "per_unit_storage_throughput", kind: kInt, optional: true,
			desc: "Throughput tier in MB/s per TiB, required for persistent types (" + lustre.ThroughputDescription() + ")."},
		{name: "storage_type", kind: kString, optional: true,
			desc: "`SSD` (the default) or `HDD` (`PERSISTENT_1` only).",
			str:  []validator.String{stringvalidator.OneOf(lustre.StorageTypes...)}},
	},
}

type lustreModel struct {
	DeploymentType           types.String `tfsdk:"deployment_type"`
	StorageCapacityGiB       types.Int64  `tfsdk:"storage_capacity_gib"`
	PerUnitStorageThroughput types.Int64  `tfsdk:"per_unit_storage_throughput"`
	StorageType              types.String `tfsdk:"storage_type"`
}

// spec is the block as the lustre package's rules take it: defaults filled in, unknown values left out.
func (l lustreModel) spec() lustre.WorkspaceSpec {
	s := lustre.WorkspaceSpec{DeploymentType: defaultLustreDeployment, StorageType: lustre.StorageSSD,
		ThroughputUnknown: l.PerUnitStorageThroughput.IsUnknown()}
	str := func(v types.String, dst *string) {
		switch {
		case v.IsUnknown():
			*dst = ""
		case !v.IsNull():
			*dst = v.ValueString()
		}
	}
	str(l.DeploymentType, &s.DeploymentType)
	str(l.StorageType, &s.StorageType)
	switch c := l.StorageCapacityGiB; {
	case c.IsNull():
		s.StorageCapacityGiB = ptrTo(int64(defaultLustreCapacityGiB))
	case !c.IsUnknown():
		s.StorageCapacityGiB = ptrTo(c.ValueInt64())
	}
	if t := l.PerUnitStorageThroughput; !t.IsNull() && !t.IsUnknown() {
		s.PerUnitStorageThroughput = ptrTo(t.ValueInt64())
	}
	return s
}

func ptrTo[T any](v T) *T { return &v }

// lustreScratch reports whether the workspace is a scratch one (SCRATCH_2 without the block), whose storage
// price the Price List API gives per Region.
func (d *decodedInputs) lustreScratch() bool {
	if len(d.lustre) == 0 {
		return true
	}
	dt := d.lustre[0].spec().DeploymentType
	return dt == lustre.DeploymentScratch1 || dt == lustre.DeploymentScratch2
}

// lustrePriceWarning says when a persistent workspace is priced from the offline catalogue (us-east-1) while
// the Price List API prices the rest for another Region: its Lustre item is scratch storage only.
func lustrePriceWarning(lookup *priceLookup, d *decodedInputs, cat *placement.Catalog) diag.Diagnostics {
	var diags diag.Diagnostics
	if lookup == nil || lookup.region == prices.Region || d.lustreScratch() || cat.LustreGBMonth.Source == srcModelOverride {
		return diags
	}
	diags.AddAttributeWarning(path.Root("lustre").AtListIndex(0), "Lustre price from the offline catalogue",
		fmt.Sprintf("The placement prices the %s workspace at the provider's offline catalogue price (%s): $%g per GB-month. The "+
			"AWS Price List API prices only scratch storage here; set model_overrides.lustre_gb_month to the price in %s.",
			d.lustre[0].spec().DeploymentType, cat.LustreGBMonth.Source, cat.LustreGBMonth.V, lookup.region))
	return diags
}

// validateLustre checks the block with FSx's rules (the lustre package's, as rayhpc_lustre_workspace
// applies them) and that model_overrides does not set what the block sets.
func validateLustre(ctx context.Context, m *inputsModel, d *decodedInputs) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(d.lustre) == 0 {
		return diags
	}
	at := path.Root("lustre").AtListIndex(0)
	for _, p := range lustre.ValidateWorkspace(d.lustre[0].spec()) {
		diags.AddAttributeError(at.AtName(p.Attribute), p.Summary, fmt.Sprintf("%s: %s", at.AtName(p.Attribute), p.Detail))
	}
	if m.ModelOverride.IsNull() || m.ModelOverride.IsUnknown() {
		return diags
	}
	set := m.ModelOverride.Elements()
	for _, k := range lustreOverrides {
		if _, ok := set[k]; ok {
			diags.AddAttributeError(path.Root("model_overrides").AtMapKey(k), "Conflicting Lustre settings",
				fmt.Sprintf("model_overrides.%s and the lustre block both describe the workspace; the block sets %s from its "+
					"deployment type, capacity and throughput tier. Remove %s, or the lustre block.", k, strings.Join(lustreOverrides, ", "), k))
		}
	}
	return diags
}

// applyLustre sets the catalogue's workspace from the block (known, valid): its capacity, its baseline
// throughput per TiB and, unless model_overrides gives lustre_gb_month, the catalogue's price of its type.
func applyLustre(cat *placement.Catalog, d *decodedInputs, m *inputsModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(d.lustre) == 0 {
		return diags
	}
	s := d.lustre[0].spec()
	tier := int64(0)
	if s.PerUnitStorageThroughput != nil {
		tier = *s.PerUnitStorageThroughput
	}
	at := path.Root("lustre").AtListIndex(0)
	read, write, ok := lustre.BaselineThroughputPerTiB(s.DeploymentType, s.StorageType, tier)
	if !ok || s.StorageCapacityGiB == nil {
		diags.AddAttributeError(at, "Invalid Lustre workspace", fmt.Sprintf("%s: no throughput is known for %s %s at %d MB/s/TiB.",
			at, s.DeploymentType, s.StorageType, tier))
		return diags
	}
	what := fmt.Sprintf("configuration (lustre: %s %s", s.DeploymentType, s.StorageType)
	if tier > 0 {
		what += fmt.Sprintf(" at %d MB/s/TiB", tier)
	}
	src := what + "), baseline throughput per FSx for Lustre User Guide, \"Performance characteristics of SSD and HDD storage classes\""
	cat.LustreCapacityGB = placement.Value{V: float64(*s.StorageCapacityGiB), Unit: "GiB", Source: "configuration (lustre.storage_capacity_gib)"}
	cat.LustreReadMBpsPerTiB = placement.Value{V: float64(read), Unit: "MB/s/TiB", Source: src}
	cat.LustreWriteMBpsPerTiB = placement.Value{V: float64(write), Unit: "MB/s/TiB", Source: src}
	if _, overridden := m.ModelOverride.Elements()["lustre_gb_month"]; overridden {
		return diags
	}
	price, ok := prices.FSxLustreGBMonth(s.DeploymentType, tier)
	if !ok {
		diags.AddAttributeError(at.AtName("deployment_type"), "No price for the Lustre workspace",
			fmt.Sprintf("%s: the provider's catalogue has no price for %s at %d MB/s/TiB; give it as model_overrides.lustre_gb_month (USD per GB-month).",
				at.AtName("deployment_type"), s.DeploymentType, tier))
		return diags
	}
	cat.LustreGBMonth = price
	return diags
}
