// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/placement"
)

// blockType returns the element type of a block of the data source schema.
func blockType(t *testing.T, name string) attr.Type {
	t.Helper()
	var resp datasource.SchemaResponse
	NewStagePlacementDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	b, ok := resp.Schema.Blocks[name].(dschema.ListNestedBlock)
	if !ok {
		t.Fatalf("no list block %q", name)
	}
	return b.NestedObject.Type()
}

func listOf[T any](t *testing.T, block string, v []T) types.List {
	t.Helper()
	l, d := types.ListValueFrom(context.Background(), blockType(t, block), v)
	if d.HasError() {
		t.Fatalf("building %s: %v", block, d)
	}
	return l
}

func nullInputs(t *testing.T) inputsModel {
	t.Helper()
	return inputsModel{
		WfCommonsJSON: types.StringNull(),
		Stage:         types.ListNull(blockType(t, "stage")),
		StageOverride: types.ListNull(blockType(t, "stage_override")),
		HPC:           types.ListNull(blockType(t, "hpc")),
		Ray:           types.ListNull(blockType(t, "ray")),
		Serverless:    types.ListNull(blockType(t, "serverless")),
		Batch:         types.ListNull(blockType(t, "batch")),
		Lustre:        types.ListNull(blockType(t, "lustre")),
		Objective:     types.StringNull(),
		CostWeight:    types.Float64Null(),
		DeadlineS:     types.Float64Null(),
		SplitStages:   types.BoolNull(),
		StaticNodes:   types.Int64Null(),
		StaticUp:      types.BoolNull(),
		EnvironmentUp: types.BoolNull(),
		PricingAPI:    types.BoolNull(),
		ModelOverride: types.MapNull(types.Float64Type),
		BudgetUSD:     types.Float64Null(),
	}
}

func stage(name string, tasks int64, runtime float64, deps ...string) stageModel {
	var dl types.List
	if deps == nil {
		dl = types.ListNull(types.StringType)
	} else {
		dl, _ = types.ListValueFrom(context.Background(), types.StringType, deps)
	}
	return stageModel{
		Name: types.StringValue(name), TaskCount: types.Int64Value(tasks), RuntimeS: types.Float64Value(runtime),
		Cores: types.Int64Null(), MemoryMB: types.Int64Null(), GPUs: types.Int64Null(), InputBytes: types.Int64Null(),
		OutputBytes: types.Int64Null(), DependsOn: dl, Coupling: types.StringNull(), Stateful: types.BoolNull(),
		Pin: types.StringNull(), ServerlessMemoryMB: types.Int64Null(),
	}
}

func vmPool(name, it string) vmPoolModel {
	return vmPoolModel{Name: types.StringValue(name), InstanceType: types.StringValue(it), MinNodes: types.Int64Null(),
		MaxNodes: types.Int64Null(), PricePerHour: types.Float64Null(), Speed: types.Float64Null(),
		StartLatencyS: types.Float64Null(), VCPUs: types.Int64Null(), MemoryGiB: types.Float64Null(), GPUs: types.Int64Null(),
		EFA: types.BoolNull(), Spot: types.BoolNull(), IdleTimeoutS: types.Float64Null()}
}

func lambdaPool(name string) serverlessPoolModel {
	return serverlessPoolModel{Name: types.StringValue(name), Architecture: types.StringNull(), MemoryMB: types.Int64Null(),
		Concurrency: types.Int64Null(), TimeoutS: types.Float64Null(), ColdStartS: types.Float64Null(), Speed: types.Float64Null(),
		PricePerGBSecond: types.Float64Null()}
}

func batchPool(name string) batchPoolModel {
	return batchPoolModel{Name: types.StringValue(name), MaxVCPUs: types.Int64Null(), StartLatencyS: types.Float64Null(),
		Speed: types.Float64Null(), PricePerVCPUHour: types.Float64Null(), PricePerGBHour: types.Float64Null()}
}

