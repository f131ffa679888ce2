// SPDX-License-Identifier: MPL-2.0

package hybrid_test

import (
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

func TestMain(m *testing.M) {
	acctest.RunMainKubernetes(m)
}
