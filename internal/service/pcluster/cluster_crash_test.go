// SPDX-License-Identifier: MPL-2.0

package pcluster_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/inventory"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/pcluster"
)

// withTags adds a tags argument to a standalone configuration.
func withTags(cfg, tags string) string {
	i := strings.LastIndex(cfg, "}")
	return cfg[:i] + "  tags = " + tags + "\n}\n"
}

// testAccCheckNothingNamed checks, by listing the sandbox by kind (internal/sandbox/inventory: file
// systems, security groups, placement groups, launch templates, DataSync objects, ParallelCluster
// clusters), never from state, that nothing named after name is left: the cluster, or the parts of an
// EFA network of the same name. Instances carry no name; testAccCheckNoHeadNode covers them.
func testAccCheckNothingNamed(name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		o, err := inventory.FromEnv(context.Background())
		if err != nil {
			return err
		}
		inv, err := inventory.List(context.Background(), o)
		if err != nil {
			return err
		}
		for _, kind := range inventory.Kinds {
			for _, id := range inv[kind] {
				if strings.Contains(id, name) {
					return fmt.Errorf("after destroy the sandbox still holds %s %s", kind, id)
				}
			}
		}
		return nil
	}
}

// testAccCheckNoHeadNode checks that no instance of the cluster is left in EC2 (terminated aside).
func testAccCheckNoHeadNode(t *testing.T, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		out, err := ec2.NewFromConfig(acctest.Sandbox(t).AWSConfig()).DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{
			Filters: []ec2types.Filter{{Name: aws.String("tag:parallelcluster:cluster-name"), Values: []string{name}}},
		})
		if err != nil {
			return err
		}
		for _, r := range out.Reservations {
			for _, i := range r.Instances {
				if i.State != nil && i.State.Name != ec2types.InstanceStateNameTerminated {
					return fmt.Errorf("instance %s of cluster %s is %s", aws.ToString(i.InstanceId), name, i.State.Name)
				}
			}
		}
		return nil
	}
}

// An injected CREATE_FAILED: the error carries ParallelCluster's failure code and reason and the stack
// events behind them; the cluster stays in state (tainted) and destroy leaves nothing behind.
func TestAccHPCCluster_createFailed(t *testing.T) {
	acctest.PreCheck(t)
	c := clusterConfig{name: acctest.RandomName(), subnet: acctest.Var(t, "subnet_id")}
	cfg := withTags(c.standalone("", "c5.xlarge", c.subnet), fmt.Sprintf(`{ %q = "HeadNodeBootstrapFailure: Cluster creation failed because the head node bootstrap failed (injected by the sandbox)" }`, pcluster.FailTagKey))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(testAccCheckClusterDestroy(t), testAccCheckNoHeadNode(t, c.name)),
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexpMust(`(?s)CREATE_FAILED.*HeadNodeBootstrapFailure:\s+Cluster\s+creation\s+failed.*CloudFormation\s+stack\s+events:.*HeadNodeWaitCondition.*CREATE_FAILED.*tainted`),
		}},
	})
}

// 30% of the ParallelCluster API's answers are API Gateway's 429: create, update and destroy converge.
// Not parallel: the fault applies to every ParallelCluster API call of the sandbox.
func TestAccHPCCluster_throttled(t *testing.T) {
	skipUnlessAcc(t)
	acctest.PreCheck(t)
	gw := acctest.Gateway(t)
	if err := gw.SetFault(gateway.Fault{Service: pcluster.ServiceName, Operation: "*", ThrottleRate: 0.3}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.ClearFaults)
	before := countFaults(gw)
	c := clusterConfig{name: acctest.RandomName(), subnet: acctest.Var(t, "subnet_id")}
	bigger := strings.Replace(c.standalone("", "c5.xlarge", c.subnet), `instance_type = "c5.xlarge"`, "instance_type = \"c5.xlarge\"\n      max_count     = 20", 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroy(t),
		Steps: []resource.TestStep{
			{Config: c.standalone("", "c5.xlarge", c.subnet), Check: resource.TestCheckResourceAttr(resName, "status", "CREATE_COMPLETE")},
			{Config: bigger, Check: resource.TestCheckResourceAttr(resName, "status", "UPDATE_COMPLETE")},
		},
	})
	if n := countFaults(gw) - before; n == 0 {
		t.Error("no ParallelCluster API call was throttled: the fault was not injected")
	} else {
		t.Logf("%d ParallelCluster API calls throttled", n)
	}
}

