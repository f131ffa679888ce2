// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"strings"
	"testing"
)

// A broken invariant deep in the engine (a panic) reaches the caller of an
// entry point as an *InternalError with the panic's value and stack, not as
// a crash of the provider process.
func TestInternalError_panicBecomesError(t *testing.T) {
	broken := func() (err error) {
		defer internalError(&err)
		var s []int
		_ = s[3] // index out of range: the kind of bug an invariant panic is
		return nil
	}
	err := broken()
	var ie *InternalError
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v (%T), want *InternalError", err, err)
	}
	if !strings.Contains(err.Error(), "index out of range") || !strings.Contains(err.Error(), "internal error in the placement engine") {
		t.Errorf("message %q does not name the engine and the panic", err)
	}
	if !strings.Contains(ie.Stack, "TestInternalError_panicBecomesError") {
		t.Errorf("stack does not show where it broke:\n%s", ie.Stack)
	}
}

// Without a panic the entry point's own result and error pass through.
func TestInternalError_noPanicKeepsResult(t *testing.T) {
	want := errors.New("infeasible")
	got := func() (err error) {
		defer internalError(&err)
		return want
	}()
	if got != want {
		t.Fatalf("error = %v, want the function's own %v", got, want)
	}
}
