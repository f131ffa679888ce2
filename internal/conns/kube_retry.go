// SPDX-License-Identifier: MPL-2.0

package conns

// Kubernetes requests that meet an unreachable API server are tried again, as the AWS SDK's standard
// retryer tries again an AWS call whose connection failed: client-go itself retries only answers that
// carry Retry-After (429 and 5xx, which it keeps handling) and, for GETs, a few connection resets, so a
// control plane that is unreachable for some seconds (an EKS endpoint update, a network blip) would fail
// an apply that waits for a RayCluster. Only requests that are safe to send twice are tried again: reads,
// deletes (a second one answers NotFound, which callers treat as done) and server-side apply patches,
// which are idempotent (Kubernetes documentation, "Server-Side Apply").

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"syscall"
	"time"
)

// Backoff between attempts: doubling from kubeRetryBase up to kubeRetryMaxBackoff (the AWS SDK's
// standard retryer caps its backoff at 20 s), with jitter.
const (
	kubeRetryBase       = 250 * time.Millisecond
	kubeRetryMaxBackoff = 20 * time.Second
	applyPatchType      = "application/apply-patch+yaml"
)

type retryRoundTripper struct {
	next        http.RoundTripper
	maxAttempts int
	sleep       func(context.Context, time.Duration) error
}

func newRetryRoundTripper(next http.RoundTripper, maxAttempts int) *retryRoundTripper {
	return &retryRoundTripper{next: next, maxAttempts: max(maxAttempts, 1), sleep: sleepCtx}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// repeatable reports whether r may be sent again after a connection failure.
func repeatable(r *http.Request) bool {
	if r.Body != nil && r.Body != http.NoBody && r.GetBody == nil {
		return false
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodDelete:
		return true
	case http.MethodPatch:
		return r.Header.Get("Content-Type") == applyPatchType
	}
	return false
}

// unreachable reports a failure to reach the server or to get its answer: refused, reset or closed
// connections and dial timeouts, not answers.
func unreachable(err error) bool {
	var ne net.Error
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.EPIPE) || (errors.As(err, &ne) && ne.Timeout())
}

func (t *retryRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	if !repeatable(r) {
		return t.next.RoundTrip(r)
	}
	for attempt := 1; ; attempt++ {
		req := r
		if attempt > 1 && r.GetBody != nil {
			body, err := r.GetBody()
			if err != nil {
				return nil, err
			}
			req = r.Clone(r.Context())
			req.Body = body
		}
		resp, err := t.next.RoundTrip(req)
		if err == nil || !unreachable(err) || attempt >= t.maxAttempts || r.Context().Err() != nil {
			return resp, err
		}
		backoff := min(kubeRetryBase<<min(attempt-1, 16), kubeRetryMaxBackoff)
		backoff = backoff/2 + rand.N(backoff/2+1)
		if serr := t.sleep(r.Context(), backoff); serr != nil {
			return nil, err
		}
	}
}
