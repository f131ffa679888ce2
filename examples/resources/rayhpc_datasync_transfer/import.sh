# A transfer is imported by its DataSync task ARN; its locations are found from the task.
terraform import rayhpc_datasync_transfer.example arn:aws:datasync:us-east-1:123456789012:task/task-0123456789abcdef0
