# EFA network for a queue of p5.48xlarge nodes (32 EFA interfaces, one per network card).
resource "rayhpc_efa_network" "training" {
  name          = "llm-training-efa"
  subnet_id     = var.subnet_id
  instance_type = "p5.48xlarge"

  launch_template = {
    image_id             = var.ami_id
    key_name             = "hpc-admin"
    iam_instance_profile = "hpc-compute-node"
    root_volume_size_gib = 200
    user_data            = <<-EOT
      #!/bin/bash
      /opt/amazon/efa/bin/fi_info -p efa
    EOT
  }

  tags = {
    team = "ml-platform"
  }

  timeouts = {
    create = "15m"
  }
}

variable "subnet_id" {
  type = string
}

variable "ami_id" {
  type        = string
  description = "An x86_64 AMI with the EFA driver installed."
}

output "efa_launch_template" {
  value = {
    id             = rayhpc_efa_network.training.launch_template_id
    version        = rayhpc_efa_network.training.launch_template_latest_version
    efa_interfaces = rayhpc_efa_network.training.efa_interface_count
  }
}
