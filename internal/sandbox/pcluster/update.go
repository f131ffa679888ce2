// SPDX-License-Identifier: MPL-2.0

package pcluster

// ParallelCluster's update policies for the settings the emulator models: which changes an update may
// make while the compute fleet runs, which need it stopped (or a QueueUpdateStrategy), which cannot be
// made at all. Sources (aws/aws-parallelcluster cli/src/pcluster): the update_policy annotation of each
// field in schemas/cluster_schema.py, and the policies' checks, fail reasons and actions in
// config/update_policy.py:
//   - UNSUPPORTED: Image.Os, Image.CustomAmi, HeadNode.InstanceType, HeadNode.Networking.SubnetId,
//     HeadNode.Ssh.KeyName, HeadNode.LocalStorage.RootVolume.Size, queue and compute resource Name,
//     SharedStorage Name/StorageType/FileSystemId, Tags;
//   - COMPUTE_FLEET_STOP: SlurmSettings.ScaledownIdletime, ComputeResources InstanceType, MinCount,
//     DisableSimultaneousMultithreading;
//   - COMPUTE_FLEET_STOP_ON_REMOVE: removing a SlurmQueue, a compute resource, an entry of Instances;
//   - QUEUE_UPDATE_STRATEGY: queue CapacityType, Networking (SubnetIds, PlacementGroup), compute
//     resource Efa (stop the fleet, or set QueueUpdateStrategy to DRAIN or TERMINATE);
//   - MAX_COUNT: lowering MaxCount needs the fleet stopped or QueueUpdateStrategy TERMINATE;
//   - SHARED_STORAGE_UPDATE_POLICY: adding storage needs the fleet stopped or a QueueUpdateStrategy;
//     removing it or changing its MountDir needs the fleet stopped;
//   - SUPPORTED: HeadNode AdditionalSecurityGroups, Iam; IGNORED: SlurmSettings.QueueUpdateStrategy.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"gopkg.in/yaml.v3"

	. "github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api" //nolint:revive // as the generated server code
)

type policy int

const (
	policySupported policy = iota
	policyUnsupported
	policyFleetStop
	policyFleetStopOnRemove
	policyQueueUpdateStrategy
	policyMaxCount
	policySharedStorage
)

type change struct {
	param, key         string
	current, requested any
	policy             policy
}

func (c change) api() Change {
	return Change{Parameter: strPtr(c.param), CurrentValue: valuePtr(c.current), RequestedValue: valuePtr(c.requested)}
}

func strPtr(s string) *string { return &s }

func valuePtr(v any) *string {
	if v == nil || (reflect.ValueOf(v).Kind() == reflect.Pointer && reflect.ValueOf(v).IsNil()) {
		s := "-"
		return &s
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		v = rv.Elem().Interface()
	}
	switch x := v.(type) {
	case string:
		return &x
	}
	b, _ := json.Marshal(v)
	s := string(b)
	return &s
}

// diff lists the changes from old to new.
func diff(old, new *pcConfig) []change {
	var out []change
	add := func(param, key string, cur, req any, p policy) {
		if !reflect.DeepEqual(cur, req) {
			out = append(out, change{param: param, key: key, current: cur, requested: req, policy: p})
		}
	}
	add("Image.Os", "Os", old.Image.Os, new.Image.Os, policyUnsupported)
	add("Image.CustomAmi", "CustomAmi", old.Image.CustomAmi, new.Image.CustomAmi, policyUnsupported)
	oh, nh := old.HeadNode, new.HeadNode
	add("HeadNode.InstanceType", "InstanceType", oh.InstanceType, nh.InstanceType, policyUnsupported)
	add("HeadNode.Networking.SubnetId", "SubnetId", oh.Networking.SubnetID, nh.Networking.SubnetID, policyUnsupported)
	add("HeadNode.Networking.AdditionalSecurityGroups", "AdditionalSecurityGroups", oh.Networking.AdditionalSecurityGroups, nh.Networking.AdditionalSecurityGroups, policySupported)
	add("HeadNode.Ssh.KeyName", "KeyName", oh.Ssh.KeyName, nh.Ssh.KeyName, policyUnsupported)
	add("HeadNode.LocalStorage.RootVolume.Size", "Size", oh.LocalStorage.RootVolume.Size, nh.LocalStorage.RootVolume.Size, policyUnsupported)
	add("Scheduling.SlurmSettings.ScaledownIdletime", "ScaledownIdletime", old.Scheduling.SlurmSettings.ScaledownIdletime, new.Scheduling.SlurmSettings.ScaledownIdletime, policyFleetStop)

	oq := map[string]pcQueue{}
	for _, q := range old.Scheduling.SlurmQueues {
		oq[q.Name] = q
	}
	for _, q := range new.Scheduling.SlurmQueues {
		prev, ok := oq[q.Name]
		if !ok {
			out = append(out, change{param: "Scheduling.SlurmQueues", key: "SlurmQueues", requested: map[string]string{"Name": q.Name}, policy: policySupported})
			continue
		}
		delete(oq, q.Name)
		out = append(out, diffQueue(prev, q)...)
	}
	for _, q := range old.Scheduling.SlurmQueues {
		if _, removed := oq[q.Name]; removed {
			out = append(out, change{param: "Scheduling.SlurmQueues", key: "SlurmQueues", current: map[string]string{"Name": q.Name}, policy: policyFleetStopOnRemove})
		}
	}
	out = append(out, diffStorage(old.SharedStorage, new.SharedStorage)...)
	if !reflect.DeepEqual(tagMap(old.Tags), tagMap(new.Tags)) {
		out = append(out, change{param: "Tags", key: "Tags", current: tagMap(old.Tags), requested: tagMap(new.Tags), policy: policyUnsupported})
	}
	return out
}

