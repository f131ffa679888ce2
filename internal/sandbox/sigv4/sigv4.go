// SPDX-License-Identifier: MPL-2.0

// Package sigv4 verifies AWS Signature Version 4 as AWS services do, for the
// sandbox's gateway and emulators: it recomputes the signature over the
// canonical request (method, path, query, signed headers, payload hash) with
// the secret of the credential's access key, checks the credential scope and
// the request time (at most 15 minutes of skew), and verifies presigned URLs
// (query-string authentication) including their expiry.
//
// Sources: "Create a signed AWS API request" and "Elements of an AWS API request
// signature" (IAM User Guide, Signature Version 4 for API requests); "Authenticating
// Requests: Using Query Parameters" and "Signature Calculations for the
// Authorization Header" (Amazon S3 API Reference, sig-v4-authenticating-requests).
//
// Callers map an *Error's Kind to their protocol's error code (see Kind).
package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm verified (SigV4a, AWS4-ECDSA-P256-SHA256, is not).
const Algorithm = "AWS4-HMAC-SHA256"

// MaxSkew is how far the request time may be from the server's clock. "AWS
// rejects requests whose timestamp is more than 15 minutes from the service's
// time" (IAM User Guide, Elements of an AWS API request signature, "Date").
const MaxSkew = 15 * time.Minute

// MaxPresignExpires is the longest X-Amz-Expires a presigned URL may carry:
// 604800 seconds, seven days (S3 API Reference, Authenticating Requests: Using
// Query Parameters).
const MaxPresignExpires = 7 * 24 * time.Hour

// Payload hash placeholders (S3 API Reference, Signature Calculations).
const (
	UnsignedPayload  = "UNSIGNED-PAYLOAD"
	EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	// amzDateFormat is the ISO 8601 basic format of X-Amz-Date.
	amzDateFormat = "20060102T150405Z"
)

// Keys looks up the secret of an access key the service knows.
type Keys func(accessKeyID string) (secretAccessKey string, ok bool)

// Result describes a request whose signature verified.
type Result struct {
	AccessKeyID, Region, Service string
	SignedAt                     time.Time
	Presigned                    bool
	Expires                      time.Time // presigned only
	SignedHeaders                []string
}

// Kind classifies a verification failure. Each protocol answers a kind with
// its own error code, for example:
//
//	kind                query (IAM, STS)      EC2                JSON (FSx, DataSync)             S3
//	Incomplete          IncompleteSignature   IncompleteSignature IncompleteSignatureException    AuthorizationHeaderMalformed
//	Mismatch            SignatureDoesNotMatch AuthFailure        InvalidSignatureException        SignatureDoesNotMatch
//	Skewed              SignatureDoesNotMatch RequestExpired     InvalidSignatureException        RequestTimeTooSkewed
//	UnknownKey          InvalidClientTokenId  AuthFailure        UnrecognizedClientException      InvalidAccessKeyId
//	PayloadHashMismatch SignatureDoesNotMatch AuthFailure        InvalidSignatureException        XAmzContentSHA256Mismatch
//	Expired             RequestExpired        RequestExpired     InvalidSignatureException        AccessDenied
//	Missing             MissingAuthenticationToken ...           MissingAuthenticationTokenException AccessDenied
//	TokenExpired        ExpiredToken          RequestExpired     ExpiredTokenException            ExpiredToken
type Kind int

const (
	// Incomplete: the authorization is malformed or lacks a required part.
	Incomplete Kind = iota + 1
	// Mismatch: the signature differs from the one computed, or the credential
	// scope does not match the request (date, terminator).
	Mismatch
	// Skewed: the request time is more than MaxSkew from the server's clock.
	Skewed
	// UnknownKey: the access key is not known to the service.
	UnknownKey
	// PayloadHashMismatch: the X-Amz-Content-Sha256 header does not match the body.
	PayloadHashMismatch
	// Expired: a presigned URL's X-Amz-Date + X-Amz-Expires has passed.
	Expired
	// Missing: the request carries no SigV4 authentication at all.
	Missing
	// TokenExpired: the temporary credentials signing the request have expired. Verify never returns
	// it (it knows no tokens); callers that track issued credentials do.
	TokenExpired
)

