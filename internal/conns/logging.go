// SPDX-License-Identifier: MPL-2.0

package conns

import (
	"context"
	"regexp"

	"github.com/aws/smithy-go/middleware"
	"github.com/hashicorp/aws-sdk-go-base/v2/logging"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Secrets that must never reach a log, whatever field or message they end up in: secret access keys and
// session tokens as AWS formats them, and field names that carry credentials.
var (
	secretValueRE = regexp.MustCompile(`(?i)(aws_secret_access_key|secretaccesskey|secret_key|sessiontoken|session_token|x-amz-security-token|password)["'=: ]+[A-Za-z0-9/+=._-]{8,}`)
	maskedFields  = []string{"password", "secret_key", "secret_access_key", "session_token", "token", "x-amz-security-token", "authorization"}
)

// MaskSecrets returns ctx with tflog masking of credential fields and credential-looking values.
func MaskSecrets(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, maskedFields...)
	ctx = tflog.MaskAllFieldValuesRegexes(ctx, secretValueRE)
	return tflog.MaskMessageRegexes(ctx, secretValueRE)
}

// requestLogger makes aws-sdk-go-base's request/response logging reach tflog on every call: that logging
// looks its logger up in the request context, which in a resource's CRUD method is Terraform's, not the
// one Configure registered.
type requestLogger struct{ logger logging.Logger }

func (requestLogger) ID() string { return "rayhpc_RegisterTfLogger" }

func (l requestLogger) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	ctx = logging.RegisterLogger(MaskSecrets(ctx), l.logger)
	return next.HandleInitialize(ctx, in)
}

func addRequestLogger(logger logging.Logger) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(requestLogger{logger: logger}, middleware.Before)
	}
}

//go:generate go run ./internal/sensitivegen -o sensitive_gen.go
