// SPDX-License-Identifier: MPL-2.0

package gateway

// An operation neither the gateway nor moto implements: moto (a Flask app) answers an HTML page (404 for
// a REST route it does not know, 500 for an action it does not implement), which no AWS SDK can parse.
// The gateway answers in the request's protocol instead, with the error AWS gives for an operation it
// does not know (AWS API reference, "Common Errors": InvalidAction, HTTP 400, for the query protocols;
// UnknownOperationException for the JSON protocols; S3's NotImplemented, HTTP 501), naming the operation.

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
)

// answerUnimplemented is the reverse proxy's ModifyResponse: it replaces moto's HTML error pages.
func (g *Gateway) answerUnimplemented(resp *http.Response) error {
	if resp.StatusCode < 400 {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "text/html" {
		return nil
	}
	info, ok := resp.Request.Context().Value(ctxKey{}).(*requestInfo)
	if !ok || resp.Request.Method == http.MethodHead {
		return nil // a HEAD answer has no body: its status (S3's 404 for a missing key) is the answer
	}
	// Only Flask's own error page: moto answers AWS errors in the protocol's format.
	page, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	if head := bytes.ToLower(bytes.TrimSpace(page[:min(len(page), 64)])); !bytes.HasPrefix(head, []byte("<!doctype html")) && !bytes.HasPrefix(head, []byte("<html")) {
		resp.Body = io.NopCloser(bytes.NewReader(page))
		return nil
	}
	msg := fmt.Sprintf("The sandbox does not implement %s operation %s (moto answered HTTP %d).", info.service, info.op, resp.StatusCode)
	g.logf("gateway: %s", msg)
	rec := httptest.NewRecorder()
	writeUnimplemented(rec, info, msg)
	resp.StatusCode = rec.Code
	resp.Status = strconv.Itoa(rec.Code) + " " + http.StatusText(rec.Code)
	resp.Header = rec.Header()
	resp.Body = io.NopCloser(bytes.NewReader(rec.Body.Bytes()))
	resp.ContentLength = int64(rec.Body.Len())
	return nil
}

func writeUnimplemented(w http.ResponseWriter, info *requestInfo, msg string) {
	switch info.protocol {
	case ProtoJSON:
		writeModelJSONError(w, info.service, &APIError{Status: http.StatusBadRequest, Code: "UnknownOperationException", Message: msg})
	case ProtoEC2:
		WriteEC2Error(w, http.StatusBadRequest, "InvalidAction", msg)
	case ProtoQuery:
		WriteQueryError(w, http.StatusBadRequest, "Sender", "InvalidAction", msg)
	case ProtoS3:
		WriteS3Error(w, http.StatusNotImplemented, "NotImplemented", msg)
	default:
		WriteRESTJSONError(w, http.StatusNotFound, "UnknownOperationException", msg)
	}
}
