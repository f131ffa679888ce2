variable "region" {
  type = string
}

variable "account_id" {
  type = string
}

variable "subnet_id" {
  type = string
}

variable "data_lake_bucket" {
  type = string
}

variable "datasync_role_arn" {
  type        = string
  description = "IAM role DataSync assumes to read and write the data-lake bucket."
}

# The Lustre workspace the reads land in (its created security group admits DataSync's interfaces).
resource "rayhpc_lustre_workspace" "scratch" {
  name                 = "reads-scratch"
  deployment_type      = "SCRATCH_2"
  storage_capacity_gib = 1200
  subnet_id            = var.subnet_id
}

# Copy the raw reads from the data lake straight into the Lustre workspace every night,
# and once right away, waiting for the transfer to finish.
resource "rayhpc_datasync_transfer" "reads_to_scratch" {
  name = "reads-to-lustre"

  source = {
    s3 = {
      bucket_arn             = "arn:aws:s3:::${var.data_lake_bucket}"
      subdirectory           = "/raw"
      bucket_access_role_arn = var.datasync_role_arn
    }
  }

  destination = {
    lustre = {
      workspace_id        = rayhpc_lustre_workspace.scratch.id
      subdirectory        = "/ingest/raw"
      security_group_arns = ["arn:aws:ec2:${var.region}:${var.account_id}:security-group/${rayhpc_lustre_workspace.scratch.security_group_id}"]
    }
  }

  schedule = "cron(0 2 * * ? *)" # 02:00 UTC daily; DataSync runs a task at most once an hour
  includes = ["*.csv", "/reference"]
  excludes = ["*.tmp"]

  options = {
    verify_mode     = "ONLY_FILES_TRANSFERRED"
    transfer_mode   = "CHANGED"
    bandwidth_limit = 104857600 # 100 MiB/s
  }

  run_on_apply        = true
  wait_for_completion = true

  tags = {
    team = "genomics"
  }

  timeouts = {
    create = "2h"
  }
}

# Keep an archive copy of the reference data in a cheaper storage class, every six hours.
# (An on-premises source is `source = { nfs = { server_hostname, subdirectory, agent_arns } }`.)
resource "rayhpc_datasync_transfer" "reference_archive" {
  name = "reference-archive"

  source = {
    s3 = {
      bucket_arn             = "arn:aws:s3:::${var.data_lake_bucket}"
      subdirectory           = "/reference"
      bucket_access_role_arn = var.datasync_role_arn
    }
  }

  destination = {
    s3 = {
      bucket_arn             = "arn:aws:s3:::${var.data_lake_bucket}"
      subdirectory           = "/archive/reference"
      bucket_access_role_arn = var.datasync_role_arn
      storage_class          = "INTELLIGENT_TIERING"
    }
  }

  schedule = "rate(6 hours)"
}

output "last_execution" {
  value = rayhpc_datasync_transfer.reads_to_scratch.last_execution
}
