// SPDX-License-Identifier: MPL-2.0

package gateway

// FSx for Lustre file systems: their wire shapes and rendering, and
// Create/Describe/Update/DeleteFileSystem (state and lifecycle are in fsx.go,
// validation in fsx_validate.go).

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// ---- wire shapes (types.FileSystem and friends, JSON protocol) ----

type fsxMessage struct {
	Message string `json:"Message"`
}

type fileSystemOut struct {
	AdministrativeActions []adminActionOut `json:"AdministrativeActions,omitempty"`
	CreationTime          *EpochSeconds    `json:"CreationTime,omitempty"`
	DNSName               string           `json:"DNSName,omitempty"`
	FailureDetails        *fsxMessage      `json:"FailureDetails,omitempty"`
	FileSystemID          string           `json:"FileSystemId,omitempty"`
	FileSystemType        string           `json:"FileSystemType,omitempty"`
	FileSystemTypeVersion string           `json:"FileSystemTypeVersion,omitempty"`
	KmsKeyID              string           `json:"KmsKeyId,omitempty"`
	Lifecycle             string           `json:"Lifecycle,omitempty"`
	LustreConfiguration   *lustreOut       `json:"LustreConfiguration,omitempty"`
	NetworkInterfaceIDs   []string         `json:"NetworkInterfaceIds,omitempty"`
	OwnerID               string           `json:"OwnerId,omitempty"`
	ResourceARN           string           `json:"ResourceARN,omitempty"`
	StorageCapacity       *int32           `json:"StorageCapacity,omitempty"`
	StorageType           string           `json:"StorageType,omitempty"`
	SubnetIDs             []string         `json:"SubnetIds,omitempty"`
	Tags                  []fsTag          `json:"Tags,omitempty"`
	VpcID                 string           `json:"VpcId,omitempty"`
}

type dataRepoConfigOut struct {
	AutoImportPolicy      string `json:"AutoImportPolicy,omitempty"`
	ExportPath            string `json:"ExportPath,omitempty"`
	ImportPath            string `json:"ImportPath,omitempty"`
	ImportedFileChunkSize *int32 `json:"ImportedFileChunkSize,omitempty"`
	Lifecycle             string `json:"Lifecycle,omitempty"`
}

type lustreOut struct {
	AutomaticBackupRetentionDays  *int32                                 `json:"AutomaticBackupRetentionDays,omitempty"`
	CopyTagsToBackups             *bool                                  `json:"CopyTagsToBackups,omitempty"`
	DailyAutomaticBackupStartTime string                                 `json:"DailyAutomaticBackupStartTime,omitempty"`
	DataCompressionType           string                                 `json:"DataCompressionType,omitempty"`
	DataReadCacheConfiguration    *fsxtypes.LustreReadCacheConfiguration `json:"DataReadCacheConfiguration,omitempty"`
	DataRepositoryConfiguration   *dataRepoConfigOut                     `json:"DataRepositoryConfiguration,omitempty"`
	DeploymentType                string                                 `json:"DeploymentType,omitempty"`
	DriveCacheType                string                                 `json:"DriveCacheType,omitempty"`
	EfaEnabled                    *bool                                  `json:"EfaEnabled,omitempty"`
	LogConfiguration              *logConfig                             `json:"LogConfiguration,omitempty"`
	MetadataConfiguration         *metadataConfig                        `json:"MetadataConfiguration,omitempty"`
	MountName                     string                                 `json:"MountName,omitempty"`
	PerUnitStorageThroughput      *int32                                 `json:"PerUnitStorageThroughput,omitempty"`
	RootSquashConfiguration       *rootSquash                            `json:"RootSquashConfiguration,omitempty"`
	ThroughputCapacity            *int32                                 `json:"ThroughputCapacity,omitempty"`
	WeeklyMaintenanceStartTime    string                                 `json:"WeeklyMaintenanceStartTime,omitempty"`
}

