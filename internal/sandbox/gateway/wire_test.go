// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The NextToken patterns of the models (botocore service-2.json, shape NextToken).
var (
	fsxNextTokenRE      = regexp.MustCompile(`^(?:[A-Za-z0-9+\/]{4})*(?:[A-Za-z0-9+\/]{2}==|[A-Za-z0-9+\/]{3}=)?$`)
	dataSyncNextTokenRE = regexp.MustCompile(`^[a-zA-Z0-9=_-]+$`)
)

func TestJSONPageOpaqueTokensAndModelLimits(t *testing.T) {
	for label, model := range pageModels {
		t.Run(label, func(t *testing.T) {
			const n = 7
			three := int32(3)
			seen := 0
			var token *string
			for pages := 0; ; pages++ {
				start, end, next, err := JSONPage(n, &three, token, label, 100)
				if err != nil {
					t.Fatal(err)
				}
				if start != seen || end-start > 3 {
					t.Fatalf("page %d: [%d,%d) after %d items", pages, start, end, seen)
				}
				seen = end
				if next == "" {
					break
				}
				if strings.Contains(next, label+"-") || strings.HasSuffix(next, fmt.Sprint(end)) {
					t.Errorf("token %q is not opaque", next)
				}
				re := fsxNextTokenRE
				if model == pageDataSync {
					re = dataSyncNextTokenRE
				}
				if !re.MatchString(next) || len(next) > 255 {
					t.Errorf("token %q does not match the model's pattern %s", next, re)
				}
				token = &next
			}
			if seen != n {
				t.Fatalf("paged %d of %d items", seen, n)
			}
			foreign := pageModels["fs"].encodeToken("another-listing", 3)
			if label == "fs" {
				foreign = pageModels["task"].encodeToken("task", 3)
			}
			for _, bad := range []string{foreign, "fs-3", "bm90IGEgdG9rZW4="} {
				if _, _, _, err := JSONPage(n, nil, &bad, label, 100); err == nil || !strings.Contains(err.Error(), "NextToken") {
					t.Errorf("token %q accepted: %v", bad, err)
				}
			}
			above, below := int32(min(model.max+1, 1<<31-1)), int32(model.min-1)
			if model.max < 1<<31-1 {
				if _, _, _, err := JSONPage(n, &above, nil, label, 100); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("less than or equal to %d", model.max)) {
					t.Errorf("MaxResults %d: %v", above, err)
				}
			}
			if _, _, _, err := JSONPage(n, &below, nil, label, 100); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("greater than or equal to %d", model.min)) {
				t.Errorf("MaxResults %d: %v", below, err)
			}
			atMax := int32(min(model.max, 1<<31-1))
			if _, end, next, err := JSONPage(n, &atMax, nil, label, 2); err != nil || end != n || next != "" {
				t.Errorf("MaxResults %d (the model's maximum): end %d next %q err %v", atMax, end, next, err)
			}
		})
	}
	// DataSync's MaxResults range starts at 0 (the default page size).
	zero := int32(0)
	if _, end, _, err := JSONPage(7, &zero, nil, "task", 5); err != nil || end != 5 {
		t.Errorf("DataSync MaxResults 0: end %d, %v", end, err)
	}
}

func TestWriteJSONDropsNulls(t *testing.T) {
	w := httptest.NewRecorder()
	type item struct {
		Name  *string  `json:"Name"`
		Tags  []string `json:"Tags"`
		Bytes int64    `json:"Bytes"`
	}
	WriteJSON(w, map[string]any{"Items": []item{{Bytes: 9007199254740993}}, "NextToken": nil})
	body := w.Body.String()
	if strings.Contains(body, "null") || body != `{"Items":[{"Bytes":9007199254740993}]}` {
		t.Errorf("body %s", body)
	}
	if w.Header().Get("Content-Length") != fmt.Sprint(len(body)) {
		t.Errorf("Content-Length %s for %d bytes", w.Header().Get("Content-Length"), len(body))
	}
}

// rawCall sends a SigV4-signed AWS JSON 1.1 request to the gateway and returns the raw answer.
func rawCall(t *testing.T, g *Gateway, service, target, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, g.URL()+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}
	if err := v4.NewSigner().SignHTTP(ctx(t), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s answered %d %q: not JSON", target, resp.StatusCode, b)
	}
	return resp.StatusCode, resp.Header, out
}

