// SPDX-License-Identifier: MPL-2.0

package gateway

// Helpers for the AWS JSON 1.0/1.1 protocols (X-Amz-Target services such as
// FSx, DataSync and Pricing) and for REST-JSON error responses.

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
)

// NewRequestID returns a random request ID in AWS's UUID format.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// APIError is an error answered in the protocol's error format. Status 0
// means 400 for client errors.
type APIError struct {
	Status  int
	Code    string // e.g. "BadRequest" (the error shape name of the API model)
	Message string
	// Fields are extra members of the error shape (e.g. "Parameter" of
	// IncompatibleParameterError).
	Fields map[string]any
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// Errorf builds a client (HTTP 400) APIError.
func Errorf(code, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

// With adds an extra error member and returns e.
func (e *APIError) With(field string, v any) *APIError {
	if e.Fields == nil {
		e.Fields = map[string]any{}
	}
	e.Fields[field] = v
	return e
}

// ReadJSON decodes a JSON request body into v. An empty body decodes as {}.
// Unknown members are ignored, as AWS services do.
func ReadJSON(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &APIError{Status: http.StatusBadRequest, Code: "SerializationException", Message: "Could not parse request body: " + err.Error()}
	}
	return nil
}

// WriteJSON writes a successful AWS JSON 1.1 response.
func WriteJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		WriteJSONError(w, http.StatusInternalServerError, "InternalServerError", "sandbox: encoding response: "+err.Error())
		return
	}
	b = dropNulls(b)
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amzn-RequestId", NewRequestID())
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// WriteJSONError writes an AWS JSON 1.1 error: HTTP status, X-Amzn-ErrorType
// header and a body with __type and Message.
func WriteJSONError(w http.ResponseWriter, status int, code, message string) {
	WriteJSONAPIError(w, &APIError{Status: status, Code: code, Message: message})
}

// WriteJSONAPIError writes e (or, for another error, an InternalFailure) in
// the AWS JSON 1.1 error format with a Message member. A service's handler
// uses WriteJSONAPIErrorFor, which follows the service's model.
func WriteJSONAPIError(w http.ResponseWriter, err error) {
	writeModelJSONError(w, "", err)
}

// WriteRESTJSONError writes a REST-JSON error (EKS, Lambda, Batch style).
func WriteRESTJSONError(w http.ResponseWriter, status int, code, message string) {
	b, _ := json.Marshal(map[string]string{"message": message})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", code)
	h.Set("X-Amzn-RequestId", NewRequestID())
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// EpochSeconds is a timestamp serialised as the JSON protocols do by default
// (seconds since the epoch, with fractional milliseconds).
type EpochSeconds float64

// Epoch converts t for a JSON protocol response.
func Epoch(t interface{ UnixMilli() int64 }) *EpochSeconds {
	v := EpochSeconds(float64(t.UnixMilli()) / 1000)
	return &v
}

// JSONPage paginates a slice of n items: it returns the [start, end) window and
// the next token ("" at the end). label names the listing; its model (pageModels
// in wire.go) gives the MaxResults range, which is enforced, and the NextToken
// encoding: tokens are opaque base64 in the model's pattern, and a token of
// another listing is refused. defaultMax is the page size without MaxResults.
func JSONPage(n int, maxResults *int32, nextToken *string, label string, defaultMax int) (start, end int, next string, err error) {
	model, ok := pageModels[label]
	if !ok {
		model = pageModel{min: 1, max: math.MaxInt32, enc: base64.StdEncoding}
	}
	limit := defaultMax
	if maxResults != nil {
		if err := model.checkMaxResults(*maxResults); err != nil {
			return 0, 0, "", err
		}
		if *maxResults > 0 {
			limit = int(*maxResults)
		}
	}
	if nextToken != nil && *nextToken != "" {
		off, ok := model.decodeToken(label, *nextToken)
		if !ok || off > n {
			return 0, 0, "", errInvalidNextToken()
		}
		start = off
	}
	end = n
	if limit < n-start {
		end = start + limit
	}
	if end < n {
		next = model.encodeToken(label, end)
	}
	return start, end, next, nil
}
