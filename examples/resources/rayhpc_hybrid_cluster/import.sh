# An environment is imported by its name; its parts are found by the tag rayhpc:hybrid-cluster = name.
terraform import rayhpc_hybrid_cluster.genomics genomics
