// SPDX-License-Identifier: MPL-2.0

package gateway

import "time"

// DataSyncTimings are the durations of DataSync task and execution phases. They
// are kept apart from Timings (FSx) and derived from it: a gateway running
// FastTimings uses FastDataSyncTimings, any other uses DemoDataSyncTimings.
// SetDataSyncTimings overrides them.
type DataSyncTimings struct {
	// TaskCreate is how long a new task stays CREATING before AVAILABLE.
	TaskCreate time.Duration `json:"task_create"`
	// Execution phases: QUEUED, LAUNCHING, PREPARING, TRANSFERRING, VERIFYING.
	Queued       time.Duration `json:"queued"`
	Launching    time.Duration `json:"launching"`
	Preparing    time.Duration `json:"preparing"`
	Transferring time.Duration `json:"transferring"`
	Verifying    time.Duration `json:"verifying"`
	// Cancel is how long an execution stays CANCELLING.
	Cancel time.Duration `json:"cancel"`
}

// FastDataSyncTimings are for tests: an execution takes about two seconds.
func FastDataSyncTimings() DataSyncTimings {
	return DataSyncTimings{
		TaskCreate:   300 * time.Millisecond,
		Queued:       200 * time.Millisecond,
		Launching:    300 * time.Millisecond,
		Preparing:    300 * time.Millisecond,
		Transferring: 1000 * time.Millisecond,
		Verifying:    300 * time.Millisecond,
		Cancel:       300 * time.Millisecond,
	}
}

// DemoDataSyncTimings are a little more realistic: an execution takes about
// fifteen seconds.
func DemoDataSyncTimings() DataSyncTimings {
	return DataSyncTimings{
		TaskCreate:   2 * time.Second,
		Queued:       1 * time.Second,
		Launching:    3 * time.Second,
		Preparing:    3 * time.Second,
		Transferring: 6 * time.Second,
		Verifying:    2 * time.Second,
		Cancel:       2 * time.Second,
	}
}

func dataSyncTimingsFor(t Timings) DataSyncTimings {
	if t == FastTimings() {
		return FastDataSyncTimings()
	}
	return DemoDataSyncTimings()
}

// DataSyncTimings returns the DataSync phase durations in use.
func (g *Gateway) DataSyncTimings() DataSyncTimings {
	if s := g.dataSync(); s != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.timings
	}
	return dataSyncTimingsFor(g.cfg.Timings)
}

// SetDataSyncTimings overrides the DataSync phase durations (for executions
// started afterwards and tasks created afterwards).
func (g *Gateway) SetDataSyncTimings(t DataSyncTimings) {
	if s := g.dataSync(); s != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.timings = t
	}
}

func (g *Gateway) dataSync() *dataSyncService {
	s, _ := g.lookup("datasync", "DescribeTask").(*dataSyncService)
	return s
}
