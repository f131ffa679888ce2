// SPDX-License-Identifier: MPL-2.0

package pcluster_test

import (
	"os"
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

func TestMain(m *testing.M) {
	acctest.RunMain(m)
}

// skipUnlessAcc skips a test that talks to the sandbox outside resource.Test when TF_ACC is unset,
// as resource.Test itself does.
func skipUnlessAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
}
