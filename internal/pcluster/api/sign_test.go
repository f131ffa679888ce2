// SPDX-License-Identifier: MPL-2.0

package api

import (
	"net/http"
	"testing"
)

func TestRetryableStatus(t *testing.T) {
	for code, want := range map[int]bool{
		http.StatusInternalServerError: true, http.StatusBadGateway: true, http.StatusServiceUnavailable: true,
		http.StatusGatewayTimeout: true, http.StatusTooManyRequests: true,
		http.StatusBadRequest: false, http.StatusNotFound: false, http.StatusConflict: false,
	} {
		if _, got := retryable(&http.Response{StatusCode: code, Status: http.StatusText(code), Header: http.Header{}}, nil); got != want {
			t.Errorf("retryable(%d) = %v, want %v", code, got, want)
		}
	}
}