var kindNames = map[Kind]string{
	Incomplete: "Incomplete", Mismatch: "Mismatch", Skewed: "Skewed", UnknownKey: "UnknownKey",
	PayloadHashMismatch: "PayloadHashMismatch", Expired: "Expired", Missing: "Missing", TokenExpired: "TokenExpired",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is a verification failure. Message is AWS's wording where AWS has one
// common to all protocols; callers may replace it with their protocol's text.
type Error struct {
	Kind    Kind
	Message string
}

func (e *Error) Error() string { return "sigv4 " + e.Kind.String() + ": " + e.Message }

func fail(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// MismatchMessage is the text AWS's query and JSON services answer a wrong signature with.
const MismatchMessage = "The request signature we calculated does not match the signature you provided. " +
	"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

// Verify checks the SigV4 signature of a request received by a server: header
// authentication (Authorization: AWS4-HMAC-SHA256 ...) or, without that
// header, query-string authentication (a presigned URL). body is the full
// request body (the request's own Body is not read).
func Verify(r *http.Request, body []byte, keys Keys, now time.Time) (Result, error) {
	req := canonicalInput{
		method: r.Method, path: requestPath(r), rawQuery: r.URL.RawQuery, host: r.Host,
		header: r.Header, contentLength: r.ContentLength, transferEncoding: r.TransferEncoding, body: body,
	}
	if req.host == "" {
		req.host = r.URL.Host
	}
	auth := r.Header.Get("Authorization")
	switch {
	case auth != "":
		return verifyHeader(&req, auth, keys, now)
	case hasPresignParams(r.URL.Query()):
		return verifyPresigned(&req, keys, now)
	default:
		return Result{}, fail(Missing, "Request is missing Authentication Token")
	}
}

// VerifyURL checks a presigned URL on its own, as when a token carries one
// (an EKS token is a presigned STS GetCallerIdentity URL). header holds the
// headers the URL was signed with beyond host (e.g. x-k8s-aws-id); the body is
// empty.
func VerifyURL(method string, u *url.URL, header http.Header, keys Keys, now time.Time) (Result, error) {
	if header == nil {
		header = http.Header{}
	}
	host := u.Host
	if h := header.Get("Host"); h != "" {
		host = h
	}
	req := canonicalInput{method: method, path: u.EscapedPath(), rawQuery: u.RawQuery, host: host, header: header}
	if !hasPresignParams(u.Query()) {
		return Result{}, fail(Missing, "Request is missing Authentication Token")
	}
	return verifyPresigned(&req, keys, now)
}

func hasPresignParams(q url.Values) bool {
	return q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Signature")
}

// requestPath is the path exactly as the client sent it (before Go decodes it).
func requestPath(r *http.Request) string {
	if r.RequestURI != "" && strings.HasPrefix(r.RequestURI, "/") {
		p := r.RequestURI
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		return p
	}
	return r.URL.EscapedPath()
}

// canonicalInput is what the canonical request is built from.
type canonicalInput struct {
	method, path, rawQuery, host string
	header                       http.Header
	contentLength                int64
	transferEncoding             []string
	body                         []byte
}

// scope is a parsed credential: AKID/YYYYMMDD/region/service/aws4_request.
type scope struct {
	accessKeyID, date, region, service string
}

func (s scope) String() string {
	return s.date + "/" + s.region + "/" + s.service + "/aws4_request"
}

func parseCredential(cred string) (scope, *Error) {
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return scope{}, fail(Incomplete, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", cred)
	}
	if parts[4] != "aws4_request" {
		return scope{}, fail(Mismatch, "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", parts[4])
	}
	if len(parts[1]) != 8 {
		return scope{}, fail(Incomplete, "Invalid credential date. Date is not the required format: yyyyMMdd. got '%s'", parts[1])
	}
	return scope{accessKeyID: parts[0], date: parts[1], region: parts[2], service: parts[3]}, nil
}

// checkTime applies the 15-minute window to the signing time.
func checkTime(signedAt, now time.Time) *Error {
	switch {
	case signedAt.Before(now.Add(-MaxSkew)):
		return fail(Skewed, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
			signedAt.UTC().Format(amzDateFormat), now.Add(-MaxSkew).UTC().Format(amzDateFormat), now.UTC().Format(amzDateFormat))
	case signedAt.After(now.Add(MaxSkew)):
		return fail(Skewed, "Signature not yet current: %s is still later than %s (%s + 15 min.)",
			signedAt.UTC().Format(amzDateFormat), now.Add(MaxSkew).UTC().Format(amzDateFormat), now.UTC().Format(amzDateFormat))
	}
	return nil
}

func checkScopeDate(sc scope, signedAt time.Time) *Error {
	if d := signedAt.UTC().Format("20060102"); d != sc.date {
		return fail(Mismatch, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			sc.date, d, signedAt.UTC().Format(amzDateFormat))
	}
	return nil
}

func parseSignedHeaders(v string) ([]string, *Error) {
	if v == "" {
		return nil, fail(Incomplete, "Authorization header requires 'SignedHeaders' parameter.")
	}
	hs := strings.Split(v, ";")
	hasHost := false
	for _, h := range hs {
		if h == "host" || h == ":authority" {
			hasHost = true
		}
	}
	if !hasHost {
		return nil, fail(Incomplete, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	return hs, nil
}

// signature computes the hex signature of the canonical request.
func signature(secret string, sc scope, signedAt time.Time, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	stringToSign := Algorithm + "\n" + signedAt.UTC().Format(amzDateFormat) + "\n" + sc.String() + "\n" + hex.EncodeToString(sum[:])
	key := hmacSHA256([]byte("AWS4"+secret), sc.date)
	key = hmacSHA256(key, sc.region)
	key = hmacSHA256(key, sc.service)
	key = hmacSHA256(key, "aws4_request")
	return hex.EncodeToString(hmacSHA256(key, stringToSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// canonicalRequest builds the canonical request: method, canonical URI,
// canonical query string (without X-Amz-Signature when presigned), canonical
// headers, signed headers and payload hash.
func canonicalRequest(in *canonicalInput, service string, signed []string, payloadHash string, presigned bool) (string, *Error) {
	query, err := canonicalQuery(in.rawQuery, presigned)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(in.method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(in.path, service))
	b.WriteByte('\n')
	b.WriteString(query)
	b.WriteByte('\n')
	for _, h := range signed {
		b.WriteString(h)
		b.WriteByte(':')
		b.WriteString(headerValue(in, h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String(), nil
}

// canonicalURI: S3 signs the path as sent; every other service signs the
// URI-encoded form of the (already encoded) path, so each segment is encoded
// twice (IAM User Guide, "Canonical URI"; S3: "do not normalize URI paths").
func canonicalURI(path, service string) string {
	if path == "" {
		path = "/"
	}
	if service == "s3" {
		return path
	}
	return uriEncode(path, false)
}

func canonicalQuery(raw string, presigned bool) (string, *Error) {
	type pair struct{ k, v string }
	var pairs []pair
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return "", fail(Mismatch, "The request query string could not be decoded: %q.", part)
		}
		if presigned && dk == "X-Amz-Signature" {
			continue
		}
		pairs = append(pairs, pair{uriEncode(dk, true), uriEncode(dv, true)})
	}
	// Sorted by encoded name, then encoded value ("the sorting occurs after encoding").
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p.k + "=" + p.v
	}
	return strings.Join(out, "&"), nil
}

// uriEncode percent-encodes every byte except the unreserved characters
// A-Z a-z 0-9 - _ . ~ (and '/' unless encodeSlash), with upper-case hex.
func uriEncode(s string, encodeSlash bool) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexdig[c>>4])
			b.WriteByte(hexdig[c&15])
		}
	}
	return b.String()
}

// headerValue is a signed header's canonical value: its values trimmed, inner
// runs of spaces collapsed, joined by commas.
func headerValue(in *canonicalInput, name string) string {
	var vals []string
	switch name {
	case "host", ":authority":
		vals = []string{in.host}
	case "content-length":
		vals = in.header.Values("Content-Length")
		if len(vals) == 0 && in.contentLength >= 0 {
			vals = []string{strconv.FormatInt(in.contentLength, 10)}
		}
	case "transfer-encoding":
		vals = in.header.Values("Transfer-Encoding")
		if len(vals) == 0 {
			vals = in.transferEncoding
		}
	default:
		vals = in.header.Values(name)
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(out, ",")
}

func bodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// isHexHash reports whether v is a hex SHA-256 (as opposed to a placeholder
// such as UNSIGNED-PAYLOAD or STREAMING-AWS4-HMAC-SHA256-PAYLOAD).
func isHexHash(v string) bool {
	if len(v) != 64 {
		return false
	}
	_, err := hex.DecodeString(v)
	return err == nil
}
