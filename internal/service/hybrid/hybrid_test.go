// SPDX-License-Identifier: MPL-2.0

package hybrid_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

const resName = "rayhpc_hybrid_cluster.test"

// hybridConfig is an environment in the sandbox's subnet on its data lake.
type hybridConfig struct {
	name       string
	capacity   int    // Lustre GiB, default 1200
	extraQueue bool   // a third queue
	ingest     bool   // an S3 ingest into the workspace
	ray        int    // Ray worker groups (0: no Ray cluster)
	provider   string // a provider block, e.g. with max_retries
}

// rayBlock is a Ray cluster on the sandbox's EKS cluster with n worker groups on its kwok nodes.
func (c hybridConfig) rayBlock(t *testing.T) string {
	t.Helper()
	if c.ray == 0 {
		return ""
	}
	groups := `
      { name = "cpu", instance_type = "m6i.xlarge", replicas = 1, max_replicas = 2, cpu = "1", memory = "2Gi" },`
	if c.ray > 1 {
		groups += `
      { name = "gpu", instance_type = "g5.xlarge", replicas = 1, gpu = 1, cpu = "1", memory = "4Gi" },`
	}
	return fmt.Sprintf(`
  ray = {
    eks_cluster_name = %[1]q
    ray_version      = "2.46.0"
    head             = { instance_type = "m6i.xlarge", cpu = "1", memory = "2Gi" }
    worker_group = [%[2]s
    ]
  }
`, acctest.Var(t, "eks_cluster_name"), groups)
}

func (c hybridConfig) render(t *testing.T) string {
	t.Helper()
	if c.capacity == 0 {
		c.capacity = 1200
	}
	queues := `
      { name = "mpi", instance_type = "c5n.18xlarge", max_count = 16, efa = true },
      { name = "serial", instance_type = "c5.xlarge", min_count = 1, max_count = 8, capacity_type = "SPOT" },`
	if c.extraQueue {
		queues += `
      { name = "big", instance_type = "m5.2xlarge", max_count = 4 },`
	}
	ingest := c.rayBlock(t)
	if c.ingest {
		ingest += fmt.Sprintf(`
  ingest = {
    source = {
      s3 = {
        bucket_arn             = "arn:aws:s3:::%[1]s"
        subdirectory           = "/raw"
        bucket_access_role_arn = %[2]q
      }
    }
    subdirectory = "/ingest"
  }`, acctest.Var(t, "data_lake_bucket"), acctest.Var(t, "datasync_role_arn"))
	}
	return fmt.Sprintf(`%[6]s
resource "rayhpc_hybrid_cluster" "test" {
  name      = %[1]q
  subnet_id = %[2]q

  data_lake = {
    s3_uri = "s3://%[3]s/raw/"
  }

  lustre = {
    deployment_type      = "SCRATCH_2"
    storage_capacity_gib = %[4]d
  }

  efa = {
    instance_type = "c5n.18xlarge"
  }

  hpc = {
    head_node_instance_type = "c5.xlarge"
    queue = [%[5]s
    ]
  }
%[7]s
  tags = {
    project = "acc"
  }

  # A part that never converges fails the test in minutes, not after the 3-hour defaults.
  timeouts = {
    create = "10m"
    update = "10m"
    delete = "10m"
  }
}
`, c.name, acctest.Var(t, "subnet_id"), acctest.Var(t, "data_lake_bucket"), c.capacity, queues, c.provider, ingest)
}

// checkNothingLeft lists the sandbox by kind and fails when anything of the environment is left: its
// objects carry its name (launch template, placement group, security groups, cluster, task).
func checkNothingLeft(t *testing.T, name string) resource.TestCheckFunc {
	t.Helper()
	return func(*terraform.State) error {
		left, err := leftovers(t, name)
		if err != nil {
			return err
		}
		if len(left) > 0 {
			return fmt.Errorf("objects of %s left in the sandbox after destroy:\n%s", name, strings.Join(left, "\n"))
		}
		return nil
	}
}

func TestAccHybridCluster_basic(t *testing.T) {
	name := acctest.RandomName()
	cfg := hybridConfig{name: name, ingest: true}
	sameFS := statecheck.CompareValue(compare.ValuesSame())
	// Parallel with the other tests that inject no fault and read no call log: each sees only its own
	// environment (leftovers attributes every object to its environment).
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNothingLeft(t, name),
		Steps: []resource.TestStep{
			{
				Config: cfg.render(t),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("efa_placement_group_name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("hpc_cluster_name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("lustre_file_system_id"), knownvalue.StringRegexp(regexp.MustCompile(`^fs-`))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("efa_security_group_id"), knownvalue.StringRegexp(regexp.MustCompile(`^sg-`))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("lustre_mount_command"), knownvalue.StringRegexp(regexp.MustCompile(`mount -t lustre .*@tcp:/.* /fsx`))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("ingest_task_arn"), knownvalue.StringRegexp(regexp.MustCompile(`:task/task-`))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("hpc_head_node_private_ip"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("platforms").AtMapKey("hpc"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("mpi"), "instance_type": knownvalue.StringExact("c5n.18xlarge"),
							"min_nodes": knownvalue.Int64Exact(0), "max_nodes": knownvalue.Int64Exact(16), "efa": knownvalue.Bool(true), "spot": knownvalue.Bool(false)}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("serial"), "instance_type": knownvalue.StringExact("c5.xlarge"),
							"min_nodes": knownvalue.Int64Exact(1), "max_nodes": knownvalue.Int64Exact(8), "efa": knownvalue.Bool(false), "spot": knownvalue.Bool(true)}),
					})),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("changed_parts"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("efa_network: create"), knownvalue.StringExact("lustre_workspace: create"),
						knownvalue.StringExact("hpc_cluster: create"), knownvalue.StringExact("ingest: create")})),
					sameFS.AddStateValue(resName, tfjsonpath.New("lustre_file_system_id")),
				},
				Check: checkWiring(t, name),
			},
			{
				ResourceName: resName, ImportState: true, ImportStateId: name,
				ImportStateCheck: checkImported(name),
			},
		},
	})
}

