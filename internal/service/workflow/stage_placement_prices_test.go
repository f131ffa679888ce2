// SPDX-License-Identifier: MPL-2.0

package workflow_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// testAccPricesWorkflow is a two-stage workflow pinned to Lambda (1 GB read, 0.5 GB written per task: /tmp
// above the free 512 MB) and Fargate (30 GB read per task: ephemeral storage above the free 20 GB), in an
// environment made for the run. extra goes into the data source (a provider, overrides).
func testAccPricesWorkflow(name, extra string) string {
	return fmt.Sprintf(`
data "rayhpc_stage_placement" %[1]q {
%[2]s
  stage {
    name         = "fn"
    task_count   = 10
    runtime_s    = 30
    memory_mb    = 1024
    input_bytes  = 1000000000
    output_bytes = 500000000
    pin          = "serverless"
  }
  stage {
    name        = "job"
    task_count  = 4
    runtime_s   = 600
    cores       = 2
    memory_mb   = 4096
    input_bytes = 30000000000
    depends_on  = ["fn"]
    pin         = "batch"
  }
  serverless {
    name = "lambda"
  }
  batch {
    name = "batch"
  }
  environment_up = false
}
`, name, extra)
}

const noSTS = `
provider "rayhpc" {
  skip_credentials_validation = true
}
`

const londonProvider = `
provider "rayhpc" {
  alias  = "london"
  region = "eu-west-2"
}
`

// usEast1Overrides are us-east-1's Fargate, Lambda /tmp and S3 request prices (the catalogue's), given to
// a London placement through model_overrides.
const usEast1Overrides = `  model_overrides = {
    fargate_vcpu_hour          = 0.04048
    fargate_gb_hour            = 0.004445
    fargate_ephemeral_gb_hour  = 0.000111
    lambda_ephemeral_gb_second = 0.0000000309
    s3_get_per_1000            = 0.0004
    s3_put_per_1000            = 0.005
  }`

// The same workflow priced in us-east-1 and in eu-west-2 (London) through the Price List API: every
// price of the placement says where it came from; London's Fargate (+15%), Lambda ephemeral storage
// and S3 request prices make its stages dearer; FSx for Lustre, which the API does not price there,
// falls back to the offline catalogue. With us-east-1's prices as model_overrides the London placement
// costs exactly what the us-east-1 one does: the overrides win over the API, and the difference came
// from those prices alone. (One Region per step: the test harness serves every provider configuration
// from one provider server, so aliases of one provider would share the last configuration.)
func TestAccStagePlacementDataSource_regionalPrices(t *testing.T) {
	use1, london, fixed := "data.rayhpc_stage_placement.use1", "data.rayhpc_stage_placement.london", "data.rayhpc_stage_placement.fixed"
	api := func(region, usage string) knownvalue.Check {
		return knownvalue.StringRegexp(regexp.MustCompile(`^AWS Price List API, ` + region + `, on demand: \S+ ` + regexp.QuoteMeta(usage) + ` \(SKU `))
	}
	src := func(item string) tfjsonpath.Path { return tfjsonpath.New("price_sources").AtMapKey(item) }
	var use1Costs [2]float64
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccPricesWorkflow("use1", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(use1, src("fargate_vcpu_hour"), api("us-east-1", "USE1-Fargate-vCPU-Hours:perCPU")),
				statecheck.ExpectKnownValue(use1, src("lambda_gb_second_x86"),
					knownvalue.StringRegexp(regexp.MustCompile(`us-east-1, on demand: AWSLambda Lambda-GB-Second \(SKU \w+, per Lambda-GB-Second, first tier\)$`))),
				statecheck.ExpectKnownValue(use1, src("lustre_gb_month"), api("us-east-1", "USE1-Storage")),
			},
			Check: stageCosts(use1, &use1Costs),
		}, {
			Config: `
provider "rayhpc" {
  region = "eu-west-2"
}
` + testAccPricesWorkflow("london", "") + testAccPricesWorkflow("fixed", usEast1Overrides),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(london, src("fargate_vcpu_hour"), api("eu-west-2", "EUW2-Fargate-vCPU-Hours:perCPU")),
				statecheck.ExpectKnownValue(london, src("fargate_gb_hour"), api("eu-west-2", "EUW2-Fargate-GB-Hours")),
				statecheck.ExpectKnownValue(london, src("fargate_ephemeral_gb_hour"), api("eu-west-2", "EUW2-Fargate-EphemeralStorage-GB-Hours")),
				statecheck.ExpectKnownValue(london, src("lambda_gb_second_x86"), api("eu-west-2", "EUW2-Lambda-GB-Second")),
				statecheck.ExpectKnownValue(london, src("lambda_ephemeral_gb_second"), api("eu-west-2", "EUW2-Lambda-Storage-GB-Second")),
				statecheck.ExpectKnownValue(london, src("s3_get_per_1000"), api("eu-west-2", "EUW2-Requests-Tier2")),
				// No London Lustre price in the Price List: the offline catalogue's, with its source.
				statecheck.ExpectKnownValue(london, src("lustre_gb_month"),
					knownvalue.StringRegexp(regexp.MustCompile(`^Amazon FSx for Lustre pricing page, us-east-1, SCRATCH_2`))),
				statecheck.ExpectKnownValue(london, src("pool.batch"), api("eu-west-2", "EUW2-Fargate-vCPU-Hours:perCPU")),
				statecheck.ExpectKnownValue(fixed, src("fargate_vcpu_hour"), knownvalue.StringExact("configuration (model_overrides)")),
				statecheck.ExpectKnownValue(fixed, src("lambda_gb_second_x86"), api("eu-west-2", "EUW2-Lambda-GB-Second")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				// Fargate: $0.04656/$0.04048 per vCPU-hour, $0.00511/$0.004445 per GB-hour.
				checkStageCostRatio(london, &use1Costs, 1, 1.14, 1.16),
				// Lambda: the same duration and request prices, dearer /tmp and S3 requests.
				checkStageCostRatio(london, &use1Costs, 0, 1.0000001, 1.2),
				checkStageCostRatio(fixed, &use1Costs, 0, 1, 1),
				checkStageCostRatio(fixed, &use1Costs, 1, 1, 1),
			),
		}},
	})
}