// TestModelErrorShapes: 5xx errors and error members as each model names them.
func TestModelErrorShapes(t *testing.T) {
	g, _ := newTestGateway(t, testTimings)
	for _, tc := range []struct {
		service, target, fault, message string
	}{
		{"fsx", "AWSSimbaAPIService_v20180301.DescribeFileSystems", "InternalServerError", "Message"},
		{"datasync", "FmrsService.ListTasks", "InternalException", "message"},
		{"pricing", "AWSPriceListService.DescribeServices", "InternalErrorException", "Message"},
	} {
		t.Run(tc.service, func(t *testing.T) {
			op := tc.target[strings.Index(tc.target, ".")+1:]
			if err := g.SetFault(Fault{Service: tc.service, Operation: op, ErrorRate: 1}); err != nil {
				t.Fatal(err)
			}
			status, h, body := rawCall(t, g, tc.service, tc.target, "{}")
			g.ClearFaults()
			if status != http.StatusInternalServerError || h.Get("X-Amzn-ErrorType") != tc.fault || body["__type"] != tc.fault {
				t.Errorf("injected 5xx: %d %s %v, want 500 %s", status, h.Get("X-Amzn-ErrorType"), body, tc.fault)
			}
			if _, ok := body[tc.message].(string); !ok || len(body) != 2 {
				t.Errorf("injected 5xx body %v: want exactly __type and %s", body, tc.message)
			}
		})
	}
	// A client error of DataSync (InvalidRequestException {message, errorCode, datasyncErrorCode}).
	status, _, body := rawCall(t, g, "datasync", "FmrsService.DescribeTask", `{"TaskArn": "arn:aws:datasync:us-east-1:123456789012:task/task-0123456789abcdef0"}`)
	if status != http.StatusBadRequest || body["__type"] != "InvalidRequestException" || body["message"] == nil || body["Message"] != nil {
		t.Errorf("DataSync not found: %d %v", status, body)
	}
	// A listing answers no null member and an opaque token; MaxResults above the model's 100 is refused.
	status, _, body = rawCall(t, g, "datasync", "FmrsService.ListTasks", `{"MaxResults": 101}`)
	if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["message"]), "less than or equal to 100") {
		t.Errorf("ListTasks MaxResults 101: %d %v", status, body)
	}
}

// TestUnimplementedOperationIsAnAWSError: moto's HTML error pages become the protocol's error.
func TestUnimplementedOperationIsAnAWSError(t *testing.T) {
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		status := http.StatusInternalServerError
		if strings.HasPrefix(r.URL.Path, "/clusters") {
			status = http.StatusNotFound
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n")
	}))
	t.Cleanup(html.Close)
	g, err := New(Config{MotoURL: html.URL, Timings: testTimings, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })

	// JSON protocol (Pricing's GetAttributeValues is not served natively).
	status, h, body := rawCall(t, g, "pricing", "AWSPriceListService.GetAttributeValues", `{"ServiceCode":"AmazonEC2","AttributeName":"instanceType"}`)
	if status != http.StatusBadRequest || h.Get("X-Amzn-ErrorType") != "UnknownOperationException" ||
		!strings.Contains(fmt.Sprint(body["Message"]), "does not implement pricing operation GetAttributeValues") {
		t.Errorf("pricing: %d %s %v", status, h.Get("X-Amzn-ErrorType"), body)
	}

	// EC2 query protocol.
	form := "Action=DescribeCapacityBlockOfferings&Version=2016-11-15"
	req, _ := http.NewRequest(http.MethodPost, g.URL()+"/", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(form))
	if err := v4.NewSigner().SignHTTP(ctx(t), aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}, req,
		hex.EncodeToString(sum[:]), "ec2", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !bytes.Contains(b, []byte("<Code>InvalidAction</Code>")) ||
		!bytes.Contains(b, []byte("DescribeCapacityBlockOfferings")) || bytes.Contains(b, []byte("<html")) {
		t.Errorf("ec2: %d %s", resp.StatusCode, b)
	}

	// A HEAD answer has no page to replace: S3's 404 for a missing key stays a 404.
	head, _ := http.NewRequest(http.MethodHead, g.URL()+"/clusters-bucket/missing.json", nil)
	head.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	if err := v4.NewSigner().SignHTTP(ctx(t), aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}, head,
		"UNSIGNED-PAYLOAD", "s3", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err = http.DefaultClient.Do(head)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") == "application/xml" {
		t.Errorf("S3 HEAD: status %d, want moto's own 404", resp.StatusCode)
	}
}
