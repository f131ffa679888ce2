// SPDX-License-Identifier: MPL-2.0

package gateway

// DataSync locations (NFS, SMB, S3, object storage, FSx for Lustre): their
// validation, Create/Describe/Update/Delete and ListLocations with filters.

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/datasync"
	dstypes "github.com/aws/aws-sdk-go-v2/service/datasync/types"
)

// ---- locations ----

// dsLocation is one location of any kind. Secrets (SMB password, object
// storage secret key) are kept but never returned, as in DataSync.
type dsLocation struct {
	ARN       string
	Kind      string // Nfs, Smb, S3, ObjectStorage, FsxLustre (the operation suffix)
	Region    string
	CreatedAt time.Time
	Tags      []dsTag

	Hostname     string
	Subdirectory string
	AgentArns    []string
	// NFS
	NfsVersion string
	// SMB
	User, Domain, Password, SmbVersion string
	// S3
	Bucket, StorageClass, RoleArn string
	// Object storage
	Port                 int32
	Protocol             string
	AccessKey, SecretKey string
	// FSx for Lustre
	FsxArn            string
	SecurityGroupArns []string
}

func (l *dsLocation) uri() string {
	sub := normSubdir(l.Subdirectory)
	switch l.Kind {
	case "Nfs":
		return "nfs://" + l.Hostname + sub
	case "Smb":
		return "smb://" + l.Hostname + sub
	case "S3":
		return "s3://" + l.Bucket + sub
	case "ObjectStorage":
		return "object-storage://" + l.Hostname + "/" + l.Bucket + sub
	case "FsxLustre":
		id := l.FsxArn
		if m := dsFsxARNRE.FindStringSubmatch(l.FsxArn); m != nil {
			id = m[1]
		}
		return "fsxl://" + l.Region + "." + id + sub
	}
	return ""
}

func (s *dataSyncService) newLocation(region, kind string, tags []dstypes.TagListEntry) (*dsLocation, error) {
	t, err := dsTags(tags)
	if err != nil {
		return nil, err
	}
	return &dsLocation{
		ARN:       fmt.Sprintf("arn:aws:datasync:%s:%s:location/loc-%s", region, s.g.cfg.AccountID, s.g.rnd.hex(17)),
		Kind:      kind,
		Region:    region,
		CreatedAt: s.g.now(),
		Tags:      t,
	}, nil
}

func (s *dataSyncService) addLocation(l *dsLocation) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.locations[l.ARN] = l
	s.locOrder = append(s.locOrder, l.ARN)
	return map[string]string{"LocationArn": l.ARN}
}

func checkNfsVersion(v dstypes.NfsVersion) error {
	if v == "" {
		return nil
	}
	for _, ok := range v.Values() {
		if v == ok {
			return nil
		}
	}
	return dsInvalid("InvalidParameters", "Invalid NFS version %q; valid values: AUTOMATIC, NFS3, NFS4_0, NFS4_1.", v)
}

func (s *dataSyncService) createLocationNfs(region string, in *datasync.CreateLocationNfsInput) (any, error) {
	if err := dsCheckHostname(dsDeref(in.ServerHostname)); err != nil {
		return nil, err
	}
	if err := dsCheckSubdir("Subdirectory", dsDeref(in.Subdirectory), true); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(dsDeref(in.Subdirectory), "/") {
		return nil, dsInvalid("InvalidParameters", "Subdirectory must be an NFS export path starting with /, got %q.", dsDeref(in.Subdirectory))
	}
	var agents []string
	if in.OnPremConfig != nil {
		agents = in.OnPremConfig.AgentArns
	}
	if err := dsCheckAgents(agents, true); err != nil {
		return nil, err
	}
	version := dstypes.NfsVersionAutomatic
	if in.MountOptions != nil && in.MountOptions.Version != "" {
		if err := checkNfsVersion(in.MountOptions.Version); err != nil {
			return nil, err
		}
		version = in.MountOptions.Version
	}
	l, err := s.newLocation(region, "Nfs", in.Tags)
	if err != nil {
		return nil, err
	}
	l.Hostname, l.Subdirectory, l.AgentArns, l.NfsVersion = dsDeref(in.ServerHostname), dsDeref(in.Subdirectory), agents, string(version)
	return s.addLocation(l), nil
}

func checkSmbVersion(v dstypes.SmbVersion) error {
	if v == "" {
		return nil
	}
	for _, ok := range v.Values() {
		if v == ok {
			return nil
		}
	}
	return dsInvalid("InvalidParameters", "Invalid SMB version %q.", v)
}

