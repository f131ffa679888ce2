// SPDX-License-Identifier: MPL-2.0

package examplestest_test

import (
	"os"
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

func TestMain(m *testing.M) {
	// The examples declare source = "rayhpc/rayhpc": serve the in-process provider under that address.
	if err := os.Setenv(acctest.ProviderNamespaceEnv, "rayhpc"); err != nil {
		panic(err)
	}
	acctest.RunMain(m)
}
