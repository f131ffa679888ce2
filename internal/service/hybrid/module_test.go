// SPDX-License-Identifier: MPL-2.0

package hybrid_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/inventory"
)

// The module examples/modules/hybrid-environment composes the individual resources; applied as it ships
// against this package's sandbox it gets the sandbox's EKS cluster (TF_VAR_eks_cluster_name), so it makes
// its Ray cluster too. Its parts carry no rayhpc_hybrid_cluster tag: what it leaves is found by listing
// the whole sandbox before and after (this test is not parallel: no other test of the package runs then).

// moduleName is the module's default name, which names each of its parts.
const moduleName = "hybrid-env"

func TestAccExample_hybridEnvironmentModule(t *testing.T) {
	before := listInventory(t)
	// With a workflow, the module places it on its queues and worker group with its head node types, and
	// its Ray head's CPU and memory (set below the defaults) as the head's task capacity.
	t.Setenv("TF_VAR_workflow_wfcommons_json", moduleTrace)
	t.Setenv("TF_VAR_ray", `{ head = { cpu = "1", memory = "4Gi" } }`)
	acctest.TestExample(t, "modules/hybrid-environment", checkRayInventory(t, moduleName), checkModuleRayOutputs, checkModulePlacement)
	if left := newObjects(before, listInventory(t)); len(left) > 0 {
		t.Errorf("objects the module made left in the sandbox after destroy:\n%s", strings.Join(left, "\n"))
	}
}

// checkModuleRayOutputs checks the module's ray_cluster output (addresses in the namespace) and that its
// platforms output holds the Ray worker group as a pool beside the two queues.
func checkModuleRayOutputs(s *terraform.State) error {
	outs := s.RootModule().Outputs
	rc, ok := outputValue(outs, "ray_cluster").(map[string]any)
	if !ok {
		return fmt.Errorf("output ray_cluster is %#v, want an object", outputValue(outs, "ray_cluster"))
	}
	head, _ := rc["head_service_name"].(string)
	if !strings.HasPrefix(head, moduleName) {
		return fmt.Errorf("output ray_cluster.head_service_name = %q, want the head service of %s", head, moduleName)
	}
	want := map[string]string{
		"id":             "default/" + moduleName,
		"client_address": "ray://" + head + ".default.svc.cluster.local:10001",
		"dashboard_url":  "http://" + head + ".default.svc.cluster.local:8265",
	}
	for k, w := range want {
		if v, _ := rc[k].(string); v != w {
			return fmt.Errorf("output ray_cluster.%s = %q, want %q", k, v, w)
		}
	}
	platforms, _ := outputValue(outs, "platforms").(map[string]any)
	hpc, _ := platforms["hpc"].([]any)
	ray, _ := platforms["ray"].([]any)
	if len(hpc) != 2 || len(ray) != 1 {
		return fmt.Errorf("output platforms has %d hpc and %d ray pools, want 2 and 1: %#v", len(hpc), len(ray), platforms)
	}
	pool, _ := ray[0].(map[string]any)
	if fmt.Sprintf("%v %v %v %v %v", pool["name"], pool["instance_type"], pool["min_nodes"], pool["max_nodes"], pool["efa"]) != "cpu m6i.xlarge 1 4 false" {
		return fmt.Errorf("output platforms.ray[0] = %#v, want the cpu group on m6i.xlarge, 1 to 4 nodes, no EFA", pool)
	}
	return nil
}

// moduleTrace is a WfCommons 1.5 trace of two programs: four short tasks, then one that merges them.
const moduleTrace = `{
  "name": "module", "schemaVersion": "1.5",
  "workflow": {
    "specification": {
      "tasks": [
        {"name": "work_1", "id": "work_1", "children": ["merge_1"]},
        {"name": "work_2", "id": "work_2", "children": ["merge_1"]},
        {"name": "work_3", "id": "work_3", "children": ["merge_1"]},
        {"name": "work_4", "id": "work_4", "children": ["merge_1"]},
        {"name": "merge_1", "id": "merge_1", "parents": ["work_1", "work_2", "work_3", "work_4"]}
      ],
      "files": []
    },
    "execution": {
      "tasks": [
        {"id": "work_1", "runtimeInSeconds": 20, "command": {"program": "work"}},
        {"id": "work_2", "runtimeInSeconds": 21, "command": {"program": "work"}},
        {"id": "work_3", "runtimeInSeconds": 19, "command": {"program": "work"}},
        {"id": "work_4", "runtimeInSeconds": 20, "command": {"program": "work"}},
        {"id": "merge_1", "runtimeInSeconds": 3, "command": {"program": "merge"}}
      ]
    }
  }
}`

// checkModulePlacement checks the module's placement: made (placement_table), with the module's head node
// types (the default c5.xlarge Slurm head and m6i.xlarge Ray head), each priced by the sandbox's Price List,
// the Ray head's task capacity from its container's limits (1 CPU, 4Gi), and its serial queue of c5.xlarge
// nodes among the pools.
func checkModulePlacement(s *terraform.State) error {
	rs := s.RootModule().Resources["rayhpc_workflow_placement.this.0"]
	if rs == nil || rs.Primary == nil {
		return fmt.Errorf("the module made no rayhpc_workflow_placement.this[0] with workflow_wfcommons_json set")
	}
	a := rs.Primary.Attributes
	api := "AWS Price List API, us-east-1, on demand, Linux"
	for k, w := range map[string]string{
		"hpc_head_node_instance_type": "c5.xlarge", "ray_head_node_instance_type": "m6i.xlarge",
		"price_sources.hpc_head_node": api + " (c5.xlarge)", "price_sources.ray_head_node": api + " (m6i.xlarge)",
		"hpc.1.name": "serial", "hpc.1.instance_type": "c5.xlarge",
		"model_overrides.%": "2", "model_overrides.ray_head_task_vcpus": "1", "model_overrides.ray_head_task_memory_gib": "4",
	} {
		if a[k] != w {
			return fmt.Errorf("rayhpc_workflow_placement.this[0] %s = %q, want %q", k, a[k], w)
		}
	}
	if table, _ := outputValue(s.RootModule().Outputs, "placement_table").(string); !strings.Contains(table, "merge") {
		return fmt.Errorf("output placement_table has no stage merge:\n%s", table)
	}
	return nil
}

func outputValue(outs map[string]*terraform.OutputState, name string) any {
	if o, ok := outs[name]; ok && o != nil {
		return o.Value
	}
	return nil
}

// listInventory lists the whole sandbox, Kubernetes included (RAYHPC_SANDBOX_KUBECONFIG).
func listInventory(t *testing.T) inventory.Inventory {
	t.Helper()
	ctx := context.Background()
	opts, err := inventory.FromEnv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Kube == nil {
		t.Fatal("the inventory does not list Kubernetes: RAYHPC_SANDBOX_KUBECONFIG is not set")
	}
	opts.AWS.RetryMaxAttempts = listingAttempts
	inv, err := inventory.List(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// newObjects lists, as "kind: id", the objects of after that before did not hold, but for file systems
// being deleted (the sandbox keeps them DELETING for a while, as FSx does).
func newObjects(before, after inventory.Inventory) []string {
	var out []string
	for _, kind := range inventory.Kinds {
		for _, id := range after[kind] {
			if !slices.Contains(before[kind], id) && !strings.HasSuffix(id, "(DELETING)") {
				out = append(out, kind+": "+id)
			}
		}
	}
	return out
}