// checkWiring checks in the sandbox that the parts are wired together: the cluster mounts the
// workspace, its EFA queue is in the EFA placement group, and the file system admits the EFA group.
func checkWiring(t *testing.T, name string) resource.TestCheckFunc {
	t.Helper()
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[resName].Primary.Attributes
		cfg, err := clusterConfigYAML(t, name)
		if err != nil {
			return err
		}
		for _, want := range []string{"FileSystemId: " + attrs["lustre_file_system_id"], "Id: " + attrs["efa_placement_group_name"], attrs["efa_security_group_id"], "MountDir: /fsx"} {
			if !strings.Contains(cfg, want) {
				return fmt.Errorf("the cluster configuration lacks %q:\n%s", want, cfg)
			}
		}
		return checkLustreAdmits(t, attrs["lustre_security_group_id"], attrs["efa_security_group_id"])
	}
}

func checkImported(name string) resource.ImportStateCheckFunc {
	return func(states []*terraform.InstanceState) error {
		if len(states) != 1 {
			return fmt.Errorf("imported %d resources", len(states))
		}
		a := states[0].Attributes
		for _, k := range []string{"efa_security_group_id", "efa_launch_template_id", "lustre_file_system_id", "ingest_task_arn"} {
			if a[k] == "" {
				return fmt.Errorf("import found no %s (attributes %v)", k, a)
			}
		}
		if a["hpc_cluster_name"] != name || a["efa_placement_group_name"] != name {
			return fmt.Errorf("import: cluster %q, placement group %q", a["hpc_cluster_name"], a["efa_placement_group_name"])
		}
		return nil
	}
}

// TestAccHybridCluster_updatesOnlyTheChangedPart: a Lustre capacity increase updates the file system and
// nothing else; a new queue updates the cluster and nothing else; the plan names the part each time.
func TestAccHybridCluster_updatesOnlyTheChangedPart(t *testing.T) {
	name := acctest.RandomName()
	gw := acctest.Gateway(t)
	var mark int
	sameFS, sameSG := statecheck.CompareValue(compare.ValuesSame()), statecheck.CompareValue(compare.ValuesSame())
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNothingLeft(t, name),
		Steps: []resource.TestStep{
			{
				Config: hybridConfig{name: name}.render(t),
				ConfigStateChecks: []statecheck.StateCheck{
					sameFS.AddStateValue(resName, tfjsonpath.New("lustre_file_system_id")),
					sameSG.AddStateValue(resName, tfjsonpath.New("efa_security_group_id")),
				},
				Check: func(*terraform.State) error { mark = len(gw.Calls()); return nil },
			},
			{
				Config: hybridConfig{name: name, capacity: 2400}.render(t),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(resName, tfjsonpath.New("changed_parts"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("lustre_workspace: update")})),
					plancheck.ExpectKnownValue(resName, tfjsonpath.New("hpc_head_node_private_ip"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameFS.AddStateValue(resName, tfjsonpath.New("lustre_file_system_id")),
					sameSG.AddStateValue(resName, tfjsonpath.New("efa_security_group_id")),
				},
				Check: func(*terraform.State) error {
					calls := gw.Calls()[mark:]
					mark = len(gw.Calls())
					return expectOnly(calls, []string{"fsx:UpdateFileSystem"}, []string{"execute-api:UpdateCluster", "execute-api:UpdateComputeFleet",
						"ec2:CreateLaunchTemplateVersion", "fsx:CreateFileSystem", "execute-api:CreateCluster", "execute-api:DeleteCluster"})
				},
			},
			{
				Config: hybridConfig{name: name, capacity: 2400, extraQueue: true}.render(t),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(resName, tfjsonpath.New("changed_parts"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("hpc_cluster: update")})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameFS.AddStateValue(resName, tfjsonpath.New("lustre_file_system_id")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("platforms").AtMapKey("hpc").AtSliceIndex(2).AtMapKey("name"), knownvalue.StringExact("big")),
				},
				Check: func(*terraform.State) error {
					return expectOnly(gw.Calls()[mark:], []string{"execute-api:UpdateCluster"},
						[]string{"fsx:UpdateFileSystem", "ec2:CreateLaunchTemplateVersion", "fsx:CreateFileSystem", "execute-api:CreateCluster", "execute-api:DeleteCluster"})
				},
			},
		},
	})
}

// expectOnly checks that calls include every operation of want and none of forbidden.
func expectOnly(calls []gateway.Call, want, forbidden []string) error {
	count := func(op string) int {
		svc, name, _ := strings.Cut(op, ":")
		return acctest.CountOps(calls, svc, name)
	}
	for _, op := range want {
		if count(op) == 0 {
			return fmt.Errorf("the update made no %s call", op)
		}
	}
	for _, op := range forbidden {
		if n := count(op); n > 0 {
			return fmt.Errorf("the update made %d %s call(s): it touched a part that did not change", n, op)
		}
	}
	return nil
}
