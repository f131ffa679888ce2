// SPDX-License-Identifier: MPL-2.0

package placement

// The node page cache.
//
// A VM node (HPC, Ray, a Ray head) keeps the files its tasks read or wrote
// in its page cache (the Lustre client caches file pages in the Linux page
// cache), so a shared input ([Workflow.SharedFiles]) that a task reads or
// writes on a node is not read from Lustre again by a later task on the
// same node. The rule:
//
//   - Capacity: a node's cache holds at most its free memory, the node's
//     memory minus the memory of the tasks running on it. A file is added
//     when a task reads it from Lustre (available when that task's input
//     phase ends) or writes it (available when that task ends), if it fits
//     beside the files already cached. When a task starts and the memory
//     left beside it is less than the cache holds, the whole cache is
//     dropped (no LRU: a conservative stand-in for the kernel reclaiming
//     pages under memory pressure). A file larger than the free memory is
//     never cached, so every task reads it.
//   - A task that finds a shared input in its node's cache does not read
//     it; if the read filling it is still in flight (a task that started
//     earlier on the node and is still reading), the task waits for it, as
//     a reader waits on pages under I/O: its input phase lasts at least
//     until that read ends. Only the bytes it does read count on the Lustre
//     (or S3) throughput.
//   - Multi-node MPI tasks neither use nor fill the cache: they hold their
//     nodes' memory whole, so starting one drops its nodes' caches.
//   - Serverless functions and Batch (Fargate) tasks read every input: a
//     warm Lambda environment keeps /tmp between invocations of the same
//     function, but that is not modelled (conservative against serverless);
//     a Fargate task starts from a fresh volume.
//   - Only shared files are tracked: a file read by one task only (even on
//     the node that wrote it) is read from Lustre.
//
// Storage.NoPageCache (the catalog value node_page_cache = 0, in HCL
// model_overrides) turns the cache off.

// cacheKey is one file in one node's cache.
type cacheKey struct{ pool, node, file int32 }

// cacheEntry says when a file entered a node's cache (epoch: the node's
// cache generation; a drop starts a new one) and when it is there whole.
type cacheEntry struct {
	epoch int32
	at    float64
}

// cacheUse is what a task starting on a node gets from its cache: bytes
// it does not read, and how long (from its start) it waits for in-flight
// reads of them.
type cacheUse struct {
	bytes int64
	waitS float64
}

// usesCache reports whether task v on pool pl may use a node page cache:
// the workflow has shared files, the cache is on, pl mounts the Lustre
// workspace and v reads or writes a shared file.
func (pr *prepared) usesCache(v int32, pl *Pool) bool {
	return pr.ct[v].Shared && !pr.p.Storage.NoPageCache && pr.p.Storage.domainLustre(pl)
}

// cacheLookup returns what task v, starting at t on node n of pool k (its
// memory already taken from the node), finds in the node's cache; it drops
// the cache first when it no longer fits beside the running tasks.
func (sm *simulator) cacheLookup(v int32, k int, n int32, t float64) cacheUse {
	node := &sm.pools[k].nodes[n]
	if node.cached > node.freeMem {
		node.epoch++
		node.cached = 0
	}
	var u cacheUse
	for _, f := range sm.pr.w.Tasks[v].SharedInputs {
		if e, ok := sm.cache[cacheKey{int32(k), n, f}]; ok && e.epoch == node.epoch {
			u.bytes += sm.pr.fileBytes[f]
			u.waitS = max(u.waitS, e.at-t)
		}
	}
	return u
}

