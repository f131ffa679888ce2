// SPDX-License-Identifier: MPL-2.0

package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// SigningName is the SigV4 service name of API Gateway invocations: the ParallelCluster API is an API
// Gateway REST API with AWS_IAM authorization.
const SigningName = "execute-api"

// SigningDoer is the generated client's HTTP doer: it signs every attempt of every request with SigV4
// for execute-api, with credentials retrieved for that attempt, and retries throttling (429), API
// Gateway's 502/503/504, connection failures and expired-credential answers with exponential backoff.
//
// Credentials are read from the provider's credentials provider on every attempt (an aws.CredentialsCache
// refreshes them before they expire), never captured once: cluster creates last up to an hour, longer
// than an assumed role's session.
type SigningDoer struct {
	Credentials aws.CredentialsProvider
	Region      string
	HTTP        *http.Client
	// MaxAttempts bounds the attempts of one request (default 10).
	MaxAttempts int
	// BaseDelay is the first backoff (default 200 ms); the backoff doubles up to 20 s, with full jitter.
	BaseDelay time.Duration
	// Logf, if set, receives one line per retried attempt.
	Logf func(ctx context.Context, msg string, fields map[string]any)

	signer *v4.Signer
}

// Do signs and sends req, retrying what may succeed when repeated.
func (d *SigningDoer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("reading the request body: %w", err)
		}
		body = b
	}
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	if d.signer == nil {
		d.signer = v4.NewSigner()
	}
	attempts := d.MaxAttempts
	if attempts <= 0 {
		attempts = 10
	}
	for attempt := 1; ; attempt++ {
		resp, err := d.attempt(ctx, req, body, payloadHash)
		reason, retry := retryable(resp, err)
		if !retry || attempt >= attempts || ctx.Err() != nil {
			return resp, err
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
		if reason == "expired credentials" {
			if c, ok := d.Credentials.(interface{ Invalidate() }); ok {
				c.Invalidate()
			}
		}
		delay := d.backoff(attempt)
		if d.Logf != nil {
			d.Logf(ctx, "retrying ParallelCluster API request", map[string]any{
				"method": req.Method, "path": req.URL.Path, "attempt": attempt, "reason": reason, "delay": delay.String(),
			})
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(delay):
		}
	}
}

func (d *SigningDoer) attempt(ctx context.Context, req *http.Request, body []byte, payloadHash string) (*http.Response, error) {
	r := req.Clone(ctx)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Del("Authorization")
	r.Header.Del("X-Amz-Security-Token")
	r.Header.Del("X-Amz-Date")
	creds, err := d.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("retrieving AWS credentials to sign the ParallelCluster API request: %w", err)
	}
	if err := d.signer.SignHTTP(ctx, creds, r, payloadHash, SigningName, d.Region, time.Now().UTC()); err != nil {
		return nil, fmt.Errorf("signing the ParallelCluster API request: %w", err)
	}
	client := d.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	return client.Do(r)
}

// retryable says whether an attempt's outcome may change when repeated, and why.
func retryable(resp *http.Response, err error) (string, bool) {
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "credentials") {
			return "", false
		}
		return "connection error: " + err.Error(), true
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return "throttled", true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		// The AWS SDKs retry these as transient (aws-sdk-go-v2 aws/retry DefaultRetryableHTTPStatusCodes:
		// 500, 502, 503, 504); the ParallelCluster API answers a transient failure of its Lambda with 500
		// InternalServerErrorException.
		return resp.Status, true
	case http.StatusForbidden:
		// API Gateway answers an expired session token with 403 ExpiredTokenException: fetch fresh
		// credentials and sign again.
		if strings.Contains(resp.Header.Get("x-amzn-ErrorType"), "ExpiredToken") {
			return "expired credentials", true
		}
	}
	return "", false
}

func (d *SigningDoer) backoff(attempt int) time.Duration {
	base := d.BaseDelay
	if base <= 0 {
		base = 200 * time.Millisecond
	}
	ceiling := base << min(attempt-1, 16)
	ceiling = min(ceiling, 20*time.Second)
	return time.Duration(rand.Int64N(int64(ceiling))) + base/2 //nolint:gosec // jitter, not security
}

// NewSignedClient returns the ParallelCluster API client for the API at endpoint (the invoke URL of the
// API's stage, e.g. https://abc.execute-api.us-east-1.amazonaws.com/prod).
func NewSignedClient(endpoint string, doer *SigningDoer) (*ClientWithResponses, error) {
	return NewClientWithResponses(strings.TrimSuffix(endpoint, "/")+"/", WithHTTPClient(doer))
}
