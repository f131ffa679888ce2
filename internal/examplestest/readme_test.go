// SPDX-License-Identifier: MPL-2.0

package examplestest_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox"
)

// The README a new user reads: the moto version it states is the one scripts/tools.sh (make, .ci/run)
// requires and the sandbox's error names, and every relative link resolves inside the repository.
func TestReadmeFirstRun(t *testing.T) {
	examples, err := acctest.ExamplesRoot()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(examples)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	tools, err := os.ReadFile(filepath.Join(root, "scripts", "tools.sh"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^MOTO_REQUIREMENT='([^']+)'`).FindSubmatch(tools)
	if m == nil {
		t.Fatal("scripts/tools.sh sets no MOTO_REQUIREMENT")
	}
	req := string(m[1])
	if !strings.Contains(string(readme), "`"+req+"`") {
		t.Errorf("README.md does not state the moto requirement scripts/tools.sh enforces (%s)", req)
	}
	if !strings.Contains(sandbox.MotoRequiredMessage, "'"+req+"'") {
		t.Errorf("the sandbox's message %q does not name %s", sandbox.MotoRequiredMessage, req)
	}
	for _, link := range regexp.MustCompile(`\]\(([^)#]+)(?:#[^)]*)?\)`).FindAllStringSubmatch(string(readme), -1) {
		target := link[1]
		if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
			continue
		}
		abs := filepath.Clean(filepath.Join(root, target))
		if rel, err := filepath.Rel(root, abs); err != nil || strings.HasPrefix(rel, "..") {
			t.Errorf("README.md links outside the repository: %s", target)
			continue
		}
		if _, err := os.Stat(abs); err != nil {
			t.Errorf("README.md links to a missing file: %s", target)
		}
	}
}
