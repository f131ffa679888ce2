output "environment" {
  description = "Every part of the hybrid environment, by its identifiers and addresses."
  value = {
    efa_placement_group   = rayhpc_hybrid_cluster.env.efa_placement_group_name
    efa_security_group    = rayhpc_hybrid_cluster.env.efa_security_group_id
    efa_launch_template   = rayhpc_hybrid_cluster.env.efa_launch_template_id
    lustre_file_system    = rayhpc_hybrid_cluster.env.lustre_file_system_id
    lustre_dns_name       = rayhpc_hybrid_cluster.env.lustre_dns_name
    lustre_mount_command  = rayhpc_hybrid_cluster.env.lustre_mount_command
    lustre_security_group = rayhpc_hybrid_cluster.env.lustre_security_group_id
    hpc_cluster           = rayhpc_hybrid_cluster.env.hpc_cluster_name
    hpc_head_node_ip      = rayhpc_hybrid_cluster.env.hpc_head_node_private_ip
    ray_client_address    = rayhpc_hybrid_cluster.env.ray_client_address
    ray_dashboard         = rayhpc_hybrid_cluster.env.ray_dashboard_url
    ray_lustre_claim      = rayhpc_hybrid_cluster.env.ray_lustre_claim_name
    ingest_task           = rayhpc_hybrid_cluster.env.ingest_task_arn
    changed_parts         = rayhpc_hybrid_cluster.env.changed_parts
  }
}

output "platforms" {
  description = "The pools the environment really has (its Slurm queues and Ray worker groups), as the placements use them."
  value       = rayhpc_hybrid_cluster.env.platforms
}

output "montage_table" {
  description = "Where each stage of the Montage trace runs, when, and what it costs."
  value       = rayhpc_workflow_placement.workflow["montage"].table
}

output "montage_baselines" {
  description = "The Montage placement against running everything on one platform, the Mashup rule and HEFT."
  value       = rayhpc_workflow_placement.workflow["montage"].baselines_table
}

output "montage_gantt" {
  description = "The Montage placement as a Mermaid Gantt chart."
  value       = rayhpc_workflow_placement.workflow["montage"].gantt_mermaid
}

output "pipeline_table" {
  description = "Where each stage of the hybrid pipeline runs."
  value       = rayhpc_workflow_placement.workflow["pipeline"].table
}

output "placement_gaps" {
  description = "Per workflow, the placement against the lower bounds no placement on these pools can beat (a gap of 0 proves it optimal)."
  value = {
    for name, p in rayhpc_workflow_placement.workflow : name => {
      makespan_s             = p.makespan_s
      makespan_lower_bound_s = p.makespan_lower_bound_s
      makespan_gap_pct       = p.makespan_gap_pct
      cost_usd               = p.cost_usd
      cost_lower_bound_usd   = p.cost_lower_bound_usd
      cost_gap_pct           = p.cost_gap_pct
    }
  }
}

output "placement_manifests" {
  description = "Where the workflow runner finds the placements."
  value       = [for name in keys(local.workflows) : "s3://${var.data_lake_bucket}/placements/${name}.json"]
}
