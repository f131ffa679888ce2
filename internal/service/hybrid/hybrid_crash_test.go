// SPDX-License-Identifier: MPL-2.0

package hybrid_test

import (
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// killPoint is a moment at which terraform (and the provider) is killed: right after the sandbox served
// the call, before Terraform could record anything.
type killPoint struct{ what, service, operation string }

// createKills are points of a create: after the call that made each part.
var createKills = []killPoint{
	{"the EFA launch template", "ec2", "CreateLaunchTemplate"},
	{"the file system", "fsx", "CreateFileSystem"},
	{"the cluster (the Ray cluster being made at the same time)", "execute-api", "CreateCluster"},
	{"the ingest task", "datasync", "CreateTask"},
}

// destroyKills are points of a destroy: while the cluster and while the file system are being deleted.
// The environment of createKills[i] is destroyed with destroyKills[i] (when there is one).
var destroyKills = []killPoint{
	{"the cluster's delete", "execute-api", "DeleteCluster"},
	{"the file system's delete", "fsx", "DeleteFileSystem"},
}

// TestAccHybridCluster_killedDuringCreateAndDestroy: terraform is killed (SIGKILL) at several points of a
// create; the next apply adopts what the killed one made (nothing made twice) and the plan is then empty.
// Two of these environments are then destroyed with terraform killed during the destroy; the next
// destroy removes what is left. Nothing is left after any of them.
func TestAccHybridCluster_killedDuringCreateAndDestroy(t *testing.T) {
	gw := acctest.Gateway(t)
	for i, k := range createKills {
		sub := "create killed after " + k.what
		if i < len(destroyKills) {
			sub += ", destroy killed during " + destroyKills[i].what
		}
		t.Run(sub, func(t *testing.T) {
			name := acctest.RandomName()
			cli := acctest.NewCLI(t)
			cli.WriteConfig(hybridConfig{name: name, ingest: true, ray: 1}.render(t))
			start := len(gw.Calls())
			cli.KillDuringApply(func(calls []gateway.Call) bool {
				return acctest.HasCall(acctest.CallsSince(calls, start), k.service, k.operation)
			})
			cli.Apply()
			if err := checkOneEnvironment(t, name)(nil); err != nil {
				t.Error(err)
			}
			if changes, out := cli.Plan(); changes {
				t.Errorf("the plan after the converged apply is not empty:\n%s", out)
			}
			if i < len(destroyKills) {
				d := destroyKills[i]
				start := len(gw.Calls())
				cli.KillDuringDestroy(func(calls []gateway.Call) bool {
					return acctest.HasCall(acctest.CallsSince(calls, start), d.service, d.operation)
				})
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
