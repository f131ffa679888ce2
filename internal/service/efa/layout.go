// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"encoding/base64"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// typeInfo is what the EFA network and the data source need to know about an instance type, taken
// from DescribeInstanceTypes (never from a hard-coded table).
type typeInfo struct {
	Name                string
	VCPUs               int
	MemoryGiB           float64
	GPUs                int
	GPUModel            string
	Accelerated         bool // GPUs, Trainium/Inferentia (Neuron) or other accelerators
	EFASupported        bool
	MaxEFAInterfaces    int
	NetworkCards        []int // network card indexes, ascending
	NetworkPerformance  string
	Architectures       []string
	PlacementStrategies []string
}

func newTypeInfo(it ec2types.InstanceTypeInfo) typeInfo {
	ti := typeInfo{Name: string(it.InstanceType)}
	if it.VCpuInfo != nil {
		ti.VCPUs = int(aws.ToInt32(it.VCpuInfo.DefaultVCpus))
	}
	if it.MemoryInfo != nil {
		ti.MemoryGiB = float64(aws.ToInt64(it.MemoryInfo.SizeInMiB)) / 1024
	}
	if it.GpuInfo != nil {
		for _, g := range it.GpuInfo.Gpus {
			ti.GPUs += int(aws.ToInt32(g.Count))
			if ti.GPUModel == "" {
				ti.GPUModel = strings.TrimSpace(aws.ToString(g.Manufacturer) + " " + aws.ToString(g.Name))
			}
		}
	}
	ti.Accelerated = ti.GPUs > 0 || it.NeuronInfo != nil || it.InferenceAcceleratorInfo != nil || it.FpgaInfo != nil || it.MediaAcceleratorInfo != nil
	if ni := it.NetworkInfo; ni != nil {
		ti.EFASupported = aws.ToBool(ni.EfaSupported)
		if ni.EfaInfo != nil {
			ti.MaxEFAInterfaces = int(aws.ToInt32(ni.EfaInfo.MaximumEfaInterfaces))
		}
		ti.NetworkPerformance = aws.ToString(ni.NetworkPerformance)
		for _, c := range ni.NetworkCards {
			ti.NetworkCards = append(ti.NetworkCards, int(aws.ToInt32(c.NetworkCardIndex)))
		}
		if len(ti.NetworkCards) == 0 {
			for i := 0; i < int(aws.ToInt32(ni.MaximumNetworkCards)); i++ {
				ti.NetworkCards = append(ti.NetworkCards, i)
			}
		}
		sort.Ints(ti.NetworkCards)
	}
	if it.ProcessorInfo != nil {
		for _, a := range it.ProcessorInfo.SupportedArchitectures {
			ti.Architectures = append(ti.Architectures, string(a))
		}
	}
	if it.PlacementGroupInfo != nil {
		for _, s := range it.PlacementGroupInfo.SupportedStrategies {
			ti.PlacementStrategies = append(ti.PlacementStrategies, string(s))
		}
	}
	return ti
}

// efaInterfaceCount is how many EFA interfaces the launch template carries: one per network card,
// up to the type's MaximumEfaInterfaces (at least one for an EFA-capable type).
func (ti typeInfo) efaInterfaceCount() int {
	if !ti.EFASupported {
		return 0
	}
	n := len(ti.NetworkCards)
	if n == 0 {
		n = 1
	}
	if ti.MaxEFAInterfaces > 0 && ti.MaxEFAInterfaces < n {
		n = ti.MaxEFAInterfaces
	}
	return n
}

func (ti typeInfo) supportsStrategy(s string) bool {
	if len(ti.PlacementStrategies) == 0 {
		return true // not reported: let EC2 decide at launch
	}
	for _, v := range ti.PlacementStrategies {
		if v == s {
			return true
		}
	}
	return false
}

func (ti typeInfo) hasArch(a string) bool {
	for _, v := range ti.Architectures {
		if v == a {
			return true
		}
	}
	return false
}

// efaInterfaceSpec is one network interface of the launch template.
type efaInterfaceSpec struct {
	NetworkCardIndex int
	DeviceIndex      int
}

