output "efa_network" {
  description = "The EFA network: placement group, security group, launch template."
  value = {
    placement_group_name = rayhpc_efa_network.this.placement_group_name
    security_group_id    = rayhpc_efa_network.this.security_group_id
    launch_template_id   = rayhpc_efa_network.this.launch_template_id
  }
}

output "lustre_workspace" {
  description = "The Lustre workspace and how to mount it."
  value = {
    id                = rayhpc_lustre_workspace.this.id
    dns_name          = rayhpc_lustre_workspace.this.dns_name
    mount_name        = rayhpc_lustre_workspace.this.mount_name
    mount_command     = rayhpc_lustre_workspace.this.mount_command
    security_group_id = rayhpc_lustre_workspace.this.security_group_id
  }
}

output "hpc_cluster" {
  description = "The Slurm cluster."
  value = {
    name                 = rayhpc_hpc_cluster.this.name
    status               = rayhpc_hpc_cluster.this.status
    head_node_private_ip = rayhpc_hpc_cluster.this.head_node_private_ip
    ssh_command          = rayhpc_hpc_cluster.this.ssh_command
  }
}

output "ray_cluster" {
  description = "The Ray cluster (null without eks_cluster_name): its id, head service, dashboard URL and Ray client address."
  value = local.ray_enabled ? {
    id                = rayhpc_ray_cluster.this[0].id
    head_service_name = rayhpc_ray_cluster.this[0].head_service_name
    dashboard_url     = rayhpc_ray_cluster.this[0].dashboard_url
    client_address    = rayhpc_ray_cluster.this[0].client_address
  } : null
}

output "ingest_task_arn" {
  description = "The ingest's DataSync task (null without datasync_role_arn)."
  value       = one(rayhpc_datasync_transfer.ingest[*].id)
}

output "platforms" {
  description = "The queues (hpc) and Ray worker groups (ray) as placement pools, for dynamic hpc and ray blocks of rayhpc_stage_placement / rayhpc_workflow_placement."
  value       = { hpc = local.hpc_pools, ray = local.ray_pools }
}

output "placement_table" {
  description = "Where each workflow stage runs (null without workflow_wfcommons_json)."
  value       = one(rayhpc_workflow_placement.this[*].table)
}
