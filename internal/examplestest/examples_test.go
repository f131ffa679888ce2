// SPDX-License-Identifier: MPL-2.0

package examplestest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// appliedElsewhere lists the example directories (relative to examples/) that need a part of the sandbox
// this package does not start (the ParallelCluster emulator, Kubernetes with KubeRay). The example's owner
// applies it from a test in the package that starts that part, with acctest.TestExample(t, dir), and
// registers that test here; TestExamplesRegistered checks the test exists and applies that directory.
// Every other directory is applied by TestAccExamples below.
var appliedElsewhere = map[string]struct{ Package, Test string }{
	// "resources/rayhpc_hpc_cluster": {Package: "internal/service/pcluster", Test: "TestAccExample_hpcCluster"},
	"resources/rayhpc_ray_cluster":    {Package: "internal/service/kuberay", Test: "TestAccExample_rayCluster"},
	"resources/rayhpc_hybrid_cluster": {Package: "internal/service/hybrid", Test: "TestAccExample_hybridCluster"},
	"demo":                            {Package: "internal/service/hybrid", Test: "TestAccExample_demo"},
	"modules/hybrid-environment":      {Package: "internal/service/hybrid", Test: "TestAccExample_hybridEnvironmentModule"},
}

// extraChecks are checks beyond "the example applied, planned empty and destroyed".
var extraChecks = map[string]func(t *testing.T) resource.TestCheckFunc{
	// The provider example declares no resource: prove the provider was configured with its assume_role.
	"provider": func(t *testing.T) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if n := acctest.Gateway(t).CountCalls("sts", "AssumeRole"); n == 0 {
				return fmt.Errorf("the provider example made no sts AssumeRole call: its provider block was not used")
			}
			return nil
		}
	},
}

func TestAccExamples(t *testing.T) {
	dirs, err := acctest.ExampleDirs()
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 8 {
		t.Fatalf("found %d example directories (%v): the glob is broken", len(dirs), dirs)
	}
	for _, dir := range dirs {
		if _, ok := appliedElsewhere[dir]; ok {
			continue // applied by the registered test of the package that starts what it needs
		}
		t.Run(dir, func(t *testing.T) {
			check := acctest.CheckResourcesInState
			if extra, ok := extraChecks[dir]; ok {
				check = extra(t)
			}
			resource.ParallelTest(t, acctest.ExampleTestCase(t, dir, check))
		})
	}
}

// TestExamplesRegistered keeps appliedElsewhere honest: each entry names an existing example directory
// and a test in the named package that applies it with acctest.TestExample.
func TestExamplesRegistered(t *testing.T) {
	dirs, err := acctest.ExampleDirs()
	if err != nil {
		t.Fatal(err)
	}
	root, err := acctest.ExamplesRoot()
	if err != nil {
		t.Fatal(err)
	}
	for dir, by := range appliedElsewhere {
		if !contains(dirs, dir) {
			t.Errorf("appliedElsewhere[%q]: no such example directory", dir)
			continue
		}
		if err := testAppliesExample(filepath.Join(filepath.Dir(root), filepath.FromSlash(by.Package)), by.Test, dir); err != nil {
			t.Errorf("appliedElsewhere[%q]: %s", dir, err)
		}
	}
}

// testAppliesExample finds `func <test>(` in a _test.go file of pkgDir and, in the same file, the call
// acctest.TestExample(t, "<dir>") or acctest.TestExampleCLI(t, "<dir>").
func testAppliesExample(pkgDir, test, dir string) error {
	files, err := filepath.Glob(filepath.Join(pkgDir, "*_test.go"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no test files in %s", pkgDir)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		src := string(b)
		if strings.Contains(src, "func "+test+"(") {
			if !strings.Contains(src, fmt.Sprintf("acctest.TestExample(t, %q", dir)) &&
				!strings.Contains(src, fmt.Sprintf("acctest.TestExampleCLI(t, %q", dir)) {
				return fmt.Errorf("%s declares %s but it calls neither acctest.TestExample(t, %q) nor acctest.TestExampleCLI(t, %q)",
					f, test, dir, dir)
			}
			return nil
		}
	}
	return fmt.Errorf("no func %s in %s", test, pkgDir)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
