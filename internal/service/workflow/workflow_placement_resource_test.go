// SPDX-License-Identifier: MPL-2.0

package workflow_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/workflow"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

const resName = "rayhpc_workflow_placement.test"

func s3Client(t *testing.T) *s3.Client {
	t.Helper()
	return s3.NewFromConfig(acctest.AWSConfig(t), func(o *s3.Options) { o.UsePathStyle = true })
}

func manifestKey() string { return "placements/" + acctest.RandomName() + ".json" }

// testAccWorkflowPlacementConfig: three stages on the default platforms. prepRuntime decides where prep
// goes: short tasks fit Lambda, tasks over the 900 s function timeout cannot.
// testAccWorkflowPlacementConfig places three stages in an environment made for the run
// (environment_up = false), where prep runs whole on Lambda while its tasks fit Lambda's timeout.
func testAccWorkflowPlacementConfig(bucket, key string, prepRuntime float64) string {
	return fmt.Sprintf(`
resource "rayhpc_workflow_placement" "test" {
  environment_up = false
  stage {
    name       = "prep"
    task_count = 200
    runtime_s  = %[3]v
    memory_mb  = 1024
  }
  stage {
    name       = "simulate"
    task_count = 4
    runtime_s  = 1800
    cores      = 16
    coupling   = "mpi"
    depends_on = ["prep"]
  }
  stage {
    name       = "reduce"
    task_count = 1
    runtime_s  = 30
    depends_on = ["simulate"]
  }

  manifest {
    bucket = %[1]q
    key    = %[2]q
  }
}
`, bucket, key, prepRuntime)
}

func testAccCheckWorkflowPlacementDestroy(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		conn := s3Client(t)
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "rayhpc_workflow_placement" {
				continue
			}
			bucket, key, _ := strings.Cut(rs.Primary.ID, "/")
			_, err := workflow.FindManifest(context.Background(), conn, bucket, key)
			if wait.NotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			return fmt.Errorf("manifest s3://%s still exists", rs.Primary.ID)
		}
		return nil
	}
}

// testAccCheckManifestMatchesState reads the object back and compares it with the state: content,
// ETag, format version, input hash and every stage's pool.
func testAccCheckManifestMatchesState(t *testing.T, n string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[n]
		if !ok {
			return fmt.Errorf("not found in state: %s", n)
		}
		a := rs.Primary.Attributes
		obj, err := workflow.FindManifest(context.Background(), s3Client(t), a["manifest.bucket"], a["manifest.key"])
		if err != nil {
			return err
		}
		if string(obj.Body) != a["manifest_json"] {
			return fmt.Errorf("manifest in S3 differs from manifest_json:\n%s\n---\n%s", obj.Body, a["manifest_json"])
		}
		if obj.ETag != a["manifest_etag"] {
			return fmt.Errorf("ETag %q, state says %q", obj.ETag, a["manifest_etag"])
		}
		m := workflow.ParseManifest(obj.Body)
		if m == nil {
			return fmt.Errorf("the object is not a placement manifest:\n%s", obj.Body)
		}
		if m.Version != 1 || m.InputHash != a["input_hash"] || fmt.Sprint(m.ExpectedCostUSD) == "0" {
			return fmt.Errorf("manifest version %d, input hash %s (state %s), cost %v", m.Version, m.InputHash, a["input_hash"], m.ExpectedCostUSD)
		}
		if !(m.MakespanLowerBoundS > 0 && m.MakespanLowerBoundS <= m.ExpectedMakespanS) ||
			!(m.CostLowerBoundUSD > 0 && m.CostLowerBoundUSD <= m.ExpectedCostUSD) {
			return fmt.Errorf("manifest bounds %v s, %v USD; placement %v s, %v USD", m.MakespanLowerBoundS, m.CostLowerBoundUSD,
				m.ExpectedMakespanS, m.ExpectedCostUSD)
		}
		if len(m.Stages) != 3 || len(m.Pools) == 0 {
			return fmt.Errorf("manifest has %d stages and %d pools", len(m.Stages), len(m.Pools))
		}
		for i, st := range m.Stages {
			if want := a[fmt.Sprintf("stages.%d.pool", i)]; st.Pool != want {
				return fmt.Errorf("manifest stage %s on %s, state says %s", st.Name, st.Pool, want)
			}
		}
		return nil
	}
}

