// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/kube"
)

// TestAccKubeRayRayCluster_APICalls measures, for make bench, the calls of one create, one refresh and
// one destroy of a GPU Ray cluster: the AWS calls from the gateway's call log (EKS DescribeCluster for
// the endpoint, EC2 DescribeInstanceTypes for the plan-time GPU check, STS at Configure) and the
// Kubernetes API requests from the apiserver's audit log (every request the provider made with its EKS
// token, as service "kubernetes", operation "verb resource"). It checks that the refresh mutates
// nothing in AWS or Kubernetes and that the cluster's endpoint is read once per operation. Not
// parallel, so both logs hold only its calls.
func TestAccKubeRayRayCluster_APICalls(t *testing.T) {
	skipUnlessAcc(t)
	acctest.PreCheck(t)
	calls := acctest.NewAPICalls(t)
	k := &kubeCalls{stack: acctest.Sandbox(t).Kube(), t: t}
	cfg := testAccConfig(clusterOpts{name: acctest.RandomName(), workers: workerGroup("gpu", 1,
		"gpu = 1\n    node_selector = { \"node.kubernetes.io/instance-type\" = \"g5.xlarge\" }")})
	var create, refresh, destroy []gateway.Call
	steps := calls.Steps(cfg)
	wrapPre := func(i int) {
		pre := steps[i].PreConfig
		steps[i].PreConfig = func() { pre(); k.mark() }
	}
	wrapCheck := func(i int, into *[]gateway.Call) {
		check := steps[i].Check
		steps[i].Check = func(s *terraform.State) error { *into = k.since(); return check(s) }
	}
	wrapPre(0)
	wrapCheck(0, &create)
	wrapPre(1)
	wrapCheck(1, &refresh)
	steps[1].RefreshPlanChecks.PostRefresh = append(steps[1].RefreshPlanChecks.PostRefresh, k)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: calls.CheckDestroy(func(s *terraform.State) error {
			destroy = k.since()
			return testAccCheckDestroy(t)(s)
		}),
		Steps: steps,
	})
	if t.Failed() {
		return
	}
	calls.Check(t)
	calls.Create, calls.Refresh, calls.Destroy = append(calls.Create, create...), append(calls.Refresh, refresh...), append(calls.Destroy, destroy...)
	t.Log(calls.Line("ray_cluster", "kubernetes", "eks", "ec2"))
	for _, p := range []struct {
		phase string
		reqs  []gateway.Call
	}{{"create", create}, {"refresh", refresh}, {"destroy", destroy}} {
		var ops []string
		for _, r := range p.reqs {
			ops = append(ops, r.Operation)
		}
		t.Logf("kubernetes %s: %s", p.phase, strings.Join(ops, ", "))
	}
	for phase, reqs := range map[string][]gateway.Call{"create": create, "refresh": refresh, "destroy": destroy} {
		if len(reqs) == 0 {
			t.Errorf("%s: no Kubernetes request in the audit log: the measurement did not happen", phase)
		}
	}
	for _, r := range refresh {
		if verb, _, _ := strings.Cut(r.Operation, " "); !slices.Contains([]string{"get", "list", "watch"}, verb) {
			t.Errorf("the refresh made the mutating Kubernetes request %s", r.Operation)
		}
	}
	if !slices.ContainsFunc(create, func(c gateway.Call) bool { return c.Operation == "patch rayclusters" }) {
		t.Errorf("the create made no server-side apply (patch) of the RayCluster: %v", create)
	}
	if !slices.ContainsFunc(destroy, func(c gateway.Call) bool { return c.Operation == "delete rayclusters" }) {
		t.Errorf("the destroy deleted no RayCluster: %v", destroy)
	}
	for phase, log := range map[string]int{"refresh": acctest.CountOps(calls.Refresh, "eks", "*"), "destroy": acctest.CountOps(calls.Destroy, "eks", "*")} {
		if log != 1 {
			t.Errorf("%s: %d EKS calls, want 1 DescribeCluster (the client is built once per provider run)", phase, log)
		}
	}
}

// kubeCalls reads the Kubernetes requests of a phase from the apiserver's audit log: mark, then since.
// As a plan check it marks (the destroy phase starts at the refresh step's post-refresh plan, as the
// AWS call log's does).
type kubeCalls struct {
	stack *kube.Stack
	t     *testing.T
	at    int
}

func (k *kubeCalls) read() []kube.Request {
	reqs, err := k.stack.Requests()
	if err != nil {
		k.t.Fatal(err)
	}
	return reqs
}

func (k *kubeCalls) mark() { k.at = len(k.read()) }

// since returns the requests after the mark as calls of service "kubernetes", operation "verb resource"
// (discovery requests have no resource: their path).
func (k *kubeCalls) since() []gateway.Call {
	var out []gateway.Call
	for _, r := range k.read()[k.at:] {
		what := r.Resource
		if what == "" {
			what = r.URI
		}
		out = append(out, gateway.Call{Service: "kubernetes", Operation: fmt.Sprintf("%s %s", r.Verb, what), Status: r.Code})
	}
	return out
}

func (k *kubeCalls) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	k.mark()
}
