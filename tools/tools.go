// SPDX-License-Identifier: MPL-2.0

//go:build generate

// Package tools pins the versions of the code generators `make generate` runs.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
