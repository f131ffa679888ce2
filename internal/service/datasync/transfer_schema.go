// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"context"
	"regexp"

	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func enumValues[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

func agentARNsAttribute(required bool, what string) schema.ListAttribute {
	a := schema.ListAttribute{
		ElementType:         types.StringType,
		MarkdownDescription: "ARNs of the DataSync agents that connect to " + what + " (1 to 4).",
		Validators: []validator.List{
			listvalidator.SizeBetween(1, 4),
			listvalidator.ValueStringsAre(stringvalidator.RegexMatches(agentARNRE, "must be a DataSync agent ARN (arn:aws:datasync:REGION:ACCOUNT:agent/agent-<17 characters>)")),
		},
	}
	a.Required = required
	a.Optional = !required
	return a
}

func subdirectoryAttribute(desc string, re *regexp.Regexp, required bool) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            required,
		Optional:            !required,
		MarkdownDescription: desc,
		Validators: []validator.String{
			stringvalidator.LengthAtMost(4096),
			stringvalidator.RegexMatches(re, "may contain only letters, digits, spaces and _-+./()"),
		},
	}
}

func s3LocationAttributes(role string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"bucket_arn": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "ARN of the S3 bucket (`arn:aws:s3:::BUCKET`). Changing it creates a new location (and a new DataSync task).",
			Validators:          []validator.String{stringvalidator.RegexMatches(bucketARNRE, "must be an S3 bucket ARN such as arn:aws:s3:::my-bucket")},
		},
		"subdirectory": subdirectoryAttribute("Prefix in the bucket "+role+" (for example `/raw`). Updated in place.", subdirRE, false),
		"bucket_access_role_arn": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "ARN of the IAM role DataSync assumes to access the bucket. Updated in place.",
			Validators:          []validator.String{stringvalidator.RegexMatches(roleARNRE, "must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)")},
		},
		"storage_class": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString(string(dstypes.S3StorageClassStandard)),
			MarkdownDescription: "S3 storage class of objects DataSync writes (a destination setting). Updated in place.",
			Validators:          []validator.String{stringvalidator.OneOf(enumValues(dstypes.S3StorageClass("").Values())...)},
		},
	}
}