type adminActionOut struct {
	AdministrativeActionType string         `json:"AdministrativeActionType"`
	ProgressPercent          *int32         `json:"ProgressPercent,omitempty"`
	RequestTime              *EpochSeconds  `json:"RequestTime,omitempty"`
	Status                   string         `json:"Status"`
	TargetFileSystemValues   *fileSystemOut `json:"TargetFileSystemValues,omitempty"`
}

func (s *fsxService) render(fs *fileSystem, now time.Time) fileSystemOut {
	t := s.g.Timings()
	st := fs.Settings
	lc := fs.lifecycle(now, t)
	out := fileSystemOut{
		CreationTime:          Epoch(fs.CreatedAt),
		DNSName:               fs.DNSName,
		FileSystemID:          fs.ID,
		FileSystemType:        string(fsxtypes.FileSystemTypeLustre),
		FileSystemTypeVersion: deref(st.Version),
		KmsKeyID:              fs.KmsKeyID,
		Lifecycle:             lc,
		NetworkInterfaceIDs:   fs.ENIs,
		OwnerID:               s.g.cfg.AccountID,
		ResourceARN:           fs.ARN,
		StorageCapacity:       st.StorageCapacity,
		StorageType:           fs.StorageType,
		SubnetIDs:             fs.SubnetIDs,
		Tags:                  fs.Tags,
		VpcID:                 fs.VpcID,
	}
	if lc == string(fsxtypes.FileSystemLifecycleCreating) {
		// Network interfaces and the DNS name are assigned during creation.
		out.NetworkInterfaceIDs = nil
	}
	if fs.FailMessage != "" && lc == string(fsxtypes.FileSystemLifecycleFailed) {
		out.FailureDetails = &fsxMessage{Message: fs.FailMessage}
	}
	lo := &lustreOut{
		DataCompressionType:        deref(st.Compression),
		DeploymentType:             fs.DeploymentType,
		DriveCacheType:             fs.DriveCache,
		LogConfiguration:           st.Log,
		MetadataConfiguration:      st.Metadata,
		MountName:                  fs.MountName,
		PerUnitStorageThroughput:   st.PerUnitThroughput,
		RootSquashConfiguration:    st.RootSquash,
		ThroughputCapacity:         st.ThroughputCapacity,
		WeeklyMaintenanceStartTime: deref(st.WeeklyMaintenance),
		DataReadCacheConfiguration: fs.ReadCache,
	}
	if fs.EFA {
		lo.EfaEnabled = ptr(true)
	}
	if isPersistent(fs.DeploymentType) {
		lo.AutomaticBackupRetentionDays = st.BackupRetentionDays
		lo.DailyAutomaticBackupStartTime = deref(st.DailyBackup)
		lo.CopyTagsToBackups = fs.CopyTags
	}
	if fs.ImportPath != "" {
		drLC := string(fsxtypes.DataRepositoryLifecycleAvailable)
		if lc == string(fsxtypes.FileSystemLifecycleCreating) || lc == string(fsxtypes.FileSystemLifecycleDeleting) {
			drLC = lc
		}
		lo.DataRepositoryConfiguration = &dataRepoConfigOut{
			AutoImportPolicy:      deref(st.AutoImportPolicy),
			ExportPath:            fs.ExportPath,
			ImportPath:            fs.ImportPath,
			ImportedFileChunkSize: fs.ChunkSize,
			Lifecycle:             drLC,
		}
	}
	out.LustreConfiguration = lo

	for _, a := range fs.Actions {
		out.AdministrativeActions = append(out.AdministrativeActions, renderActions(a, now)...)
	}
	return out
}

