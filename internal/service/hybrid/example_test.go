// SPDX-License-Identifier: MPL-2.0

package hybrid_test

import (
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// The examples with a Ray cluster need the sandbox's Kubernetes control plane, which this package starts
// (internal/examplestest registers them in appliedElsewhere). Each ends with nothing of its environment
// left in the sandbox, Kubernetes included.

func TestAccExample_hybridCluster(t *testing.T) {
	acctest.TestExample(t, "resources/rayhpc_hybrid_cluster", checkRayInventory(t, "genomics"))
	if err := checkNothingLeft(t, "genomics")(nil); err != nil {
		t.Error(err)
	}
}

func TestAccExample_demo(t *testing.T) {
	acctest.TestExample(t, "demo", checkRayInventory(t, "rayhpc-demo"))
	if err := checkNothingLeft(t, "rayhpc-demo")(nil); err != nil {
		t.Error(err)
	}
}
