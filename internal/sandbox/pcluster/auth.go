// SPDX-License-Identifier: MPL-2.0

package pcluster

// SigV4 verification of API Gateway (AWS_IAM authorization) and its error answers: 403 with a JSON body
// {"message": ...} and the error type in x-amzn-ErrorType ("Control access to a REST API with IAM
// permissions" and "Gateway responses" in the API Gateway developer guide: MISSING_AUTHENTICATION_TOKEN,
// INVALID_SIGNATURE, UNAUTHORIZED / EXPIRED_TOKEN).

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/sigv4"
)

type authError struct {
	status  int
	errType string
	message string
}

func (e *authError) Error() string { return e.errType + ": " + e.message }

// verify checks the request's SigV4 signature (package sigv4) against the sandbox's keys, and that a
// temporary key has not expired. It is the one place the emulator verifies signatures (served through
// the gateway, the gateway has verified them too; served alone, in unit tests, this is the check).
func (e *Emulator) verify(r *http.Request, body []byte) (string, *authError) {
	now := e.cfg.Now()
	res, err := sigv4.Verify(r, body, sigv4.Keys(e.keys()), now)
	if err != nil {
		var se *sigv4.Error
		if !errors.As(err, &se) {
			return res.AccessKeyID, &authError{http.StatusForbidden, "IncompleteSignatureException", err.Error()}
		}
		switch se.Kind {
		case sigv4.Missing:
			return res.AccessKeyID, &authError{http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token"}
		case sigv4.Incomplete:
			return res.AccessKeyID, &authError{http.StatusForbidden, "IncompleteSignatureException", se.Message}
		case sigv4.UnknownKey:
			return res.AccessKeyID, &authError{http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid."}
		case sigv4.Mismatch, sigv4.PayloadHashMismatch:
			return res.AccessKeyID, &authError{http.StatusForbidden, "InvalidSignatureException", sigv4.MismatchMessage}
		}
		return res.AccessKeyID, &authError{http.StatusForbidden, "InvalidSignatureException", se.Message}
	}
	if res.Service != ServiceName {
		return res.AccessKeyID, &authError{http.StatusForbidden, "InvalidSignatureException", fmt.Sprintf("Credential should be scoped to correct service: '%s'.", ServiceName)}
	}
	if e.cfg.KeyExpiry != nil {
		if exp, ok := e.cfg.KeyExpiry(res.AccessKeyID); ok && now.After(exp) {
			// An expired session's token (IAM User Guide, "Using temporary credentials with AWS resources").
			return res.AccessKeyID, &authError{http.StatusForbidden, "ExpiredTokenException", "The security token included in the request is expired"}
		}
	}
	return res.AccessKeyID, nil
}

func (e *Emulator) keys() Keys {
	if e.cfg.Keys != nil {
		return e.cfg.Keys
	}
	return func(string) (string, bool) { return "", false }
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