// stageCosts records the cost of the first two stages of a placement.
func stageCosts(n string, costs *[2]float64) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[n]
		if !ok {
			return fmt.Errorf("not found in state: %s", n)
		}
		for i := range costs {
			c, err := attrFloat(rs, fmt.Sprintf("stages.%d.cost_usd", i))
			if err != nil {
				return err
			}
			costs[i] = c
		}
		return nil
	}
}

// checkStageCostRatio checks that stage i of n costs between lo and hi times base[i] (equal, to the
// outputs' 6 decimals, when lo = hi = 1).
func checkStageCostRatio(n string, base *[2]float64, i int, lo, hi float64) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var got [2]float64
		if err := stageCosts(n, &got)(s); err != nil {
			return err
		}
		if lo == 1 && hi == 1 {
			if got[i] != base[i] || got[i] == 0 {
				return fmt.Errorf("stage %d: %s $%v, us-east-1 $%v, want equal", i, n, got[i], base[i])
			}
			return nil
		}
		if r := got[i] / base[i]; !(r >= lo && r <= hi) {
			return fmt.Errorf("stage %d: %s $%v / us-east-1 $%v = %.5f, want between %v and %v", i, n, got[i], base[i], r, lo, hi)
		}
		return nil
	}
}

// The real terraform CLI shows the fallback warning, naming the price the Price List API lacks in
// London (FSx for Lustre) and the reason, and no other.
func TestAccStagePlacementDataSource_pricesFallbackWarning(t *testing.T) {
	cli := acctest.NewCLI(t)
	cli.WriteConfig(londonProvider + testAccPricesWorkflow("london", "  provider = rayhpc.london") + `
output "lustre_source" {
  value = data.rayhpc_stage_placement.london.price_sources["lustre_gb_month"]
}
`)
	out := cli.Apply()
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"Warning: Service prices from the offline catalogue",
		"The AWS Price List API gave no price in eu-west-2 for: - lustre_gb_month: no AmazonFSx product with usage type Storage priced per GB-Mo in eu-west-2",
		`lustre_source = "Amazon FSx for Lustre pricing page, us-east-1`,
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("apply output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(flat, "- fargate") || strings.Contains(flat, "- lambda") || strings.Contains(flat, "- s3") {
		t.Errorf("the warning names prices London has:\n%s", out)
	}
	cli.Destroy()
}

// pricing_api = false makes no AWS call at all (with the provider's STS check skipped, nothing reaches the
// sandbox); the same configuration with the default makes one Price List listing per service. Requests
// are counted, not the SDK's retries of them (acctest.FirstAttempts). Not parallel: it counts the
// package's calls.
func TestAccStagePlacementDataSource_pricingAPIOff(t *testing.T) {
	gw := acctest.Gateway(t)
	var before int
	mark := func() { before = len(gw.Calls()) }
	count := func(want func(all, pricing int) bool, what string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			calls := acctest.CallsSince(gw.Calls(), before)
			requests := acctest.FirstAttempts(calls)
			all, pricing := len(requests), acctest.CountOps(requests, "pricing", "GetProducts")
			if !want(all, pricing) {
				return fmt.Errorf("%d AWS requests (%d GetProducts), want %s: %+v", all, pricing, what, calls)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: mark,
			Config:    noSTS + testAccPricesWorkflow("off", "  pricing_api = false"),
			Check: resource.ComposeAggregateTestCheckFunc(
				count(func(all, _ int) bool { return all == 0 }, "none"),
				resource.TestMatchResourceAttr("data.rayhpc_stage_placement.off", "price_sources.fargate_vcpu_hour",
					regexp.MustCompile(`^AWS Fargate pricing page, us-east-1`)),
			),
		}, {
			PreConfig: mark,
			Config:    noSTS + testAccPricesWorkflow("off", ""),
			// Lambda, Fargate, FSx and S3: one listing each per read (the step reads more than once).
			Check: count(func(all, pricing int) bool { return pricing >= 4 && pricing%4 == 0 && all == pricing }, "4 per read, all GetProducts"),
		}},
	})
}

