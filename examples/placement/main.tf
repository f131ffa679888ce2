# Where should each stage of the Montage workflow run, and what will the run cost?
# Pure computation: the rayhpc_stage_placement data source makes no AWS call, so this module applies with
# no AWS account and no credentials. `make demo` applies it and prints its outputs.
terraform {
  required_providers {
    rayhpc = {
      source = "rayhpc/rayhpc"
    }
  }
}

provider "rayhpc" {
  region                      = "us-east-1"
  skip_credentials_validation = true
}

# The Montage 2MASS 0.05-degree mosaic traced on Chameleon (WfCommons), placed on one pool of each kind.
data "rayhpc_stage_placement" "montage" {
  wfcommons_json = file("${path.module}/montage-chameleon-2mass-005d-001.json")

  # A Slurm queue of EFA nodes, as a rayhpc_hpc_cluster queue would expose it.
  hpc {
    name          = "hpc"
    instance_type = "c5n.18xlarge"
    max_nodes     = 4
  }

  # A KubeRay worker group on EKS. No instance_type: one is right-sized for the trace's tasks (the cheapest
  # task slot among m6i, c6i and r6i). Two nodes are warm (up before the run, billed for all of it); a stage
  # may fill them and burst the rest to Lambda.
  ray {
    name      = "ray"
    min_nodes = 2
  }

  serverless {
    name         = "lambda"
    architecture = "arm64"
  }

  batch {
    name      = "batch"
    max_vcpus = 256
  }

  # The environment is up before and after the run (a rayhpc_hybrid_cluster): its head nodes, EKS control
  # plane and Lustre workspace are billed for the run to the placement and every baseline alike, and the Ray
  # head's CPUs run tasks. The default; false for an environment made for the workflow.
  environment_up = true

  # Cost and makespan weighted equally, each relative to the best baseline.
  objective = "balanced"

  # No AWS call: the provider's offline prices (us-east-1) instead of the Price List API.
  pricing_api = false

  # The static-cluster baseline: 4 nodes of the hpc pool, up before the run (a standing cluster).
  static_cluster_nodes = 4
  static_cluster_up    = true
}
