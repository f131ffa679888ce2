// SPDX-License-Identifier: MPL-2.0

package gateway

// Helpers for the EC2 query protocol, the AWS query protocol (IAM, STS) and
// S3 error documents.

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// EC2Namespace is the XML namespace of EC2 API responses.
const EC2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

// WriteEC2Response writes a successful EC2 query response. v must marshal to
// the <OperationResponse> element (use an XMLName field); the namespace is
// added if missing.
func WriteEC2Response(w http.ResponseWriter, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		WriteEC2Error(w, http.StatusInternalServerError, "InternalError", "sandbox: encoding response: "+err.Error())
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/xml;charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(xml.Header)+len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b)
}

type ec2ErrorResponse struct {
	XMLName   xml.Name       `xml:"Response"`
	Errors    []ec2ErrorItem `xml:"Errors>Error"`
	RequestID string         `xml:"RequestID"`
}

type ec2ErrorItem struct {
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// WriteEC2Error writes an EC2 error:
// <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>.
func WriteEC2Error(w http.ResponseWriter, status int, code, message string) {
	b, _ := xml.Marshal(ec2ErrorResponse{Errors: []ec2ErrorItem{{Code: code, Message: message}}, RequestID: NewRequestID()})
	h := w.Header()
	h.Set("Content-Type", "text/xml;charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(xml.Header)+len(b)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b)
}

// WriteEC2APIError writes e (status 0 means 400) in the EC2 error format.
func WriteEC2APIError(w http.ResponseWriter, err error) {
	e, ok := err.(*APIError)
	if !ok {
		WriteEC2Error(w, http.StatusInternalServerError, "InternalError", err.Error())
		return
	}
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	WriteEC2Error(w, status, e.Code, e.Message)
}

type queryErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// WriteQueryError writes an AWS query protocol error (IAM, STS, ...).
// errType is "Sender" or "Receiver".
func WriteQueryError(w http.ResponseWriter, status int, errType, code, message string) {
	b, _ := xml.Marshal(queryErrorResponse{Type: errType, Code: code, Message: message, RequestID: NewRequestID()})
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

type s3ErrorDoc struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
}

// WriteS3Error writes an S3 REST-XML error document.
func WriteS3Error(w http.ResponseWriter, status int, code, message string) {
	b, _ := xml.Marshal(s3ErrorDoc{Code: code, Message: message, RequestID: NewRequestID()})
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("X-Amz-Request-Id", NewRequestID())
	h.Set("Content-Length", strconv.Itoa(len(xml.Header)+len(b)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b)
}

// QueryParams parses a query-protocol request: the form body merged with the
// URL query.
func QueryParams(r *http.Request, body []byte) url.Values {
	v := url.Values{}
	for k, vs := range r.URL.Query() {
		v[k] = append(v[k], vs...)
	}
	if len(body) > 0 {
		if bv, err := url.ParseQuery(string(body)); err == nil {
			for k, vs := range bv {
				v[k] = append(v[k], vs...)
			}
		}
	}
	return v
}

// QueryList returns the members of a flattened query list "Prefix.N" (or of
// "Prefix.N.Suffix" when suffix is not empty), in index order.
func QueryList(v url.Values, prefix, suffix string) []string {
	type item struct {
		n int
		v string
	}
	var items []item
	for k, vs := range v {
		if !strings.HasPrefix(k, prefix+".") || len(vs) == 0 {
			continue
		}
		rest := k[len(prefix)+1:]
		if suffix != "" {
			if !strings.HasSuffix(rest, "."+suffix) {
				continue
			}
			rest = strings.TrimSuffix(rest, "."+suffix)
		}
		n, err := strconv.Atoi(rest)
		if err != nil {
			continue
		}
		items = append(items, item{n, vs[0]})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].n < items[j].n })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out
}

// QueryIndexes returns the sorted distinct indexes N of keys "Prefix.N.*".
func QueryIndexes(v url.Values, prefix string) []int {
	seen := map[int]bool{}
	for k := range v {
		if !strings.HasPrefix(k, prefix+".") {
			continue
		}
		rest := k[len(prefix)+1:]
		if i := strings.Index(rest, "."); i >= 0 {
			rest = rest[:i]
		}
		if n, err := strconv.Atoi(rest); err == nil {
			seen[n] = true
		}
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}
