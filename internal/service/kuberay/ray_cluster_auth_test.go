// SPDX-License-Identifier: MPL-2.0

package kuberay_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox"
)

// The kubernetes block with tokens the sandbox's apiserver checks as EKS does (its webhook, package
// ekstoken; TestAuthenticate there covers each rule, TestStack/webhook the apiserver's use of it): a
// token minted now for the cluster reaches it, while an expired token (signed 20 minutes ago; EKS
// accepts 15), a token for another cluster and a token that is no EKS token are refused, and the
// refusal is the error the apply reports, with nothing recorded in state (the post-test destroy, which
// would need the refused token, has nothing to do).
func TestAccKubeRayRayCluster_tokens(t *testing.T) {
	skipUnlessAcc(t)
	ctx := context.Background()
	c := providerClient(t)
	mint := func(cluster string, at time.Time) string {
		tok, _, err := c.EKSToken(ctx, cluster, at)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	st := acctest.Sandbox(t).Kube()
	config := func(name, token string) string {
		return testAccConfigKubernetes(name, st.Host, st.CAPEM, token, `timeouts = { create = "3m" }`)
	}
	refused := regexp.MustCompile(`(?s)refused\s+the\s+credentials.*Unauthorized`)
	for _, tc := range []struct{ name, token string }{
		{"expired", mint(sandbox.EKSClusterName, time.Now().Add(-20*time.Minute))},
		{"other cluster", mint("other-cluster", time.Now())},
		{"not an EKS token", conns.EKSTokenPrefix + "bm90LWEtcHJlc2lnbmVkLXVybA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: config(acctest.RandomName(), tc.token), ExpectError: refused}},
			})
		})
	}
	t.Run("valid", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			CheckDestroy:             testAccCheckDestroy(t),
			Steps: []resource.TestStep{{
				Config: config(acctest.RandomName(), mint(sandbox.EKSClusterName, time.Now())),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("state"), knownvalue.StringExact("ready")),
				},
			}},
		})
	})
}
