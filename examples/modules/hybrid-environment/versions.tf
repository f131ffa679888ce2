terraform {
  required_version = ">= 1.5"

  required_providers {
    rayhpc = {
      source = "rayhpc/rayhpc"
    }
  }
}
