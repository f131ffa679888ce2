// SPDX-License-Identifier: MPL-2.0

package pcluster_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	pc "github.com/rayhpc/terraform-provider-rayhpc/internal/service/pcluster"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// go test -sweep=REGION: this package's sweeper.
func init() {
	pc.RegisterSweepers(acctest.AddSweeper)
}

// The sweeper, run against the sandbox, deletes a cluster with an unusual name whose ownership tag says a
// cluster resource named with the prefix made it, and leaves alone a cluster named with the prefix that
// has no ownership tag.
func TestAccHPCCluster_sweeper(t *testing.T) {
	skipUnlessAcc(t)
	acctest.PreCheck(t)
	ctx := context.Background()
	prefix := acctest.RandomName() + "-sweep"
	c := clusterConfig{subnet: acctest.Var(t, "subnet_id")}
	odd := fmt.Sprintf("nightly-%d", time.Now().UnixNano()%1e9)
	for name, tags := range map[string]map[string]string{
		odd:           {pc.OwnerTagKey: pc.OwnerValue(prefix + "-a")},
		prefix + "-b": {"team": "hpc"},
	} {
		spec := pc.ClusterSpec{Name: name, Region: "us-east-1", OS: "alinux2023", Tags: tags,
			HeadNode: pc.HeadNodeSpec{InstanceType: "t3.medium", SubnetID: c.subnet},
			Slurm:    pc.SlurmSpec{ScaledownIdleMinutes: 10},
			Queues:   []pc.QueueSpec{{Name: "q", SubnetIDs: []string{c.subnet}, ComputeResources: []pc.ComputeResourceSpec{{Name: "cr", InstanceType: "c5.xlarge", MaxCount: 1}}}}}
		doc, err := pc.RenderConfig(spec)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := apiClient(t).CreateClusterWithResponse(ctx, nil, api.CreateClusterJSONRequestBody{ClusterName: name, ClusterConfiguration: doc}); err != nil || r.JSON202 == nil {
			t.Fatalf("creating %s: %v", name, err)
		}
	}
	t.Cleanup(func() { _, _ = apiClient(t).DeleteClusterWithResponse(ctx, prefix+"-b", nil) })
	client, diags := conns.New(ctx, conns.Config{SkipCredentialsValidation: true})
	if diags.HasError() {
		t.Fatalf("building the AWS client: %v", diags)
	}
	if err := pc.SweepClusters(ctx, client, prefix); err != nil {
		t.Fatalf("sweeping: %v", err)
	}
	if _, err := pc.FindCluster(ctx, apiClient(t), "us-east-1", odd); !wait.NotFound(err) {
		t.Errorf("cluster %s (tagged for %s-a) not swept (%v)", odd, prefix, err)
	}
	if _, err := pc.FindCluster(ctx, apiClient(t), "us-east-1", prefix+"-b"); err != nil {
		t.Errorf("the untagged cluster %s-b was swept: %v", prefix, err)
	}
}
