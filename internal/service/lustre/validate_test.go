// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"strings"
	"testing"
	"time"
)

func i64(v int64) *int64 { return &v }

func TestValidateWorkspace(t *testing.T) {
	ssd := func(dt string, capacity int64, tp *int64) WorkspaceSpec {
		return WorkspaceSpec{DeploymentType: dt, StorageType: StorageSSD, StorageCapacityGiB: i64(capacity), PerUnitStorageThroughput: tp}
	}
	hdd := func(capacity, tp int64) WorkspaceSpec {
		return WorkspaceSpec{DeploymentType: DeploymentPersistent1, StorageType: StorageHDD, StorageCapacityGiB: i64(capacity), PerUnitStorageThroughput: i64(tp)}
	}
	efa := func(capacity, tp int64) WorkspaceSpec {
		s := ssd(DeploymentPersistent2, capacity, i64(tp))
		s.EFAEnabled = true
		return s
	}
	withRepos := func(s WorkspaceSpec, paths ...string) WorkspaceSpec {
		for i, p := range paths {
			s.DataRepositories = append(s.DataRepositories, DataRepositorySpec{FileSystemPath: p, S3URI: "s3://lake/p" + string(rune('a'+i))})
		}
		return s
	}
	cases := []struct {
		name string
		spec WorkspaceSpec
		want string // "" = valid; else the attribute path of the (first) problem
	}{
		{"ssd 1200", ssd(DeploymentPersistent2, 1200, i64(125)), ""},
		{"ssd 2400", ssd(DeploymentPersistent1, 2400, i64(50)), ""},
		{"ssd 4800", ssd(DeploymentScratch2, 4800, nil), ""},
		{"ssd 3600", ssd(DeploymentScratch2, 3600, nil), "storage_capacity_gib"},
		{"ssd 1000", ssd(DeploymentPersistent2, 1000, i64(250)), "storage_capacity_gib"},
		{"scratch1 1200", ssd(DeploymentScratch1, 1200, nil), ""},
		{"scratch1 2400", ssd(DeploymentScratch1, 2400, nil), ""},
		{"scratch1 3600", ssd(DeploymentScratch1, 3600, nil), ""},
		{"scratch1 7200", ssd(DeploymentScratch1, 7200, nil), ""},
		{"scratch1 4800", ssd(DeploymentScratch1, 4800, nil), "storage_capacity_gib"},
		{"hdd 6000 @12", hdd(6000, 12), ""},
		{"hdd 12000 @12", hdd(12000, 12), ""},
		{"hdd 1800 @12", hdd(1800, 12), "storage_capacity_gib"},
		{"hdd 1800 @40", hdd(1800, 40), ""},
		{"hdd 5400 @40", hdd(5400, 40), ""},
		{"hdd 2000 @40", hdd(2000, 40), "storage_capacity_gib"},
		{"hdd on persistent2", WorkspaceSpec{DeploymentType: DeploymentPersistent2, StorageType: StorageHDD, StorageCapacityGiB: i64(6000), PerUnitStorageThroughput: i64(12)}, "storage_type"},
		{"hdd on scratch2", WorkspaceSpec{DeploymentType: DeploymentScratch2, StorageType: StorageHDD, StorageCapacityGiB: i64(6000)}, "storage_type"},
		{"p1 ssd 200", ssd(DeploymentPersistent1, 1200, i64(200)), ""},
		{"p1 ssd 125", ssd(DeploymentPersistent1, 1200, i64(125)), "per_unit_storage_throughput"},
		{"p1 hdd 50", hdd(6000, 50), "per_unit_storage_throughput"},
		{"p2 1000", ssd(DeploymentPersistent2, 1200, i64(1000)), ""},
		{"p2 200", ssd(DeploymentPersistent2, 1200, i64(200)), "per_unit_storage_throughput"},
		{"p2 missing", ssd(DeploymentPersistent2, 1200, nil), "per_unit_storage_throughput"},
		{"scratch with throughput", ssd(DeploymentScratch2, 1200, i64(125)), "per_unit_storage_throughput"},
		{"throughput unknown", WorkspaceSpec{DeploymentType: DeploymentPersistent2, StorageType: StorageSSD, StorageCapacityGiB: i64(1200), ThroughputUnknown: true}, ""},
		{"efa 4800 @1000", efa(4800, 1000), ""},
		{"efa 2400 @1000", efa(2400, 1000), "storage_capacity_gib"},
		{"efa 9600 @500", efa(9600, 500), ""},
		{"efa 19200 @250", efa(19200, 250), ""},
		{"efa 38400 @125", efa(38400, 125), ""},
		{"efa 19200 @125", efa(19200, 125), "storage_capacity_gib"},
		{"efa on p1", func() WorkspaceSpec { s := ssd(DeploymentPersistent1, 1200, i64(200)); s.EFAEnabled = true; return s }(), "efa_enabled"},
		{"efa version 2.12", func() WorkspaceSpec { s := efa(4800, 1000); s.FileSystemTypeVersion = "2.12"; return s }(), "file_system_type_version"},
		{"kms on scratch", func() WorkspaceSpec { s := ssd(DeploymentScratch2, 1200, nil); s.KMSKeyIDSet = true; return s }(), "kms_key_id"},
		{"kms on persistent", func() WorkspaceSpec { s := ssd(DeploymentPersistent2, 1200, i64(125)); s.KMSKeyIDSet = true; return s }(), ""},
		{"2.10 on p2", func() WorkspaceSpec {
			s := ssd(DeploymentPersistent2, 1200, i64(125))
			s.FileSystemTypeVersion = "2.10"
			return s
		}(), "file_system_type_version"},
		{"root squash", func() WorkspaceSpec { s := ssd(DeploymentScratch2, 1200, nil); s.RootSquash = "65534:65534"; return s }(), ""},
		{"root squash bad", func() WorkspaceSpec { s := ssd(DeploymentScratch2, 1200, nil); s.RootSquash = "root"; return s }(), "root_squash"},
		{"repos", withRepos(ssd(DeploymentScratch2, 1200, nil), "/a", "/b", "/ab"), ""},
		{"repos on scratch1", withRepos(ssd(DeploymentScratch1, 1200, nil), "/a"), "data_repository"},
		{"repos on 2.10", withRepos(func() WorkspaceSpec {
			s := ssd(DeploymentPersistent1, 1200, i64(50))
			s.FileSystemTypeVersion = "2.10"
			return s
		}(), "/a"), "file_system_type_version"},
		{"repos nested", withRepos(ssd(DeploymentScratch2, 1200, nil), "/a", "/a/b"), "data_repository[1].file_system_path"},
		{"repos same", withRepos(ssd(DeploymentScratch2, 1200, nil), "/a/", "/a"), "data_repository[1].file_system_path"},
		{"repos root alone", withRepos(ssd(DeploymentScratch2, 1200, nil), "/"), ""},
		{"repos root shared", withRepos(ssd(DeploymentScratch2, 1200, nil), "/", "/b"), "data_repository[0].file_system_path"},
		{"repos relative", withRepos(ssd(DeploymentScratch2, 1200, nil), "a"), "data_repository[0].file_system_path"},
		{"repos too many", withRepos(ssd(DeploymentScratch2, 1200, nil), "/1", "/2", "/3", "/4", "/5", "/6", "/7", "/8", "/9"), "data_repository"},
		{"repos bad event", func() WorkspaceSpec {
			s := withRepos(ssd(DeploymentScratch2, 1200, nil), "/a")
			s.DataRepositories[0].AutoImport = []string{"NEW", "MODIFIED"}
			return s
		}(), "data_repository[0].auto_import"},
		{"repos same s3", func() WorkspaceSpec {
			s := withRepos(ssd(DeploymentScratch2, 1200, nil), "/a", "/b")
			s.DataRepositories[1].S3URI = s.DataRepositories[0].S3URI + "/"
			return s
		}(), "data_repository[1].s3_uri"},
		{"repos bad s3", func() WorkspaceSpec {
			s := withRepos(ssd(DeploymentScratch2, 1200, nil), "/a")
			s.DataRepositories[0].S3URI = "https://lake.s3.amazonaws.com/"
			return s
		}(), "data_repository[0].s3_uri"},
		{"all unknown", WorkspaceSpec{}, ""},
		{"root squash 0:0", func() WorkspaceSpec { s := ssd(DeploymentScratch2, 1200, nil); s.RootSquash = "0:0"; return s }(), ""},
		{"root squash zero uid", func() WorkspaceSpec { s := ssd(DeploymentScratch2, 1200, nil); s.RootSquash = "0:65534"; return s }(), "root_squash"},
		{"root squash zero gid", func() WorkspaceSpec { s := ssd(DeploymentScratch2, 1200, nil); s.RootSquash = "65534:0"; return s }(), "root_squash"},
		{"root squash max", func() WorkspaceSpec {
			s := ssd(DeploymentScratch2, 1200, nil)
			s.RootSquash = "4294967294:4294967294"
			return s
		}(), ""},
		{"root squash above max", func() WorkspaceSpec { s := ssd(DeploymentScratch2, 1200, nil); s.RootSquash = "4294967295:1"; return s }(), "root_squash"},
		{"capacity above the API maximum", ssd(DeploymentScratch2, 2147484000, nil), "storage_capacity_gib"},
		{"capacity at the API maximum, off-step", ssd(DeploymentScratch2, 2147483647, nil), "storage_capacity_gib"},
		{"name pattern", func() WorkspaceSpec { s := ssd(DeploymentScratch2, 1200, nil); s.Name = "bad|name*<>"; return s }(), "name"},
		{"name with spaces and @", func() WorkspaceSpec {
			s := ssd(DeploymentScratch2, 1200, nil)
			s.Name = "Genomics lake @ lab-2"
			return s
		}(), ""},
		{"subnet pattern", func() WorkspaceSpec { s := ssd(DeploymentScratch2, 1200, nil); s.SubnetID = "not-a-subnet"; return s }(), "subnet_id"},
		{"sg pattern", func() WorkspaceSpec {
			s := ssd(DeploymentScratch2, 1200, nil)
			s.SecurityGroupIDs = []string{"sg-xyz"}
			return s
		}(), "security_group_ids"},
		{"tag value pattern", func() WorkspaceSpec {
			s := ssd(DeploymentScratch2, 1200, nil)
			s.Tags = map[string]string{"team": "a<b"}
			return s
		}(), "tags"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ValidateWorkspace(tc.spec)
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("want valid, got %v", got)
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("want a problem at %s, got none", tc.want)
			}
			if got[0].Path() != tc.want {
				t.Fatalf("want a problem at %s, got %v", tc.want, got)
			}
			if got[0].Summary == "" || !strings.Contains(got[0].Error(), tc.want) {
				t.Fatalf("problem without summary or path: %v", got[0])
			}
		})
	}
}

