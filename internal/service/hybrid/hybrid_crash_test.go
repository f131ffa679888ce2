// SPDX-License-Identifier: MPL-2.0

package hybrid_test

import (
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// killPoints are moments of a create at which terraform (and the provider) is killed: after the call
// that made a part was served, before Terraform could record anything.
var killPoints = []struct{ after, service, operation string }{
	{"the EFA launch template", "ec2", "CreateLaunchTemplate"},
	{"the file system", "fsx", "CreateFileSystem"},
	{"the cluster", "execute-api", "CreateCluster"},
	{"the ingest task", "datasync", "CreateTask"},
}

// TestAccHybridCluster_killedDuringCreate: terraform is killed (SIGKILL) at several points of a create;
// the next apply adopts what the killed one made (nothing made twice), destroy leaves nothing.
func TestAccHybridCluster_killedDuringCreate(t *testing.T) {
	gw := acctest.Gateway(t)
	for _, k := range killPoints {
		t.Run("after "+k.after, func(t *testing.T) {
			name := acctest.RandomName()
			cli := acctest.NewCLI(t)
			cli.WriteConfig(hybridConfig{name: name, ingest: true}.render(t))
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
			cli.Destroy()
			if err := checkNothingLeft(t, name)(nil); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestAccHybridCluster_killedDuringDestroy: terraform is killed while the destroy deletes the cluster and
// while it deletes the file system; the next destroy removes what is left.
func TestAccHybridCluster_killedDuringDestroy(t *testing.T) {
	gw := acctest.Gateway(t)
	for _, k := range []struct{ during, service, operation string }{
		{"the cluster's delete", "execute-api", "DeleteCluster"},
		{"the file system's delete", "fsx", "DeleteFileSystem"},
	} {
		t.Run("during "+k.during, func(t *testing.T) {
			name := acctest.RandomName()
			cli := acctest.NewCLI(t)
			cli.WriteConfig(hybridConfig{name: name, ingest: true}.render(t))
			cli.Apply()
			start := len(gw.Calls())
			cli.KillDuringDestroy(func(calls []gateway.Call) bool {
				return acctest.HasCall(acctest.CallsSince(calls, start), k.service, k.operation)
			})
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
