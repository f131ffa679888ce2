// SPDX-License-Identifier: MPL-2.0

// Command testsummary reads `go test -json` on standard input and prints one line per package, the
// output of failed and skipped tests, and the counts; it exits 1 when a test failed or was skipped or a
// package failed to build. `make test` pipes the whole suite through it.
package main

import (
	"fmt"
	"os"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/testsummary"
)

func main() {
	result, err := testsummary.Summarise(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	if !result.OK() {
		os.Exit(1)
	}
}
