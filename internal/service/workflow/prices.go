// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/prices"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/prices/pricelist"
)

// srcModelOverride is the source model_overrides gives a catalogue value; such a value is never
// replaced by the Price List API's.
const srcModelOverride = "configuration (model_overrides)"

// priceLookup is the AWS Price List API for the provider's Region: the hourly on-demand prices of EC2
// instance types, and the prices of the engine's service items (pricelist.Items) with the reason for
// each it lacks. It keeps what the API answered, so each price is asked for once per provider process
// (Terraform reads a data source and plans a resource more than once); failures are not kept.
type priceLookup struct {
	region string
	ec2Fn  func(ctx context.Context, instanceTypes []string) (map[string]float64, error)
	svcFn  func(ctx context.Context, items []string) (map[string]pricelist.Price, map[string]string, error)

	mu         sync.Mutex
	ec2Known   map[string]float64 // types the API priced
	ec2Absent  map[string]bool    // types an answered call did not price
	svcFound   map[string]pricelist.Price
	svcMissing map[string]string // items an answered listing lacks, with the reason
}

func newPriceLookup(region string, ec2Fn func(context.Context, []string) (map[string]float64, error),
	svcFn func(context.Context, []string) (map[string]pricelist.Price, map[string]string, error)) *priceLookup {
	return &priceLookup{region: region, ec2Fn: ec2Fn, svcFn: svcFn, ec2Known: map[string]float64{}, ec2Absent: map[string]bool{},
		svcFound: map[string]pricelist.Price{}, svcMissing: map[string]string{}}
}

// lookups holds one priceLookup per configured provider (its client).
var lookups sync.Map

// pricingAPI is the Price List API of the provider's Region, or nil without a configured client.
func pricingAPI(c *conns.Client) *priceLookup {
	if c == nil {
		return nil
	}
	if l, ok := lookups.Load(c); ok {
		return l.(*priceLookup)
	}
	l, _ := lookups.LoadOrStore(c, newPriceLookup(c.Region,
		func(ctx context.Context, instanceTypes []string) (map[string]float64, error) {
			return pricelist.EC2OnDemandLinux(ctx, c.Pricing(), c.Region, instanceTypes...)
		},
		func(ctx context.Context, items []string) (map[string]pricelist.Price, map[string]string, error) {
			return pricelist.ServicePrices(ctx, c.Pricing(), c.Region, items...)
		}))
	return l.(*priceLookup)
}

// ec2 returns the prices of the instance types the API has; an error when it did not answer.
func (l *priceLookup) ec2(ctx context.Context, instanceTypes []string) (map[string]float64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ask []string
	for _, it := range instanceTypes {
		if _, ok := l.ec2Known[it]; !ok && !l.ec2Absent[it] {
			ask = append(ask, it)
		}
	}
	if len(ask) > 0 {
		got, err := l.ec2Fn(ctx, ask)
		if err != nil {
			return nil, err
		}
		for _, it := range ask {
			if usd, ok := got[it]; ok {
				l.ec2Known[it] = usd
			} else {
				l.ec2Absent[it] = true
			}
		}
	}
	out := map[string]float64{}
	for _, it := range instanceTypes {
		if usd, ok := l.ec2Known[it]; ok {
			out[it] = usd
		}
	}
	return out, nil
}

// services returns the prices of the items the API has, and why it lacks the others.
func (l *priceLookup) services(ctx context.Context, items []string) (map[string]pricelist.Price, map[string]string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ask []string
	for _, n := range items {
		if _, ok := l.svcFound[n]; !ok && l.svcMissing[n] == "" {
			ask = append(ask, n)
		}
	}
	missing := map[string]string{}
	if len(ask) > 0 {
		found, why, err := l.svcFn(ctx, ask)
		for n, p := range found {
			l.svcFound[n] = p
		}
		for n, w := range why {
			if err == nil { // a failed listing is asked again next time
				l.svcMissing[n] = w
			}
			missing[n] = w
		}
	}
	found := map[string]pricelist.Price{}
	for _, n := range items {
		if p, ok := l.svcFound[n]; ok {
			found[n] = p
		} else if w := l.svcMissing[n]; w != "" {
			missing[n] = w
		}
	}
	return found, missing
}

