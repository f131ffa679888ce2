// SPDX-License-Identifier: MPL-2.0

//go:build !unix

package placement

import "testing"

// reportCPU reports nothing where getrusage is not available (see bench_cpu_unix_test.go).
func reportCPU(*testing.B) {}
