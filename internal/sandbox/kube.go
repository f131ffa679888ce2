// SPDX-License-Identifier: MPL-2.0

package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/ekstoken"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/kube"
)

// EKSClusterName is the EKS cluster (in moto) whose DescribeCluster reports the sandbox's real
// Kubernetes control plane.
const EKSClusterName = "rayhpc-sandbox"

// NodeTypes are the EC2 instance types of the simulated EKS nodes, with how many of each: general
// purpose nodes for Ray heads, an EFA-capable CPU type, a single-GPU type without EFA and an 8-GPU
// type with 4 EFA interfaces.
var NodeTypes = []struct {
	InstanceType string
	Count        int
}{
	{"m6i.xlarge", 3},
	{"c5n.18xlarge", 1},
	{"g5.xlarge", 1},
	{"p4d.24xlarge", 1},
}

// startKube starts the Kubernetes stack (package kube), creates the EKS cluster EKSClusterName in moto
// and attaches it to the stack in the gateway.
func (sb *Sandbox) startKube(ctx context.Context, logw io.Writer) error {
	if len(sb.SubnetIDs) == 0 {
		return errors.New("sandbox: the Kubernetes option needs the seed (the EKS cluster's subnets)")
	}
	// The AWS side is asked directly (moto, not through the gateway), so tests' call logs do not see it.
	cfg := sb.AWSConfig()
	cfg.BaseEndpoint = aws.String(sb.motoURL)
	nodes, err := kubeNodes(ctx, ec2.NewFromConfig(cfg))
	if err != nil {
		return err
	}
	authn, err := sb.eksAuthenticator(ctx)
	if err != nil {
		return err
	}
	st, err := kube.Start(ctx, kube.Options{Nodes: nodes, Log: logw, Authenticate: authn})
	if err != nil {
		return err
	}
	sb.kube = st
	if _, err := eks.NewFromConfig(cfg).CreateCluster(ctx, &eks.CreateClusterInput{
		Name:               aws.String(EKSClusterName),
		RoleArn:            aws.String(fmt.Sprintf("arn:aws:iam::%s:role/%s-cluster", gateway.DefaultAccountID, EKSClusterName)),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: sb.SubnetIDs},
		Version:            aws.String("1.34"),
	}); err != nil {
		return fmt.Errorf("sandbox: creating the EKS cluster %s in moto: %w", EKSClusterName, err)
	}
	sb.gw.AttachEKSCluster(EKSClusterName, gateway.EKSControlPlane{Endpoint: st.Host, CAPEM: st.CAPEM})
	sb.vars["eks_cluster_name"] = EKSClusterName
	return nil
}

// kubeNodes builds the kwok nodes from EC2 DescribeInstanceTypes (vCPUs, memory, GPUs, EFA interfaces).
func kubeNodes(ctx context.Context, c *ec2.Client) ([]kube.Node, error) {
	var types []ec2types.InstanceType
	for _, t := range NodeTypes {
		types = append(types, ec2types.InstanceType(t.InstanceType))
	}
	out, err := c.DescribeInstanceTypes(ctx, &ec2.DescribeInstanceTypesInput{InstanceTypes: types})
	if err != nil {
		return nil, fmt.Errorf("sandbox: describing the node instance types: %w", err)
	}
	info := map[string]ec2types.InstanceTypeInfo{}
	for _, it := range out.InstanceTypes {
		info[string(it.InstanceType)] = it
	}
	var nodes []kube.Node
	zones := []string{Region + "a", Region + "b"}
	for _, t := range NodeTypes {
		it, ok := info[t.InstanceType]
		if !ok {
			return nil, fmt.Errorf("sandbox: EC2 does not know the instance type %s", t.InstanceType)
		}
		n := kube.Node{InstanceType: t.InstanceType, VCPUs: int(aws.ToInt32(it.VCpuInfo.DefaultVCpus))}
		if it.MemoryInfo != nil {
			n.MemoryMiB = aws.ToInt64(it.MemoryInfo.SizeInMiB)
		}
		if it.GpuInfo != nil {
			for _, g := range it.GpuInfo.Gpus {
				n.GPUs += int(aws.ToInt32(g.Count))
			}
		}
		if ni := it.NetworkInfo; ni != nil && aws.ToBool(ni.EfaSupported) && ni.EfaInfo != nil {
			n.EFA = int(aws.ToInt32(ni.EfaInfo.MaximumEfaInterfaces))
		}
		for i := 0; i < t.Count; i++ {
			n.Name = kube.NodeName(t.InstanceType, i)
			n.Zone = zones[i%len(zones)]
			nodes = append(nodes, n)
		}
	}
	return nodes, nil
}

// Kube is the running Kubernetes stack (nil unless Options.Kubernetes).
func (sb *Sandbox) Kube() *kube.Stack { return sb.kube }

// eksAuthenticator is the EKS token check behind the apiserver's webhook (package ekstoken), for
// EKSClusterName. Tokens must point at the gateway (the sandbox's STS endpoint) and be signed with a key
// the gateway knows. The caller's identity is what moto's STS GetCallerIdentity answers for the key;
// the sandbox's own credentials created the cluster, and EKS makes the cluster creator an administrator
// (CreateCluster accessConfig.bootstrapClusterCreatorAdminPermissions, default true: EKS User Guide,
// "Grant IAM users and roles access to Kubernetes APIs"), which the aws-auth-style map below records.
func (sb *Sandbox) eksAuthenticator(ctx context.Context) (func(context.Context, string) (kube.User, error), error) {
	stsURL, err := url.Parse(sb.url)
	if err != nil {
		return nil, err
	}
	v := &ekstoken.Verifier{
		ClusterName: EKSClusterName,
		STSEndpoint: stsURL,
		Keys:        sb.gw.Keys,
		Identity:    sb.callerARN,
	}
	admin, err := sb.callerARN(ctx, AccessKeyID)
	if err != nil {
		return nil, fmt.Errorf("sandbox: the sandbox credentials' identity: %w", err)
	}
	v.Users = map[string]ekstoken.Mapping{admin: {Username: "kubernetes-admin", Groups: []string{"system:masters"}}}
	return func(ctx context.Context, token string) (kube.User, error) {
		u, err := v.Authenticate(ctx, token)
		return kube.User(u), err
	}, nil
}

// callerARN asks moto's STS GetCallerIdentity who an access key belongs to.
func (sb *Sandbox) callerARN(ctx context.Context, accessKeyID string) (string, error) {
	secret, ok := sb.gw.Keys(accessKeyID)
	if !ok {
		return "", fmt.Errorf("unknown access key %s", accessKeyID)
	}
	cfg := aws.Config{Region: Region, BaseEndpoint: aws.String(sb.motoURL),
		Credentials: credentials.NewStaticCredentialsProvider(accessKeyID, secret, "")}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Arn), nil
}