// serviceItems are the catalogue prices of the services the platforms use (by name, as pricelist.Items
// names them): Lambda's for serverless pools (the duration price of their architectures), Fargate's for
// batch pools, the EKS control plane for Ray pools, the Lustre workspace when it is a scratch one (the
// lustre block; by default SCRATCH_2), and always S3 requests. Without platform blocks the engine's
// default platforms are used: Lambda x86, Batch and Ray among them.
func serviceItems(d *decodedInputs) []string {
	x86, arm, fargate := !d.hasPlatforms(), false, !d.hasPlatforms() || len(d.batch) > 0
	for _, m := range d.serverless {
		if m.Architecture.ValueString() == "arm64" {
			arm = true
		} else {
			x86 = true
		}
	}
	var out []string
	if x86 {
		out = append(out, "lambda_gb_second_x86")
	}
	if arm {
		out = append(out, "lambda_gb_second_arm")
	}
	if x86 || arm {
		out = append(out, "lambda_request", "lambda_ephemeral_gb_second")
	}
	if fargate {
		out = append(out, "fargate_vcpu_hour", "fargate_gb_hour", "fargate_ephemeral_gb_hour")
	}
	if !d.hasPlatforms() || len(d.ray) > 0 {
		out = append(out, "eks_control_plane")
	}
	if d.lustreScratch() { // the Price List's Lustre item is scratch storage; persistent tiers keep the catalogue's
		out = append(out, "lustre_gb_month")
	}
	return append(out, "s3_get_per_1000", "s3_put_per_1000")
}

// applyServicePrices sets the catalogue's service prices (items) to the Price List API's for the
// provider's Region, except those model_overrides set. Items the API lacks keep the offline catalogue's
// price, and one warning names them with the reason.
func applyServicePrices(ctx context.Context, lookup *priceLookup, cat *placement.Catalog, items []string) diag.Diagnostics {
	var diags diag.Diagnostics
	var ask []string
	for _, n := range items {
		if v, ok := cat.Value(n); ok && v.Source != srcModelOverride {
			ask = append(ask, n)
		}
	}
	if lookup == nil || len(ask) == 0 {
		return diags
	}
	found, missing := lookup.services(ctx, ask)
	var fell []string
	for _, n := range ask {
		why := missing[n]
		if p, ok := found[n]; ok {
			err := cat.Set(n, p.USD, p.Source())
			if err == nil {
				continue
			}
			why = err.Error()
		}
		if why == "" {
			why = "not found"
		}
		fell = append(fell, fmt.Sprintf("%s: %s", n, why))
	}
	if len(fell) > 0 {
		tflog.Warn(ctx, "service prices from the offline catalogue", map[string]any{"items": fell})
		diags.AddWarning("Service prices from the offline catalogue",
			fmt.Sprintf("The AWS Price List API gave no price in %s for:\n- %s\n\nThe placement uses the provider's offline "+
				"catalogue (%s, on demand) for those; price_sources says where each price came from. Set them with "+
				"model_overrides, or pricing_api = false to make no AWS call.", lookup.region, strings.Join(fell, "\n- "), prices.Region))
	}
	return diags
}

// srcEC2 is the source of an EC2 price from the Price List API.
func srcEC2(region string) string { return "AWS Price List API, " + region + ", on demand, Linux" }

