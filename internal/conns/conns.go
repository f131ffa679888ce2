// SPDX-License-Identifier: MPL-2.0

// Package conns builds the provider's one Client: the resolved AWS configuration (credential chain,
// region, assumed role, retries, user agent, logging) and the service clients built from it, each
// pointed at its endpoint override when one is configured.
package conns

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	awsbase "github.com/hashicorp/aws-sdk-go-base/v2"
	basediag "github.com/hashicorp/aws-sdk-go-base/v2/diag"
	"github.com/hashicorp/aws-sdk-go-base/v2/logging"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// Services that accept an endpoint override, in the order the provider schema lists them: the services
// the provider's code calls (parallelcluster: the ParallelCluster API; cloudformation: finding its API stack).
var Services = []string{
	"cloudformation", "datasync", "ec2", "eks", "fsx", "iam", "parallelcluster", "pricing", "s3", "sts",
}

// envNames maps a service to the suffix of its AWS_ENDPOINT_URL_<SERVICE> variable (the service's SDK ID).
var envNames = map[string]string{
	"cloudformation": "CLOUDFORMATION", "datasync": "DATASYNC", "ec2": "EC2", "eks": "EKS", "fsx": "FSX", "iam": "IAM",
	"parallelcluster": "PARALLELCLUSTER", "pricing": "PRICING", "s3": "S3", "sts": "STS",
}

// AssumeRole is the provider's assume_role block.
type AssumeRole struct {
	RoleARN     string
	SessionName string
	ExternalID  string
	Duration    time.Duration
}

// Config is everything the provider block (and the environment) resolves to.
type Config struct {
	Region                 string
	Profile                string
	SharedConfigFiles      []string
	SharedCredentialsFiles []string
	AssumeRole             *AssumeRole
	Endpoints              map[string]string
	DefaultTags            map[string]string
	MaxRetries             int
	// PollInterval is the provider's poll_interval (a Go duration); empty means RAYHPC_POLL_INTERVAL or
	// wait.DefaultMinInterval.
	PollInterval              string
	RetryMode                 string
	SkipCredentialsValidation bool
	S3UsePathStyle            bool
	ProviderVersion           string
	TerraformVersion          string
	// ParallelClusterAPIStackName is the CloudFormation stack of the ParallelCluster API, whose invoke URL
	// output is the API's endpoint when endpoints.parallelcluster is not set.
	ParallelClusterAPIStackName string
}

// Client is handed to every resource and data source.
type Client struct {
	AWS         aws.Config
	Region      string
	AccountID   string
	Partition   string
	DefaultTags map[string]string

	endpoints      map[string]string
	s3UsePathStyle bool
	polling        wait.Polling
	maxRetries     int
	pclusterStack  string

	ec2      lazy[*ec2.Client]
	fsx      lazy[*fsx.Client]
	s3       lazy[*s3.Client]
	datasync lazy[*datasync.Client]
	pricing  lazy[*pricing.Client]
	sts      lazy[*sts.Client]
	iam      lazy[*iam.Client]
	eks      lazy[*eks.Client]

	cloudformation lazy[*cloudformation.Client]
	pcluster       pclusterClient

	kube kubeConfigs // Kubernetes client configurations per cluster (kube.go)
}

type lazy[T any] struct {
	once sync.Once
	v    T
}

func (l *lazy[T]) get(build func() T) T {
	l.once.Do(func() { l.v = build() })
	return l.v
}

// DefaultMaxRetries is how many times a throttled or failed call is attempted before giving up. It is
// high on purpose: an apply that runs for an hour must ride out bursts of throttling.
const DefaultMaxRetries = 25

// New resolves the AWS configuration once. Credentials come from the full aws-sdk-go-v2 chain
// (environment, shared files and profiles, SSO, web identity, container and instance roles), optionally
// followed by an assumed role. Credential providers are wrapped in a cache that refreshes them before
// they expire, so waits longer than a session's lifetime keep working.
func New(ctx context.Context, cfg Config) (*Client, diag.Diagnostics) {
	var diags diag.Diagnostics

	polling, err := resolvePolling(cfg.PollInterval)
	if err != nil {
		diags.AddAttributeError(path.Root("poll_interval"), "invalid poll interval", err.Error())
		return nil, diags
	}
	maxRetries := cfg.MaxRetries
	if maxRetries == 0 {
		maxRetries = DefaultMaxRetries
	}
	base, err := baseConfig(cfg, maxRetries)
	if err != nil {
		diags.AddError("invalid retry_mode", err.Error())
		return nil, diags
	}
	// SDK and request logs go to tflog, with credentials and the API models' sensitive members masked.
	ctx, tfLogger := logging.NewTfLogger(MaskSecrets(ctx))
	logger := maskingLogger{Logger: tfLogger}
	base.Logger = logger

	ctx, awsCfg, bd := resolveAWSConfig(ctx, base, cfg.SkipCredentialsValidation)
	diags.Append(convertDiags(bd)...)
	if diags.HasError() {
		return nil, diags
	}
	if awsCfg.Region == "" {
		diags.AddError("no AWS region configured",
			"Set the provider's region argument, or the AWS_REGION environment variable, or a region in the AWS profile.")
		return nil, diags
	}

	awsCfg.APIOptions = append(awsCfg.APIOptions, addRequestLogger(logger))

	c := &Client{
		AWS:            awsCfg,
		Region:         awsCfg.Region,
		DefaultTags:    cfg.DefaultTags,
		endpoints:      cfg.Endpoints,
		s3UsePathStyle: cfg.S3UsePathStyle || endpointFor(cfg.Endpoints, "s3") != "",
		Partition:      partitionFor(awsCfg.Region),
		polling:        polling,
		maxRetries:     maxRetries,
		pclusterStack:  cfg.ParallelClusterAPIStackName,
	}
	if !cfg.SkipCredentialsValidation {
		account, partition, bd := awsbase.GetAwsAccountIDAndPartition(ctx, awsCfg, base)
		diags.Append(convertDiags(bd)...)
		if diags.HasError() {
			return nil, diags
		}
		c.AccountID = account
		if partition != "" {
			c.Partition = partition
		}
	}
	return c, diags
}

