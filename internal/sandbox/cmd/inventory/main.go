// SPDX-License-Identifier: MPL-2.0

// Command rayhpc-inventory lists, by kind, what the sandbox (through the AWS_ENDPOINT_URL* environment
// `make sandbox` exports) holds of the objects the provider makes. With -empty it exits 1 when anything
// is left (make demo's final check).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/inventory"
)

func main() {
	empty := flag.Bool("empty", false, "exit 1 unless the sandbox holds none of the objects")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts, err := inventory.FromEnv(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "inventory:", err)
		os.Exit(2)
	}
	inv, err := inventory.List(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "inventory:", err)
		os.Exit(2)
	}
	fmt.Print(inv)
	if *empty && inv.Count() > 0 {
		fmt.Fprintf(os.Stderr, "inventory: %d object(s) left in the sandbox\n", inv.Count())
		os.Exit(1)
	}
}
