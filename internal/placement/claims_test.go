// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"strings"
	"testing"
)

// The README's claims about the shipped traces (`make bench` prints the figures), asserted per trace on the
// default platforms right-sized for it, on the balanced objective.

// solveTrace solves one shipped trace on its right-sized default platforms.
func solveTrace(t *testing.T, w *Workflow, opt Options) (*Problem, *Solution) {
	t.Helper()
	pl, err := DefaultPlatformsFor(w, DefaultCatalog())
	if err != nil {
		t.Fatal(err)
	}
	p := NewProblem(w, pl)
	sol, err := Solve(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	return p, sol
}

var balanced = Options{Objective: ObjectiveWeighted, CostWeight: DefaultCostWeight}

// Every baseline is reported, in order; the placement and every feasible baseline give the figures Solve
// reported when simulated again outside Solve (EvaluatePlan, EvaluateBaseline), the static cluster both
// created for the run and already up; the placement scores no worse than any baseline (the static cluster
// included, which is not a search candidate) and is strictly better than the best single platform on most
// traces.
func TestTraces_everyBaselineIndependentlyChecked(t *testing.T) {
	names := []string{BaselineStatic, BaselineAllHPC, BaselineAllRay, BaselineAllServerless, BaselineAllBatch,
		BaselineBestSingle, BaselineMashup, BaselineHEFT}
	files := traceFiles(t)
	strictly := 0
	for _, f := range files {
		w := loadTrace(t, f)
		for _, up := range []bool{false, true} {
			opt := balanced
			opt.StaticUp = up
			p, sol := solveTrace(t, w, opt)
			ev, err := EvaluatePlan(p, sol.Plan())
			if err != nil || ev.MakespanS != sol.Evaluation.MakespanS || ev.CostUSD != sol.Evaluation.CostUSD {
				t.Errorf("%s: the placement simulated again: %v (%v); Solve reported %v s, $%v", f, ev, err,
					sol.Evaluation.MakespanS, sol.Evaluation.CostUSD)
			}
			if len(sol.Baselines) != len(names) {
				t.Fatalf("%s: %d baselines, want %v", f, len(sol.Baselines), names)
			}
			for i := range sol.Baselines {
				b := &sol.Baselines[i]
				if b.Name != names[i] {
					t.Errorf("%s: baseline %d is %s, want %s", f, i, b.Name, names[i])
				}
				if !b.Feasible {
					// Only all-serverless may be infeasible: a stage beyond Lambda's limits (soykb, srasearch).
					if b.Name != BaselineAllServerless || b.Reason == "" {
						t.Errorf("%s: baseline %s infeasible on the default platforms: %q", f, b.Name, b.Reason)
					}
					continue
				}
				ev, err := EvaluateBaseline(p, b)
				if err != nil || ev.MakespanS != b.MakespanS || ev.CostUSD != b.CostUSD {
					t.Errorf("%s (static up %v): baseline %s simulated again: %v (%v); Solve reported %v s, $%v", f, up, b.Name, ev,
						err, b.MakespanS, b.CostUSD)
				}
				if b.Name == BaselineStatic && (b.Boots == up || b.Nodes < 1) {
					t.Errorf("%s: static cluster boots %v with %d nodes, want boots %v", f, b.Boots, b.Nodes, !up)
				}
				if !up && sol.Score > b.Score*(1+1e-12) {
					t.Errorf("%s: the placement scores %v, worse than %s's %v", f, sol.Score, b.Name, b.Score)
				}
			}
			if !up && sol.Score < sol.Baseline(BaselineBestSingle).Score*(1-1e-9) {
				strictly++
			}
		}
	}
	if strictly <= len(files)/2 {
		t.Errorf("strictly better than the best single platform on %d of %d traces, want most", strictly, len(files))
	}
}

// On the makespan objective the placement's makespan is no longer than HEFT's own estimate of its
// task-level schedule, nor than HEFT's mapping run by the simulator, on every trace. Against HEFT's own
// estimate within 10^-5: HEFT counts a task's share of the Lustre workspace's throughput from the tasks
// booked before it (in rank order), the simulator from those started before it, so the estimate can be a
// hair shorter than any simulated schedule (cycles: 163.62711 s estimated, 163.62743 s for its mapping).
func TestTraces_makespanNoWorseThanHEFT(t *testing.T) {
	for _, f := range traceFiles(t) {
		_, sol := solveTrace(t, loadTrace(t, f), Options{Objective: ObjectiveMakespan})
		h := sol.Baseline(BaselineHEFT)
		ours := sol.Evaluation.MakespanS
		if !(h.TaskLevelMakespanS > 0) {
			t.Fatalf("%s: no HEFT estimate (%v)", f, h.TaskLevelMakespanS)
		}
		if ours > h.TaskLevelMakespanS*(1+1e-5) || ours > h.MakespanS*(1+1e-9) {
			t.Errorf("%s: makespan %s, HEFT's own estimate %v s, its mapping simulated %v s", f, fmt.Sprint(ours),
				h.TaskLevelMakespanS, h.MakespanS)
		}
	}
}

// Everything Solve publishes is deterministic on the shipped traces (task-level and split placements
// included): two solves of a freshly loaded trace give byte-identical manifests, tables, Gantt charts,
// Pareto fronts and baselines.
func TestTraces_deterministic(t *testing.T) {
	render := func(f string) string {
		p, sol := solveTrace(t, loadTrace(t, f), balanced)
		m, err := NewManifest(p, sol)
		if err != nil {
			t.Fatal(err)
		}
		j, err := m.JSON()
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%s\n%s\n%s\n%s\n%v\n%+v\n%s", j, Table(sol.Evaluation), BaselineTable(sol),
			GanttMermaid("t", p, sol.Evaluation), sol.Pareto, sol.Baselines, InputHash(p))
	}
	for _, f := range traceFiles(t) {
		if a, b := render(f), render(f); a != b {
			t.Errorf("%s: two solves differ", f)
		}
	}
}

// The baselines table lists the placement and every baseline with its figures, the static cluster's
// nodes, the best single platform's name and HEFT's own estimate of its schedule.
func TestBaselineTable_everyBaseline(t *testing.T) {
	_, sol := solveTrace(t, loadTrace(t, tracePath(t, "blast-chameleon-small-001.json")), balanced)
	got := BaselineTable(sol)
	h := sol.Baseline(BaselineHEFT)
	for _, want := range []string{"found by " + sol.FoundBy, fmt.Sprintf("%.1f", sol.Evaluation.MakespanS),
		fmt.Sprintf("static-cluster (%d nodes)", sol.Baseline(BaselineStatic).Nodes),
		"best-single-platform (" + sol.Baseline(BaselineBestSingle).Of + ")",
		fmt.Sprintf("heft (own estimate %.1f s)", h.TaskLevelMakespanS), fmt.Sprintf("%.1f", h.MakespanS)} {
		if !strings.Contains(got, want) {
			t.Errorf("baselines table lacks %q:\n%s", want, got)
		}
	}
	for _, b := range sol.Baselines {
		if !strings.Contains(got, b.Name) {
			t.Errorf("baselines table lacks %s", b.Name)
		}
	}
}
