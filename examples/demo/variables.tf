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

variable "account_id" {
  type        = string
  description = "AWS account of the environment (the sandbox uses moto's 123456789012)."
  default     = "123456789012"
}

variable "datasync_role_arn" {
  type        = string
  description = "IAM role DataSync assumes to read the data-lake bucket."
  default     = "arn:aws:iam::123456789012:role/datasync-data-lake"
}

variable "eks_cluster_name" {
  type        = string
  description = "EKS cluster running the KubeRay operator (the sandbox's, with make demo)."
}
