// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/prices"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
)

func lustreBlockOf(dt string, capacity, tier int64) lustreModel {
	l := lustreModel{DeploymentType: types.StringValue(dt), StorageCapacityGiB: types.Int64Value(capacity),
		PerUnitStorageThroughput: types.Int64Null(), StorageType: types.StringNull()}
	if tier > 0 {
		l.PerUnitStorageThroughput = types.Int64Value(tier)
	}
	return l
}

// The engine's default workspace is the lustre package's SCRATCH_2 figures at the hybrid-environment
// module's default capacity: the two packages cannot drift apart.
func TestLustreDefaultsMatchTheLustrePackage(t *testing.T) {
	cat := placement.DefaultCatalog()
	read, write, ok := lustre.BaselineThroughputPerTiB(defaultLustreDeployment, lustre.StorageSSD, 0)
	if !ok || cat.LustreReadMBpsPerTiB.V != float64(read) || cat.LustreWriteMBpsPerTiB.V != float64(write) {
		t.Errorf("catalogue %v/%v MB/s/TiB, the lustre package %d/%d for %s", cat.LustreReadMBpsPerTiB.V, cat.LustreWriteMBpsPerTiB.V,
			read, write, defaultLustreDeployment)
	}
	if cat.LustreCapacityGB.V != defaultLustreCapacityGiB {
		t.Errorf("catalogue capacity %v GiB, default %d", cat.LustreCapacityGB.V, defaultLustreCapacityGiB)
	}
	if p, ok := prices.FSxLustreGBMonth(defaultLustreDeployment, 0); !ok || p != cat.LustreGBMonth {
		t.Errorf("catalogue price %v, the price table's %v", cat.LustreGBMonth, p)
	}
}

// The lustre block sets the workspace the engine shares and bills: PERSISTENT_2 at 2,400 GiB and
// 250 MB/s/TiB gives 2400/1024 × 250 MB/s for reads and writes alike, billed at the catalogue's
// PERSISTENT_2 250 price; without the block the SCRATCH_2 1,200 GiB default.
func TestExpand_lustreBlock(t *testing.T) {
	m := nullInputs(t)
	s := stage("read", 4, 10)
	s.InputBytes = types.Int64Value(1e9)
	m.Stage = listOf(t, "stage", []stageModel{s})
	p, _ := mustExpand(t, &m)
	if st := p.Storage; st.LustreAggregateBps != 234.375e6 || st.LustreWriteAggregateBps != 117.1875e6 {
		t.Errorf("default workspace: %v / %v B/s, want 234.375e6 / 117.1875e6", st.LustreAggregateBps, st.LustreWriteAggregateBps)
	}
	def := p.Storage.LustreHourlyUSD

	m.Lustre = listOf(t, "lustre", []lustreModel{lustreBlockOf(lustre.DeploymentPersistent2, 2400, 250)})
	p, _ = mustExpand(t, &m)
	want := placement.LustreThroughput(2400, 250)
	if st := p.Storage; st.LustreAggregateBps != want || st.LustreWriteAggregateBps != want {
		t.Errorf("PERSISTENT_2 2400 GiB at 250: %v / %v B/s, want %v", st.LustreAggregateBps, st.LustreWriteAggregateBps, want)
	}
	price, _ := prices.FSxLustreGBMonth(lustre.DeploymentPersistent2, 250)
	if got, want := p.Storage.LustreHourlyUSD, 2400*price.V/prices.HoursPerMonth; got != want || got <= def {
		t.Errorf("PERSISTENT_2 2400 GiB at 250: $%v per hour, want $%v (default $%v)", got, want, def)
	}

	// model_overrides.lustre_gb_month keeps its price.
	m.ModelOverride = types.MapValueMust(types.Float64Type, map[string]attr.Value{"lustre_gb_month": types.Float64Value(0.5)})
	p, _ = mustExpand(t, &m)
	if got := p.Storage.LustreHourlyUSD; got != 2400*0.5/prices.HoursPerMonth {
		t.Errorf("lustre_gb_month override: $%v per hour", got)
	}
}

