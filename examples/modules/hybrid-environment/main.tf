# A hybrid HPC environment from the individual resources: the same parts, wiring and order as
# rayhpc_hybrid_cluster, for module authors who want to change one part's settings beyond what the
# composite resource exposes.

locals {
  tags = merge(var.tags, { environment = var.name })
}

# Placement group, EFA security group (all traffic to and from itself) and launch template.
resource "rayhpc_efa_network" "this" {
  name          = var.name
  subnet_id     = var.subnet_id
  instance_type = var.efa_instance_type
  tags          = local.tags
}

# The Lustre workspace on the data lake, reachable from the HPC nodes (which carry the EFA group) and from
# the EKS nodes of the Ray cluster (ray.node_security_group_ids).
resource "rayhpc_lustre_workspace" "this" {
  name                        = var.name
  deployment_type             = var.lustre.deployment_type
  storage_capacity_gib        = var.lustre.storage_capacity_gib
  per_unit_storage_throughput = var.lustre.per_unit_storage_throughput
  subnet_id                   = var.subnet_id
  allowed_security_group_ids  = concat([rayhpc_efa_network.this.security_group_id], local.ray_enabled ? var.ray.node_security_group_ids : [])

  data_repository {
    file_system_path = var.lustre.file_system_path
    s3_uri           = "s3://${var.data_lake_bucket}/${var.data_lake_prefix}"
    auto_import      = ["NEW", "CHANGED", "DELETED"]
    auto_export      = ["NEW", "CHANGED"]
  }

  tags = local.tags
}

# The Slurm cluster: the workspace mounted on every node, the EFA queues in the placement group.
resource "rayhpc_hpc_cluster" "this" {
  name = var.name
  os   = "alinux2023"

  head_node {
    instance_type                 = var.head_node_instance_type
    subnet_id                     = var.subnet_id
    additional_security_group_ids = [rayhpc_efa_network.this.security_group_id]
  }

  # Tightly coupled jobs: EFA, in the EFA network's placement group.
  queue {
    name       = "mpi"
    subnet_ids = [var.subnet_id]
    placement_group {
      id = rayhpc_efa_network.this.placement_group_name
    }
    compute_resource {
      name          = "efa"
      instance_type = var.efa_instance_type
      max_count     = var.mpi_queue.max_count
      efa {}
    }
  }

  queue {
    name       = "serial"
    subnet_ids = [var.subnet_id]
    compute_resource {
      name          = "nodes"
      instance_type = var.serial_queue.instance_type
      min_count     = var.serial_queue.min_count
      max_count     = var.serial_queue.max_count
    }
  }

  shared_storage {
    name      = "workspace"
    mount_dir = var.lustre.mount_dir
    fsx_lustre {
      file_system_id = rayhpc_lustre_workspace.this.id
    }
  }

  stop_compute_fleet_when_required = true
  tags                             = local.tags
}

# The Ray cluster on EKS (with eks_cluster_name), made with the Slurm cluster once the workspace exists:
# a head and the worker groups, each on its instance type, the workspace mounted in every pod at the same
# path as on the Slurm nodes (a PersistentVolume and claim for the FSx CSI driver).
locals {
  ray_enabled = var.eks_cluster_name != null
}

resource "rayhpc_ray_cluster" "this" {
  count            = local.ray_enabled ? 1 : 0
  name             = lower(var.name)
  namespace        = var.ray.namespace
  create_namespace = var.ray.namespace != "default"
  eks_cluster_name = var.eks_cluster_name
  ray_version      = var.ray.ray_version
  image            = var.ray.image

  head {
    cpu           = var.ray.head.cpu
    memory        = var.ray.head.memory
    node_selector = { "node.kubernetes.io/instance-type" = var.ray.head.instance_type }
  }

  dynamic "worker_group" {
    for_each = var.ray.worker_groups
    content {
      name           = worker_group.value.name
      replicas       = worker_group.value.replicas
      min_replicas   = worker_group.value.min_replicas
      max_replicas   = coalesce(worker_group.value.max_replicas, worker_group.value.replicas)
      cpu            = worker_group.value.cpu
      memory         = worker_group.value.memory
      gpu            = worker_group.value.gpu
      efa_interfaces = worker_group.value.efa_interfaces
      node_selector  = { "node.kubernetes.io/instance-type" = worker_group.value.instance_type }
    }
  }

  lustre {
    workspace_id = rayhpc_lustre_workspace.this.id
    mount_path   = var.lustre.mount_dir
  }

  data_lake {
    s3_uri = "s3://${var.data_lake_bucket}/${var.data_lake_prefix}"
  }

  labels = local.tags
}

