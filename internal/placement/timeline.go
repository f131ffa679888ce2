// SPDX-License-Identifier: MPL-2.0

package placement

import "math"

// linkTimeline is a shared link ([sharedLink]) in HEFT's schedule, which is
// built in rank order, not in time order: the tasks booked on the link as
// intervals, so that the load at any time can be asked. load(t) is the same
// n − 1 as sharedLink.share counts for a task starting at t: the duties of
// the booked tasks running at t, a booked task starting exactly at t
// counting 1.
type linkTimeline struct {
	running treap               // +duty at a start, −duty at an end: prefix sums give the duty running at t
	atStart map[float64]float64 // Σ (1 − duty) of the tasks booked to start at each instant
}

func (lt *linkTimeline) load(t float64) float64 {
	return math.Max(0, lt.running.prefix(t)+lt.atStart[t])
}

// share is the throughput of a task starting at t on a link of aggregate
// agg (0: no limit) with the per-task limit perTask.
func (lt *linkTimeline) share(t, agg, perTask float64) float64 {
	if agg <= 0 {
		return perTask
	}
	return math.Min(perTask, agg/(1+lt.load(t)))
}

// book adds a task running from start to end with duty on the link.
func (lt *linkTimeline) book(start, end, duty float64) {
	if lt.atStart == nil {
		lt.atStart = map[float64]float64{}
	}
	lt.running.add(start, duty)
	lt.running.add(end, -duty)
	lt.atStart[start] += 1 - duty
}

// treap is a randomised balanced search tree of (time, value) pairs keyed by
// time, with subtree sums, for prefix sums over time in O(log n). Its
// priorities come from a fixed xorshift sequence: deterministic.
type treap struct {
	nodes []treapNode
	root  int32 // -1 when empty (the zero treap is empty: root 0 with no nodes)
	seed  uint32
}

type treapNode struct {
	key, val, sum float64
	prio          uint32
	l, r          int32
}

func (tr *treap) sum(i int32) float64 {
	if i < 0 {
		return 0
	}
	return tr.nodes[i].sum
}

func (tr *treap) fix(i int32) {
	n := &tr.nodes[i]
	n.sum = tr.sum(n.l) + n.val + tr.sum(n.r)
}

// split splits subtree i into the nodes with key ≤ k and those above.
func (tr *treap) split(i int32, k float64) (int32, int32) {
	if i < 0 {
		return -1, -1
	}
	if tr.nodes[i].key <= k {
		a, b := tr.split(tr.nodes[i].r, k)
		tr.nodes[i].r = a
		tr.fix(i)
		return i, b
	}
	a, b := tr.split(tr.nodes[i].l, k)
	tr.nodes[i].l = b
	tr.fix(i)
	return a, i
}

func (tr *treap) merge(a, b int32) int32 {
	switch {
	case a < 0:
		return b
	case b < 0:
		return a
	case tr.nodes[a].prio > tr.nodes[b].prio:
		tr.nodes[a].r = tr.merge(tr.nodes[a].r, b)
		tr.fix(a)
		return a
	}
	tr.nodes[b].l = tr.merge(a, tr.nodes[b].l)
	tr.fix(b)
	return b
}

// add inserts the pair (k, v).
func (tr *treap) add(k, v float64) {
	if len(tr.nodes) == 0 {
		tr.root, tr.seed = -1, 2463534242
	}
	tr.seed ^= tr.seed << 13
	tr.seed ^= tr.seed >> 17
	tr.seed ^= tr.seed << 5
	i := int32(len(tr.nodes))
	tr.nodes = append(tr.nodes, treapNode{key: k, val: v, sum: v, prio: tr.seed, l: -1, r: -1})
	a, b := tr.split(tr.root, k)
	tr.root = tr.merge(tr.merge(a, i), b)
}

// prefix is the sum of the values with key ≤ k.
func (tr *treap) prefix(k float64) float64 {
	if len(tr.nodes) == 0 {
		return 0
	}
	s := 0.0
	for i := tr.root; i >= 0; {
		n := &tr.nodes[i]
		if n.key <= k {
			s += tr.sum(n.l) + n.val
			i = n.r
		} else {
			i = n.l
		}
	}
	return s
}
