variable "subnet_id" {
  type        = string
  description = "Subnet of the head node and the compute nodes."
}

# The EFA network gives the MPI queue its cluster placement group.
resource "rayhpc_efa_network" "mpi" {
  name          = "cfd-efa"
  subnet_id     = var.subnet_id
  instance_type = "c5n.18xlarge"
}

# The Lustre workspace is mounted on every node at /fsx.
resource "rayhpc_lustre_workspace" "scratch" {
  name                 = "cfd-scratch"
  deployment_type      = "SCRATCH_2"
  storage_capacity_gib = 1200
  subnet_id            = var.subnet_id
}

resource "rayhpc_hpc_cluster" "cfd" {
  name = "cfd"
  os   = "alinux2023"

  head_node {
    instance_type        = "c5.xlarge"
    subnet_id            = var.subnet_id
    root_volume_size_gib = 100
  }

  slurm {
    scaledown_idle_minutes = 15
    # Queue changes while jobs run: drain the nodes instead of stopping the whole fleet.
    queue_update_strategy = "DRAIN"
  }

  # Tightly coupled MPI jobs: EFA, in the EFA network's placement group.
  queue {
    name       = "mpi"
    subnet_ids = [var.subnet_id]
    placement_group {
      id = rayhpc_efa_network.mpi.placement_group_name
    }
    compute_resource {
      name                                = "c5n"
      instance_type                       = "c5n.18xlarge"
      max_count                           = 16
      disable_simultaneous_multithreading = true
      efa {}
    }
  }

  # Everything else, on spot capacity with two instance types.
  queue {
    name          = "serial"
    capacity_type = "SPOT"
    subnet_ids    = [var.subnet_id]
    compute_resource {
      name      = "flex"
      instances = ["c5.2xlarge", "m5.2xlarge"]
      max_count = 32
    }
  }

  shared_storage {
    name      = "scratch"
    mount_dir = "/fsx"
    fsx_lustre {
      file_system_id = rayhpc_lustre_workspace.scratch.id
    }
  }

  # Settings the resource does not type are merged over the rendered configuration.
  config_overrides = <<-EOT
    Monitoring:
      DetailedMonitoring: false
      Logs:
        CloudWatch:
          Enabled: true
          RetentionInDays: 30
  EOT

  tags = {
    project = "cfd"
  }

  timeouts = {
    create = "90m"
  }
}

output "ssh" {
  value = rayhpc_hpc_cluster.cfd.ssh_command
}
