// SPDX-License-Identifier: MPL-2.0

package gateway

import "time"

// Timings are the durations of the lifecycle transitions of natively served
// resources. States are computed lazily from the clock: a file system created
// at t is CREATING until t+FSxCreate, then AVAILABLE.
type Timings struct {
	FSxCreate time.Duration `json:"fsx_create"`
	FSxUpdate time.Duration `json:"fsx_update"`
	FSxDelete time.Duration `json:"fsx_delete"`
	DRACreate time.Duration `json:"dra_create"`
	DRAUpdate time.Duration `json:"dra_update"`
	DRADelete time.Duration `json:"dra_delete"`
	// StorageIncrease is the least time between two storage capacity increases of a file system; zero
	// means AWS's 6 hours (FSx for Lustre User Guide, "Managing storage capacity"). Timing tests shorten it.
	StorageIncrease time.Duration `json:"storage_increase,omitempty"`
}

// DefaultStorageIncrease is AWS's least time between two storage capacity increases.
const DefaultStorageIncrease = 6 * time.Hour

func (t Timings) storageIncreaseInterval() time.Duration {
	if t.StorageIncrease > 0 {
		return t.StorageIncrease
	}
	return DefaultStorageIncrease
}

// FastTimings are for tests: about a second or two per transition.
func FastTimings() Timings {
	return Timings{
		FSxCreate: 1500 * time.Millisecond,
		FSxUpdate: 1 * time.Second,
		FSxDelete: 500 * time.Millisecond,
		DRACreate: 1 * time.Second,
		DRAUpdate: 500 * time.Millisecond,
		DRADelete: 500 * time.Millisecond,
	}
}

// DemoTimings are a little more realistic but short enough for a demo.
func DemoTimings() Timings {
	return Timings{
		FSxCreate: 10 * time.Second,
		FSxUpdate: 6 * time.Second,
		FSxDelete: 4 * time.Second,
		DRACreate: 4 * time.Second,
		DRAUpdate: 3 * time.Second,
		DRADelete: 3 * time.Second,
	}
}

// TimingsByName returns FastTimings for "fast" and DemoTimings for "demo".
func TimingsByName(name string) (Timings, bool) {
	switch name {
	case "fast", "test":
		return FastTimings(), true
	case "demo", "":
		return DemoTimings(), true
	}
	return Timings{}, false
}

// PollInterval is how often a client should poll lifecycles of these timings: a fifth of the shortest
// transition, between 50 ms and 2 s. The sandbox exports it as the provider's poll interval.
func (t Timings) PollInterval() time.Duration {
	shortest := t.FSxCreate
	for _, d := range []time.Duration{t.FSxUpdate, t.FSxDelete, t.DRACreate, t.DRAUpdate, t.DRADelete} {
		if d > 0 && (shortest <= 0 || d < shortest) {
			shortest = d
		}
	}
	return min(max(shortest/5, 50*time.Millisecond), 2*time.Second)
}
