// SPDX-License-Identifier: MPL-2.0

// Package awserr reads AWS API errors: their codes, as the service models name them.
package awserr

import (
	"errors"
	"slices"

	"github.com/aws/smithy-go"
)

// Code returns the AWS API error code of err ("DependencyViolation", "InvalidGroup.NotFound" ...), or ""
// when err is not an API error.
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Is reports whether err is an AWS API error with one of the codes.
func Is(err error, codes ...string) bool {
	return err != nil && slices.Contains(codes, Code(err))
}
