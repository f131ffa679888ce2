// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
)

func testModel(t *testing.T) workspaceModel {
	t.Helper()
	ctx := context.Background()
	tags, _ := types.MapValueFrom(ctx, types.StringType, map[string]string{"team": "hpc"})
	imp, _ := types.SetValueFrom(ctx, types.StringType, []string{"NEW", "CHANGED"})
	return workspaceModel{
		Name: types.StringValue("genomics"), DeploymentType: types.StringValue("PERSISTENT_2"), StorageType: types.StringValue("SSD"),
		StorageCapacityGiB: types.Int64Value(4800), PerUnitStorageThroughput: types.Int64Value(1000),
		SubnetID: types.StringValue("subnet-1"), SecurityGroupIDs: types.SetNull(types.StringType),
		DataCompression: types.StringValue("LZ4"), RootSquash: types.StringValue("65534:65534"), EFAEnabled: types.BoolValue(true),
		FileSystemTypeVersion: types.StringValue("2.15"), KMSKeyID: types.StringUnknown(), Tags: tags,
		DataRepositories: []repoModel{{
			ID: types.StringUnknown(), FileSystemPath: types.StringValue("/raw/"), S3URI: types.StringValue("s3://lake/raw/"),
			AutoImport: imp, AutoExport: types.SetNull(types.StringType), ImportMetadataOnCreate: types.BoolNull(), Lifecycle: types.StringUnknown(),
		}},
	}
}

