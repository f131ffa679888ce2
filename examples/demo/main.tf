# The hybrid environment, grown one building block per issue. `make demo` applies this against the
# local sandbox, prints the outputs and destroys everything.
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

# One FSx for Lustre file system shared by the Slurm and Ray sides, linked to the S3 data lake.
resource "rayhpc_lustre_workspace" "shared" {
  name                        = "rayhpc-demo"
  deployment_type             = "PERSISTENT_2"
  storage_type                = "SSD"
  storage_capacity_gib        = 1200
  per_unit_storage_throughput = 250
  subnet_id                   = var.subnet_id
  allowed_cidr_blocks         = ["10.0.0.0/16"]
  data_compression            = "LZ4"

  data_repository {
    file_system_path = "/raw"
    s3_uri           = "s3://${var.data_lake_bucket}/raw/"
    auto_import      = ["NEW", "CHANGED", "DELETED"]
    auto_export      = ["NEW", "CHANGED"]
  }

  data_repository {
    file_system_path = "/reference"
    s3_uri           = "s3://${var.data_lake_bucket}/reference/"
    auto_import      = ["NEW", "CHANGED"]
  }

  tags = {
    workload = "genomics"
  }
}

# Bring the raw data set into the Lustre workspace with DataSync, once on apply (waiting for it) and
# then nightly.
resource "rayhpc_datasync_transfer" "ingest" {
  name = "rayhpc-demo-ingest"

  source = {
    s3 = {
      bucket_arn             = "arn:aws:s3:::${var.data_lake_bucket}"
      subdirectory           = "/raw"
      bucket_access_role_arn = var.datasync_role_arn
    }
  }

  destination = {
    lustre = {
      workspace_id        = rayhpc_lustre_workspace.shared.id
      subdirectory        = "/ingest"
      security_group_arns = ["arn:aws:ec2:${var.region}:${var.account_id}:security-group/${rayhpc_lustre_workspace.shared.security_group_id}"]
    }
  }

  schedule = "cron(0 2 * * ? *)"
  excludes = ["*.tmp"]

  run_on_apply        = true
  wait_for_completion = true
}

# EFA for the tightly coupled MPI stage: placement group, EFA security group, launch template with an
# EFA interface per network card of the instance type.
resource "rayhpc_efa_network" "mpi" {
  name          = "rayhpc-demo-mpi"
  subnet_id     = var.subnet_id
  instance_type = "c5n.18xlarge"

  tags = {
    workload = "simulation"
  }
}

# The Slurm side: an AWS ParallelCluster cluster mounting the Lustre workspace at /fsx, its MPI queue in
# the EFA network's placement group.
resource "rayhpc_hpc_cluster" "slurm" {
  name = "rayhpc-demo"
  os   = "alinux2023"

  head_node {
    instance_type = "c5.xlarge"
    subnet_id     = var.subnet_id
  }

  queue {
    name       = "mpi"
    subnet_ids = [var.subnet_id]
    placement_group {
      id = rayhpc_efa_network.mpi.placement_group_name
    }
    compute_resource {
      name          = "c5n"
      instance_type = rayhpc_efa_network.mpi.instance_type
      max_count     = 16
      efa {}
    }
  }

  shared_storage {
    name      = "workspace"
    mount_dir = "/fsx"
    fsx_lustre {
      file_system_id = rayhpc_lustre_workspace.shared.id
    }
  }
}

# A hybrid pipeline: ingest and preprocess wide and short, an MPI simulation that needs the EFA nodes,
# feature extraction, then a long stateful training stage.
locals {
  pipeline = [
    { name = "ingest", task_count = 200, runtime_s = 20, memory_mb = 1024, depends_on = [], coupling = "none", stateful = false },
    { name = "preprocess", task_count = 400, runtime_s = 45, memory_mb = 2048, depends_on = ["ingest"], coupling = "none", stateful = false },
    { name = "simulate", task_count = 16, runtime_s = 1800, memory_mb = 65536, depends_on = ["preprocess"], coupling = "mpi", stateful = false },
    { name = "features", task_count = 300, runtime_s = 30, memory_mb = 3072, depends_on = ["simulate"], coupling = "none", stateful = false },
    { name = "train", task_count = 8, runtime_s = 2400, memory_mb = 12288, depends_on = ["features"], coupling = "none", stateful = true },
  ]
}

# Where each stage should run, wired from the EFA network's instance type; kept under Terraform and
# published to the data lake as a versioned manifest for the workflow runner.
resource "rayhpc_workflow_placement" "pipeline" {
  dynamic "stage" {
    for_each = local.pipeline
    content {
      name         = stage.value.name
      task_count   = stage.value.task_count
      runtime_s    = stage.value.runtime_s
      memory_mb    = stage.value.memory_mb
      depends_on   = stage.value.depends_on
      coupling     = stage.value.coupling
      stateful     = stage.value.stateful
      input_bytes  = 50000000
      output_bytes = 20000000
    }
  }

  hpc {
    name          = "slurm-efa"
    instance_type = rayhpc_efa_network.mpi.instance_type
    max_nodes     = 16
    efa           = true
  }

  ray {
    name          = "ray-workers"
    instance_type = "m6i.xlarge"
    max_nodes     = 64
  }

  serverless {
    name = "lambda"
  }

  batch {
    name = "fargate"
  }

  objective = "balanced"

  manifest {
    bucket = var.data_lake_bucket
    key    = "placements/pipeline.json"
  }
}