# Ingest: the raw data set into the workspace, once the clusters are up.
resource "rayhpc_datasync_transfer" "ingest" {
  count = var.datasync_role_arn == null ? 0 : 1
  name  = "${var.name}-ingest"

  source = {
    s3 = {
      bucket_arn             = "arn:aws:s3:::${var.data_lake_bucket}"
      subdirectory           = var.ingest_source_prefix
      bucket_access_role_arn = var.datasync_role_arn
    }
  }

  destination = {
    lustre = {
      workspace_id        = rayhpc_lustre_workspace.this.id
      subdirectory        = "/ingest"
      security_group_arns = ["arn:aws:ec2:${var.region}:${var.account_id}:security-group/${rayhpc_lustre_workspace.this.security_group_id}"]
    }
  }

  run_on_apply        = true
  wait_for_completion = true
  tags                = local.tags

  depends_on = [rayhpc_hpc_cluster.this, rayhpc_ray_cluster.this]
}

# The queues and the Ray worker groups as placement pools (the shape of rayhpc_hybrid_cluster's platforms).
locals {
  ray_pools = local.ray_enabled ? [for g in var.ray.worker_groups : {
    name = g.name, instance_type = g.instance_type, min_nodes = g.min_replicas, max_nodes = coalesce(g.max_replicas, g.replicas),
    efa  = g.efa_interfaces > 0, spot = false
  }] : []

  # The Ray head container's CPU and memory limits as the placement's Ray head task capacity: Ray runs
  # tasks on the head, as many CPUs' worth as its container's CPU limit. Whole CPUs ("2") and memory in
  # Gi or Mi ("8Gi", "512Mi") are passed; another form of quantity keeps the engine's default.
  ray_head_task = {
    ray_head_task_vcpus = can(regex("^[0-9]+$", var.ray.head.cpu)) ? tonumber(var.ray.head.cpu) : null
    ray_head_task_memory_gib = (can(regex("^[0-9]+(Gi|Mi)$", var.ray.head.memory))
    ? tonumber(regex("^[0-9]+", var.ray.head.memory)) / (endswith(var.ray.head.memory, "Mi") ? 1024 : 1) : null)
  }

  hpc_pools = [
    { name = "mpi", instance_type = var.efa_instance_type, min_nodes = 0, max_nodes = var.mpi_queue.max_count, efa = true, spot = false },
    { name = "serial", instance_type = var.serial_queue.instance_type, min_nodes = var.serial_queue.min_count, max_nodes = var.serial_queue.max_count, efa = false, spot = false },
  ]
}

# Where each stage of the workflow runs: the environment's queues and Ray worker groups, Lambda or Fargate.
resource "rayhpc_workflow_placement" "this" {
  count          = var.workflow_wfcommons_json == null ? 0 : 1
  wfcommons_json = var.workflow_wfcommons_json
  objective      = "balanced"

  # The head nodes the environment runs, whose prices are the queues' and worker groups' fixed cost, and
  # the Ray head's task capacity.
  hpc_head_node_instance_type = var.head_node_instance_type
  ray_head_node_instance_type = local.ray_enabled ? var.ray.head.instance_type : null
  model_overrides             = local.ray_enabled ? { for k, v in local.ray_head_task : k => v if v != null } : null

  dynamic "hpc" {
    for_each = local.hpc_pools
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
    for_each = local.ray_pools
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

  batch {
    name = "fargate"
  }

  # The workspace the queues and worker groups share: its throughput (capacity times the type's MB/s per
  # TiB) is shared by the tasks reading and writing it, and it is billed for the run at its type's price.
  lustre {
    deployment_type             = var.lustre.deployment_type
    storage_capacity_gib        = var.lustre.storage_capacity_gib
    per_unit_storage_throughput = var.lustre.per_unit_storage_throughput
  }

  # Published for the workflow runner as a versioned JSON manifest in the data lake.
  manifest {
    bucket = var.data_lake_bucket
    key    = "placements/${var.name}.json"
  }
}
