// SPDX-License-Identifier: MPL-2.0

// Package wait is the provider's one waiter: it polls a refresh function with exponential backoff and
// jitter until the object reaches a target state, disappears (for deletes), fails, or the timeout passes.
package wait

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Defaults used when a Waiter leaves a field zero.
const (
	DefaultMinInterval    = 1 * time.Second
	DefaultMaxInterval    = 30 * time.Second
	DefaultMultiplier     = 1.5
	DefaultJitter         = 0.2
	DefaultNotFoundChecks = 5
)

// NotFoundError says the object does not exist (any more). Finders return it so that callers can tell
// "gone" from every other failure.
type NotFoundError struct {
	What string // e.g. "FSx file system (fs-0123)"
	Err  error  // the API error, if any
}

func (e *NotFoundError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s not found: %s", e.What, e.Err)
	}
	return e.What + " not found"
}

func (e *NotFoundError) Unwrap() error { return e.Err }

// NewNotFound builds a NotFoundError.
func NewNotFound(what string, err error) error { return &NotFoundError{What: what, Err: err} }

// NotFound reports whether err is, or wraps, a NotFoundError.
func NotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}

// UnexpectedStateError is returned when the object reaches a state that is neither pending nor target,
// for example CREATE_FAILED. Reason carries the service's own failure message when there is one.
type UnexpectedStateError struct {
	State    string
	Expected []string
	Reason   string
}

