// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
)

var _ datasource.DataSourceWithConfigure = (*instanceTypesDataSource)(nil)

// NewInstanceTypesDataSource is the rayhpc_efa_instance_types data source.
func NewInstanceTypesDataSource() datasource.DataSource { return &instanceTypesDataSource{} }

type instanceTypesDataSource struct{ framework.DataSourceWithClient }

type instanceTypesModel struct {
	Architecture     types.String        `tfsdk:"architecture"`
	AvailabilityZone types.String        `tfsdk:"availability_zone"`
	GPU              types.Bool          `tfsdk:"gpu"`
	ID               types.String        `tfsdk:"id"`
	InstanceTypes    []instanceTypeModel `tfsdk:"instance_types"`
	MinMemoryGiB     types.Float64       `tfsdk:"min_memory_gib"`
	MinVCPUs         types.Int64         `tfsdk:"min_vcpus"`
	Names            []types.String      `tfsdk:"names"`
}

type instanceTypeModel struct {
	Architectures      []types.String `tfsdk:"architectures"`
	EFAInterfaceCount  types.Int64    `tfsdk:"efa_interface_count"`
	GPUCount           types.Int64    `tfsdk:"gpu_count"`
	GPUModel           types.String   `tfsdk:"gpu_model"`
	MemoryGiB          types.Float64  `tfsdk:"memory_gib"`
	Name               types.String   `tfsdk:"name"`
	NetworkPerformance types.String   `tfsdk:"network_performance"`
	PricePerHour       types.Float64  `tfsdk:"price_per_hour"`
	PriceSource        types.String   `tfsdk:"price_source"`
	VCPUs              types.Int64    `tfsdk:"vcpus"`
}

func (d *instanceTypesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_efa_instance_types"
}

func (d *instanceTypesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the EC2 instance types that support the Elastic Fabric Adapter (EFA), with their vCPUs, " +
			"memory, GPUs, EFA interface count, network performance and on-demand hourly Linux price. Prices come from " +
			"the AWS Price List API (`price_source = \"pricing-api\"`); when it cannot be reached, from the provider's " +
			"built-in catalog (`price_source = \"catalog: <source>\"`, us-east-1 prices) with a warning.",
		Attributes: map[string]schema.Attribute{
			"architecture": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Only types with this CPU architecture: `x86_64` or `arm64`.",
				Validators: []validator.String{stringvalidator.OneOf("x86_64", "arm64")},
			},
			"availability_zone": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only types offered in this Availability Zone (DescribeInstanceTypeOfferings).",
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 64)},
			},
			"gpu": schema.BoolAttribute{
				Optional: true, MarkdownDescription: "`true`: only types with GPUs; `false`: only types without. Unset: both.",
			},
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Identifier of this query."},
			"instance_types": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching EFA-capable instance types, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"architectures":       schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Supported CPU architectures."},
					"efa_interface_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "EFA interfaces an instance can carry (one per network card, up to `MaximumEfaInterfaces`)."},
					"gpu_count":           schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of GPUs."},
					"gpu_model":           schema.StringAttribute{Computed: true, MarkdownDescription: "GPU manufacturer and model, such as `NVIDIA H100`; empty without GPUs."},
					"memory_gib":          schema.Float64Attribute{Computed: true, MarkdownDescription: "Memory in GiB."},
					"name":                schema.StringAttribute{Computed: true, MarkdownDescription: "Instance type name."},
					"network_performance": schema.StringAttribute{Computed: true, MarkdownDescription: "Network performance as EC2 describes it, such as `100 Gigabit`."},
					"price_per_hour":      schema.Float64Attribute{Computed: true, MarkdownDescription: "On-demand Linux price in USD per hour; null when unknown."},
					"price_source":        schema.StringAttribute{Computed: true, MarkdownDescription: "`pricing-api`, `catalog: <source>`, or `unavailable`."},
					"vcpus":               schema.Int64Attribute{Computed: true, MarkdownDescription: "Default vCPUs."},
				}},
			},
			"min_memory_gib": schema.Float64Attribute{
				Optional: true, MarkdownDescription: "Only types with at least this much memory (GiB).",
				Validators: []validator.Float64{float64validator.AtLeast(0)},
			},
			"min_vcpus": schema.Int64Attribute{
				Optional: true, MarkdownDescription: "Only types with at least this many vCPUs.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"names": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Names of the matching types, sorted."},
		},
	}
}

