// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"fmt"
	"sort"
	"strings"
)

// The rules a workflow's stages meet, stated once here: [FromStages], [Workflow.Validate] and the
// Terraform provider's plan checks ([CheckStages], with what is unknown at plan time) all apply them,
// and a broken rule is a *[StageError] that names the stage, its field and the rule.

// StageRule names one rule of the stages.
type StageRule string

const (
	// RuleUniqueName: stage names are unique within the workflow.
	RuleUniqueName StageRule = "unique stage names"
	// RuleKnownDependency: a stage depends only on stages of the workflow.
	RuleKnownDependency StageRule = "dependencies on stages of the workflow"
	// RuleNoSelfDependency: a stage does not depend on itself.
	RuleNoSelfDependency StageRule = "no stage depends on itself"
	// RuleAcyclic: the stage dependencies form no cycle (the workflow is a DAG).
	RuleAcyclic StageRule = "no dependency cycle"
	// RuleTaskCount: a stage of identical tasks has MinStageTasks to MaxStageTasks of them.
	RuleTaskCount StageRule = "task count in range"
	// RuleNodes: nodes per task is set only on a stage coupled "mpi" (only an MPI job spans several
	// nodes), and is not negative (0 derives it, see Stage.Nodes).
	RuleNodes StageRule = "nodes per task only with coupling mpi"
)

// Fields a StageError names: the JSON names of [Stage]'s fields, which the Terraform stage block's
// attributes share.
const (
	FieldName      = "name"
	FieldDependsOn = "depends_on"
	FieldTaskCount = "task_count"
	FieldNodes     = "nodes"
)

// Bounds of StageSpec.TaskCount. The upper bound keeps a workflow of stage blocks within memory: every
// task is materialised (about 100 bytes each, so a stage stays under about 100 MB).
const (
	MinStageTasks = 1
	MaxStageTasks = 1_000_000
)

// StageError is a broken stage rule.
type StageError struct {
	Rule StageRule
	// Index is the stage's index (in the specs, or in Workflow.Stages) and Stage its name.
	Index int
	Stage string
	// Field is the field the rule is about (FieldName, FieldDependsOn or FieldTaskCount).
	Field string
	// First is, for RuleUniqueName, the index of the stage that has the name first.
	First int
	// Dependency is, for RuleKnownDependency, the name depended on; Known the workflow's stage
	// names, sorted.
	Dependency string
	Known      []string
	// Cycle is, for RuleAcyclic, the stages around the cycle from Index, the first repeated last.
	Cycle []string
	// TaskCount is, for RuleTaskCount, the count given.
	TaskCount int
	// Nodes and Coupling are, for RuleNodes, the values given.
	Nodes    int
	Coupling Coupling
}

func (e *StageError) Error() string {
	switch e.Rule {
	case RuleUniqueName:
		return fmt.Sprintf("stage name %q is already used by stage[%d]; stage names must be unique", e.Stage, e.First)
	case RuleKnownDependency:
		return fmt.Sprintf("stage %q depends on %q, which is not a stage of this workflow (known: %s)",
			e.Stage, e.Dependency, strings.Join(e.Known, ", "))
	case RuleNoSelfDependency:
		return fmt.Sprintf("stage %q depends on itself", e.Stage)
	case RuleAcyclic:
		return fmt.Sprintf("the stages depend on each other in a cycle: %s; a workflow must be a DAG", strings.Join(e.Cycle, " -> "))
	case RuleTaskCount:
		return fmt.Sprintf("stage %q: task_count must be between %d and %d, got %d", e.Stage, MinStageTasks, MaxStageTasks, e.TaskCount)
	case RuleNodes:
		if e.Nodes < 0 {
			return fmt.Sprintf("stage %q: nodes must be at least 1, got %d", e.Stage, e.Nodes)
		}
		return fmt.Sprintf("stage %q: nodes = %d needs coupling = %q (only a tightly coupled MPI task spans several nodes), "+
			"the stage's coupling is %q", e.Stage, e.Nodes, CouplingMPI, couplingName(e.Coupling))
	}
	return fmt.Sprintf("stage %q: %s broken", e.Stage, e.Rule)
}

// StageUnknowns marks the values of a StageSpec that are not known yet (Terraform's unknown values
// at plan time); the zero value is all known.
type StageUnknowns struct {
	Name, DependsOn, TaskCount, Coupling, Nodes bool
}

