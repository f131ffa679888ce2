// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"bytes"
	"io"
	"net"
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

// s3Bucket returns the bucket and key addressed by a path-style or
// virtual-host-style request.
func s3BucketKey(r *http.Request) (bucket, key string) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host != "" && net.ParseIP(host) == nil && host != "localhost" && strings.Contains(host, ".") {
		// Virtual-host style: bucket.s3.amazonaws.com or bucket.localhost.
		labels := strings.SplitN(host, ".", 2)
		if labels[0] != "s3" && !strings.HasPrefix(labels[0], "s3-") {
			return labels[0], path
		}
	}
	if i := strings.Index(path, "/"); i >= 0 {
		return path[:i], path[i+1:]
	}
	return path, ""
}

var s3BucketSubresources = []struct {
	param                       string
	get, put, delete, post, hdr string
}{
	{"tagging", "GetBucketTagging", "PutBucketTagging", "DeleteBucketTagging", "", ""},
	{"policy", "GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy", "", ""},
	{"versioning", "GetBucketVersioning", "PutBucketVersioning", "", "", ""},
	{"location", "GetBucketLocation", "", "", "", ""},
	{"acl", "GetBucketAcl", "PutBucketAcl", "", "", ""},
	{"cors", "GetBucketCors", "PutBucketCors", "DeleteBucketCors", "", ""},
	{"encryption", "GetBucketEncryption", "PutBucketEncryption", "DeleteBucketEncryption", "", ""},
	{"lifecycle", "GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration", "DeleteBucketLifecycle", "", ""},
	{"publicAccessBlock", "GetPublicAccessBlock", "PutPublicAccessBlock", "DeletePublicAccessBlock", "", ""},
	{"ownershipControls", "GetBucketOwnershipControls", "PutBucketOwnershipControls", "DeleteBucketOwnershipControls", "", ""},
	{"notification", "GetBucketNotificationConfiguration", "PutBucketNotificationConfiguration", "", "", ""},
	{"logging", "GetBucketLogging", "PutBucketLogging", "", "", ""},
	{"website", "GetBucketWebsite", "PutBucketWebsite", "DeleteBucketWebsite", "", ""},
	{"object-lock", "GetObjectLockConfiguration", "PutObjectLockConfiguration", "", "", ""},
	{"accelerate", "GetBucketAccelerateConfiguration", "PutBucketAccelerateConfiguration", "", "", ""},
	{"requestPayment", "GetBucketRequestPayment", "PutBucketRequestPayment", "", "", ""},
	{"replication", "GetBucketReplication", "PutBucketReplication", "DeleteBucketReplication", "", ""},
	{"uploads", "ListMultipartUploads", "", "", "", ""},
	{"versions", "ListObjectVersions", "", "", "", ""},
	{"delete", "", "", "", "DeleteObjects", ""},
}

// s3Operation names an S3 REST request on a best-effort basis.
func s3Operation(r *http.Request) string {
	bucket, key := s3BucketKey(r)
	q := r.URL.Query()
	m := r.Method
	if bucket == "" {
		if m == http.MethodGet {
			return "ListBuckets"
		}
		return "S3" + titleMethod(m)
	}
	if key == "" {
		for _, sr := range s3BucketSubresources {
			if !q.Has(sr.param) {
				continue
			}
			var op string
			switch m {
			case http.MethodGet:
				op = sr.get
			case http.MethodPut:
				op = sr.put
			case http.MethodDelete:
				op = sr.delete
			case http.MethodPost:
				op = sr.post
			}
			if op != "" {
				return op
			}
		}
		switch m {
		case http.MethodGet:
			if q.Get("list-type") == "2" {
				return "ListObjectsV2"
			}
			return "ListObjects"
		case http.MethodPut:
			return "CreateBucket"
		case http.MethodHead:
			return "HeadBucket"
		case http.MethodDelete:
			return "DeleteBucket"
		}
		return "Bucket" + titleMethod(m)
	}
	switch {
	case q.Has("tagging"):
		switch m {
		case http.MethodGet:
			return "GetObjectTagging"
		case http.MethodPut:
			return "PutObjectTagging"
		case http.MethodDelete:
			return "DeleteObjectTagging"
		}
	case q.Has("acl"):
		if m == http.MethodGet {
			return "GetObjectAcl"
		}
		return "PutObjectAcl"
	case q.Has("uploads") && m == http.MethodPost:
		return "CreateMultipartUpload"
	case q.Has("uploadId"):
		switch m {
		case http.MethodPut:
			if r.Header.Get("X-Amz-Copy-Source") != "" {
				return "UploadPartCopy"
			}
			return "UploadPart"
		case http.MethodPost:
			return "CompleteMultipartUpload"
		case http.MethodDelete:
			return "AbortMultipartUpload"
		case http.MethodGet:
			return "ListParts"
		}
	}
	switch m {
	case http.MethodGet:
		return "GetObject"
	case http.MethodHead:
		return "HeadObject"
	case http.MethodPut:
		if r.Header.Get("X-Amz-Copy-Source") != "" {
			return "CopyObject"
		}
		return "PutObject"
	case http.MethodDelete:
		return "DeleteObject"
	}
	return "Object" + titleMethod(m)
}

func titleMethod(m string) string {
	if m == "" {
		return ""
	}
	return strings.ToUpper(m[:1]) + strings.ToLower(m[1:])
}
