// SPDX-License-Identifier: MPL-2.0

package pcluster

// SigV4 verification of API Gateway (AWS_IAM authorization) and its error answers: 403 with a JSON body
// {"message": ...} and the error type in x-amzn-ErrorType ("Control access to a REST API with IAM
// permissions" and "Gateway responses" in the API Gateway developer guide: MISSING_AUTHENTICATION_TOKEN,
// INVALID_SIGNATURE, UNAUTHORIZED / EXPIRED_TOKEN).

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

type authError struct {
	status  int
	errType string
	message string
}

func (e *authError) Error() string { return e.errType + ": " + e.message }

// maxSkew is how far a request's X-Amz-Date may be from the server's clock (SigV4: 5 minutes... API
// Gateway answers "Signature expired" beyond it).
const maxSkew = 5 * time.Minute

// verify checks the request's SigV4 signature against the sandbox's keys. It is the one place the
// emulator verifies signatures.
func (e *Emulator) verify(r *http.Request, body []byte) *authError {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return &authError{http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token"}
	}
	fields, ok := parseAuthorization(auth)
	if !ok {
		return &authError{http.StatusForbidden, "IncompleteSignatureException",
			fmt.Sprintf("Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=%s", auth)}
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return &authError{http.StatusForbidden, "IncompleteSignatureException", "Credential should be scoped to a valid region and service."}
	}
	if scope[3] != ServiceName {
		return &authError{http.StatusForbidden, "InvalidSignatureException", fmt.Sprintf("Credential should be scoped to correct service: '%s'.", ServiceName)}
	}
	secret, known := e.keys()(scope[0])
	if !known {
		return &authError{http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid."}
	}
	signedAt, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return &authError{http.StatusForbidden, "IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."}
	}
	if now := e.cfg.Now(); signedAt.Before(now.Add(-maxSkew)) || signedAt.After(now.Add(maxSkew)) {
		return &authError{http.StatusForbidden, "InvalidSignatureException", fmt.Sprintf(
			"Signature expired: %s is now earlier than %s (%s - 5 min.)",
			signedAt.Format("20060102T150405Z"), now.Add(-maxSkew).UTC().Format("20060102T150405Z"), now.UTC().Format("20060102T150405Z"))}
	}
	want, err := resign(r, body, fields["SignedHeaders"], scope, secret, signedAt)
	if err != nil || want != fields["Signature"] {
		return &authError{http.StatusForbidden, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
	}
	return nil
}

func (e *Emulator) keys() Keys {
	if e.cfg.Keys != nil {
		return e.cfg.Keys
	}
	return func(string) (string, bool) { return "", false }
}

func parseAuthorization(v string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(v, "AWS4-HMAC-SHA256 ")
	if !ok {
		return nil, false
	}
	out := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			out[k] = val
		}
	}
	return out, out["Credential"] != "" && out["SignedHeaders"] != "" && out["Signature"] != ""
}

// resign signs a copy of the request carrying only the headers the client signed, at the client's
// time, and returns the signature.
func resign(r *http.Request, body []byte, signedHeaders string, scope []string, secret string, at time.Time) (string, error) {
	c, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), nil)
	if err != nil {
		return "", err
	}
	c.Host = r.Host
	c.ContentLength = int64(len(body))
	for _, h := range strings.Split(signedHeaders, ";") {
		if h == "host" {
			continue
		}
		if v, ok := r.Header[http.CanonicalHeaderKey(h)]; ok {
			c.Header[http.CanonicalHeaderKey(h)] = v
		}
	}
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	creds := aws.Credentials{AccessKeyID: scope[0], SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(r.Context(), creds, c, payload, scope[3], scope[2], at); err != nil {
		return "", err
	}
	fields, ok := parseAuthorization(c.Header.Get("Authorization"))
	if !ok {
		return "", fmt.Errorf("re-signing produced no signature")
	}
	return fields["Signature"], nil
}

func writeAuthError(w http.ResponseWriter, e *authError) {
	writeJSONError(w, e.status, e.errType, e.message)
}

func writeJSONError(w http.ResponseWriter, status int, errType, message string) {
	b, _ := json.Marshal(map[string]string{"message": message})
	w.Header().Set("Content-Type", "application/json")
	if errType != "" {
		w.Header().Set("x-amzn-ErrorType", errType)
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeBadRequest answers a request the generated router could not decode (bad parameters or body) as
// the API does: 400 BadRequestException.
func writeBadRequest(w http.ResponseWriter, _ *http.Request, err error) {
	writeJSONError(w, http.StatusBadRequest, "BadRequestException", "Bad Request: "+err.Error())
}

func writeInternalError(w http.ResponseWriter, _ *http.Request, err error) {
	writeJSONError(w, http.StatusInternalServerError, "InternalServiceException", "Unexpected fatal exception. Please look at the application logs for details on the encountered failure. ("+err.Error()+")")
}
