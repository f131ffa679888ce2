// SPDX-License-Identifier: MPL-2.0

package workflow

// Exports for the acceptance tests (package workflow_test).
var (
	TracesDir     = tracesDir
	ParseManifest = parseManifest
)
