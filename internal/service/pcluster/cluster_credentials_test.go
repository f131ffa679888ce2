// SPDX-License-Identifier: MPL-2.0

package pcluster_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/pcluster"
)

// sessionProcess is a credential_process (AWS CLI / SDK shared config) that assumes a role through the
// sandbox's STS (moto, through the gateway, which then knows the session and expires it at its
// Expiration) for a session of a few seconds.
const sessionProcess = `#!/usr/bin/env python3
import json, os
import boto3
from botocore.config import Config
sts = boto3.client("sts", endpoint_url=os.environ["RAYHPC_SANDBOX_URL"], region_name="us-east-1",
    aws_access_key_id="testing", aws_secret_access_key="testing", config=Config(parameter_validation=False))
c = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/hpc-admin", RoleSessionName="short",
    DurationSeconds=%d)["Credentials"]
print(json.dumps({"Version": 1, "AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
    "SessionToken": c["SessionToken"], "Expiration": c["Expiration"].isoformat()}))
`

// Credentials that expire during a long create: the provider's credentials come from a profile whose
// credential_process hands out 3-second role sessions, against a 10-second create. Every
// ParallelCluster API request is signed with the session of the moment (the sandbox refuses a request
// signed with an expired session: ExpiredTokenException), so the create succeeds, signed with several
// sessions.
func TestAccHPCCluster_credentialsExpireDuringCreate(t *testing.T) {
	acctest.PreCheck(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "session.py")
	if err := os.WriteFile(script, []byte(fmt.Sprintf(sessionProcess, 3)), 0o700); err != nil {
		t.Fatal(err)
	}
	cfgFile := filepath.Join(dir, "config")
	if err := os.WriteFile(cfgFile, []byte("[profile short-sessions]\ncredential_process = "+script+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := clusterConfig{name: acctest.RandomName(), subnet: acctest.Var(t, "subnet_id")}
	cfg := fmt.Sprintf(`
provider "rayhpc" {
  profile             = "short-sessions"
  shared_config_files = [%q]
}
`, cfgFile) + withTags(c.standalone("", "c5.xlarge", c.subnet), fmt.Sprintf(`{ %q = "10s" }`, pcluster.CreateDurationTagKey))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroy(t),
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(resName, "status", "CREATE_COMPLETE"),
				func(*terraform.State) error {
					sessions := map[string]bool{}
					for _, call := range emulator(t).Calls() {
						if call.Cluster == c.name {
							sessions[call.AccessKeyID] = true
						}
					}
					if len(sessions) < 3 {
						return fmt.Errorf("the create was signed with %d sessions (%v), want several", len(sessions), sessions)
					}
					t.Logf("the create was signed with %d role sessions", len(sessions))
					return nil
				},
			),
		}},
	})
}