func TestCreateInput(t *testing.T) {
	ctx := context.Background()
	m := testModel(t)
	spec, d := m.spec(ctx)
	if d.HasError() {
		t.Fatal(d)
	}
	spec.Tags["env"] = "prod" // a provider default tag, merged in by the resource
	in := createInput(spec, []string{"sg-1"})
	lc := in.LustreConfiguration
	switch {
	case in.FileSystemType != fsxtypes.FileSystemTypeLustre, aws.ToInt32(in.StorageCapacity) != 4800, in.StorageType != "SSD":
		t.Fatalf("file system: %+v", in)
	case lc.DeploymentType != "PERSISTENT_2", aws.ToInt32(lc.PerUnitStorageThroughput) != 1000, lc.DataCompressionType != "LZ4":
		t.Fatalf("lustre configuration: %+v", lc)
	case !aws.ToBool(lc.EfaEnabled) || lc.MetadataConfiguration == nil || lc.MetadataConfiguration.Mode != "AUTOMATIC":
		t.Fatalf("EFA needs a metadata configuration: %+v", lc)
	case aws.ToString(lc.RootSquashConfiguration.RootSquash) != "65534:65534", aws.ToString(in.FileSystemTypeVersion) != "2.15":
		t.Fatalf("root squash / version: %+v", in)
	case in.KmsKeyId != nil, lc.DriveCacheType != "":
		t.Fatalf("unset values sent: %+v", in)
	case len(in.SecurityGroupIds) != 1 || len(in.SubnetIds) != 1:
		t.Fatalf("network: %+v", in)
	}
	got := map[string]string{}
	for _, tg := range in.Tags {
		got[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if got["Name"] != "genomics" || got["team"] != "hpc" || got["env"] != "prod" || len(got) != 6 ||
		got[owner.TagOwner] != "rayhpc_lustre_workspace/genomics" || got[owner.TagPart] != "file-system" || got[owner.TagCreate] != owner.Pending {
		t.Fatalf("tags %v: the spec's, Name, and the ownership tags with rayhpc:create=pending", got)
	}

	m.StorageCapacityGiB = types.Int64Value(2147484000)
	spec, _ = m.spec(ctx)
	if c := aws.ToInt32(createInput(spec, nil).StorageCapacity); c != MaxStorageCapacityGiB {
		t.Fatalf("a capacity above the API's maximum overflowed to %d instead of being capped", c)
	}

	hdd := testModel(t)
	hdd.StorageType, hdd.EFAEnabled = types.StringValue("HDD"), types.BoolValue(false)
	spec, _ = hdd.spec(ctx)
	in = createInput(spec, nil)
	if in.LustreConfiguration.DriveCacheType != fsxtypes.DriveCacheTypeNone || in.LustreConfiguration.EfaEnabled != nil {
		t.Fatalf("HDD: %+v", in.LustreConfiguration)
	}
}

func TestUpdateInput(t *testing.T) {
	ctx := context.Background()
	state := testModel(t)
	from, _ := state.spec(ctx)
	if in := updateInput("fs-1", from, from); in != nil {
		t.Fatalf("no change must send nothing, got %+v", in)
	}
	plan := state
	plan.StorageCapacityGiB = types.Int64Value(9600)
	plan.PerUnitStorageThroughput = types.Int64Value(500)
	plan.RootSquash = types.StringNull()
	to, _ := plan.spec(ctx)
	in := updateInput("fs-1", from, to)
	switch {
	case in == nil, aws.ToInt32(in.StorageCapacity) != 9600, aws.ToString(in.FileSystemId) != "fs-1":
		t.Fatalf("update: %+v", in)
	case aws.ToInt32(in.LustreConfiguration.PerUnitStorageThroughput) != 500:
		t.Fatalf("throughput: %+v", in.LustreConfiguration)
	case aws.ToString(in.LustreConfiguration.RootSquashConfiguration.RootSquash) != "0:0":
		t.Fatal("removing root_squash must turn it off with 0:0")
	case in.LustreConfiguration.DataCompressionType != "":
		t.Fatal("unchanged compression sent")
	}
}

func TestFlattenRoundTrip(t *testing.T) {
	ctx := context.Background()
	m := testModel(t)
	fs := &fsxtypes.FileSystem{
		FileSystemId: aws.String("fs-1"), ResourceARN: aws.String("arn:aws:fsx:us-east-1:123456789012:file-system/fs-1"),
		StorageCapacity: aws.Int32(4800), StorageType: "SSD", SubnetIds: []string{"subnet-1"}, FileSystemTypeVersion: aws.String("2.15"),
		DNSName: aws.String("fs-1.fsx.us-east-1.amazonaws.com"), Lifecycle: "AVAILABLE", NetworkInterfaceIds: []string{"eni-1", "eni-2"},
		KmsKeyId: aws.String("arn:aws:kms:us-east-1:123456789012:key/aws-fsx"),
		Tags:     []fsxtypes.Tag{{Key: aws.String("Name"), Value: aws.String("genomics")}, {Key: aws.String("team"), Value: aws.String("hpc")}, {Key: aws.String("env"), Value: aws.String("prod")}},
		LustreConfiguration: &fsxtypes.LustreFileSystemConfiguration{
			DeploymentType: "PERSISTENT_2", MountName: aws.String("abcdefgh"), PerUnitStorageThroughput: aws.Int32(1000),
			DataCompressionType: "LZ4", EfaEnabled: aws.Bool(true), RootSquashConfiguration: &fsxtypes.LustreRootSquashConfiguration{RootSquash: aws.String("65534:65534")},
		},
	}
	fs.Tags = append(fs.Tags, fsxtypes.Tag{Key: aws.String(owner.TagOwner), Value: aws.String("rayhpc_lustre_workspace/genomics")},
		fsxtypes.Tag{Key: aws.String(owner.TagPart), Value: aws.String("file-system")})
	if d := m.flatten(ctx, &Workspace{FileSystem: fs}, map[string]string{"env": "prod"}); d.HasError() {
		t.Fatal(d)
	}
	if m.ID.ValueString() != "fs-1" || m.Name.ValueString() != "genomics" || len(m.Tags.Elements()) != 1 || m.KMSKeyID.IsUnknown() {
		t.Fatalf("flatten: id=%s name=%s tags=%v kms=%v (Name, default and ownership tags stay out of tags)", m.ID, m.Name, m.Tags, m.KMSKeyID)
	}
	if m.MountCommand.ValueString() != "sudo mount -t lustre -o relatime,flock fs-1.fsx.us-east-1.amazonaws.com@tcp:/abcdefgh /fsx" {
		t.Fatalf("mount command %q", m.MountCommand.ValueString())
	}
	pv := m.KubernetesPersistentVolume.ValueString()
	for _, want := range []string{"kind: PersistentVolume", "name: genomics", "storage: 4800Gi", "driver: fsx.csi.aws.com", "volumeHandle: fs-1",
		"dnsname: fs-1.fsx.us-east-1.amazonaws.com", "mountname: abcdefgh", "ReadWriteMany"} {
		if !strings.Contains(pv, want) {
			t.Fatalf("manifest lacks %q:\n%s", want, pv)
		}
	}
	// Expanding what was flattened gives the same request.
	spec, _ := m.spec(ctx)
	in := createInput(spec, nil)
	if aws.ToInt32(in.StorageCapacity) != 4800 || aws.ToInt32(in.LustreConfiguration.PerUnitStorageThroughput) != 1000 {
		t.Fatalf("round trip: %+v", in)
	}
	// A throughput changed out of band is read back, whatever the prior value (a plan then shows it).
	fs.LustreConfiguration.PerUnitStorageThroughput = aws.Int32(500)
	m.flatten(ctx, &Workspace{FileSystem: fs}, nil)
	if m.PerUnitStorageThroughput.ValueInt64() != 500 {
		t.Fatalf("throughput changed out of band read back as %v, want 500", m.PerUnitStorageThroughput)
	}
	fs.LustreConfiguration.PerUnitStorageThroughput = aws.Int32(1000)
	// Root squash off and no compression read back as unset / NONE.
	fs.LustreConfiguration.RootSquashConfiguration = &fsxtypes.LustreRootSquashConfiguration{RootSquash: aws.String("0:0")}
	fs.LustreConfiguration.DataCompressionType = ""
	m.RootSquash = types.StringNull()
	m.flatten(ctx, &Workspace{FileSystem: fs}, nil)
	if !m.RootSquash.IsNull() || m.DataCompression.ValueString() != "NONE" {
		t.Fatalf("root squash %v compression %v", m.RootSquash, m.DataCompression)
	}
}

func TestFlattenRepos(t *testing.T) {
	ctx := context.Background()
	assoc := func(id, path string, imp ...fsxtypes.EventType) fsxtypes.DataRepositoryAssociation {
		a := fsxtypes.DataRepositoryAssociation{AssociationId: aws.String(id), FileSystemPath: aws.String(path),
			DataRepositoryPath: aws.String("s3://lake" + path + "/"), Lifecycle: "AVAILABLE", BatchImportMetaDataOnCreate: aws.Bool(false)}
		if len(imp) > 0 {
			a.S3 = &fsxtypes.S3DataRepositoryConfiguration{AutoImportPolicy: &fsxtypes.AutoImportPolicy{Events: imp}}
		}
		return a
	}
	prior := testModel(t).DataRepositories
	prior[0].ID = types.StringValue("dra-raw")
	prior = append(prior, repoModel{ID: types.StringValue("dra-gone"), FileSystemPath: types.StringValue("/gone")})
	got, d := flattenRepos(ctx, []fsxtypes.DataRepositoryAssociation{assoc("dra-z", "/zeta"), assoc("dra-raw", "/raw", "NEW", "CHANGED"), assoc("dra-a", "/alpha")}, prior)
	if d.HasError() {
		t.Fatal(d)
	}
	ids := []string{}
	for _, r := range got {
		ids = append(ids, r.ID.ValueString())
	}
	if strings.Join(ids, ",") != "dra-raw,dra-a,dra-z" {
		t.Fatalf("order %v: prior order first, the association removed out of band dropped, others sorted by path", ids)
	}
	r := got[0]
	if r.FileSystemPath.ValueString() != "/raw/" || r.S3URI.ValueString() != "s3://lake/raw/" || len(r.AutoImport.Elements()) != 2 ||
		!r.AutoExport.IsNull() || !r.ImportMetadataOnCreate.IsNull() || r.Lifecycle.ValueString() != "AVAILABLE" {
		t.Fatalf("flattened %+v", r)
	}
	if !SameAssociation(r.spec(), prior[0].spec()) || !SameEvents(r.spec(), prior[0].spec()) {
		t.Fatal("flattened association differs from the configuration it came from")
	}
}

func TestKubernetesName(t *testing.T) {
	for in, want := range map[string]string{"Genomics Lake": "genomics-lake", "tf-acc-test-1": "tf-acc-test-1", "__": "lustre-workspace", "a_b.c": "a-b.c"} {
		if got := KubernetesName(in); got != want {
			t.Errorf("KubernetesName(%q) = %q, want %q", in, got, want)
		}
	}
}
