// SPDX-License-Identifier: MPL-2.0

package gateway

// DataSync UpdateLocation* operations (the locations themselves are in
// datasync_locations.go).

import "github.com/aws/aws-sdk-go-v2/service/datasync"

func (s *dataSyncService) updateLocationNfs(in *datasync.UpdateLocationNfsInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.location(dsDeref(in.LocationArn), "Nfs")
	if err != nil {
		return nil, err
	}
	if in.ServerHostname != nil {
		if err := dsCheckHostname(*in.ServerHostname); err != nil {
			return nil, err
		}
	}
	if in.Subdirectory != nil {
		if err := dsCheckSubdir("Subdirectory", *in.Subdirectory, true); err != nil {
			return nil, err
		}
	}
	if in.OnPremConfig != nil {
		if err := dsCheckAgents(in.OnPremConfig.AgentArns, true); err != nil {
			return nil, err
		}
	}
	if in.MountOptions != nil {
		if err := checkNfsVersion(in.MountOptions.Version); err != nil {
			return nil, err
		}
	}
	if in.ServerHostname != nil {
		l.Hostname = *in.ServerHostname
	}
	if in.Subdirectory != nil {
		l.Subdirectory = *in.Subdirectory
	}
	if in.OnPremConfig != nil {
		l.AgentArns = in.OnPremConfig.AgentArns
	}
	if in.MountOptions != nil && in.MountOptions.Version != "" {
		l.NfsVersion = string(in.MountOptions.Version)
	}
	return struct{}{}, nil
}

func (s *dataSyncService) updateLocationSmb(in *datasync.UpdateLocationSmbInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.location(dsDeref(in.LocationArn), "Smb")
	if err != nil {
		return nil, err
	}
	if in.ServerHostname != nil {
		if err := dsCheckHostname(*in.ServerHostname); err != nil {
			return nil, err
		}
	}
	if in.Subdirectory != nil {
		if err := dsCheckSubdir("Subdirectory", *in.Subdirectory, true); err != nil {
			return nil, err
		}
	}
	if in.AgentArns != nil {
		if err := dsCheckAgents(in.AgentArns, true); err != nil {
			return nil, err
		}
	}
	if in.MountOptions != nil {
		if err := checkSmbVersion(in.MountOptions.Version); err != nil {
			return nil, err
		}
	}
	if in.ServerHostname != nil {
		l.Hostname = *in.ServerHostname
	}
	if in.Subdirectory != nil {
		l.Subdirectory = *in.Subdirectory
	}
	if in.AgentArns != nil {
		l.AgentArns = in.AgentArns
	}
	if in.User != nil {
		l.User = *in.User
	}
	if in.Domain != nil {
		l.Domain = *in.Domain
	}
	if in.Password != nil {
		l.Password = *in.Password
	}
	if in.MountOptions != nil && in.MountOptions.Version != "" {
		l.SmbVersion = string(in.MountOptions.Version)
	}
	return struct{}{}, nil
}

func (s *dataSyncService) updateLocationS3(in *datasync.UpdateLocationS3Input) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.location(dsDeref(in.LocationArn), "S3")
	if err != nil {
		return nil, err
	}
	if in.Subdirectory != nil {
		if err := dsCheckSubdir("Subdirectory", *in.Subdirectory, false); err != nil {
			return nil, err
		}
	}
	if err := checkStorageClass(in.S3StorageClass); err != nil {
		return nil, err
	}
	if in.S3Config != nil && !dsRoleARNRE.MatchString(dsDeref(in.S3Config.BucketAccessRoleArn)) {
		return nil, dsInvalid("InvalidParameters", "S3Config.BucketAccessRoleArn must be an IAM role ARN, got %q.", dsDeref(in.S3Config.BucketAccessRoleArn))
	}
	if in.Subdirectory != nil {
		l.Subdirectory = *in.Subdirectory
	}
	if in.S3StorageClass != "" {
		l.StorageClass = string(in.S3StorageClass)
	}
	if in.S3Config != nil {
		l.RoleArn = dsDeref(in.S3Config.BucketAccessRoleArn)
	}
	return struct{}{}, nil
}

func (s *dataSyncService) updateLocationObjectStorage(in *datasync.UpdateLocationObjectStorageInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.location(dsDeref(in.LocationArn), "ObjectStorage")
	if err != nil {
		return nil, err
	}
	if in.ServerHostname != nil {
		if err := dsCheckHostname(*in.ServerHostname); err != nil {
			return nil, err
		}
	}
	if in.Subdirectory != nil {
		if err := dsCheckSubdir("Subdirectory", *in.Subdirectory, false); err != nil {
			return nil, err
		}
	}
	if in.AgentArns != nil {
		if err := dsCheckAgents(in.AgentArns, false); err != nil {
			return nil, err
		}
	}
	if err := checkObjectStorage(in.ServerPort, in.ServerProtocol); err != nil {
		return nil, err
	}
	if in.ServerHostname != nil {
		l.Hostname = *in.ServerHostname
	}
	if in.Subdirectory != nil {
		l.Subdirectory = *in.Subdirectory
	}
	if in.AgentArns != nil {
		l.AgentArns = in.AgentArns
	}
	if in.ServerPort != nil {
		l.Port = *in.ServerPort
	}
	if in.ServerProtocol != "" {
		l.Protocol = string(in.ServerProtocol)
	}
	if in.AccessKey != nil {
		l.AccessKey = *in.AccessKey
	}
	if in.SecretKey != nil {
		l.SecretKey = *in.SecretKey
	}
	return struct{}{}, nil
}

func (s *dataSyncService) updateLocationFsxLustre(in *datasync.UpdateLocationFsxLustreInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.location(dsDeref(in.LocationArn), "FsxLustre")
	if err != nil {
		return nil, err
	}
	if in.Subdirectory != nil {
		if err := dsCheckSubdir("Subdirectory", *in.Subdirectory, false); err != nil {
			return nil, err
		}
		l.Subdirectory = *in.Subdirectory
	}
	return struct{}{}, nil
}
