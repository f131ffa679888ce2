// SPDX-License-Identifier: MPL-2.0

package testsummary

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goTestJSON runs the real `go test -json` on a throwaway module and returns its event stream.
func goTestJSON(t *testing.T, files map[string]string) []byte {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.test/m\n\ngo 1.21\n"
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "test", "-json", "-count=1", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	out, _ := cmd.Output() // a failing suite exits 1; the events are what matter
	if len(out) == 0 {
		t.Fatal("go test -json printed nothing")
	}
	return out
}

func TestSummarise_realGoTest(t *testing.T) {
	stream := goTestJSON(t, map[string]string{
		"good/good_test.go": `package good
import "testing"
func TestPasses(t *testing.T) {}
func TestSubtests(t *testing.T) { t.Run("a", func(t *testing.T) {}) }
`,
		"bad/bad_test.go": `package bad
import "testing"
func TestFails(t *testing.T) { t.Log("the reason it failed"); t.Fail() }
func TestSkips(t *testing.T) { t.Skip("needs something") }
func TestQuietPass(t *testing.T) { t.Log("not shown") }
`,
		"broken/broken_test.go": `package broken
import "testing"
func TestX(t *testing.T) { undefinedThing() }
`,
		"notests/x.go": "package notests\n",
	})
	var out bytes.Buffer
	r, err := Summarise(bytes.NewReader(stream), &out)
	if err != nil {
		t.Fatal(err)
	}
	text := out.String()
	// good: TestPasses, TestSubtests, TestSubtests/a; bad: TestQuietPass.
	if r.Passed != 4 || r.Failed != 1 || r.Skipped != 1 {
		t.Errorf("counts = %+v, want 4 passed, 1 failed, 1 skipped\n%s", r, text)
	}
	if len(r.FailedPackages) != 1 || r.FailedPackages[0] != "example.test/m/broken" {
		t.Errorf("failed packages = %v, want the one that does not build", r.FailedPackages)
	}
	if r.OK() {
		t.Error("a run with a failure, a skip and a build failure reported OK")
	}
	for _, want := range []string{
		"the reason it failed", "needs something", "undefinedThing",
		"SKIPPED example.test/m/bad.TestSkips", "ok  \texample.test/m/good",
		"FAIL\texample.test/m/bad", "tests: 4 passed, 1 failed, 1 skipped; packages failed: 1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "not shown") {
		t.Errorf("the log of a passing test was printed:\n%s", text)
	}
}

func TestSummarise_greenRun(t *testing.T) {
	stream := goTestJSON(t, map[string]string{
		"a/a_test.go": "package a\nimport \"testing\"\nfunc TestA(t *testing.T) {}\n",
	})
	var out bytes.Buffer
	r, err := Summarise(bytes.NewReader(stream), &out)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Passed != 1 {
		t.Errorf("result = %+v, want one pass and OK\n%s", r, out.String())
	}
}
