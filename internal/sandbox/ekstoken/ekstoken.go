// SPDX-License-Identifier: MPL-2.0

// Package ekstoken checks EKS bearer tokens as the authenticator behind an EKS control plane does
// (kubernetes-sigs/aws-iam-authenticator, pkg/token Verify, then STS checking the presigned
// request's signature), for the sandbox's kube-apiserver webhook.
//
// A token is "k8s-aws-v1." followed by the unpadded base64url encoding of a presigned STS
// GetCallerIdentity URL whose signed headers include x-k8s-aws-id (the cluster name). It is refused
// when it is malformed, points anywhere but the STS endpoint, carries other query parameters, lacks the
// signed cluster header, has X-Amz-Expires outside 0..900, was signed more than 15 minutes ago (STS
// honours presigned GetCallerIdentity URLs for 15 minutes after X-Amz-Date whatever X-Amz-Expires
// says: aws-iam-authenticator's presignedURLExpiration, aws-sdk-go issue 2167), was signed for another
// cluster (the signature then does not match, since the check signs x-k8s-aws-id with this cluster's
// name as the authenticator does), or is signed with a key the sandbox does not know or wrongly. The
// caller's IAM identity is then mapped to a Kubernetes user as the aws-auth ConfigMap's mapUsers and
// mapRoles entries do; an identity with no entry is refused.
package ekstoken

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/sigv4"
)

// Constants of aws-iam-authenticator pkg/token.
const (
	Prefix          = "k8s-aws-v1."
	ClusterIDHeader = "x-k8s-aws-id"
	Lifetime        = 15 * time.Minute
	maxTokenBytes   = 4096
	maxExpires      = 900
	amzDate         = "20060102T150405Z"
)

var allowedParams = map[string]bool{
	"action": true, "version": true, "x-amz-algorithm": true, "x-amz-credential": true, "x-amz-date": true,
	"x-amz-expires": true, "x-amz-security-token": true, "x-amz-signature": true, "x-amz-signedheaders": true,
}

// User is the Kubernetes user a token authenticates as (a TokenReview's status.user).
type User struct {
	Username string
	UID      string
	Groups   []string
	Extra    map[string][]string
}

// Mapping is one aws-auth entry: the Kubernetes user and groups an IAM ARN maps to.
type Mapping struct {
	Username string
	Groups   []string
}

// Verifier checks tokens for one cluster.
type Verifier struct {
	ClusterName string
	// STSEndpoint is where tokens must point: on AWS the partition's STS hostnames over https; in the
	// sandbox its STS endpoint (the gateway).
	STSEndpoint *url.URL
	Keys        sigv4.Keys
	// Identity returns the IAM ARN of an access key's caller (what STS GetCallerIdentity answers).
	Identity func(ctx context.Context, accessKeyID string) (string, error)
	// Users maps IAM ARNs to Kubernetes users (aws-auth mapUsers / mapRoles).
	Users map[string]Mapping
	Now   func() time.Time
}

// Authenticate checks a token and returns the user it maps to, or why it is refused.
func (v *Verifier) Authenticate(ctx context.Context, token string) (User, error) {
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	u, q, err := v.parse(token)
	if err != nil {
		return User{}, err
	}
	signedAt, err := time.Parse(amzDate, q.Get("x-amz-date"))
	if err != nil {
		return User{}, fmt.Errorf("malformed X-Amz-Date %q", q.Get("x-amz-date"))
	}
	if now.After(signedAt.Add(Lifetime)) {
		return User{}, fmt.Errorf("token expired: signed at %s, valid for %s", signedAt.Format(time.RFC3339), Lifetime)
	}
	if signedAt.After(now.Add(sigv4.MaxSkew)) {
		return User{}, fmt.Errorf("token signed in the future (%s)", signedAt.Format(time.RFC3339))
	}
	// STS checks the signature of the URL with the cluster header set to this cluster's name; the
	// expiry was judged above (STS ignores X-Amz-Expires here), so the check runs at the signing time.
	res, err := sigv4.VerifyURL(http.MethodGet, u, http.Header{http.CanonicalHeaderKey(ClusterIDHeader): {v.ClusterName}}, v.Keys, signedAt)
	if err != nil {
		return User{}, fmt.Errorf("STS refused the presigned request: %w", err)
	}
	if res.Service != "sts" {
		return User{}, fmt.Errorf("token signed for service %q, not sts", res.Service)
	}
	arn, err := v.Identity(ctx, res.AccessKeyID)
	if err != nil {
		return User{}, fmt.Errorf("STS GetCallerIdentity: %w", err)
	}
	m, ok := v.Users[arn]
	if !ok {
		return User{}, fmt.Errorf("the identity %s has no aws-auth mapping for cluster %s", arn, v.ClusterName)
	}
	return User{Username: m.Username, UID: "aws-iam-authenticator:" + res.AccessKeyID, Groups: m.Groups,
		Extra: map[string][]string{"arn": {arn}, "accessKeyId": {res.AccessKeyID}}}, nil
}

// parse applies aws-iam-authenticator's format checks and returns the URL and its lower-cased query.
func (v *Verifier) parse(token string) (*url.URL, url.Values, error) {
	if len(token) > maxTokenBytes {
		return nil, nil, errors.New("token is too large")
	}
	rest, ok := strings.CutPrefix(token, Prefix)
	if !ok {
		return nil, nil, fmt.Errorf("token is missing the %q prefix", Prefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return nil, nil, fmt.Errorf("token is not unpadded base64url: %w", err)
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		return nil, nil, fmt.Errorf("token is not a URL: %w", err)
	}
	if u.Scheme != v.STSEndpoint.Scheme || u.Host != v.STSEndpoint.Host {
		return nil, nil, fmt.Errorf("unexpected STS endpoint %s://%s in the presigned URL", u.Scheme, u.Host)
	}
	if u.Path != "/" {
		return nil, nil, errors.New("unexpected path in the presigned URL")
	}
	params, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, nil, errors.New("malformed query in the presigned URL")
	}
	q := url.Values{}
	for k, vals := range params {
		if !allowedParams[strings.ToLower(k)] {
			return nil, nil, fmt.Errorf("query parameter %q is not allowed", k)
		}
		if len(vals) != 1 {
			return nil, nil, errors.New("query parameter with several values")
		}
		q.Set(strings.ToLower(k), vals[0])
	}
	if q.Get("action") != "GetCallerIdentity" {
		return nil, nil, errors.New("the presigned URL is not for STS GetCallerIdentity")
	}
	signed := false
	for _, h := range strings.Split(q.Get("x-amz-signedheaders"), ";") {
		signed = signed || strings.EqualFold(h, ClusterIDHeader)
	}
	if !signed {
		return nil, nil, fmt.Errorf("the %s header is not signed in the presigned URL", ClusterIDHeader)
	}
	if n, err := strconv.Atoi(q.Get("x-amz-expires")); err != nil || n < 0 || n > maxExpires {
		return nil, nil, fmt.Errorf("invalid X-Amz-Expires %q in the presigned URL", q.Get("x-amz-expires"))
	}
	return u, q, nil
}
