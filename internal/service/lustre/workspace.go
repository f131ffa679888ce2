// SPDX-License-Identifier: MPL-2.0

// Package lustre holds rayhpc_lustre_workspace: one FSx for Lustre file system as a shared workspace on an
// S3 data lake, with its data repository associations and (optionally) its own security group. Its
// finders, waiters and validation rules are exported for the hybrid resource.
package lustre

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
)

// Generous defaults: FSx for Lustre creates take 5-15 minutes, storage scaling can keep a file system
// UPDATING for a long time, and association changes are serialised.
const (
	defaultCreateTimeout = 60 * time.Minute
	defaultUpdateTimeout = 3 * time.Hour
	defaultDeleteTimeout = 60 * time.Minute
)

var (
	_ resource.ResourceWithConfigure      = (*workspaceResource)(nil)
	_ resource.ResourceWithImportState    = (*workspaceResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*workspaceResource)(nil)
	_ resource.ResourceWithValidateConfig = (*workspaceResource)(nil)
)

// NewWorkspaceResource returns the rayhpc_lustre_workspace resource.
func NewWorkspaceResource() resource.Resource { return &workspaceResource{} }

type workspaceResource struct {
	framework.WithClient
	// waitOptions lets tests poll faster; zero means the wait package's defaults.
	waitOptions WaitOptions
}

func (r *workspaceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_lustre_workspace"
}

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