func (e *UnexpectedStateError) Error() string {
	msg := fmt.Sprintf("unexpected state %q, wanted %s", e.State, strings.Join(e.Expected, " or "))
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// TimeoutError is returned when the timeout passes before a target state is reached.
type TimeoutError struct {
	LastState string
	Timeout   time.Duration
	Reason    string
	LastError error
}

func (e *TimeoutError) Error() string {
	msg := fmt.Sprintf("timeout while waiting (%s), last state %q", e.Timeout, e.LastState)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	if e.LastError != nil {
		msg += "; last error: " + e.LastError.Error()
	}
	return msg
}

func (e *TimeoutError) Unwrap() error { return e.LastError }

// Polling is how often waiters read an object's status: the first interval and the cap the backoff grows
// to. The provider's poll_interval sets it for every resource (conns.Client.Polling).
type Polling struct {
	MinInterval time.Duration
	MaxInterval time.Duration
}

// DefaultPolling is the polling used when the provider sets none.
func DefaultPolling() Polling {
	return Polling{MinInterval: DefaultMinInterval, MaxInterval: DefaultMaxInterval}
}

// PollingFrom derives the polling from a first interval: the backoff grows to thirty times it, capped at
// DefaultMaxInterval (or the interval itself, when that is longer).
func PollingFrom(min time.Duration) Polling {
	maxI := 30 * min
	if maxI > DefaultMaxInterval {
		maxI = max(DefaultMaxInterval, min)
	}
	return Polling{MinInterval: min, MaxInterval: maxI}
}

// Gone is the pseudo state a Waiter reports when the refresh function returns a NotFoundError.
const Gone = "<gone>"

// Waiter polls Refresh until the object is in one of Target (or gone, when TargetGone is set).
type Waiter[T any] struct {
	// Refresh reads the object. It returns a NotFoundError when the object does not exist.
	Refresh func(ctx context.Context) (T, string, error)
	// Pending states keep the waiter polling; Target states end it successfully.
	Pending []string
	Target  []string
	// TargetGone makes "not found" a success (deletes).
	TargetGone bool
	// NotFoundChecks is how many consecutive not-found reads are tolerated while waiting for a target
	// state (eventual consistency right after a create). Zero means DefaultNotFoundChecks.
	NotFoundChecks int
	// Reason extracts the service's failure message from the object (FailureDetails, failure reasons).
	Reason func(T) string
	// Timeout bounds the whole wait. Zero means the context's deadline alone.
	Timeout time.Duration
	// Delay before the first poll; MinInterval/MaxInterval/Multiplier shape the backoff; Jitter is the
	// fraction of each interval that is randomised.
	Delay       time.Duration
	MinInterval time.Duration
	MaxInterval time.Duration
	Multiplier  float64
	Jitter      float64
	// Polling sets MinInterval and MaxInterval where those are zero (usually conns.Client.Polling()).
	Polling Polling
	// OnPoll, if set, is called after each successful refresh (progress logging).
	OnPoll func(ctx context.Context, obj T, state string)
}

func (w *Waiter[T]) defaults() {
	if w.MinInterval <= 0 {
		w.MinInterval = w.Polling.MinInterval
	}
	if w.MaxInterval <= 0 {
		w.MaxInterval = w.Polling.MaxInterval
	}
	if w.MinInterval <= 0 {
		w.MinInterval = DefaultMinInterval
	}
	if w.MaxInterval <= 0 {
		w.MaxInterval = DefaultMaxInterval
	}
	if w.MaxInterval < w.MinInterval {
		w.MaxInterval = w.MinInterval
	}
	if w.Multiplier < 1 {
		w.Multiplier = DefaultMultiplier
	}
	if w.Jitter < 0 || w.Jitter >= 1 {
		w.Jitter = DefaultJitter
	}
	if w.NotFoundChecks <= 0 {
		w.NotFoundChecks = DefaultNotFoundChecks
	}
}

// Wait polls until success, failure or timeout. On failure it returns the last object read (if any) with
// the error, so callers can record what exists.
func (w Waiter[T]) Wait(ctx context.Context) (T, error) {
	w.defaults()
	var zero T
	if w.Refresh == nil {
		return zero, errors.New("wait: no refresh function")
	}
	if w.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.Timeout)
		defer cancel()
	}

	var (
		last      T
		lastState string
		lastErr   error
		notFound  int
		interval  = w.MinInterval
	)
	timeoutErr := func() error {
		reason := ""
		if w.Reason != nil && lastState != "" && lastState != Gone {
			reason = w.Reason(last)
		}
		return &TimeoutError{LastState: lastState, Timeout: w.Timeout, Reason: reason, LastError: lastErr}
	}
	if w.Delay > 0 {
		if err := sleep(ctx, w.Delay); err != nil {
			return last, timeoutErr()
		}
	}
	for {
		obj, state, err := w.Refresh(ctx)
		switch {
		case NotFound(err):
			lastState, lastErr = Gone, nil
			if w.TargetGone {
				return zero, nil
			}
			notFound++
			if notFound > w.NotFoundChecks {
				return last, err
			}
		case err != nil:
			if ctx.Err() != nil {
				lastErr = err
				return last, timeoutErr()
			}
			return last, err
		default:
			notFound = 0
			last, lastState, lastErr = obj, state, nil
			if w.OnPoll != nil {
				w.OnPoll(ctx, obj, state)
			}
			if slices.Contains(w.Target, state) {
				return obj, nil
			}
			if !slices.Contains(w.Pending, state) {
				expected := slices.Clone(w.Target)
				if w.TargetGone {
					expected = append(expected, "deleted")
				}
				reason := ""
				if w.Reason != nil {
					reason = w.Reason(obj)
				}
				return obj, &UnexpectedStateError{State: state, Expected: expected, Reason: reason}
			}
		}
		if err := sleep(ctx, jittered(interval, w.Jitter)); err != nil {
			return last, timeoutErr()
		}
		interval = min(time.Duration(float64(interval)*w.Multiplier), w.MaxInterval)
	}
}

func jittered(d time.Duration, frac float64) time.Duration {
	if frac == 0 {
		return d
	}
	delta := (rand.Float64()*2 - 1) * frac * float64(d) //nolint:gosec // jitter needs no cryptographic randomness
	return d + time.Duration(delta)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
