// SPDX-License-Identifier: MPL-2.0

package awserr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/awserr"
)

func TestIs(t *testing.T) {
	err := fmt.Errorf("deleting: %w", &smithy.GenericAPIError{Code: "DependencyViolation", Message: "in use"})
	if !awserr.Is(err, "InvalidGroup.InUse", "DependencyViolation") || awserr.Is(err, "InvalidGroup.NotFound") {
		t.Error("Is does not match on the wrapped API error's code")
	}
	if awserr.Code(err) != "DependencyViolation" {
		t.Errorf("Code = %q", awserr.Code(err))
	}
	if awserr.Is(errors.New("DependencyViolation"), "DependencyViolation") || awserr.Is(nil, "") || awserr.Code(nil) != "" {
		t.Error("a plain error or nil has no API error code")
	}
}
