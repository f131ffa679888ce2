// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"math/rand/v2"
)

// Synthetic generates a deterministic layered workflow of about nTasks tasks
// in nStages stages (at least 2) for benchmarks and tests. Stage shapes
// cycle through four patterns seen in scientific workflows:
//
//   - wide and short (a burst of 1-30 s tasks, 1 core, 64-1024 MiB),
//   - medium (60-300 s tasks, 1-2 cores, up to 3 GiB),
//   - narrow and long (600-1500 s tasks, 4 cores, 4-8 GiB, few tasks),
//   - aggregation (a single 30-120 s task),
//
// with 1-20 MB of input and output per task. Every task of a stage has one
// to three parents drawn uniformly from the previous stage (an aggregation
// task depends on every task of the previous stage). The same (nTasks,
// nStages, seed) always gives the same workflow.
func Synthetic(nTasks, nStages int, seed uint64) *Workflow {
	if nStages < 2 {
		nStages = 2
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) //nolint:gosec // a seeded, reproducible generator is the point
	kinds := make([]int, nStages)
	weights := make([]float64, nStages)
	total := 0.0
	for s := range kinds {
		kinds[s] = s % 4
		switch kinds[s] {
		case 0:
			weights[s] = 10
		case 1:
			weights[s] = 3
		case 2:
			weights[s] = 0.2
		case 3:
			weights[s] = 0
		}
		total += weights[s]
	}
	w := &Workflow{Name: fmt.Sprintf("synthetic-%d", nTasks)}
	rest := nTasks
	widths := make([]int, nStages)
	for s := range widths {
		if kinds[s] == 3 {
			widths[s] = 1
		} else {
			widths[s] = max(1, int(float64(nTasks)*weights[s]/total))
		}
		rest -= widths[s]
	}
	widths[0] = max(1, widths[0]+rest)
	prev := []int{}
	for s := 0; s < nStages; s++ {
		w.Stages = append(w.Stages, Stage{Name: fmt.Sprintf("s%02d_%s", s, [...]string{"burst", "medium", "long", "reduce"}[kinds[s]])})
		cur := make([]int, 0, widths[s])
		for i := 0; i < widths[s]; i++ {
			t := Task{ID: fmt.Sprintf("s%02d_%d", s, i), Stage: s}
			switch kinds[s] {
			case 0:
				t.RuntimeS, t.Cores, t.MemoryBytes = 1+29*rng.Float64(), 1, int64(64+rng.IntN(960))<<20
			case 1:
				t.RuntimeS, t.Cores, t.MemoryBytes = 60+240*rng.Float64(), 1+rng.IntN(2), int64(256+rng.IntN(2816))<<20
			case 2:
				t.RuntimeS, t.Cores, t.MemoryBytes = 600+900*rng.Float64(), 4, int64(4096+rng.IntN(4096))<<20
			case 3:
				t.RuntimeS, t.Cores, t.MemoryBytes = 30+90*rng.Float64(), 1, 2<<30
			}
			t.InputBytes = int64(1e6 + rng.IntN(19e6))
			t.OutputBytes = int64(1e6 + rng.IntN(19e6))
			if len(prev) > 0 {
				if kinds[s] == 3 {
					t.Parents = append([]int(nil), prev...)
				} else {
					k := 1 + rng.IntN(3)
					for j := 0; j < k; j++ {
						p := prev[rng.IntN(len(prev))]
						dup := false
						for _, q := range t.Parents {
							dup = dup || q == p
						}
						if !dup {
							t.Parents = append(t.Parents, p)
						}
					}
				}
			}
			cur = append(cur, len(w.Tasks))
			w.Tasks = append(w.Tasks, t)
		}
		prev = cur
	}
	return w
}
