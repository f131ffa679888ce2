// SPDX-License-Identifier: MPL-2.0

// Package provider defines the rayhpc provider: its configuration schema, Configure, and the list of
// resources and data sources the service packages contribute.
package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/rayhpc/rayhpc"

var _ provider.Provider = (*rayhpcProvider)(nil)

type rayhpcProvider struct {
	version string
}

// New returns a constructor of the provider, as providerserver.Serve and the test factories expect.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &rayhpcProvider{version: version} }
}

type providerModel struct {
	Region                    types.String `tfsdk:"region"`
	Profile                   types.String `tfsdk:"profile"`
	SharedConfigFiles         types.List   `tfsdk:"shared_config_files"`
	SharedCredentialsFiles    types.List   `tfsdk:"shared_credentials_files"`
	AssumeRole                *assumeRole  `tfsdk:"assume_role"`
	Endpoints                 types.Object `tfsdk:"endpoints"`
	DefaultTags               *defaultTags `tfsdk:"default_tags"`
	MaxRetries                types.Int64  `tfsdk:"max_retries"`
	ParallelClusterAPIStack   types.String `tfsdk:"parallelcluster_api_stack_name"`
	PollInterval              types.String `tfsdk:"poll_interval"`
	RetryMode                 types.String `tfsdk:"retry_mode"`
	SkipCredentialsValidation types.Bool   `tfsdk:"skip_credentials_validation"`
	S3UsePathStyle            types.Bool   `tfsdk:"s3_use_path_style"`
}

type assumeRole struct {
	RoleARN     types.String `tfsdk:"role_arn"`
	SessionName types.String `tfsdk:"session_name"`
	ExternalID  types.String `tfsdk:"external_id"`
	Duration    types.String `tfsdk:"duration"`
}

type defaultTags struct {
	Tags types.Map `tfsdk:"tags"`
}

var (
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)
	roleARNRE = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$`)
)

func (p *rayhpcProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "rayhpc"
	resp.Version = p.version
}

func (p *rayhpcProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	endpointAttrs := make(map[string]schema.Attribute, len(conns.Services))
	for _, s := range conns.Services {
		endpointAttrs[s] = schema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Endpoint URL for %s calls instead of the default one. "+
				"`%s` and `AWS_ENDPOINT_URL` work as in the AWS CLI.", s, conns.EndpointEnvVar(s)),
			Validators: []validator.String{framework.URL()},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The rayhpc provider builds hybrid HPC and Ray environments on AWS: FSx for Lustre " +
			"workspaces on an S3 data lake, EFA networks and DataSync transfers, plus a placement engine that says where " +
			"each stage of a workflow should run (HPC nodes, Ray workers, Lambda, Batch) and what it will cost. " +
			"Credentials come from the standard AWS chain (environment, shared files, SSO, web identity, instance " +
			"roles); every service endpoint can be overridden.",
		Attributes: map[string]schema.Attribute{
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times an AWS call is attempted when it is throttled or fails "+
					"transiently. Defaults to %d (or `AWS_MAX_ATTEMPTS`).", conns.DefaultMaxRetries),
				Validators: []validator.Int64{int64validator.Between(1, 100)},
			},
			"parallelcluster_api_stack_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Name of the CloudFormation stack of the AWS ParallelCluster API (deployed from " +
					"ParallelCluster's `parallelcluster-api.yaml` template): the API's endpoint is read from its `" +
					conns.ParallelClusterAPIInvokeURLOutput + "` output. `endpoints.parallelcluster` (or " +
					"`AWS_ENDPOINT_URL_PARALLELCLUSTER`) takes precedence.",
			},
			"poll_interval": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("The shortest time between two status reads while a resource waits for a "+
					"create, update or delete to finish (the interval then backs off, up to 30 times this). Defaults to `%s` "+
					"(or `RAYHPC_POLL_INTERVAL`). Lower it for fast test environments; raise it to spend fewer API calls.",
					wait.DefaultMinInterval),
				Validators: []validator.String{framework.DurationBetween(10*time.Millisecond, 5*time.Minute)},
			},
			"profile": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Profile in the shared config and credentials files. Also `AWS_PROFILE`.",
			},
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "AWS region, e.g. `us-east-1`. Also `AWS_REGION` or `AWS_DEFAULT_REGION`.",
				Validators: []validator.String{stringvalidator.RegexMatches(regionRE,
					"must be an AWS region name such as us-east-1 or eu-west-2")},
			},
			"retry_mode": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`standard` or `adaptive`. Also `AWS_RETRY_MODE`.",
				Validators:          []validator.String{stringvalidator.OneOf("standard", "adaptive")},
			},
			"s3_use_path_style": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Address S3 buckets by path (`https://host/bucket/key`). Turned on automatically " +
					"when S3 is reached through a custom endpoint.",
			},
			"shared_config_files": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Shared config files. Defaults to `~/.aws/config` (or `AWS_CONFIG_FILE`).",
			},
			"shared_credentials_files": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Shared credentials files. Defaults to `~/.aws/credentials` (or `AWS_SHARED_CREDENTIALS_FILE`).",
			},
			"skip_credentials_validation": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Skip the STS GetCallerIdentity call that checks the credentials when the provider starts.",
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				MarkdownDescription: "An IAM role to assume after the credential chain resolved. Its credentials are " +
					"refreshed before they expire, so long waits (cluster creation) outlive the session duration.",
				Attributes: map[string]schema.Attribute{
					"duration": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Session duration as a Go duration (`1h`, `45m`), between 15m and 12h.",
						Validators:          []validator.String{framework.DurationBetween(15*time.Minute, 12*time.Hour)},
					},
					"external_id": schema.StringAttribute{
						Optional:  true,
						Sensitive: true,
						MarkdownDescription: "External ID the role's trust policy requires. Sensitive: STS accepts any string here, " +
							"such as a passphrase agreed between the two accounts, so it is kept out of plans and logs.",
						Validators: []validator.String{stringvalidator.LengthBetween(2, 1224)},
					},
					"role_arn": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "ARN of the role, `arn:aws:iam::123456789012:role/NAME`.",
						Validators: []validator.String{stringvalidator.RegexMatches(roleARNRE,
							"must be an IAM role ARN such as arn:aws:iam::123456789012:role/deploy")},
					},
					"session_name": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Session name recorded in CloudTrail.",
						Validators:          []validator.String{stringvalidator.LengthBetween(2, 64)},
					},
				},
			},
			"default_tags": schema.SingleNestedBlock{
				MarkdownDescription: "Tags added to every resource the provider creates; a resource's own `tags` win.",
				Attributes: map[string]schema.Attribute{
					"tags": schema.MapAttribute{Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Tag keys and values."},
				},
			},
			"endpoints": schema.SingleNestedBlock{
				MarkdownDescription: "Per-service endpoint overrides (VPC endpoints, local stand-ins such as the project's sandbox).",
				Attributes:          endpointAttrs,
			},
		},
	}
}

