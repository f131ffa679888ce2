// SPDX-License-Identifier: MPL-2.0

package pcluster

import (
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func testSpec() ClusterSpec {
	return ClusterSpec{
		Name: "cfd", Region: "us-east-1", OS: "alinux2023",
		HeadNode: HeadNodeSpec{InstanceType: "c5.xlarge", SubnetID: "subnet-0123456789abcdef0", KeyName: "admin", RootVolumeSizeGiB: 100,
			AdditionalSecurityGroupIDs: []string{"sg-01234567"}, AdditionalIAMPolicies: []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}},
		Slurm: SlurmSpec{ScaledownIdleMinutes: 15, QueueUpdateStrategy: "DRAIN"},
		Queues: []QueueSpec{
			{Name: "mpi", SubnetIDs: []string{"subnet-0123456789abcdef0"}, PlacementGroup: &PlacementGroupSpec{Enabled: true, ID: "cfd-efa"},
				ComputeResources: []ComputeResourceSpec{{Name: "c5n", InstanceType: "c5n.18xlarge", MinCount: 0, MaxCount: 16, EFA: &EFASpec{Enabled: true}, DisableSimultaneousMultithreading: true}}},
			{Name: "efa-implicit", SubnetIDs: []string{"subnet-0123456789abcdef0"},
				ComputeResources: []ComputeResourceSpec{{Name: "c5n", InstanceType: "c5n.18xlarge", MaxCount: 2, EFA: &EFASpec{Enabled: true, GDRSupport: true}}}},
			{Name: "serial", CapacityType: "SPOT", SubnetIDs: []string{"subnet-0123456789abcdef0"},
				ComputeResources: []ComputeResourceSpec{{Name: "flex", Instances: []string{"c5.2xlarge", "m5.2xlarge"}, MinCount: 1, MaxCount: 32}}},
		},
		SharedStorage: []SharedStorageSpec{
			{Name: "scratch", MountDir: "/fsx", FSxLustreFileSystemID: "fs-0123456789abcdef0"},
			{Name: "home", MountDir: "/home2", EFSFileSystemID: "fs-01234567"},
			{Name: "data", MountDir: "/data", EBS: &EBSSpec{SizeGiB: 500}},
		},
		Tags: map[string]string{"project": "cfd", OwnerTagKey: OwnerValue("cfd")},
	}
}

func TestRenderConfig(t *testing.T) {
	doc, err := RenderConfig(testSpec())
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := yaml.Unmarshal([]byte(doc), &got); err != nil {
		t.Fatalf("rendered YAML does not parse: %v\n%s", err, doc)
	}
	for path, want := range map[string]any{
		"Region":                       "us-east-1",
		"Image.Os":                     "alinux2023",
		"HeadNode.InstanceType":        "c5.xlarge",
		"HeadNode.Networking.SubnetId": "subnet-0123456789abcdef0",
		"HeadNode.Networking.AdditionalSecurityGroups.0":                                "sg-01234567",
		"HeadNode.Ssh.KeyName":                                                          "admin",
		"HeadNode.LocalStorage.RootVolume.Size":                                         100,
		"HeadNode.Iam.AdditionalIamPolicies.0.Policy":                                   "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
		"Scheduling.Scheduler":                                                          "slurm",
		"Scheduling.SlurmSettings.ScaledownIdletime":                                    15,
		"Scheduling.SlurmSettings.QueueUpdateStrategy":                                  "DRAIN",
		"Scheduling.SlurmQueues.0.Name":                                                 "mpi",
		"Scheduling.SlurmQueues.0.Networking.PlacementGroup.Id":                         "cfd-efa",
		"Scheduling.SlurmQueues.0.ComputeResources.0.Efa.Enabled":                       true,
		"Scheduling.SlurmQueues.0.ComputeResources.0.MaxCount":                          16,
		"Scheduling.SlurmQueues.0.ComputeResources.0.MinCount":                          0,
		"Scheduling.SlurmQueues.0.ComputeResources.0.DisableSimultaneousMultithreading": true,
		// EFA without a placement_group block: explicitly none (EfaPlacementGroupValidator).
		"Scheduling.SlurmQueues.1.Networking.PlacementGroup.Enabled":           false,
		"Scheduling.SlurmQueues.1.ComputeResources.0.Efa.GdrSupport":           true,
		"Scheduling.SlurmQueues.2.CapacityType":                                "SPOT",
		"Scheduling.SlurmQueues.2.ComputeResources.0.Instances.1.InstanceType": "m5.2xlarge",
		"SharedStorage.0.StorageType":                                          "FsxLustre",
		"SharedStorage.0.FsxLustreSettings.FileSystemId":                       "fs-0123456789abcdef0",
		"SharedStorage.1.StorageType":                                          "Efs",
		"SharedStorage.2.EbsSettings.Size":                                     500,
		"Tags.0.Key":                                                           "project",
		"Tags.1.Key":                                                           OwnerTagKey,
	} {
		if v := lookup(got, path); !reflect.DeepEqual(v, want) {
			t.Errorf("%s = %#v, want %#v", path, v, want)
		}
	}
	if lookup(got, "Scheduling.SlurmQueues.2.Networking.PlacementGroup") != nil {
		t.Error("a queue without EFA and without placement_group got a PlacementGroup")
	}
	// The configuration reads back into the same spec (import).
	back, err := ParseConfig(doc)
	if err != nil {
		t.Fatal(err)
	}
	back.Name, back.StopComputeFleetWhenRequired = "cfd", false
	if want := testSpec(); !reflect.DeepEqual(back, want) {
		t.Errorf("ParseConfig(RenderConfig(spec)) =\n%#v\nwant\n%#v", back, want)
	}
}

