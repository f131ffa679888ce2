variable "subnet_id" {
  type        = string
  description = "Subnet of every part (one Availability Zone)."
}

variable "data_lake_bucket" {
  type        = string
  description = "S3 bucket of the data lake."
}

variable "eks_cluster_name" {
  type        = string
  description = "EKS cluster running the KubeRay operator."
}

variable "datasync_role_arn" {
  type        = string
  description = "IAM role DataSync assumes to read the ingest source bucket."
}

# One hybrid environment: EFA network, Lustre workspace on the data lake, Slurm cluster mounting it (the
# MPI queue in the EFA placement group), Ray cluster on EKS mounting it (made at the same time as the
# Slurm cluster), and a DataSync ingest into the workspace.
resource "rayhpc_hybrid_cluster" "genomics" {
  name      = "genomics"
  subnet_id = var.subnet_id

  data_lake = {
    s3_uri = "s3://${var.data_lake_bucket}/raw/"
  }

  lustre = {
    deployment_type             = "PERSISTENT_2"
    storage_capacity_gib        = 1200
    per_unit_storage_throughput = 250
    auto_import                 = ["NEW", "CHANGED", "DELETED"]
  }

  efa = {
    instance_type = "c5n.18xlarge"
  }

  hpc = {
    head_node_instance_type = "c5.xlarge"
    queue = [
      { name = "mpi", instance_type = "c5n.18xlarge", max_count = 16, efa = true },
      { name = "serial", instance_type = "m6i.2xlarge", min_count = 1, max_count = 32 },
    ]
  }

  ray = {
    eks_cluster_name = var.eks_cluster_name
    namespace        = "default"
    ray_version      = "2.46.0"
    head             = { instance_type = "m6i.xlarge", cpu = "2", memory = "8Gi" }
    worker_group = [
      { name = "cpu", instance_type = "m6i.xlarge", replicas = 2, max_replicas = 3, cpu = "1", memory = "4Gi" },
    ]
  }

  ingest = {
    source = {
      s3 = {
        bucket_arn             = "arn:aws:s3:::${var.data_lake_bucket}"
        subdirectory           = "/raw"
        bucket_access_role_arn = var.datasync_role_arn
      }
    }
    subdirectory = "/ingest"
  }

  tags = {
    project = "genomics"
  }

  timeouts = {
    create = "2h"
  }
}

# Where each stage of a workflow runs on the pools the environment really has (its Slurm queues and Ray
# worker groups), Lambda and Fargate.
data "rayhpc_stage_placement" "pipeline" {
  stage {
    name       = "align"
    task_count = 64
    runtime_s  = 600
    memory_mb  = 8192
  }

  stage {
    name       = "simulate"
    task_count = 8
    runtime_s  = 1800
    memory_mb  = 65536
    depends_on = ["align"]
    coupling   = "mpi"
  }

  dynamic "hpc" {
    for_each = rayhpc_hybrid_cluster.genomics.platforms.hpc
    content {
      name          = hpc.value.name
      instance_type = hpc.value.instance_type
      min_nodes     = hpc.value.min_nodes
      max_nodes     = hpc.value.max_nodes
      efa           = hpc.value.efa
      spot          = hpc.value.spot
    }
  }

  dynamic "ray" {
    for_each = rayhpc_hybrid_cluster.genomics.platforms.ray
    content {
      name          = ray.value.name
      instance_type = ray.value.instance_type
      min_nodes     = ray.value.min_nodes
      max_nodes     = ray.value.max_nodes
      efa           = ray.value.efa
      spot          = ray.value.spot
    }
  }

  serverless {
    name = "lambda"
  }

  # The environment's head nodes, whose prices are fixed costs of the run.
  hpc_head_node_instance_type = rayhpc_hybrid_cluster.genomics.hpc.head_node_instance_type
  ray_head_node_instance_type = rayhpc_hybrid_cluster.genomics.ray.head.instance_type

  # The workspace the pools share: the tasks reading or writing it at once share its throughput.
  lustre {
    deployment_type             = rayhpc_hybrid_cluster.genomics.lustre.deployment_type
    storage_capacity_gib        = rayhpc_hybrid_cluster.genomics.lustre.storage_capacity_gib
    per_unit_storage_throughput = rayhpc_hybrid_cluster.genomics.lustre.per_unit_storage_throughput
  }
}

output "mount" {
  value = rayhpc_hybrid_cluster.genomics.lustre_mount_command
}

output "placement" {
  value = data.rayhpc_stage_placement.pipeline.table
}
