// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"encoding/json"
	"strings"
	"testing"
)

// chainProblem is two stages, one on the VM pool and one on Lambda.
func chainProblem(t *testing.T) (*Problem, *Evaluation) {
	t.Helper()
	w := mustFromStages(t, []StageSpec{
		{Name: "A", TaskCount: 2, RuntimeS: 10},
		{Name: "B:merge", TaskCount: 1, RuntimeS: 20, DependsOn: []string{"A"}},
	})
	c := DefaultCatalog()
	st := testStorage()
	st.S3GetUSD, st.S3PutUSD = 0.0004/1000, 0.005/1000
	p := NewProblem(w, Platforms{Pools: []Pool{testPool("vm", KindHPC), NewServerlessPool(c, "lambda", "x86_64")}, Storage: st})
	return p, evalOK(t, p, Assignment{0, 1})
}

func TestGanttMermaid(t *testing.T) {
	p, ev := chainProblem(t)
	// A runs 100..110 on the VM pool; B starts at 110 on Lambda with a 1 s
	// cold start: 110..131.
	got := GanttMermaid("demo", p, ev)
	want := `gantt
    title demo
    dateFormat X
    axisFormat %s
    section hpc (vm)
    A on vm x2 :s0, 100, 110
    section serverless (lambda)
    B_merge on lambda x1 :s1, 110, 131
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestTable(t *testing.T) {
	_, ev := chainProblem(t)
	got := Table(ev)
	lines := strings.Split(strings.TrimRight(got, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("table has %d lines:\n%s", len(lines), got)
	}
	for i, want := range [][]string{
		{"STAGE", "PLATFORM", "POOL", "INSTANCE TYPE", "TASKS", "START (s)", "FINISH (s)", "COST (USD)"},
		{"A", "hpc", "vm", "test.large", "2", "100.0", "110.0"},
		{"B:merge", "serverless", "lambda", "lambda-x86_64", "1", "110.0", "131.0"},
		{"(S3 requests, included above)"},
		{"TOTAL", "3", "131.0"},
	} {
		for _, cell := range want {
			if !strings.Contains(lines[i], cell) {
				t.Fatalf("line %d %q lacks %q", i, lines[i], cell)
			}
		}
	}
	// Columns are aligned: every row starts its second column at the same
	// offset.
	off := strings.Index(lines[0], "PLATFORM")
	if !strings.HasPrefix(lines[1][off:], "hpc") || !strings.HasPrefix(lines[2][off:], "serverless") {
		t.Fatalf("columns misaligned:\n%s", got)
	}
}

func TestManifestAndInputHash(t *testing.T) {
	w := mustFromStages(t, []StageSpec{
		{Name: "burst", TaskCount: 40, RuntimeS: 15},
		{Name: "merge", TaskCount: 1, RuntimeS: 400, DependsOn: []string{"burst"}},
	})
	p := NewProblem(w, DefaultPlatforms())
	h1 := InputHash(p)
	if len(h1) != 64 || h1 != InputHash(NewProblem(mustFromStages(t, []StageSpec{
		{Name: "burst", TaskCount: 40, RuntimeS: 15},
		{Name: "merge", TaskCount: 1, RuntimeS: 400, DependsOn: []string{"burst"}},
	}), DefaultPlatforms())) {
		t.Fatal("equal problems hash differently")
	}
	p.Workflow.Tasks[3].RuntimeS = 16
	if InputHash(p) == h1 {
		t.Fatal("a runtime change does not change the hash")
	}
	p.Workflow.Tasks[3].RuntimeS = 15
	p.Pools[0].HourlyUSD = 4
	if InputHash(p) == h1 {
		t.Fatal("a price change does not change the hash")
	}
	p.Pools[0].HourlyUSD = 3.888
	if InputHash(p) != h1 {
		t.Fatal("hash not restored")
	}
	sol, err := Solve(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewManifest(p, sol)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Manifest
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.InputHash != h1 || len(back.Stages) != 2 || back.ExpectedCostUSD != sol.Evaluation.CostUSD || back.Version != ManifestVersion {
		t.Fatalf("manifest %s", b)
	}
	if len(back.Pools) == 0 || back.Pools[0].Name == "" {
		t.Fatalf("manifest pools %+v", back.Pools)
	}
	if !strings.Contains(BaselineTable(sol), "mashup") {
		t.Fatal("baseline table lacks mashup")
	}
}

func TestCatalogOverride(t *testing.T) {
	c := DefaultCatalog()
	if err := c.SetInstancePrice("c5n.18xlarge", 3.5, "AWS Pricing API GetProducts 2025-01-01"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetInstancePrice("x9.huge", 1, ""); err == nil {
		t.Fatal("unknown instance accepted")
	}
	pl, err := DefaultPlatformsFrom(c)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Pools[0].HourlyUSD != 3.5 || pl.Pools[0].PriceSource != "AWS Pricing API GetProducts 2025-01-01" {
		t.Fatalf("override not applied: %+v", pl.Pools[0])
	}
	// The default catalog is untouched and every value has a source.
	d := DefaultCatalog()
	if d.Instances["c5n.18xlarge"].HourlyUSD != 3.888 {
		t.Fatal("default catalog was modified")
	}
	raw, _ := json.Marshal(d)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	for k, v := range m {
		var val Value
		if json.Unmarshal(v, &val) == nil && val.Unit != "" && val.Source == "" {
			t.Fatalf("catalog value %s has no source", k)
		}
	}
	for _, n := range d.InstanceNames() {
		if d.Instances[n].PriceSource == "" || d.Instances[n].VCPUs == 0 {
			t.Fatalf("instance %s incomplete", n)
		}
	}
}
