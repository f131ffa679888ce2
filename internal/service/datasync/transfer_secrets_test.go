// SPDX-License-Identifier: MPL-2.0

package datasync_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
)

// No secret the provider sends reaches its debug log: the SMB password and the object storage secret key
// are absent from a TF_LOG=debug log of the create, the update that sends them again, and the destroy.
// object_storage.access_key is not a secret: the DataSync model does not mark ObjectStorageAccessKey
// sensitive (it documents it as "for example, a user name"), DescribeLocationObjectStorage returns it,
// and the state holds it; it is logged like any other identifier.
func TestAccDataSyncTransfer_secretsNotLogged(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_LOG", "debug")
	t.Setenv("TF_LOG_PATH", logPath)
	name := acctest.RandomName()
	secrets := []string{"smb-pass-" + name, "obj-secret-" + name}
	accessKey := "AKIA" + strings.ToUpper(name[len(name)-8:])
	cfg := func(version int) string {
		return fmt.Sprintf(`
resource "rayhpc_datasync_transfer" "smb" {
  name = "%[1]s-smb"
  source = {
    smb = {
      server_hostname  = "smb.lab.internal"
      subdirectory     = "/share/%[1]s"
      user             = "svc"
      password         = %[2]q
      password_version = %[5]d
      agent_arns       = [%[6]q]
    }
  }
  destination = {
%[7]s
  }
}

resource "rayhpc_datasync_transfer" "obj" {
  name = "%[1]s-obj"
  source = {
    object_storage = {
      server_hostname    = "minio.lab.internal"
      bucket_name        = "datasets"
      subdirectory       = "/%[1]s"
      access_key         = %[4]q
      secret_key         = %[3]q
      secret_key_version = %[5]d
    }
  }
  destination = {
%[8]s
  }
}
`, name, secrets[0], secrets[1], accessKey, version, agent, s3Loc(acctest.Var(t, "data_lake_bucket"), "/"+name+"/smb"), s3Loc(acctest.Var(t, "data_lake_bucket"), "/"+name+"/obj"))
	}
	cli := acctest.NewCLI(t)
	cli.WriteConfig(cfg(1))
	cli.Apply()
	cli.WriteConfig(cfg(2))
	cli.Apply()
	cli.Destroy()
	log, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CreateLocationSmb", "CreateLocationObjectStorage", "UpdateLocationObjectStorage"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("the debug log has no %s request: the test does not see what it should", want)
		}
	}
	for _, s := range secrets {
		if strings.Contains(string(log), s) {
			i := strings.Index(string(log), s)
			t.Errorf("the debug log contains the secret %q: ...%s...", s, string(log)[max(0, i-600):min(len(log), i+100)])
		}
	}
	checkTransferGone(t, name)
}
