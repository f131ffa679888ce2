// SPDX-License-Identifier: MPL-2.0

package acctest

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

// SweepFunc deletes, in the client's region, what acceptance tests left behind: everything whose
// ownership tag (package owner) says a resource whose name starts with prefix made it.
type SweepFunc = func(ctx context.Context, c *conns.Client, prefix string) error

var (
	sweepersMu sync.Mutex
	sweepers   = map[string]bool{}
)

// AddSweeper registers a sweeper with resource.AddTestSweepers for `go test -sweep=REGION`. Service
// packages describe their sweepers in sweep.go (RegisterSweepers, which takes this function) so that the
// provider binary does not link terraform-plugin-testing; each test package registers its own sweepers
// and those they depend on (every package's tests are a binary of their own, and a missing dependency
// fails the sweep). Registering a name twice is a no-op.
//
// The sweeper builds its AWS client for the region through the normal credential chain (environment,
// profiles, SSO, instance roles ...) and matches on ResourcePrefix.
func AddSweeper(name string, dependencies []string, sweep SweepFunc) {
	sweepersMu.Lock()
	defer sweepersMu.Unlock()
	if sweepers[name] {
		return
	}
	sweepers[name] = true
	resource.AddTestSweepers(name, &resource.Sweeper{
		Name:         name,
		Dependencies: dependencies,
		F: func(region string) error {
			ctx := context.Background()
			c, diags := conns.New(ctx, conns.Config{Region: region})
			if diags.HasError() {
				return fmt.Errorf("building the AWS client for %s: %v", region, diags)
			}
			return sweep(ctx, c, ResourcePrefix)
		},
	})
}