// CheckStages checks stage specifications against the stage rules and returns every broken rule in
// stage order, nil when none. unknown, when not nil, is parallel to specs; a rule is checked only where
// the values it reads are known: unique names among the known names, a task count when known, a
// dependency on a name outside the workflow only when every name is known, and cycles only when every
// name and dependency is known and no other rule is broken.
func CheckStages(specs []StageSpec, unknown []StageUnknowns) []*StageError {
	u := func(i int) StageUnknowns {
		if unknown == nil {
			return StageUnknowns{}
		}
		return unknown[i]
	}
	names := make([]string, len(specs))
	nameKnown := make([]bool, len(specs))
	allNames := true
	for i, s := range specs {
		names[i], nameKnown[i] = s.Name, !u(i).Name
		allNames = allNames && nameKnown[i]
	}
	errs := uniqueNames(names, nameKnown)
	for i, s := range specs {
		if !u(i).TaskCount && (s.TaskCount < MinStageTasks || s.TaskCount > MaxStageTasks) {
			errs = append(errs, &StageError{Rule: RuleTaskCount, Index: i, Stage: s.Name, Field: FieldTaskCount, TaskCount: s.TaskCount})
		}
		if !u(i).Nodes && !u(i).Coupling {
			if e := nodesRule(i, s.Name, s.Nodes, s.Coupling); e != nil {
				errs = append(errs, e)
			}
		}
	}
	index := make(map[string]int, len(specs))
	for i := len(specs) - 1; i >= 0; i-- { // the first stage of a name wins
		if nameKnown[i] {
			index[names[i]] = i
		}
	}
	deps := make([][]int, len(specs))
	allDeps := allNames
	for i, s := range specs {
		if u(i).DependsOn || !nameKnown[i] {
			allDeps = false
			continue
		}
		for _, d := range s.DependsOn {
			j, ok := index[d]
			switch {
			case d == s.Name:
				deps[i] = append(deps[i], i)
			case ok:
				deps[i] = append(deps[i], j)
			case allNames:
				errs = append(errs, &StageError{Rule: RuleKnownDependency, Index: i, Stage: s.Name, Field: FieldDependsOn,
					Dependency: d, Known: sortedNames(names)})
			}
		}
	}
	errs = append(errs, selfDependencies(names, deps)...)
	if allDeps && len(errs) == 0 {
		if e := stageCycle(names, deps); e != nil {
			errs = append(errs, e)
		}
	}
	sort.SliceStable(errs, func(a, b int) bool { return errs[a].Index < errs[b].Index })
	return errs
}

// checkStageRules applies the rules to the stages of a workflow whose dependency indices are in range,
// returning the first broken one.
func (w *Workflow) checkStageRules() *StageError {
	names := make([]string, len(w.Stages))
	known := make([]bool, len(w.Stages))
	deps := make([][]int, len(w.Stages))
	for i, s := range w.Stages {
		names[i], known[i], deps[i] = s.Name, true, s.DependsOn
	}
	errs := append(uniqueNames(names, known), selfDependencies(names, deps)...)
	for i, s := range w.Stages {
		if e := nodesRule(i, s.Name, s.Nodes, s.Coupling); e != nil {
			errs = append(errs, e)
		}
	}
	if len(errs) == 0 {
		if e := stageCycle(names, deps); e != nil {
			errs = append(errs, e)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(a, b int) bool { return errs[a].Index < errs[b].Index })
	return errs[0]
}

// nodesRule checks RuleNodes for stage i.
func nodesRule(i int, name string, nodes int, c Coupling) *StageError {
	if nodes < 0 || (nodes > 0 && c != CouplingMPI) {
		return &StageError{Rule: RuleNodes, Index: i, Stage: name, Field: FieldNodes, Nodes: nodes, Coupling: c}
	}
	return nil
}

func couplingName(c Coupling) string {
	if c == CouplingNone {
		return "none"
	}
	return string(c)
}

// uniqueNames reports every known name used by an earlier stage.
func uniqueNames(names []string, known []bool) []*StageError {
	var errs []*StageError
	first := make(map[string]int, len(names))
	for i, n := range names {
		if !known[i] {
			continue
		}
		if j, dup := first[n]; dup {
			errs = append(errs, &StageError{Rule: RuleUniqueName, Index: i, Stage: n, Field: FieldName, First: j})
			continue
		}
		first[n] = i
	}
	return errs
}

// selfDependencies reports every stage that lists itself among its dependencies (once per stage).
func selfDependencies(names []string, deps [][]int) []*StageError {
	var errs []*StageError
	for i, ds := range deps {
		for _, d := range ds {
			if d == i {
				errs = append(errs, &StageError{Rule: RuleNoSelfDependency, Index: i, Stage: names[i], Field: FieldDependsOn})
				break
			}
		}
	}
	return errs
}

// stageCycle reports a dependency cycle among the stages, or nil. The search is deterministic: it
// starts from the lowest index and follows dependencies in order; the cycle is reported at the stage
// where it was entered.
func stageCycle(names []string, deps [][]int) *StageError {
	cyc := findCycle(deps)
	if cyc == nil {
		return nil
	}
	chain := make([]string, len(cyc))
	for k, i := range cyc {
		chain[k] = names[i]
	}
	return &StageError{Rule: RuleAcyclic, Index: cyc[0], Stage: names[cyc[0]], Field: FieldDependsOn, Cycle: chain}
}

// findCycle returns the nodes of a cycle of the graph deps (node -> the nodes it depends on), the first
// node repeated at the end, or nil.
func findCycle(deps [][]int) []int {
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(deps))
	stack := []int{}
	var cycle []int
	var visit func(int) bool
	visit = func(v int) bool {
		color[v] = grey
		stack = append(stack, v)
		for _, u := range deps[v] {
			switch color[u] {
			case grey:
				for k := range stack {
					if stack[k] == u {
						cycle = append(append([]int(nil), stack[k:]...), u)
						break
					}
				}
				return true
			case white:
				if visit(u) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[v] = black
		return false
	}
	for v := range deps {
		if color[v] == white && visit(v) {
			return cycle
		}
	}
	return nil
}

func sortedNames(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := make([]string, 0, len(names))
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
