// SPDX-License-Identifier: MPL-2.0

//go:build unix

package placement

import (
	"syscall"
	"testing"
	"time"
)

// processCPU is the CPU time the process has used (user and system, every thread: the garbage
// collector's workers too).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU makes b report the CPU seconds per operation from when it is called (after b.ResetTimer) to
// the end of the benchmark: on a shared machine, wall time counts the time spent waiting for a core, CPU
// time does not.
func reportCPU(b *testing.B) {
	start := processCPU()
	b.Cleanup(func() {
		if b.N > 0 {
			b.ReportMetric((processCPU()-start).Seconds()/float64(b.N), "cpu-s/op")
		}
	})
}
