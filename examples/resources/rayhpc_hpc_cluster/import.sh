# Import by cluster name.
terraform import rayhpc_hpc_cluster.cfd cfd
