// SPDX-License-Identifier: MPL-2.0

package pcluster_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/pcluster"
	pc "github.com/rayhpc/terraform-provider-rayhpc/internal/service/pcluster"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

const resName = "rayhpc_hpc_cluster.test"

// clusterConfig is a cluster on a Lustre workspace with one EFA queue in the EFA network's placement
// group, and one plain queue.
type clusterConfig struct {
	name, subnet string
	maxCount     int
	efaType      string // instance type of the EFA compute resource
	plainType    string // instance type of the second queue
	scaledown    int
	extra        string // more arguments of the cluster
}

func (c clusterConfig) String() string {
	if c.maxCount == 0 {
		c.maxCount = 4
	}
	if c.efaType == "" {
		c.efaType = "c5n.18xlarge"
	}
	if c.plainType == "" {
		c.plainType = "c5.xlarge"
	}
	if c.scaledown == 0 {
		c.scaledown = 10
	}
	return fmt.Sprintf(`
resource "rayhpc_efa_network" "test" {
  name          = %[1]q
  subnet_id     = %[2]q
  instance_type = "c5n.18xlarge"
}

resource "rayhpc_lustre_workspace" "test" {
  name                 = %[1]q
  deployment_type      = "SCRATCH_2"
  storage_capacity_gib = 1200
  subnet_id            = %[2]q
}

resource "rayhpc_hpc_cluster" "test" {
  name = %[1]q
  os   = "alinux2023"

  head_node {
    instance_type = "t3.medium"
    subnet_id     = %[2]q
  }

  slurm {
    scaledown_idle_minutes = %[6]d
  }

  queue {
    name       = "mpi"
    subnet_ids = [%[2]q]
    placement_group {
      id = rayhpc_efa_network.test.placement_group_name
    }
    compute_resource {
      name          = "efa-nodes"
      instance_type = %[4]q
      max_count     = %[3]d
      efa {}
    }
  }

  queue {
    name       = "serial"
    subnet_ids = [%[2]q]
    compute_resource {
      name          = "small"
      instance_type = %[5]q
    }
  }

  shared_storage {
    name      = "workspace"
    mount_dir = "/fsx"
    fsx_lustre {
      file_system_id = rayhpc_lustre_workspace.test.id
    }
  }
%[7]s
  timeouts = {
    create = "5m"
  }
}
`, c.name, c.subnet, c.maxCount, c.efaType, c.plainType, c.scaledown, c.extra)
}

// standalone is a cluster whose every value is known at plan time (no other resource), so the plan
// runs the API's dry run.
func (c clusterConfig) standalone(placement, instanceType, queueSubnet string) string {
	return fmt.Sprintf(`
resource "rayhpc_hpc_cluster" "test" {
  name = %[1]q
  os   = "alinux2023"
  head_node {
    instance_type = "t3.medium"
    subnet_id     = %[2]q
  }
  queue {
    name       = "compute"
    subnet_ids = [%[5]q]
    %[3]s
    compute_resource {
      name          = "nodes"
      instance_type = %[4]q
    }
  }
}
`, c.name, c.subnet, placement, instanceType, queueSubnet)
}

func emulator(t *testing.T) *pcluster.Emulator {
	t.Helper()
	return acctest.Sandbox(t).ParallelCluster()
}

// calls returns the emulator's calls for one cluster as "Operation:Detail" (reads left out).
func calls(e *pcluster.Emulator, cluster string) []string {
	var out []string
	from, _ := since.Load(cluster)
	mark, _ := from.(time.Time)
	for _, c := range e.Calls() {
		if c.Time.Before(mark) || c.Cluster != cluster || strings.HasPrefix(c.Operation, "Describe") || strings.HasPrefix(c.Operation, "Get") {
			continue
		}
		out = append(out, c.Operation+":"+c.Detail)
	}
	return out
}

func testAccCheckClusterDestroy(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "rayhpc_hpc_cluster" {
				continue
			}
			_, err := pc.FindCluster(context.Background(), apiClient(t), "us-east-1", rs.Primary.ID)
			if !wait.NotFound(err) {
				return fmt.Errorf("ParallelCluster cluster %s still exists (%v)", rs.Primary.ID, err)
			}
		}
		return nil
	}
}

