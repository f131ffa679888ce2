// SPDX-License-Identifier: MPL-2.0

package pcluster

// Rendering a ClusterSpec as the ParallelCluster v3 cluster configuration (YAML; key names from
// aws-parallelcluster cli/src/pcluster/schemas/cluster_schema.py), merging config_overrides over it, and
// comparing configurations by meaning.

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
)

// OwnerTagKey is the provider's ownership tag (package owner), in the configuration's Tags, so on the
// cluster and everything ParallelCluster creates for it; its value is OwnerValue(name). A create that
// finds a cluster of its name carrying it adopts the cluster instead of failing.
//
// ParallelCluster cannot change a cluster's tags (Tags: UpdatePolicy.UNSUPPORTED in cluster_schema.py),
// so the owner package's "create pending" tag cannot be removed when the create ends; instead, a cluster
// whose create has finished is adopted only when its configuration means the same as the one being
// created (the same intent), and is otherwise a conflict.
const OwnerTagKey = owner.TagOwner

// ResourceType is the Terraform type of the cluster resource (the owner identity's type).
const ResourceType = "rayhpc_hpc_cluster"

// OwnerValue is the ownership tag's value for a cluster name.
func OwnerValue(name string) string { return owner.New(ResourceType, name).Value() }

type m = map[string]any

// RenderConfig returns the cluster configuration for spec: the typed settings, with spec.ConfigOverrides
// merged over them (maps merged key by key, anything else replaced).
func RenderConfig(spec ClusterSpec) (string, error) {
	doc := renderTyped(spec)
	if strings.TrimSpace(spec.ConfigOverrides) != "" {
		var over any
		if err := yaml.Unmarshal([]byte(spec.ConfigOverrides), &over); err != nil {
			return "", fmt.Errorf("config_overrides is not valid YAML: %w", err)
		}
		om, ok := over.(map[string]any)
		if !ok && over != nil {
			return "", fmt.Errorf("config_overrides must be a YAML mapping of top-level configuration sections")
		}
		doc = mergeYAML(doc, om).(map[string]any)
	}
	return marshalYAML(doc)
}

func marshalYAML(v any) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

