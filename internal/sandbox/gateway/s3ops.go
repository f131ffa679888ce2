// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// S3 operations are told apart by method, by what the path addresses (the service, a bucket or an
// object) and by the query parameter naming a subresource, as the S3 API model's http blocks define
// them (botocore data/s3/2006-03-01/service-2.json, "http": {"method", "requestUri"}; e.g.
// GetBucketTagging is GET /{Bucket}?tagging, UploadPart PUT /{Bucket}/{Key+} with the required
// querystring members partNumber and uploadId). CopyObject and UploadPartCopy are PutObject's and
// UploadPart's method and path with the x-amz-copy-source header (their required CopySource member,
// location "header"). The call log and fault injection name a request by the operation found here;
// a request no route matches is named by its method ("ObjectPost", "BucketPatch", "S3Put").

// s3Level is what an S3 request's path addresses.
type s3Level int

const (
	s3AtService s3Level = iota // "/": ListBuckets
	s3AtBucket                 // "/{Bucket}"
	s3AtObject                 // "/{Bucket}/{Key+}"
)

// s3Route is one operation: the first route of its level that matches a request names it.
type s3Route struct {
	method string // HTTP method; "" matches any
	query  string // "" none; "p": parameter p present (any value); "p=v": p equal to v
	copy   bool   // the x-amz-copy-source header is present
	op     string
}

// s3Routes, in matching order: the operations with a subresource before the plain ones on the same
// path, copies before the uploads they look like.
var s3Routes = map[s3Level][]s3Route{
	s3AtService: {{method: http.MethodGet, op: "ListBuckets"}},
	s3AtBucket: append(s3BucketSubresourceRoutes(),
		s3Route{method: http.MethodGet, query: "list-type=2", op: "ListObjectsV2"},
		s3Route{method: http.MethodGet, op: "ListObjects"},
		s3Route{method: http.MethodPut, op: "CreateBucket"},
		s3Route{method: http.MethodHead, op: "HeadBucket"},
		s3Route{method: http.MethodDelete, op: "DeleteBucket"},
	),
	s3AtObject: {
		{method: http.MethodGet, query: "tagging", op: "GetObjectTagging"},
		{method: http.MethodPut, query: "tagging", op: "PutObjectTagging"},
		{method: http.MethodDelete, query: "tagging", op: "DeleteObjectTagging"},
		{method: http.MethodGet, query: "acl", op: "GetObjectAcl"},
		{query: "acl", op: "PutObjectAcl"}, // the model's PUT; any other method is named so too
		{method: http.MethodPost, query: "uploads", op: "CreateMultipartUpload"},
		{method: http.MethodPut, query: "uploadId", copy: true, op: "UploadPartCopy"},
		{method: http.MethodPut, query: "uploadId", op: "UploadPart"},
		{method: http.MethodPost, query: "uploadId", op: "CompleteMultipartUpload"},
		{method: http.MethodDelete, query: "uploadId", op: "AbortMultipartUpload"},
		{method: http.MethodGet, query: "uploadId", op: "ListParts"},
		{method: http.MethodGet, op: "GetObject"},
		{method: http.MethodHead, op: "HeadObject"},
		{method: http.MethodPut, copy: true, op: "CopyObject"},
		{method: http.MethodPut, op: "PutObject"},
		{method: http.MethodDelete, op: "DeleteObject"},
	},
}

// s3Fallback prefixes the method of a request no route of its level matches.
var s3Fallback = map[s3Level]string{s3AtService: "S3", s3AtBucket: "Bucket", s3AtObject: "Object"}

// s3BucketSubresources are the bucket subresources (the query parameter of /{Bucket}?param) with the
// operation of each method the model defines on it; "" where it defines none.
var s3BucketSubresources = []struct{ param, get, put, delete, post string }{
	{"tagging", "GetBucketTagging", "PutBucketTagging", "DeleteBucketTagging", ""},
	{"policy", "GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy", ""},
	{"versioning", "GetBucketVersioning", "PutBucketVersioning", "", ""},
	{"location", "GetBucketLocation", "", "", ""},
	{"acl", "GetBucketAcl", "PutBucketAcl", "", ""},
	{"cors", "GetBucketCors", "PutBucketCors", "DeleteBucketCors", ""},
	{"encryption", "GetBucketEncryption", "PutBucketEncryption", "DeleteBucketEncryption", ""},
	{"lifecycle", "GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration", "DeleteBucketLifecycle", ""},
	{"publicAccessBlock", "GetPublicAccessBlock", "PutPublicAccessBlock", "DeletePublicAccessBlock", ""},
	{"ownershipControls", "GetBucketOwnershipControls", "PutBucketOwnershipControls", "DeleteBucketOwnershipControls", ""},
	{"notification", "GetBucketNotificationConfiguration", "PutBucketNotificationConfiguration", "", ""},
	{"logging", "GetBucketLogging", "PutBucketLogging", "", ""},
	{"website", "GetBucketWebsite", "PutBucketWebsite", "DeleteBucketWebsite", ""},
	{"object-lock", "GetObjectLockConfiguration", "PutObjectLockConfiguration", "", ""},
	{"accelerate", "GetBucketAccelerateConfiguration", "PutBucketAccelerateConfiguration", "", ""},
	{"requestPayment", "GetBucketRequestPayment", "PutBucketRequestPayment", "", ""},
	{"replication", "GetBucketReplication", "PutBucketReplication", "DeleteBucketReplication", ""},
	{"uploads", "ListMultipartUploads", "", "", ""},
	{"versions", "ListObjectVersions", "", "", ""},
	{"delete", "", "", "", "DeleteObjects"},
}

// s3BucketSubresourceRoutes lists s3BucketSubresources as routes, in their order.
func s3BucketSubresourceRoutes() []s3Route {
	var routes []s3Route
	for _, sr := range s3BucketSubresources {
		for _, mo := range [][2]string{{http.MethodGet, sr.get}, {http.MethodPut, sr.put}, {http.MethodDelete, sr.delete}, {http.MethodPost, sr.post}} {
			if mo[1] != "" {
				routes = append(routes, s3Route{method: mo[0], query: sr.param, op: mo[1]})
			}
		}
	}
	return routes
}

// s3Operation names an S3 REST request.
func s3Operation(r *http.Request) string {
	level := s3AtService
	if bucket, key := s3BucketKey(r); bucket != "" && key != "" {
		level = s3AtObject
	} else if bucket != "" {
		level = s3AtBucket
	}
	q := r.URL.Query()
	copySource := r.Header.Get("X-Amz-Copy-Source") != ""
	for _, rt := range s3Routes[level] {
		if rt.matches(r.Method, q, copySource) {
			return rt.op
		}
	}
	return s3Fallback[level] + titleMethod(r.Method)
}

func (rt s3Route) matches(method string, q url.Values, copySource bool) bool {
	if rt.method != "" && rt.method != method || rt.copy && !copySource {
		return false
	}
	if rt.query == "" {
		return true
	}
	if name, value, ok := strings.Cut(rt.query, "="); ok {
		return q.Get(name) == value
	}
	return q.Has(rt.query)
}

// s3BucketKey returns the bucket and key addressed by a path-style or virtual-host-style request.
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

func titleMethod(m string) string {
	if m == "" {
		return ""
	}
	return strings.ToUpper(m[:1]) + strings.ToLower(m[1:])
}
