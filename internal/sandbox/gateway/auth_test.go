// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// signedCall describes one request to sign and send to the gateway.
type signedCall struct {
	method, path, contentType, target string
	body                              string
	service, region                   string
	creds                             aws.Credentials
	at                                time.Time
	s3Hash                            bool // send X-Amz-Content-Sha256 as S3 clients do
	// tamper changes the signed request before it is sent.
	tamper func(r *http.Request) []byte
}

var sandboxCreds = aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// send signs c with the AWS SDK's signer and returns the status, the error code
// (EC2, query, S3 <Code>, or JSON X-Amzn-ErrorType) and the body.
func (c signedCall) send(t *testing.T, g *Gateway) (int, string, string) {
	t.Helper()
	if c.creds.AccessKeyID == "" {
		c.creds = sandboxCreds
	}
	if c.region == "" {
		c.region = "us-east-1"
	}
	if c.at.IsZero() {
		c.at = time.Now()
	}
	req, err := http.NewRequest(c.method, g.URL()+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	if c.target != "" {
		req.Header.Set("X-Amz-Target", c.target)
	}
	hash := hexSHA([]byte(c.body))
	if c.s3Hash {
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	if err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = c.service == "s3" }).
		SignHTTP(context.Background(), c.creds, req, hash, c.service, c.region, c.at); err != nil {
		t.Fatal(err)
	}
	if c.tamper != nil {
		if b := c.tamper(req); b != nil {
			req.Body = io.NopCloser(bytes.NewReader(b))
			req.ContentLength = int64(len(b))
		}
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, string, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	code := resp.Header.Get("X-Amzn-ErrorType")
	if i := bytes.Index(b, []byte("<Code>")); code == "" && i >= 0 {
		rest := b[i+len("<Code>"):]
		code = string(rest[:bytes.Index(rest, []byte("<"))])
	}
	return resp.StatusCode, code, string(b)
}

func changeBody(body string) func(*http.Request) []byte {
	return func(*http.Request) []byte { return []byte(body) }
}

func scopeRegion(region string) func(*http.Request) []byte {
	return func(r *http.Request) []byte {
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/us-east-1/", "/"+region+"/", 1))
		return nil
	}
}

// Each protocol answers a valid request, a changed body, a wrong region in the
// scope, a skewed clock and an unknown key as AWS does.
func TestSigV4_protocolAnswers(t *testing.T) {
	t.Parallel()
	g, moto := newTestGateway(t, testTimings)
	unknown := aws.Credentials{AccessKeyID: "AKIAUNKNOWN", SecretAccessKey: "x"}
	skewed := time.Now().Add(-20 * time.Minute)

	fsxCall := signedCall{method: "POST", path: "/", contentType: "application/x-amz-json-1.1",
		target: "AWSSimbaAPIService_v20180301.DescribeFileSystems", body: `{"MaxResults":10}`, service: "fsx"}
	ec2Call := signedCall{method: "POST", path: "/", contentType: "application/x-www-form-urlencoded; charset=utf-8",
		body: "Action=DescribeVpcs&Version=2016-11-15", service: "ec2"}
	stsCall := signedCall{method: "POST", path: "/", contentType: "application/x-www-form-urlencoded; charset=utf-8",
		body: "Action=GetCallerIdentity&Version=2011-06-15", service: "sts"}
	s3Call := signedCall{method: "PUT", path: "/rayhpc-data-lake/raw/x.csv", body: "a,b\n1,2\n", service: "s3", s3Hash: true}
	eksCall := signedCall{method: "GET", path: "/clusters", service: "eks"}

	with := func(c signedCall, f func(*signedCall)) signedCall { f(&c); return c }
	cases := []struct {
		name       string
		call       signedCall
		status     int
		code, text string
	}{
		{"fsx valid", fsxCall, 200, "", ""},
		{"fsx changed body", with(fsxCall, func(c *signedCall) { c.tamper = changeBody(`{"MaxResults":99}`) }), 400, "InvalidSignatureException", "does not match"},
		{"fsx unknown region", with(fsxCall, func(c *signedCall) { c.region = "us-east-9" }), 400, "InvalidSignatureException", "valid region"},
		{"fsx region changed after signing", with(fsxCall, func(c *signedCall) { c.tamper = scopeRegion("eu-west-1") }), 400, "InvalidSignatureException", "does not match"},
		{"fsx wrong service", with(fsxCall, func(c *signedCall) { c.service = "datasync" }), 400, "InvalidSignatureException", "correct service: 'fsx'"},
		{"fsx skewed clock", with(fsxCall, func(c *signedCall) { c.at = skewed }), 400, "InvalidSignatureException", "Signature expired"},
		{"fsx unknown key", with(fsxCall, func(c *signedCall) { c.creds = unknown }), 400, "UnrecognizedClientException", "security token"},
		{"ec2 valid (forwarded)", ec2Call, 200, "", ""},
		{"ec2 changed body", with(ec2Call, func(c *signedCall) { c.tamper = changeBody("Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-1") }), 401, "AuthFailure", ""},
		{"ec2 skewed clock", with(ec2Call, func(c *signedCall) { c.at = skewed }), 400, "RequestExpired", ""},
		{"ec2 unknown key", with(ec2Call, func(c *signedCall) { c.creds = unknown }), 401, "AuthFailure", ""},
		{"ec2 body without its Action", with(ec2Call, func(c *signedCall) { c.tamper = changeBody("Version=2016-11-15&SubnetId.1=subnet-1") }), 401, "AuthFailure", ""},
		{"sts changed body", with(stsCall, func(c *signedCall) { c.tamper = changeBody("Action=GetCallerIdentity&Version=2011-06-16") }), 403, "SignatureDoesNotMatch", "does not match"},
		{"sts region changed after signing", with(stsCall, func(c *signedCall) { c.tamper = scopeRegion("us-west-2") }), 403, "SignatureDoesNotMatch", ""},
		{"sts skewed clock", with(stsCall, func(c *signedCall) { c.at = skewed }), 403, "SignatureDoesNotMatch", "Signature expired"},
		{"sts unknown key", with(stsCall, func(c *signedCall) { c.creds = unknown }), 403, "InvalidClientTokenId", ""},
		{"sts no signature", with(stsCall, func(c *signedCall) {
			c.tamper = func(r *http.Request) []byte {
				a := r.Header.Get("Authorization")
				r.Header.Set("Authorization", a[:strings.Index(a, ", Signature=")])
				return nil
			}
		}), 400, "IncompleteSignature", "Authorization header requires"},
		{"s3 valid (forwarded)", s3Call, 200, "", ""},
		{"s3 changed body", with(s3Call, func(c *signedCall) { c.tamper = changeBody("a,b\n9,9\n") }), 400, "XAmzContentSHA256Mismatch", ""},
		{"s3 skewed clock", with(s3Call, func(c *signedCall) { c.at = skewed }), 403, "RequestTimeTooSkewed", ""},
		{"s3 unknown key", with(s3Call, func(c *signedCall) { c.creds = unknown }), 403, "InvalidAccessKeyId", ""},
		{"s3 region changed after signing", with(s3Call, func(c *signedCall) { c.tamper = scopeRegion("eu-west-1") }), 403, "SignatureDoesNotMatch", ""},
		{"rest-json skewed clock", with(eksCall, func(c *signedCall) { c.at = skewed }), 403, "InvalidSignatureException", "Signature expired"},
		{"rest-json unknown key", with(eksCall, func(c *signedCall) { c.creds = unknown }), 403, "UnrecognizedClientException", ""},
	}
	for _, tc := range cases {
		before := len(moto.all())
		status, code, body := tc.call.send(t, g)
		if status != tc.status || code != tc.code || !strings.Contains(body, tc.text) {
			t.Errorf("%s: got %d %q %s; want %d %q containing %q", tc.name, status, code, body, tc.status, tc.code, tc.text)
		}
		calls := g.Calls()
		last := calls[len(calls)-1]
		if last.SignatureVerified != (tc.status == 200) || (tc.status != 200) == (last.SignatureError == "") {
			t.Errorf("%s: call log %+v", tc.name, last)
		}
		if tc.status != 200 && len(moto.all()) != before {
			t.Errorf("%s: a request that failed verification reached moto", tc.name)
		}
	}
}

func presignedURL(t *testing.T, g *Gateway, path string, expires time.Duration, at time.Time) string {
	t.Helper()
	req, _ := http.NewRequest("GET", g.URL()+path, nil)
	req.URL.RawQuery = url.Values{"X-Amz-Expires": {strconv.Itoa(int(expires / time.Second))}}.Encode()
	u, _, err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).
		PresignHTTP(context.Background(), sandboxCreds, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Presigned URLs (query-string authentication) are verified the same way, expiry included.
func TestSigV4_presignedURL(t *testing.T) {
	t.Parallel()
	g, moto := newTestGateway(t, testTimings)
	get := func(u string) (int, string, string) {
		req, _ := http.NewRequest("GET", u, nil)
		return do(t, req)
	}
	valid := presignedURL(t, g, "/rayhpc-data-lake/raw/sample-000.csv", 5*time.Minute, time.Now())
	if status, code, body := get(valid); status != 200 {
		t.Fatalf("valid presigned URL: %d %s %s", status, code, body)
	}
	if n := len(moto.all()); n != 1 {
		t.Fatalf("valid presigned request reached moto %d times", n)
	}
	tampered := strings.Replace(valid, "sample-000", "sample-001", 1)
	if status, code, _ := get(tampered); status != 403 || code != "SignatureDoesNotMatch" {
		t.Errorf("tampered URL: %d %s", status, code)
	}
	expired := presignedURL(t, g, "/rayhpc-data-lake/raw/sample-000.csv", 60*time.Second, time.Now().Add(-2*time.Minute))
	if status, code, body := get(expired); status != 403 || code != "AccessDenied" || !strings.Contains(body, "Request has expired") {
		t.Errorf("expired URL: %d %s %s", status, code, body)
	}
	if len(moto.all()) != 1 {
		t.Error("a refused presigned request reached moto")
	}
	last := g.Calls()[len(g.Calls())-1]
	if last.SignatureVerified || !strings.HasPrefix(last.SignatureError, "Expired") {
		t.Errorf("call log %+v", last)
	}
}

// Credentials moto issues (STS AssumeRole) verify afterwards, with their session token only.
func TestSigV4_learnsIssuedCredentials(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	cfg := awsConfig(g, nil)
	out, err := sts.NewFromConfig(cfg).AssumeRole(ctx(t), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/deploy"), RoleSessionName: aws.String("s"),
	})
	if err != nil {
		t.Fatal(err)
	}
	issued := aws.Credentials{
		AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
		SessionToken: aws.ToString(out.Credentials.SessionToken),
	}
	cfg.Credentials = credentials.StaticCredentialsProvider{Value: issued}
	if _, err := fsxClient(g).DescribeFileSystems(ctx(t), nil); err != nil {
		t.Fatalf("sandbox key: %v", err)
	}
	call := signedCall{method: "POST", path: "/", contentType: "application/x-amz-json-1.1",
		target: "AWSSimbaAPIService_v20180301.DescribeFileSystems", body: `{}`, service: "fsx", creds: issued}
	if status, code, body := call.send(t, g); status != 200 {
		t.Fatalf("assumed-role credentials refused: %d %s %s", status, code, body)
	}
	noToken := issued
	noToken.SessionToken = ""
	call.creds = noToken
	if status, code, _ := call.send(t, g); status != 400 || code != "UnrecognizedClientException" {
		t.Errorf("issued key without its session token: %d %s", status, code)
	}
	if _, ok := g.Keys(issued.AccessKeyID); !ok {
		t.Error("Keys does not know the issued key")
	}
}

// Temporary credentials stop working when they expire, with each protocol's answer.
func TestSigV4_expiredSessionCredentials(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	expired := aws.Credentials{AccessKeyID: "ASIAEXPIRED0001", SecretAccessKey: "old", SessionToken: "oldtoken"}
	g.keys.learn(expired.AccessKeyID, issuedKey{secret: "old", sessionToken: "oldtoken", expires: time.Now().Add(-time.Minute)})
	cases := []struct {
		call         signedCall
		status       int
		code, reason string
	}{
		{signedCall{method: "POST", path: "/", contentType: "application/x-amz-json-1.1",
			target: "AWSSimbaAPIService_v20180301.DescribeFileSystems", body: `{}`, service: "fsx"}, 400, "ExpiredTokenException", "expired"},
		{signedCall{method: "POST", path: "/", contentType: "application/x-www-form-urlencoded; charset=utf-8",
			body: "Action=GetCallerIdentity&Version=2011-06-15", service: "sts"}, 403, "ExpiredToken", "expired"},
		{signedCall{method: "POST", path: "/", contentType: "application/x-www-form-urlencoded; charset=utf-8",
			body: "Action=DescribeVpcs&Version=2016-11-15", service: "ec2"}, 400, "RequestExpired", ""},
		{signedCall{method: "GET", path: "/rayhpc-data-lake", service: "s3", s3Hash: true}, 400, "ExpiredToken", "expired"},
	}
	for _, tc := range cases {
		tc.call.creds = expired
		status, code, body := tc.call.send(t, g)
		if status != tc.status || code != tc.code || !strings.Contains(body, tc.reason) {
			t.Errorf("%s: got %d %q %s; want %d %q", tc.call.service, status, code, body, tc.status, tc.code)
		}
	}
	if issuedKeyExpiry(t, `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId>`+
		`<SecretAccessKey>s</SecretAccessKey><SessionToken>tok</SessionToken><Expiration>2026-11-27T10:00:00Z</Expiration>`+
		`</Credentials></AssumeRoleResult></AssumeRoleResponse>`) != time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) {
		t.Error("the Expiration of an AssumeRole answer is not read")
	}
}

func issuedKeyExpiry(t *testing.T, doc string) time.Time {
	t.Helper()
	id, k := parseIssuedKey([]byte(doc))
	if id != "ASIA1" || k.secret != "s" || k.sessionToken != "tok" {
		t.Errorf("parsed %s %+v", id, k)
	}
	return k.expires
}
