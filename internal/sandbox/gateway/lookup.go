// SPDX-License-Identifier: MPL-2.0

package gateway

// In-process lookups for other sandbox emulators (the ParallelCluster API emulator validates a
// cluster's shared storage and placement groups against what the gateway serves). They read the
// gateway's state directly, so they add nothing to the call log: the log stays what clients called.

import "strings"

// FileSystemInfo is what the sandbox knows of an FSx file system.
type FileSystemInfo struct {
	ID             string
	FileSystemType string // LUSTRE
	Lifecycle      string // CREATING, AVAILABLE, UPDATING, DELETING, FAILED
	VpcID          string
	SubnetIDs      []string
	DNSName        string
	MountName      string
}

// FileSystem returns the file system with this ID in the gateway's FSx state.
func (g *Gateway) FileSystem(id string) (FileSystemInfo, bool) {
	s, ok := g.lookup("fsx", "DescribeFileSystems").(*fsxService)
	if !ok {
		return FileSystemInfo{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fs := s.fss[id]
	if fs == nil {
		return FileSystemInfo{}, false
	}
	return FileSystemInfo{
		ID:             fs.ID,
		FileSystemType: "LUSTRE",
		Lifecycle:      fs.lifecycle(g.now(), g.Timings()),
		VpcID:          fs.VpcID,
		SubnetIDs:      append([]string(nil), fs.SubnetIDs...),
		DNSName:        fs.DNSName,
		MountName:      fs.MountName,
	}, true
}

// PlacementGroup returns the strategy (cluster, spread, partition) of the placement group with this
// name in region, and whether it exists.
func (g *Gateway) PlacementGroup(region, name string) (strategy string, ok bool) {
	s, isPG := g.lookup("ec2", "DescribePlacementGroups").(*placementGroupService)
	if !isPG {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pg := s.groups[region+"/"+name]
	if pg == nil {
		return "", false
	}
	return strings.ToLower(pg.Strategy), true
}
