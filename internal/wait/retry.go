// SPDX-License-Identifier: MPL-2.0

package wait

import (
	"context"
	"errors"
	"time"
)

// RetryWhile calls op until it succeeds, fails with an error retryable does not accept, or timeout
// passes (with the waiter's backoff between calls). It is for calls AWS refuses while something else
// still holds the object, such as DeleteSecurityGroup while network interfaces use the group
// (DependencyViolation). On timeout the error carries op's last error.
func RetryWhile(ctx context.Context, timeout time.Duration, retryable func(error) bool, op func(context.Context) error) error {
	var last error
	_, err := Waiter[struct{}]{
		Refresh: func(ctx context.Context) (struct{}, string, error) {
			last = op(ctx)
			switch {
			case last == nil:
				return struct{}{}, "done", nil
			case retryable(last):
				return struct{}{}, "retrying", nil
			default:
				return struct{}{}, "", last
			}
		},
		Pending: []string{"retrying"}, Target: []string{"done"},
		Timeout: timeout, MinInterval: 2 * time.Second, MaxInterval: 15 * time.Second,
	}.Wait(ctx)
	var te *TimeoutError
	if errors.As(err, &te) && last != nil {
		te.LastError = last
	}
	return err
}
