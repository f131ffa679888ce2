// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
)

type workspaceModel struct {
	ID                         types.String   `tfsdk:"id"`
	ARN                        types.String   `tfsdk:"arn"`
	Name                       types.String   `tfsdk:"name"`
	DeploymentType             types.String   `tfsdk:"deployment_type"`
	StorageType                types.String   `tfsdk:"storage_type"`
	StorageCapacityGiB         types.Int64    `tfsdk:"storage_capacity_gib"`
	PerUnitStorageThroughput   types.Int64    `tfsdk:"per_unit_storage_throughput"`
	SubnetID                   types.String   `tfsdk:"subnet_id"`
	SecurityGroupIDs           types.Set      `tfsdk:"security_group_ids"`
	AllowedSecurityGroupIDs    types.Set      `tfsdk:"allowed_security_group_ids"`
	AllowedCIDRBlocks          types.Set      `tfsdk:"allowed_cidr_blocks"`
	SecurityGroupID            types.String   `tfsdk:"security_group_id"`
	DataCompression            types.String   `tfsdk:"data_compression"`
	RootSquash                 types.String   `tfsdk:"root_squash"`
	EFAEnabled                 types.Bool     `tfsdk:"efa_enabled"`
	FileSystemTypeVersion      types.String   `tfsdk:"file_system_type_version"`
	KMSKeyID                   types.String   `tfsdk:"kms_key_id"`
	Tags                       types.Map      `tfsdk:"tags"`
	DataRepositories           []repoModel    `tfsdk:"data_repository"`
	DNSName                    types.String   `tfsdk:"dns_name"`
	MountName                  types.String   `tfsdk:"mount_name"`
	MountCommand               types.String   `tfsdk:"mount_command"`
	Lifecycle                  types.String   `tfsdk:"lifecycle_state"`
	NetworkInterfaceIDs        types.List     `tfsdk:"network_interface_ids"`
	KubernetesPersistentVolume types.String   `tfsdk:"kubernetes_persistent_volume"`
	Timeouts                   timeouts.Value `tfsdk:"timeouts"`
}

type repoModel struct {
	ID                     types.String `tfsdk:"id"`
	FileSystemPath         types.String `tfsdk:"file_system_path"`
	S3URI                  types.String `tfsdk:"s3_uri"`
	AutoImport             types.Set    `tfsdk:"auto_import"`
	AutoExport             types.Set    `tfsdk:"auto_export"`
	ImportMetadataOnCreate types.Bool   `tfsdk:"import_metadata_on_create"`
	Lifecycle              types.String `tfsdk:"lifecycle"`
}

// known reports whether a value is set and known.
func known(v interface {
	IsNull() bool
	IsUnknown() bool
}) bool {
	return !v.IsNull() && !v.IsUnknown()
}

// stringSet is the known strings of a set, sorted (nil when the set is null or unknown). Elements not yet
// known (from other resources, at plan time) are left out, like every unknown value of a spec.
func stringSet(_ context.Context, v types.Set, _ *diag.Diagnostics) []string {
	if !known(v) {
		return nil
	}
	var out []string
	for _, e := range v.Elements() {
		if s, ok := e.(types.String); ok && known(s) {
			out = append(out, s.ValueString())
		}
	}
	sort.Strings(out)
	return out
}

// stringMap is the known entries of a map of strings (nil when the map is null or unknown).
func stringMap(v types.Map) map[string]string {
	if !known(v) {
		return nil
	}
	out := map[string]string{}
	for k, e := range v.Elements() {
		if s, ok := e.(types.String); ok && known(s) {
			out[k] = s.ValueString()
		}
	}
	return out
}

