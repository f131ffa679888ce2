// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"testing"
)

// benchSolveTrace solves one shipped trace with the weighted objective.
func benchSolveTrace(b *testing.B, file string) {
	path := tracePath(b, file)
	p := NewProblem(loadTrace(b, path), DefaultPlatforms())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Solve(p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSolve1000genomeChameleon2ch100k001(b *testing.B) {
	benchSolveTrace(b, "1000genome-chameleon-2ch-100k-001.json")
}

func BenchmarkSolveBlastChameleonSmall001(b *testing.B) {
	benchSolveTrace(b, "blast-chameleon-small-001.json")
}

func BenchmarkSolveBwaChameleonSmall001(b *testing.B) {
	benchSolveTrace(b, "bwa-chameleon-small-001.json")
}

func BenchmarkSolveCyclesChameleon1l1c9p001(b *testing.B) {
	benchSolveTrace(b, "cycles-chameleon-1l-1c-9p-001.json")
}

func BenchmarkSolveEpigenomicsChameleonHep1seq100k001(b *testing.B) {
	benchSolveTrace(b, "epigenomics-chameleon-hep-1seq-100k-001.json")
}

func BenchmarkSolveEpigenomicsChameleonIlmn6seq50k001(b *testing.B) {
	benchSolveTrace(b, "epigenomics-chameleon-ilmn-6seq-50k-001.json")
}

func BenchmarkSolveMontageChameleon2mass005d001(b *testing.B) {
	benchSolveTrace(b, "montage-chameleon-2mass-005d-001.json")
}

func BenchmarkSolveMontageChameleon2mass04d001(b *testing.B) {
	benchSolveTrace(b, "montage-chameleon-2mass-04d-001.json")
}

func BenchmarkSolveSeismologyChameleon100p001(b *testing.B) {
	benchSolveTrace(b, "seismology-chameleon-100p-001.json")
}

func BenchmarkSolveSoykbChameleon10fastq10ch001(b *testing.B) {
	benchSolveTrace(b, "soykb-chameleon-10fastq-10ch-001.json")
}

func BenchmarkSolveSrasearchChameleon10a001(b *testing.B) {
	benchSolveTrace(b, "srasearch-chameleon-10a-001.json")
}

func benchSolveSynthetic(b *testing.B, n int) {
	p := NewProblem(Synthetic(n, 10, 1), DefaultPlatforms())
	b.ReportAllocs()
	b.ResetTimer()
	reportCPU(b)
	for i := 0; i < b.N; i++ {
		if _, err := Solve(p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSolveSynthetic10k(b *testing.B)  { benchSolveSynthetic(b, 10_000) }
func BenchmarkSolveSynthetic100k(b *testing.B) { benchSolveSynthetic(b, 100_000) }

// BenchmarkEvaluateSynthetic100k measures one simulation of 100,000 tasks
// (every stage on HPC where it fits).
func BenchmarkEvaluateSynthetic100k(b *testing.B) {
	p := NewProblem(Synthetic(100_000, 10, 1), DefaultPlatforms())
	a := make(Assignment, len(p.Workflow.Stages))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Evaluate(p, a); err != nil {
			b.Fatal(err)
		}
	}
}

// benchBoundSynthetic measures Bound alone on a synthetic workflow of n tasks (with withSharedInputs when
// shared), and SolveBounded (what the provider runs: the search and the bound) when solve is set.
func benchBoundSynthetic(b *testing.B, n int, shared, solve bool) {
	w := Synthetic(n, 10, 1)
	if shared {
		w = withSharedInputs(w)
	}
	p := NewProblem(w, DefaultPlatforms())
	b.ReportAllocs()
	b.ResetTimer()
	reportCPU(b)
	for i := 0; i < b.N; i++ {
		var err error
		if solve {
			_, err = SolveBounded(p, Options{})
		} else {
			_, err = Bound(p)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBoundSynthetic10k(b *testing.B)        { benchBoundSynthetic(b, 10_000, false, false) }
func BenchmarkBoundSynthetic100k(b *testing.B)       { benchBoundSynthetic(b, 100_000, false, false) }
func BenchmarkBoundSynthetic100kShared(b *testing.B) { benchBoundSynthetic(b, 100_000, true, false) }
func BenchmarkSolveBoundedSynthetic10k(b *testing.B) { benchBoundSynthetic(b, 10_000, false, true) }
func BenchmarkSolveBoundedSynthetic100k(b *testing.B) {
	benchBoundSynthetic(b, 100_000, false, true)
}
