// SPDX-License-Identifier: MPL-2.0

package conns_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

// With skip_credentials_validation and no credentials anywhere, the provider still starts (pure
// computation data sources need no AWS); AWS calls fail with the credential chain's own error.
// Without skip_credentials_validation, missing credentials still fail Configure.
func TestNew_noCredentials(t *testing.T) {
	isolateEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	c, diags := conns.New(context.Background(), conns.Config{Region: "us-east-1", SkipCredentialsValidation: true})
	if diags.HasError() {
		t.Fatalf("New without credentials but with SkipCredentialsValidation: %v", diags)
	}
	_, err := c.AWS.Credentials.Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "No valid credential sources found") {
		t.Fatalf("want the credential chain's error when credentials are used, got %v", err)
	}
	if _, diags := conns.New(context.Background(), conns.Config{Region: "us-east-1"}); !diags.HasError() {
		t.Fatal("want an error without credentials when they are validated")
	}
}