// spec turns the model (config, plan or state) into the plain Go layer's spec. Values not yet known are
// left empty (see WorkspaceSpec); storage_type null means the default SSD. Tags are the resource's own
// (the provider's default tags are merged in by the resource, which has the client).
func (m *workspaceModel) spec(ctx context.Context) (WorkspaceSpec, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := WorkspaceSpec{
		Name: m.Name.ValueString(), SubnetID: m.SubnetID.ValueString(), DeploymentType: m.DeploymentType.ValueString(),
		DataCompression: m.DataCompression.ValueString(), KMSKeyID: m.KMSKeyID.ValueString(), RootSquash: m.RootSquash.ValueString(),
		FileSystemTypeVersion: m.FileSystemTypeVersion.ValueString(), EFAEnabled: m.EFAEnabled.ValueBool(),
		SecurityGroupIDs:        stringSet(ctx, m.SecurityGroupIDs, &diags),
		AllowedSecurityGroupIDs: stringSet(ctx, m.AllowedSecurityGroupIDs, &diags),
		AllowedCIDRBlocks:       stringSet(ctx, m.AllowedCIDRBlocks, &diags),
		KMSKeyIDSet:             !m.KMSKeyID.IsNull(),
	}
	switch {
	case m.StorageType.IsNull():
		s.StorageType = StorageSSD
	case !m.StorageType.IsUnknown():
		s.StorageType = m.StorageType.ValueString()
	}
	if known(m.StorageCapacityGiB) {
		s.StorageCapacityGiB = aws.Int64(m.StorageCapacityGiB.ValueInt64())
	}
	if m.PerUnitStorageThroughput.IsUnknown() {
		s.ThroughputUnknown = true
	} else if !m.PerUnitStorageThroughput.IsNull() {
		s.PerUnitStorageThroughput = aws.Int64(m.PerUnitStorageThroughput.ValueInt64())
	}
	s.Tags = stringMap(m.Tags)
	for _, r := range m.DataRepositories {
		s.DataRepositories = append(s.DataRepositories, DataRepositorySpec{
			ID: r.ID.ValueString(), FileSystemPath: r.FileSystemPath.ValueString(), S3URI: r.S3URI.ValueString(),
			AutoImport: stringSet(ctx, r.AutoImport, &diags), AutoExport: stringSet(ctx, r.AutoExport, &diags),
			ImportMetadataOnCreate: r.ImportMetadataOnCreate.ValueBool(),
		})
	}
	return s, diags
}

// flatten copies what exists into the model: the file system, its associations (ordered like the
// model's) and the rules of the workspace's group. defaultTags are the provider's default tags: they are
// left out of `tags` unless the configuration sets the same key.
func (m *workspaceModel) flatten(ctx context.Context, ws *Workspace, defaultTags map[string]string) diag.Diagnostics {
	diags := m.flattenFileSystem(ctx, ws.FileSystem, defaultTags)
	repos, d := flattenRepos(ctx, ws.Associations, m.DataRepositories)
	diags.Append(d...)
	m.DataRepositories = repos
	m.SecurityGroupID = types.StringNull()
	if ws.SecurityGroupID != "" {
		m.SecurityGroupID = types.StringValue(ws.SecurityGroupID)
	}
	if ws.Allowed != nil {
		m.AllowedSecurityGroupIDs = setOrNull(ctx, ws.Allowed.SecurityGroupIDs, m.AllowedSecurityGroupIDs, &diags)
		m.AllowedCIDRBlocks = setOrNull(ctx, ws.Allowed.CIDRBlocks, m.AllowedCIDRBlocks, &diags)
	}
	m.setDerived()
	return diags
}

// setOrNull is v as a set, keeping a configured empty set or null when v is empty.
func setOrNull(ctx context.Context, v []string, prior types.Set, diags *diag.Diagnostics) types.Set {
	if len(v) == 0 && (prior.IsNull() || prior.IsUnknown() || len(prior.Elements()) == 0) {
		if known(prior) {
			return prior
		}
		return types.SetNull(types.StringType)
	}
	s, d := types.SetValueFrom(ctx, types.StringType, v)
	diags.Append(d...)
	return s
}

