# Import by FSx file system ID; data repository associations are imported with it.
terraform import rayhpc_lustre_workspace.example fs-0123456789abcdef0
