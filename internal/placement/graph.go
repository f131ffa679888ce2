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
	barrier, nN := stageBarriers(w)
	g := &graph{nTasks: len(w.Tasks), nNodes: nN, nodeStage: make([]int32, nN), stageTasks: make([][]int32, len(w.Stages))}
	for i := range w.Tasks {
		g.nodeStage[i] = int32(w.Tasks[i].Stage)
		g.stageTasks[w.Tasks[i].Stage] = append(g.stageTasks[w.Tasks[i].Stage], int32(i))
	}
	for s, b := range barrier {
		if b >= 0 {
			g.nodeStage[b] = int32(s)
		}
	}
	npar := g.linkParents(w, barrier)
	g.linkChildren()
	if v := g.sortTopo(npar); v >= 0 {
		if int(v) < g.nTasks {
			return nil, fmt.Errorf("dependency cycle through task %q (stage %q)", w.Tasks[v].ID, w.Stages[g.nodeStage[v]].Name)
		}
		return nil, fmt.Errorf("dependency cycle through stage %q", w.Stages[g.nodeStage[v]].Name)
	}
	return g, nil
}

// stageBarriers numbers a barrier node after the tasks for every stage that
// another stage depends on (-1 for the others) and returns the node count.
func stageBarriers(w *Workflow) ([]int32, int) {
	barrier := make([]int32, len(w.Stages))
	for i := range barrier {
		barrier[i] = -1
	}
	nN := len(w.Tasks)
	for _, s := range w.Stages {
		for _, d := range s.DependsOn {
			if barrier[d] < 0 {
				barrier[d] = int32(nN)
				nN++
			}
		}
	}
	return barrier, nN
}

// linkParents fills parStart and par: a task's parents are its own parents
// then the barriers of the stages its stage depends on; a barrier's parents
// are the tasks of its stage. It returns every node's parent count.
func (g *graph) linkParents(w *Workflow, barrier []int32) []int32 {
	nN := g.nNodes
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
	return npar
}

// linkChildren fills chStart and ch by transposing the parent lists.
func (g *graph) linkChildren() {
	nN := g.nNodes
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
}

// sortTopo fills topo by Kahn's algorithm; FIFO keeps the order stable (input
// order first). On a cycle it returns the first node left with parents, else -1.
func (g *graph) sortTopo(npar []int32) int32 {
	nN := g.nNodes
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
	if len(g.topo) == nN {
		return -1
	}
	for v := 0; v < nN; v++ {
		if indeg[v] > 0 {
			return int32(v)
		}
	}
	return -1
}

func (g *graph) parents(v int32) []int32  { return g.par[g.parStart[v]:g.parStart[v+1]] }
func (g *graph) children(v int32) []int32 { return g.ch[g.chStart[v]:g.chStart[v+1]] }
