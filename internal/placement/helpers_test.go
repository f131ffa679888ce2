// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// tracesDir holds the WfCommons traces the tests and `make bench` use: a
// verbatim copy of public WfInstances traces with their licence (LGPL v3)
// and SOURCE.txt naming each file's origin.
const tracesDir = "testdata/wfcommons"

// traceFiles returns the shipped WfCommons traces, sorted; none is a
// failure, not a skip.
func traceFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(tracesDir, "*.json"))
	if err != nil || len(files) < 11 {
		tb.Fatalf("want the 11 WfCommons traces in %s, found %d (%v)", tracesDir, len(files), err)
	}
	sort.Strings(files)
	return files
}

// tracePath returns the path of one shipped trace, failing when it is absent.
func tracePath(tb testing.TB, name string) string {
	tb.Helper()
	path := filepath.Join(tracesDir, name)
	if _, err := os.Stat(path); err != nil {
		tb.Fatal(err)
	}
	return path
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
