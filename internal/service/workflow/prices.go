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
// batch pools, the Lustre workspace when it is a scratch one (the lustre block; by default SCRATCH_2), and
// always S3 requests. Without platform blocks the engine's
// default platforms are used: Lambda x86 and Batch among them.
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

// applyPricingAPI prices the VM pools whose price is the offline catalogue's, and the pools' head nodes,
// with the Price List API's prices for the provider's Region (spot pools keep their discount). When the
// API fails or lacks a type, the catalogue's price stays, and a warning says so. heads gets the source
// of each head node price it replaced ("hpc_head_node", "ray_head_node").
func applyPricingAPI(ctx context.Context, lookup *priceLookup, cat *placement.Catalog, pls *placement.Platforms, heads map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	if lookup == nil {
		return diags
	}
	want := map[string]bool{}
	for i := range pls.Pools {
		pl := &pls.Pools[i]
		if pl.InstanceType != "" && isCatalogPrice(pl) {
			want[pl.InstanceType] = true
		}
		if head := headNodeType(cat, pl); head != "" {
			want[head] = true
		}
	}
	if len(want) == 0 {
		return diags
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	got, err := lookup.ec2(ctx, names)
	if err != nil {
		tflog.Warn(ctx, "Price List API unavailable; using the offline catalogue", map[string]any{"error": err.Error()})
		diags.AddWarning("EC2 prices from the offline catalogue",
			fmt.Sprintf("The AWS Price List API did not answer (%s); the placement uses the provider's offline prices for %s "+
				"(%s, on demand). Set pricing_api = false to skip the call.", err, names, prices.Region))
		return diags
	}
	var lacking []string
	for _, n := range names {
		if _, ok := got[n]; !ok {
			lacking = append(lacking, n)
		}
	}
	if len(lacking) > 0 {
		diags.AddWarning("EC2 prices from the offline catalogue",
			fmt.Sprintf("The AWS Price List API has no on-demand Linux price in %s for %s; the placement uses the provider's "+
				"offline prices (%s, on demand) for those; price_sources says where each price came from. Set price_per_hour "+
				"on the pool, or pricing_api = false to make no AWS call.", lookup.region, strings.Join(lacking, ", "), prices.Region))
	}
	src := "AWS Price List API, " + lookup.region + ", on demand, Linux"
	for i := range pls.Pools {
		pl := &pls.Pools[i]
		if head := headNodeType(cat, pl); head != "" {
			if usd, ok := got[head]; ok {
				it, _ := cat.Instance(head)
				pl.FixedHourlyUSD += usd - it.HourlyUSD
				heads[headKey(pl.Kind)] = fmt.Sprintf("%s (%s)", src, head)
			}
		}
		usd, ok := got[pl.InstanceType]
		if !ok || !isCatalogPrice(pl) {
			continue
		}
		pl.HourlyUSD, pl.PriceSource = usd, src
		if pl.Spot {
			pl.HourlyUSD *= 1 - cat.SpotDiscount.V
			pl.PriceSource += fmt.Sprintf(", less the assumed %.0f%% spot discount", cat.SpotDiscount.V*100)
		}
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

// isCatalogPrice reports whether a VM pool's price is the offline catalogue's (not configured).
func isCatalogPrice(pl *placement.Pool) bool {
	if pl.Kind != placement.KindHPC && pl.Kind != placement.KindRay {
		return false
	}
	it, ok := prices.InstanceType(pl.InstanceType)
	return ok && (pl.PriceSource == it.PriceSource || pl.Spot && pl.HourlyUSD < it.HourlyUSD)
}

// priceSources says where each price of the placement comes from: the catalogue's service items, the EKS
// control plane when a Ray pool is there, every pool's own price ("pool.<name>") and the head nodes.
func priceSources(cat *placement.Catalog, pls *placement.Platforms, items []string, heads map[string]string) map[string]string {
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
			k := headKey(pl.Kind)
			if src, ok := heads[k]; ok {
				out[k] = src
			} else if it, ok := cat.Instance(head); ok {
				out[k] = fmt.Sprintf("%s (%s)", it.PriceSource, head)
			}
		}
		if pl.Kind == placement.KindRay {
			out["eks_control_plane"] = cat.EKSControlPlane.Source
		}
	}
	return out
}