func (r *workspaceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	eventsValidator := []validator.Set{setvalidator.ValueStringsAre(stringvalidator.OneOf(RepositoryEvents...))}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages an Amazon FSx for Lustre file system as a shared workspace on an S3 data lake: the file " +
			"system, its S3 data repository associations and, unless `security_group_ids` is given, a security group " +
			"allowing Lustre traffic (TCP 988 and 1018-1023). FSx's capacity, throughput, EFA and association rules are " +
			"checked at plan time. Outputs the mount command and a Kubernetes PersistentVolume for the FSx CSI driver.",
		Attributes: map[string]schema.Attribute{
			"allowed_cidr_blocks": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "CIDR blocks allowed to reach the file system on the Lustre ports, when the workspace creates its own security group.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(cidrValidator{})},
			},
			"allowed_security_group_ids": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Security groups (of the clients: HPC nodes, Ray workers) allowed to reach the file system on the Lustre ports, when the workspace creates its own security group.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(stringvalidator.RegexMatches(sgIDRE, "must be a security group ID such as sg-0123456789abcdef0"))},
			},
			"arn": computedString("ARN of the file system."),
			"data_compression": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("NONE"),
				MarkdownDescription: "Data compression: `NONE` or `LZ4`. Can be changed in place (applies to newly written data).",
				Validators:          []validator.String{stringvalidator.OneOf(DataCompressionTypes...)},
			},
			"deployment_type": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "`SCRATCH_1`, `SCRATCH_2`, `PERSISTENT_1` or `PERSISTENT_2`. Changing it replaces the file system.",
				Validators:          []validator.String{stringvalidator.OneOf(DeploymentTypes...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"dns_name": computedString("DNS name of the file system."),
			"efa_enabled": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Enable Elastic Fabric Adapter support (PERSISTENT_2, SSD, Lustre 2.15 only). Changing it replaces the file system.",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"file_system_type_version": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Lustre version: `2.10`, `2.12` or `2.15`. Defaults to `2.15` for new workspaces. Can be upgraded in place, never downgraded.",
				Validators:          []validator.String{stringvalidator.OneOf(FileSystemTypeVersions...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"id": computedString("File system ID (`fs-...`)."),
			"kms_key_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "KMS key for encryption at rest (persistent deployment types only). Changing it replaces the file system.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"kubernetes_persistent_volume": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "A ready-to-apply Kubernetes PersistentVolume manifest (YAML) for the FSx for Lustre CSI driver (`fsx.csi.aws.com`), statically provisioned on this file system.",
			},
			"lifecycle_state": computedString("Lifecycle state of the file system (`AVAILABLE`, `UPDATING`, ...). (`lifecycle` is a name Terraform reserves.)"),
			"mount_command":   computedString("Command that mounts the file system at `/fsx` on a Linux client with the Lustre client installed."),
			"mount_name":      computedString("Lustre mount name."),
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Workspace name, stored as the file system's `Name` tag. Can be changed in place.",
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 256)},
			},
			"network_interface_ids": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Elastic network interfaces of the file system.",
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"per_unit_storage_throughput": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Throughput tier in MB/s per TiB, required for persistent types: PERSISTENT_1 SSD 50, 100, 200; PERSISTENT_1 HDD 12, 40; PERSISTENT_2 125, 250, 500, 1000. Persistent SSD tiers can be changed in place.",
				Validators:          []validator.Int64{int64validator.OneOf(12, 40, 50, 100, 125, 200, 250, 500, 1000)},
			},
			"root_squash": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Root squash `UID:GID` (for example `65534:65534`); unset or `0:0` turns it off. Can be changed in place.",
				Validators:          []validator.String{stringvalidator.RegexMatches(rootSquashRE, "must be UID:GID, for example 65534:65534")},
			},
			"security_group_id": computedString("The security group the workspace created (when `security_group_ids` is not set)."),
			"security_group_ids": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Security groups for the file system's network interfaces. When unset, the workspace creates a group allowing Lustre traffic from itself and from `allowed_security_group_ids` / `allowed_cidr_blocks`. Changing it replaces the file system.",
				PlanModifiers:       []planmodifier.Set{setplanmodifier.RequiresReplace()},
				Validators: []validator.Set{
					setvalidator.SizeBetween(1, 50),
					setvalidator.ValueStringsAre(stringvalidator.RegexMatches(sgIDRE, "must be a security group ID such as sg-0123456789abcdef0")),
					setvalidator.ConflictsWith(path.MatchRoot("allowed_security_group_ids"), path.MatchRoot("allowed_cidr_blocks")),
				},
			},
			"storage_capacity_gib": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: "Storage capacity in GiB. SSD: 1200, 2400, then multiples of 2400 (SCRATCH_1: multiples of 3600); HDD: multiples of 6000 at 12 MB/s/TiB, 1800 at 40; EFA: multiples of 38400/19200/9600/4800 at 125/250/500/1000 MB/s/TiB. Can only grow, in place (not on SCRATCH_1).",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"storage_type": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(StorageSSD),
				MarkdownDescription: "`SSD` (default) or `HDD` (PERSISTENT_1 only). Changing it replaces the file system.",
				Validators:          []validator.String{stringvalidator.OneOf(StorageTypes...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"subnet_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Subnet of the file system. Changing it replaces the file system.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"tags": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Tags of the file system, merged over the provider's `default_tags`. `Name` is set from `name`.",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
		Blocks: map[string]schema.Block{
			"data_repository": schema.ListNestedBlock{
				MarkdownDescription: "An S3 data repository association: links a directory of the file system to an S3 bucket or prefix (not on SCRATCH_1 or Lustre 2.10; at most 8; paths must not overlap). Added, changed and removed in place, one at a time.",
				Validators:          []validator.List{listvalidator.SizeAtMost(MaxDataRepositories)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"auto_export": schema.SetAttribute{
							Optional: true, ElementType: types.StringType, Validators: eventsValidator,
							MarkdownDescription: "File changes exported to S3 automatically: any of `NEW`, `CHANGED`, `DELETED`.",
						},
						"auto_import": schema.SetAttribute{
							Optional: true, ElementType: types.StringType, Validators: eventsValidator,
							MarkdownDescription: "S3 object changes imported automatically: any of `NEW`, `CHANGED`, `DELETED`.",
						},
						"file_system_path": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "Directory of the file system linked to the repository, such as `/datasets`. Changing it recreates the association.",
						},
						"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Association ID (`dra-...`)."},
						"import_metadata_on_create": schema.BoolAttribute{
							Optional:            true,
							MarkdownDescription: "Import the metadata of the existing S3 objects when the association is created. Changing it recreates the association.",
						},
						"lifecycle": schema.StringAttribute{Computed: true, MarkdownDescription: "Lifecycle state of the association."},
						"s3_uri": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "S3 bucket or prefix, such as `s3://my-data-lake/datasets/`. Changing it recreates the association.",
						},
					},
				},
			},
		},
	}
}

// ValidateConfig checks every FSx rule that the configuration alone decides (values unknown at this point
// are skipped and checked again in ModifyPlan once known).
func (r *workspaceResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg workspaceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	spec, d := cfg.spec(ctx)
	resp.Diagnostics.Append(d...)
	addProblems(&resp.Diagnostics, ValidateWorkspace(spec))
}

type diagAdder interface {
	AddAttributeError(path.Path, string, string)
}

func problemPath(p Problem) path.Path {
	at := path.Root(p.Attribute)
	if p.Index >= 0 {
		at = at.AtListIndex(p.Index)
		if p.Nested != "" {
			at = at.AtName(p.Nested)
		}
	}
	return at
}

