# EFA-capable GPU instance types with at least 96 vCPUs offered in one Availability Zone, with prices.
data "rayhpc_efa_instance_types" "gpu" {
  gpu               = true
  min_vcpus         = 96
  min_memory_gib    = 1024
  architecture      = "x86_64"
  availability_zone = "us-east-1a"
}

output "gpu_efa_types" {
  value = {
    for t in data.rayhpc_efa_instance_types.gpu.instance_types :
    t.name => "${t.gpu_count}x ${t.gpu_model}, ${t.efa_interface_count} EFA, $${t.price_per_hour}/h (${t.price_source})"
  }
}
