# The provider's registry address; `make sandbox` prints a CLI config that points it at the local build.
terraform {
  required_providers {
    rayhpc = {
      source = "rayhpc/rayhpc"
    }
  }
}
