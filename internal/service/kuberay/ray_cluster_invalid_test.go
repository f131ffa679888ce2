// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// Bad input gets a plan-time diagnostic naming the attribute and the rule, and nothing is applied
// to the cluster or called in AWS but the read-only instance type lookup.
func TestAccKubeRayRayCluster_invalid(t *testing.T) {
	ok := acctest.RandomName()
	cases := []struct {
		name, config, want string
	}{
		{"name not DNS-1035", testAccConfig(clusterOpts{name: "9-starts-with-digit"}), `(?s)invalid RayCluster name.*a DNS-1035 label`},
		{"name too long", testAccConfig(clusterOpts{name: strings.Repeat("a", 54)}), `no more than 53 characters`},
		{"quantity", testAccConfig(clusterOpts{name: ok, head: `cpu = "two"`}), `(?s)invalid Kubernetes quantity.*"two"`},
		{"replicas above max", testAccConfig(clusterOpts{name: ok, workers: workerGroup("w", 5, "max_replicas = 2")}), `replicas \(5\) must be between min_replicas \(0\) and max_replicas \(2\)`},
		{"min above max", testAccConfig(clusterOpts{name: ok, workers: workerGroup("w", 1, "min_replicas = 3\n    max_replicas = 2")}), `min_replicas \(3\) must not exceed max_replicas \(2\)`},
		{"duplicate group", testAccConfig(clusterOpts{name: ok, workers: workerGroup("w", 1, "") + workerGroup("w", 1, "")}), `worker group name "w" is used more than once`},
		{"group name", testAccConfig(clusterOpts{name: ok, workers: workerGroup("Bad_Name", 1, "")}), `invalid worker group name`},
		{"negative GPUs", testAccConfig(clusterOpts{name: ok, workers: workerGroup("w", 1, "gpu = -1")}), `(?s)worker_group\[0\]\.gpu.*value must be between 0 and 64`},
		{"GPU on a CPU type", testAccConfig(clusterOpts{name: ok, workers: workerGroup("w", 1,
			"gpu = 1\n    node_selector = { \"node.kubernetes.io/instance-type\" = \"m6i.xlarge\" }")}), `(?s)worker_group\[0\].gpu.*1 GPU\(s\) requested, m6i.xlarge has 0`},
		{"EFA beyond the type", testAccConfig(clusterOpts{name: ok, workers: workerGroup("w", 1,
			"gpu = 8\n    efa_interfaces = 5\n    node_selector = { \"node.kubernetes.io/instance-type\" = \"p4d.24xlarge\" }")}), `5 EFA interface\(s\) requested, p4d.24xlarge has 4`},
		{"EFA on a non-EFA type", testAccConfig(clusterOpts{name: ok, workers: workerGroup("w", 1,
			"efa_interfaces = 1\n    node_selector = { \"node.kubernetes.io/instance-type\" = \"g5.xlarge\" }")}), `1 EFA interface\(s\) requested, g5.xlarge has 0`},
		{"no connection", strings.Replace(testAccConfig(clusterOpts{name: ok}), "eks_cluster_name", "# eks_cluster_name", 1), `(?s)one \(and only one\) of\s+\[eks_cluster_name,kubernetes\] is required`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, PlanOnly: true, ExpectError: regexp.MustCompile(wrapTolerant(tc.want))}},
			})
		})
	}
}

// wrapTolerant lets each space of a pattern match the line breaks terraform puts in long diagnostics.
func wrapTolerant(pattern string) string { return strings.ReplaceAll(pattern, " ", `\s+`) }
