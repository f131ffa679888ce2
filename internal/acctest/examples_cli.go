// SPDX-License-Identifier: MPL-2.0

//go:build unix

package acctest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestExampleCLI applies examples/<dir> as it ships, as TestExample does, but through acctest.CLI: the
// real terraform CLI and a provider binary built from this module, as `make demo` runs it. It is for an
// example that the in-process harness cannot read back: its state shim refuses resources with for_each
// ("unexpected index type (string) ... for_each is not supported", hashicorp/terraform-plugin-sdk#536),
// even for the destroy at the end. It applies, runs checks (each gets the CLI, to read outputs or state),
// plans again (the plan must be empty), destroys, and checks that the state is empty; a test that fails
// after the apply still destroys (t.Cleanup). The directory's files are copied into the CLI's working
// directory; its variables come from the TF_VAR_* environment the sandbox exports.
func TestExampleCLI(t *testing.T, dir string, checks ...func(*CLI) error) {
	t.Helper()
	root, err := ExamplesRoot()
	if err != nil {
		t.Fatal(err)
	}
	cli := NewCLI(t)
	copyExampleFiles(t, filepath.Join(root, filepath.FromSlash(dir)), cli.Dir)
	destroyed := false
	t.Cleanup(func() {
		if !destroyed {
			if out, err := cli.Run("destroy", "-auto-approve", "-no-color"); err != nil {
				t.Errorf("terraform destroy after a failed test, there may be dangling objects: %v\n%s", err, out)
			}
		}
	})
	cli.Apply()
	for _, check := range checks {
		if err := check(cli); err != nil {
			t.Fatalf("examples/%s: %v", dir, err)
		}
	}
	if changes, out := cli.Plan(); changes {
		t.Fatalf("examples/%s: the plan after apply is not empty:\n%s", dir, out)
	}
	cli.Destroy()
	destroyed = true
	if left := cli.StateResources(); len(left) > 0 {
		t.Fatalf("examples/%s: the state still holds %v after destroy", dir, left)
	}
}

// copyExampleFiles copies the regular files of an example directory (not its subdirectories, nor
// terraform's own files) into dst.
func copyExampleFiles(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || e.Name() == ".terraform.lock.hcl" || filepath.Ext(e.Name()) == ".tfstate" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// Outputs returns the root module's outputs by name (terraform output -json), each its value.
func (c *CLI) Outputs() map[string]any {
	c.t.Helper()
	out, err := c.Run("output", "-json")
	if err != nil {
		c.t.Fatalf("terraform output: %v\n%s", err, out)
	}
	var doc map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		c.t.Fatalf("reading terraform output -json: %v\n%s", err, out)
	}
	res := make(map[string]any, len(doc))
	for name, o := range doc {
		res[name] = o.Value
	}
	return res
}
