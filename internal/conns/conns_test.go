// SPDX-License-Identifier: MPL-2.0

package conns_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

// fakeSTS answers AssumeRole with credentials that expire after ttl, numbering each issue, and
// GetCallerIdentity with a fixed account.
func fakeSTS(t *testing.T, ttl time.Duration) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var issued atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		switch r.Form.Get("Action") {
		case "AssumeRole":
			n := issued.Add(1)
			exp := time.Now().Add(ttl).UTC().Format(time.RFC3339)
			fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIAFAKE%04d</AccessKeyId><SecretAccessKey>secret%d</SecretAccessKey><SessionToken>token%d</SessionToken><Expiration>%s</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/deploy/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`, n, n, n, exp)
		case "GetCallerIdentity":
			fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
<Arn>arn:aws:sts::123456789012:assumed-role/deploy/s</Arn><UserId>AROA:s</UserId><Account>123456789012</Account>
</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
		default:
			http.Error(w, "unexpected action "+r.Form.Get("Action"), http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &issued
}

func isolateEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "base-secret")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// Assumed-role credentials are refreshed when they expire: a wait that outlives one session keeps
// working instead of failing with expired credentials.
func TestNew_assumeRoleCredentialsAreRefreshed(t *testing.T) {
	isolateEnv(t)
	srv, issued := fakeSTS(t, 2*time.Second)
	ctx := context.Background()
	c, diags := conns.New(ctx, conns.Config{
		Region:     "us-east-1",
		Endpoints:  map[string]string{"sts": srv.URL},
		AssumeRole: &conns.AssumeRole{RoleARN: "arn:aws:iam::123456789012:role/deploy", SessionName: "s"},
	})
	if diags.HasError() {
		t.Fatalf("New: %v", diags)
	}
	if c.AccountID != "123456789012" {
		t.Errorf("AccountID = %q, want the caller identity's account", c.AccountID)
	}
	first, err := c.AWS.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !first.CanExpire {
		t.Fatalf("assumed-role credentials do not expire: %+v", first.Source)
	}
	again, err := c.AWS.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again.AccessKeyID != first.AccessKeyID {
		t.Errorf("credentials re-fetched before expiry: %s then %s", first.AccessKeyID, again.AccessKeyID)
	}
	// Wait for the expiry the credentials carry, not a fixed sleep: they must be replaced once it passes.
	for time.Now().Before(first.Expires) {
		time.Sleep(time.Until(first.Expires))
	}
	later, err := c.AWS.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if later.AccessKeyID == first.AccessKeyID {
		t.Fatalf("expired credentials were not refreshed (still %s after %d AssumeRole calls)", later.AccessKeyID, issued.Load())
	}
}

func TestNew_invalidRetryMode(t *testing.T) {
	isolateEnv(t)
	_, diags := conns.New(context.Background(), conns.Config{Region: "us-east-1", RetryMode: "sometimes", SkipCredentialsValidation: true})
	if !diags.HasError() {
		t.Fatal("want an error for retry_mode sometimes")
	}
}

func TestNew_endpointOverridesAndTags(t *testing.T) {
	isolateEnv(t)
	c, diags := conns.New(context.Background(), conns.Config{
		Region:                    "eu-west-1",
		SkipCredentialsValidation: true,
		Endpoints:                 map[string]string{"fsx": "http://127.0.0.1:1"},
		DefaultTags:               map[string]string{"team": "hpc", "env": "dev"},
	})
	if diags.HasError() {
		t.Fatalf("New: %v", diags)
	}
	if got := c.Endpoint("fsx"); got != "http://127.0.0.1:1" {
		t.Errorf("Endpoint(fsx) = %q", got)
	}
	if got := c.Endpoint("ec2"); got != "" {
		t.Errorf("Endpoint(ec2) = %q, want the default", got)
	}
	t.Setenv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:2")
	if got := c.Endpoint("ec2"); got != "http://127.0.0.1:2" {
		t.Errorf("Endpoint(ec2) with AWS_ENDPOINT_URL_EC2 = %q", got)
	}
	tags := c.MergeTags(map[string]string{"env": "prod"})
	if tags["team"] != "hpc" || tags["env"] != "prod" {
		t.Errorf("MergeTags = %v: resource tags must win over default tags", tags)
	}
	if c.Partition != "aws" || c.Region != "eu-west-1" {
		t.Errorf("partition %q region %q", c.Partition, c.Region)
	}
}

func TestValidateEndpoint(t *testing.T) {
	for in, ok := range map[string]bool{
		"http://127.0.0.1:4566": true, "https://fsx.us-east-1.amazonaws.com": true,
		"fsx.amazonaws.com": false, "ftp://x": false, "not a url": false, "http://": false,
	} {
		if err := conns.ValidateEndpoint(in); (err == nil) != ok {
			t.Errorf("ValidateEndpoint(%q) = %v, want ok=%v", in, err, ok)
		}
	}
}

// Configure validates the credentials and learns the account with a single GetCallerIdentity call.
func TestNew_oneCallerIdentityCall(t *testing.T) {
	isolateEnv(t)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Form.Get("Action") != "GetCallerIdentity" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		calls.Add(1)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
<Arn>arn:aws:iam::210987654321:user/ci</Arn><UserId>AIDA</UserId><Account>210987654321</Account>
</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`))
	}))
	t.Cleanup(srv.Close)
	c, diags := conns.New(context.Background(), conns.Config{Region: "us-east-1", Endpoints: map[string]string{"sts": srv.URL}})
	if diags.HasError() {
		t.Fatalf("New: %v", diags)
	}
	if c.AccountID != "210987654321" {
		t.Errorf("AccountID = %q", c.AccountID)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d GetCallerIdentity calls, want 1", n)
	}
}
