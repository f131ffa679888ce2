// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Protocol is the wire protocol family of a request, which decides how
// injected faults are written.
type Protocol int

const (
	// ProtoRESTJSON is the REST-JSON family (EKS, Lambda, Batch, ...).
	ProtoRESTJSON Protocol = iota
	// ProtoJSON is the AWS JSON 1.0/1.1 family (X-Amz-Target).
	ProtoJSON
	// ProtoEC2 is the EC2 query protocol.
	ProtoEC2
	// ProtoQuery is the AWS query protocol (IAM, STS, ...).
	ProtoQuery
	// ProtoS3 is S3's REST-XML protocol.
	ProtoS3
)

type requestInfo struct {
	service  string
	op       string
	region   string
	protocol Protocol
	// body is the buffered request body, when the gateway had to read it to
	// identify the operation (query protocols, JSON). Nil means untouched.
	body []byte
}

// targetPrefixes maps X-Amz-Target prefixes to signing names, used only when a
// request carries no SigV4 Authorization header.
var targetPrefixes = map[string]string{
	"AWSSimbaAPIService_v20180301": "fsx",
	"FmrsService":                  "datasync",
	"AWSPriceListService":          "pricing",
	"DynamoDB_20120810":            "dynamodb",
}

// identify finds the service, operation and region of an AWS request. It
// buffers the body of query-protocol and JSON requests (small), never S3 bodies.
func identify(r *http.Request, defaultRegion string) (*requestInfo, error) {
	info := &requestInfo{region: defaultRegion}
	if svc, region := parseCredentialScope(r.Header.Get("Authorization")); svc != "" {
		info.service = svc
		if region != "" {
			info.region = region
		}
	} else if svc, region := parseCredentialScope(r.URL.Query().Get("X-Amz-Credential")); svc != "" {
		// Presigned URL.
		info.service = svc
		if region != "" {
			info.region = region
		}
	}

	if target := r.Header.Get("X-Amz-Target"); target != "" {
		info.protocol = ProtoJSON
		if i := strings.LastIndex(target, "."); i >= 0 {
			info.op = target[i+1:]
			if info.service == "" {
				info.service = targetPrefixes[target[:i]]
			}
		} else {
			info.op = target
		}
		if info.service == "" {
			info.service = "unknown"
		}
		b, err := readBody(r)
		if err != nil {
			return nil, err
		}
		info.body = b
		return info, nil
	}

	if info.service == "s3" || info.service == "s3-object-lambda" {
		info.protocol = ProtoS3
		info.op = s3Operation(r)
		return info, nil
	}

	// Query protocols: Action in the form body or the URL query.
	action := r.URL.Query().Get("Action")
	if action == "" && r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		b, err := readBody(r)
		if err != nil {
			return nil, err
		}
		info.body = b
		if v, err := url.ParseQuery(string(b)); err == nil {
			action = v.Get("Action")
		}
	}
	if action != "" {
		info.op = action
		if info.service == "ec2" {
			info.protocol = ProtoEC2
		} else {
			info.protocol = ProtoQuery
		}
		if info.service == "" {
			info.service = "unknown"
		}
		return info, nil
	}

	if info.service == "" {
		info.service = "unknown"
		if looksLikeS3(r) {
			info.service = "s3"
			info.protocol = ProtoS3
			info.op = s3Operation(r)
			return info, nil
		}
	}
	info.protocol = ProtoRESTJSON
	info.op = r.Method + " " + r.URL.Path
	return info, nil
}

func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return []byte{}, nil
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	return b, nil
}

// parseCredentialScope extracts service and region from a SigV4
// Authorization header ("AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, ...")
// or from a bare X-Amz-Credential value.
func parseCredentialScope(v string) (service, region string) {
	if v == "" {
		return "", ""
	}
	cred := v
	if i := strings.Index(v, "Credential="); i >= 0 {
		cred = v[i+len("Credential="):]
		if j := strings.IndexAny(cred, ", "); j >= 0 {
			cred = cred[:j]
		}
	}
	parts := strings.Split(cred, "/")
	if len(parts) < 5 || parts[len(parts)-1] != "aws4_request" {
		return "", ""
	}
	n := len(parts)
	return strings.ToLower(parts[n-2]), parts[n-3]
}

func looksLikeS3(r *http.Request) bool {
	return r.Header.Get("X-Amz-Content-Sha256") != "" && r.Header.Get("Content-Type") != "application/x-amz-json-1.1"
}