// efaLayout places the EFA interfaces as the EC2 User Guide prescribes for instance types with
// several network cards: interface 0 on card 0 at device index 0, then one interface per further
// card at device index 1, up to MaximumEfaInterfaces.
func efaLayout(ti typeInfo) []efaInterfaceSpec {
	n := ti.efaInterfaceCount()
	cards := ti.NetworkCards
	if len(cards) == 0 {
		cards = []int{0}
	}
	out := make([]efaInterfaceSpec, 0, n)
	for i := 0; i < n && i < len(cards); i++ {
		dev := 1
		if i == 0 {
			dev = 0
		}
		out = append(out, efaInterfaceSpec{NetworkCardIndex: cards[i], DeviceIndex: dev})
	}
	return out
}

// expandNetworkInterfaces builds the launch template's interfaces: every one of type efa in the
// subnet, carrying the EFA security group first and then the additional ones.
func expandNetworkInterfaces(layout []efaInterfaceSpec, subnetID string, groups []string) []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest {
	out := make([]ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest, 0, len(layout))
	for _, l := range layout {
		out = append(out, ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{
			NetworkCardIndex:    aws.Int32(int32(l.NetworkCardIndex)),
			DeviceIndex:         aws.Int32(int32(l.DeviceIndex)),
			InterfaceType:       aws.String("efa"),
			SubnetId:            aws.String(subnetID),
			Groups:              append([]string(nil), groups...),
			DeleteOnTermination: aws.Bool(true),
		})
	}
	return out
}

// family splits an instance type name into its series letters and its class: "m6i.xlarge" gives
// ("m", "m6i"); "hpc7g.16xlarge" gives ("hpc", "hpc7g"); "p6-b200.48xlarge" gives ("p", "p6-b200").
func family(name string) (series, class string) {
	class, _, _ = strings.Cut(name, ".")
	i := strings.IndexFunc(class, unicode.IsDigit)
	if i < 0 {
		return class, class
	}
	return class[:i], class
}

// nearestEFATypes ranks EFA-capable candidates by closeness to target: vCPUs and memory on a log
// scale (a type twice as large costs 1), plus a penalty for another series (c, m, hpc, p ...), for
// accelerators (GPUs, Trainium, Inferentia) present on one side only, and a large one for a CPU architecture the target does not have.
// The same class (m6i) earns a small bonus. Ties break by name.
func nearestEFATypes(target typeInfo, candidates []typeInfo, n int) []typeInfo {
	type scored struct {
		ti    typeInfo
		score float64
	}
	tSeries, tClass := family(target.Name)
	var list []scored
	for _, c := range candidates {
		if !c.EFASupported || c.Name == target.Name {
			continue
		}
		s := logDistance(float64(target.VCPUs), float64(c.VCPUs)) + logDistance(target.MemoryGiB, c.MemoryGiB)
		cSeries, cClass := family(c.Name)
		if cSeries != tSeries {
			s += 1
		}
		if cClass == tClass {
			s -= 0.5
		}
		if target.Accelerated != c.Accelerated {
			s += 4 // as far as a type 16 times the size
		}
		if len(target.Architectures) > 0 && len(c.Architectures) > 0 && !c.hasArch(target.Architectures[0]) {
			s += 10
		}
		list = append(list, scored{c, s})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].score != list[j].score {
			return list[i].score < list[j].score
		}
		return list[i].ti.Name < list[j].ti.Name
	})
	if len(list) > n {
		list = list[:n]
	}
	out := make([]typeInfo, len(list))
	for i, s := range list {
		out[i] = s.ti
	}
	return out
}

func logDistance(a, b float64) float64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	return math.Abs(math.Log2(b / a))
}

