// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"runtime/debug"
)

// InternalError is a broken invariant of the engine (for example a
// simulation that stalls, which cannot happen for a validated problem):
// Solve and Bound return it instead of letting the panic end the provider
// process, which Terraform would report as a plugin crash with the state of
// the whole apply in doubt. Stack is the goroutine's stack where it broke.
type InternalError struct {
	Value any
	Stack string
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error in the placement engine: %v (this is a bug: please report it with the workflow "+
		"and the configuration; the provider log at TF_LOG=DEBUG has the stack)", e.Value)
}

// internalError turns a panic of the calling function into an
// *InternalError in *err. Deferred directly by the exported entry points.
func internalError(err *error) {
	if r := recover(); r != nil {
		*err = &InternalError{Value: r, Stack: string(debug.Stack())}
	}
}
