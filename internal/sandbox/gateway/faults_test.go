// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/smithy-go"
)

func TestFaultThrottleAndErrors(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	c := fsxClient(g)

	if err := g.SetFault(Fault{Service: "fsx", Operation: "DescribeFileSystems", ThrottleRate: 1}); err != nil {
		t.Fatal(err)
	}
	_, err := c.DescribeFileSystems(ctx(t), &fsx.DescribeFileSystemsInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" {
		t.Fatalf("want ThrottlingException, got %v", err)
	}
	if !retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool() {
		t.Errorf("SDK does not classify the injected error as throttling: %v", err)
	}
	calls := g.Calls()
	last := calls[len(calls)-1]
	if last.Fault != FaultThrottle || last.Status != http.StatusBadRequest || last.Operation != "DescribeFileSystems" || last.Service != "fsx" {
		t.Errorf("call log entry %+v", last)
	}

	// 5xx.
	_ = g.SetFault(Fault{Service: "fsx", Operation: "*", ErrorRate: 1})
	_, err = c.DescribeDataRepositoryAssociations(ctx(t), &fsx.DescribeDataRepositoryAssociationsInput{})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InternalServerError" || ae.ErrorFault() != smithy.FaultServer {
		t.Errorf("want InternalServerError, got %v", err)
	}

	// EC2 query protocol throttling.
	_ = g.SetFault(Fault{Service: "ec2", ThrottleRate: 1})
	_, err = ec2Client(g).DescribeVpcs(ctx(t), &ec2.DescribeVpcsInput{})
	if !errors.As(err, &ae) || ae.ErrorCode() != "RequestLimitExceeded" {
		t.Errorf("want RequestLimitExceeded, got %v", err)
	}
	_ = g.SetFault(Fault{Service: "ec2", ErrorRate: 1})
	_, err = ec2Client(g).DescribeVpcs(ctx(t), &ec2.DescribeVpcsInput{})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InternalError" {
		t.Errorf("want InternalError, got %v", err)
	}

	// A retrying client gets through 30% throttling.
	g.ClearFaults()
	_ = g.SetFault(Fault{Service: "fsx", ThrottleRate: 0.3})
	retrying := fsx.NewFromConfig(awsConfig(g, func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 10
			o.MaxBackoff = 20 * time.Millisecond
			o.RateLimiter = ratelimit.None
		})
	}))
	g.ResetCalls()
	for i := 0; i < 20; i++ {
		if _, err := retrying.DescribeFileSystems(ctx(t), &fsx.DescribeFileSystemsInput{}); err != nil {
			t.Fatalf("call %d with retries: %v", i, err)
		}
	}
	throttled := 0
	for _, c := range g.Calls() {
		if c.Fault == FaultThrottle {
			throttled++
		}
	}
	total := g.CountCalls("fsx", "DescribeFileSystems")
	if throttled == 0 || total != 20+throttled {
		t.Errorf("throttled %d of %d calls", throttled, total)
	}
	if rate := float64(throttled) / float64(total); rate < 0.1 || rate > 0.5 {
		t.Errorf("observed throttle rate %.2f, want about 0.3", rate)
	}
	// The log tells the SDK's retries (its amz-sdk-request header) from the 20 calls: each throttled
	// attempt is followed by a retry of the same call.
	first, retries := 0, 0
	for _, c := range g.Calls() {
		switch {
		case c.Attempt == 1:
			first++
		case c.Retry():
			retries++
		default:
			t.Errorf("call without an attempt number: %+v", c)
		}
	}
	if first != 20 || retries != throttled || g.CountRequests("fsx", "DescribeFileSystems") != 20 {
		t.Errorf("%d first attempts and %d retries, want 20 and %d", first, retries, throttled)
	}
}

func TestSDKAttempt(t *testing.T) {
	for v, want := range map[string]int{"attempt=1; max=3": 1, "attempt=2; max=3": 2, "max=25; attempt=7": 7, "ttl=20261127T150650Z; attempt=3; max=3": 3,
		"": 0, "attempt=x; max=3": 0, "attempt=0": 0, "attempt=-1": 0} {
		h := http.Header{}
		if v != "" {
			h.Set("amz-sdk-request", v)
		}
		if got := sdkAttempt(h); got != want {
			t.Errorf("sdkAttempt(%q) = %d, want %d", v, got, want)
		}
	}
}

