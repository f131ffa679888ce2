// SPDX-License-Identifier: MPL-2.0

package placement

// Small specialised binary heaps for the simulator. They avoid the interface
// calls of container/heap on the hot path; all orderings are total (ties are
// broken by index) so the simulation is deterministic.

// event is a simulator event: a task finishing or a node becoming ready.
// Events are ordered by time, then by key, which packs the kind (finishes
// first), the task or pool, and the node into one integer.
type event struct {
	t   float64
	key uint64
}

const (
	evFinish    uint64 = 0
	evNodeReady uint64 = 1
)

func finishEvent(t float64, v int32) event { return event{t, uint64(uint32(v)) << 31} }

func nodeReadyEvent(t float64, pool int32, node int32) event {
	return event{t, 1<<63 | uint64(uint32(pool))<<31 | uint64(uint32(node))}
}

func (e event) kind() uint64 { return e.key >> 63 }
func (e event) v() int32     { return int32(uint32(e.key >> 31)) }
func (e event) node() int32  { return int32(uint32(e.key & (1<<31 - 1))) }
func (e event) before(b event) bool {
	return e.t < b.t || e.t == b.t && e.key < b.key
}

// eventHeap is a 4-ary min-heap of events.
type eventHeap []event

func (h *eventHeap) push(e event) {
	*h = append(*h, e)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !e.before(a[p]) {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = e
}

func (h *eventHeap) pop() event {
	a := *h
	top := a[0]
	n := len(a) - 1
	last := a[n]
	a = a[:n]
	if n > 0 {
		i := 0
		for {
			c := 4*i + 1
			if c >= n {
				break
			}
			m := c
			end := min(c+4, n)
			for j := c + 1; j < end; j++ {
				if a[j].before(a[m]) {
					m = j
				}
			}
			if !a[m].before(last) {
				break
			}
			a[i] = a[m]
			i = m
		}
		a[i] = last
	}
	*h = a
	return top
}

// taskQueue is a max-heap of tasks by priority (ties: lower index first).
// Priorities are stored inline to keep comparisons cache-friendly.
type taskQueue struct {
	a []qentry
}

type qentry struct {
	p float64
	v int32
}

func (x qentry) less(y qentry) bool {
	if x.p != y.p {
		return x.p > y.p
	}
	return x.v < y.v
}

func (q *taskQueue) push(v int32, prio float64) {
	q.a = append(q.a, qentry{prio, v})
	a := q.a
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !a[i].less(a[p]) {
			break
		}
		a[i], a[p] = a[p], a[i]
		i = p
	}
}

func (q *taskQueue) peek() int32 { return q.a[0].v }

func (q *taskQueue) pop() int32 {
	a := q.a
	top := a[0].v
	n := len(a) - 1
	a[0] = a[n]
	a = a[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && a[r].less(a[l]) {
			m = r
		}
		if !a[m].less(a[i]) {
			break
		}
		a[i], a[m] = a[m], a[i]
		i = m
	}
	q.a = a
	return top
}

// nodeHeap orders the ready nodes of a VM pool by free cores (most first,
// ties: lower node index) and supports updating a node in place.
type nodeHeap struct {
	a     []int32 // node indices
	pos   []int32 // position of each node in a, -1 when absent
	nodes *[]vmNode
}

func (h *nodeHeap) less(x, y int32) bool {
	n := *h.nodes
	if n[x].freeCores != n[y].freeCores {
		return n[x].freeCores > n[y].freeCores
	}
	return x < y
}

func (h *nodeHeap) swap(i, j int) {
	h.a[i], h.a[j] = h.a[j], h.a[i]
	h.pos[h.a[i]] = int32(i)
	h.pos[h.a[j]] = int32(j)
}

func (h *nodeHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(h.a[i], h.a[p]) {
			break
		}
		h.swap(i, p)
		i = p
	}
}

func (h *nodeHeap) down(i int) {
	n := len(h.a)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.less(h.a[r], h.a[l]) {
			m = r
		}
		if !h.less(h.a[m], h.a[i]) {
			return
		}
		h.swap(i, m)
		i = m
	}
}

func (h *nodeHeap) add(node int32) {
	for int(node) >= len(h.pos) {
		h.pos = append(h.pos, -1)
	}
	h.a = append(h.a, node)
	h.pos[node] = int32(len(h.a) - 1)
	h.up(len(h.a) - 1)
}

// has reports whether node is in the heap. Nodes that are still booting have never been added, so
// pos may be shorter than the pool's node list.
func (h *nodeHeap) has(node int32) bool {
	return int(node) < len(h.pos) && h.pos[node] >= 0
}

// fix restores the heap after node's free cores changed.
func (h *nodeHeap) fix(node int32) {
	if !h.has(node) {
		return
	}
	i := int(h.pos[node])
	h.up(i)
	h.down(int(h.pos[node]))
}
