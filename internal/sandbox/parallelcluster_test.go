// SPDX-License-Identifier: MPL-2.0

package sandbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
)

// TestParallelCluster drives the ParallelCluster API emulator through the gateway with the generated
// client: the head node is a real moto instance, the configuration is readable at the URL DescribeCluster
// gives, the gateway logs the calls by operation name and throttles them on request.
func TestParallelCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	sb, err := Start(ctx, Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Stop() })
	cfg := sb.AWSConfig()
	c, err := api.NewSignedClient(sb.ParallelClusterURL(), &api.SigningDoer{Credentials: cfg.Credentials, Region: Region, BaseDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	doc := fmt.Sprintf(`Image:
  Os: alinux2023
HeadNode:
  InstanceType: t3.medium
  Networking:
    SubnetId: %[1]s
Scheduling:
  Scheduler: slurm
  SlurmQueues:
    - Name: compute
      Networking:
        SubnetIds: [%[1]s]
      ComputeResources:
        - Name: c5
          InstanceType: c5.xlarge
`, sb.SubnetIDs[0])
	resp, err := c.CreateClusterWithResponse(ctx, nil, api.CreateClusterJSONRequestBody{ClusterName: "sb-test", ClusterConfiguration: doc})
	if err != nil || resp.JSON202 == nil {
		t.Fatalf("create: %v %d %s", err, resp.StatusCode(), resp.Body)
	}
	var d *api.DescribeClusterResponseContent
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		r, err := c.DescribeClusterWithResponse(ctx, "sb-test", nil)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("describe: %v %s", err, r.Body)
		}
		if d = r.JSON200; d.ClusterStatus != api.ClusterStatusCREATEINPROGRESS {
			break
		}
	}
	if d.ClusterStatus != api.ClusterStatusCREATECOMPLETE || d.HeadNode == nil {
		t.Fatalf("cluster: %+v", d)
	}
	ec2c := ec2.NewFromConfig(cfg)
	inst, err := ec2c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{d.HeadNode.InstanceId}})
	if err != nil || len(inst.Reservations) != 1 {
		t.Fatalf("head node %s in moto: %v", d.HeadNode.InstanceId, err)
	}
	if ip := aws.ToString(inst.Reservations[0].Instances[0].PrivateIpAddress); ip != d.HeadNode.PrivateIpAddress {
		t.Errorf("private IP %s, moto says %s", d.HeadNode.PrivateIpAddress, ip)
	}
	if d.ClusterConfiguration.Url == nil {
		t.Fatal("no configuration URL")
	}
	got, err := http.Get(*d.ClusterConfiguration.Url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	_ = got.Body.Close()
	if string(body) != doc {
		t.Errorf("configuration at its URL = %q", body)
	}
	if n := sb.Gateway().CountCalls("execute-api", "DescribeCluster"); n < 1 {
		t.Errorf("gateway logged %d execute-api:DescribeCluster calls", n)
	}
	if err := sb.Gateway().SetFault(gateway.Fault{Service: "execute-api", Operation: "ListClusters", ThrottleRate: 1}); err != nil {
		t.Fatal(err)
	}
	noRetry, _ := api.NewSignedClient(sb.ParallelClusterURL(), &api.SigningDoer{Credentials: cfg.Credentials, Region: Region, MaxAttempts: 1})
	l, err := noRetry.ListClustersWithResponse(ctx, nil)
	if err != nil || l.StatusCode() != http.StatusTooManyRequests || !strings.Contains(l.HTTPResponse.Header.Get("x-amzn-ErrorType"), "TooManyRequests") {
		t.Errorf("throttled ListClusters: %v %d", err, l.StatusCode())
	}
	sb.Gateway().ClearFaults()
	if _, err := c.DeleteClusterWithResponse(ctx, "sb-test", nil); err != nil {
		t.Fatal(err)
	}
}
