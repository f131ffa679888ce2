// SPDX-License-Identifier: MPL-2.0

package placement

import "math"

// sharedLink is a throughput that running tasks share: the S3 aggregate
// (Storage.S3AggregateBps) and the FSx for Lustre workspace's
// (Storage.LustreAggregateBps, LustreWriteAggregateBps). One mechanism serves
// both:
//
//   - A task keeps the share it started with until it finishes: running
//     tasks are neither slowed when others start nor sped up when they
//     finish (no re-timing of running tasks).
//   - A task starting at time t on a link of aggregate A gets at most A / n
//     (and at most its per-task limit), where n counts the task itself, each
//     task that started on the link at the same instant t (a stage released
//     at once reads its inputs at once), and every other running task
//     weighted by its duty on the link: the share of its duration it spends
//     moving data there. A task that read for 1 s and now computes for 99 s
//     leaves the link to others most of the time and weighs 0.01; a task
//     that only moves data weighs 1.
//
// What it gets wrong, deliberately: the first tasks of a wave started at
// once get larger shares than the last (A, A/2, ..., A/k: the last finishes
// when fair sharing would finish them all, the first earlier), and a task
// that started earlier counts by its mean duty whether or not its reads
// (at its start) and writes (at its end) overlap the newcomer's. Tasks that
// move no bytes on a link do not count on it.
type sharedLink struct {
	users  int     // running tasks on the link
	load   float64 // Σ duty of the running tasks
	at     float64 // time of the latest start
	atN    int     // tasks started at `at` still running
	atLoad float64 // their Σ duty
}

func (l *sharedLink) reset() { *l = sharedLink{at: math.Inf(-1)} }

// share is the throughput of a task starting at t on a link of aggregate
// agg (0: no aggregate limit) with the per-task limit perTask.
func (l *sharedLink) share(t, agg, perTask float64) float64 {
	if agg <= 0 {
		return perTask
	}
	n := 1.0
	if l.users > 0 {
		others := l.load
		if t == l.at {
			others += float64(l.atN) - l.atLoad
		}
		n += math.Max(0, others)
	}
	return math.Min(perTask, agg/n)
}

// join adds a task starting at t with the given duty.
func (l *sharedLink) join(t, duty float64) {
	if t != l.at {
		l.at, l.atN, l.atLoad = t, 0, 0
	}
	l.users++
	l.load += duty
	l.atN++
	l.atLoad += duty
}

// leave removes a task that started at start with the given duty.
func (l *sharedLink) leave(start, duty float64) {
	l.users--
	l.load -= duty
	if start == l.at {
		l.atN--
		l.atLoad -= duty
	}
	if l.users == 0 {
		l.load, l.atN, l.atLoad = 0, 0, 0
	}
}

// taskBW is the throughput a task gets: S3, and Lustre for reads and writes.
type taskBW struct{ s3, fsRead, fsWrite float64 }

// taskIO is a task's time moving data through S3 and Lustre (seconds);
// once the task runs, its duty on each link (that time over its duration).
// in is its input phase (seconds): reading, or waiting for a read in
// flight in its node's page cache.
type taskIO struct{ s3, fs, in float64 }

// soloBW is the throughput a task on pool pl gets alone: the per-task
// limits.
func (pr *prepared) soloBW(pl *Pool) taskBW {
	lb := pr.p.Storage.LustreBandwidthBps
	return taskBW{s3: pl.S3BandwidthBps, fsRead: lb, fsWrite: lb}
}

// link is a shared throughput as the simulator ([sharedLink]) and HEFT
// ([linkTimeline]) see it.
type link interface {
	share(t, agg, perTask float64) float64
}

// sharedBW is the throughput a task starting at t on pool pl gets: the
// per-task limits, within its share of the S3 and Lustre aggregates.
func (pr *prepared) sharedBW(t float64, pl *Pool, s3, fs link) taskBW {
	st := &pr.p.Storage
	bw := pr.soloBW(pl)
	bw.s3 = s3.share(t, st.S3AggregateBps, bw.s3)
	if st.domainLustre(pl) {
		bw.fsRead = fs.share(t, st.LustreAggregateBps, bw.fsRead)
		bw.fsWrite = fs.share(t, st.lustreWriteAggregate(), bw.fsWrite)
	}
	return bw
}

// dutyOf is the duty of x seconds moving data in a task of d seconds
// (positive, at most 1).
func dutyOf(x, d float64) float64 {
	if d > 0 {
		return math.Min(1, math.Max(x/d, math.SmallestNonzeroFloat64))
	}
	return 1
}

// joinLinks registers task v, starting at t for d seconds, on the links it
// moves data on (sm.io[v] holds its times there; it becomes its duties).
// A link without an aggregate limit is not tracked (io.s3 or io.fs is then
// 0, so that leaveLinks skips it too).
func (sm *simulator) joinLinks(v int32, t, d float64) {
	io := &sm.io[v]
	s3, fs := sm.pr.p.Storage.limited()
	io.s3, io.fs = io.s3*boolF(s3), io.fs*boolF(fs)
	if io.s3 > 0 {
		io.s3 = dutyOf(io.s3, d)
		sm.s3Link.join(t, io.s3)
	}
	if io.fs > 0 {
		io.fs = dutyOf(io.fs, d)
		sm.fsLink.join(t, io.fs)
	}
}

// leaveLinks removes finished task v from the links it used.
func (sm *simulator) leaveLinks(v int32) {
	io := &sm.io[v]
	if io.s3 > 0 {
		sm.s3Link.leave(sm.start[v], io.s3)
	}
	if io.fs > 0 {
		sm.fsLink.leave(sm.start[v], io.fs)
	}
}

// bookLinks books option o's data movement on the links it uses.
func (hs *heftState) bookLinks(o heftOption) {
	d := o.end - o.start
	s3, fs := hs.pr.p.Storage.limited()
	if o.io.s3 > 0 && s3 {
		hs.s3Link.book(o.start, o.end, dutyOf(o.io.s3, d))
	}
	if o.io.fs > 0 && fs {
		hs.fsLink.book(o.start, o.end, dutyOf(o.io.fs, d))
	}
}

// limited reports which links have an aggregate limit: S3, the Lustre
// workspace.
func (s *Storage) limited() (s3, fs bool) {
	return s.S3AggregateBps > 0, s.Lustre && (s.LustreAggregateBps > 0 || s.LustreWriteAggregateBps > 0)
}

// lustreWriteAggregate is the workspace's aggregate write throughput (the
// read figure when no write figure is given).
func (s *Storage) lustreWriteAggregate() float64 {
	if s.LustreWriteAggregateBps > 0 {
		return s.LustreWriteAggregateBps
	}
	return s.LustreAggregateBps
}
