// SPDX-License-Identifier: MPL-2.0

package placement

// Exports for the acceptance tests (package placement_test).
var (
	SharedWorkflowsDir = sharedWorkflowsDir
	ParseManifest      = parseManifest
)