func TestAccHPCCluster_basic(t *testing.T) {
	acctest.PreCheck(t)
	cfg := clusterConfig{name: acctest.RandomName(), subnet: acctest.Var(t, "subnet_id")}
	sameStack := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: cfg.String(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("status"), knownvalue.StringExact("CREATE_COMPLETE")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("compute_fleet_status"), knownvalue.StringExact("RUNNING")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("version"), knownvalue.StringExact(pcluster.Version)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("head_node_instance_id"), knownvalue.StringRegexp(regexpInstance)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("cloudformation_stack_arn"), knownvalue.StringRegexp(regexpStack)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("ssh_command"), knownvalue.StringRegexp(regexpSSH)),
					sameStack.AddStateValue(resName, tfjsonpath.New("cloudformation_stack_arn")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckHeadNodeInMoto(t, resName),
					testAccCheckConfigMentions(resName, "FsxLustreSettings", "FileSystemId: fs-", "Id: "+cfg.name, "Efa:"),
				),
			},
			{
				ResourceName:            resName,
				ImportState:             true,
				ImportStateId:           cfg.name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// Nothing changed: the refresh reads the configuration back and the plan is empty.
				Config:            cfg.String(),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{sameStack.AddStateValue(resName, tfjsonpath.New("cloudformation_stack_arn"))},
			},
		},
	})
}

// deleteOutOfBand deletes the cluster through the API, as someone outside Terraform would, and waits
// until it is gone.
func deleteOutOfBand(t *testing.T, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c := apiClient(t)
		if _, err := c.DeleteClusterWithResponse(context.Background(), name, nil); err != nil {
			return err
		}
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if r, err := describe(t, name); err == nil && r.StatusCode() == 404 {
				return nil
			}
		}
		return fmt.Errorf("cluster %s not gone a minute after DeleteCluster", name)
	}
}

// Deleted outside Terraform: the refresh drops it from state with a warning and the next plan creates it.
func TestAccHPCCluster_disappears(t *testing.T) {
	acctest.PreCheck(t)
	c := clusterConfig{name: acctest.RandomName(), subnet: acctest.Var(t, "subnet_id")}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroy(t),
		Steps: []resource.TestStep{{
			Config:             c.standalone("", "c5.xlarge", c.subnet),
			Check:              deleteOutOfBand(t, c.name),
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate),
			}},
		}},
	})
}

// A configuration changed outside Terraform (MaxCount raised through the API) is read back, and the next
// apply updates the cluster back to what the configuration says.
func TestAccHPCCluster_configurationDrift(t *testing.T) {
	acctest.PreCheck(t)
	c := clusterConfig{name: acctest.RandomName(), subnet: acctest.Var(t, "subnet_id")}
	cfg := c.standalone("", "c5.xlarge", c.subnet)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroy(t),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					r, err := describe(t, c.name)
					if err != nil || r.JSON200 == nil || r.JSON200.ClusterConfiguration.Url == nil {
						t.Fatalf("describe: %v", err)
					}
					doc, err := pc.FetchConfiguration(context.Background(), *r.JSON200.ClusterConfiguration.Url)
					if err != nil {
						t.Fatal(err)
					}
					drifted := strings.Replace(doc, "MaxCount: 10", "MaxCount: 12", 1)
					u, err := apiClient(t).UpdateClusterWithResponse(context.Background(), c.name, nil, api.UpdateClusterJSONRequestBody{ClusterConfiguration: drifted})
					if err != nil || u.JSON202 == nil {
						t.Fatalf("out-of-band update: %v %s", err, u.Body)
					}
					for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
						if r, err := describe(t, c.name); err == nil && r.JSON200 != nil && r.JSON200.ClusterStatus == "UPDATE_COMPLETE" {
							return
						}
					}
					t.Fatal("the out-of-band update did not complete")
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
				}},
				Check: testAccCheckConfigMentions(resName, "MaxCount: 10"),
			},
		},
	})
}

// A module that builds its queues with dynamic blocks over a value known only after apply plans (the
// block list is unknown at plan time) instead of failing with a value conversion error.
func TestAccHPCCluster_dynamicQueuesUnknownAtPlan(t *testing.T) {
	acctest.PreCheck(t)
	name, subnet := acctest.RandomName(), acctest.Var(t, "subnet_id")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			Config: fmt.Sprintf(`
resource "terraform_data" "queues" {
  input = [{ name = "compute", instance_type = "c5.xlarge" }]
}

resource "rayhpc_hpc_cluster" "test" {
  name = %[1]q
  os   = "alinux2023"
  head_node {
    instance_type = "t3.medium"
    subnet_id     = %[2]q
  }
  dynamic "queue" {
    for_each = terraform_data.queues.output
    content {
      name       = queue.value.name
      subnet_ids = [%[2]q]
      compute_resource {
        name          = "nodes"
        instance_type = queue.value.instance_type
      }
    }
  }
}
`, name, subnet),
		}},
	})
}
