// SPDX-License-Identifier: MPL-2.0

package gateway

// Signature Version 4 enforcement: every AWS request is verified (package
// sigv4) before it is served natively, forwarded to moto, or meets an injected
// fault, and a failure is answered in the request's protocol as AWS answers it.

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/sigv4"
)

// DefaultAccessKeys are the credentials the gateway knows when Config.AccessKeys
// is empty: moto's conventional "testing"/"testing" pair.
var DefaultAccessKeys = map[string]string{"testing": "testing"}

// issuedKey is a key pair moto issued through the gateway (STS temporary
// credentials, IAM access keys).
type issuedKey struct {
	secret, sessionToken string
	expires              time.Time // zero: does not expire (IAM access keys)
}

type keyStore struct {
	mu     sync.RWMutex
	static map[string]string
	issued map[string]issuedKey
}

func newKeyStore(static map[string]string) *keyStore {
	if len(static) == 0 {
		static = DefaultAccessKeys
	}
	s := &keyStore{static: map[string]string{}, issued: map[string]issuedKey{}}
	for k, v := range static {
		s.static[k] = v
	}
	return s
}

func (s *keyStore) lookup(id string) (issuedKey, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if secret, ok := s.static[id]; ok {
		return issuedKey{secret: secret}, true
	}
	k, ok := s.issued[id]
	return k, ok
}

func (s *keyStore) learn(id string, k issuedKey) {
	s.mu.Lock()
	s.issued[id] = k
	s.mu.Unlock()
}

// Keys looks up the secret of an access key the sandbox knows: its configured
// keys and every key moto issued through the gateway (STS AssumeRole,
// GetSessionToken, ... and IAM CreateAccessKey responses). It is a sigv4.Keys,
// for emulators beside the gateway (ParallelCluster API, EKS tokens).
func (g *Gateway) Keys(accessKeyID string) (string, bool) {
	k, ok := g.keys.lookup(accessKeyID)
	return k.secret, ok
}

var _ sigv4.Keys = (*Gateway)(nil).Keys

// knownRegions are the regions of every partition in botocore's
// data/endpoints.json ("partitions[].regions"); a credential scoped to another
// name is refused as AWS refuses it ("Credential should be scoped to a valid region").
var knownRegions = map[string]bool{}

func init() {
	for _, r := range strings.Fields(`af-south-1 ap-east-1 ap-east-2 ap-northeast-1 ap-northeast-2 ap-northeast-3
		ap-south-1 ap-south-2 ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-4 ap-southeast-5
		ap-southeast-6 ap-southeast-7 ca-central-1 ca-west-1 eu-central-1 eu-central-2 eu-north-1 eu-south-1
		eu-south-2 eu-west-1 eu-west-2 eu-west-3 il-central-1 me-central-1 me-south-1 mx-central-1 sa-east-1
		us-east-1 us-east-2 us-west-1 us-west-2 cn-north-1 cn-northwest-1 us-gov-east-1 us-gov-west-1
		us-iso-east-1 us-iso-west-1 us-isob-east-1 us-isob-west-1 eu-isoe-west-1 us-isof-east-1 us-isof-south-1
		eusc-de-east-1`) {
		knownRegions[r] = true
	}
}