func addProblems(diags diagAdder, problems []Problem) {
	for _, p := range problems {
		diags.AddAttributeError(problemPath(p), p.Summary, p.Detail)
	}
}

// ModifyPlan sets the default Lustre version of new workspaces, checks what FSx can change in place
// (capacity only grows, the version is only upgraded), keeps the IDs of unchanged associations and
// computes the outputs that follow from the plan.
func (r *workspaceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, cfg workspaceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		if cfg.FileSystemTypeVersion.IsNull() {
			plan.FileSystemTypeVersion = types.StringValue(DefaultFileSystemTypeVersion)
		}
		// Rules that depend on values only known now (from other resources) are checked again.
		spec, d := plan.spec(ctx)
		resp.Diagnostics.Append(d...)
		if !hasUnknowns(cfg) {
			spec = WorkspaceSpec{} // ValidateConfig already saw everything
		}
		addProblems(&resp.Diagnostics, ValidateWorkspace(spec))
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	var state workspaceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	from, d := state.spec(ctx)
	resp.Diagnostics.Append(d...)
	to, d := plan.spec(ctx)
	resp.Diagnostics.Append(d...)
	addProblems(&resp.Diagnostics, ValidateWorkspaceChange(from, to))
	if len(plan.DataRepositories) > 0 && plan.FileSystemTypeVersion.ValueString() == "2.10" {
		resp.Diagnostics.AddAttributeError(path.Root("file_system_type_version"), "Data repository associations need Lustre 2.12 or later",
			"this file system runs Lustre 2.10, which does not support data repository associations (FSx API Reference, "+
				"CreateDataRepositoryAssociation). Set file_system_type_version = \"2.15\" to upgrade it in place first.")
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// Associations that stay as they are keep their ID and lifecycle.
	for i := range plan.DataRepositories {
		p := &plan.DataRepositories[i]
		if s := matchRepo(state.DataRepositories, *p); s != nil {
			p.ID = s.ID
			if reposEqual(*s, *p) {
				p.Lifecycle = s.Lifecycle
			}
		}
	}
	plan.setDerived()
	if !known(plan.StorageCapacityGiB) {
		plan.KubernetesPersistentVolume = types.StringUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func hasUnknowns(m workspaceModel) bool {
	if m.DeploymentType.IsUnknown() || m.StorageType.IsUnknown() || m.StorageCapacityGiB.IsUnknown() ||
		m.PerUnitStorageThroughput.IsUnknown() || m.EFAEnabled.IsUnknown() || m.FileSystemTypeVersion.IsUnknown() {
		return true
	}
	for _, r := range m.DataRepositories {
		if r.FileSystemPath.IsUnknown() || r.S3URI.IsUnknown() {
			return true
		}
	}
	return false
}

func normPath(p string) string { return strings.TrimRight(p, "/") }

// matchRepo returns the state association that the planned one keeps (same path, same S3 URI and
// import setting), or nil when the planned one needs a new association.
func matchRepo(state []repoModel, p repoModel) *repoModel {
	for i := range state {
		s := &state[i]
		if !known(s.ID) {
			continue
		}
		if normPath(s.FileSystemPath.ValueString()) == normPath(p.FileSystemPath.ValueString()) &&
			normPath(s.S3URI.ValueString()) == normPath(p.S3URI.ValueString()) &&
			s.ImportMetadataOnCreate.ValueBool() == p.ImportMetadataOnCreate.ValueBool() {
			return s
		}
	}
	return nil
}

func reposEqual(a, b repoModel) bool {
	return eventsEqual(a.AutoImport, b.AutoImport) && eventsEqual(a.AutoExport, b.AutoExport)
}

func eventsEqual(a, b types.Set) bool {
	if a.IsUnknown() || b.IsUnknown() {
		return false
	}
	return len(a.Elements()) == len(b.Elements()) && (len(a.Elements()) == 0 || a.Equal(b))
}

func (r *workspaceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !strings.HasPrefix(req.ID, "fs-") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("import rayhpc_lustre_workspace by its FSx file system ID, such as fs-0123456789abcdef0; got %q", req.ID))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// ---- small validators ----

var sgIDRE = regexpMust(`^sg-[0-9a-f]{8,17}$`)

type cidrValidator struct{}

func (cidrValidator) Description(context.Context) string { return "must be an IPv4 or IPv6 CIDR block" }
func (v cidrValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (cidrValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	if _, _, err := net.ParseCIDR(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid CIDR block",
			fmt.Sprintf("%s must be a CIDR block such as 10.0.0.0/16: %s", req.Path, err))
	}
}