func mustExpand(t *testing.T, m *inputsModel) (*placement.Problem, placement.Options) {
	t.Helper()
	p, o, d := m.expand(context.Background(), nil)
	if d.HasError() {
		t.Fatalf("expand: %v", d)
	}
	return p, o
}

func TestExpand_stagesToWorkflow(t *testing.T) {
	m := nullInputs(t)
	s1 := stage("prep", 4, 10)
	s1.MemoryMB, s1.InputBytes, s1.OutputBytes = types.Int64Value(2048), types.Int64Value(1000), types.Int64Value(2000)
	s2 := stage("solve", 1, 50, "prep")
	s2.Cores, s2.Coupling, s2.Pin = types.Int64Value(8), types.StringValue("mpi"), types.StringValue("hpc")
	s2.Stateful = types.BoolValue(true)
	s3 := stage("post", 2, 5, "solve", "prep")
	s3.ServerlessMemoryMB, s3.GPUs = types.Int64Value(4096), types.Int64Value(0)
	m.Stage = listOf(t, "stage", []stageModel{s1, s2, s3})

	p, _ := mustExpand(t, &m)
	w := p.Workflow
	if len(w.Stages) != 3 || len(w.Tasks) != 7 {
		t.Fatalf("got %d stages / %d tasks, want 3 / 7", len(w.Stages), len(w.Tasks))
	}
	if got := w.Stages[1]; got.Coupling != placement.CouplingMPI || !got.Stateful || got.Pin != "hpc" || len(got.DependsOn) != 1 || got.DependsOn[0] != 0 {
		t.Errorf("stage solve = %+v", got)
	}
	if got := w.Stages[2]; len(got.DependsOn) != 2 || got.ServerlessMemoryMB != 4096 || got.Coupling != placement.CouplingNone {
		t.Errorf("stage post = %+v", got)
	}
	t0 := w.Tasks[0]
	if t0.RuntimeS != 10 || t0.Cores != 1 || t0.MemoryBytes != 2048<<20 || t0.InputBytes != 1000 || t0.OutputBytes != 2000 {
		t.Errorf("task prep_0 = %+v", t0)
	}
	if got := w.Tasks[4]; got.Cores != 8 || got.MemoryBytes != placement.DefaultTaskMemoryBytes {
		t.Errorf("task solve_0 = %+v (default memory %d)", got, placement.DefaultTaskMemoryBytes)
	}
	// No platform blocks: the engine's defaults, right-sized for the workflow (c5n.18xlarge for the mpi stage).
	def, err := placement.DefaultPlatformsFor(w, placement.DefaultCatalog())
	if err != nil {
		t.Fatal(err)
	}
	if p.Pools[0].InstanceType != placement.MPIInstanceType {
		t.Errorf("hpc pool of %s nodes, want %s for the mpi stage", p.Pools[0].InstanceType, placement.MPIInstanceType)
	}
	if len(p.Pools) != len(def.Pools) {
		t.Fatalf("got %d pools, want the %d default ones", len(p.Pools), len(def.Pools))
	}
	for i := range def.Pools {
		if p.Pools[i].Name != def.Pools[i].Name || p.Pools[i].HourlyUSD != def.Pools[i].HourlyUSD {
			t.Errorf("pool %d = %s, want %s", i, p.Pools[i].Name, def.Pools[i].Name)
		}
	}
}

