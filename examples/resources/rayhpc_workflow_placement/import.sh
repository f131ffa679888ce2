# A workflow placement is imported by the bucket and key of its manifest.
terraform import rayhpc_workflow_placement.example my-research-data-lake/placements/nightly.json
