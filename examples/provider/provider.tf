# Credentials and region come from the standard AWS chain (environment, shared files, SSO, web identity,
# instance roles). Everything below is optional.
provider "rayhpc" {
  region = "us-east-1"

  assume_role {
    role_arn     = "arn:aws:iam::123456789012:role/hpc-platform-deploy"
    session_name = "terraform"
    duration     = "1h"
  }

  default_tags {
    tags = {
      team    = "research-computing"
      managed = "terraform"
    }
  }

  max_retries = 25
}