// cacheFill adds to node n of pool k the shared inputs task v reads (there
// at inputEnd) and the shared files it writes (there at end), each when it
// fits beside the cache in the node's free memory.
func (sm *simulator) cacheFill(v int32, k int, n int32, inputEnd, end float64) {
	node := &sm.pools[k].nodes[n]
	add := func(f int32, at float64) {
		key := cacheKey{int32(k), n, f}
		if e, ok := sm.cache[key]; ok && e.epoch == node.epoch {
			return
		}
		if b := sm.pr.fileBytes[f]; b <= node.freeMem-node.cached {
			node.cached += b
			sm.cache[key] = cacheEntry{epoch: node.epoch, at: at}
		}
	}
	task := &sm.pr.w.Tasks[v]
	for _, f := range task.SharedInputs {
		add(f, inputEnd)
	}
	for _, f := range task.SharedOutputs {
		add(f, end)
	}
}

// cacheDrop empties node n's cache (a multi-node task takes its memory).
func (sp *simPool) cacheDrop(n int32) {
	sp.nodes[n].epoch++
	sp.nodes[n].cached = 0
}

// HEFT's page cache. HEFT's pools are slots without node identity, so it
// counts copies: per VM pool and shared file, the times the copies read so
// far are whole, at most one per node up. A task of one node finds a file
// in its node's cache when every node up has a copy (the simulator spreads
// tasks over the freest nodes, so the first task on each node reads it) and
// the file fits in a node's memory beside the task; it then waits for the
// copies in turn (round robin, as the simulator's tasks land on the nodes
// in turn). A task on a node started for it finds nothing. The cache's
// capacity beside other running tasks, and its drops, are not modelled.

// heftCopies are the copies of one shared file in a pool's page caches.
type heftCopies struct {
	at   []float64 // when each copy is whole
	next int       // the copy the next hit waits for
}

// cacheLookup is what task v finds in the page caches of pool k in option o.
func (hs *heftState) cacheLookup(v int32, k int, o heftOption) cacheUse {
	pr := hs.pr
	pl := &pr.p.Pools[k]
	h := &hs.pools[k]
	var u cacheUse
	if !pr.usesCache(v, pl) || o.newNodes > 0 || pr.nodesOf(v, pl) > 1 || h.files == nil {
		return u
	}
	room := hs.nodeMem(v, pl, o)
	for _, f := range pr.w.Tasks[v].SharedInputs {
		c := h.files[f]
		if c == nil || len(c.at) < h.nodes || pr.fileBytes[f] > room {
			continue
		}
		u.bytes += pr.fileBytes[f]
		u.waitS = max(u.waitS, c.at[c.next%len(c.at)]-o.start)
	}
	return u
}

// nodeMem is the memory beside task v on the node option o puts it on.
func (hs *heftState) nodeMem(v int32, pl *Pool, o heftOption) int64 {
	if o.onHead {
		return pl.HeadMemoryBytes - hs.pr.ct[v].MemoryBytes
	}
	return pl.MemoryBytes - hs.pr.ct[v].MemoryBytes
}

// cacheCommit books task v's use of the page caches in option o: the hits
// move on to the next copy; a file it reads or writes and fits gets a copy
// (whole when its input phase ends, or when it ends for a file it writes)
// when not every node up has one.
func (hs *heftState) cacheCommit(v int32, o heftOption) {
	pr := hs.pr
	pl := &pr.p.Pools[o.k]
	h := &hs.pools[o.k]
	if !pr.usesCache(v, pl) || pr.nodesOf(v, pl) > 1 {
		return
	}
	if h.files == nil {
		h.files = map[int32]*heftCopies{}
	}
	room := hs.nodeMem(v, pl, o)
	task := &pr.w.Tasks[v]
	add := func(f int32, at float64) {
		if pr.fileBytes[f] > room {
			return
		}
		c := h.files[f]
		if c == nil {
			c = &heftCopies{}
			h.files[f] = c
		}
		if len(c.at) < h.nodes {
			c.at = append(c.at, at)
		} else if o.newNodes == 0 {
			c.next++
		}
	}
	for _, f := range task.SharedInputs {
		add(f, o.start+o.io.in)
	}
	for _, f := range task.SharedOutputs {
		add(f, o.end)
	}
}