func TestValidateWorkspaceChange(t *testing.T) {
	spec := func(dt, st string, capacity, tp int64, version string) WorkspaceSpec {
		s := WorkspaceSpec{DeploymentType: dt, StorageType: st, StorageCapacityGiB: i64(capacity), FileSystemTypeVersion: version}
		if tp > 0 {
			s.PerUnitStorageThroughput = i64(tp)
		}
		return s
	}
	cases := []struct {
		name     string
		from, to WorkspaceSpec
		want     string
	}{
		{"grow", spec(DeploymentPersistent2, StorageSSD, 1200, 125, "2.15"), spec(DeploymentPersistent2, StorageSSD, 2400, 125, "2.15"), ""},
		{"shrink", spec(DeploymentPersistent2, StorageSSD, 2400, 125, "2.15"), spec(DeploymentPersistent2, StorageSSD, 1200, 125, "2.15"), "storage_capacity_gib"},
		{"grow scratch1", spec(DeploymentScratch1, StorageSSD, 1200, 0, "2.15"), spec(DeploymentScratch1, StorageSSD, 2400, 0, "2.15"), "storage_capacity_gib"},
		{"throughput ssd", spec(DeploymentPersistent2, StorageSSD, 1200, 125, "2.15"), spec(DeploymentPersistent2, StorageSSD, 1200, 1000, "2.15"), ""},
		{"throughput hdd", spec(DeploymentPersistent1, StorageHDD, 6000, 12, "2.15"), spec(DeploymentPersistent1, StorageHDD, 6000, 40, "2.15"), "per_unit_storage_throughput"},
		{"upgrade", spec(DeploymentPersistent1, StorageSSD, 1200, 50, "2.10"), spec(DeploymentPersistent1, StorageSSD, 1200, 50, "2.15"), ""},
		{"downgrade", spec(DeploymentPersistent1, StorageSSD, 1200, 50, "2.15"), spec(DeploymentPersistent1, StorageSSD, 1200, 50, "2.12"), "file_system_type_version"},
		{"replacement is not a change", spec(DeploymentPersistent1, StorageSSD, 2400, 50, "2.15"), spec(DeploymentPersistent2, StorageSSD, 1200, 125, "2.15"), ""},
		{"efa throughput", func() WorkspaceSpec {
			s := spec(DeploymentPersistent2, StorageSSD, 19200, 1000, "2.15")
			s.EFAEnabled = true
			return s
		}(),
			spec(DeploymentPersistent2, StorageSSD, 19200, 500, "2.15"), "per_unit_storage_throughput"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ValidateWorkspaceChange(tc.from, tc.to)
			switch {
			case tc.want == "" && len(got) != 0:
				t.Fatalf("want no problem, got %v", got)
			case tc.want != "" && (len(got) == 0 || got[0].Path() != tc.want):
				t.Fatalf("want a problem at %s, got %v", tc.want, got)
			}
		})
	}
}

