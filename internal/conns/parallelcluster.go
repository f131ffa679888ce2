// SPDX-License-Identifier: MPL-2.0

package conns

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
)

// ParallelClusterAPIInvokeURLOutput is the output of a ParallelCluster API stack that holds the API's
// invoke URL ("ParallelClusterApiInvokeUrl" in the stack template api/infrastructure/parallelcluster-api.yaml
// of aws-parallelcluster).
const ParallelClusterAPIInvokeURLOutput = "ParallelClusterApiInvokeUrl"

type pclusterClient struct {
	mu     sync.Mutex
	client *api.ClientWithResponses
}

// CloudFormation returns the CloudFormation client.
func (c *Client) CloudFormation() *cloudformation.Client {
	return c.cloudformation.get(func() *cloudformation.Client {
		return cloudformation.NewFromConfig(c.AWS, func(o *cloudformation.Options) { o.BaseEndpoint = c.baseEndpoint("cloudformation") })
	})
}

// ParallelCluster returns the ParallelCluster API client. The endpoint is endpoints.parallelcluster (or
// AWS_ENDPOINT_URL_PARALLELCLUSTER) or, with parallelcluster_api_stack_name, the invoke URL output of
// that CloudFormation stack, read on first use. Every request is signed with SigV4 for execute-api with
// the provider's credentials as they are at that moment (refreshed by the SDK's credential cache), and
// throttling and API Gateway's 5xx answers are retried.
func (c *Client) ParallelCluster(ctx context.Context) (*api.ClientWithResponses, error) {
	c.pcluster.mu.Lock()
	defer c.pcluster.mu.Unlock()
	if c.pcluster.client != nil {
		return c.pcluster.client, nil
	}
	endpoint := c.Endpoint("parallelcluster")
	if endpoint == "" && c.pclusterStack != "" {
		u, err := c.parallelClusterStackURL(ctx)
		if err != nil {
			return nil, err
		}
		endpoint = u
	}
	if endpoint == "" {
		return nil, fmt.Errorf("no ParallelCluster API endpoint: set the provider's parallelcluster_api_stack_name (the name of the ParallelCluster API's CloudFormation stack) or endpoints.parallelcluster (its invoke URL)")
	}
	attempts := c.maxRetries
	if attempts <= 0 {
		attempts = DefaultMaxRetries
	}
	client, err := api.NewSignedClient(endpoint, &api.SigningDoer{
		Credentials: c.AWS.Credentials,
		Region:      c.Region,
		HTTP:        &http.Client{Transport: c.httpTransport()},
		MaxAttempts: attempts,
		Logf:        func(ctx context.Context, msg string, fields map[string]any) { tflog.Debug(ctx, msg, fields) },
	})
	if err != nil {
		return nil, fmt.Errorf("ParallelCluster API client for %s: %w", endpoint, err)
	}
	c.pcluster.client = client
	return client, nil
}

// ParallelClusterEndpointKnown reports whether the ParallelCluster API can be reached without further
// lookups failing for want of configuration (plan-time dry runs use it).
func (c *Client) ParallelClusterEndpointKnown() bool {
	return c.Endpoint("parallelcluster") != "" || c.pclusterStack != ""
}

func (c *Client) parallelClusterStackURL(ctx context.Context) (string, error) {
	out, err := c.CloudFormation().DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(c.pclusterStack)})
	if err != nil {
		return "", fmt.Errorf("reading the ParallelCluster API stack %s: %w", c.pclusterStack, err)
	}
	for _, s := range out.Stacks {
		for _, o := range s.Outputs {
			if aws.ToString(o.OutputKey) == ParallelClusterAPIInvokeURLOutput {
				return aws.ToString(o.OutputValue), nil
			}
		}
	}
	return "", fmt.Errorf("the CloudFormation stack %s has no %s output: is it a ParallelCluster API stack?", c.pclusterStack, ParallelClusterAPIInvokeURLOutput)
}

func (c *Client) httpTransport() http.RoundTripper {
	if hc, ok := c.AWS.HTTPClient.(interface{ Transport() http.RoundTripper }); ok {
		return hc.Transport()
	}
	return http.DefaultTransport
}
