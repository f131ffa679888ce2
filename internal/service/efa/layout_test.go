// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestEFALayout(t *testing.T) {
	cases := []struct {
		name string
		ti   typeInfo
		want []efaInterfaceSpec
	}{
		{"not EFA", typeInfo{EFASupported: false, NetworkCards: []int{0}}, []efaInterfaceSpec{}},
		{"one card (c5n.18xlarge)", typeInfo{EFASupported: true, MaxEFAInterfaces: 1, NetworkCards: []int{0}},
			[]efaInterfaceSpec{{0, 0}}},
		{"four cards (p4d.24xlarge)", typeInfo{EFASupported: true, MaxEFAInterfaces: 4, NetworkCards: []int{0, 1, 2, 3}},
			[]efaInterfaceSpec{{0, 0}, {1, 1}, {2, 1}, {3, 1}}},
		{"more cards than EFA interfaces", typeInfo{EFASupported: true, MaxEFAInterfaces: 2, NetworkCards: []int{0, 1, 2, 3}},
			[]efaInterfaceSpec{{0, 0}, {1, 1}}},
		{"no card list", typeInfo{EFASupported: true, MaxEFAInterfaces: 1}, []efaInterfaceSpec{{0, 0}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := efaLayout(tc.ti)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("efaLayout = %v, want %v", got, tc.want)
			}
			if len(got) != tc.ti.efaInterfaceCount() && tc.ti.EFASupported {
				t.Fatalf("layout has %d interfaces, efaInterfaceCount %d", len(got), tc.ti.efaInterfaceCount())
			}
		})
	}

	// 32 cards (p5.48xlarge): card i carries one interface; only card 0 uses device index 0.
	cards := make([]int, 32)
	for i := range cards {
		cards[i] = i
	}
	l := efaLayout(typeInfo{EFASupported: true, MaxEFAInterfaces: 32, NetworkCards: cards})
	nis := expandNetworkInterfaces(l, "subnet-1", []string{"sg-efa", "sg-extra"})
	if len(nis) != 32 {
		t.Fatalf("%d interfaces, want 32", len(nis))
	}
	for i, ni := range nis {
		wantDev := int32(1)
		if i == 0 {
			wantDev = 0
		}
		if aws.ToInt32(ni.NetworkCardIndex) != int32(i) || aws.ToInt32(ni.DeviceIndex) != wantDev ||
			aws.ToString(ni.InterfaceType) != "efa" || aws.ToString(ni.SubnetId) != "subnet-1" ||
			!reflect.DeepEqual(ni.Groups, []string{"sg-efa", "sg-extra"}) || !aws.ToBool(ni.DeleteOnTermination) {
			t.Fatalf("interface %d: %+v", i, ni)
		}
	}
}

func TestNewTypeInfo(t *testing.T) {
	it := ec2types.InstanceTypeInfo{
		InstanceType: "p4d.24xlarge",
		VCpuInfo:     &ec2types.VCpuInfo{DefaultVCpus: aws.Int32(96)},
		MemoryInfo:   &ec2types.MemoryInfo{SizeInMiB: aws.Int64(1179648)},
		GpuInfo:      &ec2types.GpuInfo{Gpus: []ec2types.GpuDeviceInfo{{Count: aws.Int32(8), Manufacturer: aws.String("NVIDIA"), Name: aws.String("A100")}}},
		NetworkInfo: &ec2types.NetworkInfo{
			EfaSupported: aws.Bool(true), EfaInfo: &ec2types.EfaInfo{MaximumEfaInterfaces: aws.Int32(4)},
			MaximumNetworkCards: aws.Int32(4), NetworkPerformance: aws.String("4x 100 Gigabit"),
			NetworkCards: []ec2types.NetworkCardInfo{{NetworkCardIndex: aws.Int32(3)}, {NetworkCardIndex: aws.Int32(0)}, {NetworkCardIndex: aws.Int32(2)}, {NetworkCardIndex: aws.Int32(1)}},
		},
		ProcessorInfo: &ec2types.ProcessorInfo{SupportedArchitectures: []ec2types.ArchitectureType{"x86_64"}},
	}
	ti := newTypeInfo(it)
	if ti.VCPUs != 96 || ti.MemoryGiB != 1152 || ti.GPUs != 8 || ti.GPUModel != "NVIDIA A100" || !ti.Accelerated ||
		ti.efaInterfaceCount() != 4 || !reflect.DeepEqual(ti.NetworkCards, []int{0, 1, 2, 3}) {
		t.Fatalf("newTypeInfo = %+v", ti)
	}
}

