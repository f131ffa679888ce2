output "table" {
  description = "Where each stage runs, when, and what it costs."
  value       = data.rayhpc_stage_placement.montage.table
}

output "gantt_mermaid" {
  description = "The placement as a Mermaid Gantt chart (paste into a ```mermaid block on GitHub)."
  value       = data.rayhpc_stage_placement.montage.gantt_mermaid
}

output "totals" {
  description = "Expected makespan and cost of the chosen placement, and how it was found."
  value = {
    makespan_s = data.rayhpc_stage_placement.montage.makespan_s
    cost_usd   = data.rayhpc_stage_placement.montage.cost_usd
    method     = data.rayhpc_stage_placement.montage.method
    optimal    = data.rayhpc_stage_placement.montage.optimal
    found_by   = data.rayhpc_stage_placement.montage.found_by
  }
}

output "gaps" {
  description = "Lower bounds no placement of the trace on these pools can beat (not estimates), and how far the chosen placement is above them at most."
  value = {
    makespan_lower_bound_s = data.rayhpc_stage_placement.montage.makespan_lower_bound_s
    makespan_gap_pct       = data.rayhpc_stage_placement.montage.makespan_gap_pct
    cost_lower_bound_usd   = data.rayhpc_stage_placement.montage.cost_lower_bound_usd
    cost_gap_pct           = data.rayhpc_stage_placement.montage.cost_gap_pct
  }
}

output "baselines_table" {
  description = "The chosen placement against the static cluster, the autoscaled cluster, each single platform and the best of them, the Mashup-style model and HEFT."
  value       = data.rayhpc_stage_placement.montage.baselines_table
}

output "baselines" {
  description = "Each baseline's makespan and cost, and our improvement over it in percent."
  value = {
    for b in data.rayhpc_stage_placement.montage.baselines : b.name => {
      feasible                 = b.feasible
      makespan_s               = b.makespan_s
      cost_usd                 = b.cost_usd
      makespan_improvement_pct = b.makespan_improvement_pct
      cost_improvement_pct     = b.cost_improvement_pct
    }
  }
}
