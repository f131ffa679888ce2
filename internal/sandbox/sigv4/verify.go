// SPDX-License-Identifier: MPL-2.0

package sigv4

import (
	"crypto/hmac"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// verifyHeader checks "Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
func verifyHeader(in *canonicalInput, auth string, keys Keys, now time.Time) (Result, error) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(auth), " ")
	if alg != Algorithm {
		return Result{}, fail(Incomplete, "Unsupported authorization type: '%s'. Only %s is accepted.", alg, Algorithm)
	}
	params := map[string]string{}
	for _, p := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok {
			params[k] = v
		}
	}
	var missing []string
	for _, k := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[k] == "" {
			missing = append(missing, "Authorization header requires '"+k+"' parameter.")
		}
	}
	dateValue := in.header.Get("X-Amz-Date")
	if dateValue == "" && in.header.Get("Date") == "" {
		missing = append(missing, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if len(missing) > 0 {
		return Result{}, fail(Incomplete, "%s Authorization=%s", strings.Join(missing, " "), auth)
	}
	sc, err := parseCredential(params["Credential"])
	if err != nil {
		return Result{}, err
	}
	signed, err := parseSignedHeaders(params["SignedHeaders"])
	if err != nil {
		return Result{}, err
	}
	signedAt, err := parseHeaderDate(dateValue, in.header.Get("Date"))
	if err != nil {
		return Result{}, err
	}
	if err := checkScopeDate(sc, signedAt); err != nil {
		return Result{}, err
	}
	if err := checkTime(signedAt, now); err != nil {
		return Result{}, err
	}
	secret, ok := keys(sc.accessKeyID)
	if !ok {
		return Result{}, fail(UnknownKey, "The security token included in the request is invalid.")
	}

	// S3 signs the hash the client declares in X-Amz-Content-Sha256 and then
	// checks the body against it; every other service hashes the body it got.
	payloadHash := bodyHash(in.body)
	declared := in.header.Get("X-Amz-Content-Sha256")
	if sc.service == "s3" {
		if declared == "" {
			return Result{}, fail(Incomplete, "Missing required header for this request: x-amz-content-sha256")
		}
		payloadHash = declared
	}
	canonical, err := canonicalRequest(in, sc.service, signed, payloadHash, false)
	if err != nil {
		return Result{}, err
	}
	if !hmac.Equal([]byte(signature(secret, sc, signedAt, canonical)), []byte(strings.ToLower(params["Signature"]))) {
		return Result{}, fail(Mismatch, "%s", MismatchMessage)
	}
	if sc.service == "s3" && isHexHash(declared) && !strings.EqualFold(declared, bodyHash(in.body)) {
		return Result{}, fail(PayloadHashMismatch, "The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	return Result{
		AccessKeyID: sc.accessKeyID, Region: sc.region, Service: sc.service,
		SignedAt: signedAt, SignedHeaders: signed,
	}, nil
}

func parseHeaderDate(amzDate, date string) (time.Time, *Error) {
	if amzDate != "" {
		t, err := time.Parse(amzDateFormat, amzDate)
		if err != nil {
			return time.Time{}, fail(Incomplete, "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", amzDate)
		}
		return t, nil
	}
	t, err := http.ParseTime(date)
	if err != nil {
		return time.Time{}, fail(Incomplete, "Date header could not be parsed: '%s'.", date)
	}
	return t, nil
}

// verifyPresigned checks query-string authentication: X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and
// X-Amz-Signature (S3 API Reference, Authenticating Requests: Using Query Parameters).
func verifyPresigned(in *canonicalInput, keys Keys, now time.Time) (Result, error) {
	q, perr := url.ParseQuery(in.rawQuery)
	if perr != nil {
		return Result{}, fail(Incomplete, "The query string could not be parsed: %s", perr)
	}
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders"} {
		if q.Get(k) == "" {
			return Result{}, fail(Incomplete, "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', "+
				"'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.")
		}
	}
	if alg := q.Get("X-Amz-Algorithm"); alg != Algorithm {
		return Result{}, fail(Incomplete, "X-Amz-Algorithm only supports \"%s\", got \"%s\".", Algorithm, alg)
	}
	sc, err := parseCredential(q.Get("X-Amz-Credential"))
	if err != nil {
		return Result{}, err
	}
	signed, err := parseSignedHeaders(q.Get("X-Amz-SignedHeaders"))
	if err != nil {
		return Result{}, err
	}
	signedAt, terr := time.Parse(amzDateFormat, q.Get("X-Amz-Date"))
	if terr != nil {
		return Result{}, fail(Incomplete, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", got '%s'.", q.Get("X-Amz-Date"))
	}
	if err := checkScopeDate(sc, signedAt); err != nil {
		return Result{}, err
	}
	// Without X-Amz-Expires the URL is good for the usual 15-minute window.
	expires := signedAt.Add(MaxSkew)
	if v := q.Get("X-Amz-Expires"); v != "" {
		secs, aerr := strconv.Atoi(v)
		switch {
		case aerr != nil || secs < 0:
			return Result{}, fail(Incomplete, "X-Amz-Expires should be a number, got '%s'.", v)
		case time.Duration(secs)*time.Second > MaxPresignExpires:
			return Result{}, fail(Incomplete, "X-Amz-Expires must be less than a week (in seconds) that is 604800")
		}
		expires = signedAt.Add(time.Duration(secs) * time.Second)
	}
	if signedAt.After(now.Add(MaxSkew)) {
		return Result{}, checkTime(signedAt, now)
	}
	if now.After(expires) {
		return Result{}, fail(Expired, "Request has expired: signed at %s, expired at %s, now %s.",
			signedAt.UTC().Format(amzDateFormat), expires.UTC().Format(amzDateFormat), now.UTC().Format(amzDateFormat))
	}
	secret, ok := keys(sc.accessKeyID)
	if !ok {
		return Result{}, fail(UnknownKey, "The security token included in the request is invalid.")
	}
	payloadHash := bodyHash(in.body)
	if sc.service == "s3" {
		payloadHash = UnsignedPayload
	}
	if v := q.Get("X-Amz-Content-Sha256"); v != "" {
		payloadHash = v
	} else if v := in.header.Get("X-Amz-Content-Sha256"); v != "" && contains(signed, "x-amz-content-sha256") {
		payloadHash = v
	}
	canonical, err := canonicalRequest(in, sc.service, signed, payloadHash, true)
	if err != nil {
		return Result{}, err
	}
	if !hmac.Equal([]byte(signature(secret, sc, signedAt, canonical)), []byte(strings.ToLower(q.Get("X-Amz-Signature")))) {
		return Result{}, fail(Mismatch, "%s", MismatchMessage)
	}
	return Result{
		AccessKeyID: sc.accessKeyID, Region: sc.region, Service: sc.service,
		SignedAt: signedAt, Presigned: true, Expires: expires, SignedHeaders: signed,
	}, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