func (s *dataSyncService) createLocationSmb(region string, in *datasync.CreateLocationSmbInput) (any, error) {
	if err := dsCheckHostname(dsDeref(in.ServerHostname)); err != nil {
		return nil, err
	}
	if err := dsCheckSubdir("Subdirectory", dsDeref(in.Subdirectory), true); err != nil {
		return nil, err
	}
	if err := dsCheckAgents(in.AgentArns, true); err != nil {
		return nil, err
	}
	auth := in.AuthenticationType
	if auth == "" {
		auth = dstypes.SmbAuthenticationTypeNtlm
	}
	if auth == dstypes.SmbAuthenticationTypeNtlm && (dsDeref(in.User) == "" || dsDeref(in.Password) == "") {
		return nil, dsInvalid("InvalidParameters", "User and Password are required for NTLM authentication.")
	}
	if auth != dstypes.SmbAuthenticationTypeNtlm {
		return nil, dsInvalid("InvalidParameters", "The sandbox supports only NTLM authentication for SMB locations.")
	}
	version := dstypes.SmbVersionAutomatic
	if in.MountOptions != nil && in.MountOptions.Version != "" {
		if err := checkSmbVersion(in.MountOptions.Version); err != nil {
			return nil, err
		}
		version = in.MountOptions.Version
	}
	l, err := s.newLocation(region, "Smb", in.Tags)
	if err != nil {
		return nil, err
	}
	l.Hostname, l.Subdirectory, l.AgentArns = dsDeref(in.ServerHostname), dsDeref(in.Subdirectory), in.AgentArns
	l.User, l.Password, l.Domain, l.SmbVersion = dsDeref(in.User), dsDeref(in.Password), dsDeref(in.Domain), string(version)
	return s.addLocation(l), nil
}

func checkStorageClass(v dstypes.S3StorageClass) error {
	if v == "" {
		return nil
	}
	for _, ok := range v.Values() {
		if v == ok {
			return nil
		}
	}
	return dsInvalid("InvalidParameters", "Invalid S3 storage class %q.", v)
}

func (s *dataSyncService) createLocationS3(r *http.Request, region string, in *datasync.CreateLocationS3Input) (any, error) {
	ctx := r.Context()
	m := dsBucketARNRE.FindStringSubmatch(dsDeref(in.S3BucketArn))
	if m == nil {
		return nil, dsInvalid("InvalidParameters", "Invalid S3 bucket ARN %q: expected arn:aws:s3:::BUCKET.", dsDeref(in.S3BucketArn))
	}
	if in.S3Config == nil || !dsRoleARNRE.MatchString(dsDeref(in.S3Config.BucketAccessRoleArn)) {
		role := ""
		if in.S3Config != nil {
			role = dsDeref(in.S3Config.BucketAccessRoleArn)
		}
		return nil, dsInvalid("InvalidParameters", "S3Config.BucketAccessRoleArn must be an IAM role ARN, got %q.", role)
	}
	if err := dsCheckSubdir("Subdirectory", dsDeref(in.Subdirectory), false); err != nil {
		return nil, err
	}
	if err := dsCheckAgents(in.AgentArns, false); err != nil {
		return nil, err
	}
	if err := checkStorageClass(in.S3StorageClass); err != nil {
		return nil, err
	}
	if exists, ok := s.g.bucketExists(ctx, region, m[1]); ok && !exists {
		return nil, dsInvalid("InvalidParameters", "Unable to connect to S3 endpoint. Bucket %s does not exist.", m[1])
	}
	class := in.S3StorageClass
	if class == "" {
		class = dstypes.S3StorageClassStandard
	}
	l, err := s.newLocation(region, "S3", in.Tags)
	if err != nil {
		return nil, err
	}
	l.Bucket, l.Subdirectory, l.AgentArns, l.StorageClass, l.RoleArn = m[1], dsDeref(in.Subdirectory), in.AgentArns, string(class), dsDeref(in.S3Config.BucketAccessRoleArn)
	return s.addLocation(l), nil
}

func checkObjectStorage(port *int32, proto dstypes.ObjectStorageServerProtocol) error {
	if port != nil && (*port < 1 || *port > 65536) {
		return dsInvalid("InvalidParameters", "ServerPort must be between 1 and 65536, got %d.", *port)
	}
	if proto != "" && proto != dstypes.ObjectStorageServerProtocolHttp && proto != dstypes.ObjectStorageServerProtocolHttps {
		return dsInvalid("InvalidParameters", "ServerProtocol must be HTTP or HTTPS, got %q.", proto)
	}
	return nil
}

