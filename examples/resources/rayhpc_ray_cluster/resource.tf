variable "eks_cluster_name" {
  type        = string
  description = "EKS cluster running the KubeRay operator."
}

variable "data_lake_bucket" {
  type        = string
  description = "S3 bucket of the data lake."
}

# A Ray cluster on EKS: a head on a general-purpose node, CPU workers the autoscaler scales between
# 1 and 4, and one 8-GPU worker with its 4 EFA interfaces on a p4d.24xlarge node.
resource "rayhpc_ray_cluster" "example" {
  name             = "genomics-ray"
  namespace        = "ray"
  create_namespace = true
  eks_cluster_name = var.eks_cluster_name
  ray_version      = "2.46.0"

  head {
    cpu           = "2"
    memory        = "8Gi"
    node_selector = { "node.kubernetes.io/instance-type" = "m6i.xlarge" }
    ray_start_params = {
      "dashboard-host" = "0.0.0.0"
    }
  }

  worker_group {
    name         = "cpu"
    replicas     = 1
    min_replicas = 1
    max_replicas = 4
    cpu          = "1"
    memory       = "4Gi"
  }

  worker_group {
    name           = "train"
    replicas       = 1
    cpu            = "8"
    memory         = "64Gi"
    gpu            = 8
    efa_interfaces = 4
    node_selector  = { "node.kubernetes.io/instance-type" = "p4d.24xlarge" }
    env = {
      FI_PROVIDER = "efa"
    }
  }

  autoscaling {
    enabled        = true
    idle_timeout_s = 300
    upscaling_mode = "Conservative"
  }

  data_lake {
    s3_uri = "s3://${var.data_lake_bucket}/raw"
  }

  labels = {
    team = "genomics"
  }
}

output "ray_client_address" {
  value = rayhpc_ray_cluster.example.client_address
}
