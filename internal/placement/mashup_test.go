// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"strings"
	"testing"
)

// The Mashup-style model weighs where a stage's data is: a stage whose parent went serverless reads its
// input from S3 on the VM pool too. One warm test node (4 vCPUs, Lustre at 1 GB/s, S3 at 100 MB/s);
// Lambda with 200 MB/s to S3 and a 1 s cold start. Stage b: one 5 s task reading 1 GB, on the makespan
// objective.
//
//	b after a VM stage:         VM 1 s + 5 s = 6 s (Lustre)  < Lambda 1 + 5 + 5 = 11 s  → hpc
//	b after a serverless stage: VM 10 s + 5 s = 15 s (S3)    > Lambda 11 s              → fn
//
// The parent goes serverless by the model's choice (a: 40 tasks of 10 s, wider than the node) or by a pin.
// A stage beyond Lambda's timeout stays on the VM pool whatever the objective.
func TestMashup_dataThroughS3AndLambdaCap(t *testing.T) {
	node := testPool("hpc", KindHPC)
	node.MinNodes = 1
	fn := lambdaTestPool("fn")
	fn.S3BandwidthBps = 200e6
	b := StageSpec{Name: "b", TaskCount: 1, RuntimeS: 5, InputBytes: 1e9, ServerlessMemoryMB: 1024, DependsOn: []string{"a"}}
	for _, tc := range []struct {
		name string
		a    StageSpec
		want string
	}{
		{"after a VM stage", StageSpec{Name: "a", TaskCount: 1, RuntimeS: 5, ServerlessMemoryMB: 1024}, "hpc,hpc"},
		{"after a serverless stage", StageSpec{Name: "a", TaskCount: 40, RuntimeS: 10, ServerlessMemoryMB: 1024}, "fn,fn"},
		{"after a stage pinned to serverless", StageSpec{Name: "a", TaskCount: 1, RuntimeS: 5, ServerlessMemoryMB: 1024, Pin: "fn"}, "fn,fn"},
		{"beyond Lambda's timeout", StageSpec{Name: "a", TaskCount: 40, RuntimeS: 950, ServerlessMemoryMB: 1024}, "hpc,hpc"},
	} {
		p := NewProblem(mustFromStages(t, []StageSpec{tc.a, b}), Platforms{Pools: []Pool{node, fn}, Storage: testStorage()})
		a, err := MashupAssignment(p, Options{Objective: ObjectiveMakespan})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(a.Names(p), ","); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	// On the cost objective too, a stage beyond Lambda's timeout stays on the VM pool.
	long := StageSpec{Name: "a", TaskCount: 40, RuntimeS: 950, ServerlessMemoryMB: 1024}
	p := NewProblem(mustFromStages(t, []StageSpec{long}), Platforms{Pools: []Pool{node, fn}, Storage: testStorage()})
	if a, err := MashupAssignment(p, Options{Objective: ObjectiveCost}); err != nil || a[0] != 0 {
		t.Errorf("950 s tasks on the cost objective: %v (%v), want hpc", a, err)
	}
}
