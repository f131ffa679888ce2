// SPDX-License-Identifier: MPL-2.0

package acctest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// ProviderNamespaceEnv is the terraform-plugin-testing variable that names the registry namespace under
// which the in-process provider is served. The examples declare `source = "rayhpc/rayhpc"`, so a test that
// applies them serves the provider as registry.terraform.io/rayhpc/rayhpc (the harness's default is
// hashicorp/rayhpc, which the inline test configurations, having no required_providers, resolve to).
const ProviderNamespaceEnv = "TF_ACC_PROVIDER_NAMESPACE"

// ExamplesRoot returns the absolute path of the repository's examples/ directory, found by walking up
// from the test's working directory to go.mod.
func ExamplesRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "examples"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// ExampleDirs returns every example directory, relative to examples/: each directory examples/* and
// examples/*/* that holds a .tf file (provider, demo, placement, resources/<type>, data-sources/<type>).
// A directory added later is found without registering it.
func ExampleDirs() ([]string, error) {
	root, err := ExamplesRoot()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, pattern := range []string{"*/*.tf", "*/*/*.tf"} {
		files, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			rel, err := filepath.Rel(root, filepath.Dir(f))
			if err != nil {
				return nil, err
			}
			seen[filepath.ToSlash(rel)] = true
		}
	}
	dirs := make([]string, 0, len(seen))
	for d := range seen {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	return dirs, nil
}

// ExampleTestCase applies the example directory examples/<dir> as it ships, with the real terraform CLI
// and the provider served in-process, against the package's sandbox: its variables come from the
// TF_VAR_* environment the sandbox exports, exactly as for a user who pasted `make sandbox`'s output.
// The harness then plans again (the plan must be empty), and destroys everything. The caller serves the
// provider under the rayhpc namespace (ProviderNamespaceEnv): TestExample does that for one test.
func ExampleTestCase(t *testing.T, dir string, checks ...resource.TestCheckFunc) resource.TestCase {
	t.Helper()
	root, err := ExamplesRoot()
	if err != nil {
		t.Fatal(err)
	}
	return resource.TestCase{
		PreCheck: func() { PreCheck(t) },
		Steps: []resource.TestStep{{
			// On the step, not the case: the harness refuses case-level providers with a configuration
			// that has its own provider block (examples/provider, demo, placement).
			ProtoV6ProviderFactories: ProtoV6ProviderFactories,
			ConfigDirectory:          config.StaticDirectory(filepath.Join(root, filepath.FromSlash(dir))),
			Check:                    resource.ComposeAggregateTestCheckFunc(checks...),
		}},
	}
}

// TestExample runs ExampleTestCase for examples/<dir> in a test that is not parallel (it sets
// ProviderNamespaceEnv for its duration). A service package whose example needs a sandbox part that only
// that package starts (the ParallelCluster emulator, Kubernetes) calls it from one of its own tests and
// registers that test in internal/examplestest (see CONTRIBUTING.md).
func TestExample(t *testing.T, dir string, checks ...resource.TestCheckFunc) {
	t.Helper()
	t.Setenv(ProviderNamespaceEnv, "rayhpc")
	resource.Test(t, ExampleTestCase(t, dir, checks...))
}

// CheckResourcesInState fails when the state holds no managed resource or data source: an example that
// applied nothing proves nothing.
func CheckResourcesInState(s *terraform.State) error {
	if s == nil || len(s.RootModule().Resources) == 0 {
		return fmt.Errorf("the example left nothing in state")
	}
	return nil
}