func TestExpand_platformBlocks(t *testing.T) {
	m := nullInputs(t)
	m.Stage = listOf(t, "stage", []stageModel{stage("a", 1, 1)})
	h := vmPool("slurm", "hpc7g.16xlarge")
	h.MinNodes, h.MaxNodes, h.PricePerHour, h.StartLatencyS = types.Int64Value(1), types.Int64Value(8), types.Float64Value(1.5), types.Float64Value(30)
	custom := vmPool("gpu", "g6.xlarge") // not in the catalog: described by the block
	custom.VCPUs, custom.MemoryGiB, custom.GPUs, custom.PricePerHour = types.Int64Value(4), types.Float64Value(16), types.Int64Value(1), types.Float64Value(0.805)
	custom.Speed = types.Float64Value(1.25)
	l := lambdaPool("fn")
	l.Architecture, l.MemoryMB, l.Concurrency, l.TimeoutS, l.ColdStartS = types.StringValue("arm64"), types.Int64Value(4096),
		types.Int64Value(50), types.Float64Value(300), types.Float64Value(0.5)
	b := batchPool("fargate")
	b.MaxVCPUs, b.PricePerVCPUHour = types.Int64Value(64), types.Float64Value(0.05)
	m.HPC = listOf(t, "hpc", []vmPoolModel{h})
	m.Ray = listOf(t, "ray", []vmPoolModel{custom})
	m.Serverless = listOf(t, "serverless", []serverlessPoolModel{l})
	m.Batch = listOf(t, "batch", []batchPoolModel{b})

	p, _ := mustExpand(t, &m)
	if got := len(p.Pools); got != 4 {
		t.Fatalf("got %d pools, want 4", got)
	}
	hp := p.Pools[0]
	if hp.Name != "slurm" || hp.Kind != placement.KindHPC || hp.VCPUs != 64 || !hp.EFA || hp.MinNodes != 1 || hp.MaxNodes != 8 ||
		hp.HourlyUSD != 1.5 || hp.StartLatencyS != 30 || !strings.Contains(hp.PriceSource, "price_per_hour") {
		t.Errorf("hpc pool = %+v", hp)
	}
	rp := p.Pools[1]
	if rp.Kind != placement.KindRay || rp.VCPUs != 4 || rp.MemoryBytes != 16<<30 || rp.GPUs != 1 || rp.HourlyUSD != 0.805 ||
		rp.Speed != 1.25 || rp.MaxNodes != placement.DefaultRayMaxNodes {
		t.Errorf("ray pool = %+v", rp)
	}
	sp := p.Pools[2]
	if sp.Kind != placement.KindServerless || sp.Arch != "arm64" || sp.MaxMemoryMB != 4096 || sp.Concurrency != 50 ||
		sp.TimeoutS != 300 || sp.StartLatencyS != 0.5 || sp.GBSecondUSD != placement.DefaultCatalog().LambdaGBSecondArm.V {
		t.Errorf("serverless pool = %+v", sp)
	}
	bp := p.Pools[3]
	if bp.Kind != placement.KindBatch || bp.MaxVCPUs != 64 || bp.VCPUHourUSD != 0.05 {
		t.Errorf("batch pool = %+v", bp)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("problem does not validate: %v", err)
	}
}

func TestExpandOptions(t *testing.T) {
	for _, tc := range []struct {
		objective string
		weight    float64
		want      placement.Options
	}{
		{"", 0, placement.Options{Objective: placement.ObjectiveWeighted, CostWeight: 0.5}},
		{objectiveBalanced, 0, placement.Options{Objective: placement.ObjectiveWeighted, CostWeight: 0.5}},
		{objectiveWeighted, 0, placement.Options{Objective: placement.ObjectiveWeighted, CostWeight: 0.5}},
		{objectiveWeighted, 0.8, placement.Options{Objective: placement.ObjectiveWeighted, CostWeight: 0.8}},
		{objectiveCost, 0, placement.Options{Objective: placement.ObjectiveCost, CostWeight: 0.5}},
		{objectiveMakespan, 0, placement.Options{Objective: placement.ObjectiveMakespan, CostWeight: 0.5, DeadlineS: 100, BudgetUSD: 2}},
	} {
		m := nullInputs(t)
		if tc.objective != "" {
			m.Objective = types.StringValue(tc.objective)
		}
		if tc.weight > 0 {
			m.CostWeight = types.Float64Value(tc.weight)
		}
		if tc.want.DeadlineS > 0 {
			m.DeadlineS, m.BudgetUSD = types.Float64Value(tc.want.DeadlineS), types.Float64Value(tc.want.BudgetUSD)
		}
		if got := expandOptions(&m); got != tc.want {
			t.Errorf("objective %q weight %v: got %+v, want %+v", tc.objective, tc.weight, got, tc.want)
		}
	}
}

