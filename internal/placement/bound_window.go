// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"math"
	"sort"
)

// The lower bound's time windows (see [Bound]).
//
// To prove that no placement ends by T: every task v must run on a pool k
// where it can end by T less its tail (the least time its descendants need
// after it ends: it starts no earlier than the critical path lets it, see
// earliestEnd), and for a window start r, the tasks that cannot start
// before r run on each pool within the capacity the pool has between r and
// T (its vCPUs, fewer before its nodes can boot on the pools as given; its
// Lambda concurrency; its Batch vCPUs). With a_k(v) the capacity task v
// holds on pool k times its least duration there and E_k the capacity pool
// k has in [r, T], a placement ending by T has, for every pool, Σ over
// those tasks run there of a_k(v) / E_k ≤ 1; so for weights λ summing to 1,
// Σ_v min over v's pools of λ_k a_k(v) / E_k ≤ 1. A λ for which it is more
// proves that no placement ends by T (maxDual searches for one). Every T
// so proved is a lower bound; a search over T (doubling, then bisection)
// finds a large one. The window starts tried are 0 and the stages'
// earliest starts.

// windows is what the window bound needs from the critical path's last pass.
type windows struct {
	least []float64
	given bool
	endAt []float64 // task v's earliest end on pool k (index v × pools + k)
	tail  []float64 // least time after every node ends until the run can end
	est   []float64 // every node's earliest start
	// releases are the times the windows start at: 0 and the earliest
	// starts of the stages (a few of them when there are many).
	releases []float64
}

// maxReleases is how many window starts are tried (each costs a dual
// search per T); above maxReleaseTasks tasks, only 0 (the bound of 100,000
// tasks would take a minute).
const (
	maxReleases     = 16
	maxReleaseTasks = 20000
)

// newWindows keeps the earliest end of every task on every pool it may use.
func (pr *prepared) newWindows(least []float64, in *pathInfo, est, efD []float64) *windows {
	w := &windows{least: least, given: in.given, endAt: make([]float64, len(least)), tail: pr.tails(least), est: est}
	nK := len(pr.p.Pools)
	// The earliest start of each stage's tasks.
	first := make([]float64, len(pr.w.Stages))
	for s := range first {
		first[s] = math.Inf(1)
	}
	for v := 0; v < pr.g.nTasks; v++ {
		first[pr.ct[v].Stage] = math.Min(first[pr.ct[v].Stage], est[v])
	}
	sort.Float64s(first)
	w.releases = []float64{0}
	for i := 0; i < maxReleases-1 && i < len(first) && pr.g.nTasks <= maxReleaseTasks; i++ {
		if r := first[i*len(first)/min(len(first), maxReleases-1)]; r > w.releases[len(w.releases)-1] {
			w.releases = append(w.releases, r)
		}
	}
	for i, d := range least {
		w.endAt[i] = math.Inf(1)
		if v := int32(i / nK); !math.IsInf(d, 1) {
			w.endAt[i] = pr.earliestEnd(v, i%nK, est[v], d, in, efD)
		}
	}
	return w
}

// tails is, for every node, the longest chain of least durations among its
// descendants (the least over the pools each task may use).
func (pr *prepared) tails(least []float64) []float64 {
	g := pr.g
	nK := len(pr.p.Pools)
	tail := make([]float64, g.nNodes)
	for i := len(g.topo) - 1; i >= 0; i-- {
		v := g.topo[i]
		for _, c := range g.children(v) {
			d := 0.0
			if int(c) < g.nTasks {
				d = math.Inf(1)
				for _, x := range least[int(c)*nK : int(c)*nK+nK] {
					d = math.Min(d, x)
				}
			}
			tail[v] = math.Max(tail[v], d+tail[c])
		}
	}
	return tail
}

// capacityBy is the capacity pool k has in [0, T] (in the units of
// capacityHeld): on a VM pool, its head's vCPUs and its nodes' (before a
// boot only the nodes up from the start when given); Lambda's concurrency;
// Batch's vCPUs.
func (pr *prepared) capacityBy(k int, T float64, given bool) float64 {
	pl := &pr.p.Pools[k]
	switch pl.Kind {
	case KindHPC, KindRay:
		after := float64(pl.HeadVCPUs + max(pl.MinNodes, pl.MaxNodes)*pl.VCPUs)
		if !given {
			return after * T
		}
		before := float64(pl.HeadVCPUs)
		if !pl.MinNodesBoot {
			before += float64(pl.MinNodes * pl.VCPUs)
		}
		boot := math.Min(T, pl.StartLatencyS)
		return before*boot + after*math.Max(0, T-boot)
	case KindServerless:
		return float64(pl.Concurrency) * T
	case KindBatch:
		return float64(pl.MaxVCPUs) * T
	}
	return 0
}

// capacityHeld is the capacity task v holds on pool k while it runs: its
// vCPUs (a multi-node task: its nodes'), one Lambda execution, its Fargate
// vCPUs.
func (pr *prepared) capacityHeld(v int32, k int) float64 {
	pl := &pr.p.Pools[k]
	switch pl.Kind {
	case KindHPC, KindRay:
		return float64(pr.heldCores(v, pl))
	case KindServerless:
		return 1
	case KindBatch:
		vcpu, _, _ := fargateSize(pr.ct[v].Cores, pr.ct[v].MemoryBytes, pl)
		return float64(vcpu)
	}
	return 0
}

// late reports whether no placement can end by T: for some window start r,
// the tasks that cannot start before r do not fit in what the pools they
// can end in time on have between r and T.
func (pr *prepared) late(w *windows, T float64, a []float64) bool {
	nT, nK := pr.g.nTasks, len(pr.p.Pools)
	capIn := make([]float64, nK)
	for _, r := range w.releases {
		if r >= T {
			break
		}
		for k := range capIn {
			capIn[k] = pr.capacityBy(k, T, w.given) - pr.capacityBy(k, r, w.given)
		}
		for v := 0; v < nT; v++ {
			for k := 0; k < nK; k++ {
				i := v*nK + k
				a[i] = math.Inf(1)
				d := w.least[i]
				switch {
				case w.est[v] < r:
					a[i] = 0 // it may start before the window: not counted
				case math.IsInf(d, 1) || w.endAt[i]+w.tail[v] > T:
					// it cannot end in time there
				case capIn[k] > 0:
					a[i] = pr.capacityHeld(int32(v), k) * d / capIn[k]
				}
			}
		}
		if maxDual(a, nT, nK, 1+1e-9) > 1+1e-9 {
			return true
		}
	}
	return false
}

// windowBound is the largest T at least lo it proves no placement ends by
// (lo when it proves none).
func (pr *prepared) windowBound(w *windows, lo float64) float64 {
	a := make([]float64, pr.g.nTasks*len(pr.p.Pools))
	// Just above lo: at lo itself the tasks of the critical path end exactly
	// in time, give or take rounding.
	if !(lo > 0) || !pr.late(w, lo*(1+1e-9), a) {
		return lo
	}
	proved, hi := lo, 2*lo
	for i := 0; i < 60 && pr.late(w, hi, a); i++ {
		proved, hi = hi, 2*hi
	}
	for i := 0; i < 30 && hi-proved > 1e-6*proved; i++ {
		mid := (proved + hi) / 2
		if pr.late(w, mid, a) {
			proved = mid
		} else {
			hi = mid
		}
	}
	return proved
}
