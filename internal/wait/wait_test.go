// SPDX-License-Identifier: MPL-2.0

package wait_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

type step struct {
	state string
	err   error
}

// script returns a refresh function that plays the steps in order and then repeats the last one.
func script(steps ...step) (func(context.Context) (string, string, error), *int) {
	calls := 0
	return func(context.Context) (string, string, error) {
		s := steps[min(calls, len(steps)-1)]
		calls++
		if s.err != nil {
			return "", "", s.err
		}
		return "obj:" + s.state, s.state, nil
	}, &calls
}

func fast[T any](w wait.Waiter[T]) wait.Waiter[T] {
	w.MinInterval, w.MaxInterval, w.Jitter = 5*time.Millisecond, 20*time.Millisecond, 0.1
	if w.Timeout == 0 {
		w.Timeout = 2 * time.Second
	}
	return w
}

func TestWaiter(t *testing.T) {
	notFound := wait.NewNotFound("thing (x)", nil)
	boom := errors.New("500 internal error after retries")
	cases := []struct {
		name       string
		steps      []step
		targetGone bool
		timeout    time.Duration
		wantObj    string
		wantErr    func(error) bool
		wantCalls  int
	}{
		{name: "reaches target", steps: []step{{state: "CREATING"}, {state: "CREATING"}, {state: "AVAILABLE"}},
			wantObj: "obj:AVAILABLE", wantCalls: 3},
		{name: "updating then available", steps: []step{{state: "UPDATING"}, {state: "AVAILABLE"}},
			wantObj: "obj:AVAILABLE", wantCalls: 2},
		{name: "failed state carries the reason", steps: []step{{state: "CREATING"}, {state: "FAILED"}},
			wantObj: "obj:FAILED", wantCalls: 2, wantErr: func(err error) bool {
				var u *wait.UnexpectedStateError
				return errors.As(err, &u) && u.State == "FAILED" && u.Reason == "reason for obj:FAILED"
			}},
		{name: "not found briefly after create is tolerated", steps: []step{{err: notFound}, {err: notFound}, {state: "AVAILABLE"}},
			wantObj: "obj:AVAILABLE", wantCalls: 3},
		{name: "not found for too long is an error", steps: []step{{err: notFound}},
			wantErr: wait.NotFound, wantCalls: wait.DefaultNotFoundChecks + 1},
		{name: "gone is the target of a delete", steps: []step{{state: "DELETING"}, {err: notFound}}, targetGone: true,
			wantCalls: 2},
		{name: "a refresh error stops the wait", steps: []step{{state: "CREATING"}, {err: boom}},
			wantErr: func(err error) bool { return errors.Is(err, boom) }, wantCalls: 2, wantObj: "obj:CREATING"},
		{name: "timeout reports the last state", steps: []step{{state: "CREATING"}}, timeout: 60 * time.Millisecond,
			wantObj: "obj:CREATING", wantErr: func(err error) bool {
				var te *wait.TimeoutError
				return errors.As(err, &te) && te.LastState == "CREATING" && te.Reason == "reason for obj:CREATING"
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			refresh, calls := script(tc.steps...)
			w := fast(wait.Waiter[string]{
				Refresh: refresh, Pending: []string{"CREATING", "UPDATING", "DELETING"}, Target: []string{"AVAILABLE"},
				TargetGone: tc.targetGone, Timeout: tc.timeout,
				Reason: func(s string) string { return "reason for " + s },
			})
			if tc.targetGone {
				w.Target = nil
			}
			obj, err := w.Wait(context.Background())
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.wantErr != nil && (err == nil || !tc.wantErr(err)):
				t.Fatalf("error %v (%T) is not the expected one", err, err)
			}
			if obj != tc.wantObj {
				t.Errorf("object %q, want %q", obj, tc.wantObj)
			}
			if tc.wantCalls > 0 && *calls != tc.wantCalls {
				t.Errorf("%d refresh calls, want %d", *calls, tc.wantCalls)
			}
		})
	}
}

func TestWaiter_backoffGrowsAndIsCapped(t *testing.T) {
	var at []time.Time
	w := wait.Waiter[int]{
		Refresh: func(context.Context) (int, string, error) {
			at = append(at, time.Now())
			if len(at) == 6 {
				return 1, "DONE", nil
			}
			return 0, "PENDING", nil
		},
		Pending: []string{"PENDING"}, Target: []string{"DONE"},
		MinInterval: 10 * time.Millisecond, MaxInterval: 40 * time.Millisecond, Multiplier: 2, Jitter: 0.01,
		Timeout: 5 * time.Second,
	}
	if _, err := w.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	gaps := make([]time.Duration, 0, len(at)-1)
	for i := 1; i < len(at); i++ {
		gaps = append(gaps, at[i].Sub(at[i-1]))
	}
	// 10, 20, 40, 40, 40 ms: grows, then stays at the cap.
	if gaps[1] < gaps[0] || gaps[2] < 35*time.Millisecond {
		t.Errorf("backoff does not grow: %v", gaps)
	}
	if gaps[4] > 80*time.Millisecond {
		t.Errorf("backoff exceeds its cap: %v", gaps)
	}
}

func TestWaiter_contextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	refresh, _ := script(step{state: "CREATING"})
	w := fast(wait.Waiter[string]{Refresh: refresh, Pending: []string{"CREATING"}, Target: []string{"AVAILABLE"}, Timeout: time.Minute})
	time.AfterFunc(30*time.Millisecond, cancel)
	_, err := w.Wait(ctx)
	var te *wait.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("want a TimeoutError on cancellation, got %v", err)
	}
}