func lookup(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			for _, c := range k {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func TestRenderConfig_overrides(t *testing.T) {
	spec := testSpec()
	spec.ConfigOverrides = `
Monitoring:
  DetailedMonitoring: true
HeadNode:
  Ssh: null
  Imds:
    Secured: true
Scheduling:
  SlurmSettings:
    ScaledownIdletime: 5
`
	doc, err := RenderConfig(spec)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := yaml.Unmarshal([]byte(doc), &got); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]any{
		"Monitoring.DetailedMonitoring":                true,
		"HeadNode.Imds.Secured":                        true,
		"HeadNode.InstanceType":                        "c5.xlarge", // untouched by the override
		"Scheduling.SlurmSettings.ScaledownIdletime":   5,
		"Scheduling.SlurmSettings.QueueUpdateStrategy": "DRAIN",
		"Scheduling.SlurmQueues.0.Name":                "mpi",
	} {
		if v := lookup(got, path); !reflect.DeepEqual(v, want) {
			t.Errorf("%s = %#v, want %#v", path, v, want)
		}
	}
	if lookup(got, "HeadNode.Ssh") != nil {
		t.Error("a null in config_overrides did not remove HeadNode.Ssh")
	}
	for _, bad := range []string{"- a list", "key: [unclosed"} {
		spec.ConfigOverrides = bad
		if _, err := RenderConfig(spec); err == nil {
			t.Errorf("config_overrides %q accepted", bad)
		}
	}
}

func TestSemanticallyEqual(t *testing.T) {
	a := "Image:\n  Os: alinux2023\nHeadNode:\n  InstanceType: c5.xlarge\n  Networking: {SubnetId: subnet-1}\nTags:\n  - Key: a\n    Value: '1'\n"
	for name, b := range map[string]string{
		"key order":   "HeadNode:\n  Networking:\n    SubnetId: subnet-1\n  InstanceType: c5.xlarge\nImage: {Os: alinux2023}\nTags: [{Value: \"1\", Key: a}]\n",
		"indentation": "Image:\n    Os: alinux2023\nHeadNode:\n    InstanceType: \"c5.xlarge\"\n    Networking:\n        SubnetId: subnet-1\nTags:\n    -   Key: a\n        Value: '1'\n",
	} {
		if !SemanticallyEqual(a, b) {
			t.Errorf("%s: documents that mean the same compare different", name)
		}
	}
	for name, b := range map[string]string{
		"value":      strings.Replace(a, "c5.xlarge", "c5.2xlarge", 1),
		"type":       strings.Replace(a, "'1'", "1", 1),
		"list order": "Image:\n  Os: alinux2023\nHeadNode:\n  InstanceType: c5.xlarge\n  Networking: {SubnetId: subnet-1}\nTags:\n  - Key: b\n    Value: '2'\n  - Key: a\n    Value: '1'\n",
		"not yaml":   "{",
	} {
		if SemanticallyEqual(a, b) {
			t.Errorf("%s: different documents compare equal", name)
		}
	}
	if !SemanticallyEqual("MaxCount: 4\n", "MaxCount: 4.0\n") {
		t.Error("4 and 4.0 compare different")
	}
}