func renderActions(a *adminAction, now time.Time) []adminActionOut {
	target := &fileSystemOut{StorageCapacity: a.Target.StorageCapacity, FileSystemTypeVersion: deref(a.Target.Version)}
	lo := &lustreOut{
		PerUnitStorageThroughput:   a.Target.PerUnitThroughput,
		ThroughputCapacity:         a.Target.ThroughputCapacity,
		DataCompressionType:        deref(a.Target.Compression),
		RootSquashConfiguration:    a.Target.RootSquash,
		LogConfiguration:           a.Target.Log,
		MetadataConfiguration:      a.Target.Metadata,
		WeeklyMaintenanceStartTime: deref(a.Target.WeeklyMaintenance),
	}
	if *lo != (lustreOut{}) {
		target.LustreConfiguration = lo
	}
	update := adminActionOut{
		AdministrativeActionType: string(fsxtypes.AdministrativeActionTypeFileSystemUpdate),
		RequestTime:              Epoch(a.RequestTime),
		TargetFileSystemValues:   target,
	}
	switch {
	case now.Before(a.UpdateEnd):
		update.Status = string(fsxtypes.StatusInProgress)
	case !a.OptimizeEnd.IsZero() && now.Before(a.OptimizeEnd):
		update.Status = string(fsxtypes.StatusUpdatedOptimizing)
	default:
		update.Status = string(fsxtypes.StatusCompleted)
	}
	out := []adminActionOut{update}
	if !a.OptimizeEnd.IsZero() && !now.Before(a.UpdateEnd) {
		opt := adminActionOut{
			AdministrativeActionType: string(fsxtypes.AdministrativeActionTypeStorageOptimization),
			RequestTime:              Epoch(a.UpdateEnd),
		}
		total := a.OptimizeEnd.Sub(a.UpdateEnd)
		if now.Before(a.OptimizeEnd) && total > 0 {
			opt.Status = string(fsxtypes.StatusInProgress)
			opt.ProgressPercent = ptr(int32(100 * now.Sub(a.UpdateEnd) / total))
		} else {
			opt.Status = string(fsxtypes.StatusCompleted)
			opt.ProgressPercent = ptr(int32(100))
		}
		out = append(out, opt)
	}
	return out
}

// ---- operations ----

func (s *fsxService) notFound(id string) error {
	return Errorf("FileSystemNotFound", "File system '%s' does not exist.", id)
}

func (s *fsxService) createFileSystem(r *http.Request, region string, in *fsx.CreateFileSystemInput) (any, error) {
	spec, err := validateCreateFileSystem(in)
	if err != nil {
		return nil, err
	}
	tags, err := convertTags(in.Tags)
	if err != nil {
		return nil, err
	}
	vpcID, err := s.checkNetwork(r.Context(), region, in, spec.efa)
	if err != nil {
		return nil, err
	}

	now := s.g.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(now)

	if tok := deref(in.ClientRequestToken); tok != "" {
		if id, ok := s.tokens["fs:"+tok]; ok {
			if fs := s.fss[id]; fs != nil {
				return map[string]any{"FileSystem": s.render(fs, now)}, nil
			}
		}
	}
	if len(s.fss) >= MaxFileSystems {
		return nil, Errorf("ServiceLimitExceeded", "Account %s has reached the limit of %d file systems.", s.g.cfg.AccountID, MaxFileSystems).With("Limit", string(fsxtypes.ServiceLimitFileSystemCount))
	}
	fs := s.newFileSystem(region, in, spec, vpcID, now)
	fs.Tags = tags
	fs.FailMessage = failMessage(tags)
	s.fss[fs.ID] = fs
	s.fsOrder = append(s.fsOrder, fs.ID)
	if tok := deref(in.ClientRequestToken); tok != "" {
		s.tokens["fs:"+tok] = fs.ID
	}
	return map[string]any{"FileSystem": s.render(fs, now)}, nil
}

