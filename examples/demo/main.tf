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
