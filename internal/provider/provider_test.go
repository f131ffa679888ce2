// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	rayhpc "github.com/rayhpc/terraform-provider-rayhpc/internal/provider"
)

func TestMain(m *testing.M) { acctest.RunMain(m) }

func TestProvider_schemaIsValid(t *testing.T) {
	p := rayhpc.New("test")()
	var resp provider.SchemaResponse
	p.Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("schema implementation: %v", diags)
	}
	for _, name := range []string{"region", "profile", "max_retries", "retry_mode", "skip_credentials_validation"} {
		if _, ok := resp.Schema.Attributes[name]; !ok {
			t.Errorf("provider schema lacks %q", name)
		}
	}
	for _, name := range []string{"assume_role", "endpoints", "default_tags"} {
		if _, ok := resp.Schema.Blocks[name]; !ok {
			t.Errorf("provider schema lacks block %q", name)
		}
	}
}

// Each invalid provider argument is a diagnostic that names the attribute, before anything is called.
func TestAccProvider_invalidConfig(t *testing.T) {
	cases := map[string]struct {
		config string
		want   *regexp.Regexp
	}{
		"region": {
			config: `region = "US_EAST_1"`,
			want:   regexp.MustCompile(`(?s)Attribute region must be an AWS region name`),
		},
		"role_arn": {
			config: `assume_role { role_arn = "arn:aws:iam::12345:user/bob" }`,
			want:   regexp.MustCompile(`(?s)assume_role.role_arn must be an IAM role ARN`),
		},
		"endpoint": {
			config: `endpoints { fsx = "not a url" }`,
			want:   regexp.MustCompile(`(?s)endpoints.fsx must be an absolute http:// or https://\s+URL`),
		},
		"duration": {
			config: `assume_role {
  role_arn = "arn:aws:iam::123456789012:role/deploy"
  duration = "5m"
}`,
			want: regexp.MustCompile(`(?s)assume_role.duration must be a duration`),
		},
		"retry_mode": {
			config: `retry_mode = "sometimes"`,
			want:   regexp.MustCompile(`(?s)retry_mode value must be one of`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      "provider \"rayhpc\" {\n" + tc.config + "\n}\n" + testAccProbe,
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// testAccProbe makes Terraform validate and configure the provider: a data source that needs no AWS
// resources to exist.
const testAccProbe = `
data "rayhpc_efa_instance_types" "probe" {
  min_vcpus = 1
}
`
