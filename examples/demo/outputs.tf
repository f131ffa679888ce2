output "lustre_workspace" {
  description = "The shared Lustre workspace and how to mount it."
  value = {
    id            = rayhpc_lustre_workspace.shared.id
    dns_name      = rayhpc_lustre_workspace.shared.dns_name
    mount_name    = rayhpc_lustre_workspace.shared.mount_name
    mount_command = rayhpc_lustre_workspace.shared.mount_command
    lifecycle     = rayhpc_lustre_workspace.shared.lifecycle_state
    data_repositories = [for d in rayhpc_lustre_workspace.shared.data_repository :
    "${d.file_system_path} <- ${d.s3_uri}"]
  }
}

output "datasync_ingest" {
  description = "The DataSync task that brings the raw data into the workspace, and its first run."
  value = {
    task              = rayhpc_datasync_transfer.ingest.id
    status            = rayhpc_datasync_transfer.ingest.last_execution.status
    files_transferred = rayhpc_datasync_transfer.ingest.last_execution.files_transferred
    bytes_transferred = rayhpc_datasync_transfer.ingest.last_execution.bytes_transferred
  }
}

output "efa_network" {
  description = "The EFA network for the MPI stage."
  value = {
    placement_group     = rayhpc_efa_network.mpi.placement_group_name
    security_group      = rayhpc_efa_network.mpi.security_group_id
    launch_template     = "${rayhpc_efa_network.mpi.launch_template_id} v${rayhpc_efa_network.mpi.launch_template_latest_version}"
    efa_interface_count = rayhpc_efa_network.mpi.efa_interface_count
    availability_zone   = rayhpc_efa_network.mpi.availability_zone
  }
}

output "hpc_cluster" {
  description = "The Slurm cluster on the Lustre workspace."
  value = {
    status    = rayhpc_hpc_cluster.slurm.status
    compute   = rayhpc_hpc_cluster.slurm.compute_fleet_status
    version   = rayhpc_hpc_cluster.slurm.version
    head_node = rayhpc_hpc_cluster.slurm.head_node_instance_id
    ssh       = rayhpc_hpc_cluster.slurm.ssh_command
    stack     = rayhpc_hpc_cluster.slurm.cloudformation_stack_arn
  }
}

output "placement_table" {
  description = "Where each workflow stage should run, when, and what it costs."
  value       = rayhpc_workflow_placement.pipeline.table
}

output "placement_vs_baselines" {
  description = "The chosen placement against running everything on one platform, the Mashup rule and HEFT."
  value       = rayhpc_workflow_placement.pipeline.baselines_table
}

output "placement_manifest" {
  description = "Where the workflow runner finds the placement."
  value       = "s3://${var.data_lake_bucket}/placements/pipeline.json"
}