func testAccDeleteManifest(t *testing.T, n string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		a := s.RootModule().Resources[n].Primary.Attributes
		_, err := s3Client(t).DeleteObject(context.Background(), &s3.DeleteObjectInput{
			Bucket: aws.String(a["manifest.bucket"]), Key: aws.String(a["manifest.key"])})
		return err
	}
}

// testAccEditManifest rewrites the manifest as someone editing it by hand would: the simulate stage
// moved to another pool.
func testAccEditManifest(t *testing.T, n string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		a := s.RootModule().Resources[n].Primary.Attributes
		body := strings.Replace(a["manifest_json"], `"pool": "hpc"`, `"pool": "ray"`, 1)
		if body == a["manifest_json"] {
			return fmt.Errorf("could not edit the manifest:\n%s", body)
		}
		_, err := s3Client(t).PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String(a["manifest.bucket"]), Key: aws.String(a["manifest.key"]), Body: bytes.NewReader([]byte(body))})
		return err
	}
}

// Create writes the manifest; an unchanged configuration plans nothing; import by bucket/key reads it
// back; destroy removes it.
func TestAccWorkflowPlacement_basic(t *testing.T) {
	bucket, key := acctest.Var(t, "data_lake_bucket"), manifestKey()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkflowPlacementDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccWorkflowPlacementConfig(bucket, key, 20),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate),
					// Computed at plan time: known before apply.
					plancheck.ExpectKnownValue(resName, tfjsonpath.New("stages").AtSliceIndex(1).AtMapKey("platform"), knownvalue.StringExact("hpc")),
					plancheck.ExpectKnownValue(resName, tfjsonpath.New("manifest_json"), knownvalue.StringRegexp(regexp.MustCompile(`"version": 1`))),
					// The default hpc pool (c5n.18xlarge, for the mpi stage) is priced by the sandbox's Price List API.
					plancheck.ExpectKnownValue(resName, tfjsonpath.New("manifest_json"),
						knownvalue.StringRegexp(regexp.MustCompile(`"instance_type": "c5n.18xlarge",\s+"max_nodes": 16,\s+"price_source": "AWS Price List API, us-east-1, on demand, Linux"`))),
					// Every price's source, in the manifest and as an attribute: the Region's from the Price List API.
					plancheck.ExpectKnownValue(resName, tfjsonpath.New("manifest_json"), knownvalue.StringRegexp(regexp.MustCompile(
						`"price_sources": \{(\s+"[a-z_.0-9]+": "[^"]+",)*\s+"lustre_gb_month": "AWS Price List API, us-east-1, on demand: AmazonFSx USE1-Storage \(SKU`))),
					plancheck.ExpectKnownValue(resName, tfjsonpath.New("price_sources").AtMapKey("hpc_head_node"),
						knownvalue.StringExact("AWS Price List API, us-east-1, on demand, Linux (c6i.large)")),
					plancheck.ExpectUnknownValue(resName, tfjsonpath.New("manifest_etag")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("id"), knownvalue.StringExact(bucket+"/"+key)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("stages"), knownvalue.ListSizeExact(3)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("moves"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("manifest_etag"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
				},
				Check: resource.ComposeAggregateTestCheckFunc(testAccCheckManifestMatchesState(t, resName), checkBounds(resName)),
			},
			{
				Config: testAccWorkflowPlacementConfig(bucket, key, 20),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			// Read sets the bounds and gaps from the manifest as the plan computes them: after a refresh
			// the plan is still empty.
			{RefreshState: true, Check: checkBounds(resName)},
			{
				Config: testAccWorkflowPlacementConfig(bucket, key, 20),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				ResourceName:      resName,
				ImportState:       true,
				ImportStateId:     bucket + "/" + key,
				ImportStateVerify: true,
				// Inputs, the Pareto front, the baselines and the renderings are not in the manifest.
				ImportStateVerifyIgnore: []string{"stage.", "environment_up", "pareto_front", "baselines", "gantt_mermaid", "table"},
			},
		},
	})
}

