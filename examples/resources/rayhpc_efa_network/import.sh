# An EFA network is imported by its name (the name of its launch template).
terraform import rayhpc_efa_network.example llm-training-efa