func tagMap(tags []pcTag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

func diffQueue(o, n pcQueue) []change {
	var out []change
	p := fmt.Sprintf("Scheduling.SlurmQueues[%s]", n.Name)
	add := func(param, key string, cur, req any, pol policy) {
		if !reflect.DeepEqual(cur, req) {
			out = append(out, change{param: p + param, key: key, current: cur, requested: req, policy: pol})
		}
	}
	add(".CapacityType", "CapacityType", o.CapacityType, n.CapacityType, policyQueueUpdateStrategy)
	add(".Networking.SubnetIds", "SubnetIds", o.Networking.SubnetIDs, n.Networking.SubnetIDs, policyQueueUpdateStrategy)
	add(".Networking.PlacementGroup", "PlacementGroup", o.Networking.PlacementGroup, n.Networking.PlacementGroup, policyQueueUpdateStrategy)
	ocr := map[string]pcComputeResource{}
	for _, cr := range o.ComputeResources {
		ocr[cr.Name] = cr
	}
	for _, cr := range n.ComputeResources {
		prev, ok := ocr[cr.Name]
		if !ok {
			out = append(out, change{param: p + ".ComputeResources", key: "ComputeResources", requested: map[string]string{"Name": cr.Name}, policy: policySupported})
			continue
		}
		delete(ocr, cr.Name)
		cp := fmt.Sprintf(".ComputeResources[%s]", cr.Name)
		add(cp+".InstanceType", "InstanceType", prev.InstanceType, cr.InstanceType, policyFleetStop)
		if pt, nt := prev.instanceTypes(), cr.instanceTypes(); prev.InstanceType == "" && cr.InstanceType == "" && !slices.Equal(pt, nt) {
			pol := policySupported
			for _, t := range pt {
				if !slices.Contains(nt, t) {
					pol = policyFleetStopOnRemove
				}
			}
			add(cp+".Instances", "Instances", pt, nt, pol)
		}
		pMin, pMax := prev.counts()
		nMin, nMax := cr.counts()
		add(cp+".MinCount", "MinCount", pMin, nMin, policyFleetStop)
		add(cp+".MaxCount", "MaxCount", pMax, nMax, policyMaxCount)
		add(cp+".Efa", "Efa", prev.Efa, cr.Efa, policyQueueUpdateStrategy)
		add(cp+".DisableSimultaneousMultithreading", "DisableSimultaneousMultithreading", prev.DisableSimultaneousMultithreading, cr.DisableSimultaneousMultithreading, policyFleetStop)
	}
	for _, cr := range o.ComputeResources {
		if _, removed := ocr[cr.Name]; removed {
			out = append(out, change{param: p + ".ComputeResources", key: "ComputeResources", current: map[string]string{"Name": cr.Name}, policy: policyFleetStopOnRemove})
		}
	}
	return out
}

func diffStorage(o, n []pcSharedStore) []change {
	var out []change
	os := map[string]pcSharedStore{}
	for _, s := range o {
		os[s.Name] = s
	}
	for _, s := range n {
		prev, ok := os[s.Name]
		if !ok {
			out = append(out, change{param: "SharedStorage", key: "SharedStorage", requested: map[string]string{"Name": s.Name, "MountDir": s.MountDir}, policy: policySharedStorage})
			continue
		}
		delete(os, s.Name)
		p := fmt.Sprintf("SharedStorage[%s]", s.Name)
		if prev.MountDir != s.MountDir {
			out = append(out, change{param: p + ".MountDir", key: "MountDir", current: prev.MountDir, requested: s.MountDir, policy: policySharedStorage})
		}
		if prev.StorageType != s.StorageType || !reflect.DeepEqual(prev.FsxLustre, s.FsxLustre) || !reflect.DeepEqual(prev.Efs, s.Efs) || !reflect.DeepEqual(prev.Ebs, s.Ebs) {
			out = append(out, change{param: p, key: "StorageType", current: prev.StorageType, requested: s.StorageType, policy: policyUnsupported})
		}
	}
	for _, s := range o {
		if _, removed := os[s.Name]; removed {
			out = append(out, change{param: "SharedStorage", key: "SharedStorage", current: map[string]string{"Name": s.Name, "MountDir": s.MountDir}, policy: policySharedStorage})
		}
	}
	return out
}

// otherSettingsChanged reports whether two configurations differ in settings the emulator does not
// model (the provider's config_overrides); ParallelCluster applies most of those as SUPPORTED.
func otherSettingsChanged(oldDoc, newDoc string) bool {
	var a, b map[string]any
	if yaml.Unmarshal([]byte(oldDoc), &a) != nil || yaml.Unmarshal([]byte(newDoc), &b) != nil {
		return false
	}
	return !reflect.DeepEqual(a, b)
}

// check returns the update validation errors of changes with the fleet stopped or not and the new
// configuration's QueueUpdateStrategy; the messages are update_policy.py's fail reasons and actions.
func check(changes []change, fleetStopped bool, strategy string) []UpdateError {
	var out []UpdateError
	fail := func(c change, msg string) {
		out = append(out, UpdateError{Parameter: strPtr(c.param), CurrentValue: valuePtr(c.current), RequestedValue: valuePtr(c.requested), Message: strPtr(msg)})
	}
	stopMsg := "All compute nodes must be stopped. Stop the compute fleet with the pcluster update-compute-fleet command"
	strategyMsg := "All compute nodes must be stopped or QueueUpdateStrategy must be set. Stop the compute fleet with the pcluster update-compute-fleet command, or set QueueUpdateStrategy in the configuration used for the 'update-cluster' operation"
	strategySet := strategy == "DRAIN" || strategy == "TERMINATE"
	for _, c := range changes {
		switch c.policy {
		case policyUnsupported:
			fail(c, fmt.Sprintf("Update actions are not currently supported for the '%s' parameter. Restore '%s' value to '%s'. If you need this change, please consider creating a new cluster instead of updating the existing one.",
				c.key, c.key, *valuePtr(c.current)))
		case policyFleetStop:
			if !fleetStopped {
				fail(c, stopMsg)
			}
		case policyFleetStopOnRemove:
			if !fleetStopped && c.requested == nil || !fleetStopped && c.key == "Instances" {
				fail(c, stopMsg)
			}
		case policyQueueUpdateStrategy:
			if !fleetStopped && !strategySet {
				fail(c, strategyMsg)
			}
		case policyMaxCount:
			cur, _ := c.current.(int)
			req, _ := c.requested.(int)
			if req < cur && !fleetStopped && strategy != "TERMINATE" {
				fail(c, "All compute nodes must be stopped or QueueUpdateStrategy must be set to TERMINATE. Stop the compute fleet with the pcluster update-compute-fleet command, or set QueueUpdateStrategy to TERMINATE in the configuration used for the 'update-cluster' operation. Be aware that this update will remove nodes from the scheduler and terminates the EC2 instances associated. Jobs running on the removed nodes will terminate")
			}
		case policySharedStorage:
			mustStop := c.requested == nil || c.key == "MountDir"
			if !fleetStopped && (mustStop || !strategySet) {
				if mustStop {
					fail(c, stopMsg)
				} else {
					fail(c, strategyMsg)
				}
			}
		}
	}
	return out
}