// verify checks the request's signature and what AWS checks beside it: the
// scope's region and service, and a temporary key's session token.
func (g *Gateway) verify(r *http.Request, info *requestInfo, body []byte) (sigv4.Result, *sigv4.Error) {
	res, err := sigv4.Verify(r, body, g.Keys, g.now())
	if err != nil {
		var e *sigv4.Error
		if errors.As(err, &e) {
			return res, e
		}
		return res, &sigv4.Error{Kind: sigv4.Incomplete, Message: err.Error()}
	}
	if !knownRegions[res.Region] {
		if info.protocol == ProtoS3 {
			return res, &sigv4.Error{Kind: sigv4.Incomplete, Message: "The authorization header is malformed; the region '" + res.Region + "' is wrong; expecting '" + g.cfg.Region + "'"}
		}
		return res, &sigv4.Error{Kind: sigv4.Mismatch, Message: "Credential should be scoped to a valid region. "}
	}
	// The service a JSON request targets must be the one its credential is scoped to.
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		if i := strings.LastIndex(target, "."); i > 0 {
			if want := targetPrefixes[target[:i]]; want != "" && want != res.Service {
				return res, &sigv4.Error{Kind: sigv4.Mismatch, Message: "Credential should be scoped to correct service: '" + want + "'. "}
			}
		}
	}
	// Temporary credentials are valid only with the session token issued with them
	// (IAM User Guide, "Using temporary credentials with AWS resources").
	if k, _ := g.keys.lookup(res.AccessKeyID); k.sessionToken != "" {
		token := r.Header.Get("X-Amz-Security-Token")
		if token == "" {
			token = r.URL.Query().Get("X-Amz-Security-Token")
		}
		if token != k.sessionToken {
			return res, &sigv4.Error{Kind: sigv4.UnknownKey, Message: "The security token included in the request is invalid."}
		}
		if !k.expires.IsZero() && g.now().After(k.expires) {
			return res, &sigv4.Error{Kind: sigv4.TokenExpired, Message: "The security token included in the request is expired"}
		}
	}
	return res, nil
}

// writeAuthError answers a verification failure with the protocol's own error.
// Sources: the "Common Errors" pages of the API references (IAM, STS, FSx,
// DataSync: IncompleteSignature 400, InvalidClientTokenId 403,
// MissingAuthenticationToken 403, RequestExpired 400, SignatureDoesNotMatch 403;
// STS: ExpiredToken "The security token included in the request is expired"),
// the EC2 API Reference "Error codes" (AuthFailure, RequestExpired,
// IncompleteSignature, MissingAuthenticationToken), the S3 API Reference
// "Error responses" (SignatureDoesNotMatch 403, XAmzContentSHA256Mismatch 400,
// RequestTimeTooSkewed 403, InvalidAccessKeyId 403, AuthorizationHeaderMalformed
// 400, AccessDenied 403); JSON-protocol services answer with the *Exception
// forms (InvalidSignatureException, UnrecognizedClientException,
// IncompleteSignatureException, MissingAuthenticationTokenException).
func writeAuthError(w http.ResponseWriter, info *requestInfo, e *sigv4.Error) {
	switch authProtocol(info) {
	case ProtoS3:
		writeS3AuthError(w, e)
	case ProtoEC2:
		status, code, msg := http.StatusUnauthorized, "AuthFailure", "AWS was not able to validate the provided access credentials"
		switch e.Kind {
		case sigv4.Incomplete:
			status, code, msg = http.StatusBadRequest, "IncompleteSignature", e.Message
		case sigv4.Skewed, sigv4.Expired, sigv4.TokenExpired:
			status, code, msg = http.StatusBadRequest, "RequestExpired", "Request has expired."
		case sigv4.Missing:
			status, code, msg = http.StatusUnauthorized, "MissingAuthenticationToken", "The request must contain either a valid (registered) AWS access key ID or X.509 certificate."
		}
		WriteEC2Error(w, status, code, msg)
	case ProtoQuery:
		status, code := http.StatusForbidden, "SignatureDoesNotMatch"
		switch e.Kind {
		case sigv4.Incomplete:
			status, code = http.StatusBadRequest, "IncompleteSignature"
		case sigv4.UnknownKey:
			code = "InvalidClientTokenId"
		case sigv4.Expired:
			status, code = http.StatusBadRequest, "RequestExpired"
		case sigv4.Missing:
			code = "MissingAuthenticationToken"
		case sigv4.TokenExpired:
			code = "ExpiredToken"
		}
		WriteQueryError(w, status, "Sender", code, e.Message)
	default: // AWS JSON (X-Amz-Target) and REST-JSON
		code := "InvalidSignatureException"
		switch e.Kind {
		case sigv4.Incomplete:
			code = "IncompleteSignatureException"
		case sigv4.UnknownKey:
			code = "UnrecognizedClientException"
		case sigv4.Missing:
			code = "MissingAuthenticationTokenException"
		case sigv4.TokenExpired:
			code = "ExpiredTokenException"
		}
		if info.protocol == ProtoJSON {
			WriteJSONError(w, http.StatusBadRequest, code, e.Message)
		} else {
			WriteRESTJSONError(w, http.StatusForbidden, code, e.Message)
		}
	}
}