func (m *workspaceModel) flattenFileSystem(ctx context.Context, fs *fsxtypes.FileSystem, defaultTags map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringPointerValue(fs.FileSystemId)
	m.ARN = types.StringPointerValue(fs.ResourceARN)
	m.StorageType = types.StringValue(string(fs.StorageType))
	m.StorageCapacityGiB = types.Int64Value(int64(aws.ToInt32(fs.StorageCapacity)))
	if len(fs.SubnetIds) > 0 {
		m.SubnetID = types.StringValue(fs.SubnetIds[0])
	}
	m.FileSystemTypeVersion = types.StringPointerValue(fs.FileSystemTypeVersion)
	if k := aws.ToString(fs.KmsKeyId); k != "" {
		m.KMSKeyID = types.StringValue(k)
	} else {
		m.KMSKeyID = types.StringNull()
	}
	m.DNSName = types.StringPointerValue(fs.DNSName)
	m.Lifecycle = types.StringValue(string(fs.Lifecycle))
	enis, d := types.ListValueFrom(ctx, types.StringType, nonNil(fs.NetworkInterfaceIds))
	diags.Append(d...)
	m.NetworkInterfaceIDs = enis

	if lc := fs.LustreConfiguration; lc != nil {
		m.DeploymentType = types.StringValue(string(lc.DeploymentType))
		m.MountName = types.StringPointerValue(lc.MountName)
		if lc.PerUnitStorageThroughput != nil {
			m.PerUnitStorageThroughput = types.Int64Value(int64(*lc.PerUnitStorageThroughput))
		} else {
			m.PerUnitStorageThroughput = types.Int64Null()
		}
		comp := string(lc.DataCompressionType)
		if comp == "" {
			comp = "NONE"
		}
		m.DataCompression = types.StringValue(comp)
		rs := ""
		if lc.RootSquashConfiguration != nil {
			rs = aws.ToString(lc.RootSquashConfiguration.RootSquash)
		}
		if rs == "" || (rs == "0:0" && m.RootSquash.ValueString() != "0:0") {
			m.RootSquash = types.StringNull()
		} else {
			m.RootSquash = types.StringValue(rs)
		}
		m.EFAEnabled = types.BoolValue(aws.ToBool(lc.EfaEnabled))
	}

	// Tags: Name is the name attribute, the ownership tags are the provider's own, and default tags stay
	// out unless configured here too.
	remote := owner.WithoutOwnTags(conns.FSxTagMap(fs.Tags))
	if name, ok := remote[nameTagKey]; ok {
		m.Name = types.StringValue(name)
		delete(remote, nameTagKey)
	}
	tags, d := framework.FlattenTags(ctx, remote, m.Tags, defaultTags)
	diags.Append(d...)
	m.Tags = tags
	return diags
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// setDerived computes mount_command and kubernetes_persistent_volume from known attributes.
func (m *workspaceModel) setDerived() {
	if !known(m.DNSName) || !known(m.MountName) || !known(m.ID) || !known(m.StorageCapacityGiB) {
		return
	}
	m.MountCommand = types.StringValue(MountCommand(m.DNSName.ValueString(), m.MountName.ValueString(), "/fsx"))
	m.KubernetesPersistentVolume = types.StringValue(PersistentVolumeManifest(PersistentVolume{
		Name:         m.Name.ValueString(),
		FileSystemID: m.ID.ValueString(),
		DNSName:      m.DNSName.ValueString(),
		MountName:    m.MountName.ValueString(),
		CapacityGiB:  m.StorageCapacityGiB.ValueInt64(),
	}))
}

// MountCommand returns the command that mounts the file system on a Linux client with the Lustre client
// installed (FSx for Lustre User Guide, "Mounting from Amazon EC2").
func MountCommand(dnsName, mountName, dir string) string {
	return fmt.Sprintf("sudo mount -t lustre -o relatime,flock %s@tcp:/%s %s", dnsName, mountName, dir)
}

// PersistentVolume describes a statically provisioned volume of the FSx for Lustre CSI driver.
type PersistentVolume struct {
	Name         string // the workspace name; turned into a valid Kubernetes object name
	FileSystemID string
	DNSName      string
	MountName    string
	CapacityGiB  int64
}

var dns1123Invalid = regexp.MustCompile(`[^a-z0-9.-]+`)

// KubernetesName turns a workspace name into a valid Kubernetes object name (RFC 1123 subdomain).
func KubernetesName(name string) string {
	n := dns1123Invalid.ReplaceAllString(strings.ToLower(name), "-")
	n = strings.Trim(n, "-.")
	if len(n) > 253 {
		n = strings.Trim(n[:253], "-.")
	}
	if n == "" {
		n = "lustre-workspace"
	}
	return n
}

// PersistentVolumeManifest renders a PersistentVolume for the FSx for Lustre CSI driver (fsx.csi.aws.com,
// static provisioning: volumeHandle is the file system ID, volumeAttributes dnsname and mountname).
func PersistentVolumeManifest(pv PersistentVolume) string {
	return fmt.Sprintf(`apiVersion: v1
kind: PersistentVolume
metadata:
  name: %s
  labels:
    app.kubernetes.io/managed-by: terraform-provider-rayhpc
spec:
  capacity:
    storage: %dGi
  volumeMode: Filesystem
  accessModes:
    - ReadWriteMany
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  mountOptions:
    - flock
  csi:
    driver: fsx.csi.aws.com
    volumeHandle: %s
    volumeAttributes:
      dnsname: %s
      mountname: %s
`, KubernetesName(pv.Name), pv.CapacityGiB, pv.FileSystemID, pv.DNSName, pv.MountName)
}

// ---- data repositories ----

func flattenEvents(ctx context.Context, events []fsxtypes.EventType, prior types.Set, diags *diag.Diagnostics) types.Set {
	if len(events) == 0 {
		if known(prior) && len(prior.Elements()) == 0 {
			return prior
		}
		return types.SetNull(types.StringType)
	}
	s := make([]string, 0, len(events))
	for _, e := range events {
		s = append(s, string(e))
	}
	v, d := types.SetValueFrom(ctx, types.StringType, s)
	diags.Append(d...)
	return v
}

// flattenRepo sets the model from an association; prior is the element it replaces (may be zero).
func flattenRepo(ctx context.Context, a *fsxtypes.DataRepositoryAssociation, prior repoModel) (repoModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	r := repoModel{
		ID:                     types.StringPointerValue(a.AssociationId),
		FileSystemPath:         types.StringPointerValue(a.FileSystemPath),
		S3URI:                  types.StringPointerValue(a.DataRepositoryPath),
		ImportMetadataOnCreate: types.BoolValue(aws.ToBool(a.BatchImportMetaDataOnCreate)),
		Lifecycle:              types.StringValue(string(a.Lifecycle)),
	}
	var imp, exp []fsxtypes.EventType
	if a.S3 != nil {
		if a.S3.AutoImportPolicy != nil {
			imp = a.S3.AutoImportPolicy.Events
		}
		if a.S3.AutoExportPolicy != nil {
			exp = a.S3.AutoExportPolicy.Events
		}
	}
	if !aws.ToBool(a.BatchImportMetaDataOnCreate) && prior.ImportMetadataOnCreate.IsNull() {
		r.ImportMetadataOnCreate = types.BoolNull()
	}
	r.AutoImport = flattenEvents(ctx, imp, prior.AutoImport, &diags)
	r.AutoExport = flattenEvents(ctx, exp, prior.AutoExport, &diags)
	// Keep the configured spelling of equivalent paths (trailing slash).
	if known(prior.FileSystemPath) && NormalizePath(prior.FileSystemPath.ValueString()) == NormalizePath(r.FileSystemPath.ValueString()) {
		r.FileSystemPath = prior.FileSystemPath
	}
	if known(prior.S3URI) && NormalizePath(prior.S3URI.ValueString()) == NormalizePath(r.S3URI.ValueString()) {
		r.S3URI = prior.S3URI
	}
	return r, diags
}

// flattenRepos orders the associations read from FSx like the prior list (matched by association ID, then
// by file system path), appending any others (import, or created outside Terraform).
func flattenRepos(ctx context.Context, assocs []fsxtypes.DataRepositoryAssociation, prior []repoModel) ([]repoModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	used := make([]bool, len(assocs))
	var out []repoModel
	for _, p := range prior {
		idx := -1
		for i, a := range assocs {
			if used[i] {
				continue
			}
			if known(p.ID) && p.ID.ValueString() == aws.ToString(a.AssociationId) {
				idx = i
				break
			}
		}
		if idx < 0 && !known(p.ID) {
			for i, a := range assocs {
				if !used[i] && NormalizePath(p.FileSystemPath.ValueString()) == NormalizePath(aws.ToString(a.FileSystemPath)) {
					idx = i
					break
				}
			}
		}
		if idx < 0 {
			continue // removed outside Terraform: the next plan adds it back
		}
		used[idx] = true
		r, d := flattenRepo(ctx, &assocs[idx], p)
		diags.Append(d...)
		out = append(out, r)
	}
	rest := []int{}
	for i := range assocs {
		if !used[i] {
			rest = append(rest, i)
		}
	}
	slices.SortFunc(rest, func(a, b int) int {
		return strings.Compare(aws.ToString(assocs[a].FileSystemPath), aws.ToString(assocs[b].FileSystemPath))
	})
	for _, i := range rest {
		r, d := flattenRepo(ctx, &assocs[i], repoModel{})
		diags.Append(d...)
		out = append(out, r)
	}
	return out, diags
}
