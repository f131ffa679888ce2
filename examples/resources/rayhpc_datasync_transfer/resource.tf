# Copy the raw reads from the data lake straight into a Lustre workspace every night,
# and once right away, waiting for the transfer to finish.
resource "rayhpc_datasync_transfer" "reads_to_scratch" {
  name = "reads-to-lustre"

  source = {
    s3 = {
      bucket_arn             = "arn:aws:s3:::rayhpc-data-lake"
      subdirectory           = "/raw"
      bucket_access_role_arn = "arn:aws:iam::123456789012:role/datasync-data-lake"
    }
  }

  destination = {
    lustre = {
      workspace_id        = rayhpc_lustre_workspace.scratch.id
      subdirectory        = "/ingest/raw"
      security_group_arns = ["arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123456789abcdef0"]
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

# Ingest from an on-premises NFS export through a DataSync agent into the data lake.
resource "rayhpc_datasync_transfer" "sequencer_ingest" {
  name = "sequencer-ingest"

  source = {
    nfs = {
      server_hostname = "nfs.lab.example.internal"
      subdirectory    = "/exports/sequencer/runs"
      agent_arns      = ["arn:aws:datasync:us-east-1:123456789012:agent/agent-0123456789abcdef0"]
      mount_version   = "NFS4_1"
    }
  }

  destination = {
    s3 = {
      bucket_arn             = "arn:aws:s3:::rayhpc-data-lake"
      subdirectory           = "/raw/runs"
      bucket_access_role_arn = "arn:aws:iam::123456789012:role/datasync-data-lake"
      storage_class          = "INTELLIGENT_TIERING"
    }
  }

  schedule = "rate(6 hours)"
}
