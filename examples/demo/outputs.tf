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