// The hand-checkable case of the acceptance test: one c5n.18xlarge node at $3.60/h (a cent per 10 s),
// starting at once, removed as soon as it is idle. prep: 4 x 10 s in parallel; solve (8 cores, MPI) 50 s
// after it: makespan 60 s. The pool costs the node billed 60 s = $0.06 plus the ParallelCluster head node
// (c6i.large, $0.085/h) for the run, $0.0014167: $0.0614167, split by busy core-seconds (40 : 400). The
// Lustre file system of the run (1,200 GB SCRATCH_2 at $0.14/GB-month = $0.230137/h) adds $0.0038356.
func TestSolve_handChecked(t *testing.T) {
	m := nullInputs(t)
	solveStage := stage("solve", 1, 50, "prep")
	solveStage.Cores, solveStage.Coupling = types.Int64Value(8), types.StringValue("mpi")
	m.Stage = listOf(t, "stage", []stageModel{stage("prep", 4, 10), solveStage})
	h := vmPool("hpc", "c5n.18xlarge")
	h.MaxNodes, h.PricePerHour, h.StartLatencyS = types.Int64Value(1), types.Float64Value(3.6), types.Float64Value(0)
	h.IdleTimeoutS = types.Float64Value(0)
	m.HPC = listOf(t, "hpc", []vmPoolModel{h})
	m.Objective = types.StringValue(objectiveCost)

	p, o := mustExpand(t, &m)
	sol, d := solve(context.Background(), &m, p, o)
	if d.HasError() {
		t.Fatal(d)
	}
	var out outputsModel
	if d := out.flatten(p, sol); d.HasError() {
		t.Fatal(d)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	near("makespan_s", out.MakespanS.ValueFloat64(), 60)
	near("cost_usd", out.CostUSD.ValueFloat64(), 0.065252)
	rows, d := expandStageRows(context.Background(), out.Stages)
	if d.HasError() || len(rows) != 2 {
		t.Fatalf("stages: %v %v", rows, d)
	}
	near("prep finish", rows[0].FinishS, 10)
	near("solve start", rows[1].StartS, 10)
	// $0.0614167 x 40/440 = 0.0055833... and x 400/440 = 0.0558333..., rounded to 6 decimals.
	near("prep cost", rows[0].CostUSD, 0.005583)
	near("solve cost", rows[1].CostUSD, 0.055833)
	if !out.Optimal.ValueBool() || out.Method.ValueString() != "exhaustive" {
		t.Errorf("method %s optimal %v, want exhaustive and optimal", out.Method, out.Optimal)
	}
	if len(out.Baselines.Elements()) != 8 || len(out.ParetoFront.Elements()) != 1 {
		t.Errorf("%d baselines, %d Pareto points", len(out.Baselines.Elements()), len(out.ParetoFront.Elements()))
	}
	if !strings.HasPrefix(out.GanttMermaid.ValueString(), "gantt\n") || !strings.Contains(out.Table.ValueString(), "solve") {
		t.Errorf("renderings:\n%s\n%s", out.GanttMermaid.ValueString(), out.Table.ValueString())
	}
	if h := out.InputHash.ValueString(); len(h) != 64 {
		t.Errorf("input_hash %q", h)
	}
}

// Infeasible problems name the stage and point at its block, or at the deadline.
func TestSolve_infeasibleNamesStage(t *testing.T) {
	m := nullInputs(t)
	train := stage("train", 2, 60, "prep")
	train.GPUs = types.Int64Value(1)
	m.Stage = listOf(t, "stage", []stageModel{stage("prep", 2, 10), train})
	p, o := mustExpand(t, &m)
	_, d := solve(context.Background(), &m, p, o)
	assertAttrError(t, d, "stage[1]", `no feasible placement for stage "train"`, "GPU")

	m = nullInputs(t)
	m.Stage = listOf(t, "stage", []stageModel{stage("long", 1, 5000)})
	m.DeadlineS = types.Float64Value(100)
	p, o = mustExpand(t, &m)
	_, d = solve(context.Background(), &m, p, o)
	assertAttrError(t, d, "deadline_s", `stage "long"`, "deadline")
}

// planCheck decodes m and runs the plan-time checks on it, as the config validator does.
func planCheck(t *testing.T, m *inputsModel) (decodedInputs, diag.Diagnostics) {
	t.Helper()
	d, ds := m.decode(context.Background())
	if ds.HasError() {
		t.Fatal(ds)
	}
	return d, validateInputs(context.Background(), m, &d, false)
}

func assertAttrError(t *testing.T, d diag.Diagnostics, wantPath string, wantText ...string) {
	t.Helper()
	if !d.HasError() {
		t.Fatalf("want an error at %s, got none", wantPath)
	}
	for _, e := range d.Errors() {
		wp, ok := e.(diag.DiagnosticWithPath)
		if !ok {
			continue
		}
		if wp.Path().String() != wantPath {
			continue
		}
		all := e.Summary() + " " + e.Detail()
		for _, w := range wantText {
			if !strings.Contains(all, w) {
				t.Errorf("error at %s does not mention %q: %s", wantPath, w, all)
			}
		}
		return
	}
	t.Fatalf("no error at %s: %v", wantPath, d)
}

func TestStageMoves(t *testing.T) {
	before := []stageRow{
		{Name: "a", Platform: "hpc", Pool: "hpc", StartS: 0, FinishS: 100, CostUSD: 1},
		{Name: "b", Platform: "ray", Pool: "ray", StartS: 100, FinishS: 150, CostUSD: 0.5},
		{Name: "gone", Platform: "batch", Pool: "batch"},
	}
	after := []stageRow{
		{Name: "a", Platform: "serverless", Pool: "lambda", StartS: 0, FinishS: 140, CostUSD: 0.25},
		{Name: "b", Platform: "ray", Pool: "ray", StartS: 140, FinishS: 190, CostUSD: 0.5},
		{Name: "c", Platform: "hpc", Pool: "hpc", CostUSD: 0.1},
	}
	got := stageMoves(before, after)
	want := []string{
		"stage a: hpc/hpc -> serverless/lambda (stage cost -0.750000 USD, stage duration +40.000 s)",
		"stage c: new, on hpc/hpc (stage cost 0.100000 USD)",
		"stage gone: removed (was on batch/batch)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("moves:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Differences of rounded values print with the outputs' decimals, without float noise or "-0".
	got = stageMoves([]stageRow{{Name: "x", Pool: "hpc", Platform: "hpc", StartS: 0.1, FinishS: 0.3, CostUSD: 0.3}},
		[]stageRow{{Name: "x", Pool: "ray", Platform: "ray", StartS: 0.2, FinishS: 0.4, CostUSD: 0.1 + 0.2}})
	if want := "stage x: hpc/hpc -> ray/ray (stage cost +0.000000 USD, stage duration +0.000 s)"; len(got) != 1 || got[0] != want {
		t.Errorf("moves %q, want %q", got, want)
	}
	if n := countMoved(before, after); n != 2 {
		t.Errorf("countMoved = %d, want 2", n)
	}
	if got := stageMoves(before, before); len(got) != 0 {
		t.Errorf("no change gave moves %v", got)
	}
}

// The manifest written at apply is what Read parses back: it keeps the engine's exact numbers, and the
// stages and totals Read derives from it (rounded by the same helper) equal the plan's, so an unchanged
// manifest gives an empty plan.
func TestManifestRoundTrip(t *testing.T) {
	m := nullInputs(t)
	m.Stage = listOf(t, "stage", []stageModel{stage("prep", 20, 3.3), stage("reduce", 1, 700.7, "prep")})
	p, o := mustExpand(t, &m)
	sol, d := solve(context.Background(), &m, p, o)
	if d.HasError() {
		t.Fatal(d)
	}
	var out outputsModel
	out.flatten(p, sol)
	man, err := placement.NewManifest(p, sol)
	if err != nil {
		t.Fatal(err)
	}
	body, err := man.JSON()
	if err != nil {
		t.Fatal(err)
	}
	back := parseManifest(body)
	if back == nil {
		t.Fatalf("manifest does not parse back:\n%s", body)
	}
	l, _ := flattenStageRows(stageRowsFromManifest(back))
	if !l.Equal(out.Stages) {
		t.Errorf("stages from the manifest differ from the solution's:\n%v\n%v", l, out.Stages)
	}
	if back.ExpectedCostUSD != sol.Evaluation.CostUSD || back.ExpectedMakespanS != sol.Evaluation.MakespanS {
		t.Errorf("manifest totals %v USD, %v s; the engine's are %v USD, %v s", back.ExpectedCostUSD, back.ExpectedMakespanS,
			sol.Evaluation.CostUSD, sol.Evaluation.MakespanS)
	}
	if round(back.ExpectedCostUSD, usd) != out.CostUSD.ValueFloat64() || round(back.ExpectedMakespanS, seconds) != out.MakespanS.ValueFloat64() ||
		back.InputHash != out.InputHash.ValueString() || back.Version != placement.ManifestVersion {
		t.Errorf("manifest totals %+v differ from outputs", back)
	}
	// The bounds: in the manifest unrounded, and the outputs Read sets from it equal flatten's.
	if sol.Bound == nil || back.MakespanLowerBoundS != sol.Bound.PoolsAsGivenS || back.CostLowerBoundUSD != sol.Bound.CostPoolsAsGivenUSD {
		t.Errorf("manifest bounds %v s, %v USD; the engine's %+v", back.MakespanLowerBoundS, back.CostLowerBoundUSD, sol.Bound)
	}
	var read outputsModel
	read.flattenBound(back)
	if !read.MakespanLowerBoundS.Equal(out.MakespanLowerBoundS) || !read.CostLowerBoundUSD.Equal(out.CostLowerBoundUSD) ||
		!read.MakespanGapPct.Equal(out.MakespanGapPct) || !read.CostGapPct.Equal(out.CostGapPct) || out.MakespanGapPct.IsNull() {
		t.Errorf("bounds read back %v %v %v %v, flatten's %v %v %v %v", read.MakespanLowerBoundS, read.CostLowerBoundUSD,
			read.MakespanGapPct, read.CostGapPct, out.MakespanLowerBoundS, out.CostLowerBoundUSD, out.MakespanGapPct, out.CostGapPct)
	}
	for _, bad := range []string{"", "{}", `{"version":1}`, "not json", `{"version":1,"stages":"x"}`} {
		if parseManifest([]byte(bad)) != nil {
			t.Errorf("parseManifest(%q) should be nil", bad)
		}
	}
}

// model_overrides changes the engine's constants by name; an unknown name is an error at that key.
func TestExpand_modelOverrides(t *testing.T) {
	m := nullInputs(t)
	m.Stage = listOf(t, "stage", []stageModel{stage("a", 4, 10)})
	m.ModelOverride = types.MapValueMust(types.Float64Type, map[string]attr.Value{
		"hpc_node_start_s": types.Float64Value(240), "lambda_cold_start_s": types.Float64Value(2.5)})
	p, _ := mustExpand(t, &m)
	if p.Pools[0].StartLatencyS != 240 || p.Pools[2].StartLatencyS != 2.5 {
		t.Errorf("start latencies %v and %v, want 240 and 2.5", p.Pools[0].StartLatencyS, p.Pools[2].StartLatencyS)
	}
	m.ModelOverride = types.MapValueMust(types.Float64Type, map[string]attr.Value{"hpc_boot": types.Float64Value(1)})
	d, _ := m.decode(context.Background())
	assertAttrError(t, validateInputs(context.Background(), &m, &d, false), `model_overrides["hpc_boot"]`, "hpc_node_start_s")
}
