// SPDX-License-Identifier: MPL-2.0

package efa_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

const dsName = "data.rayhpc_efa_instance_types.test"

// checkInstanceType finds an instance type in the data source's list and checks some of its attributes.
func checkInstanceType(name string, want map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		a := s.RootModule().Resources[dsName].Primary.Attributes
		n, _ := strconv.Atoi(a["instance_types.#"])
		for i := 0; i < n; i++ {
			p := fmt.Sprintf("instance_types.%d.", i)
			if a[p+"name"] != name {
				continue
			}
			for k, v := range want {
				got := a[p+k]
				if strings.HasSuffix(v, "*") {
					if !strings.HasPrefix(got, strings.TrimSuffix(v, "*")) {
						return fmt.Errorf("%s %s = %q, want prefix %q", name, k, got, v)
					}
				} else if got != v {
					return fmt.Errorf("%s %s = %q, want %q", name, k, got, v)
				}
			}
			return nil
		}
		return fmt.Errorf("%s not in the list (%d types)", name, n)
	}
}

func checkNotListed(name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		a := s.RootModule().Resources[dsName].Primary.Attributes
		for k, v := range a {
			if strings.HasSuffix(k, ".name") && v == name {
				return fmt.Errorf("%s is listed (%s) but should be filtered out", name, k)
			}
		}
		return nil
	}
}

// checkAll asserts a property of every listed type.
func checkAll(attr string, ok func(string) bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		a := s.RootModule().Resources[dsName].Primary.Attributes
		n, _ := strconv.Atoi(a["instance_types.#"])
		if n == 0 {
			return fmt.Errorf("no instance types listed")
		}
		for i := 0; i < n; i++ {
			if v := a[fmt.Sprintf("instance_types.%d.%s", i, attr)]; !ok(v) {
				return fmt.Errorf("%s: %s = %q fails the filter", a[fmt.Sprintf("instance_types.%d.name", i)], attr, v)
			}
		}
		return nil
	}
}

func atLeast(lo float64) func(string) bool {
	return func(v string) bool { f, err := strconv.ParseFloat(v, 64); return err == nil && f >= lo }
}

func TestAccEFAInstanceTypesDataSource_filters(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "rayhpc_efa_instance_types" "test" {
  gpu               = true
  min_vcpus         = 96
  min_memory_gib    = 1024
  architecture      = "x86_64"
  availability_zone = "us-east-1a"
}`,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkInstanceType("p5.48xlarge", map[string]string{
						"vcpus": "192", "memory_gib": "2048", "gpu_count": "8", "gpu_model": "NVIDIA H100",
						"efa_interface_count": "32", "price_per_hour": "55.04", "price_source": "pricing-api",
					}),
					checkInstanceType("p4d.24xlarge", map[string]string{"efa_interface_count": "4", "price_per_hour": "21.96", "price_source": "pricing-api"}),
					checkNotListed("c5n.18xlarge"), // no GPU
					checkNotListed("g5.48xlarge"),  // 768 GiB
					checkAll("vcpus", atLeast(96)),
					checkAll("memory_gib", atLeast(1024)),
					checkAll("gpu_count", atLeast(1)),
				),
			},
			{
				// hpc7g is offered only in us-east-1c in the sandbox's (moto's) offerings.
				Config: `
data "rayhpc_efa_instance_types" "test" {
  gpu               = false
  architecture      = "arm64"
  availability_zone = "us-east-1c"
}`,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkInstanceType("hpc7g.16xlarge", map[string]string{
						"vcpus": "64", "gpu_count": "0", "architectures.0": "arm64", "price_per_hour": "1.6832", "price_source": "pricing-api",
					}),
					checkNotListed("c5n.18xlarge"),
					checkAll("architectures.0", func(v string) bool { return v == "arm64" }),
				),
			},
			{
				Config: `
data "rayhpc_efa_instance_types" "test" {
  availability_zone = "us-east-1a"
}`,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkInstanceType("c5n.18xlarge", map[string]string{"vcpus": "72", "efa_interface_count": "1", "network_performance": "100 Gigabit", "price_per_hour": "3.888"}),
					checkNotListed("hpc7g.16xlarge"), // not offered in us-east-1a
					checkNotListed("m6i.xlarge"),     // no EFA
				),
			},
		},
	})
}

// When the Price List API fails, prices come from the placement engine's catalog with their source.
// Not parallel: the fault applies to every Pricing call of the sandbox.
func TestAccEFAInstanceTypesDataSource_pricingFallback(t *testing.T) {
	skipUnlessAcc(t)
	acctest.PreCheck(t)
	gw := acctest.Gateway(t)
	if err := gw.SetFault(gateway.Fault{Service: "pricing", Operation: "GetProducts", ErrorRate: 1.0}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.ClearFaults)
	before := gw.CountCalls("pricing", "GetProducts")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "rayhpc_efa_instance_types" "test" {
  gpu       = true
  min_vcpus = 192
}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				checkInstanceType("p5.48xlarge", map[string]string{"price_per_hour": "55.04", "price_source": "catalog: *"}),
				checkAll("price_source", func(v string) bool { return v != "pricing-api" }),
			),
		}},
	})
	if n := gw.CountCalls("pricing", "GetProducts") - before; n == 0 {
		t.Error("the data source never called GetProducts")
	}
}
