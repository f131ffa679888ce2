# The hybrid environment. `make demo` applies this against the local sandbox, prints the outputs, the
# placement table and the Gantt chart, destroys everything and checks that nothing is left.
terraform {
  required_providers {
    rayhpc = {
      source = "rayhpc/rayhpc"
    }
  }
}

provider "rayhpc" {
  region = var.region

  default_tags {
    tags = {
      environment = "rayhpc-demo"
    }
  }
}

# One environment: the EFA network, one FSx for Lustre workspace linked to the S3 data lake and shared by
# both sides, the Slurm cluster mounting it (its MPI queue in the EFA placement group), the Ray cluster
# on EKS mounting it through a PersistentVolume and claim (made at the same time as the Slurm cluster),
# and the DataSync ingest of the raw data set into the workspace (once on apply, then nightly).
resource "rayhpc_hybrid_cluster" "env" {
  name      = "rayhpc-demo"
  subnet_id = var.subnet_id

  data_lake = {
    s3_uri = "s3://${var.data_lake_bucket}/raw/"
  }

  lustre = {
    deployment_type             = "PERSISTENT_2"
    storage_capacity_gib        = 1200
    per_unit_storage_throughput = 250
    data_compression            = "LZ4"
    file_system_path            = "/raw"
    auto_import                 = ["NEW", "CHANGED", "DELETED"]
    auto_export                 = ["NEW", "CHANGED"]
  }

  efa = {
    instance_type = "c5n.18xlarge"
  }

  hpc = {
    head_node_instance_type = "c5.xlarge"
    queue = [
      { name = "mpi", instance_type = "c5n.18xlarge", max_count = 16, efa = true },
      { name = "serial", instance_type = "m6i.2xlarge", max_count = 32 },
    ]
  }

  ray = {
    eks_cluster_name = var.eks_cluster_name
    ray_version      = "2.46.0"
    head             = { instance_type = "m6i.xlarge", cpu = "2", memory = "8Gi" }
    worker_group = [
      { name = "cpu", instance_type = "m6i.xlarge", replicas = 2, min_replicas = 1, max_replicas = 4, cpu = "1", memory = "4Gi" },
      { name = "gpu", instance_type = "g5.xlarge", replicas = 1, max_replicas = 1, cpu = "2", memory = "8Gi", gpu = 1 },
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
    schedule     = "cron(0 2 * * ? *)"
  }

  tags = {
    workload = "genomics"
  }
}

# A hybrid pipeline: ingest and preprocess wide and short, an MPI simulation that needs the EFA nodes (each
# of its tasks one 144-rank MPI job on two whole c5n.18xlarge nodes of the mpi queue), feature extraction,
# then a long stateful training stage.
locals {
  pipeline = [
    { name = "ingest", task_count = 200, runtime_s = 20, cores = 1, memory_mb = 1024, depends_on = [], coupling = "none", nodes = null, stateful = false },
    { name = "preprocess", task_count = 400, runtime_s = 45, cores = 1, memory_mb = 2048, depends_on = ["ingest"], coupling = "none", nodes = null, stateful = false },
    { name = "simulate", task_count = 16, runtime_s = 1800, cores = 144, memory_mb = 65536, depends_on = ["preprocess"], coupling = "mpi", nodes = 2, stateful = false },
    { name = "features", task_count = 300, runtime_s = 30, cores = 1, memory_mb = 3072, depends_on = ["simulate"], coupling = "none", nodes = null, stateful = false },
    { name = "train", task_count = 8, runtime_s = 2400, cores = 1, memory_mb = 12288, depends_on = ["features"], coupling = "none", nodes = null, stateful = true },
  ]

  # The workflows to place, each given as a WfCommons trace or as stages: the Montage trace (WfCommons, see
  # README.md) and the pipeline above.
  workflows = {
    montage  = { wfcommons_json = file("${path.module}/montage-chameleon-2mass-005d-001.json"), stages = [] }
    pipeline = { wfcommons_json = null, stages = local.pipeline }
  }
}

# Where each stage of each workflow runs: on the pools the environment really has (its Slurm queues and Ray
# worker groups, with its head nodes and its Lustre workspace), or on Lambda and Fargate. Kept under
# Terraform and published to the data lake as a versioned manifest, placements/<workflow>.json, for the
# workflow runner.
resource "rayhpc_workflow_placement" "workflow" {
  for_each       = local.workflows
  wfcommons_json = each.value.wfcommons_json

  dynamic "stage" {
    for_each = each.value.stages
    content {
      name         = stage.value.name
      task_count   = stage.value.task_count
      runtime_s    = stage.value.runtime_s
      cores        = stage.value.cores
      memory_mb    = stage.value.memory_mb
      depends_on   = stage.value.depends_on
      coupling     = stage.value.coupling
      nodes        = stage.value.nodes
      stateful     = stage.value.stateful
      input_bytes  = 50000000
      output_bytes = 20000000
    }
  }

  dynamic "hpc" {
    for_each = rayhpc_hybrid_cluster.env.platforms.hpc
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
    for_each = rayhpc_hybrid_cluster.env.platforms.ray
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

  # The environment's head nodes and workspace: their prices are fixed costs of the run, and the tasks on
  # the queues and worker groups share the workspace's throughput.
  hpc_head_node_instance_type = rayhpc_hybrid_cluster.env.hpc.head_node_instance_type
  ray_head_node_instance_type = rayhpc_hybrid_cluster.env.ray.head.instance_type

  lustre {
    deployment_type             = rayhpc_hybrid_cluster.env.lustre.deployment_type
    storage_capacity_gib        = rayhpc_hybrid_cluster.env.lustre.storage_capacity_gib
    per_unit_storage_throughput = rayhpc_hybrid_cluster.env.lustre.per_unit_storage_throughput
  }

  objective = "balanced"

  manifest {
    bucket = var.data_lake_bucket
    key    = "placements/${each.key}.json"
  }
}
