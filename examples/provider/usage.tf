# Something for the provider to do, so that `terraform apply` in this folder configures it (and assumes
# the role): the EFA-capable instance types with at least 72 vCPUs.
data "rayhpc_efa_instance_types" "large" {
  min_vcpus = 72
}

output "efa_instance_types" {
  value = [for t in data.rayhpc_efa_instance_types.large.instance_types : t.name]
}
