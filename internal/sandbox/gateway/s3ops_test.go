// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"net/http"
	"strings"
	"testing"
)

// s3ModelOperations are the S3 operations s3Operation names, each with its http block in the S3 API
// model (botocore data/s3/2006-03-01/service-2.json: "method" and "requestUri" as written there),
// the querystring members the model marks required (query) and whether its required CopySource
// member (location "header", x-amz-copy-source) is sent.
var s3ModelOperations = []struct {
	op, method, requestURI, query string
	copy                          bool
}{
	{op: "ListBuckets", method: "GET", requestURI: "/"},
	{op: "CreateBucket", method: "PUT", requestURI: "/{Bucket}"},
	{op: "HeadBucket", method: "HEAD", requestURI: "/{Bucket}"},
	{op: "DeleteBucket", method: "DELETE", requestURI: "/{Bucket}"},
	{op: "ListObjects", method: "GET", requestURI: "/{Bucket}"},
	{op: "ListObjectsV2", method: "GET", requestURI: "/{Bucket}?list-type=2"},
	{op: "ListObjectVersions", method: "GET", requestURI: "/{Bucket}?versions"},
	{op: "ListMultipartUploads", method: "GET", requestURI: "/{Bucket}?uploads"},
	{op: "DeleteObjects", method: "POST", requestURI: "/{Bucket}?delete"},
	{op: "GetBucketTagging", method: "GET", requestURI: "/{Bucket}?tagging"},
	{op: "PutBucketTagging", method: "PUT", requestURI: "/{Bucket}?tagging"},
	{op: "DeleteBucketTagging", method: "DELETE", requestURI: "/{Bucket}?tagging"},
	{op: "GetBucketPolicy", method: "GET", requestURI: "/{Bucket}?policy"},
	{op: "PutBucketPolicy", method: "PUT", requestURI: "/{Bucket}?policy"},
	{op: "DeleteBucketPolicy", method: "DELETE", requestURI: "/{Bucket}?policy"},
	{op: "GetBucketVersioning", method: "GET", requestURI: "/{Bucket}?versioning"},
	{op: "PutBucketVersioning", method: "PUT", requestURI: "/{Bucket}?versioning"},
	{op: "GetBucketLocation", method: "GET", requestURI: "/{Bucket}?location"},
	{op: "GetBucketAcl", method: "GET", requestURI: "/{Bucket}?acl"},
	{op: "PutBucketAcl", method: "PUT", requestURI: "/{Bucket}?acl"},
	{op: "GetBucketCors", method: "GET", requestURI: "/{Bucket}?cors"},
	{op: "PutBucketCors", method: "PUT", requestURI: "/{Bucket}?cors"},
	{op: "DeleteBucketCors", method: "DELETE", requestURI: "/{Bucket}?cors"},
	{op: "GetBucketEncryption", method: "GET", requestURI: "/{Bucket}?encryption"},
	{op: "PutBucketEncryption", method: "PUT", requestURI: "/{Bucket}?encryption"},
	{op: "DeleteBucketEncryption", method: "DELETE", requestURI: "/{Bucket}?encryption"},
	{op: "GetBucketLifecycleConfiguration", method: "GET", requestURI: "/{Bucket}?lifecycle"},
	{op: "PutBucketLifecycleConfiguration", method: "PUT", requestURI: "/{Bucket}?lifecycle"},
	{op: "DeleteBucketLifecycle", method: "DELETE", requestURI: "/{Bucket}?lifecycle"},
	{op: "GetPublicAccessBlock", method: "GET", requestURI: "/{Bucket}?publicAccessBlock"},
	{op: "PutPublicAccessBlock", method: "PUT", requestURI: "/{Bucket}?publicAccessBlock"},
	{op: "DeletePublicAccessBlock", method: "DELETE", requestURI: "/{Bucket}?publicAccessBlock"},
	{op: "GetBucketOwnershipControls", method: "GET", requestURI: "/{Bucket}?ownershipControls"},
	{op: "PutBucketOwnershipControls", method: "PUT", requestURI: "/{Bucket}?ownershipControls"},
	{op: "DeleteBucketOwnershipControls", method: "DELETE", requestURI: "/{Bucket}?ownershipControls"},
	{op: "GetBucketNotificationConfiguration", method: "GET", requestURI: "/{Bucket}?notification"},
	{op: "PutBucketNotificationConfiguration", method: "PUT", requestURI: "/{Bucket}?notification"},
	{op: "GetBucketLogging", method: "GET", requestURI: "/{Bucket}?logging"},
	{op: "PutBucketLogging", method: "PUT", requestURI: "/{Bucket}?logging"},
	{op: "GetBucketWebsite", method: "GET", requestURI: "/{Bucket}?website"},
	{op: "PutBucketWebsite", method: "PUT", requestURI: "/{Bucket}?website"},
	{op: "DeleteBucketWebsite", method: "DELETE", requestURI: "/{Bucket}?website"},
	{op: "GetObjectLockConfiguration", method: "GET", requestURI: "/{Bucket}?object-lock"},
	{op: "PutObjectLockConfiguration", method: "PUT", requestURI: "/{Bucket}?object-lock"},
	{op: "GetBucketAccelerateConfiguration", method: "GET", requestURI: "/{Bucket}?accelerate"},
	{op: "PutBucketAccelerateConfiguration", method: "PUT", requestURI: "/{Bucket}?accelerate"},
	{op: "GetBucketRequestPayment", method: "GET", requestURI: "/{Bucket}?requestPayment"},
	{op: "PutBucketRequestPayment", method: "PUT", requestURI: "/{Bucket}?requestPayment"},
	{op: "GetBucketReplication", method: "GET", requestURI: "/{Bucket}?replication"},
	{op: "PutBucketReplication", method: "PUT", requestURI: "/{Bucket}?replication"},
	{op: "DeleteBucketReplication", method: "DELETE", requestURI: "/{Bucket}?replication"},
	{op: "GetObject", method: "GET", requestURI: "/{Bucket}/{Key+}"},
	{op: "HeadObject", method: "HEAD", requestURI: "/{Bucket}/{Key+}"},
	{op: "PutObject", method: "PUT", requestURI: "/{Bucket}/{Key+}"},
	{op: "CopyObject", method: "PUT", requestURI: "/{Bucket}/{Key+}", copy: true},
	{op: "DeleteObject", method: "DELETE", requestURI: "/{Bucket}/{Key+}"},
	{op: "GetObjectTagging", method: "GET", requestURI: "/{Bucket}/{Key+}?tagging"},
	{op: "PutObjectTagging", method: "PUT", requestURI: "/{Bucket}/{Key+}?tagging"},
	{op: "DeleteObjectTagging", method: "DELETE", requestURI: "/{Bucket}/{Key+}?tagging"},
	{op: "GetObjectAcl", method: "GET", requestURI: "/{Bucket}/{Key+}?acl"},
	{op: "PutObjectAcl", method: "PUT", requestURI: "/{Bucket}/{Key+}?acl"},
	{op: "CreateMultipartUpload", method: "POST", requestURI: "/{Bucket}/{Key+}?uploads"},
	{op: "UploadPart", method: "PUT", requestURI: "/{Bucket}/{Key+}", query: "partNumber=1&uploadId=u1"},
	{op: "UploadPartCopy", method: "PUT", requestURI: "/{Bucket}/{Key+}", query: "partNumber=1&uploadId=u1", copy: true},
	{op: "CompleteMultipartUpload", method: "POST", requestURI: "/{Bucket}/{Key+}", query: "uploadId=u1"},
	{op: "AbortMultipartUpload", method: "DELETE", requestURI: "/{Bucket}/{Key+}", query: "uploadId=u1"},
	{op: "ListParts", method: "GET", requestURI: "/{Bucket}/{Key+}", query: "uploadId=u1"},
}

