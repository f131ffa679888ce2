// SPDX-License-Identifier: MPL-2.0

package sigv4_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
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
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/sigv4"
)

var (
	signedAt = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	creds    = aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "s3cr3t"}
)

func keys(id string) (string, bool) {
	switch id {
	case "AKIDTEST":
		return "s3cr3t", true
	case "AKIDEXAMPLE":
		return "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", true
	}
	return "", false
}

// onTheWire signs req with the AWS SDK's signer, then serialises it and parses
// it back as a server would receive it.
func onTheWire(t *testing.T, req *http.Request, body []byte, service, region string, payloadHash string) *http.Request {
	t.Helper()
	if payloadHash == "" {
		payloadHash = sha(body)
	}
	if err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = service == "s3" }).
		SignHTTP(context.Background(), creds, req, payloadHash, service, region, signedAt); err != nil {
		t.Fatal(err)
	}
	return reparse(t, req)
}

func reparse(t *testing.T, req *http.Request) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatal(err)
	}
	srv, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func newReq(t *testing.T, method, rawURL string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func kindOf(err error) sigv4.Kind {
	var e *sigv4.Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

func readBody(t *testing.T, r *http.Request) []byte {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerify_jsonRequest(t *testing.T) {
	body := []byte(`{"FileSystemType":"LUSTRE","StorageCapacity":1200}`)
	mk := func() *http.Request {
		req := newReq(t, "POST", "http://127.0.0.1:4566/", body)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AWSSimbaAPIService_v20180301.CreateFileSystem")
		return onTheWire(t, req, body, "fsx", "us-east-1", "")
	}
	r := mk()
	got := readBody(t, r)
	res, err := sigv4.Verify(r, got, keys, signedAt.Add(time.Minute))
	if err != nil {
		t.Fatalf("valid request refused: %v", err)
	}
	if res.AccessKeyID != "AKIDTEST" || res.Region != "us-east-1" || res.Service != "fsx" || !res.SignedAt.Equal(signedAt) || res.Presigned {
		t.Errorf("result %+v", res)
	}
	if !strings.Contains(strings.Join(res.SignedHeaders, ";"), "x-amz-target") {
		t.Errorf("signed headers %v lack x-amz-target", res.SignedHeaders)
	}

	cases := []struct {
		name   string
		mutate func(r *http.Request, body []byte) []byte
		now    time.Time
		want   sigv4.Kind
	}{
		{"changed body", func(_ *http.Request, b []byte) []byte {
			return bytes.Replace(b, []byte("1200"), []byte("2400"), 1)
		}, signedAt, sigv4.Mismatch},
		{"spliced body", func(_ *http.Request, b []byte) []byte {
			return append(b[:10:10], []byte(`<DescribeSubnets/>`)...)
		}, signedAt, sigv4.Mismatch},
		{"wrong region in scope", func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/us-east-1/", "/us-west-2/", 1))
			return b
		}, signedAt, sigv4.Mismatch},
		{"changed signed header", func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Amz-Target", "AWSSimbaAPIService_v20180301.DeleteFileSystem")
			return b
		}, signedAt, sigv4.Mismatch},
		{"clock 16 minutes behind", nil, signedAt.Add(16 * time.Minute), sigv4.Skewed},
		{"clock 16 minutes ahead", nil, signedAt.Add(-16 * time.Minute), sigv4.Skewed},
		{"unknown key", func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "AKIDTEST/", "AKIDNOBODY/", 1))
			return b
		}, signedAt, sigv4.UnknownKey},
		{"no signature part", func(r *http.Request, b []byte) []byte {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", a[:strings.Index(a, ", Signature=")])
			return b
		}, signedAt, sigv4.Incomplete},
		{"host not signed", func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "host;", "", 1))
			return b
		}, signedAt, sigv4.Incomplete},
		{"no authorization", func(r *http.Request, b []byte) []byte {
			r.Header.Del("Authorization")
			return b
		}, signedAt, sigv4.Missing},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := mk()
			b := readBody(t, r)
			if tc.mutate != nil {
				b = tc.mutate(r, b)
			}
			_, err := sigv4.Verify(r, b, keys, tc.now)
			if kindOf(err) != tc.want {
				t.Fatalf("got %v, want kind %v", err, tc.want)
			}
		})
	}
	// Within 15 minutes either way is accepted.
	for _, d := range []time.Duration{-14 * time.Minute, 14 * time.Minute} {
		if _, err := sigv4.Verify(mk(), body, keys, signedAt.Add(d)); err != nil {
			t.Errorf("skew %s refused: %v", d, err)
		}
	}
}