func TestFamily(t *testing.T) {
	for name, want := range map[string][2]string{
		"m6i.xlarge": {"m", "m6i"}, "hpc7g.16xlarge": {"hpc", "hpc7g"}, "p6-b200.48xlarge": {"p", "p6-b200"},
		"u7i-12tb.224xlarge": {"u", "u7i-12tb"}, "weird": {"weird", "weird"},
	} {
		s, c := family(name)
		if s != want[0] || c != want[1] {
			t.Errorf("family(%q) = %q, %q; want %q, %q", name, s, c, want[0], want[1])
		}
	}
}

func TestNearestEFATypes(t *testing.T) {
	x86 := []string{"x86_64"}
	arm := []string{"arm64"}
	cands := []typeInfo{
		{Name: "c5n.9xlarge", VCPUs: 36, MemoryGiB: 96, EFASupported: true, Architectures: x86},
		{Name: "c5n.18xlarge", VCPUs: 72, MemoryGiB: 192, EFASupported: true, Architectures: x86},
		{Name: "m6i.32xlarge", VCPUs: 128, MemoryGiB: 512, EFASupported: true, Architectures: x86},
		{Name: "c7g.16xlarge", VCPUs: 64, MemoryGiB: 128, EFASupported: true, Architectures: arm},
		{Name: "trn2.3xlarge", VCPUs: 12, MemoryGiB: 128, EFASupported: true, Accelerated: true, Architectures: x86},
		{Name: "g5.8xlarge", VCPUs: 32, MemoryGiB: 128, GPUs: 1, Accelerated: true, EFASupported: true, Architectures: x86},
		{Name: "m6i.xlarge", VCPUs: 4, MemoryGiB: 16, EFASupported: false, Architectures: x86},
	}
	names := func(tis []typeInfo) []string {
		out := []string{}
		for _, t := range tis {
			out = append(out, t.Name)
		}
		return out
	}
	cases := []struct {
		target typeInfo
		n      int
		want   []string
	}{
		// A small CPU type: the smallest CPU EFA types first, accelerated and Arm types last.
		{typeInfo{Name: "m6i.xlarge", VCPUs: 4, MemoryGiB: 16, Architectures: x86}, 7,
			[]string{"c5n.9xlarge", "c5n.18xlarge", "m6i.32xlarge", "trn2.3xlarge", "g5.8xlarge", "c7g.16xlarge"}},
		// Same size: the same class wins over another series of the same size.
		{typeInfo{Name: "m6i.32xlarge-like", VCPUs: 128, MemoryGiB: 512, Architectures: x86}, 2,
			[]string{"m6i.32xlarge", "c5n.18xlarge"}},
		// A GPU type: GPU types first.
		{typeInfo{Name: "g5.xlarge", VCPUs: 4, MemoryGiB: 16, GPUs: 1, Accelerated: true, Architectures: x86}, 1,
			[]string{"g5.8xlarge"}},
		// An Arm type: Arm types first.
		{typeInfo{Name: "c7g.xlarge", VCPUs: 4, MemoryGiB: 8, Architectures: arm}, 1, []string{"c7g.16xlarge"}},
	}
	for _, tc := range cases {
		got := names(nearestEFATypes(tc.target, cands, tc.n))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("nearestEFATypes(%s) = %v, want %v", tc.target.Name, got, tc.want)
		}
	}
}
