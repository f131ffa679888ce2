// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// The resource example applies as it ships against the sandbox (EKS cluster, KubeRay, kwok nodes),
// plans empty and destroys; registered in internal/examplestest's appliedElsewhere.
func TestAccExample_rayCluster(t *testing.T) {
	acctest.TestExample(t, "resources/rayhpc_ray_cluster")
}
