# The sandbox (make sandbox / make demo) exports these as TF_VAR_* environment variables.
variable "region" {
  type        = string
  description = "AWS region."
  default     = "us-east-1"
}

variable "data_lake_bucket" {
  type        = string
  description = "S3 bucket of the data lake (seeded by the sandbox with sample objects)."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the environment."
}

variable "subnet_id" {
  type        = string
  description = "Subnet the file system, EFA network and clusters live in."
}