// Non-S3 services sign the path encoded twice; the query is sorted after encoding.
func TestVerify_pathAndQueryEncoding(t *testing.T) {
	req := newReq(t, "GET", "http://127.0.0.1:4566/clusters/my%20cluster/node-groups?b=x%2Fy&a=1&a=0&c=sp%20ace&d=a-b", nil)
	r := onTheWire(t, req, nil, "eks", "eu-west-1", "")
	if _, err := sigv4.Verify(r, nil, keys, signedAt); err != nil {
		t.Fatalf("refused: %v", err)
	}
	r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "a=1", "a=2", 1)
	r.RequestURI = r.URL.RequestURI()
	if _, err := sigv4.Verify(r, nil, keys, signedAt); kindOf(err) != sigv4.Mismatch {
		t.Fatalf("changed query accepted: %v", err)
	}
}

func TestVerify_s3PayloadHash(t *testing.T) {
	body := []byte("sample_id,read_count\nS1,10\n")
	mk := func() *http.Request {
		req := newReq(t, "PUT", "http://127.0.0.1:4566/rayhpc-data-lake/raw/a%20b.csv", body)
		req.Header.Set("X-Amz-Content-Sha256", sha(body))
		return onTheWire(t, req, body, "s3", "us-east-1", sha(body))
	}
	if _, err := sigv4.Verify(mk(), body, keys, signedAt); err != nil {
		t.Fatalf("valid PutObject refused: %v", err)
	}
	// The signature covers the declared hash, so a different body is caught by the hash check.
	if _, err := sigv4.Verify(mk(), []byte("other"), keys, signedAt); kindOf(err) != sigv4.PayloadHashMismatch {
		t.Fatalf("changed S3 body: %v, want PayloadHashMismatch", err)
	}
	// UNSIGNED-PAYLOAD is accepted for any body.
	req := newReq(t, "PUT", "http://127.0.0.1:4566/rayhpc-data-lake/raw/b.csv", body)
	req.Header.Set("X-Amz-Content-Sha256", sigv4.UnsignedPayload)
	r := onTheWire(t, req, body, "s3", "us-east-1", sigv4.UnsignedPayload)
	if _, err := sigv4.Verify(r, []byte("anything"), keys, signedAt); err != nil {
		t.Fatalf("unsigned payload refused: %v", err)
	}
}

func presign(t *testing.T, method, rawURL, service string, expires time.Duration, hdr http.Header) *url.URL {
	t.Helper()
	req := newReq(t, method, rawURL, nil)
	q := req.URL.Query()
	if expires > 0 {
		q.Set("X-Amz-Expires", strconv.Itoa(int(expires/time.Second)))
	}
	req.URL.RawQuery = q.Encode()
	for k, v := range hdr {
		req.Header[k] = v
	}
	ph := sigv4.EmptyPayloadHash
	if service == "s3" {
		ph = sigv4.UnsignedPayload
	}
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, ph, service, "us-east-1", signedAt)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestVerify_presignedURL(t *testing.T) {
	u := presign(t, "GET", "http://127.0.0.1:4566/rayhpc-data-lake/raw/sample-000.csv", "s3", 300*time.Second, nil)
	get := func(u *url.URL) *http.Request { return reparse(t, newReq(t, "GET", u.String(), nil)) }

	res, err := sigv4.Verify(get(u), nil, keys, signedAt.Add(time.Minute))
	if err != nil {
		t.Fatalf("valid presigned URL refused: %v", err)
	}
	if !res.Presigned || !res.Expires.Equal(signedAt.Add(300*time.Second)) || res.Service != "s3" {
		t.Errorf("result %+v", res)
	}
	if _, err := sigv4.Verify(get(u), nil, keys, signedAt.Add(301*time.Second)); kindOf(err) != sigv4.Expired {
		t.Errorf("expired URL: %v, want Expired", err)
	}
	tampered := *u
	tampered.Path = "/rayhpc-data-lake/raw/sample-001.csv"
	if _, err := sigv4.Verify(get(&tampered), nil, keys, signedAt); kindOf(err) != sigv4.Mismatch {
		t.Errorf("tampered path: %v, want Mismatch", err)
	}
	q := u.Query()
	q.Set("X-Amz-Expires", "3600")
	longer := *u
	longer.RawQuery = q.Encode()
	if _, err := sigv4.Verify(get(&longer), nil, keys, signedAt.Add(time.Hour)); kindOf(err) != sigv4.Mismatch {
		t.Errorf("extended expiry: %v, want Mismatch", err)
	}
	q = u.Query()
	q.Del("X-Amz-SignedHeaders")
	partial := *u
	partial.RawQuery = q.Encode()
	if _, err := sigv4.Verify(get(&partial), nil, keys, signedAt); kindOf(err) != sigv4.Incomplete {
		t.Errorf("missing X-Amz-SignedHeaders: %v, want Incomplete", err)
	}
}

