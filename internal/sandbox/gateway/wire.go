// SPDX-License-Identifier: MPL-2.0

package gateway

// Wire details of the natively served JSON services that their API models fix: the names of error
// members and of the 5xx (fault) error shape, opaque NextTokens in each model's pattern, and each
// listing's MaxResults range. Sources: botocore's service-2.json models (fsx/2018-03-01,
// datasync/2018-11-09, pricing/2017-10-15), which aws-sdk-go-v2 is generated from.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// jsonModel is what a JSON-protocol service's model says about its error shapes.
type jsonModel struct {
	// fault is the model's error shape with "fault": true (HTTP 500).
	fault string
	// message is the member that carries the message in the model's error shapes.
	message string
}

// jsonModels: FSx InternalServerError {Message}; DataSync InternalException {message, errorCode} and
// InvalidRequestException {message, errorCode, datasyncErrorCode}; Pricing InternalErrorException
// {Message}. Services without an entry answer AWS's common InternalFailure with Message.
var jsonModels = map[string]jsonModel{
	"fsx":      {fault: "InternalServerError", message: "Message"},
	"datasync": {fault: "InternalException", message: "message"},
	"pricing":  {fault: "InternalErrorException", message: "Message"},
}

func jsonModelOf(service string) jsonModel {
	if m, ok := jsonModels[service]; ok {
		return m
	}
	return jsonModel{fault: "InternalFailure", message: "Message"}
}

// requestService is the signing name of the request the gateway identified ("" outside a gateway
// request, e.g. a unit test calling Serve directly).
func requestService(r *http.Request) string {
	if r == nil {
		return ""
	}
	if info, ok := r.Context().Value(ctxKey{}).(*requestInfo); ok {
		return info.service
	}
	return ""
}

// writeModelJSONError writes err for service in its model's error format: an *APIError with its code, any
// other error as the model's fault shape (HTTP 500).
func writeModelJSONError(w http.ResponseWriter, service string, err error) {
	m := jsonModelOf(service)
	e, ok := err.(*APIError)
	if !ok {
		e = &APIError{Status: http.StatusInternalServerError, Code: m.fault, Message: err.Error()}
	}
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	body := map[string]any{"__type": e.Code, m.message: e.Message}
	for k, v := range e.Fields {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amzn-ErrorType", e.Code)
	h.Set("X-Amzn-RequestId", NewRequestID())
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// WriteJSONAPIErrorFor writes err in the error format of the service the gateway identified for r.
func WriteJSONAPIErrorFor(w http.ResponseWriter, r *http.Request, err error) {
	writeModelJSONError(w, requestService(r), err)
}

// dropNulls removes the members whose value is null from every object in a JSON document: AWS never
// sends a member it has no value for, and a Go nil slice, map or pointer marshals as null. Numbers are
// kept exactly (json.Number).
func dropNulls(b []byte) []byte {
	if !bytes.Contains(b, []byte("null")) {
		return b
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return b
	}
	out, err := json.Marshal(pruneNulls(v))
	if err != nil {
		return b
	}
	return out
}

func pruneNulls(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if e == nil {
				delete(t, k)
				continue
			}
			t[k] = pruneNulls(e)
		}
	case []any:
		for i, e := range t {
			t[i] = pruneNulls(e)
		}
	}
	return v
}

// pageModel is a listing's pagination as its operation's model states it.
type pageModel struct {
	min, max int64            // the MaxResults shape's range
	enc      *base64.Encoding // NextToken: an encoding whose output matches the model's pattern
}

// FSx MaxResults 1..2147483647, LimitedMaxResults 1..25 (DescribeDataRepositoryAssociations); NextToken
// pattern ^(?:[A-Za-z0-9+\/]{4})*(?:[A-Za-z0-9+\/]{2}==|[A-Za-z0-9+\/]{3}=)?$ (standard base64), max 255.
// DataSync MaxResults 0..100; NextToken pattern [a-zA-Z0-9=_-]+ (URL-safe base64), max 65535.
// Pricing GetProductsMaxResults and DescribeServicesMaxResults 1..100; NextToken a plain string.
var (
	pageFSx        = pageModel{min: 1, max: math.MaxInt32, enc: base64.StdEncoding}
	pageFSxLimited = pageModel{min: 1, max: 25, enc: base64.StdEncoding}
	pageDataSync   = pageModel{min: 0, max: 100, enc: base64.URLEncoding}
	pagePricing    = pageModel{min: 1, max: 100, enc: base64.StdEncoding}
)

// pageModels maps the listing labels the services pass to JSONPage to their model.
var pageModels = map[string]pageModel{
	"fs": pageFSx, "tags": pageFSx, "dra": pageFSxLimited,
	"task": pageDataSync, "loc": pageDataSync, "exec": pageDataSync, "tag": pageDataSync,
	"products": pagePricing,
}

// encodeToken makes an opaque NextToken for offset in listing label.
func (p pageModel) encodeToken(label string, offset int) string {
	return p.enc.EncodeToString([]byte("rayhpc-sandbox/" + label + "/" + strconv.Itoa(offset)))
}

// decodeToken returns the offset a token of listing label carries; ok is false for a token that is not
// one of this listing's.
func (p pageModel) decodeToken(label, token string) (offset int, ok bool) {
	raw, err := p.enc.DecodeString(token)
	if err != nil {
		return 0, false
	}
	rest, found := strings.CutPrefix(string(raw), "rayhpc-sandbox/"+label+"/")
	if !found {
		return 0, false
	}
	off, err := strconv.Atoi(rest)
	return off, err == nil && off >= 0
}

// checkMaxResults refuses a MaxResults outside the model's range, in AWS's validation wording.
func (p pageModel) checkMaxResults(v int32) error {
	switch {
	case int64(v) < p.min:
		return Errorf("BadRequest", "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: "+
			"Member must have value greater than or equal to %d", v, p.min)
	case int64(v) > p.max:
		return Errorf("BadRequest", "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: "+
			"Member must have value less than or equal to %d", v, p.max)
	}
	return nil
}

// errInvalidNextToken is JSONPage's error for a token it did not issue for this listing.
func errInvalidNextToken() error { return Errorf("BadRequest", "Invalid NextToken.") }

func (p pageModel) String() string { return fmt.Sprintf("MaxResults %d..%d", p.min, p.max) }
