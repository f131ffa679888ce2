# Inputs. Applied as it ships (make test), the required ones come from the TF_VAR_* variables the sandbox
# exports: subnet_id, data_lake_bucket, datasync_role_arn, region, account_id.

variable "name" {
  type        = string
  description = "Name of the environment and of each of its parts (letters, digits and hyphens, starting with a letter)."
  default     = "hybrid-env"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{2,52}$", var.name))
    error_message = "name must start with a letter, contain only letters, digits and hyphens, and be 3 to 53 characters long."
  }
}

variable "subnet_id" {
  type        = string
  description = "Subnet of every part (one Availability Zone: EFA and FSx for Lustre need it)."
}

variable "region" {
  type        = string
  description = "AWS region (for the security group ARN DataSync takes)."
  default     = "us-east-1"
}

variable "account_id" {
  type        = string
  description = "AWS account ID (for the security group ARN DataSync takes)."
  default     = "123456789012"
}

variable "data_lake_bucket" {
  type        = string
  description = "S3 bucket of the data lake."
}

variable "data_lake_prefix" {
  type        = string
  description = "Prefix in the data lake bucket linked to the workspace."
  default     = "raw/"
}

variable "efa_instance_type" {
  type        = string
  description = "EFA-capable instance type of the MPI queue."
  default     = "c5n.18xlarge"
}

variable "lustre" {
  type = object({
    deployment_type             = optional(string, "SCRATCH_2")
    storage_capacity_gib        = optional(number, 1200)
    per_unit_storage_throughput = optional(number)
    file_system_path            = optional(string, "/datalake")
    mount_dir                   = optional(string, "/fsx")
  })
  description = "The Lustre workspace."
  default     = {}
}

variable "head_node_instance_type" {
  type        = string
  description = "Instance type of the Slurm head node."
  default     = "c5.xlarge"
}

variable "mpi_queue" {
  type = object({
    max_count = optional(number, 16)
  })
  description = "The MPI queue: efa_instance_type nodes with EFA, in the EFA network's placement group."
  default     = {}
}

variable "serial_queue" {
  type = object({
    instance_type = optional(string, "c5.xlarge")
    min_count     = optional(number, 0)
    max_count     = optional(number, 32)
  })
  description = "The queue for everything else."
  default     = {}
}

variable "datasync_role_arn" {
  type        = string
  description = "IAM role DataSync assumes to read the ingest source bucket. null: no ingest."
  default     = null
}

variable "ingest_source_prefix" {
  type        = string
  description = "Prefix of the data lake bucket the ingest copies into the workspace's /ingest."
  default     = "/raw"
}

variable "workflow_wfcommons_json" {
  type        = string
  description = "A WfCommons workflow (JSON) to place on the environment's queues, Lambda and Fargate. null: no placement."
  default     = null
}

variable "tags" {
  type        = map(string)
  description = "Tags of every part."
  default     = {}
}