func (d *instanceTypesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m instanceTypesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := d.Client()
	ctx = tflog.SetField(ctx, "region", c.Region)
	summary := "reading EFA instance types"

	all, err := listEFATypes(ctx, c.EC2(), m.Architecture.ValueString())
	if err != nil {
		resp.Diagnostics.AddError(summary, err.Error()+"\nCheck the ec2:DescribeInstanceTypes permission.")
		return
	}
	var offered map[string]bool
	if az := m.AvailabilityZone.ValueString(); az != "" {
		offered, err = offeredTypes(ctx, c.EC2(), az)
		if err != nil {
			resp.Diagnostics.AddError(summary, fmt.Sprintf("describing instance type offerings in %s: %s", az, err))
			return
		}
		if len(offered) == 0 {
			resp.Diagnostics.AddAttributeWarning(pathAZ, "No instance types offered",
				fmt.Sprintf("DescribeInstanceTypeOfferings lists no instance type in %q; is it an Availability Zone of %s?", az, c.Region))
		}
	}
	var picked []typeInfo
	for _, t := range all {
		switch {
		case !m.MinVCPUs.IsNull() && int64(t.VCPUs) < m.MinVCPUs.ValueInt64():
		case !m.MinMemoryGiB.IsNull() && t.MemoryGiB < m.MinMemoryGiB.ValueFloat64():
		case !m.GPU.IsNull() && m.GPU.ValueBool() != (t.GPUs > 0):
		case offered != nil && !offered[t.Name]:
		default:
			picked = append(picked, t)
		}
	}
	sort.Slice(picked, func(i, j int) bool { return picked[i].Name < picked[j].Name })

	var prices map[string]float64
	if len(picked) > 0 {
		prices, err = onDemandLinuxPrices(ctx, c.Pricing(), c.Region)
		if err != nil {
			resp.Diagnostics.AddWarning("reading prices from the AWS Price List API",
				err.Error()+"\nPrices fall back to the provider's built-in catalog (us-east-1 on-demand Linux prices); "+
					"each price_source says where its price comes from. Check the pricing:GetProducts permission.")
			prices = nil
		}
	}

	m.InstanceTypes = make([]instanceTypeModel, 0, len(picked))
	m.Names = make([]types.String, 0, len(picked))
	for _, t := range picked {
		it := instanceTypeModel{
			Name: types.StringValue(t.Name), VCPUs: types.Int64Value(int64(t.VCPUs)),
			MemoryGiB: types.Float64Value(t.MemoryGiB), GPUCount: types.Int64Value(int64(t.GPUs)),
			GPUModel: types.StringValue(t.GPUModel), EFAInterfaceCount: types.Int64Value(int64(t.efaInterfaceCount())),
			NetworkPerformance: types.StringValue(t.NetworkPerformance),
			PricePerHour:       types.Float64Null(), PriceSource: types.StringValue("unavailable"),
		}
		for _, a := range t.Architectures {
			it.Architectures = append(it.Architectures, types.StringValue(a))
		}
		if usd, ok := prices[t.Name]; ok {
			it.PricePerHour, it.PriceSource = types.Float64Value(usd), types.StringValue(PriceSourcePricingAPI)
		} else if usd, src, ok := catalogPrice(t.Name); ok && (prices == nil || c.Region == "us-east-1") {
			it.PricePerHour, it.PriceSource = types.Float64Value(usd), types.StringValue(src)
		}
		m.InstanceTypes = append(m.InstanceTypes, it)
		m.Names = append(m.Names, types.StringValue(t.Name))
	}
	m.ID = types.StringValue(fmt.Sprintf("%s/arch=%s/az=%s/gpu=%s/min_vcpus=%s/min_memory_gib=%s", c.Region,
		m.Architecture.ValueString(), m.AvailabilityZone.ValueString(), m.GPU.String(), m.MinVCPUs.String(), m.MinMemoryGiB.String()))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

var pathAZ = path.Root("availability_zone")