// Changing an input moves a stage: the plan is an in-place update listing the move, the manifest is
// rewritten and the resource is not replaced.
func TestAccWorkflowPlacement_inputChangeMovesStage(t *testing.T) {
	bucket, key := acctest.Var(t, "data_lake_bucket"), manifestKey()
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkflowPlacementDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccWorkflowPlacementConfig(bucket, key, 20),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("platform"), knownvalue.StringExact("serverless")),
				},
			},
			{
				// prep tasks now run 1,200 s: over the Lambda timeout, prep must leave serverless.
				Config: testAccWorkflowPlacementConfig(bucket, key, 1200),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(resName, tfjsonpath.New("moves"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.StringRegexp(regexp.MustCompile(`^stage prep: serverless/lambda -> \w+/\w+ \(stage cost [+-]\d+\.\d{6} USD, stage duration [+-]\d+\.\d{3} s\)$`)),
					})),
					plancheck.ExpectUnknownValue(resName, tfjsonpath.New("manifest_etag")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("platform"), knownvalue.StringRegexp(regexp.MustCompile(`^(hpc|ray|batch)$`))),
				},
				Check: testAccCheckManifestMatchesState(t, resName),
			},
			{
				// The moves stay in state while nothing changes: the plan is empty.
				Config: testAccWorkflowPlacementConfig(bucket, key, 1200),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// stage_override on the resource: a trace stage pinned to Ray lands there, an unchanged configuration
// plans nothing (rounded outputs read back from the manifest equal the plan's), and changing the pin moves
// the stage with a move line at the outputs' precision.
func TestAccWorkflowPlacement_traceStageOverride(t *testing.T) {
	bucket, key := acctest.Var(t, "data_lake_bucket"), manifestKey()
	trace := filepath.Join(workflow.TracesDir(t), "montage-chameleon-2mass-005d-001.json")
	config := func(pin string) string {
		return fmt.Sprintf(`
resource "rayhpc_workflow_placement" "test" {
  wfcommons_json = file(%[3]q)

  stage_override {
    name = "mProject"
    pin  = %[4]q
  }

  manifest {
    bucket = %[1]q
    key    = %[2]q
  }
}
`, bucket, key, trace, pin)
	}
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkflowPlacementDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: config("ray"),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("mProject")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("platform"), knownvalue.StringExact("ray")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("manifest_json"), knownvalue.StringRegexp(
						regexp.MustCompile(`(?s)"name": "mProject",\s+"platform": "ray"`))),
				},
			},
			{
				Config: config("ray"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				Config: config("batch"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
					// The other stages may follow mProject (Ray nodes already up made them cheap there); mProject comes first.
					plancheck.ExpectKnownValue(resName, tfjsonpath.New("moves"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.StringRegexp(regexp.MustCompile(`^stage mProject: ray/ray -> batch/batch \(stage cost [+-]\d+\.\d{6} USD, stage duration [+-]\d+\.\d{3} s\)$`)),
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(resName, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("platform"), knownvalue.StringExact("batch")),
				},
			},
		},
	})
}

// A manifest deleted out of band is written again.
func TestAccWorkflowPlacement_disappears(t *testing.T) {
	bucket, key := acctest.Var(t, "data_lake_bucket"), manifestKey()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkflowPlacementDestroy(t),
		Steps: []resource.TestStep{
			{
				Config:             testAccWorkflowPlacementConfig(bucket, key, 20),
				Check:              testAccDeleteManifest(t, resName),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate),
				}},
			},
			{
				Config: testAccWorkflowPlacementConfig(bucket, key, 20),
				Check:  testAccCheckManifestMatchesState(t, resName),
			},
		},
	})
}

// A manifest edited out of band shows as an in-place update, which rewrites it.
func TestAccWorkflowPlacement_editedOutOfBand(t *testing.T) {
	bucket, key := acctest.Var(t, "data_lake_bucket"), manifestKey()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkflowPlacementDestroy(t),
		Steps: []resource.TestStep{
			{
				Config:             testAccWorkflowPlacementConfig(bucket, key, 20),
				Check:              testAccEditManifest(t, resName),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
				}},
			},
			{
				Config: testAccWorkflowPlacementConfig(bucket, key, 20),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
					// The plan moves the stage back to where the placement puts it.
					plancheck.ExpectKnownValue(resName, tfjsonpath.New("moves"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringRegexp(regexp.MustCompile(`^stage simulate: hpc/ray -> hpc/hpc `)),
					})),
				}},
				Check: testAccCheckManifestMatchesState(t, resName),
			},
		},
	})
}

