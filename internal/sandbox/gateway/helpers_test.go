// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
)

// testTimings are short so lifecycle tests stay fast.
var testTimings = Timings{
	FSxCreate: 300 * time.Millisecond,
	FSxUpdate: 300 * time.Millisecond,
	FSxDelete: 200 * time.Millisecond,
	DRACreate: 300 * time.Millisecond,
	DRAUpdate: 200 * time.Millisecond,
	DRADelete: 200 * time.Millisecond,
}

// fakeMoto is a tiny stand-in upstream that records what reaches it.
type fakeMoto struct {
	mu       sync.Mutex
	requests []fakeRequest
	srv      *httptest.Server
}

type fakeRequest struct {
	Method, Path, Host, Auth string
	Form                     url.Values
}

func newFakeMoto(t *testing.T) *fakeMoto {
	t.Helper()
	f := &fakeMoto{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		f.mu.Lock()
		f.requests = append(f.requests, fakeRequest{r.Method, r.URL.Path, r.Host, r.Header.Get("Authorization"), form})
		f.mu.Unlock()
		switch {
		case form.Get("Action") == "DescribeVpcs":
			w.Header().Set("Content-Type", "text/xml")
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><vpcSet><item><vpcId>vpc-fake</vpcId><isDefault>true</isDefault></item></vpcSet></DescribeVpcsResponse>`)
		case form.Get("Action") == "DescribeSubnets":
			w.Header().Set("Content-Type", "text/xml")
			if strings.Contains(form.Get("SubnetId.1"), "missing") {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, `<Response><Errors><Error><Code>InvalidSubnetID.NotFound</Code><Message>The subnet ID 'x' does not exist</Message></Error></Errors><RequestID>r</RequestID></Response>`)
				return
			}
			_, _ = io.WriteString(w, `<DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><subnetSet><item><subnetId>`+form.Get("SubnetId.1")+`</subnetId><vpcId>vpc-fake</vpcId></item></subnetSet></DescribeSubnetsResponse>`)
		case form.Get("Action") == "AssumeRole":
			w.Header().Set("Content-Type", "text/xml")
			_, _ = io.WriteString(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIAFAKEMOTO0001</AccessKeyId><SecretAccessKey>motosecret</SecretAccessKey><SessionToken>mototoken</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/deploy/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult></AssumeRoleResponse>`)
		case r.Method == http.MethodHead && strings.HasPrefix(r.URL.Path, "/missing-bucket"):
			w.WriteHeader(http.StatusNotFound)
		default:
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "{}")
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeMoto) all() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.requests...)
}

func newTestGateway(t *testing.T, timings Timings) (*Gateway, *fakeMoto) {
	t.Helper()
	moto := newFakeMoto(t)
	g, err := New(Config{MotoURL: moto.srv.URL, Timings: timings, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	return g, moto
}

func awsConfig(g *Gateway, retryer func() aws.Retryer) aws.Config {
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(g.URL()),
	}
	if retryer != nil {
		cfg.Retryer = retryer
	} else {
		cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	}
	return cfg
}

func fsxClient(g *Gateway) *fsx.Client { return fsx.NewFromConfig(awsConfig(g, nil)) }

func ec2Client(g *Gateway) *ec2.Client { return ec2.NewFromConfig(awsConfig(g, nil)) }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// eventually polls cond every 50ms until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
