// SPDX-License-Identifier: MPL-2.0

package conns_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

// Every AWS request made from a resource's context is logged to tflog, and neither the secret key nor
// the session token appears anywhere in the log.
func TestClient_requestsAreLoggedWithoutSecrets(t *testing.T) {
	isolateEnv(t)
	const secret, token = "wJalrXUtnFEMIK7MDENGbPxRfiCYSECRETKEY01", "FwoGZXIvYXdzSESSIONTOKENvalue0123456789"
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", token)
	var userAgent string
	fsxAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		userAgent = r.Header.Get("User-Agent")
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write([]byte(`{"FileSystems":[]}`))
	}))
	t.Cleanup(fsxAPI.Close)

	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c, diags := conns.New(ctx, conns.Config{
		Region: "us-east-1", SkipCredentialsValidation: true, ProviderVersion: "1.2.3", TerraformVersion: "1.11.4",
		Endpoints: map[string]string{"fsx": fsxAPI.URL},
	})
	if diags.HasError() {
		t.Fatalf("New: %v", diags)
	}
	// A fresh context, as a CRUD method gets from Terraform: only the root logger, nothing from Configure.
	reqCtx := tflogtest.RootLogger(context.Background(), &buf)
	if _, err := c.FSx().DescribeFileSystems(reqCtx, &fsx.DescribeFileSystemsInput{}); err != nil {
		t.Fatal(err)
	}
	// The user agent names the provider, its version and Terraform's.
	for _, want := range []string{"terraform-provider-rayhpc/1.2.3", "Terraform/1.11.4"} {
		if !strings.Contains(userAgent, want) {
			t.Errorf("User-Agent %q lacks %q", userAgent, want)
		}
	}
	log := buf.String()
	if !strings.Contains(log, "HTTP Request Sent") || !strings.Contains(log, "DescribeFileSystems") {
		t.Fatalf("the request was not logged:\n%s", log)
	}
	for _, s := range []string{secret, token} {
		if strings.Contains(log, s) {
			t.Fatalf("a credential reached the log: %q", s)
		}
	}
}
