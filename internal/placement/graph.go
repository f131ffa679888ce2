// SPDX-License-Identifier: MPL-2.0

package placement

import "fmt"

// graph is the compiled dependency graph of a workflow used by the simulator
// and the solvers. Nodes 0..nTasks-1 are the tasks; nodes nTasks.. are
// zero-time barrier nodes, one per stage that another stage depends on: a
// barrier's parents are all tasks of its stage and its children are all
// tasks of the dependent stages. Adjacency is stored in CSR form.
type graph struct {
	nTasks     int
	nNodes     int
	nodeStage  []int32 // stage of every node (a barrier carries its stage)
	parStart   []int32 // parents of node v: par[parStart[v]:parStart[v+1]]
	par        []int32
	chStart    []int32 // children of node v: ch[chStart[v]:chStart[v+1]]
	ch         []int32
	topo       []int32 // a topological order of all nodes
	stageTasks [][]int32
}

func compileGraph(w *Workflow) (*graph, error) {
	nT := len(w.Tasks)
	nS := len(w.Stages)
	barrier := make([]int32, nS)
	for i := range barrier {
		barrier[i] = -1
	}
	nN := nT
	for _, s := range w.Stages {
		for _, d := range s.DependsOn {
			if barrier[d] < 0 {
				barrier[d] = int32(nN)
				nN++
			}
		}
	}
	g := &graph{nTasks: nT, nNodes: nN, nodeStage: make([]int32, nN), stageTasks: make([][]int32, nS)}
	for i := range w.Tasks {
		g.nodeStage[i] = int32(w.Tasks[i].Stage)
		g.stageTasks[w.Tasks[i].Stage] = append(g.stageTasks[w.Tasks[i].Stage], int32(i))
	}
	for s, b := range barrier {
		if b >= 0 {
			g.nodeStage[b] = int32(s)
		}
	}
	// Count parents.
	npar := make([]int32, nN+1)
	for i := range w.Tasks {
		t := &w.Tasks[i]
		npar[i] = int32(len(t.Parents) + len(w.Stages[t.Stage].DependsOn))
	}
	for s, b := range barrier {
		if b >= 0 {
			npar[b] = int32(len(g.stageTasks[s]))
		}
	}
	g.parStart = make([]int32, nN+1)
	for v := 0; v < nN; v++ {
		g.parStart[v+1] = g.parStart[v] + npar[v]
	}
	g.par = make([]int32, g.parStart[nN])
	for i := range w.Tasks {
		t := &w.Tasks[i]
		k := g.parStart[i]
		for _, p := range t.Parents {
			g.par[k] = int32(p)
			k++
		}
		for _, d := range w.Stages[t.Stage].DependsOn {
			g.par[k] = barrier[d]
			k++
		}
	}
	for s, b := range barrier {
		if b >= 0 {
			copy(g.par[g.parStart[b]:], g.stageTasks[s])
		}
	}
	// Children by transposition.
	nch := make([]int32, nN)
	for _, p := range g.par {
		nch[p]++
	}
	g.chStart = make([]int32, nN+1)
	for v := 0; v < nN; v++ {
		g.chStart[v+1] = g.chStart[v] + nch[v]
	}
	g.ch = make([]int32, len(g.par))
	fill := make([]int32, nN)
	copy(fill, g.chStart[:nN])
	for v := 0; v < nN; v++ {
		for _, p := range g.par[g.parStart[v]:g.parStart[v+1]] {
			g.ch[fill[p]] = int32(v)
			fill[p]++
		}
	}
	// Kahn's algorithm; FIFO keeps the order stable (input order first).
	indeg := make([]int32, nN)
	copy(indeg, npar[:nN])
	g.topo = make([]int32, 0, nN)
	for v := 0; v < nN; v++ {
		if indeg[v] == 0 {
			g.topo = append(g.topo, int32(v))
		}
	}
	for head := 0; head < len(g.topo); head++ {
		v := g.topo[head]
		for _, c := range g.ch[g.chStart[v]:g.chStart[v+1]] {
			indeg[c]--
			if indeg[c] == 0 {
				g.topo = append(g.topo, c)
			}
		}
	}
	if len(g.topo) != nN {
		for v := 0; v < nN; v++ {
			if indeg[v] > 0 {
				if v < nT {
					return nil, fmt.Errorf("dependency cycle through task %q (stage %q)", w.Tasks[v].ID, w.Stages[g.nodeStage[v]].Name)
				}
				return nil, fmt.Errorf("dependency cycle through stage %q", w.Stages[g.nodeStage[v]].Name)
			}
		}
	}
	return g, nil
}

func (g *graph) parents(v int32) []int32  { return g.par[g.parStart[v]:g.parStart[v+1]] }
func (g *graph) children(v int32) []int32 { return g.ch[g.chStart[v]:g.chStart[v+1]] }
