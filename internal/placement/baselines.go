// SPDX-License-Identifier: MPL-2.0

package placement

import "fmt"

// Baseline names, in the order Solution.Baselines lists them.
const (
	BaselineAllHPC        = "all-hpc"
	BaselineAllRay        = "all-ray"
	BaselineAllServerless = "all-serverless"
	BaselineAllBatch      = "all-batch"
	BaselineMashup        = "mashup"
	BaselineHEFT          = "heft"
)

// The Mashup-style rule's thresholds (see [MashupAssignment]).
const (
	// MashupMinWidth is the least number of tasks of a "wide" stage.
	MashupMinWidth = 10
	// MashupMaxRuntimeS is the longest reference runtime of a task of a
	// "short" stage: a third of the Lambda timeout.
	MashupMaxRuntimeS = 300
)

// computeBaselines evaluates every baseline through se (so they are search
// candidates too) and returns them without scores and reductions.
func computeBaselines(pr *prepared, se *searcher) []Baseline {
	var out []Baseline
	add := func(name string, a Assignment, err error) *Baseline {
		b := Baseline{Name: name}
		if err != nil {
			b.Reason = err.Error()
			if ie, ok := err.(*InfeasibleError); ok && ie.Stage != "" {
				b.Reason = fmt.Sprintf("stage %q %s", ie.Stage, ie.Reason)
			}
		} else {
			c := &se.all[se.eval(a)]
			b.Feasible, b.Assignment, b.MakespanS, b.CostUSD = true, c.a, c.makespan, c.cost
			b.MeetsConstraints = c.violation == 0
		}
		out = append(out, b)
		return &out[len(out)-1]
	}
	for _, kb := range []struct {
		name string
		kind PlatformKind
	}{{BaselineAllHPC, KindHPC}, {BaselineAllRay, KindRay}, {BaselineAllServerless, KindServerless}, {BaselineAllBatch, KindBatch}} {
		a, err := allOnKind(pr, kb.kind)
		add(kb.name, a, err)
	}
	a, err := mashup(pr)
	add(BaselineMashup, a, err)
	h := heft(pr)
	b := add(BaselineHEFT, h.Assignment, nil)
	b.TaskLevelMakespanS = h.TaskMakespanS
	return out
}

// allOnKind puts every stage on the first pool of the kind it may use;
// pinned stages stay on their pin. A stage that can use no pool of the kind
// makes the baseline infeasible, with the reason.
func allOnKind(pr *prepared, kind PlatformKind) (Assignment, error) {
	a := make(Assignment, len(pr.w.Stages))
	for s := range a {
		k, reason := firstOfKind(pr, s, kind)
		if k < 0 && pr.w.Stages[s].Pin != "" && len(pr.allowed[s]) > 0 {
			k = pr.allowed[s][0]
		}
		if k < 0 {
			return nil, &InfeasibleError{Stage: pr.w.Stages[s].Name, Reason: reason}
		}
		a[s] = k
	}
	return a, nil
}

// firstOfKind returns the first pool of the kind stage s may use, or -1 and
// why not.
func firstOfKind(pr *prepared, s int, kind PlatformKind) (int, string) {
	reason := fmt.Sprintf("no %s pool is configured", kind)
	for k := range pr.p.Pools {
		if pr.p.Pools[k].Kind != kind {
			continue
		}
		if pr.fit[s][k].ok {
			return k, ""
		}
		reason = fmt.Sprintf("cannot run on %s pool %q: %s", kind, pr.p.Pools[k].Name, pr.fit[s][k].reason)
	}
	return -1, reason
}

// MashupAssignment returns the assignment of the Mashup-style rule, after
// Roy et al., "Mashup: Making Serverless Computing Useful for HPC Workflows
// via Hybrid Execution" (PPoPP 2022), which sends bursty, short, stateless
// stages to serverless functions and the rest to VMs. The rule implemented:
//
//  1. A pinned stage stays on its pin (the first pool it may use).
//  2. A stage goes to the first serverless pool when it may run there (no
//     GPU, not "mpi", not stateful, its memory within the function limit,
//     every task's estimated duration with cold start and S3 I/O within the
//     function timeout), it is wide (at least MashupMinWidth = 10 tasks) and
//     short (its longest task runtime is at most MashupMaxRuntimeS = 300 s on
//     the reference core).
//  3. Every other stage goes to the VM cluster: the first HPC pool it may
//     use, else the first Ray pool, else the first pool it may use at all.
func MashupAssignment(p *Problem) (Assignment, error) {
	pr, err := prepare(p)
	if err != nil {
		return nil, err
	}
	if err := pr.checkAllowed(); err != nil {
		return nil, err
	}
	return mashup(pr)
}

func mashup(pr *prepared) (Assignment, error) {
	a := make(Assignment, len(pr.w.Stages))
	for s := range a {
		if len(pr.allowed[s]) == 0 {
			return nil, &InfeasibleError{Stage: pr.w.Stages[s].Name, Reason: "fits no platform"}
		}
		if pr.w.Stages[s].Pin != "" {
			a[s] = pr.allowed[s][0]
			continue
		}
		tasks := pr.g.stageTasks[s]
		longest := 0.0
		for _, t := range tasks {
			longest = max(longest, pr.w.Tasks[t].RuntimeS)
		}
		if len(tasks) >= MashupMinWidth && longest <= MashupMaxRuntimeS {
			if k, _ := firstOfKind(pr, s, KindServerless); k >= 0 {
				a[s] = k
				continue
			}
		}
		if k, _ := firstOfKind(pr, s, KindHPC); k >= 0 {
			a[s] = k
		} else if k, _ := firstOfKind(pr, s, KindRay); k >= 0 {
			a[s] = k
		} else {
			a[s] = pr.allowed[s][0]
		}
	}
	return a, nil
}
