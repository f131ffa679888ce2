# Place a three-stage pipeline on the HPC and Ray clusters this configuration manages, plus Lambda and
# Batch, minimising cost under a one-hour deadline.
data "rayhpc_stage_placement" "pipeline" {
  stage {
    name         = "ingest"
    task_count   = 500
    runtime_s    = 12
    memory_mb    = 1024
    input_bytes  = 50000000
    output_bytes = 20000000
  }
  stage {
    name       = "simulate"
    task_count = 8
    runtime_s  = 1800
    cores      = 36
    memory_mb  = 65536
    coupling   = "mpi"
    depends_on = ["ingest"]
  }
  stage {
    name       = "analyse"
    task_count = 64
    runtime_s  = 240
    cores      = 2
    memory_mb  = 4096
    depends_on = ["simulate"]
  }

  # The Slurm queue and the Ray worker group; in a module, wire these from the cluster resources' outputs.
  hpc {
    name          = "slurm-compute"
    instance_type = "c5n.18xlarge"
    max_nodes     = 8
  }
  ray {
    name          = "ray-workers"
    instance_type = "m6i.xlarge"
    min_nodes     = 2
    max_nodes     = 32
  }
  serverless {
    name         = "lambda"
    architecture = "arm64"
    concurrency  = 500
  }
  batch {
    name      = "fargate"
    max_vcpus = 256
  }
  # The Lustre workspace both clusters mount (rayhpc_hybrid_cluster's lustre): 2,400 GiB of SCRATCH_2 give
  # the tasks reading or writing it at once 469 MB/s of reads and 234 MB/s of writes between them.
  lustre {
    deployment_type      = "SCRATCH_2"
    storage_capacity_gib = 2400
  }

  objective  = "cost"
  deadline_s = 3600
}

output "placement_table" {
  value = data.rayhpc_stage_placement.pipeline.table
}

# Or place a recorded WfCommons trace on the default platforms, weighting cost 70 % and makespan 30 %.
# A trace records no pins or coupling: stage_override sets them on its stages, named by program.
data "rayhpc_stage_placement" "montage" {
  wfcommons_json = file("${path.module}/montage.json")
  objective      = "weighted"
  cost_weight    = 0.7

  # Keep the reprojection on the Ray workers, whatever Lambda would cost.
  stage_override {
    name = "mProject"
    pin  = "ray"
  }
  # Co-add the mosaic as one MPI job on the HPC queue, with its state kept between invocations.
  stage_override {
    name     = "mAdd"
    coupling = "mpi"
    stateful = true
  }
  # When the background correction runs on Lambda, give it 3,538 MB (two vCPUs) rather than the smallest fit.
  stage_override {
    name                 = "mBackground"
    serverless_memory_mb = 3538
  }
}

output "montage_gantt" {
  value = data.rayhpc_stage_placement.montage.gantt_mermaid
}