func (s *dataSyncService) createLocationObjectStorage(region string, in *datasync.CreateLocationObjectStorageInput) (any, error) {
	if err := dsCheckHostname(dsDeref(in.ServerHostname)); err != nil {
		return nil, err
	}
	b := dsDeref(in.BucketName)
	if b == "" || len(b) > 63 || !dsBucketRE.MatchString(b) {
		return nil, dsInvalid("InvalidParameters", "Invalid BucketName %q.", b)
	}
	if err := dsCheckSubdir("Subdirectory", dsDeref(in.Subdirectory), false); err != nil {
		return nil, err
	}
	if err := dsCheckAgents(in.AgentArns, false); err != nil {
		return nil, err
	}
	if err := checkObjectStorage(in.ServerPort, in.ServerProtocol); err != nil {
		return nil, err
	}
	if (dsDeref(in.AccessKey) == "") != (dsDeref(in.SecretKey) == "") {
		return nil, dsInvalid("InvalidParameters", "AccessKey and SecretKey must be given together.")
	}
	proto := in.ServerProtocol
	if proto == "" {
		proto = dstypes.ObjectStorageServerProtocolHttps
	}
	port := int32(443)
	if proto == dstypes.ObjectStorageServerProtocolHttp {
		port = 80
	}
	if in.ServerPort != nil {
		port = *in.ServerPort
	}
	l, err := s.newLocation(region, "ObjectStorage", in.Tags)
	if err != nil {
		return nil, err
	}
	l.Hostname, l.Bucket, l.Subdirectory, l.AgentArns = dsDeref(in.ServerHostname), b, dsDeref(in.Subdirectory), in.AgentArns
	l.Port, l.Protocol, l.AccessKey, l.SecretKey = port, string(proto), dsDeref(in.AccessKey), dsDeref(in.SecretKey)
	return s.addLocation(l), nil
}

// fsxFileSystemExists asks the gateway's FSx service whether a (not deleted)
// file system has this ARN. ok is false when no FSx service is registered.
func (g *Gateway) fsxFileSystemExists(arn string) (exists, ok bool) {
	fsvc, isFSx := g.lookup("fsx", "DescribeFileSystems").(*fsxService)
	if !isFSx {
		return false, false
	}
	fsvc.mu.Lock()
	defer fsvc.mu.Unlock()
	for _, fs := range fsvc.fss {
		if fs.ARN == arn && fs.DeleteAt.IsZero() {
			return true, true
		}
	}
	return false, true
}

// createLocationFsxLustre needs a file system DataSync can mount and security groups that exist:
// DataSync reaches the file system through network interfaces it places in the file system's subnet
// with the given groups ("The security groups must be able to access the file system's ports. The
// file system must also allow access from the security groups", CreateLocationFsxLustre,
// SecurityGroupArns, datasync 2018-11-09 service-2.json), so the groups must exist and the file
// system must be AVAILABLE (a CREATING file system has no network interfaces yet; FSx for Lustre
// User Guide, "File system status").
func (s *dataSyncService) createLocationFsxLustre(r *http.Request, region string, in *datasync.CreateLocationFsxLustreInput) (any, error) {
	arn := dsDeref(in.FsxFilesystemArn)
	m := dsFsxARNRE.FindStringSubmatch(arn)
	if m == nil {
		return nil, dsInvalid("InvalidParameters", "Invalid FSx file system ARN %q.", arn)
	}
	if exists, ok := s.g.fsxFileSystemExists(arn); ok && !exists {
		return nil, dsInvalid("InvalidParameters", "FSx for Lustre file system %s does not exist.", arn)
	}
	if fs, ok := s.g.FileSystem(m[1]); ok && fs.Lifecycle != "AVAILABLE" {
		return nil, dsInvalid("InvalidParameters", "FSx for Lustre file system %s is %s; DataSync can create a location only for an AVAILABLE file system.", m[1], fs.Lifecycle)
	}
	if len(in.SecurityGroupArns) == 0 || len(in.SecurityGroupArns) > 5 {
		return nil, dsInvalid("InvalidParameters", "SecurityGroupArns must contain between 1 and 5 security group ARNs.")
	}
	var sgIDs []string
	for _, sg := range in.SecurityGroupArns {
		if !dsSGARNRE.MatchString(sg) {
			return nil, dsInvalid("InvalidParameters", "Invalid security group ARN %q.", sg)
		}
		sgIDs = append(sgIDs, sg[strings.LastIndex(sg, "/")+1:])
	}
	if missing, ok := s.g.lookupSecurityGroups(r.Context(), region, sgIDs); ok && missing != "" {
		return nil, dsInvalid("InvalidParameters", "Security group %s does not exist; DataSync needs existing security groups to reach the file system.", missing)
	}
	if err := dsCheckSubdir("Subdirectory", dsDeref(in.Subdirectory), false); err != nil {
		return nil, err
	}
	l, err := s.newLocation(region, "FsxLustre", in.Tags)
	if err != nil {
		return nil, err
	}
	l.FsxArn, l.SecurityGroupArns, l.Subdirectory = arn, in.SecurityGroupArns, dsDeref(in.Subdirectory)
	return s.addLocation(l), nil
}