// testAccRightSizeWorkflow is a workflow of 1-core tasks on a right-sized hpc pool (no instance_type): 100
// tasks of 2 GiB and 19 of 4 GiB, 100 s each. A c6i node (2 GiB per vCPU) holds half as many of the 4 GiB
// tasks as an m6i node (4 GiB per vCPU), so the right-sizer's choice between them rests on their relative
// prices: m6i at us-east-1's (c6i 89% of m6i per vCPU), c6i at us-gov-west-1's (84%).
func testAccRightSizeWorkflow(provider, use string) string {
	return provider + `
data "rayhpc_stage_placement" "rs" {
` + use + `
  stage {
    name        = "small"
    task_count  = 100
    runtime_s   = 100
    memory_mb   = 2048
    pin         = "hpc"
  }
  stage {
    name        = "large"
    task_count  = 19
    runtime_s   = 100
    memory_mb   = 4096
    pin         = "hpc"
  }
  hpc {
    name = "hpc"
  }
  serverless {
    name = "fn"
  }
  environment_up = false
}

output "hpc_type" {
  value = data.rayhpc_stage_placement.rs.stages[0].instance_type
}

output "hpc_source" {
  value = data.rayhpc_stage_placement.rs.price_sources["pool.hpc"]
}

output "head_source" {
  value = data.rayhpc_stage_placement.rs.price_sources["hpc_head_node"]
}
`
}

// Right-sizing with the Region's prices, through the terraform CLI: the same workflow gets m6i nodes in
// us-east-1 and c6i nodes in us-gov-west-1, whose price (and the head node's) price_sources names as the
// Price List API's for that Region. One plan (one read of the data source) makes 4 GetProducts calls: one
// for the 21 candidate types and the head node (an ANY_OF filter on instanceType), one each for Lambda,
// FSx and S3. They are counted as logical requests (acctest.FirstAttempts): an SDK retry of a call whose
// answer the client failed to read (the gateway logged it 200) is the same request, and under load the
// SDK makes one now and then (see FirstAttempts). Not parallel: it sets the environment.
func TestAccStagePlacementDataSource_regionRightSize(t *testing.T) {
	gw := acctest.Gateway(t)
	// The CLI's provider signs with credentials of its own (moto's STS issues them, the gateway knows
	// them), so that its calls are told from any other test's in the package's call log.
	out, err := sts.NewFromConfig(acctest.AWSConfig(t)).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/rightsize"), RoleSessionName: aws.String("rightsize"),
	})
	if err != nil {
		t.Fatal(err)
	}
	key := aws.ToString(out.Credentials.AccessKeyId)
	t.Setenv("AWS_ACCESS_KEY_ID", key)
	t.Setenv("AWS_SECRET_ACCESS_KEY", aws.ToString(out.Credentials.SecretAccessKey))
	t.Setenv("AWS_SESSION_TOKEN", aws.ToString(out.Credentials.SessionToken))
	cli := acctest.NewCLI(t)
	gov := "provider \"rayhpc\" {\n  alias  = \"gov\"\n  region = \"us-gov-west-1\"\n}\n"
	for _, tc := range []struct{ region, provider, use, instanceType string }{
		{"us-east-1", "", "", "m6i.large"},
		{"us-gov-west-1", gov, "  provider = rayhpc.gov", "c6i.large"},
	} {
		cli.WriteConfig(testAccRightSizeWorkflow(tc.provider, tc.use))
		before := len(gw.Calls())
		_, out := cli.Plan()
		var calls []gateway.Call
		for _, c := range acctest.CallsSince(gw.Calls(), before) {
			if c.AccessKeyID == key {
				calls = append(calls, c)
			}
		}
		flat := strings.Join(strings.Fields(out), " ")
		src := "AWS Price List API, " + tc.region + ", on demand, Linux"
		for _, want := range []string{
			`hpc_type = "` + tc.instanceType + `"`,
			`hpc_source = "` + src + `"`,
			`head_source = "` + src + ` (c6i.large)"`,
		} {
			if !strings.Contains(flat, want) {
				t.Errorf("%s: plan output lacks %q:\n%s", tc.region, want, out)
			}
		}
		if strings.Contains(flat, "EC2 prices from the offline catalogue") {
			t.Errorf("%s: a candidate type fell back to the catalogue:\n%s", tc.region, out)
		}
		if n := acctest.CountOps(acctest.FirstAttempts(calls), "pricing", "GetProducts"); n != 4 || acctest.CountOps(calls, "sts", "GetCallerIdentity") == 0 {
			t.Errorf("%s: %d GetProducts requests (first attempts) in the plan, want 4: %+v", tc.region, n, calls)
		}
	}
}