func TestFaultDropAndLatency(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	_ = g.SetFault(Fault{Service: "fsx", Operation: "DescribeFileSystems", DropRate: 1})
	_, err := fsxClient(g).DescribeFileSystems(ctx(t), &fsx.DescribeFileSystemsInput{})
	if err == nil {
		t.Fatal("dropped connection: no error")
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		t.Errorf("dropped connection answered with an API error: %v", err)
	}
	// The gateway logs a dropped call after closing the connection: the client may see the error first.
	calls := g.Calls()
	for deadline := time.Now().Add(5 * time.Second); len(calls) == 0 && time.Now().Before(deadline); calls = g.Calls() {
		time.Sleep(10 * time.Millisecond)
	}
	if len(calls) == 0 {
		t.Fatal("the dropped call was not logged")
	}
	if last := calls[len(calls)-1]; last.Fault != FaultDrop || last.Status != 0 {
		t.Errorf("call log entry %+v", last)
	}

	g.ClearFaults()
	_ = g.SetFault(Fault{Service: "fsx", Latency: 150 * time.Millisecond})
	start := time.Now()
	if _, err := fsxClient(g).DescribeFileSystems(ctx(t), &fsx.DescribeFileSystemsInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("latency not injected: %s", d)
	}
	calls = g.Calls()
	if last := calls[len(calls)-1]; last.Fault != FaultLatency || last.Status != 200 || last.Duration < 150*time.Millisecond {
		t.Errorf("call log entry %+v", last)
	}
}

func TestProxyAndCallLog(t *testing.T) {
	t.Parallel()
	g, moto := newTestGateway(t, testTimings)
	out, err := ec2Client(g).DescribeVpcs(ctx(t), &ec2.DescribeVpcsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Vpcs) != 1 || aws.ToString(out.Vpcs[0].VpcId) != "vpc-fake" {
		t.Errorf("proxied response %+v", out.Vpcs)
	}
	var fwd *fakeRequest
	for _, r := range moto.all() {
		if r.Form.Get("Action") == "DescribeVpcs" {
			r := r
			fwd = &r
		}
	}
	if fwd == nil {
		t.Fatal("DescribeVpcs did not reach moto")
	}
	if !strings.Contains(fwd.Auth, "/us-east-1/ec2/aws4_request") || fwd.Host != strings.TrimPrefix(g.URL(), "http://") {
		t.Errorf("forwarded request host %q auth %q", fwd.Host, fwd.Auth)
	}
	calls := g.Calls()
	last := calls[len(calls)-1]
	if last.Service != "ec2" || last.Operation != "DescribeVpcs" || last.Status != 200 || last.Native || last.Region != "us-east-1" {
		t.Errorf("call %+v", last)
	}
	if g.CountCalls("ec2", "DescribeVpcs") != 1 || g.CountCalls("ec2", "*") != 1 {
		t.Errorf("counts %d %d", g.CountCalls("ec2", "DescribeVpcs"), g.CountCalls("ec2", "*"))
	}
	g.ResetCalls()
	if len(g.Calls()) != 0 {
		t.Error("ResetCalls left calls")
	}
}

