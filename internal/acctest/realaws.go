// SPDX-License-Identifier: MPL-2.0

package acctest

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// RealAWSEnv is the variable that selects the real-AWS tier: acceptance tests run against the AWS
// account of the normal credential chain, and no sandbox is started.
const RealAWSEnv = "RAYHPC_REAL_AWS"

// RealAWS reports whether the acceptance tests run against real AWS.
func RealAWS() bool { return os.Getenv(RealAWSEnv) != "" }

// RealAWSVars names, for each value a test takes with Var, the environment variable that supplies it
// on real AWS (the sandbox seeds them itself). RunMain also exports each one that is set as TF_VAR_<name>,
// so the examples, which read their variables from the environment, apply there too.
var RealAWSVars = map[string]struct{ Env, What string }{
	"region":            {"RAYHPC_ACC_REGION", "the region to test in (default: AWS_REGION, then AWS_DEFAULT_REGION)"},
	"account_id":        {"RAYHPC_ACC_ACCOUNT_ID", "the 12-digit ID of the account the credentials belong to"},
	"vpc_id":            {"RAYHPC_ACC_VPC_ID", "a VPC the tests may create security groups in"},
	"subnet_id":         {"RAYHPC_ACC_SUBNET_ID", "a subnet of that VPC for file systems, EFA networks and DataSync"},
	"subnet_ids":        {"RAYHPC_ACC_SUBNET_IDS", `subnets of that VPC as a JSON list, e.g. ["subnet-1","subnet-2"]`},
	"data_lake_bucket":  {"RAYHPC_ACC_DATA_LAKE_BUCKET", "an S3 bucket for data repositories and manifests (objects under raw/ are read)"},
	"ami_id":            {"RAYHPC_ACC_AMI_ID", "an AMI for launch templates in that region"},
	"datasync_role_arn": {"RAYHPC_ACC_DATASYNC_ROLE_ARN", "an IAM role DataSync may assume to read and write the bucket"},
}

// realAWSVar returns the value of a RealAWSVars entry from the environment.
func realAWSVar(name string) (value, env string, known bool) {
	v, known := RealAWSVars[name]
	if !known {
		return "", "", false
	}
	value = os.Getenv(v.Env)
	if value == "" && name == "region" {
		value = os.Getenv("AWS_REGION")
		if value == "" {
			value = os.Getenv("AWS_DEFAULT_REGION")
		}
	}
	return value, v.Env, true
}

// exportRealAWSVars sets TF_VAR_<name> from each RealAWSVars variable that is set (and TF_VAR_<name> is not).
func exportRealAWSVars() error {
	for name := range RealAWSVars {
		v, _, _ := realAWSVar(name)
		if v == "" || os.Getenv("TF_VAR_"+name) != "" {
			continue
		}
		if err := os.Setenv("TF_VAR_"+name, v); err != nil {
			return err
		}
	}
	return nil
}

// realAWSValue is Var on real AWS: the value from the environment, or a failure naming the variable.
func realAWSValue(t *testing.T, name string) string {
	t.Helper()
	v, env, known := realAWSVar(name)
	if !known {
		names := make([]string, 0, len(RealAWSVars))
		for n := range RealAWSVars {
			names = append(names, n)
		}
		sort.Strings(names)
		t.Fatalf("no environment variable supplies %q on real AWS (known: %s): add it to acctest.RealAWSVars and the README", name, strings.Join(names, ", "))
	}
	if v == "" {
		t.Fatalf("%s is not set: with %s=1 the acceptance tests need %s (%s)", env, RealAWSEnv, env, RealAWSVars[name].What)
	}
	return v
}

// AWSConfig is the AWS configuration a test checks results with: the sandbox's, or on real AWS the normal
// credential chain in the test region.
func AWSConfig(t *testing.T) aws.Config {
	t.Helper()
	if sb != nil {
		return sb.AWSConfig()
	}
	if !RealAWS() {
		t.Fatal("the sandbox is not running: the test package's TestMain must call acctest.RunMain (with TF_ACC=1)")
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(realAWSValue(t, "region")))
	if err != nil {
		t.Fatalf("loading the AWS configuration for real-AWS acceptance tests: %v", err)
	}
	return cfg
}

// sandboxOnlyMessage explains a sandbox-only test's failure on real AWS.
func sandboxOnlyMessage(test string) string {
	return fmt.Sprintf("%s needs the local sandbox (its gateway's call log, fault injection or emulators), which real AWS "+
		"does not have: it runs in `make test`. With %s=1 leave it out with -skip (README, \"Real AWS\").", test, RealAWSEnv)
}