func (r *transferResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	optionString := func(desc string, values []string) schema.StringAttribute {
		return schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: desc,
			Validators:          []validator.String{stringvalidator.OneOf(values...)},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Moves a data set into the S3 data lake or straight into a Lustre workspace with an AWS DataSync task. " +
			"The source and destination locations belong to the task: they are created with it and deleted after it. " +
			"Location settings DataSync can update are changed in place; changing one it cannot (the bucket, the file system, " +
			"the kind of location) needs a new location, and because a DataSync task's locations are fixed, the plan " +
			"replaces the whole transfer (task and both locations).\n\n" +
			"With `run_on_apply`, an execution starts when the task is created or its inputs change, and with " +
			"`wait_for_completion` the apply waits for it and fails with DataSync's error code and message when it fails.",
		Attributes: map[string]schema.Attribute{
			"cloudwatch_log_group_arn": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "ARN of the CloudWatch Logs log group DataSync publishes task logs to.",
				Validators:          []validator.String{stringvalidator.RegexMatches(logGroupRE, "must be a CloudWatch Logs log group ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME)")},
			},
			"destination": schema.SingleNestedAttribute{
				Required:            true,
				MarkdownDescription: "Where the data goes: exactly one of `s3` or `lustre`.",
				Attributes: map[string]schema.Attribute{
					"s3": schema.SingleNestedAttribute{
						Optional:            true,
						MarkdownDescription: "An S3 bucket (the data lake).",
						Attributes:          s3LocationAttributes("to write to"),
					},
					"lustre": schema.SingleNestedAttribute{
						Optional:            true,
						MarkdownDescription: "An FSx for Lustre file system, given as a `rayhpc_lustre_workspace` id or a file system ARN.",
						Attributes: map[string]schema.Attribute{
							"workspace_id": schema.StringAttribute{
								Optional:            true,
								MarkdownDescription: "ID of the Lustre workspace (its FSx file system ID, `fs-...`). Exactly one of `workspace_id` and `file_system_arn`. Changing it creates a new location.",
								Validators: []validator.String{
									stringvalidator.RegexMatches(fsIDRE, "must be an FSx file system ID such as fs-0123456789abcdef0"),
									stringvalidator.ExactlyOneOf(path.MatchRelative().AtParent().AtName("file_system_arn")),
								},
							},
							"file_system_arn": schema.StringAttribute{
								Optional:            true,
								MarkdownDescription: "ARN of the FSx for Lustre file system. Changing it creates a new location.",
								Validators:          []validator.String{stringvalidator.RegexMatches(fsxARNRE, "must be an FSx file system ARN (arn:aws:fsx:REGION:ACCOUNT:file-system/fs-...)")},
							},
							"subdirectory": subdirectoryAttribute("Directory in the file system to write to (for example `/ingest`). Updated in place.", lustreSubdir, false),
							"security_group_arns": schema.ListAttribute{
								Required:            true,
								ElementType:         types.StringType,
								MarkdownDescription: "ARNs of the security groups (1 to 5) DataSync uses to reach the file system. Changing them creates a new location.",
								Validators: []validator.List{
									listvalidator.SizeBetween(1, 5),
									listvalidator.ValueStringsAre(stringvalidator.RegexMatches(sgARNRE, "must be a security group ARN (arn:aws:ec2:REGION:ACCOUNT:security-group/sg-...)")),
								},
							},
						},
					},
				},
			},
			"destination_location_arn": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "ARN of the destination DataSync location.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"excludes": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Patterns of files and folders to skip, relative to the source location (for example `*.tmp` or `/scratch`); `*` matches any characters.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.RegexMatches(patternRE, "must be a non-empty pattern without |"))},
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "ARN of the DataSync task.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"includes": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Patterns of files and folders to transfer, relative to the source location (for example `/raw` or `*.csv`); when set, nothing else is transferred.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.RegexMatches(patternRE, "must be a non-empty pattern without |"))},
			},
			"last_execution": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The execution this resource last started (null until one runs).",
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"arn":               schema.StringAttribute{Computed: true, MarkdownDescription: "ARN of the task execution."},
					"status":            schema.StringAttribute{Computed: true, MarkdownDescription: "`QUEUED`, `LAUNCHING`, `PREPARING`, `TRANSFERRING`, `VERIFYING`, `SUCCESS`, `ERROR` or `CANCELLING`."},
					"bytes_transferred": schema.Int64Attribute{Computed: true, MarkdownDescription: "Bytes transferred so far."},
					"files_transferred": schema.Int64Attribute{Computed: true, MarkdownDescription: "Files transferred so far."},
					"started_at":        schema.StringAttribute{Computed: true, MarkdownDescription: "When the execution started (RFC 3339)."},
					"duration_s":        schema.Int64Attribute{Computed: true, MarkdownDescription: "Total duration in seconds, once finished."},
					"error_code":        schema.StringAttribute{Computed: true, MarkdownDescription: "DataSync's error code when the execution failed."},
					"error_detail":      schema.StringAttribute{Computed: true, MarkdownDescription: "DataSync's error message when the execution failed."},
				},
			},
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the DataSync task, at most 256 letters, digits, spaces and `+=._:@/-` (DataSync's pattern). Updated in place.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, maxTagValueLength),
					stringvalidator.RegexMatches(tagValueRE, msgTagValue)},
			},
			"options": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Transfer options. Unset members keep DataSync's defaults, which are reported back.",
				Attributes: map[string]schema.Attribute{
					"verify_mode":            optionString("`POINT_IN_TIME_CONSISTENT` (default), `ONLY_FILES_TRANSFERRED` or `NONE`.", enumValues(dstypes.VerifyMode("").Values())),
					"overwrite_mode":         optionString("`ALWAYS` (default) or `NEVER`.", enumValues(dstypes.OverwriteMode("").Values())),
					"transfer_mode":          optionString("`CHANGED` (default: only what differs) or `ALL`.", enumValues(dstypes.TransferMode("").Values())),
					"preserve_deleted_files": optionString("`PRESERVE` (default) or `REMOVE` (delete at the destination what the source no longer has; not with `transfer_mode = \"ALL\"`).", enumValues(dstypes.PreserveDeletedFiles("").Values())),
					"log_level":              optionString("`OFF`, `BASIC` or `TRANSFER` (needs `cloudwatch_log_group_arn`).", enumValues(dstypes.LogLevel("").Values())),
					"bandwidth_limit": schema.Int64Attribute{
						Optional:            true,
						Computed:            true,
						MarkdownDescription: "Bandwidth limit in bytes per second; `-1` (default) means no limit.",
						Validators:          []validator.Int64{int64validator.AtLeast(-1), int64validator.NoneOf(0)},
					},
				},
			},
			"run_on_apply": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				MarkdownDescription: "Start an execution when the task is created or its source, destination, filters or options change.",
			},
			"schedule": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "When DataSync runs the task by itself: a `rate(...)` or `cron(...)` expression (EventBridge syntax, UTC), " +
					"at most once an hour (DataSync's minimum interval), for example `rate(12 hours)` or `cron(0 2 * * ? *)`.",
				Validators: []validator.String{scheduleValidator{}},
			},
			"source": schema.SingleNestedAttribute{
				Required:            true,
				MarkdownDescription: "Where the data comes from: exactly one of `nfs`, `smb`, `s3` or `object_storage`.",
				Attributes: map[string]schema.Attribute{
					"nfs": schema.SingleNestedAttribute{
						Optional:            true,
						MarkdownDescription: "An NFS export, reached through DataSync agents. All settings are updated in place.",
						Attributes: map[string]schema.Attribute{
							"server_hostname": schema.StringAttribute{Required: true, MarkdownDescription: "DNS name or IP address of the NFS server.", Validators: []validator.String{stringvalidator.LengthAtMost(255), stringvalidator.RegexMatches(hostnameRE, "must be a DNS name or IPv4 address")}},
							"subdirectory": schema.StringAttribute{
								Required: true, MarkdownDescription: "Exported path to read (for example `/exports/genomics`).",
								Validators: []validator.String{stringvalidator.LengthAtMost(4096), stringvalidator.RegexMatches(nfsSubdirRE, "must be an export path starting with / (letters, digits, spaces and _-+./())")},
							},
							"agent_arns": agentARNsAttribute(true, "the NFS server"),
							"mount_version": schema.StringAttribute{
								Optional: true, Computed: true, Default: stringdefault.StaticString(string(dstypes.NfsVersionAutomatic)),
								MarkdownDescription: "NFS version to mount with: `AUTOMATIC` (default), `NFS3`, `NFS4_0` or `NFS4_1`.",
								Validators:          []validator.String{stringvalidator.OneOf(enumValues(dstypes.NfsVersion("").Values())...)},
							},
						},
					},
					"smb": schema.SingleNestedAttribute{
						Optional:            true,
						MarkdownDescription: "An SMB share, reached through DataSync agents with NTLM authentication. All settings are updated in place.",
						Attributes: map[string]schema.Attribute{
							"server_hostname": schema.StringAttribute{Required: true, MarkdownDescription: "DNS name or IP address of the SMB server.", Validators: []validator.String{stringvalidator.LengthAtMost(255), stringvalidator.RegexMatches(hostnameRE, "must be a DNS name or IPv4 address")}},
							"subdirectory":    subdirectoryAttribute("Share and path to read (for example `/share/data`).", subdirRE, true),
							"user":            schema.StringAttribute{Required: true, MarkdownDescription: "User that can mount the share.", Validators: []validator.String{stringvalidator.LengthBetween(1, 104)}},
							"password": schema.StringAttribute{
								Required: true, Sensitive: true, WriteOnly: true,
								MarkdownDescription: "Password of `user`. Write-only: never stored in state; change `password_version` to send a new one.",
								Validators:          []validator.String{stringvalidator.LengthBetween(1, 104)},
							},
							"password_version": schema.Int64Attribute{Optional: true, MarkdownDescription: "Bump to send `password` again (it is write-only, so Terraform cannot see it change)."},
							"domain":           schema.StringAttribute{Optional: true, MarkdownDescription: "Windows domain of the SMB server.", Validators: []validator.String{stringvalidator.LengthAtMost(253)}},
							"agent_arns":       agentARNsAttribute(true, "the SMB server"),
						},
					},
					"s3": schema.SingleNestedAttribute{
						Optional:            true,
						MarkdownDescription: "An S3 bucket (for example the seeded data lake).",
						Attributes:          s3LocationAttributes("to read"),
					},
					"object_storage": schema.SingleNestedAttribute{
						Optional:            true,
						MarkdownDescription: "An S3-compatible object storage system.",
						Attributes: map[string]schema.Attribute{
							"server_hostname": schema.StringAttribute{Required: true, MarkdownDescription: "DNS name or IP address of the object storage server. Updated in place.", Validators: []validator.String{stringvalidator.LengthAtMost(255), stringvalidator.RegexMatches(hostnameRE, "must be a DNS name or IPv4 address")}},
							"server_port": schema.Int64Attribute{
								Optional: true, Computed: true, MarkdownDescription: "Port (default 443 for HTTPS, 80 for HTTP). Updated in place.",
								Validators:    []validator.Int64{int64validator.Between(1, 65536)},
								PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
							},
							"server_protocol": schema.StringAttribute{
								Optional: true, Computed: true, Default: stringdefault.StaticString(string(dstypes.ObjectStorageServerProtocolHttps)),
								MarkdownDescription: "`HTTPS` (default) or `HTTP`. Updated in place.",
								Validators:          []validator.String{stringvalidator.OneOf(enumValues(dstypes.ObjectStorageServerProtocol("").Values())...)},
							},
							"bucket_name":  schema.StringAttribute{Required: true, MarkdownDescription: "Bucket to read. Changing it creates a new location (and a new task).", Validators: []validator.String{stringvalidator.LengthBetween(1, 63), stringvalidator.RegexMatches(objBucketRE, "may contain only letters, digits and _-+.()$")}},
							"subdirectory": subdirectoryAttribute("Prefix in the bucket. Updated in place.", subdirRE, false),
							"access_key":   schema.StringAttribute{Optional: true, MarkdownDescription: "Access key, when the server requires credentials.", Validators: []validator.String{stringvalidator.LengthBetween(1, 200), stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("secret_key"))}},
							"secret_key": schema.StringAttribute{
								Optional: true, Sensitive: true, WriteOnly: true,
								MarkdownDescription: "Secret key for `access_key`. Write-only; change `secret_key_version` to send a new one.",
								Validators:          []validator.String{stringvalidator.LengthBetween(1, 200), stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("access_key"))},
							},
							"secret_key_version": schema.Int64Attribute{Optional: true, MarkdownDescription: "Bump to send `secret_key` again."},
							"agent_arns":         agentARNsAttribute(false, "the object storage server (optional for storage reachable from AWS)"),
						},
					},
				},
			},
			"source_location_arn": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "ARN of the source DataSync location.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Task status: `AVAILABLE`, `CREATING`, `QUEUED`, `RUNNING` or `UNAVAILABLE`.",
			},
			"task_mode": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(string(dstypes.TaskModeBasic)),
				MarkdownDescription: "`BASIC` (default) or `ENHANCED`. Enhanced mode works only between S3 locations, and between " +
					"agentless object storage and S3 (DataSync's rule). Changing it replaces the transfer (DataSync cannot change a task's mode).",
				Validators:    []validator.String{stringvalidator.OneOf(enumValues(dstypes.TaskMode("").Values())...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"tags": schema.MapAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Tags of the task and its locations, merged over the provider's `default_tags`.",
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(50),
					mapvalidator.KeysAre(stringvalidator.LengthBetween(1, 256), stringvalidator.RegexMatches(tagKeyRE, "may contain only letters, digits, spaces and _.:/=+-@")),
					mapvalidator.ValueStringsAre(stringvalidator.LengthAtMost(maxTagValueLength), stringvalidator.RegexMatches(tagValueRE, msgTagValue)),
				},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
			"wait_for_completion": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "With `run_on_apply`, wait until the execution finishes (logging progress) and fail the apply when it fails.",
			},
		},
	}
}

// lastExecutionAttrTypes are the attribute types of last_execution.
var lastExecutionAttrTypes = map[string]attr.Type{
	"arn":               types.StringType,
	"status":            types.StringType,
	"bytes_transferred": types.Int64Type,
	"files_transferred": types.Int64Type,
	"started_at":        types.StringType,
	"duration_s":        types.Int64Type,
	"error_code":        types.StringType,
	"error_detail":      types.StringType,
}