func TestValidateStorageIncrease(t *testing.T) {
	last := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	if p := ValidateStorageIncrease(time.Time{}, last); p != nil {
		t.Errorf("no earlier increase: %v", p)
	}
	p := ValidateStorageIncrease(last, last.Add(5*time.Hour))
	if p == nil || p.Attribute != "storage_capacity_gib" || !strings.Contains(p.Detail, "2026-11-27T14:00:00Z") || !strings.Contains(p.Detail, "1h0m0s") {
		t.Errorf("5 hours after: %v", p)
	}
	if p := ValidateStorageIncrease(last, last.Add(6*time.Hour)); p != nil {
		t.Errorf("6 hours after: %v", p)
	}
}

// The baseline throughput per TiB the placement engine shares among tasks [UG-PERF]: fixed for scratch
// types, the tier for persistent ones, none for an invalid tier or type.
func TestBaselineThroughputPerTiB(t *testing.T) {
	for _, c := range []struct {
		dt, st      string
		tier        int64
		read, write int64
		ok          bool
	}{
		{DeploymentScratch2, StorageSSD, 0, 200, 100, true},
		{DeploymentScratch1, StorageSSD, 0, 200, 200, true},
		{DeploymentPersistent2, StorageSSD, 250, 250, 250, true},
		{DeploymentPersistent1, StorageHDD, 40, 40, 40, true},
		{DeploymentPersistent1, StorageSSD, 125, 0, 0, false},
		{DeploymentPersistent2, StorageSSD, 0, 0, 0, false},
		{"SCRATCH_3", StorageSSD, 0, 0, 0, false},
	} {
		r, w, ok := BaselineThroughputPerTiB(c.dt, c.st, c.tier)
		if r != c.read || w != c.write || ok != c.ok {
			t.Errorf("%s %s %d: %d/%d %v, want %d/%d %v", c.dt, c.st, c.tier, r, w, ok, c.read, c.write, c.ok)
		}
	}
}
