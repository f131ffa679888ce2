// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// The random problems of the property tests (fuzz_test.go).

// fuzzSource draws random numbers from the fuzzer's bytes first, then from a
// PCG stream seeded by the fuzzer's seed, so the fuzzer can steer both.
type fuzzSource struct {
	data []byte
	rng  *rand.Rand
}

func newFuzzSource(seed uint64, data []byte) *fuzzSource {
	return &fuzzSource{data: data, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (f *fuzzSource) u64() uint64 {
	if len(f.data) >= 8 {
		v := binary.LittleEndian.Uint64(f.data)
		f.data = f.data[8:]
		return v
	}
	if len(f.data) > 0 {
		var b [8]byte
		copy(b[:], f.data)
		f.data = nil
		return binary.LittleEndian.Uint64(b[:]) ^ f.rng.Uint64()
	}
	return f.rng.Uint64()
}

// intn returns a value in [0, n).
func (f *fuzzSource) intn(n int) int { return int(f.u64() % uint64(n)) }

// between returns a value in [lo, hi].
func (f *fuzzSource) between(lo, hi int) int { return lo + f.intn(hi-lo+1) }

func (f *fuzzSource) chance(num, den int) bool { return f.intn(den) < num }

func (f *fuzzSource) unit() float64 { return float64(f.u64()>>11) / (1 << 53) }

// logUniform returns a value in [lo, hi] uniform in log scale.
func (f *fuzzSource) logUniform(lo, hi float64) float64 {
	return math.Exp(math.Log(lo) + f.unit()*(math.Log(hi)-math.Log(lo)))
}

// odd returns an awkward float: zero, negative, tiny, huge or not finite.
func (f *fuzzSource) odd() float64 {
	return []float64{0, -1, 1e-300, 1e300, math.Inf(1), math.Inf(-1), math.NaN(), 5e-324}[f.intn(8)]
}

// genCase is a random problem with the options to solve it.
type genCase struct {
	specs []StageSpec
	// edges adds task-level dependencies after FromStages: task edges[i][1]
	// (modulo the task count) gets parent edges[i][0] when that task comes
	// from an earlier stage.
	edges [][2]int
	// shared lists stages whose tasks read a shared file (see [Workflow.SharedFiles]) of a fraction
	// (numerator of 8) of their input, which every later stage's tasks with enough input read too.
	shared [][2]int
	plat   Platforms
	opt    Options
}

func (c *genCase) String() string {
	var b strings.Builder
	for _, s := range c.specs {
		fmt.Fprintf(&b, "stage %+v\n", s)
	}
	for _, p := range c.plat.Pools {
		fmt.Fprintf(&b, "pool %+v\n", p)
	}
	fmt.Fprintf(&b, "storage %+v\noptions %+v\n", c.plat.Storage, c.opt)
	return b.String()
}

// genProblem builds a random problem. maxTasks bounds the tasks per stage.
func genProblem(f *fuzzSource, maxTasks int) *genCase {
	cat := DefaultCatalog()
	c := &genCase{}
	// Pools.
	nPools := f.between(1, 5)
	instances := cat.InstanceNames()
	for k := 0; k < nPools; k++ {
		name := fmt.Sprintf("p%d", k)
		if f.chance(1, 40) {
			name = "p0" // sometimes a duplicate name
		}
		var pl Pool
		switch kind := f.intn(4); kind {
		case 0, 1:
			it := instances[f.intn(len(instances))]
			minN, maxN := f.between(0, 64), f.between(0, 64)
			switch f.intn(4) {
			case 0: // small pools make capacity matter
				minN, maxN = f.between(0, 1), f.between(1, 3)
			case 1:
				if minN > maxN {
					minN, maxN = maxN, minN
				}
				if maxN == 0 {
					maxN = 1
				}
			}
			var err error
			if kind == 0 {
				pl, err = NewHPCPool(cat, name, it, minN, maxN)
			} else {
				pl, err = NewRayPool(cat, name, it, minN, maxN)
			}
			if err != nil {
				panic(err)
			}
			if k == 2 { // a second cluster of its kind (drawing no random number: earlier cases stay as they were)
				pl.Cluster = "c2"
			}
			if f.chance(1, 6) {
				pl.HourlyUSD = 0
			}
			if f.chance(1, 8) {
				pl.EFA = !pl.EFA
			}
		case 2:
			arch := "x86_64"
			if f.chance(1, 2) {
				arch = "arm64"
			}
			pl = NewServerlessPool(cat, name, arch)
			if f.chance(1, 3) {
				pl.Concurrency = f.between(0, 8)
			}
			if f.chance(1, 6) {
				pl.TimeoutS = f.logUniform(1, 900)
			}
			if f.chance(1, 6) {
				pl.GBSecondUSD, pl.RequestUSD = 0, 0
			}
			if f.chance(1, 8) {
				pl.MaxMemoryMB = f.between(0, 10240)
			}
			if f.chance(1, 8) {
				pl.BillingTickS = []float64{0, 1, 0.1}[f.intn(3)]
			}
		case 3:
			pl = NewBatchPool(cat, name)
			if f.chance(1, 3) {
				pl.MaxVCPUs = f.between(0, 32)
			}
			if f.chance(1, 6) {
				pl.VCPUHourUSD, pl.GBHourUSD = 0, 0
			}
			if f.chance(1, 8) {
				pl.MaxTaskVCPUs = f.between(0, 16)
			}
		}
		switch f.intn(6) {
		case 0:
			pl.Speed = []float64{0, 0.25, 0.5, 2, 4}[f.intn(5)]
		case 1:
			pl.StartLatencyS = []float64{0, 0.001, 1, 30, 600}[f.intn(5)]
		case 2:
			pl.MinBillingS = []float64{0, 1, 3600}[f.intn(3)]
		}
		if f.chance(1, 50) { // awkward values must be rejected, not simulated
			switch f.intn(7) {
			case 0:
				pl.Speed = f.odd()
			case 1:
				pl.StartLatencyS = f.odd()
			case 2:
				pl.HourlyUSD = f.odd()
			case 3:
				pl.S3BandwidthBps = f.odd()
			case 4:
				pl.MinBillingS = f.odd()
			case 5:
				pl.GBSecondUSD = f.odd()
			case 6:
				pl.MBPerVCPU = f.odd()
			}
		}
		c.plat.Pools = append(c.plat.Pools, pl)
	}
	c.plat.Storage = NewStorage(cat)
	if f.chance(1, 4) {
		c.plat.Storage.Lustre = false
	}
	if f.chance(1, 60) {
		c.plat.Storage.LustreBandwidthBps = f.odd()
	}
	// The shared throughputs (Lustre workspace, S3): odd values, or a contended one.
	switch f.intn(12) {
	case 0:
		c.plat.Storage.LustreAggregateBps = f.odd()
	case 1:
		c.plat.Storage.LustreWriteAggregateBps = f.odd()
	case 2:
		c.plat.Storage.S3AggregateBps = f.logUniform(1e6, 1e10)
	case 3, 4:
		c.plat.Storage.LustreAggregateBps = f.logUniform(1e6, 1e10)
		c.plat.Storage.LustreWriteAggregateBps = f.logUniform(1e6, 1e10)
	}
	if f.chance(1, 60) {
		c.plat.Storage.S3GetUSD = f.odd()
	}

	// Stages.
	nStages := f.between(1, 6)
	kinds := []string{"hpc", "ray", "serverless", "batch"}
	for s := 0; s < nStages; s++ {
		sp := StageSpec{Name: fmt.Sprintf("s%d", s)}
		switch f.intn(8) {
		case 0:
			sp.TaskCount = f.between(1, maxTasks)
		case 1, 2:
			sp.TaskCount = f.between(1, min(maxTasks, 30))
		default:
			sp.TaskCount = f.between(1, min(maxTasks, 6))
		}
		sp.RuntimeS = f.logUniform(0.01, 5000)
		switch f.intn(4) {
		case 0:
			sp.Cores = f.between(1, 128)
		case 1:
			sp.Cores = f.between(1, 16)
		default:
			sp.Cores = f.between(1, 4)
		}
		switch f.intn(4) {
		case 0:
			sp.MemoryMB = int64(f.logUniform(1, 2<<20)) // 1 MiB .. 2 TiB
		case 1:
			sp.MemoryMB = int64(f.logUniform(1, 200<<10))
		default:
			sp.MemoryMB = int64(f.logUniform(1, 16<<10))
		}
		if f.chance(1, 6) {
			sp.GPUs = f.between(1, 16)
		}
		if f.chance(3, 4) {
			sp.InputBytes = int64(f.logUniform(1, 1e11))
			sp.OutputBytes = int64(f.logUniform(1, 1e11))
			if f.chance(1, 2) {
				sp.InputBytes /= 1000
				sp.OutputBytes /= 1000
			}
		}
		for d := 0; d < s; d++ {
			if f.chance(1, 3) {
				sp.DependsOn = append(sp.DependsOn, fmt.Sprintf("s%d", d))
			}
		}
		if f.chance(1, 6) {
			sp.Coupling = CouplingMPI
			if f.chance(1, 2) { // multi-node MPI tasks: nodes given (else derived)
				sp.Nodes = f.between(1, 8)
			}
		}
		if f.chance(1, 6) {
			sp.Stateful = true
		}
		switch f.intn(8) {
		case 0:
			sp.Pin = fmt.Sprintf("p%d", f.intn(nPools))
		case 1:
			sp.Pin = kinds[f.intn(len(kinds))]
		}
		if f.chance(1, 8) {
			sp.ServerlessMemoryMB = f.between(0, 12000)
		}
		if f.chance(1, 80) { // invalid stage input
			switch f.intn(6) {
			case 0:
				sp.Pin = "nowhere"
			case 1:
				sp.TaskCount = 0
			case 2:
				sp.DependsOn = append(sp.DependsOn, "unknown")
			case 3:
				sp.Coupling = "tcp"
			case 4:
				sp.InputBytes = -1
			case 5:
				sp.Nodes = f.between(-1, 4) // nodes without coupling "mpi", or negative
				sp.Coupling = CouplingNone
			}
		}
		c.specs = append(c.specs, sp)
	}

	if f.chance(1, 3) {
		for n := f.between(1, 40); n > 0; n-- {
			c.edges = append(c.edges, [2]int{f.intn(2000), f.intn(2000)})
		}
	}
	if f.chance(1, 3) { // files shared between tasks: the node page cache
		for n := f.between(1, 3); n > 0; n-- {
			c.shared = append(c.shared, [2]int{f.intn(len(c.specs)), f.between(1, 8)})
		}
	}
	if f.chance(1, 40) { // byte counts near the int64 limit
		s := &c.specs[f.intn(len(c.specs))]
		s.InputBytes, s.OutputBytes = math.MaxInt64-int64(f.intn(2)), math.MaxInt64/2+1
	}

	// Options.
	c.opt.Objective = []Objective{ObjectiveCost, ObjectiveMakespan, ObjectiveWeighted, ""}[f.intn(4)]
	if f.chance(1, 60) {
		c.opt.Objective = "fastest"
	}
	c.opt.CostWeight = f.unit()
	if f.chance(1, 4) {
		c.opt.DeadlineS = f.logUniform(1, 1e5)
	}
	if f.chance(1, 4) {
		c.opt.BudgetUSD = f.logUniform(1e-4, 1e3)
	}
	if f.chance(1, 60) {
		c.opt.DeadlineS = f.odd()
	}
	if f.chance(1, 5) {
		c.opt.MaxExhaustive = f.between(1, 8) // force local search
	}
	if f.chance(1, 5) {
		c.opt.SearchWork = f.between(1, 5000)
	}
	return c
}
