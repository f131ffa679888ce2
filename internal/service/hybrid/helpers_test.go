// SPDX-License-Identifier: MPL-2.0

package hybrid_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dsapi "github.com/aws/aws-sdk-go-v2/service/datasync"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/hybrid"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/pcluster"
)

// clusterConfigYAML is the configuration the ParallelCluster emulator holds for the cluster.
func clusterConfigYAML(t *testing.T, name string) (string, error) {
	t.Helper()
	sb := acctest.Sandbox(t)
	c, err := api.NewSignedClient(sb.ParallelClusterURL(), &api.SigningDoer{Credentials: sb.AWSConfig().Credentials, Region: sandbox.Region})
	if err != nil {
		return "", err
	}
	d, err := c.DescribeClusterWithResponse(context.Background(), name, nil)
	if err != nil {
		return "", err
	}
	if d.JSON200 == nil || d.JSON200.ClusterConfiguration.Url == nil {
		return "", fmt.Errorf("DescribeCluster %s: HTTP %d %s", name, d.StatusCode(), d.Body)
	}
	return pcluster.FetchConfiguration(context.Background(), *d.JSON200.ClusterConfiguration.Url)
}

// checkLustreAdmits checks that the workspace's security group lets the client group in.
func checkLustreAdmits(t *testing.T, lustreSG, clientSG string) error {
	t.Helper()
	out, err := ec2.NewFromConfig(acctest.Sandbox(t).AWSConfig()).DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{GroupIds: []string{lustreSG}})
	if err != nil {
		return fmt.Errorf("workspace security group %s: %w", lustreSG, err)
	}
	for _, g := range out.SecurityGroups {
		for _, p := range g.IpPermissions {
			for _, pair := range p.UserIdGroupPairs {
				if aws.ToString(pair.GroupId) == clientSG && aws.ToInt32(p.FromPort) <= 988 && aws.ToInt32(p.ToPort) >= 988 {
					return nil
				}
			}
		}
	}
	return fmt.Errorf("the workspace's security group %s does not admit the EFA group %s on port 988", lustreSG, clientSG)
}

// outOfBand is a part deleted behind Terraform's back, and the changes the next plan must name.
type outOfBand struct {
	part    string
	delete  func()
	changes []knownvalue.Check
}

func changes(c ...string) []knownvalue.Check {
	out := make([]knownvalue.Check, len(c))
	for i, v := range c {
		out[i] = knownvalue.StringExact(v)
	}
	return out
}

// waitGone polls gone until it reports true (at most a minute).
func waitGone(t *testing.T, what string, gone func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if gone() {
			return
		}
	}
	t.Fatalf("%s was not deleted within a minute", what)
}

func outOfBandDeletes(t *testing.T, name string) []outOfBand {
	t.Helper()
	return []outOfBand{
		{part: "efa_network", changes: changes("efa_network: repair"), delete: func() { deleteNetworkParts(t, name) }},
		{part: "hpc_cluster", changes: changes("hpc_cluster: create"), delete: func() { deleteCluster(t, name) }},
		{part: "ingest", changes: changes("ingest: replace"), delete: func() { deleteIngestTask(t, name) }},
		{part: "ray_cluster", changes: changes("ray_cluster: create"), delete: func() { deleteRayCluster(t, name) }},
		{part: "lustre_workspace", changes: changes("lustre_workspace: replace", "hpc_cluster: update", "ray_cluster: replace", "ingest: replace"),
			delete: func() { deleteFileSystem(t, name) }},
	}
}

// deleteNetworkParts deletes the network's launch template and placement group; the security group, which
// the workspace's group and the head node refer to (EC2 would refuse to delete it), stays.
func deleteNetworkParts(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	c := ec2.NewFromConfig(acctest.Sandbox(t).AWSConfig())
	if _, err := c.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeletePlacementGroup(ctx, &ec2.DeletePlacementGroupInput{GroupName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	waitGone(t, "the launch template", func() bool {
		_, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{name}})
		return err != nil
	})
}

func deleteCluster(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	sb := acctest.Sandbox(t)
	pc, err := api.NewSignedClient(sb.ParallelClusterURL(), &api.SigningDoer{Credentials: sb.AWSConfig().Credentials, Region: sandbox.Region})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.DeleteClusterWithResponse(ctx, name, nil); err != nil {
		t.Fatal(err)
	}
	waitGone(t, "the cluster", func() bool {
		d, err := pc.DescribeClusterWithResponse(ctx, name, nil)
		return err == nil && d.StatusCode() == http.StatusNotFound
	})
}

func deleteIngestTask(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	ds := dsapi.NewFromConfig(acctest.Sandbox(t).AWSConfig())
	tasks, err := ds.ListTasks(ctx, &dsapi.ListTasksInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks.Tasks {
		if aws.ToString(task.Name) != name+"-ingest" {
			continue
		}
		if _, err := ds.DeleteTask(ctx, &dsapi.DeleteTaskInput{TaskArn: task.TaskArn}); err != nil {
			t.Fatal(err)
		}
		waitGone(t, "the ingest task", func() bool {
			_, err := ds.DescribeTask(ctx, &dsapi.DescribeTaskInput{TaskArn: task.TaskArn})
			return err != nil
		})
	}
}

func deleteRayCluster(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	_, ray := kubeClients(t)
	if err := ray.RayV1().RayClusters("default").Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitGone(t, "the RayCluster", func() bool {
		_, err := ray.RayV1().RayClusters("default").Get(ctx, name, metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	})
}

// deleteFileSystem deletes the environment's file system (found by its tag: other tests' are left alone).
func deleteFileSystem(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	c := fsx.NewFromConfig(acctest.Sandbox(t).AWSConfig())
	out, err := c.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, fs := range out.FileSystems {
		if conns.FSxTagMap(fs.Tags)[hybrid.TagKey] != name {
			continue
		}
		if _, err := c.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: fs.FileSystemId}); err != nil {
			t.Fatal(err)
		}
		waitGone(t, "the file system", func() bool {
			_, err := c.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{aws.ToString(fs.FileSystemId)}})
			return err != nil
		})
	}
}
