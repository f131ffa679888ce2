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
  description = "Instance type of the Slurm head node; with workflow_wfcommons_json also the placement's HPC head node, whose price is a fixed cost of the run."
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

variable "eks_cluster_name" {
  type        = string
  description = "EKS cluster running the KubeRay operator, for the Ray cluster. null: no Ray cluster."
  default     = null
}

variable "ray" {
  type = object({
    namespace               = optional(string, "default")
    ray_version             = optional(string, "2.46.0")
    image                   = optional(string)
    node_security_group_ids = optional(list(string), [])
    head = optional(object({
      instance_type = optional(string, "m6i.xlarge")
      cpu           = optional(string, "2")
      memory        = optional(string, "8Gi")
    }), {})
    worker_groups = optional(list(object({
      name           = string
      instance_type  = string
      replicas       = optional(number, 1)
      min_replicas   = optional(number, 0)
      max_replicas   = optional(number)
      cpu            = optional(string, "1")
      memory         = optional(string, "4Gi")
      gpu            = optional(number, 0)
      efa_interfaces = optional(number, 0)
      })), [
      { name = "cpu", instance_type = "m6i.xlarge", replicas = 1, min_replicas = 1, max_replicas = 4 },
    ])
  })
  description = "The Ray cluster (with eks_cluster_name): namespace, Ray version, head and worker groups, and the EKS nodes' security groups the workspace admits."
  default     = {}

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.ray.namespace))
    error_message = "ray.namespace must be a DNS-1123 label: lowercase letters, digits and hyphens, at most 63 characters, starting and ending with a letter or digit."
  }

  validation {
    condition     = length(var.ray.worker_groups) > 0 && length(distinct([for g in var.ray.worker_groups : g.name])) == length(var.ray.worker_groups)
    error_message = "ray.worker_groups must hold at least one group, and the group names must be unique."
  }

  validation {
    condition     = alltrue([for g in var.ray.worker_groups : can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", g.name))])
    error_message = "ray.worker_groups[*].name must be a DNS-1123 label: lowercase letters, digits and hyphens, at most 63 characters."
  }

  validation {
    condition = alltrue([for g in var.ray.worker_groups :
    g.replicas >= 0 && g.min_replicas >= 0 && g.min_replicas <= g.replicas && g.replicas <= coalesce(g.max_replicas, g.replicas)])
    error_message = "ray.worker_groups: each group needs 0 <= min_replicas <= replicas <= max_replicas (max_replicas defaults to replicas)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags of every part."
  default     = {}
}
