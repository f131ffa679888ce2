// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"math"
	"sort"
)

// The lower bound's page cache (see [Bound] and cache.go).
//
// A task finds a shared input in its node's page cache only after some task
// put it there: one that read it from storage (the file is there when that
// task's input phase ends, which is no earlier than its start plus the
// time to read the file and its inputs that are not shared, at the best
// bandwidth), or one that wrote it (when that task ends). A task that finds
// a file whose read is still in flight waits for it. So a task's input
// phase ends no earlier than, for the set C of shared inputs it finds
// cached, both its start plus reading the rest and the time the first copy
// of each file of C can be whole anywhere (firstCopies). The least over the
// sets C is the least over the prefixes of its shared inputs ordered by
// that time (a set is no better than the prefix that ends with its latest
// file). The first copies come from earliest starts and ends that are
// themselves lower bounds, so each pass (criticalPath with them) is a
// lower bound, no lower than the last.

// refinedPath is the critical path (on the pools as given when given),
// refined over a few passes with the first copies of shared files and,
// when given, the first warm Lambda environments of each stage; each pass
// is a lower bound from the last one's. It returns the path's end and what
// the window bound needs.
func (pr *prepared) refinedPath(least []float64, given bool) (float64, *windows) {
	in := &pathInfo{given: given}
	end, est, ef, efD := pr.criticalPath(least, in)
	cache := pr.fileBytes != nil && !pr.p.Storage.NoPageCache
	for pass := 0; pass < 4 && (cache || given); pass++ {
		next := &pathInfo{given: given}
		if cache {
			next.copies = pr.firstCopies(est, ef)
		}
		if given {
			next.warm = pr.firstWarm(least, est)
		}
		e, s, f, fD := pr.criticalPath(least, next)
		last := end
		in, end, est, ef, efD = next, math.Max(e, end), s, f, fD
		if e <= last {
			break
		}
	}
	return end, pr.newWindows(least, in, est, efD)
}

// firstWarm is, per stage and serverless pool (index stage × pools + pool),
// when a warm execution environment of the stage's function can first be
// there: the first to end of the stage's tasks on the pool started cold
// (every task did until one ended), so no earlier than the least, over the
// stage's tasks, of earliest start + cold start + least duration; a task
// never reuses its own environment (see firstCopy).
func (pr *prepared) firstWarm(least, est []float64) []firstCopy {
	nK := len(pr.p.Pools)
	out := make([]firstCopy, len(pr.w.Stages)*nK)
	for i := range out {
		out[i] = firstCopy{at: math.Inf(1), next: math.Inf(1), by: -1}
	}
	for v := range pr.w.Tasks {
		s := pr.ct[v].Stage
		for _, k := range pr.allowed[s] {
			if pl := &pr.p.Pools[k]; pl.Kind == KindServerless {
				out[s*nK+k].add(int32(v), est[v]+pl.StartLatencyS+least[v*nK+k])
			}
		}
	}
	return out
}

// cacheable reports whether task v on pool k may find its shared inputs in
// a node's page cache (a task of one node in the Lustre domain).
func (pr *prepared) cacheable(v int32, k int) bool {
	pl := &pr.p.Pools[k]
	return pr.usesCache(v, pl) && pr.nodesOf(v, pl) == 1
}

// unshared is the bytes of task v's input that are not shared files.
func (pr *prepared) unshared(v int32) int64 {
	in := pr.ct[v].InputBytes
	for _, f := range pr.w.Tasks[v].SharedInputs {
		in -= pr.fileBytes[f]
	}
	return in
}

// inBW is the best bandwidth a task on pool k reads its input at.
func (pr *prepared) inBW(k int) float64 {
	read, _, s3 := pr.p.Storage.bestBandwidths(&pr.p.Pools[k])
	return math.Max(read, s3)
}

// firstCopy is when the first copy of a shared file can be whole in a page
// cache: at the earliest, by task by; next is the earliest by another task
// (a task never finds a copy it makes itself).
type firstCopy struct {
	at, next float64
	by       int32
}

// of is the earliest task v can find a copy made by another task.
func (c *firstCopy) of(v int32) float64 {
	if c.by == v {
		return c.next
	}
	return c.at
}

// add records a copy task u can make at t.
func (c *firstCopy) add(u int32, t float64) {
	switch {
	case t < c.at:
		if c.by != u {
			c.next = c.at
		}
		c.at, c.by = t, u
	case u != c.by && t < c.next:
		c.next = t
	}
}

// firstCopies is, per shared file, the earliest a copy of it can be whole
// in a page cache (+Inf when none can): the least, over the tasks that may
// read it on a pool with a cache, of the earliest start plus reading it and
// the reader's unshared inputs; and over the tasks that write it, of their
// earliest end.
func (pr *prepared) firstCopies(est, ef []float64) []firstCopy {
	at := make([]firstCopy, len(pr.fileBytes))
	for f := range at {
		at[f] = firstCopy{at: math.Inf(1), next: math.Inf(1), by: -1}
	}
	for u := range pr.w.Tasks {
		t := &pr.w.Tasks[u]
		for _, f := range t.SharedOutputs {
			at[f].add(int32(u), ef[u])
		}
		if len(t.SharedInputs) == 0 {
			continue
		}
		n := pr.unshared(int32(u))
		for _, k := range pr.allowed[t.Stage] {
			if !pr.cacheable(int32(u), k) {
				continue
			}
			bw := pr.inBW(k)
			for _, f := range t.SharedInputs {
				at[f].add(int32(u), est[u]+float64(n+pr.fileBytes[f])/bw)
			}
		}
	}
	return at
}

// cachedEnd is the earliest task v, starting at start, can end on pool k
// when its shared inputs are cached no earlier than copies say, reading at
// bw; rest is its compute and write time.
func (pr *prepared) cachedEnd(v int32, k int, start, rest, bw float64, copies []firstCopy) float64 {
	files := pr.w.Tasks[v].SharedInputs
	in := pr.ct[v].InputBytes
	if len(files) == 0 || !pr.cacheable(v, k) {
		return start + (float64(in)/bw + rest)
	}
	sorted := append([]int32(nil), files...)
	sort.SliceStable(sorted, func(i, j int) bool { return copies[sorted[i]].of(v) < copies[sorted[j]].of(v) })
	input := start + float64(in)/bw // nothing cached
	for _, f := range sorted {
		in -= pr.fileBytes[f]
		input = math.Min(input, math.Max(start+float64(in)/bw, copies[f].of(v)))
	}
	return input + rest
}