// instanceTypesToPrice are the EC2 types whose prices the placement uses, sorted: every type the
// right-sizer weighs for a VM pool without instance_type (the catalogue's types of its families, or
// placement.MPIInstanceType for an HPC pool when a stage is coupled "mpi"), the configured types the
// catalogue has whose price price_per_hour does not set, and the head nodes of the HPC and Ray pools.
func instanceTypesToPrice(cat *placement.Catalog, d *decodedInputs, w *placement.Workflow) []string {
	mpi := false
	for _, s := range w.Stages {
		mpi = mpi || s.Coupling == placement.CouplingMPI
	}
	want := map[string]bool{}
	rightSized := func(kind placement.PlatformKind) {
		families := placement.RayFamilies
		if kind == placement.KindHPC {
			if mpi {
				want[placement.MPIInstanceType] = true
				return
			}
			families = placement.HPCFamilies
		}
		fam := map[string]bool{}
		for _, f := range families {
			fam[f] = true
		}
		for n, it := range cat.Instances {
			if fam[it.Family] && it.GPUs == 0 {
				want[n] = true
			}
		}
	}
	pool := func(m vmPoolModel, kind placement.PlatformKind) {
		it := m.InstanceType.ValueString()
		if _, ok := cat.Instance(it); ok && m.PricePerHour.IsNull() {
			want[it] = true
		} else if it == "" {
			rightSized(kind)
		}
	}
	hpc, ray := !d.hasPlatforms(), !d.hasPlatforms()
	if hpc {
		rightSized(placement.KindHPC)
		rightSized(placement.KindRay)
	}
	for _, m := range d.hpc {
		hpc = true
		pool(m, placement.KindHPC)
	}
	for _, m := range d.ray {
		ray = true
		pool(m, placement.KindRay)
	}
	if hpc {
		want[cat.HPCHeadNodeType] = true
	}
	if ray {
		want[cat.RayHeadNodeType] = true
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// applyInstancePrices sets the catalogue's prices of instance types (instanceTypesToPrice) to the Price
// List API's for the provider's Region, before the pools are made: the right-sizer then weighs the
// candidate types at the Region's prices (the engine itself calls no API: the catalogue is its price
// table), and the pools and head nodes take their prices and sources from the catalogue. A type the API
// lacks keeps the offline catalogue's price, and a warning names it; when the API fails, all do.
func applyInstancePrices(ctx context.Context, lookup *priceLookup, cat *placement.Catalog, names []string) diag.Diagnostics {
	var diags diag.Diagnostics
	if lookup == nil || len(names) == 0 {
		return diags
	}
	got, err := lookup.ec2(ctx, names)
	if err != nil {
		tflog.Warn(ctx, "Price List API unavailable; using the offline catalogue", map[string]any{"error": err.Error()})
		diags.AddWarning("EC2 prices from the offline catalogue",
			fmt.Sprintf("The AWS Price List API did not answer (%s); the placement uses the provider's offline prices for %s "+
				"(%s, on demand), to right-size the pools too. Set pricing_api = false to skip the call.", err, names, prices.Region))
		return diags
	}
	var lacking []string
	for _, n := range names {
		usd, ok := got[n]
		if !ok {
			lacking = append(lacking, n)
			continue
		}
		if err := cat.SetInstancePrice(n, usd, srcEC2(lookup.region)); err != nil {
			lacking = append(lacking, n)
		}
	}
	if len(lacking) > 0 {
		diags.AddWarning("EC2 prices from the offline catalogue",
			fmt.Sprintf("The AWS Price List API has no on-demand Linux price in %s for %s; the placement uses the provider's "+
				"offline prices (%s, on demand) for those, where they are candidates of a right-sized pool too; price_sources says "+
				"where each price came from. Set instance_type and price_per_hour on the pool, or pricing_api = false to make "+
				"no AWS call.", lookup.region, strings.Join(lacking, ", "), prices.Region))
	}
	return diags
}

// headNodeType is the head node type whose price is part of a VM pool's fixed cost: the ParallelCluster
// head node of an HPC pool, the Ray head of a Ray pool ("" for other pools).
func headNodeType(cat *placement.Catalog, pl *placement.Pool) string {
	switch pl.Kind {
	case placement.KindHPC:
		return cat.HPCHeadNodeType
	case placement.KindRay:
		return cat.RayHeadNodeType
	}
	return ""
}

func headKey(k placement.PlatformKind) string { return string(k) + "_head_node" }

// priceSources says where each price of the placement comes from: the catalogue's service items (the EKS
// control plane among them when a Ray pool is there), every pool's own price ("pool.<name>") and the
// head nodes.
func priceSources(cat *placement.Catalog, pls *placement.Platforms, items []string) map[string]string {
	out := map[string]string{}
	for _, n := range items {
		if v, ok := cat.Value(n); ok {
			out[n] = v.Source
		}
	}
	for i := range pls.Pools {
		pl := &pls.Pools[i]
		out["pool."+pl.Name] = pl.PriceSource
		if head := headNodeType(cat, pl); head != "" {
			if it, ok := cat.Instance(head); ok {
				out[headKey(pl.Kind)] = fmt.Sprintf("%s (%s)", it.PriceSource, head)
			}
		}
		if pl.Kind == placement.KindRay {
			out["eks_control_plane"] = cat.EKSControlPlane.Source
		}
	}
	return out
}