// checkNetwork checks the subnet and security groups against moto's EC2, when it is reachable, and the
// groups' rules as FSx does; it returns the subnet's VPC ("" when moto could not tell).
func (s *fsxService) checkNetwork(ctx context.Context, region string, in *fsx.CreateFileSystemInput, efa bool) (string, error) {
	vpcID := ""
	var subnet motoSubnet
	if subnets, notFound, ok := s.g.lookupSubnets(ctx, region, in.SubnetIds); ok {
		if notFound != "" {
			return "", Errorf("InvalidNetworkSettings", "The subnet ID '%s' does not exist", in.SubnetIds[0]).With("InvalidSubnetId", in.SubnetIds[0])
		}
		if len(subnets) > 0 {
			subnet = subnets[0]
			vpcID = subnet.VpcID
		}
	}
	if missing, ok := s.g.lookupSecurityGroups(ctx, region, in.SecurityGroupIds); ok && missing != "" {
		return "", Errorf("InvalidNetworkSettings", "The security group ID '%s' does not exist", missing).With("InvalidSecurityGroupId", missing)
	}
	if vpcID != "" {
		if err := s.g.checkFileSystemGroups(ctx, region, subnet, in.SecurityGroupIds, efa); err != nil {
			return "", err
		}
	}
	return vpcID, nil
}

// newFileSystem is the file system a validated create makes, with what AWS picks when the request does
// not say: an ID, ENIs, a DNS and mount name, the account's FSx key for persistent file systems, a weekly
// maintenance window.
func (s *fsxService) newFileSystem(region string, in *fsx.CreateFileSystemInput, spec *createSpec, vpcID string, now time.Time) *fileSystem {
	id := "fs-" + s.g.rnd.hex(17)
	fs := &fileSystem{
		ID:             id,
		ARN:            fmt.Sprintf("arn:aws:fsx:%s:%s:file-system/%s", region, s.g.cfg.AccountID, id),
		Region:         region,
		CreatedAt:      now,
		StorageType:    spec.storageType,
		DeploymentType: spec.deploymentType,
		DriveCache:     spec.driveCache,
		EFA:            spec.efa,
		KmsKeyID:       spec.kmsKeyID,
		SubnetIDs:      append([]string(nil), in.SubnetIds...),
		VpcID:          vpcID,
		ENIs:           []string{"eni-" + s.g.rnd.hex(17), "eni-" + s.g.rnd.hex(17)},
		DNSName:        fmt.Sprintf("%s.fsx.%s.amazonaws.com", id, region),
		CopyTags:       spec.copyTags,
		ImportPath:     spec.importPath,
		ExportPath:     spec.exportPath,
		ChunkSize:      spec.chunkSize,
		ReadCache:      spec.readCache,
		Settings:       spec.settings,
	}
	if fs.KmsKeyID == "" && isPersistent(fs.DeploymentType) {
		// Persistent file systems are encrypted with the account's
		// FSx-managed key (aws/fsx) when no key is given.
		fs.KmsKeyID = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s-%s-4%s-8%s-%s", region, s.g.cfg.AccountID,
			s.g.rnd.hex(8), s.g.rnd.hex(4), s.g.rnd.hex(3), s.g.rnd.hex(3), s.g.rnd.hex(12))
	}
	if spec.deploymentType == string(fsxtypes.LustreDeploymentTypeScratch1) {
		fs.MountName = "fsx"
	} else {
		fs.MountName = s.g.rnd.alnum(8)
	}
	if fs.Settings.WeeklyMaintenance == nil {
		// AWS picks a weekly maintenance window when none is given.
		wm := fmt.Sprintf("%d:%02d:%02d", 1+int(s.g.rnd.Float64()*7), int(s.g.rnd.Float64()*24), 30*int(s.g.rnd.Float64()*2))
		fs.Settings.WeeklyMaintenance = &wm
	}
	return fs
}

