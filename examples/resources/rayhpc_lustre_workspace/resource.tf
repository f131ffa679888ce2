variable "subnet_id" {
  type        = string
  description = "Private subnet of the HPC and Ray nodes."
}

variable "data_lake_bucket" {
  type        = string
  description = "S3 bucket of the data lake."
}

variable "client_security_group_ids" {
  type        = list(string)
  description = "Security groups of the nodes that mount the workspace."
  default     = []
}

# A PERSISTENT_2 workspace linked to two prefixes of the data lake: raw inputs are imported
# lazily and kept in sync, results are exported back to S3 automatically.
resource "rayhpc_lustre_workspace" "example" {
  name                        = "genomics-workspace"
  deployment_type             = "PERSISTENT_2"
  storage_capacity_gib        = 2400
  per_unit_storage_throughput = 250
  data_compression            = "LZ4"
  root_squash                 = "65534:65534"
  subnet_id                   = var.subnet_id

  # No security_group_ids: the workspace creates a group allowing Lustre traffic
  # (TCP 988, 1018-1023) from itself and from these groups.
  allowed_security_group_ids = var.client_security_group_ids

  data_repository {
    file_system_path          = "/raw"
    s3_uri                    = "s3://${var.data_lake_bucket}/raw/"
    auto_import               = ["NEW", "CHANGED", "DELETED"]
    import_metadata_on_create = true
  }

  data_repository {
    file_system_path = "/results"
    s3_uri           = "s3://${var.data_lake_bucket}/results/"
    auto_export      = ["NEW", "CHANGED", "DELETED"]
  }

  tags = {
    project = "genomics"
  }

  timeouts = {
    create = "45m"
    update = "2h"
  }
}

output "mount_command" {
  value = rayhpc_lustre_workspace.example.mount_command
}

# Apply with kubectl, then bind a PersistentVolumeClaim with storageClassName "" and
# volumeName set to the PersistentVolume's name.
output "kubernetes_persistent_volume" {
  value = rayhpc_lustre_workspace.example.kubernetes_persistent_volume
}
