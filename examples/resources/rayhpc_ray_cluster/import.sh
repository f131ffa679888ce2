# A RayCluster is imported by eks_cluster_name/namespace/name: besides the RayCluster's id
# (namespace/name), Terraform needs the EKS cluster to reach it. A RayCluster reached through the
# kubernetes block (host, CA, token) cannot be imported.
terraform import rayhpc_ray_cluster.example my-eks-cluster/ray/genomics-ray