// With 30 % of S3 calls throttled (SlowDown), create, refresh, update and destroy still succeed: the
// SDK's retryer rides it out. Not parallel: faults apply to the whole sandbox.
func TestAccWorkflowPlacement_throttled(t *testing.T) {
	bucket, key := acctest.Var(t, "data_lake_bucket"), manifestKey()
	gw := acctest.Gateway(t)
	if err := gw.SetFault(gateway.Fault{Service: "s3", ThrottleRate: 0.3}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.ClearFaults)
	before := len(gw.Calls())
	t.Cleanup(func() {
		throttled := 0
		for _, c := range gw.Calls()[before:] {
			if c.Service == "s3" && c.Fault != "" {
				throttled++
			}
		}
		if throttled == 0 {
			t.Error("no S3 call was throttled: the fault did not apply")
		}
	})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkflowPlacementDestroy(t),
		Steps: []resource.TestStep{
			{Config: testAccWorkflowPlacementConfig(bucket, key, 20)},
			{
				Config: testAccWorkflowPlacementConfig(bucket, key, 1200),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
				}},
			},
		},
	})
}

// In a versioned bucket every placement change is a new object version: manifest_version_id is set and
// changes with the manifest. Destroy leaves a delete marker, so the key is gone.
func TestAccWorkflowPlacement_versionedBucket(t *testing.T) {
	bucket, key := "tf-acc-placement-versioned", manifestKey()
	conn := s3Client(t) // skips without the sandbox
	ctx := context.Background()
	if _, err := conn.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		var owned *s3types.BucketAlreadyOwnedByYou
		if !errors.As(err, &owned) {
			t.Fatal(err)
		}
	}
	if _, err := conn.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	versions := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkflowPlacementDestroy(t),
		Steps: []resource.TestStep{
			{
				Config: testAccWorkflowPlacementConfig(bucket, key, 20),
				ConfigStateChecks: []statecheck.StateCheck{
					versions.AddStateValue(resName, tfjsonpath.New("manifest_version_id")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("manifest_version_id"), knownvalue.NotNull()),
				},
				Check: testAccCheckManifestMatchesState(t, resName),
			},
			{
				Config: testAccWorkflowPlacementConfig(bucket, key, 1200),
				ConfigStateChecks: []statecheck.StateCheck{
					versions.AddStateValue(resName, tfjsonpath.New("manifest_version_id")),
				},
			},
		},
	})
}

// An input unknown at plan time (here a value another resource produces) leaves the placement unknown
// in the plan; apply computes it, and the next plan is empty.
func TestAccWorkflowPlacement_unknownAtPlan(t *testing.T) {
	bucket, key := acctest.Var(t, "data_lake_bucket"), manifestKey()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkflowPlacementDestroy(t),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "runtime" {
  input = 20
}

resource "rayhpc_workflow_placement" "test" {
  stage {
    name       = "prep"
    task_count = 200
    runtime_s  = terraform_data.runtime.output
  }
  manifest {
    bucket = %[1]q
    key    = %[2]q
  }
}
`, bucket, key),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(resName, tfjsonpath.New("stages")),
				plancheck.ExpectUnknownValue(resName, tfjsonpath.New("manifest_json")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				// The standing environment's Ray head takes two of prep's tasks, the rest burst to Lambda.
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("pool"), knownvalue.StringExact("ray")),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("stages").AtSliceIndex(0).AtMapKey("burst_pool"), knownvalue.StringExact("lambda")),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("moves"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

// The manifest object carries the provider's default_tags, as everything the provider creates does.
func TestAccWorkflowPlacement_defaultTags(t *testing.T) {
	bucket, key := acctest.Var(t, "data_lake_bucket"), manifestKey()
	config := `
provider "rayhpc" {
  default_tags {
    tags = { team = "hpc", cost-center = "4711" }
  }
}
` + testAccWorkflowPlacementConfig(bucket, key, 20)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkflowPlacementDestroy(t),
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				out, err := s3Client(t).GetObjectTagging(context.Background(), &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String(key)})
				if err != nil {
					return err
				}
				got := map[string]string{}
				for _, tag := range out.TagSet {
					got[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
				}
				if got["team"] != "hpc" || got["cost-center"] != "4711" || len(got) != 2 {
					return fmt.Errorf("manifest tags %v, want the provider's default tags", got)
				}
				return nil
			},
		}},
	})
}