// s3Request builds a request for a model requestUri, path style (127.0.0.1, as the SDKs are told to
// use against the sandbox) or virtual-hosted style (the bucket in the host name, the path the key;
// ListBuckets on the Regional endpoint).
func s3Request(t *testing.T, method, requestURI, query string, virtualHost bool) *http.Request {
	t.Helper()
	host, target := "127.0.0.1:4566", strings.Replace(requestURI, "{Bucket}", "rayhpc-data-lake", 1)
	switch {
	case virtualHost && strings.Contains(requestURI, "{Bucket}"):
		host, target = "rayhpc-data-lake.s3.us-east-1.amazonaws.com", strings.Replace(requestURI, "/{Bucket}", "", 1)
	case virtualHost: // the service itself: the Regional endpoint, no bucket label
		host = "s3.us-east-1.amazonaws.com"
	}
	target = strings.Replace(target, "{Key+}", "raw/2026/part-0.csv", 1)
	if query != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + query
	}
	r, err := http.NewRequest(method, "http://"+host+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Every operation of the model that the gateway names, path and virtual-hosted style, with an
// unrelated parameter added (a query the SDKs send beside the subresource must not change the name).
func TestS3Operation(t *testing.T) {
	t.Parallel()
	for _, tc := range s3ModelOperations {
		for _, vh := range []bool{false, true} {
			for _, extra := range []string{"", "x-id=" + tc.op} {
				query := strings.Trim(tc.query+"&"+extra, "&")
				r := s3Request(t, tc.method, tc.requestURI, query, vh)
				if tc.copy {
					r.Header.Set("X-Amz-Copy-Source", "/rayhpc-data-lake/raw/2026/part-1.csv")
				}
				if got := s3Operation(r); got != tc.op {
					t.Errorf("%s %s (host %s): %s, want %s", tc.method, r.URL.RequestURI(), r.Host, got, tc.op)
				}
			}
		}
	}
}

// The table covers every route: an operation added to s3Routes without a model case here fails.
func TestS3RoutesCovered(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{}
	for _, tc := range s3ModelOperations {
		if cases[tc.op] {
			t.Errorf("%s listed twice", tc.op)
		}
		cases[tc.op] = true
	}
	for level, routes := range s3Routes {
		for _, rt := range routes {
			if !cases[rt.op] {
				t.Errorf("route %+v (level %d) has no model case in s3ModelOperations", rt, level)
			}
		}
	}
}

// Requests the model defines no operation for are named by what they address and their method, and
// near misses do not take an operation's name.
func TestS3OperationOthers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ method, requestURI, query, want string }{
		{"PUT", "/", "", "S3Put"},
		{"POST", "/{Bucket}", "", "BucketPost"},
		{"PATCH", "/{Bucket}?tagging", "", "BucketPatch"},
		{"POST", "/{Bucket}/{Key+}", "", "ObjectPost"},
		{"GET", "/{Bucket}", "list-type=1", "ListObjects"},                    // only list-type=2 is ListObjectsV2
		{"GET", "/{Bucket}", "prefix=raw/&list-type=2", "ListObjectsV2"},      // wherever it stands
		{"PUT", "/{Bucket}?location", "", "CreateBucket"},                     // location has no PUT
		{"POST", "/{Bucket}?tagging&delete", "", "DeleteObjects"},             // the first subresource with a POST
		{"GET", "/{Bucket}/{Key+}?uploads", "", "GetObject"},                  // uploads on a key is POST only
		{"HEAD", "/{Bucket}/{Key+}", "uploadId=u1", "HeadObject"},             // no HEAD on an upload
		{"DELETE", "/{Bucket}/{Key+}?acl", "", "PutObjectAcl"},                // any method but GET on ?acl
		{"GET", "/{Bucket}/{Key+}", "versionId=v1&partNumber=2", "GetObject"}, // GetObject's optional members
	} {
		r := s3Request(t, tc.method, tc.requestURI, tc.query, false)
		if got := s3Operation(r); got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.method, r.URL.RequestURI(), got, tc.want)
		}
	}
}
