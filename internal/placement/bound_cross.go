// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"math"
	"sort"
)

// crossEnd is the earliest task v can end on pool k, in the Lustre domain,
// where its least duration is d: a task there reads the share of its input
// that parents in the S3 domain produced from S3 (crossShare: the share of
// its parents that ran there, a barrier counting by the share of its
// stage's tasks), at the pool's S3 bandwidth, the rest from Lustre. For a
// time R it may start at, a parent task whose earliest end in the Lustre
// domain is after R ran in the S3 domain, and one whose earliest end in
// the S3 domain is after R in the Lustre domain; a barrier whose tasks
// cannot all have ended in the Lustre domain by R counts at least one of
// its m tasks (1/m) in the S3 domain, and likewise the other way. The rest
// count for the domain with the faster reads (the input time is linear in
// the share, so its least is at an end). The least over the times R worth
// trying (ready, its parents' earliest ends) is a lower bound; with no
// parent, all its input comes from Lustre.
func (pr *prepared) crossEnd(v int32, k int, ready, d float64, in *pathInfo, efD []float64) float64 {
	ps := pr.g.parents(v)
	fs, _, s3 := pr.p.Storage.bestBandwidths(&pr.p.Pools[k])
	if len(ps) == 0 {
		return pr.endFrom(v, k, 0, d, fs, in)
	}
	// byL and byS: the parents' earliest ends in each domain with their
	// weight (1, or 1/m for a barrier of m tasks), by end, then the weight
	// of those ending later than each.
	byL, byS := make([]weighted, len(ps)), make([]weighted, len(ps))
	lo := ready // a barrier's tasks may end in both domains
	for i, p := range ps {
		w := 1.0
		if int(p) >= pr.g.nTasks {
			w = 1 / float64(max(1, len(pr.g.parents(p))))
		}
		byL[i], byS[i] = weighted{efD[2*p], w}, weighted{efD[2*p+1], w}
	}
	laterL, laterS := sortWeighted(byL), sortWeighted(byS)
	n := float64(len(ps))
	best := math.Inf(1)
	try := func(r float64) {
		if r < lo || math.IsInf(r, 1) {
			return
		}
		// The share from S3: at least what must be there, at most all but
		// what must be in Lustre.
		c := later(byL, laterL, r)
		if s3 > fs {
			c = n - later(byS, laterS, r)
		}
		bw := fs
		switch {
		case c >= n:
			bw = s3
		case c > 0:
			bw = 1 / ((1-c/n)/fs + c/n/s3)
		}
		best = math.Min(best, pr.endFrom(v, k, r, d, bw, in))
	}
	try(lo)
	for i := range ps {
		try(byL[i].at)
		try(byS[i].at)
	}
	return best
}

// weighted is a parent's earliest end in a domain and its weight.
type weighted struct{ at, w float64 }

// sortWeighted sorts x by time and returns the suffix sums of the weights
// (out[i]: the weight of x[i:]).
func sortWeighted(x []weighted) []float64 {
	sort.Slice(x, func(i, j int) bool { return x[i].at < x[j].at })
	out := make([]float64, len(x)+1)
	for i := len(x) - 1; i >= 0; i-- {
		out[i] = out[i+1] + x[i].w
	}
	return out
}

// later is the weight of the entries of x (sorted, with suffix sums suffix)
// after r.
func later(x []weighted, suffix []float64, r float64) float64 {
	return suffix[sort.Search(len(x), func(i int) bool { return x[i].at > r })]
}
