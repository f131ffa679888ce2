// SPDX-License-Identifier: MPL-2.0

package acctest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// APICalls measures, from the sandbox's call log, the AWS calls one create, one refresh and one destroy
// of a configuration cost, the same way for every resource so that the `bench:` lines of `make bench`
// compare:
//
//   - Create: the pre-apply plan and the apply of the first step (terraform apply of a new resource).
//   - Refresh: the `terraform refresh` of a RefreshState step (what every plan and apply pays per resource).
//   - Destroy: the harness's `terraform destroy -refresh=false` after the test (the Delete calls and their
//     waits; a user's `terraform destroy` adds one refresh).
//
// The harness's own post-apply and post-refresh plans fall between the phases and are left out. The call
// log is shared by the whole test package, so a test using APICalls must not be parallel (Go runs the
// non-parallel tests before any parallel one starts); calls the test itself makes through the SDK in
// its checks run after the phase is recorded.
type APICalls struct {
	gw                       *gateway.Gateway
	Create, Refresh, Destroy []gateway.Call
}

// NewAPICalls returns a recorder on the package's sandbox gateway.
func NewAPICalls(t *testing.T) *APICalls {
	t.Helper()
	return &APICalls{gw: Gateway(t)}
}

// Steps returns the create step (config, then checks after the calls are recorded) and the refresh step.
func (a *APICalls) Steps(config string, checks ...resource.TestCheckFunc) []resource.TestStep {
	return []resource.TestStep{
		{
			PreConfig: a.gw.ResetCalls,
			Config:    config,
			Check: resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{func(*terraform.State) error {
				a.Create = a.gw.Calls()
				return nil
			}}, checks...)...),
		},
		{
			PreConfig:    a.gw.ResetCalls,
			RefreshState: true,
			Check: func(*terraform.State) error {
				a.Refresh = a.gw.Calls()
				return nil
			},
			// The post-refresh plan is the last command before the destroy: start the destroy phase there.
			RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{resetCalls{a.gw}}},
		},
	}
}

// CheckDestroy records the destroy phase, then runs check (the test's usual CheckDestroy).
func (a *APICalls) CheckDestroy(check resource.TestCheckFunc) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		a.Destroy = a.gw.Calls()
		if check == nil {
			return nil
		}
		return check(s)
	}
}

// Line is the `bench:` line for make bench: totals over every service, then each service's
// create/refresh/destroy counts, the given services first (in that order), then any other seen.
func (a *APICalls) Line(resourceName string, services ...string) string {
	seen := slices.Clone(services)
	for _, phase := range [][]gateway.Call{a.Create, a.Refresh, a.Destroy} {
		for _, c := range phase {
			if !slices.Contains(seen, c.Service) {
				seen = append(seen, c.Service)
			}
		}
	}
	if n := len(services); len(seen) > n {
		slices.Sort(seen[n:])
	}
	parts := make([]string, 0, len(seen))
	for _, s := range seen {
		parts = append(parts, fmt.Sprintf("%s %d/%d/%d", s, CountOps(a.Create, s, "*"), CountOps(a.Refresh, s, "*"), CountOps(a.Destroy, s, "*")))
	}
	return fmt.Sprintf("bench: %s create=%d refresh=%d destroy=%d (%s; create/refresh/destroy)",
		resourceName, len(a.Create), len(a.Refresh), len(a.Destroy), strings.Join(parts, ", "))
}

// Check fails the test when a phase recorded no call (the measurement did not happen) or when the
// refresh made a mutating call.
func (a *APICalls) Check(t *testing.T) {
	t.Helper()
	if len(a.Create) == 0 || len(a.Refresh) == 0 || len(a.Destroy) == 0 {
		t.Errorf("a phase recorded no AWS call: create=%d refresh=%d destroy=%d", len(a.Create), len(a.Refresh), len(a.Destroy))
	}
	if m := MutatingCalls(a.Refresh); len(m) > 0 {
		t.Errorf("the refresh made mutating calls: %s", strings.Join(m, ", "))
	}
}

// CountOps counts the calls of service ("" or "*" for any) and operation ("" or "*" for any).
func CountOps(calls []gateway.Call, service, operation string) int {
	n := 0
	for _, c := range calls {
		if (service == "" || service == "*" || c.Service == service) && (operation == "" || operation == "*" || c.Operation == operation) {
			n++
		}
	}
	return n
}

// FirstAttempts returns the calls that are not an AWS SDK's retry of an earlier attempt (gateway.Call.Retry):
// the logical requests, for counts that must not depend on a retry the client made on its own. The SDK
// retries a call whose answer it failed to read even when the gateway served it (logged 200): the
// smithy-go HTTP client closes a request body as soon as the response arrives, and net/http's
// write loop, when it then probes that body for bytes beyond Content-Length, gets io.EOF from the
// closed body's WriteTo as an error and closes the connection while the response body is read ("use of
// closed network connection"). Under load it happens to a few calls in a hundred with a response of
// more than a few KiB.
func FirstAttempts(calls []gateway.Call) []gateway.Call {
	var out []gateway.Call
	for _, c := range calls {
		if !c.Retry() {
			out = append(out, c)
		}
	}
	return out
}

// mutatingPrefixes start the names of AWS operations that change something.
var mutatingPrefixes = []string{
	"Create", "Update", "Delete", "Modify", "Put", "Tag", "Untag", "Authorize", "Revoke", "Start", "Stop",
	"Cancel", "Run", "Terminate", "Associate", "Disassociate", "Attach", "Detach", "Replace", "Reset", "Release",
}

// IsMutating reports whether an AWS operation name changes something (CreateFileSystem, TagResource,
// AuthorizeSecurityGroupIngress ...) rather than reading (Describe*, List*, Get*).
func IsMutating(operation string) bool {
	for _, p := range mutatingPrefixes {
		if rest, ok := strings.CutPrefix(operation, p); ok && (rest == "" || rest[0] >= 'A' && rest[0] <= 'Z') {
			return true
		}
	}
	return false
}

// MutatingCalls lists the mutating calls among calls as service:Operation.
func MutatingCalls(calls []gateway.Call) []string {
	var out []string
	for _, c := range calls {
		if IsMutating(c.Operation) {
			out = append(out, c.Service+":"+c.Operation)
		}
	}
	return out
}

// resetCalls is a plan check that empties the call log.
type resetCalls struct{ gw *gateway.Gateway }

func (r resetCalls) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	r.gw.ResetCalls()
}