// An EKS token is a presigned STS GetCallerIdentity URL with the x-k8s-aws-id header signed.
func TestVerifyURL_eksToken(t *testing.T) {
	hdr := http.Header{"X-K8s-Aws-Id": {"rayhpc-eks"}}
	u := presign(t, "GET", "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", "sts", 60*time.Second, hdr)
	res, err := sigv4.VerifyURL("GET", u, hdr, keys, signedAt.Add(30*time.Second))
	if err != nil {
		t.Fatalf("valid token refused: %v", err)
	}
	if !contains(res.SignedHeaders, "x-k8s-aws-id") || res.Service != "sts" {
		t.Errorf("result %+v", res)
	}
	if _, err := sigv4.VerifyURL("GET", u, http.Header{"X-K8s-Aws-Id": {"other-cluster"}}, keys, signedAt); kindOf(err) != sigv4.Mismatch {
		t.Errorf("token for another cluster: %v, want Mismatch", err)
	}
	if _, err := sigv4.VerifyURL("GET", u, hdr, keys, signedAt.Add(61*time.Second)); kindOf(err) != sigv4.Expired {
		t.Errorf("expired token: %v, want Expired", err)
	}
	plain, _ := url.Parse("https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity")
	if _, err := sigv4.VerifyURL("GET", plain, hdr, keys, signedAt); kindOf(err) != sigv4.Missing {
		t.Errorf("unsigned URL: %v, want Missing", err)
	}
}

// Known answers from the AWS documentation, independent of the SDK's signer.
func TestVerify_awsDocumentationExamples(t *testing.T) {
	// IAM User Guide, "Examples of signed Signature Version 4 requests": GET ListUsers.
	r := newReq(t, "GET", "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", nil)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.Header.Set("X-Amz-Date", "20150830T123600Z")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "+
		"SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
	at := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	if _, err := sigv4.Verify(reparse(t, r), nil, keys, at); err != nil {
		t.Errorf("IAM ListUsers example: %v", err)
	}
	// SigV4 test suite, get-vanilla.
	r = newReq(t, "GET", "https://example.amazonaws.com/", nil)
	r.Header.Set("X-Amz-Date", "20150830T123600Z")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "+
		"SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
	if _, err := sigv4.Verify(reparse(t, r), nil, keys, at); err != nil {
		t.Errorf("get-vanilla: %v", err)
	}
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// The token `aws eks get-token` makes: the STS presign client's GetCallerIdentity URL with the
// x-k8s-aws-id header signed, verified as an EKS authenticator verifies it.
func TestVerifyURL_stsPresignClient(t *testing.T) {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, "")}
	presigner := sts.NewPresignClient(sts.NewFromConfig(cfg))
	req, err := presigner.PresignGetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}, func(o *sts.PresignOptions) {
		o.ClientOptions = append(o.ClientOptions, sts.WithAPIOptions(smithyhttp.AddHeaderValue("x-k8s-aws-id", "rayhpc-eks")))
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sigv4.VerifyURL(req.Method, u, http.Header{"X-K8s-Aws-Id": {"rayhpc-eks"}}, keys, time.Now())
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	if res.Service != "sts" || !contains(res.SignedHeaders, "x-k8s-aws-id") {
		t.Errorf("result %+v", res)
	}
}