// baseConfig is the aws-sdk-go-base configuration of cfg: credentials sources, retries (an error for an
// unknown retry_mode), the role to assume, endpoints for STS and IAM, and the user agent.
func baseConfig(cfg Config, maxRetries int) (*awsbase.Config, error) {
	base := &awsbase.Config{
		Region:                 cfg.Region,
		Profile:                cfg.Profile,
		SharedConfigFiles:      cfg.SharedConfigFiles,
		SharedCredentialsFiles: cfg.SharedCredentialsFiles,
		MaxRetries:             maxRetries,
		SkipCredsValidation:    cfg.SkipCredentialsValidation,
		// New reads the account ID only when it validates the credentials.
		SkipRequestingAccountId: true,
		CallerName:              "Terraform rayhpc provider",
		CallerDocumentationURL:  "https://github.com/rayhpc/terraform-provider-rayhpc",
		StsEndpoint:             endpointFor(cfg.Endpoints, "sts"),
		IamEndpoint:             endpointFor(cfg.Endpoints, "iam"),
		UserAgent: awsbase.UserAgentProducts{
			{Name: "terraform-provider-rayhpc", Version: cfg.ProviderVersion, Comment: "+https://github.com/rayhpc/terraform-provider-rayhpc"},
			{Name: "Terraform", Version: cfg.TerraformVersion},
		},
	}
	if cfg.RetryMode != "" {
		mode, err := aws.ParseRetryMode(cfg.RetryMode)
		if err != nil {
			return nil, err
		}
		base.RetryMode = mode
	}
	if ar := cfg.AssumeRole; ar != nil && ar.RoleARN != "" {
		base.AssumeRole = []awsbase.AssumeRole{{
			RoleARN:     ar.RoleARN,
			SessionName: ar.SessionName,
			ExternalID:  ar.ExternalID,
			Duration:    ar.Duration,
		}}
	}
	return base, nil
}

// resolveAWSConfig resolves the AWS configuration without validating credentials: they are validated
// once, in New, by the same GetCallerIdentity call that reads the account ID (aws-sdk-go-base would
// otherwise make that call twice per Configure).
func resolveAWSConfig(ctx context.Context, base *awsbase.Config, skipCredentialsValidation bool) (context.Context, aws.Config, basediag.Diagnostics) {
	resolve := *base
	resolve.SkipCredsValidation = true
	ctx, awsCfg, bd := awsbase.GetAwsConfig(ctx, &resolve)
	if skipCredentialsValidation && len(bd) == 1 && awsbase.IsNoValidCredentialSourcesError(bd[0]) {
		// No credentials, but none asked for yet: configurations that use only pure-computation data
		// sources (rayhpc_stage_placement) work without AWS. Any AWS call fails with the original error.
		noCreds := fmt.Errorf("%s: %s", bd[0].Summary(), bd[0].Detail())
		resolve.AccessKey, resolve.SecretKey = "no-credentials", "no-credentials"
		ctx, awsCfg, bd = awsbase.GetAwsConfig(ctx, &resolve)
		awsCfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, noCreds
		})
	}
	return ctx, awsCfg, bd
}

func convertDiags(in basediag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range in {
		if d.Severity() == basediag.SeverityError {
			out.AddError(d.Summary(), d.Detail())
		} else {
			out.AddWarning(d.Summary(), d.Detail())
		}
	}
	return out
}

func partitionFor(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	default:
		return "aws"
	}
}

// endpointFor returns the endpoint configured for a service in the provider block, or "" when the SDK
// should resolve it (which includes AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL).
func endpointFor(endpoints map[string]string, service string) string {
	return endpoints[service]
}

