// SPDX-License-Identifier: MPL-2.0

package gateway

// Table-driven dispatch for the natively served JSON-protocol services (FSx,
// DataSync): each operation is one entry binding its SDK input type to the
// method that serves it.

import "net/http"

// opHandler serves one operation. decode reads the request body into the
// operation's input and answers the service's own error for a body it cannot
// read.
type opHandler func(r *http.Request, region string, decode func(any) error) (any, error)

// opReq binds an operation's input type to a method that also needs the
// request and its region.
func opReq[In any](fn func(r *http.Request, region string, in *In) (any, error)) opHandler {
	return func(r *http.Request, region string, decode func(any) error) (any, error) {
		var in In
		if err := decode(&in); err != nil {
			return nil, err
		}
		return fn(r, region, &in)
	}
}

// opRegion binds an operation's input type to a method that needs the
// request's region.
func opRegion[In any](fn func(region string, in *In) (any, error)) opHandler {
	return opReq(func(_ *http.Request, region string, in *In) (any, error) { return fn(region, in) })
}

// op binds an operation's input type to a method that needs only its input.
func op[In any](fn func(in *In) (any, error)) opHandler {
	return opReq(func(_ *http.Request, _ string, in *In) (any, error) { return fn(in) })
}

// jsonOps is a service's operation table.
type jsonOps struct {
	ops map[string]opHandler
	// badInput turns a ReadJSON error into the service's error for an
	// undecodable body (nil: the ReadJSON error as is).
	badInput func(err error) error
	// unknown is the error for an operation missing from ops.
	unknown func(op string) error
}

// serve answers op: the request's region defaults to defaultRegion.
func (t *jsonOps) serve(w http.ResponseWriter, r *http.Request, op string, body []byte, defaultRegion string) {
	region := RequestRegion(r)
	if region == "" {
		region = defaultRegion
	}
	var out any
	var err error
	if h, ok := t.ops[op]; ok {
		out, err = h(r, region, func(v any) error {
			err := ReadJSON(body, v)
			if err != nil && t.badInput != nil {
				err = t.badInput(err)
			}
			return err
		})
	} else {
		err = t.unknown(op)
	}
	if err != nil {
		WriteJSONAPIErrorFor(w, r, err)
		return
	}
	WriteJSON(w, out)
}

// pageOut paginates items with JSONPage and answers the page under key, with
// NextToken when there is more. A JSONPage error is returned as is.
func pageOut[T any](key string, items []T, maxResults *int32, nextToken *string, label string, defaultMax int) (map[string]any, error) {
	start, end, next, err := JSONPage(len(items), maxResults, nextToken, label, defaultMax)
	if err != nil {
		return nil, err
	}
	out := map[string]any{key: append([]T{}, items[start:end]...)}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}