func renderTyped(s ClusterSpec) m {
	image := m{"Os": s.OS}
	if s.CustomAMI != "" {
		image["CustomAmi"] = s.CustomAMI
	}
	h := s.HeadNode
	networking := m{"SubnetId": h.SubnetID}
	if len(h.AdditionalSecurityGroupIDs) > 0 {
		networking["AdditionalSecurityGroups"] = strs(h.AdditionalSecurityGroupIDs)
	}
	head := m{"InstanceType": h.InstanceType, "Networking": networking}
	if h.KeyName != "" {
		head["Ssh"] = m{"KeyName": h.KeyName}
	}
	if h.RootVolumeSizeGiB > 0 {
		head["LocalStorage"] = m{"RootVolume": m{"Size": h.RootVolumeSizeGiB}}
	}
	if len(h.AdditionalIAMPolicies) > 0 {
		var pols []any
		for _, p := range h.AdditionalIAMPolicies {
			pols = append(pols, m{"Policy": p})
		}
		head["Iam"] = m{"AdditionalIamPolicies": pols}
	}
	settings := m{"ScaledownIdletime": s.Slurm.ScaledownIdleMinutes}
	if s.Slurm.QueueUpdateStrategy != "" {
		settings["QueueUpdateStrategy"] = s.Slurm.QueueUpdateStrategy
	}
	var queues []any
	for _, q := range s.Queues {
		queues = append(queues, renderQueue(q))
	}
	doc := m{
		"Region":     s.Region,
		"Image":      image,
		"HeadNode":   head,
		"Scheduling": m{"Scheduler": "slurm", "SlurmSettings": settings, "SlurmQueues": queues},
	}
	var storage []any
	for _, st := range s.SharedStorage {
		storage = append(storage, renderStorage(st))
	}
	if len(storage) > 0 {
		doc["SharedStorage"] = storage
	}
	if len(s.Tags) > 0 {
		keys := make([]string, 0, len(s.Tags))
		for k := range s.Tags {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var tags []any
		for _, k := range keys {
			tags = append(tags, m{"Key": k, "Value": s.Tags[k]})
		}
		doc["Tags"] = tags
	}
	return doc
}

func renderQueue(q QueueSpec) m {
	networking := m{"SubnetIds": strs(q.SubnetIDs)}
	efa := false
	for _, cr := range q.ComputeResources {
		efa = efa || (cr.EFA != nil && cr.EFA.Enabled)
	}
	switch {
	case q.PlacementGroup != nil:
		pg := m{"Enabled": q.PlacementGroup.Enabled}
		if q.PlacementGroup.ID != "" {
			pg["Id"] = q.PlacementGroup.ID
		}
		networking["PlacementGroup"] = pg
	case efa:
		// ParallelCluster refuses an implicit placement group with EFA (EfaPlacementGroupValidator):
		// without a placement_group block, say explicitly that there is none.
		networking["PlacementGroup"] = m{"Enabled": false}
	}
	out := m{"Name": q.Name, "Networking": networking}
	if q.CapacityType != "" {
		out["CapacityType"] = q.CapacityType
	}
	var crs []any
	for _, cr := range q.ComputeResources {
		c := m{"Name": cr.Name, "MinCount": cr.MinCount, "MaxCount": cr.MaxCount}
		if cr.InstanceType != "" {
			c["InstanceType"] = cr.InstanceType
		} else {
			var is []any
			for _, t := range cr.Instances {
				is = append(is, m{"InstanceType": t})
			}
			c["Instances"] = is
		}
		if cr.EFA != nil {
			e := m{"Enabled": cr.EFA.Enabled}
			if cr.EFA.GDRSupport {
				e["GdrSupport"] = true
			}
			c["Efa"] = e
		}
		if cr.DisableSimultaneousMultithreading {
			c["DisableSimultaneousMultithreading"] = true
		}
		crs = append(crs, c)
	}
	out["ComputeResources"] = crs
	return out
}

func renderStorage(st SharedStorageSpec) m {
	out := m{"Name": st.Name, "MountDir": st.MountDir}
	switch {
	case st.FSxLustreFileSystemID != "":
		out["StorageType"] = "FsxLustre"
		out["FsxLustreSettings"] = m{"FileSystemId": st.FSxLustreFileSystemID}
	case st.EFSFileSystemID != "":
		out["StorageType"] = "Efs"
		out["EfsSettings"] = m{"FileSystemId": st.EFSFileSystemID}
	case st.EBS != nil:
		out["StorageType"] = "Ebs"
		e := m{}
		if st.EBS.VolumeID != "" {
			e["VolumeId"] = st.EBS.VolumeID
		}
		if st.EBS.SizeGiB > 0 {
			e["Size"] = st.EBS.SizeGiB
		}
		out["EbsSettings"] = e
	}
	return out
}

func strs(in []string) []any {
	out := make([]any, len(in))
	for i, s := range in {
		out[i] = s
	}
	return out
}

// mergeYAML merges over into base: mappings key by key (recursively), anything else replaced; a null in
// over removes the key.
func mergeYAML(base, over any) any {
	bm, bok := base.(map[string]any)
	om, ook := over.(map[string]any)
	if !bok || !ook {
		return over
	}
	out := make(map[string]any, len(bm)+len(om))
	for k, v := range bm {
		out[k] = v
	}
	for k, v := range om {
		if v == nil {
			delete(out, k)
			continue
		}
		if cur, ok := out[k]; ok {
			out[k] = mergeYAML(cur, v)
		} else {
			out[k] = v
		}
	}
	return out
}

// SemanticallyEqual reports whether two YAML documents mean the same: same mappings, sequences and
// scalars, whatever the key order, indentation, quoting or flow style. Integers and floats of the same
// value are equal.
func SemanticallyEqual(a, b string) bool {
	if a == b {
		return true
	}
	var va, vb any
	if yaml.Unmarshal([]byte(a), &va) != nil || yaml.Unmarshal([]byte(b), &vb) != nil {
		return false
	}
	return reflect.DeepEqual(normalize(va), normalize(vb))
}

func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[k] = normalize(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = normalize(val)
		}
		return out
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return v
}

// configDoc is the part of a cluster configuration ParseConfig reads back.
type configDoc struct {
	Region string `yaml:"Region"`
	Image  struct {
		Os        string `yaml:"Os"`
		CustomAmi string `yaml:"CustomAmi"`
	} `yaml:"Image"`
	HeadNode struct {
		InstanceType string `yaml:"InstanceType"`
		Networking   struct {
			SubnetID                 string   `yaml:"SubnetId"`
			AdditionalSecurityGroups []string `yaml:"AdditionalSecurityGroups"`
		} `yaml:"Networking"`
		Ssh struct {
			KeyName string `yaml:"KeyName"`
		} `yaml:"Ssh"`
		LocalStorage struct {
			RootVolume struct {
				Size int64 `yaml:"Size"`
			} `yaml:"RootVolume"`
		} `yaml:"LocalStorage"`
		Iam struct {
			AdditionalIamPolicies []struct {
				Policy string `yaml:"Policy"`
			} `yaml:"AdditionalIamPolicies"`
		} `yaml:"Iam"`
	} `yaml:"HeadNode"`
	Scheduling struct {
		SlurmSettings struct {
			ScaledownIdletime   *int64 `yaml:"ScaledownIdletime"`
			QueueUpdateStrategy string `yaml:"QueueUpdateStrategy"`
		} `yaml:"SlurmSettings"`
		SlurmQueues []struct {
			Name         string `yaml:"Name"`
			CapacityType string `yaml:"CapacityType"`
			Networking   struct {
				SubnetIds      []string `yaml:"SubnetIds"`
				PlacementGroup *struct {
					Enabled *bool  `yaml:"Enabled"`
					ID      string `yaml:"Id"`
				} `yaml:"PlacementGroup"`
			} `yaml:"Networking"`
			ComputeResources []struct {
				Name         string `yaml:"Name"`
				InstanceType string `yaml:"InstanceType"`
				Instances    []struct {
					InstanceType string `yaml:"InstanceType"`
				} `yaml:"Instances"`
				MinCount *int64 `yaml:"MinCount"`
				MaxCount *int64 `yaml:"MaxCount"`
				Efa      *struct {
					Enabled    bool `yaml:"Enabled"`
					GdrSupport bool `yaml:"GdrSupport"`
				} `yaml:"Efa"`
				DisableSimultaneousMultithreading bool `yaml:"DisableSimultaneousMultithreading"`
			} `yaml:"ComputeResources"`
		} `yaml:"SlurmQueues"`
	} `yaml:"Scheduling"`
	SharedStorage []struct {
		Name              string `yaml:"Name"`
		MountDir          string `yaml:"MountDir"`
		StorageType       string `yaml:"StorageType"`
		FsxLustreSettings struct {
			FileSystemID string `yaml:"FileSystemId"`
		} `yaml:"FsxLustreSettings"`
		EfsSettings struct {
			FileSystemID string `yaml:"FileSystemId"`
		} `yaml:"EfsSettings"`
		EbsSettings struct {
			VolumeID string `yaml:"VolumeId"`
			Size     int64  `yaml:"Size"`
		} `yaml:"EbsSettings"`
	} `yaml:"SharedStorage"`
	Tags []struct {
		Key   string `yaml:"Key"`
		Value string `yaml:"Value"`
	} `yaml:"Tags"`
}

