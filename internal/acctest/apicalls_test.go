// SPDX-License-Identifier: MPL-2.0

package acctest

import (
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

func TestIsMutating(t *testing.T) {
	for op, want := range map[string]bool{
		"CreateFileSystem":                true,
		"DeleteFileSystem":                true,
		"UpdateDataRepositoryAssociation": true,
		"TagResource":                     true,
		"UntagResource":                   true,
		"AuthorizeSecurityGroupIngress":   true,
		"CreateTags":                      true,
		"StartTaskExecution":              true,
		"DescribeFileSystems":             false,
		"DescribeTags":                    false,
		"ListTagsForResource":             false,
		"GetCallerIdentity":               false,
		"DescribeSecurityGroups":          false,
		// A prefix must end at a word boundary.
		"Tagline":      false,
		"Runbook":      false,
		"Deletedthing": false,
	} {
		if got := IsMutating(op); got != want {
			t.Errorf("IsMutating(%q) = %v, want %v", op, got, want)
		}
	}
}

func TestAPICallsLine(t *testing.T) {
	call := func(svc, op string) gateway.Call { return gateway.Call{Service: svc, Operation: op} }
	a := &APICalls{
		Create:  []gateway.Call{call("ec2", "CreateSecurityGroup"), call("fsx", "CreateFileSystem"), call("sts", "GetCallerIdentity"), call("fsx", "DescribeFileSystems")},
		Refresh: []gateway.Call{call("fsx", "DescribeFileSystems"), call("ec2", "DescribeSecurityGroups")},
		Destroy: []gateway.Call{call("fsx", "DeleteFileSystem"), call("fsx", "DescribeFileSystems"), call("ec2", "DeleteSecurityGroup")},
	}
	want := "bench: lustre_workspace create=4 refresh=2 destroy=3 (fsx 2/1/2, ec2 1/1/1, sts 1/0/0; create/refresh/destroy)"
	if got := a.Line("lustre_workspace", "fsx", "ec2"); got != want {
		t.Errorf("Line:\n got %s\nwant %s", got, want)
	}
	if got := MutatingCalls(a.Destroy); len(got) != 2 || got[0] != "fsx:DeleteFileSystem" || got[1] != "ec2:DeleteSecurityGroup" {
		t.Errorf("MutatingCalls(destroy) = %v", got)
	}
	if n := CountOps(a.Destroy, "fsx", "DeleteFileSystem"); n != 1 {
		t.Errorf("CountOps = %d, want 1", n)
	}
}

// A retry (attempt 2 or later) is left out; first attempts and calls without an attempt number stay.
func TestFirstAttempts(t *testing.T) {
	calls := []gateway.Call{
		{Service: "pricing", Operation: "GetProducts", Attempt: 1},
		{Service: "pricing", Operation: "GetProducts", Attempt: 2},
		{Service: "pricing", Operation: "GetProducts", Attempt: 3},
		{Service: "pricing", Operation: "GetProducts", Attempt: 1},
		{Service: "sts", Operation: "GetCallerIdentity"},
	}
	got := FirstAttempts(calls)
	if len(got) != 3 || CountOps(got, "pricing", "GetProducts") != 2 || !HasCall(got, "sts", "GetCallerIdentity") {
		t.Errorf("FirstAttempts = %+v", got)
	}
}