// FSx's rules, as the lustre package applies them, name the block's attribute; model_overrides may not
// set what the block sets.
func TestValidate_lustreBlock(t *testing.T) {
	for name, c := range map[string]struct {
		block     lustreModel
		overrides map[string]attr.Value
		want      []string
	}{
		"scratch capacity":       {lustreBlockOf(lustre.DeploymentScratch2, 1800, 0), nil, []string{"at lustre[0].storage_capacity_gib", "1200, 2400, or a multiple of 2400"}},
		"persistent needs tier":  {lustreBlockOf(lustre.DeploymentPersistent2, 2400, 0), nil, []string{"at lustre[0].per_unit_storage_throughput", "125, 250, 500, 1000"}},
		"scratch takes no tier":  {lustreBlockOf(lustre.DeploymentScratch2, 1200, 125), nil, []string{"at lustre[0].per_unit_storage_throughput", "fixed baseline throughput of 200 MB/s/TiB"}},
		"tier of the other type": {lustreBlockOf(lustre.DeploymentPersistent1, 2400, 125), nil, []string{"per_unit_storage_throughput 125 is not valid", "50, 100, 200"}},
		"override conflicts": {lustreBlockOf(lustre.DeploymentScratch2, 2400, 0),
			map[string]attr.Value{"lustre_capacity_gb": types.Float64Value(4800)}, []string{`at model_overrides["lustre_capacity_gb"]`, "Conflicting Lustre settings"}},
	} {
		t.Run(name, func(t *testing.T) {
			m := nullInputs(t)
			m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1)})
			m.Lustre = listOf(t, "lustre", []lustreModel{c.block})
			if c.overrides != nil {
				m.ModelOverride = types.MapValueMust(types.Float64Type, c.overrides)
			}
			d, _ := m.decode(context.Background())
			diags := validateInputs(context.Background(), &m, &d, false)
			if !diags.HasError() {
				t.Fatal("no error")
			}
			var got []string
			for _, e := range diags.Errors() {
				got = append(got, e.Summary()+": "+e.Detail())
				if ad, ok := e.(diag.DiagnosticWithPath); ok {
					got = append(got, "at "+ad.Path().String())
				}
			}
			all := strings.Join(got, "\n")
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("diagnostics %q lack %q", all, w)
				}
			}
		})
	}
	// A valid block passes.
	m := nullInputs(t)
	m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1)})
	m.Lustre = listOf(t, "lustre", []lustreModel{lustreBlockOf(lustre.DeploymentPersistent2, 4800, 1000)})
	d, _ := m.decode(context.Background())
	if diags := validateInputs(context.Background(), &m, &d, false); diags.HasError() {
		t.Errorf("valid block: %v", diags)
	}
}

// The Price List API prices a scratch workspace for the Region (its Lustre item is scratch storage); a
// persistent one keeps the catalogue's price of its type and tier, with a warning on the lustre block when
// the other prices are another Region's.
func TestLustrePrices(t *testing.T) {
	has := func(items []string) bool { return strings.Contains(strings.Join(items, ","), "lustre_gb_month") }
	scratch := decodedInputs{lustre: []lustreModel{lustreBlockOf(lustre.DeploymentScratch2, 2400, 0)}}
	persistent := decodedInputs{lustre: []lustreModel{lustreBlockOf(lustre.DeploymentPersistent2, 2400, 250)}}
	if !has(serviceItems(&decodedInputs{})) || !has(serviceItems(&scratch)) || has(serviceItems(&persistent)) {
		t.Errorf("lustre_gb_month asked for: default %v, SCRATCH_2 %v, PERSISTENT_2 %v", has(serviceItems(&decodedInputs{})),
			has(serviceItems(&scratch)), has(serviceItems(&persistent)))
	}
	var asked []string
	lookup := serviceLookup(&asked, nil, nil)
	cat := placement.DefaultCatalog()
	m := nullInputs(t)
	if d := applyLustre(cat, &persistent, &m); d.HasError() {
		t.Fatal(d)
	}
	d := lustrePriceWarning(lookup, &persistent, cat)
	if d.WarningsCount() != 1 || !strings.Contains(d[0].Detail(), "eu-west-2") || !strings.Contains(d[0].Detail(), "PERSISTENT_2") {
		t.Errorf("persistent workspace in eu-west-2: %v", d)
	}
	if d := lustrePriceWarning(lookup, &scratch, cat); len(d) != 0 {
		t.Errorf("scratch workspace: %v", d)
	}
	if d := lustrePriceWarning(nil, &persistent, cat); len(d) != 0 {
		t.Errorf("no lookup: %v", d)
	}
}