func (s *fsxService) describeFileSystems(in *fsx.DescribeFileSystemsInput) (any, error) {
	now := s.g.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(now)
	ids := s.fsOrder
	if len(in.FileSystemIds) > 0 {
		ids = nil
		seen := map[string]bool{}
		for _, id := range in.FileSystemIds {
			if s.fss[id] == nil {
				return nil, s.notFound(id)
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	start, end, next, err := JSONPage(len(ids), in.MaxResults, in.NextToken, "fs", 2147483647)
	if err != nil {
		return nil, err
	}
	list := make([]fileSystemOut, 0, end-start)
	for _, id := range ids[start:end] {
		list = append(list, s.render(s.fss[id], now))
	}
	out := map[string]any{"FileSystems": list}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (s *fsxService) updateFileSystem(in *fsx.UpdateFileSystemInput) (any, error) {
	id := deref(in.FileSystemId)
	if id == "" {
		return nil, Errorf("BadRequest", "FileSystemId is required.")
	}
	now := s.g.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(now)
	fs := s.fss[id]
	if fs == nil {
		return nil, s.notFound(id)
	}
	if in.WindowsConfiguration != nil || in.OntapConfiguration != nil || in.OpenZFSConfiguration != nil {
		return nil, Errorf("BadRequest", "File system %s is an FSx for Lustre file system; only LustreConfiguration can be updated.", id)
	}
	if lc := fs.lifecycle(now, s.g.Timings()); lc != string(fsxtypes.FileSystemLifecycleAvailable) {
		return nil, Errorf("BadRequest", "Unable to update file system %s because it is in the %s lifecycle state. Updates require the AVAILABLE state.", id, lc)
	}
	target, immediate, err := validateUpdateFileSystem(fs, in, now, s.g.Timings().storageIncreaseInterval())
	if err != nil {
		return nil, err
	}
	if !target.empty() && fs.updateInProgress(now) {
		return nil, Errorf("BadRequest", "Unable to perform the update of file system %s because a previous update is still in progress. Wait for its administrative action to complete.", id)
	}
	fs.Settings.merge(immediate)
	if !target.empty() {
		t := s.g.Timings()
		a := &adminAction{
			Type:        string(fsxtypes.AdministrativeActionTypeFileSystemUpdate),
			RequestTime: now,
			UpdateEnd:   now.Add(t.FSxUpdate),
			Target:      target,
		}
		if target.StorageCapacity != nil {
			// Storage scaling is followed by a STORAGE_OPTIMIZATION phase that
			// rebalances data while the file system is available.
			a.OptimizeEnd = a.UpdateEnd.Add(t.FSxUpdate)
		}
		fs.Actions = append(fs.Actions, a)
	}
	return map[string]any{"FileSystem": s.render(fs, now)}, nil
}

func (s *fsxService) deleteFileSystem(in *fsx.DeleteFileSystemInput) (any, error) {
	id := deref(in.FileSystemId)
	now := s.g.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(now)
	fs := s.fss[id]
	if fs == nil {
		return nil, s.notFound(id)
	}
	if in.WindowsConfiguration != nil || in.OpenZFSConfiguration != nil {
		return nil, Errorf("BadRequest", "File system %s is an FSx for Lustre file system.", id)
	}
	out := map[string]any{"FileSystemId": id, "Lifecycle": string(fsxtypes.FileSystemLifecycleDeleting)}
	if lc := in.LustreConfiguration; lc != nil && lc.SkipFinalBackup != nil && !*lc.SkipFinalBackup {
		if !isPersistent(fs.DeploymentType) {
			return nil, Errorf("BadRequest", "Final backups are not supported for %s file systems.", fs.DeploymentType)
		}
		resp := map[string]any{"FinalBackupId": "backup-" + s.g.rnd.hex(17)}
		if len(lc.FinalBackupTags) > 0 {
			tags, err := convertTags(lc.FinalBackupTags)
			if err != nil {
				return nil, err
			}
			resp["FinalBackupTags"] = tags
		}
		out["LustreResponse"] = resp
	}
	if fs.DeleteAt.IsZero() {
		fs.DeleteAt = now
		for _, d := range s.dras {
			if d.FileSystemID == id && d.DeleteAt.IsZero() {
				d.DeleteAt = now
			}
		}
	}
	return out, nil
}