func countFaults(gw *gateway.Gateway) int {
	n := 0
	for _, c := range gw.Calls() {
		if c.Service == pcluster.ServiceName && c.Fault != "" {
			n++
		}
	}
	return n
}

// created counts the cluster's CreateCluster calls that created it (not dry runs, not refused).
func created(e *pcluster.Emulator, name string) int {
	n := 0
	for _, c := range e.Calls() {
		if c.Cluster == name && c.Operation == "CreateCluster" && c.Detail == "" && c.Status == 202 {
			n++
		}
	}
	return n
}

// terraform is killed (SIGKILL, with the provider) while the cluster is being created; the next apply
// adopts the cluster (it carries the ownership tag and is still creating) instead of creating it again,
// the plan after it is empty, and destroy leaves nothing.
func TestAccHPCCluster_crashDuringCreate(t *testing.T) {
	skipUnlessAcc(t)
	acctest.PreCheck(t)
	e := emulator(t)
	c := clusterConfig{name: acctest.RandomName(), subnet: acctest.Var(t, "subnet_id")}
	cli := acctest.NewCLI(t)
	cli.WriteConfig(c.standalone("", "c5.xlarge", c.subnet))
	cli.KillDuringApply(func([]gateway.Call) bool { return created(e, c.name) > 0 })
	if got := cli.StateResources(); len(got) != 0 {
		t.Fatalf("the killed apply saved %v", got)
	}
	cli.Apply()
	if n := created(e, c.name); n != 1 {
		t.Errorf("the cluster was created %d times, want once", n)
	}
	if got := cli.StateResources()[resName]; got != c.name {
		t.Errorf("state holds %q for %s, want %s", got, resName, c.name)
	}
	if changes, out := cli.Plan(); changes {
		t.Errorf("the plan after the adopting apply is not empty:\n%s", out)
	}
	cli.Destroy()
	if err := testAccCheckClusterDestroy(t)(&terraform.State{Modules: []*terraform.ModuleState{{Path: []string{"root"}, Resources: map[string]*terraform.ResourceState{
		resName: {Type: "rayhpc_hpc_cluster", Primary: &terraform.InstanceState{ID: c.name}},
	}}}}); err != nil {
		t.Error(err)
	}
	if err := testAccCheckNoHeadNode(t, c.name)(nil); err != nil {
		t.Error(err)
	}
	if err := testAccCheckNothingNamed(c.name)(nil); err != nil {
		t.Error(err)
	}
}

// The answer to CreateCluster is lost (the request is served, the connection then closes): the client's
// retry gets 409 (the name is taken) and the create adopts the cluster it made, ending with one cluster.
// The plan's dry run does not run (the placement group is unknown until the EFA network exists), so the
// first CreateCluster is the one that creates. Not parallel: the fault is the sandbox's.
func TestAccHPCCluster_lostCreateAnswer(t *testing.T) {
	skipUnlessAcc(t)
	acctest.PreCheck(t)
	gw := acctest.Gateway(t)
	c := clusterConfig{name: acctest.RandomName(), subnet: acctest.Var(t, "subnet_id")}
	cfg := fmt.Sprintf(`
resource "rayhpc_efa_network" "test" {
  name          = %[1]q
  subnet_id     = %[2]q
  instance_type = "c5n.18xlarge"
}
`, c.name, c.subnet) + strings.Replace(c.standalone("", "c5n.18xlarge", c.subnet), "    \n", "    placement_group {\n      id = rayhpc_efa_network.test.placement_group_name\n    }\n", 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(testAccCheckClusterDestroy(t), testAccCheckNoHeadNode(t, c.name),
			testAccCheckNothingNamed(c.name)),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				if err := gw.SetFault(gateway.Fault{Service: pcluster.ServiceName, Operation: "CreateCluster", LostRate: 1, Times: 1}); err != nil {
					t.Fatal(err)
				}
			},
			Config: cfg,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(resName, "status", "CREATE_COMPLETE"),
				func(*terraform.State) error {
					if n := created(emulator(t), c.name); n != 1 {
						return fmt.Errorf("the cluster was created %d times, want once", n)
					}
					for _, call := range gw.Calls() {
						if call.Service == pcluster.ServiceName && call.Operation == "CreateCluster" && call.Fault == gateway.FaultLost {
							return nil
						}
					}
					return fmt.Errorf("no CreateCluster answer was lost: the fault was not injected")
				},
			),
		}},
	})
	gw.ClearFaults()
}
