terraform {
  required_providers {
    rayhpc = {
      source = "rayhpc/rayhpc"
    }
  }
}

# Credentials and region come from the standard AWS chain (environment, shared files, SSO, web identity,
# instance roles). Everything below is optional.
provider "rayhpc" {
  region = var.region

  assume_role {
    role_arn     = "arn:aws:iam::${var.account_id}:role/hpc-platform-deploy"
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

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "account_id" {
  type        = string
  description = "AWS account that holds the deploy role."
}