func (p *rayhpcProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg := conns.Config{
		Region:                      m.Region.ValueString(),
		Profile:                     m.Profile.ValueString(),
		MaxRetries:                  int(m.MaxRetries.ValueInt64()),
		PollInterval:                m.PollInterval.ValueString(),
		RetryMode:                   m.RetryMode.ValueString(),
		SkipCredentialsValidation:   m.SkipCredentialsValidation.ValueBool(),
		S3UsePathStyle:              m.S3UsePathStyle.ValueBool(),
		ParallelClusterAPIStackName: m.ParallelClusterAPIStack.ValueString(),
		ProviderVersion:             p.version,
		TerraformVersion:            req.TerraformVersion,
		Endpoints:                   map[string]string{},
	}
	resp.Diagnostics.Append(m.SharedConfigFiles.ElementsAs(ctx, &cfg.SharedConfigFiles, false)...)
	resp.Diagnostics.Append(m.SharedCredentialsFiles.ElementsAs(ctx, &cfg.SharedCredentialsFiles, false)...)
	if !m.Endpoints.IsNull() && !m.Endpoints.IsUnknown() {
		for k, v := range m.Endpoints.Attributes() {
			if s, ok := v.(types.String); ok && s.ValueString() != "" {
				cfg.Endpoints[k] = s.ValueString()
			}
		}
	}
	if m.DefaultTags != nil && !m.DefaultTags.Tags.IsNull() {
		resp.Diagnostics.Append(m.DefaultTags.Tags.ElementsAs(ctx, &cfg.DefaultTags, false)...)
	}
	if ar := m.AssumeRole; ar != nil && ar.RoleARN.ValueString() != "" {
		cfg.AssumeRole = &conns.AssumeRole{
			RoleARN:     ar.RoleARN.ValueString(),
			SessionName: ar.SessionName.ValueString(),
			ExternalID:  ar.ExternalID.ValueString(),
		}
		if d := ar.Duration.ValueString(); d != "" {
			dur, err := time.ParseDuration(d)
			if err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("assume_role").AtName("duration"), "invalid duration", err.Error())
			}
			cfg.AssumeRole.Duration = dur
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = tflog.SetField(ctx, "region", cfg.Region)
	tflog.Debug(ctx, "configuring rayhpc provider", map[string]any{"endpoint_overrides": len(cfg.Endpoints)})
	c, diags := conns.New(ctx, cfg)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.ResourceData, resp.DataSourceData = c, c
}

func (p *rayhpcProvider) Resources(_ context.Context) []func() resource.Resource {
	return resources()
}

func (p *rayhpcProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return dataSources()
}