func TestControlEndpoint(t *testing.T) {
	t.Parallel()
	g, _ := newTestGateway(t, testTimings)
	do := func(method, path, body string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, g.URL()+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if code, b := do("GET", "/_sandbox/health", ""); code != 200 || !bytes.Contains(b, []byte(`"ok"`)) {
		t.Errorf("health %d %s", code, b)
	}
	if code, b := do("POST", "/_sandbox/faults", `{"service":"fsx","operation":"DescribeFileSystems","throttle_rate":1,"latency":"20ms"}`); code != 200 {
		t.Fatalf("set fault %d %s", code, b)
	}
	if code, _ := do("POST", "/_sandbox/faults", `{"service":"ec2","latency":5}`); code != 200 {
		t.Fatalf("set fault with ms latency: %d", code)
	}
	fs := g.Faults()
	if len(fs) != 2 {
		t.Fatalf("faults %+v", fs)
	}
	for _, f := range fs {
		if f.Service == "fsx" && (f.Latency != 20*time.Millisecond || f.ThrottleRate != 1) {
			t.Errorf("fsx fault %+v", f)
		}
		if f.Service == "ec2" && (f.Latency != 5*time.Millisecond || f.Operation != "*") {
			t.Errorf("ec2 fault %+v", f)
		}
	}
	if code, _ := do("POST", "/_sandbox/faults", `{"service":"fsx","throttle_rate":2}`); code != 400 {
		t.Errorf("invalid rate accepted: %d", code)
	}
	_, err := fsxClient(g).DescribeFileSystems(ctx(t), &fsx.DescribeFileSystemsInput{})
	if apiCode(err) != "ThrottlingException" {
		t.Errorf("fault from control endpoint not applied: %v", err)
	}
	code, b := do("GET", "/_sandbox/calls", "")
	var calls []Call
	if code != 200 || json.Unmarshal(b, &calls) != nil || len(calls) != 1 || calls[0].Fault != "latency+throttle" || calls[0].Operation != "DescribeFileSystems" {
		t.Errorf("calls %d %s", code, b)
	}
	if code, _ := do("DELETE", "/_sandbox/faults", ""); code != 200 || len(g.Faults()) != 0 {
		t.Errorf("clear faults %d", code)
	}
	if code, _ := do("POST", "/_sandbox/calls/reset", ""); code != 200 || len(g.Calls()) != 0 {
		t.Errorf("reset calls %d", code)
	}
	if code, _ := do("GET", "/_sandbox/nope", ""); code != 404 {
		t.Errorf("unknown endpoint %d", code)
	}
	if len(g.Calls()) != 0 {
		t.Errorf("control requests were logged: %+v", g.Calls())
	}
}

func TestIdentifyS3(t *testing.T) {
	t.Parallel()
	auth := "AWS4-HMAC-SHA256 Credential=testing/20240101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=x"
	cases := []struct{ method, target, host, hdr, want string }{
		{"GET", "/", "127.0.0.1:1", "", "ListBuckets"},
		{"PUT", "/bkt", "127.0.0.1:1", "", "CreateBucket"},
		{"HEAD", "/bkt", "127.0.0.1:1", "", "HeadBucket"},
		{"GET", "/bkt?list-type=2&prefix=raw/", "127.0.0.1:1", "", "ListObjectsV2"},
		{"GET", "/bkt?tagging", "127.0.0.1:1", "", "GetBucketTagging"},
		{"GET", "/bkt/raw/a.csv", "127.0.0.1:1", "", "GetObject"},
		{"HEAD", "/bkt/raw/a.csv", "127.0.0.1:1", "", "HeadObject"},
		{"PUT", "/bkt/raw/a.csv", "127.0.0.1:1", "", "PutObject"},
		{"PUT", "/bkt/raw/b.csv", "127.0.0.1:1", "/bkt/raw/a.csv", "CopyObject"},
		{"DELETE", "/bkt/raw/a.csv", "127.0.0.1:1", "", "DeleteObject"},
		{"DELETE", "/bkt", "127.0.0.1:1", "", "DeleteBucket"},
		{"POST", "/bkt?delete", "127.0.0.1:1", "", "DeleteObjects"},
		{"GET", "/raw/a.csv", "bkt.s3.localhost.localstack.cloud:4566", "", "GetObject"},
	}
	for _, tc := range cases {
		r, _ := http.NewRequest(tc.method, "http://"+tc.host+tc.target, nil)
		r.Host = tc.host
		r.Header.Set("Authorization", auth)
		if tc.hdr != "" {
			r.Header.Set("X-Amz-Copy-Source", tc.hdr)
		}
		info, err := identify(r, "us-east-1")
		if err != nil || info.service != "s3" || info.op != tc.want || info.region != "eu-west-1" || info.body != nil {
			t.Errorf("%s %s: %+v %v, want %s", tc.method, tc.target, info, err, tc.want)
		}
	}
	// Query protocol: Action from the form body, body re-buffered.
	r, _ := http.NewRequest("POST", "http://127.0.0.1:1/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.Header.Set("Authorization", strings.Replace(auth, "/s3/", "/sts/", 1))
	info, err := identify(r, "us-east-1")
	if err != nil || info.service != "sts" || info.op != "GetCallerIdentity" || info.protocol != ProtoQuery {
		t.Errorf("sts: %+v %v", info, err)
	}
	if b, _ := io.ReadAll(r.Body); string(b) != "Action=GetCallerIdentity&Version=2011-06-15" {
		t.Errorf("body not re-buffered: %q", b)
	}
}

// A lost answer: the request is served (the file system exists) but the client gets no answer. With
// Times 1 only the first request is hit, so an SDK retry of the same request (same ClientRequestToken,
// which the SDK fills once per call) gets the answer, and the token returns the same file system.
func TestFaultLostAnswer(t *testing.T) {
	t.Parallel()
	g, moto := newTestGateway(t, testTimings)
	if err := g.SetFault(Fault{Service: "fsx", Operation: "CreateFileSystem", LostRate: 1, Times: 1}); err != nil {
		t.Fatal(err)
	}
	// No retries: the caller sees a transport error, not an API error, yet the file system exists.
	_, err := fsxClient(g).CreateFileSystem(ctx(t), &fsx.CreateFileSystemInput{
		FileSystemType: "LUSTRE", StorageCapacity: aws.Int32(1200), SubnetIds: []string{"subnet-0123456789abcdef0"},
		LustreConfiguration: &types.CreateFileSystemLustreConfiguration{DeploymentType: types.LustreDeploymentTypeScratch2},
		ClientRequestToken:  aws.String("lost-answer-test"),
	})
	var ae smithy.APIError
	if err == nil || errors.As(err, &ae) {
		t.Fatalf("lost answer: want a transport error, got %v", err)
	}
	calls := g.Calls()
	if last := calls[len(calls)-1]; last.Fault != FaultLost || last.Status != http.StatusOK || !last.Native {
		t.Errorf("call log entry %+v, want fault lost with the served status 200", last)
	}
	out, err := fsxClient(g).DescribeFileSystems(ctx(t), &fsx.DescribeFileSystemsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.FileSystems) != 1 {
		t.Fatalf("the lost request was not served: %d file systems", len(out.FileSystems))
	}
	first := aws.ToString(out.FileSystems[0].FileSystemId)
	if len(g.Faults()) != 0 {
		t.Errorf("a fault with Times 1 is still installed after hitting once: %+v", g.Faults())
	}

	// Times 1 lets a retrying SDK through; the token returns the file system the lost request made.
	_ = g.SetFault(Fault{Service: "fsx", Operation: "CreateFileSystem", LostRate: 1, Times: 1})
	retrying := fsx.NewFromConfig(awsConfig(g, func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxBackoff = 10 * time.Millisecond })
	}))
	again, err := retrying.CreateFileSystem(ctx(t), &fsx.CreateFileSystemInput{
		FileSystemType: "LUSTRE", StorageCapacity: aws.Int32(1200), SubnetIds: []string{"subnet-0123456789abcdef0"},
		LustreConfiguration: &types.CreateFileSystemLustreConfiguration{DeploymentType: types.LustreDeploymentTypeScratch2},
		ClientRequestToken:  aws.String("lost-answer-test"),
	})
	if err != nil {
		t.Fatalf("retried create: %v", err)
	}
	if id := aws.ToString(again.FileSystem.FileSystemId); id != first {
		t.Errorf("the retried create with the same token made %s, want the lost one %s", id, first)
	}
	if n := g.CountCalls("fsx", "CreateFileSystem"); n != 3 {
		t.Errorf("CreateFileSystem calls = %d, want 3 (lost, lost then retried)", n)
	}

	// Through moto: the request reaches moto, the answer is lost.
	before := len(moto.all())
	_ = g.SetFault(Fault{Service: "ec2", Operation: "DescribeVpcs", LostRate: 1})
	if _, err := ec2Client(g).DescribeVpcs(ctx(t), &ec2.DescribeVpcsInput{}); err == nil || errors.As(err, &ae) {
		t.Errorf("lost EC2 answer: want a transport error, got %v", err)
	}
	if len(moto.all()) != before+1 {
		t.Errorf("the request with a lost answer did not reach moto")
	}
	calls = g.Calls()
	if last := calls[len(calls)-1]; last.Fault != FaultLost || last.Native || last.Status != http.StatusOK {
		t.Errorf("call log entry %+v", last)
	}
}

func TestFaultLostJSON(t *testing.T) {
	t.Parallel()
	var f Fault
	if err := json.Unmarshal([]byte(`{"service":"ec2","operation":"CreateSecurityGroup","lost_rate":1,"times":2}`), &f); err != nil {
		t.Fatal(err)
	}
	if f.LostRate != 1 || f.Times != 2 {
		t.Errorf("decoded %+v", f)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"lost_rate":1`) || !strings.Contains(string(b), `"times":2`) {
		t.Errorf("encoded %s", b)
	}
	if err := (Fault{Service: "fsx", LostRate: 1.5}).validate(); err == nil {
		t.Error("lost_rate 1.5 accepted")
	}
	if err := (Fault{Service: "fsx", Times: -1}).validate(); err == nil {
		t.Error("times -1 accepted")
	}
}
