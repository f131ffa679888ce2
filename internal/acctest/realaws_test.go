// SPDX-License-Identifier: MPL-2.0

package acctest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// On real AWS, Var reads the documented environment variables, region falling back to AWS_REGION.
func TestVar_realAWS(t *testing.T) {
	t.Setenv(RealAWSEnv, "1")
	t.Setenv("RAYHPC_ACC_SUBNET_ID", "subnet-0123456789abcdef0")
	t.Setenv("RAYHPC_ACC_REGION", "")
	t.Setenv("AWS_REGION", "eu-west-1")
	if got := Var(t, "subnet_id"); got != "subnet-0123456789abcdef0" {
		t.Errorf("subnet_id = %q", got)
	}
	if got := Var(t, "region"); got != "eu-west-1" {
		t.Errorf("region = %q, want AWS_REGION's", got)
	}
	t.Setenv("RAYHPC_ACC_DATA_LAKE_BUCKET", "my-lake")
	t.Setenv("TF_VAR_data_lake_bucket", "")
	if err := exportRealAWSVars(); err != nil {
		t.Fatal(err)
	}
	if got := os.Getenv("TF_VAR_data_lake_bucket"); got != "my-lake" {
		t.Errorf("TF_VAR_data_lake_bucket = %q, want it exported from RAYHPC_ACC_DATA_LAKE_BUCKET", got)
	}
}

// A missing variable, and a sandbox-only test on real AWS, fail (never skip) with a message naming the
// variable or the reason. Run in a child process, since the failure ends the test.
func TestVar_realAWSFailsClearly(t *testing.T) {
	if name := os.Getenv("RAYHPC_ACCTEST_CHILD"); name != "" {
		switch name {
		case "missing":
			Var(t, "data_lake_bucket")
		case "sandbox":
			Gateway(t)
		}
		return
	}
	for _, tc := range []struct{ child, want string }{
		{"missing", "RAYHPC_ACC_DATA_LAKE_BUCKET is not set"},
		{"sandbox", "needs the local sandbox"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestVar_realAWSFailsClearly$", "-test.v")
		cmd.Env = append(os.Environ(), "RAYHPC_ACCTEST_CHILD="+tc.child, RealAWSEnv+"=1", "RAYHPC_ACC_DATA_LAKE_BUCKET=", "TF_VAR_data_lake_bucket=")
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), tc.want) || !strings.Contains(string(out), "--- FAIL") || strings.Contains(string(out), "SKIP") {
			t.Errorf("%s: want a failure containing %q, got %v:\n%s", tc.child, tc.want, err, out)
		}
	}
}