// ParseConfig reads a cluster configuration back into a spec (the settings the spec types; import).
func ParseConfig(doc string) (ClusterSpec, error) {
	var d configDoc
	if err := yaml.Unmarshal([]byte(doc), &d); err != nil {
		return ClusterSpec{}, fmt.Errorf("reading the cluster configuration: %w", err)
	}
	s := ClusterSpec{Region: d.Region, OS: d.Image.Os, CustomAMI: d.Image.CustomAmi, Slurm: SlurmSpec{ScaledownIdleMinutes: DefaultScaledownIdleMinutes}}
	h := d.HeadNode
	s.HeadNode = HeadNodeSpec{InstanceType: h.InstanceType, SubnetID: h.Networking.SubnetID, KeyName: h.Ssh.KeyName,
		RootVolumeSizeGiB: h.LocalStorage.RootVolume.Size, AdditionalSecurityGroupIDs: h.Networking.AdditionalSecurityGroups}
	for _, p := range h.Iam.AdditionalIamPolicies {
		s.HeadNode.AdditionalIAMPolicies = append(s.HeadNode.AdditionalIAMPolicies, p.Policy)
	}
	if v := d.Scheduling.SlurmSettings.ScaledownIdletime; v != nil {
		s.Slurm.ScaledownIdleMinutes = *v
	}
	s.Slurm.QueueUpdateStrategy = d.Scheduling.SlurmSettings.QueueUpdateStrategy
	for _, q := range d.Scheduling.SlurmQueues {
		qs := QueueSpec{Name: q.Name, CapacityType: q.CapacityType, SubnetIDs: q.Networking.SubnetIds}
		efa := false
		for _, cr := range q.ComputeResources {
			crs := ComputeResourceSpec{Name: cr.Name, InstanceType: cr.InstanceType, MinCount: DefaultMinCount, MaxCount: DefaultMaxCount, DisableSimultaneousMultithreading: cr.DisableSimultaneousMultithreading}
			for _, i := range cr.Instances {
				crs.Instances = append(crs.Instances, i.InstanceType)
			}
			if cr.MinCount != nil {
				crs.MinCount = *cr.MinCount
			}
			if cr.MaxCount != nil {
				crs.MaxCount = *cr.MaxCount
			}
			if cr.Efa != nil {
				crs.EFA = &EFASpec{Enabled: cr.Efa.Enabled, GDRSupport: cr.Efa.GdrSupport}
				efa = efa || cr.Efa.Enabled
			}
			qs.ComputeResources = append(qs.ComputeResources, crs)
		}
		if pg := q.Networking.PlacementGroup; pg != nil {
			enabled := pg.Enabled == nil || *pg.Enabled
			// RenderConfig writes "Enabled: false" for an EFA queue without a placement_group block.
			if enabled || pg.ID != "" || !efa {
				qs.PlacementGroup = &PlacementGroupSpec{Enabled: enabled, ID: pg.ID}
			}
		}
		s.Queues = append(s.Queues, qs)
	}
	for _, st := range d.SharedStorage {
		ss := SharedStorageSpec{Name: st.Name, MountDir: st.MountDir}
		switch st.StorageType {
		case "FsxLustre":
			ss.FSxLustreFileSystemID = st.FsxLustreSettings.FileSystemID
		case "Efs":
			ss.EFSFileSystemID = st.EfsSettings.FileSystemID
		case "Ebs":
			ss.EBS = &EBSSpec{VolumeID: st.EbsSettings.VolumeID, SizeGiB: st.EbsSettings.Size}
		}
		s.SharedStorage = append(s.SharedStorage, ss)
	}
	s.Tags = map[string]string{}
	for _, t := range d.Tags {
		s.Tags[t.Key] = t.Value
	}
	return s, nil
}
