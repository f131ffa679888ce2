// SPDX-License-Identifier: MPL-2.0

// Package examplestest holds only tests: every example directory under examples/ is applied, planned
// again (empty plan) and destroyed against the local sandbox with the real terraform CLI, exactly as it
// ships. New example directories are found by globbing; see CONTRIBUTING.md for examples that need a
// sandbox part this package does not start.
package examplestest
