// SPDX-License-Identifier: MPL-2.0

package hybrid_test

// The fault campaign across the environment: every test ends with the environment converged and, after
// destroy, nothing of it left in the sandbox, listed by kind (checkNothingLeft), never trusted from a state.

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// fewRetries makes an injected error fail the step instead of being retried away.
const fewRetries = `
provider "rayhpc" {
  max_retries = 1
}
`

// createSteps are the environment's creation steps, each with the call that makes its part.
// The Ray cluster's step fails on the Kubernetes API (kube): every request answered 503.
var createSteps = []struct{ part, service, operation string }{
	{"efa_network", "ec2", "CreateLaunchTemplate"},
	{"lustre_workspace", "fsx", "CreateDataRepositoryAssociation"},
	{"hpc_cluster", "execute-api", "CreateCluster"},
	{"ray_cluster", "kube", "*"},
	{"ingest", "datasync", "CreateTask"},
}

// faultCount counts the calls of the package's log that carried an injected fault.
func faultCount(calls []gateway.Call) int {
	n := 0
	for _, c := range calls {
		if c.Fault != "" {
			n++
		}
	}
	return n
}

// checkOneEnvironment checks that the sandbox holds exactly one environment's objects (with its Ray
// cluster and ingest): nothing was made twice, nothing lost.
func checkOneEnvironment(t *testing.T, name string) resource.TestCheckFunc {
	t.Helper()
	return func(*terraform.State) error {
		left, err := leftovers(t, name)
		if err != nil {
			return err
		}
		count := map[string]int{}
		for _, l := range left {
			kind, _, _ := strings.Cut(l, ": ")
			count[kind]++
		}
		want := map[string]int{"fsx file system": 1, "fsx data repository association": 1, "ec2 placement group": 1,
			"ec2 launch template": 1, "datasync task": 1, "datasync location": 2, "parallelcluster cluster": 1, "ec2 instance": 1,
			"kubernetes raycluster": 1, "kubernetes persistentvolume": 1, "kubernetes persistentvolumeclaim": 1}
		for kind, n := range want {
			if count[kind] != n {
				return fmt.Errorf("the sandbox holds %d %s objects of %s, want %d (made twice, or lost):\n%v", count[kind], kind, name, n, left)
			}
		}
		return nil
	}
}

// TestAccHybridCluster_failureAtEachStep: a create that fails at each step in turn keeps what it made
// (tainted); the next apply removes exactly that and converges; destroy leaves nothing.
func TestAccHybridCluster_failureAtEachStep(t *testing.T) {
	gw := acctest.Gateway(t)
	kube := acctest.KubeFaults(t, 0, 0)
	for _, s := range createSteps {
		t.Run(s.part, func(t *testing.T) {
			name := acctest.RandomName()
			cfg := hybridConfig{name: name, ingest: true, ray: 1, provider: fewRetries}.render(t)
			start, kubeStart := len(gw.Calls()), kube.Injected()
			resource.Test(t, resource.TestCase{
				PreCheck:     func() { acctest.PreCheck(t) },
				CheckDestroy: checkNothingLeft(t, name),
				Steps: []resource.TestStep{
					{
						ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
						PreConfig: func() {
							if s.service == "kube" {
								kube.SetRates(0, 1)
								return
							}
							if err := gw.SetFault(gateway.Fault{Service: s.service, Operation: s.operation, ErrorRate: 1}); err != nil {
								t.Fatal(err)
							}
						},
						Config:      cfg,
						ExpectError: regexp.MustCompile(regexp.QuoteMeta(s.part)),
					},
					{
						ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
						PreConfig:                func() { gw.ClearFaults(); kube.SetRates(0, 0) },
						Config:                   cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(resName, plancheck.ResourceActionDestroyBeforeCreate),
						}},
						Check: checkOneEnvironment(t, name),
					},
				},
			})
			t.Logf("campaign: failure at %s: faults injected %d", s.part, faultCount(gw.Calls()[start:])+int(kube.Injected()-kubeStart))
		})
	}
}

// TestAccHybridCluster_throttledAndFailing: 30% throttling and 5% server errors on every service, the
// ParallelCluster API and the Kubernetes API (acctest.KubeFaults) for a whole apply and destroy.
func TestAccHybridCluster_throttledAndFailing(t *testing.T) {
	gw := acctest.Gateway(t)
	kube := acctest.KubeFaults(t, 0, 0)
	name := acctest.RandomName()
	start := len(gw.Calls())
	services := []string{"ec2", "fsx", "datasync", "execute-api", "sts", "s3", "eks"}
	inject := func() {
		kube.SetRates(0.3, 0.05)
		for _, svc := range services {
			if err := gw.SetFault(gateway.Fault{Service: svc, Operation: "*", ThrottleRate: 0.3, ErrorRate: 0.05}); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(gw.ClearFaults)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			gw.ClearFaults()
			kube.SetRates(0, 0)
			return checkNothingLeft(t, name)(s)
		},
		Steps: []resource.TestStep{{
			PreConfig: inject,
			Config:    hybridConfig{name: name, ingest: true, ray: 1}.render(t),
			Check:     checkOneEnvironment(t, name),
		}},
	})
	n := faultCount(gw.Calls()[start:])
	if n == 0 || kube.Injected() == 0 {
		t.Fatalf("faults injected: AWS %d, Kubernetes %d", n, kube.Injected())
	}
	t.Logf("campaign: throttling and 5xx: faults injected %d in %d AWS calls, %d (%d throttles, %d 503s) in %d Kubernetes requests",
		n, len(gw.Calls())-start, kube.Injected(), kube.Throttled.Load(), kube.Failed.Load(), kube.Requests.Load())
}

