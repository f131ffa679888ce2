// SPDX-License-Identifier: MPL-2.0

package pcluster_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/pcluster"
)

type fakeEC2 struct{}

func (fakeEC2) InstanceType(name string) (bool, bool, error) {
	switch name {
	case "c5n.18xlarge", "hpc7g.16xlarge":
		return true, true, nil
	case "t3.medium", "c5.xlarge", "c5.2xlarge":
		return true, false, nil
	}
	return false, false, nil
}

func (fakeEC2) Subnet(id string) (bool, string, error) {
	return strings.HasPrefix(id, "subnet-0"), "vpc-1", nil
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newEmulator(t *testing.T) (*pcluster.Emulator, *api.ClientWithResponses, *clock, string) {
	t.Helper()
	clk := &clock{t: time.Now()}
	e := pcluster.New(pcluster.Config{
		Timings: pcluster.FastTimings(),
		EC2:     fakeEC2{},
		FileSystem: func(id string) (gateway.FileSystemInfo, bool) {
			return gateway.FileSystemInfo{ID: id, Lifecycle: "AVAILABLE", VpcID: "vpc-1"}, id == "fs-0123456789abcdef0"
		},
		PlacementGroup: func(_, name string) (string, bool) { return "cluster", name == "pg-efa" },
		Keys: func(id string) (string, bool) {
			return "secret", id == "AKIDTEST"
		},
		Now: clk.now,
	})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	c, err := api.NewSignedClient(srv.URL+"/prod", &api.SigningDoer{
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""), Region: "us-east-1", MaxAttempts: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e, c, clk, srv.URL
}

const baseConfig = `Image:
  Os: alinux2023
HeadNode:
  InstanceType: t3.medium
  Networking:
    SubnetId: subnet-0aaa
Scheduling:
  Scheduler: slurm
  SlurmQueues:
    - Name: compute
      Networking:
        SubnetIds: [subnet-0aaa]
      ComputeResources:
        - Name: c5
          InstanceType: c5.xlarge
          MinCount: 0
          MaxCount: 4
SharedStorage:
  - Name: lustre
    StorageType: FsxLustre
    MountDir: /fsx
    FsxLustreSettings:
      FileSystemId: fs-0123456789abcdef0
`

func TestEmulator_createDescribeDelete(t *testing.T) {
	ctx := context.Background()
	_, c, clk, _ := newEmulator(t)
	dry := true
	resp, err := c.CreateClusterWithResponse(ctx, &api.CreateClusterParams{Dryrun: &dry}, api.CreateClusterJSONRequestBody{ClusterName: "hpc", ClusterConfiguration: baseConfig})
	if err != nil || resp.StatusCode() != http.StatusPreconditionFailed {
		t.Fatalf("dry run: %v %d %s", err, resp.StatusCode(), resp.Body)
	}
	resp, err = c.CreateClusterWithResponse(ctx, nil, api.CreateClusterJSONRequestBody{ClusterName: "hpc", ClusterConfiguration: baseConfig})
	if err != nil || resp.JSON202 == nil {
		t.Fatalf("create: %v %s", err, resp.Body)
	}
	if got := resp.JSON202.Cluster.ClusterStatus; got != api.ClusterStatusCREATEINPROGRESS {
		t.Errorf("status after create = %s", got)
	}
	again, _ := c.CreateClusterWithResponse(ctx, nil, api.CreateClusterJSONRequestBody{ClusterName: "hpc", ClusterConfiguration: baseConfig})
	if again.StatusCode() != http.StatusConflict {
		t.Errorf("second create = %d, want 409", again.StatusCode())
	}
	clk.advance(pcluster.FastTimings().Create)
	d, err := c.DescribeClusterWithResponse(ctx, "hpc", nil)
	if err != nil || d.JSON200 == nil {
		t.Fatalf("describe: %v %s", err, d.Body)
	}
	if d.JSON200.ClusterStatus != api.ClusterStatusCREATECOMPLETE || d.JSON200.ComputeFleetStatus != api.ComputeFleetStatusRUNNING {
		t.Errorf("after create: %s / %s", d.JSON200.ClusterStatus, d.JSON200.ComputeFleetStatus)
	}
	del, err := c.DeleteClusterWithResponse(ctx, "hpc", nil)
	if err != nil || del.JSON202 == nil || del.JSON202.Cluster.ClusterStatus != api.ClusterStatusDELETEINPROGRESS {
		t.Fatalf("delete: %v %s", err, del.Body)
	}
	clk.advance(pcluster.FastTimings().Delete)
	gone, _ := c.DescribeClusterWithResponse(ctx, "hpc", nil)
	if gone.JSON404 == nil || !strings.Contains(aws.ToString(gone.JSON404.Message), "does not exist") {
		t.Errorf("describe after delete = %d %s", gone.StatusCode(), gone.Body)
	}
}

func TestEmulator_validation(t *testing.T) {
	ctx := context.Background()
	_, c, _, _ := newEmulator(t)
	for name, tc := range map[string]struct{ from, to, want string }{
		"efa on non-efa type":     {"          MaxCount: 4\n", "          MaxCount: 4\n          Efa:\n            Enabled: true\n", "Instance type 'c5.xlarge' does not support EFA."},
		"min above max":           {"MinCount: 0", "MinCount: 9", "Max count must be greater than or equal to min count."},
		"queue name":              {"Name: compute", "Name: Compute_1", "Invalid name 'Compute_1'"},
		"unknown instance type":   {"InstanceType: c5.xlarge", "InstanceType: c9.huge", "The instance type 'c9.huge' is not supported."},
		"missing subnet":          {"SubnetIds: [subnet-0aaa]", "SubnetIds: [subnet-9zzz]", "InvalidSubnetID.NotFound"},
		"unknown file system":     {"fs-0123456789abcdef0", "fs-0fffffffffffffff0", "File system 'fs-0fffffffffffffff0' does not exist."},
		"efa without placement":   {"InstanceType: c5.xlarge", "InstanceType: c5n.18xlarge\n          Efa:\n            Enabled: true", "must be explicit"},
		"unknown placement group": {"        SubnetIds: [subnet-0aaa]\n", "        SubnetIds: [subnet-0aaa]\n        PlacementGroup:\n          Enabled: true\n          Id: pg-nope\n", "placement group 'pg-nope' is unknown"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := strings.Replace(baseConfig, tc.from, tc.to, 1)
			if cfg == baseConfig {
				t.Fatalf("test case did not change the configuration")
			}
			dry := true
			resp, err := c.CreateClusterWithResponse(ctx, &api.CreateClusterParams{Dryrun: &dry}, api.CreateClusterJSONRequestBody{ClusterName: "bad", ClusterConfiguration: cfg})
			if err != nil || resp.JSON400 == nil || resp.JSON400.ConfigurationValidationErrors == nil {
				t.Fatalf("want 400 with validation errors, got %d %s (%v)", resp.StatusCode(), resp.Body, err)
			}
			if !strings.Contains(string(resp.Body), tc.want) {
				t.Errorf("errors %s do not say %q", resp.Body, tc.want)
			}
		})
	}
}

func TestEmulator_updatePolicies(t *testing.T) {
	ctx := context.Background()
	e, c, clk, _ := newEmulator(t)
	if r, err := c.CreateClusterWithResponse(ctx, nil, api.CreateClusterJSONRequestBody{ClusterName: "hpc", ClusterConfiguration: baseConfig}); err != nil || r.JSON202 == nil {
		t.Fatalf("create: %v", err)
	}
	clk.advance(pcluster.FastTimings().Create)
	dry := true
	// Changing a compute resource's instance type needs the fleet stopped (COMPUTE_FLEET_STOP).
	changed := strings.Replace(baseConfig, "InstanceType: c5.xlarge", "InstanceType: c5.2xlarge", 1)
	r, err := c.UpdateClusterWithResponse(ctx, "hpc", &api.UpdateClusterParams{Dryrun: &dry}, api.UpdateClusterJSONRequestBody{ClusterConfiguration: changed})
	if err != nil || r.JSON400 == nil || r.JSON400.UpdateValidationErrors == nil {
		t.Fatalf("want update failure, got %d %s", r.StatusCode(), r.Body)
	}
	if errs := *r.JSON400.UpdateValidationErrors; len(errs) != 1 || aws.ToString(errs[0].Parameter) != "Scheduling.SlurmQueues[compute].ComputeResources[c5].InstanceType" ||
		!strings.HasPrefix(aws.ToString(errs[0].Message), "All compute nodes must be stopped") {
		t.Errorf("update errors = %s", r.Body)
	}
	// Raising MaxCount does not (MAX_COUNT).
	raised := strings.Replace(baseConfig, "MaxCount: 4", "MaxCount: 8", 1)
	r, _ = c.UpdateClusterWithResponse(ctx, "hpc", &api.UpdateClusterParams{Dryrun: &dry}, api.UpdateClusterJSONRequestBody{ClusterConfiguration: raised})
	if r.JSON412 == nil || r.JSON412.ChangeSet == nil || len(*r.JSON412.ChangeSet) != 1 {
		t.Fatalf("dry run of a MaxCount raise = %d %s", r.StatusCode(), r.Body)
	}
	// The head node's instance type can never change (UNSUPPORTED).
	head := strings.Replace(baseConfig, "InstanceType: t3.medium", "InstanceType: c5.xlarge", 1)
	r, _ = c.UpdateClusterWithResponse(ctx, "hpc", &api.UpdateClusterParams{Dryrun: &dry}, api.UpdateClusterJSONRequestBody{ClusterConfiguration: head})
	if r.JSON400 == nil || !strings.Contains(string(r.Body), "Update actions are not currently supported for the 'InstanceType' parameter") {
		t.Errorf("head node change = %d %s", r.StatusCode(), r.Body)
	}
	// Stopped fleet: the instance type change goes through.
	f, err := c.UpdateComputeFleetWithResponse(ctx, "hpc", nil, api.UpdateComputeFleetJSONRequestBody{Status: api.RequestedComputeFleetStatusSTOPREQUESTED})
	if err != nil || f.StatusCode() != http.StatusNoContent {
		t.Fatalf("stop: %v %s", err, f.Body)
	}
	clk.advance(pcluster.FastTimings().FleetStop)
	r, _ = c.UpdateClusterWithResponse(ctx, "hpc", nil, api.UpdateClusterJSONRequestBody{ClusterConfiguration: changed})
	if r.JSON202 == nil || r.JSON202.Cluster.ClusterStatus != api.ClusterStatusUPDATEINPROGRESS {
		t.Fatalf("update with the fleet stopped = %d %s", r.StatusCode(), r.Body)
	}
	clk.advance(pcluster.FastTimings().Update)
	d, _ := c.DescribeClusterWithResponse(ctx, "hpc", nil)
	if d.JSON200 == nil || d.JSON200.ClusterStatus != api.ClusterStatusUPDATECOMPLETE {
		t.Errorf("after update: %s", d.Body)
	}
	var ops []string
	for _, call := range e.Calls() {
		ops = append(ops, call.Operation+":"+call.Detail)
	}
	want := "CreateCluster:,UpdateCluster:dryrun,UpdateCluster:dryrun,UpdateCluster:dryrun,UpdateComputeFleet:STOP_REQUESTED,UpdateCluster:,DescribeCluster:"
	if got := strings.Join(ops, ","); got != want {
		t.Errorf("call log = %s, want %s", got, want)
	}
}

func TestEmulator_signatures(t *testing.T) {
	_, _, _, url := newEmulator(t)
	for name, tc := range map[string]struct {
		creds aws.CredentialsProvider
		want  string
	}{
		"unknown key":  {credentials.NewStaticCredentialsProvider("AKIDOTHER", "secret", ""), "UnrecognizedClientException"},
		"wrong secret": {credentials.NewStaticCredentialsProvider("AKIDTEST", "not-the-secret", ""), "InvalidSignatureException"},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := api.NewSignedClient(url+"/prod", &api.SigningDoer{Credentials: tc.creds, Region: "us-east-1", MaxAttempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			r, err := c.ListClustersWithResponse(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.StatusCode() != http.StatusForbidden || r.HTTPResponse.Header.Get("x-amzn-ErrorType") != tc.want {
				t.Errorf("answer %d %s %s, want 403 %s", r.StatusCode(), r.HTTPResponse.Header.Get("x-amzn-ErrorType"), r.Body, tc.want)
			}
		})
	}
	resp, err := http.Get(url + "/prod/v3/clusters")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
		t.Errorf("unsigned request: %d %s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"))
	}
}