func (s *dataSyncService) location(arn, kind string) (*dsLocation, error) {
	l := s.locations[arn]
	if l == nil {
		return nil, dsNotFound("Location", arn)
	}
	if kind != "" && l.Kind != kind {
		return nil, dsInvalid("InvalidParameters", "Location %s is not a %s location.", arn, kind)
	}
	return l, nil
}

// dsLocationKinds are the location kinds, as in the names of their operations.
var dsLocationKinds = []string{"Nfs", "Smb", "S3", "ObjectStorage", "FsxLustre"}

// dsLocationArnInput is the input of every DescribeLocation* operation.
type dsLocationArnInput struct{ LocationArn *string }

// describeLocationOf serves DescribeLocation<kind>.
func (s *dataSyncService) describeLocationOf(kind string) func(in *dsLocationArnInput) (any, error) {
	return func(in *dsLocationArnInput) (any, error) { return s.describeLocation(kind, dsDeref(in.LocationArn)) }
}

func (s *dataSyncService) describeLocation(kind, arn string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.location(arn, kind)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"LocationArn":  l.ARN,
		"LocationUri":  l.uri(),
		"CreationTime": Epoch(l.CreatedAt),
	}
	switch l.Kind {
	case "Nfs":
		out["OnPremConfig"] = map[string]any{"AgentArns": l.AgentArns}
		out["MountOptions"] = map[string]any{"Version": l.NfsVersion}
	case "Smb":
		out["AgentArns"] = l.AgentArns
		out["User"] = l.User
		out["AuthenticationType"] = string(dstypes.SmbAuthenticationTypeNtlm)
		if l.Domain != "" {
			out["Domain"] = l.Domain
		}
		out["MountOptions"] = map[string]any{"Version": l.SmbVersion}
	case "S3":
		if len(l.AgentArns) > 0 {
			out["AgentArns"] = l.AgentArns
		}
		out["S3StorageClass"] = l.StorageClass
		out["S3Config"] = map[string]any{"BucketAccessRoleArn": l.RoleArn}
	case "ObjectStorage":
		if len(l.AgentArns) > 0 {
			out["AgentArns"] = l.AgentArns
		}
		out["ServerPort"] = l.Port
		out["ServerProtocol"] = l.Protocol
		if l.AccessKey != "" {
			out["AccessKey"] = l.AccessKey
		}
	case "FsxLustre":
		out["SecurityGroupArns"] = l.SecurityGroupArns
	}
	return out, nil
}

func (s *dataSyncService) deleteLocation(in *datasync.DeleteLocationInput) (any, error) {
	arn := dsDeref(in.LocationArn)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.location(arn, ""); err != nil {
		return nil, err
	}
	delete(s.locations, arn)
	s.locOrder = filterIDs(s.locOrder, func(id string) bool { return s.locations[id] != nil })
	return struct{}{}, nil
}

func (s *dataSyncService) listLocations(in *datasync.ListLocationsInput) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	type entry struct {
		LocationArn string `json:"LocationArn"`
		LocationUri string `json:"LocationUri"`
	}
	var all []entry
	for _, arn := range s.locOrder {
		l := s.locations[arn]
		if dsMatchLocationFilters(l, in.Filters) {
			all = append(all, entry{l.ARN, l.uri()})
		}
	}
	return dsPageOut("Locations", all, in.MaxResults, in.NextToken, "loc", 100)
}

func dsMatchLocationFilters(l *dsLocation, filters []dstypes.LocationFilter) bool {
	for _, f := range filters {
		var v string
		switch f.Name {
		case dstypes.LocationFilterNameLocationUri:
			v = l.uri()
		case dstypes.LocationFilterNameLocationType:
			v = strings.SplitN(l.uri(), ":", 2)[0]
			v = strings.ToUpper(strings.ReplaceAll(v, "-", "_"))
		default:
			continue
		}
		if !dsMatchOperator(v, f.Operator, f.Values) {
			return false
		}
	}
	return true
}

func dsMatchOperator(v string, op dstypes.Operator, values []string) bool {
	for _, want := range values {
		var ok bool
		switch op {
		case dstypes.OperatorEq, dstypes.OperatorIn:
			ok = v == want
		case dstypes.OperatorNe:
			ok = v != want
		case dstypes.OperatorContains:
			ok = strings.Contains(v, want)
		case dstypes.OperatorNotContains:
			ok = !strings.Contains(v, want)
		case dstypes.OperatorBeginsWith:
			ok = strings.HasPrefix(v, want)
		default:
			ok = true
		}
		if ok {
			return true
		}
	}
	return len(values) == 0
}