// TestAccHybridCluster_lostAnswers: the answer to every create is lost once (the request was served); the
// creates adopt what the lost requests made instead of making it twice.
func TestAccHybridCluster_lostAnswers(t *testing.T) {
	gw := acctest.Gateway(t)
	name := acctest.RandomName()
	start := len(gw.Calls())
	t.Cleanup(gw.ClearFaults)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNothingLeft(t, name),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				for _, op := range [][2]string{{"ec2", "CreatePlacementGroup"}, {"ec2", "CreateSecurityGroup"}, {"ec2", "CreateLaunchTemplate"},
					{"fsx", "CreateFileSystem"}, {"fsx", "CreateDataRepositoryAssociation"}, {"execute-api", "CreateCluster"},
					{"datasync", "CreateLocationS3"}, {"datasync", "CreateLocationFsxLustre"}, {"datasync", "CreateTask"}} {
					if err := gw.SetFault(gateway.Fault{Service: op[0], Operation: op[1], LostRate: 1, Times: 1}); err != nil {
						t.Fatal(err)
					}
				}
			},
			Config: hybridConfig{name: name, ingest: true, ray: 1}.render(t),
			Check:  checkOneEnvironment(t, name),
		}},
	})
	t.Logf("campaign: lost answers: faults injected %d", faultCount(gw.Calls()[start:]))
}

// TestAccHybridCluster_sandboxUnreachable: every service drops every connection for 20 s while the apply
// waits for the file system; the apply rides it out.
func TestAccHybridCluster_sandboxUnreachable(t *testing.T) {
	gw := acctest.Gateway(t)
	name := acctest.RandomName()
	start := len(gw.Calls())
	done := make(chan struct{})
	t.Cleanup(func() { close(done); gw.ClearFaults() })
	outage := func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if acctest.CountOps(gw.Calls()[start:], "fsx", "CreateFileSystem") > 0 {
				break
			}
		}
		for _, svc := range []string{"ec2", "fsx", "datasync", "execute-api", "sts", "s3"} {
			if err := gw.SetFault(gateway.Fault{Service: svc, Operation: "*", DropRate: 1}); err != nil {
				t.Error(err)
			}
		}
		select {
		case <-done:
		case <-time.After(20 * time.Second):
		}
		gw.ClearFaults()
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNothingLeft(t, name),
		Steps: []resource.TestStep{{
			PreConfig: func() { go outage() },
			Config:    hybridConfig{name: name, ray: 1}.render(t),
		}},
	})
	dropped := 0
	for _, c := range gw.Calls()[start:] {
		if c.Fault == gateway.FaultDrop {
			dropped++
		}
	}
	if dropped == 0 {
		t.Fatal("no connection was dropped")
	}
	t.Logf("campaign: sandbox unreachable 20 s: connections dropped %d", dropped)
}

// TestAccHybridCluster_partDeletedOutOfBand: each part deleted behind Terraform's back is made again by
// the next apply, and only that part (its identifiers are the only ones unknown in the plan). It injects
// no fault and deletes only its own environment's objects, so it runs in parallel with _basic.
func TestAccHybridCluster_partDeletedOutOfBand(t *testing.T) {
	name := acctest.RandomName()
	cfg := hybridConfig{name: name, ingest: true, ray: 1}.render(t)
	steps := []resource.TestStep{{Config: cfg}}
	for _, d := range outOfBandDeletes(t, name) {
		steps = append(steps, resource.TestStep{
			PreConfig: d.delete,
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(resName, tfjsonpath.New("changed_parts"), knownvalue.ListExact(d.changes)),
			}},
			Check: checkOneEnvironment(t, name),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNothingLeft(t, name),
		Steps:                    steps,
	})
}

// TestAccHybridCluster_kubernetesUnreachable: the Kubernetes API drops every connection for 20 s right
// after the RayCluster is applied, while the apply waits for it to be ready; the apply rides it out.
func TestAccHybridCluster_kubernetesUnreachable(t *testing.T) {
	kube := acctest.KubeFaults(t, 0, 0)
	name := acctest.RandomName()
	done := make(chan struct{})
	t.Cleanup(func() { close(done); kube.SetDown(false) })
	outage := func() {
		for kube.Count("PATCH", "/rayclusters/") == 0 {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
		kube.SetDown(true)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
		}
		kube.SetDown(false)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNothingLeft(t, name),
		Steps: []resource.TestStep{{
			PreConfig: func() { go outage() },
			Config:    hybridConfig{name: name, ray: 1}.render(t),
		}},
	})
	if kube.Dropped.Load() == 0 {
		t.Fatal("no Kubernetes connection was dropped")
	}
	t.Logf("campaign: Kubernetes unreachable 20 s: connections dropped %d", kube.Dropped.Load())
}
