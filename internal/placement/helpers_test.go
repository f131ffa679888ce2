// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// workflowsDir finds shared/workflows by walking up from the package
// directory (the repository clone and shared/ are siblings both here and in
// CI). It returns "" when there is none.
func workflowsDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		cand := filepath.Join(dir, "shared", "workflows")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// traceFiles returns the WfCommons traces, or skips the test.
func traceFiles(tb testing.TB) []string {
	tb.Helper()
	dir := workflowsDir()
	if dir == "" {
		tb.Skip("no shared/workflows directory found above the package")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		tb.Skip("no workflow traces in " + dir)
	}
	sort.Strings(files)
	return files
}

func loadTrace(tb testing.TB, path string) *Workflow {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w, err := LoadWfCommons(f)
	if err != nil {
		tb.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return w
}

// testPool returns a simple VM pool priced at $0.001 per second.
func testPool(name string, kind PlatformKind) Pool {
	return Pool{Name: name, Kind: kind, InstanceType: "test.large", VCPUs: 4, MemoryBytes: 16 << 30,
		MinNodes: 0, MaxNodes: 1, HourlyUSD: 3.6, Speed: 1, StartLatencyS: 100, MinBillingS: 60,
		S3BandwidthBps: 100e6, EFA: true}
}

func testStorage() Storage {
	return Storage{Lustre: true, LustreBandwidthBps: 1e9}
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func mustFromStages(tb testing.TB, specs []StageSpec) *Workflow {
	tb.Helper()
	w, err := FromStages(specs)
	if err != nil {
		tb.Fatal(err)
	}
	return w
}