// describeTypes renders a short list such as "m6i.32xlarge (128 vCPU, 512 GiB), p5.48xlarge (192 vCPU, 2048 GiB, 8 GPU)".
func describeTypes(tis []typeInfo) string {
	parts := make([]string, 0, len(tis))
	for _, t := range tis {
		s := fmt.Sprintf("%s (%d vCPU, %s GiB", t.Name, t.VCPUs, trimFloat(t.MemoryGiB))
		if t.GPUs > 0 {
			s += fmt.Sprintf(", %d GPU", t.GPUs)
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, ", ")
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

// launchTemplateInput is everything a launch template version is built from.
type launchTemplateInput struct {
	InstanceType       string
	SubnetID           string
	SecurityGroupID    string
	AdditionalGroups   []string
	PlacementGroupName string
	Layout             []efaInterfaceSpec
	Settings           *LaunchTemplateSettings
	RootDeviceName     string // from the AMI, when a root volume size is set
}

// expandLaunchTemplateData builds the launch template data of a version.
func expandLaunchTemplateData(in launchTemplateInput) *ec2types.RequestLaunchTemplateData {
	groups := append([]string{in.SecurityGroupID}, in.AdditionalGroups...)
	data := &ec2types.RequestLaunchTemplateData{
		InstanceType:      ec2types.InstanceType(in.InstanceType),
		NetworkInterfaces: expandNetworkInterfaces(in.Layout, in.SubnetID, groups),
	}
	if in.PlacementGroupName != "" {
		data.Placement = &ec2types.LaunchTemplatePlacementRequest{GroupName: aws.String(in.PlacementGroupName)}
	}
	s := in.Settings
	if s == nil {
		return data
	}
	if s.ImageID != "" {
		data.ImageId = aws.String(s.ImageID)
	}
	if s.KeyName != "" {
		data.KeyName = aws.String(s.KeyName)
	}
	if s.UserData != "" {
		data.UserData = aws.String(base64.StdEncoding.EncodeToString([]byte(s.UserData)))
	}
	if v := s.IAMInstanceProfile; v != "" {
		if strings.HasPrefix(v, "arn:") {
			data.IamInstanceProfile = &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Arn: aws.String(v)}
		} else {
			data.IamInstanceProfile = &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String(v)}
		}
	}
	if s.RootVolumeSizeGiB > 0 && in.RootDeviceName != "" {
		data.BlockDeviceMappings = []ec2types.LaunchTemplateBlockDeviceMappingRequest{{
			DeviceName: aws.String(in.RootDeviceName),
			Ebs: &ec2types.LaunchTemplateEbsBlockDeviceRequest{
				VolumeSize:          aws.Int32(s.RootVolumeSizeGiB),
				VolumeType:          ec2types.VolumeTypeGp3,
				DeleteOnTermination: aws.Bool(true),
			},
		}}
	}
	return data
}

// flattenLaunchTemplateData reads a launch template version back into the network: instance type,
// subnet, security groups, placement group, EFA interface count and the launch template settings.
func flattenLaunchTemplateData(n *Network, d *ec2types.ResponseLaunchTemplateData) {
	if d == nil {
		return
	}
	n.InstanceType = string(d.InstanceType)
	n.EFAInterfaceCount = 0
	for _, ni := range d.NetworkInterfaces {
		if aws.ToString(ni.InterfaceType) == "efa" {
			n.EFAInterfaceCount++
		}
	}
	if len(d.NetworkInterfaces) > 0 {
		ni := d.NetworkInterfaces[0]
		if v := aws.ToString(ni.SubnetId); v != "" {
			n.SubnetID = v
		}
		if len(ni.Groups) > 0 {
			n.SecurityGroupID = ni.Groups[0]
			n.AdditionalSecurityGroupIDs = nil
			if len(ni.Groups) > 1 {
				n.AdditionalSecurityGroupIDs = append([]string(nil), ni.Groups[1:]...)
				sort.Strings(n.AdditionalSecurityGroupIDs)
			}
		}
	}
	n.PlacementGroupName = ""
	if d.Placement != nil {
		n.PlacementGroupName = aws.ToString(d.Placement.GroupName)
	}
	n.PlacementStrategy = strategyCluster
	if n.PlacementGroupName == "" {
		n.PlacementStrategy = strategyNone
	}
	n.LaunchTemplate = flattenSettings(d)
}

func flattenSettings(d *ec2types.ResponseLaunchTemplateData) *LaunchTemplateSettings {
	s := LaunchTemplateSettings{ImageID: aws.ToString(d.ImageId), KeyName: aws.ToString(d.KeyName)}
	if p := d.IamInstanceProfile; p != nil {
		s.IAMInstanceProfile = aws.ToString(p.Arn)
		if s.IAMInstanceProfile == "" {
			s.IAMInstanceProfile = aws.ToString(p.Name)
		}
	}
	if v := aws.ToString(d.UserData); v != "" {
		s.UserData = v
		if b, err := base64.StdEncoding.DecodeString(v); err == nil {
			s.UserData = string(b)
		}
	}
	for _, bdm := range d.BlockDeviceMappings {
		if bdm.Ebs != nil && bdm.Ebs.VolumeSize != nil {
			s.RootVolumeSizeGiB = aws.ToInt32(bdm.Ebs.VolumeSize)
			break
		}
	}
	if s == (LaunchTemplateSettings{}) {
		return nil
	}
	return &s
}
