// SPDX-License-Identifier: MPL-2.0

package hybrid_test

import (
	"strings"
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// killPoint is a moment at which terraform (and the provider) is killed: right after the sandbox served
// the call, before Terraform could record anything. Service "kube" is a request to the Kubernetes API
// (operation "METHOD path-part"), seen by acctest.KubeFaults' proxy.
type killPoint struct{ what, service, operation string }

// reached reports whether the call (or Kubernetes request) of the kill point has been served.
func (k killPoint) reached(calls []gateway.Call, kube *acctest.KubeFaultProxy, start, kubeStart int) bool {
	if k.service == "kube" {
		method, part, _ := strings.Cut(k.operation, " ")
		return kube.Count(method, part) > kubeStart
	}
	return acctest.HasCall(acctest.CallsSince(calls, start), k.service, k.operation)
}

func (k killPoint) mark(gw *gateway.Gateway, kube *acctest.KubeFaultProxy) (int, int) {
	method, part, _ := strings.Cut(k.operation, " ")
	return len(gw.Calls()), kube.Count(method, part)
}

// createKills are points of a create: after the call that made each part.
var createKills = []killPoint{
	{"the EFA launch template", "ec2", "CreateLaunchTemplate"},
	{"the file system", "fsx", "CreateFileSystem"},
	{"the cluster (the Ray cluster being made at the same time)", "execute-api", "CreateCluster"},
	{"the RayCluster's apply", "kube", "PATCH /rayclusters/"},
	{"the ingest task", "datasync", "CreateTask"},
}

// destroyKills are points of a destroy: while the cluster, the file system and the Ray cluster are being
// deleted.
// The environment of createKills[i] is destroyed with destroyKills[i] (when there is one).
var destroyKills = []killPoint{
	{"the cluster's delete", "execute-api", "DeleteCluster"},
	{"the file system's delete", "fsx", "DeleteFileSystem"},
	{"the RayCluster's delete", "kube", "DELETE /rayclusters/"},
}

// TestAccHybridCluster_killedDuringCreateAndDestroy: terraform is killed (SIGKILL) at several points of a
// create; the next apply adopts what the killed one made (nothing made twice) and the plan is then empty.
// Two of these environments are then destroyed with terraform killed during the destroy; the next
// destroy removes what is left. Nothing is left after any of them.
func TestAccHybridCluster_killedDuringCreateAndDestroy(t *testing.T) {
	gw := acctest.Gateway(t)
	kube := acctest.KubeFaults(t, 0, 0) // faults off: it only sees the Ray cluster's requests
	for i, k := range createKills {
		sub := "create killed after " + k.what
		if i < len(destroyKills) {
			sub += ", destroy killed during " + destroyKills[i].what
		}
		t.Run(sub, func(t *testing.T) {
			name := acctest.RandomName()
			cli := acctest.NewCLI(t)
			cli.WriteConfig(hybridConfig{name: name, ingest: true, ray: 1}.render(t))
			start, kubeStart := k.mark(gw, kube)
			cli.KillDuringApply(func(calls []gateway.Call) bool { return k.reached(calls, kube, start, kubeStart) })
			cli.Apply()
			if err := checkOneEnvironment(t, name)(nil); err != nil {
				t.Error(err)
			}
			if changes, out := cli.Plan(); changes {
				t.Errorf("the plan after the converged apply is not empty:\n%s", out)
			}
			if i < len(destroyKills) {
				d := destroyKills[i]
				start, kubeStart := d.mark(gw, kube)
				cli.KillDuringDestroy(func(calls []gateway.Call) bool { return d.reached(calls, kube, start, kubeStart) })
			}
			cli.Destroy()
			if err := checkNothingLeft(t, name)(nil); err != nil {
				t.Error(err)
			}
			if res := cli.StateResources(); len(res) != 0 {
				t.Errorf("the state still holds %v", res)
			}
		})
	}
}