// queryServices speak the AWS query protocol (botocore service-2.json "protocol": "query").
var queryServices = map[string]bool{"iam": true, "sts": true, "sns": true, "sqs": true, "cloudformation": true,
	"elasticloadbalancing": true, "autoscaling": true, "rds": true, "elasticache": true, "ses": true, "cloudwatch": true}

// authProtocol is the protocol to answer in. A body corrupted in transit may hide the Action that
// identify looks for; the scope's service still tells EC2 and query services apart from REST-JSON.
func authProtocol(info *requestInfo) Protocol {
	if info.protocol == ProtoRESTJSON {
		switch {
		case info.service == "ec2":
			return ProtoEC2
		case queryServices[info.service]:
			return ProtoQuery
		}
	}
	return info.protocol
}

func writeS3AuthError(w http.ResponseWriter, e *sigv4.Error) {
	status, code, msg := http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	switch e.Kind {
	case sigv4.Incomplete:
		status, code, msg = http.StatusBadRequest, "AuthorizationHeaderMalformed", e.Message
	case sigv4.PayloadHashMismatch:
		status, code, msg = http.StatusBadRequest, "XAmzContentSHA256Mismatch", e.Message
	case sigv4.Skewed:
		code, msg = "RequestTimeTooSkewed", "The difference between the request time and the current time is too large."
	case sigv4.UnknownKey:
		code, msg = "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
	case sigv4.Expired:
		code, msg = "AccessDenied", "Request has expired"
	case sigv4.Missing:
		code, msg = "AccessDenied", "Access Denied"
	case sigv4.TokenExpired:
		status, code, msg = http.StatusBadRequest, "ExpiredToken", "The provided token has expired."
	}
	WriteS3Error(w, status, code, msg)
}

// issuingOperations return credentials moto made; the gateway learns them so
// requests signed with them verify, as AWS knows the keys it issued.
var issuingOperations = map[string]bool{
	"sts:AssumeRole": true, "sts:AssumeRoleWithWebIdentity": true, "sts:AssumeRoleWithSAML": true,
	"sts:GetSessionToken": true, "sts:GetFederationToken": true, "iam:CreateAccessKey": true,
}

// learnCredentials is the proxy's ModifyResponse: it reads AccessKeyId,
// SecretAccessKey and SessionToken from a successful issuing response.
func (g *Gateway) learnCredentials(resp *http.Response) error {
	info, ok := resp.Request.Context().Value(ctxKey{}).(*requestInfo)
	if !ok || resp.StatusCode != http.StatusOK || !issuingOperations[info.service+":"+info.op] {
		return nil
	}
	raw, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	doc := raw
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil
		}
		if doc, err = io.ReadAll(zr); err != nil {
			return nil
		}
	}
	id, k := parseIssuedKey(doc)
	if id != "" && k.secret != "" {
		g.keys.learn(id, k)
	}
	return nil
}

// parseIssuedKey finds the first AccessKeyId, SecretAccessKey and SessionToken
// elements of an STS or IAM response.
func parseIssuedKey(doc []byte) (string, issuedKey) {
	var id string
	var k issuedKey
	dec := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err != nil {
			return id, k
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		var v string
		switch se.Name.Local {
		case "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration":
			if dec.DecodeElement(&v, &se) != nil {
				return id, k
			}
		}
		switch se.Name.Local {
		case "AccessKeyId":
			if id == "" {
				id = strings.TrimSpace(v)
			}
		case "SecretAccessKey":
			if k.secret == "" {
				k.secret = strings.TrimSpace(v)
			}
		case "SessionToken":
			if k.sessionToken == "" {
				k.sessionToken = strings.TrimSpace(v)
			}
		case "Expiration":
			if t, err := time.Parse(time.RFC3339, strings.TrimSpace(v)); err == nil && k.expires.IsZero() {
				k.expires = t
			}
		}
	}
}
