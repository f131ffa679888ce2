// SPDX-License-Identifier: MPL-2.0

// Package testsummary reads the event stream of `go test -json` and prints what a reader of `make test`
// needs: one line per package (as `go test` prints it), the output of every test that failed or
// skipped, and a last line with the counts of tests passed, failed and skipped. The project's rule is
// that `make test` skips nothing, so a skipped test fails the run like a failed one.
package testsummary

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// Result is what a run of the test suite came to.
type Result struct {
	Passed, Failed, Skipped int
	// FailedPackages are packages that failed to build or failed outside any test (TestMain, a panic).
	FailedPackages []string
	// SkippedTests and FailedTests name tests as package.Test.
	SkippedTests, FailedTests []string
}

// OK reports whether the run counts as green: nothing failed and nothing skipped.
func (r Result) OK() bool {
	return r.Failed == 0 && r.Skipped == 0 && len(r.FailedPackages) == 0
}

// Line is the last line printed.
func (r Result) Line() string {
	return fmt.Sprintf("tests: %d passed, %d failed, %d skipped; packages failed: %d",
		r.Passed, r.Failed, r.Skipped, len(r.FailedPackages))
}

type summariser struct {
	out    io.Writer
	result Result
	// output held per test ("pkg\x00Test") and per package ("pkg\x00"), printed when it failed or skipped.
	held map[string][]string
	// packages whose tests failed, so the package "fail" is not counted twice.
	testFailedIn map[string]bool
}

// Summarise reads `go test -json` events from in, writes the summary to out and returns the counts.
// Lines that are not JSON (a build error printed before the stream starts) are copied to out as they are.
func Summarise(in io.Reader, out io.Writer) (Result, error) {
	s := &summariser{out: out, held: map[string][]string{}, testFailedIn: map[string]bool{}}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil {
			fmt.Fprintln(out, string(line))
			continue
		}
		s.handle(ev)
	}
	if err := sc.Err(); err != nil {
		return s.result, fmt.Errorf("reading go test -json output: %w", err)
	}
	sort.Strings(s.result.FailedTests)
	sort.Strings(s.result.SkippedTests)
	for _, name := range s.result.SkippedTests {
		fmt.Fprintf(out, "SKIPPED %s (make test must skip nothing: make the test run, or remove it)\n", name)
	}
	fmt.Fprintln(out, s.result.Line())
	return s.result, nil
}

func (s *summariser) handle(ev event) {
	key := ev.Package + "\x00" + ev.Test
	switch ev.Action {
	case "build-output":
		// Compiler errors (go 1.24+ reports them as events of the import path): shown at once.
		fmt.Fprint(s.out, ev.Output)
	case "output":
		s.held[key] = append(s.held[key], ev.Output)
	case "pass":
		if ev.Test != "" {
			s.result.Passed++
		} else {
			s.packageLine("ok  ", ev)
		}
		delete(s.held, key)
	case "skip":
		if ev.Test != "" {
			s.result.Skipped++
			s.result.SkippedTests = append(s.result.SkippedTests, ev.Package+"."+ev.Test)
			s.flush(key)
		} else {
			// A package with no test files, or whose TestMain skipped everything.
			s.packageLine("?   ", ev)
			delete(s.held, key)
		}
	case "fail":
		if ev.Test != "" {
			s.result.Failed++
			s.result.FailedTests = append(s.result.FailedTests, ev.Package+"."+ev.Test)
			s.testFailedIn[ev.Package] = true
			s.flush(key)
			return
		}
		if !s.testFailedIn[ev.Package] {
			// Failed without a failing test: a build failure, a panic in TestMain, a timeout.
			s.result.FailedPackages = append(s.result.FailedPackages, ev.Package)
		}
		if len(s.held[key]) > 0 {
			s.flush(key) // ends with go test's own "FAIL\tpackage" line
		} else {
			s.packageLine("FAIL", ev)
		}
	}
}

func (s *summariser) packageLine(status string, ev event) {
	if ev.Package == "" {
		return
	}
	elapsed := ""
	if ev.Elapsed > 0 {
		elapsed = "\t" + (time.Duration(ev.Elapsed * float64(time.Second))).Round(time.Millisecond).String()
	}
	fmt.Fprintf(s.out, "%s\t%s%s\n", status, ev.Package, elapsed)
}

// flush prints the output held for key, indented, and forgets it.
func (s *summariser) flush(key string) {
	lines := s.held[key]
	delete(s.held, key)
	if len(lines) == 0 {
		return
	}
	fmt.Fprint(s.out, strings.Join(lines, ""))
	if !strings.HasSuffix(lines[len(lines)-1], "\n") {
		fmt.Fprintln(s.out)
	}
}