// EndpointEnvVar is the environment variable that overrides a service's endpoint, as in the AWS CLI:
// AWS_ENDPOINT_URL_ and the service's SDK ID (AWS_ENDPOINT_URL_PARALLELCLUSTER).
func EndpointEnvVar(service string) string { return "AWS_ENDPOINT_URL_" + envNames[service] }

// Endpoint returns the endpoint a service is reached at when it is overridden, in the provider block
// or through AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL; "" means the service's default endpoint.
func (c *Client) Endpoint(service string) string {
	if v := c.endpoints[service]; v != "" {
		return v
	}
	if v := os.Getenv(EndpointEnvVar(service)); v != "" {
		return v
	}
	if c.AWS.BaseEndpoint != nil {
		return *c.AWS.BaseEndpoint
	}
	return os.Getenv("AWS_ENDPOINT_URL")
}

func (c *Client) baseEndpoint(service string) *string {
	// The option functions below replace what NewFromConfig resolved, so fall back to the environment
	// (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL) rather than returning nil and losing it.
	if v := c.Endpoint(service); v != "" {
		return aws.String(v)
	}
	return nil
}

// EC2 returns the EC2 client.
func (c *Client) EC2() *ec2.Client {
	return c.ec2.get(func() *ec2.Client {
		return ec2.NewFromConfig(c.AWS, func(o *ec2.Options) { o.BaseEndpoint = c.baseEndpoint("ec2") })
	})
}

// FSx returns the FSx client.
func (c *Client) FSx() *fsx.Client {
	return c.fsx.get(func() *fsx.Client {
		return fsx.NewFromConfig(c.AWS, func(o *fsx.Options) { o.BaseEndpoint = c.baseEndpoint("fsx") })
	})
}

// S3 returns the S3 client. Path-style addressing is used when asked for, or when S3 is reached
// through a custom endpoint (which rarely serves virtual-hosted bucket names).
func (c *Client) S3() *s3.Client {
	return c.s3.get(func() *s3.Client {
		return s3.NewFromConfig(c.AWS, func(o *s3.Options) {
			o.BaseEndpoint = c.baseEndpoint("s3")
			o.UsePathStyle = c.s3UsePathStyle || c.Endpoint("s3") != ""
		})
	})
}

// DataSync returns the DataSync client.
func (c *Client) DataSync() *datasync.Client {
	return c.datasync.get(func() *datasync.Client {
		return datasync.NewFromConfig(c.AWS, func(o *datasync.Options) { o.BaseEndpoint = c.baseEndpoint("datasync") })
	})
}

// Pricing returns the Price List client. The Price List API is served from a few regions only; prices
// for every region are read from us-east-1.
func (c *Client) Pricing() *pricing.Client {
	return c.pricing.get(func() *pricing.Client {
		return pricing.NewFromConfig(c.AWS, func(o *pricing.Options) {
			o.BaseEndpoint = c.baseEndpoint("pricing")
			if c.Partition == "aws" {
				o.Region = "us-east-1"
			}
		})
	})
}

// STS returns the STS client.
func (c *Client) STS() *sts.Client {
	return c.sts.get(func() *sts.Client {
		return sts.NewFromConfig(c.AWS, func(o *sts.Options) { o.BaseEndpoint = c.baseEndpoint("sts") })
	})
}

// IAM returns the IAM client.
func (c *Client) IAM() *iam.Client {
	return c.iam.get(func() *iam.Client {
		return iam.NewFromConfig(c.AWS, func(o *iam.Options) { o.BaseEndpoint = c.baseEndpoint("iam") })
	})
}

// EKS returns the EKS client.
func (c *Client) EKS() *eks.Client {
	return c.eks.get(func() *eks.Client {
		return eks.NewFromConfig(c.AWS, func(o *eks.Options) { o.BaseEndpoint = c.baseEndpoint("eks") })
	})
}

// ValidateEndpoint checks that an endpoint override is an absolute http(s) URL.
func ValidateEndpoint(v string) error {
	u, err := url.Parse(v)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http:// or https:// URL", v)
	}
	return nil
}

// PollIntervalEnv is the environment variable behind the provider's poll_interval.
const PollIntervalEnv = "RAYHPC_POLL_INTERVAL"

// resolvePolling turns poll_interval (or its environment variable) into the waiters' polling: the
// interval starts there and backs off up to thirty times it (capped at wait.DefaultMaxInterval unless
// the interval itself is longer).
func resolvePolling(setting string) (wait.Polling, error) {
	if setting == "" {
		setting = os.Getenv(PollIntervalEnv)
	}
	if setting == "" {
		return wait.DefaultPolling(), nil
	}
	d, err := time.ParseDuration(setting)
	if err != nil || d <= 0 {
		return wait.Polling{}, fmt.Errorf("poll interval %q is not a positive duration such as 500ms or 5s", setting)
	}
	return wait.PollingFrom(d), nil
}

// Polling is how every waiter of every resource polls.
func (c *Client) Polling() wait.Polling {
	if c.polling == (wait.Polling{}) {
		return wait.DefaultPolling()
	}
	return c.polling
}
