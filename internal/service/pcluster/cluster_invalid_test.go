// SPDX-License-Identifier: MPL-2.0

package pcluster_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// Plan-time errors: each names the attribute and the rule, and no cluster is created (the emulator saw
// no CreateCluster that was not a dry run).
func TestAccHPCCluster_invalid(t *testing.T) {
	acctest.PreCheck(t)
	subnet := acctest.Var(t, "subnet_id")
	for name, tc := range map[string]struct {
		cfg  func(c clusterConfig) string
		want string
	}{
		"cluster name": {
			cfg: func(c clusterConfig) string {
				return strings.Replace(c.String(), `name = "`+c.name+`"`, `name = "9-lives"`, 1)
			},
			want: `(?s)name.*can contain only alphanumeric characters`,
		},
		"min above max": {
			cfg: func(c clusterConfig) string {
				return strings.Replace(c.String(), "max_count     = 4", "max_count     = 4\n      min_count     = 6", 1)
			},
			want: `(?s)queue\[0\]\.compute_resource\[0\].*max count must be greater than or equal to min\s+count`,
		},
		"efa on a non-efa type": {
			cfg:  func(c clusterConfig) string { c.efaType = "c5.xlarge"; return c.String() },
			want: `(?s)queue\[0\]\.compute_resource\[0\]\.efa: instance type 'c5\.xlarge' does\s+not\s+support\s+EFA`,
		},
		"queue name": {
			cfg: func(c clusterConfig) string {
				return strings.Replace(c.String(), `name       = "serial"`, `name       = "Serial_Queue"`, 1)
			},
			want: `(?s)queue\[1\]\.name must begin with a letter and only contain lowercase\s+letters, digits and hyphens`,
		},
		"duplicate queue": {
			cfg: func(c clusterConfig) string {
				return strings.Replace(c.String(), `name       = "serial"`, `name       = "mpi"`, 1)
			},
			want: `(?s)queue\[1\]\.name: the queue name "mpi" is used twice`,
		},
		"reserved tag": {
			cfg: func(c clusterConfig) string {
				c.extra = "  tags = { \"parallelcluster:x\" = \"y\" }\n"
				return c.String()
			},
			want: `(?s)tags\["parallelcluster:x"\]: the tag key prefix "parallelcluster:" is reserved`,
		},
		// A placement group or subnet that does not exist is only a plan warning (this apply may create
		// it); the create refuses it (see TestAccHPCCluster_missingReferences).
		// The dry run: ParallelCluster's own rule (EfaPlacementGroupValidator) as a plan warning does not
		// stop the plan; an instance type unknown to EC2 is an error.
		"dry run: unknown instance type": {
			cfg:  func(c clusterConfig) string { return c.standalone("", "c9.huge", c.subnet) },
			want: `(?s)ParallelCluster validation: error.*The instance type 'c9\.huge' is not\s+supported`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := clusterConfig{name: acctest.RandomName(), subnet: subnet}
			cfg := tc.cfg(c)
			if cfg == c.String() {
				t.Fatal("the case does not change the configuration")
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      cfg,
					PlanOnly:    true,
					ExpectError: regexpMust(tc.want),
				}},
				CheckDestroy: func(*terraform.State) error {
					for _, call := range emulator(t).Calls() {
						if call.Cluster == c.name && call.Operation == "CreateCluster" && call.Detail != "dryrun" && call.Status == 202 {
							t.Errorf("a cluster was created despite the plan error: %+v", call)
						}
					}
					return nil
				},
			})
		})
	}
}

// A placement group and a subnet that do not exist: the plan warns (the apply might create them), the
// create fails with ParallelCluster's validation errors, and no cluster exists.
func TestAccHPCCluster_missingReferences(t *testing.T) {
	acctest.PreCheck(t)
	c := clusterConfig{name: acctest.RandomName(), subnet: acctest.Var(t, "subnet_id")}
	cfg := strings.Replace(c.standalone(`placement_group { id = "no-such-group" }`, "c5n.18xlarge", "subnet-0000000000000000f"), "    \n", "", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroy(t),
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexpMust(`(?s)creating ParallelCluster cluster.*InvalidSubnetID\.NotFound.*subnet-0000000000000000f.*placement\s+group\s+'no-such-group'\s+is\s+unknown`),
		}},
	})
	if n := created(emulator(t), c.name); n != 0 {
		t.Errorf("%d clusters created", n)
	}
}
