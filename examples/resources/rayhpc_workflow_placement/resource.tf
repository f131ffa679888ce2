# Keep the placement of the nightly pipeline under Terraform and publish it for the workflow runner.
# `terraform plan` shows which stages move when the inputs change, with the cost and makespan delta.
resource "rayhpc_workflow_placement" "nightly" {
  stage {
    name        = "ingest"
    task_count  = 500
    runtime_s   = 12
    memory_mb   = 1024
    input_bytes = 50000000
  }
  stage {
    name       = "simulate"
    task_count = 8
    runtime_s  = 1800
    cores      = 36
    coupling   = "mpi"
    depends_on = ["ingest"]
  }
  stage {
    name       = "report"
    task_count = 1
    runtime_s  = 60
    stateful   = true
    pin        = "ray"
    depends_on = ["simulate"]
  }

  hpc {
    name          = "slurm-compute"
    instance_type = "c5n.18xlarge"
    max_nodes     = 8
  }
  ray {
    name          = "ray-workers"
    instance_type = "m6i.xlarge"
    max_nodes     = 32
  }
  serverless {
    name = "lambda"
  }

  objective  = "balanced"
  budget_usd = 25

  manifest {
    bucket = var.data_lake_bucket
    key    = "placements/nightly.json"
  }
}

output "nightly_placement" {
  value = rayhpc_workflow_placement.nightly.table
}

variable "data_lake_bucket" {
  type        = string
  description = "S3 bucket the workflow runners read placements from."
}
