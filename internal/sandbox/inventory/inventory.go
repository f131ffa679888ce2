// SPDX-License-Identifier: MPL-2.0

// Package inventory lists, by kind, what a sandbox (or an AWS account) holds of the objects the provider
// makes: FSx file systems and data repository associations, security groups, placement groups, launch
// templates, EC2 instances, DataSync locations and tasks, ParallelCluster clusters, and (with a
// Kubernetes control plane) the RayClusters, pods, volumes, claims, service accounts and namespaces of
// the Ray side (kube.go). Tests and the demo use
// it to prove that a destroy left nothing behind, from what the services report rather than from a state.
package inventory

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"k8s.io/client-go/rest"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
)

// Kinds, in the order they are reported.
var Kinds = []string{
	"fsx file system", "fsx data repository association", "ec2 security group", "ec2 placement group",
	"ec2 launch template", "ec2 instance", "datasync location", "datasync task", "parallelcluster cluster",
	"kubernetes raycluster", "kubernetes pod", "kubernetes persistentvolume", "kubernetes persistentvolumeclaim",
	"kubernetes serviceaccount", "kubernetes namespace",
}

// Inventory maps a kind to the identifiers of the objects of that kind.
type Inventory map[string][]string

// Count is the number of objects of every kind.
func (inv Inventory) Count() int {
	n := 0
	for _, ids := range inv {
		n += len(ids)
	}
	return n
}

// String lists every kind with its count and identifiers, one per line (the Kubernetes kinds only when
// they were listed).
func (inv Inventory) String() string {
	var b strings.Builder
	for _, k := range Kinds {
		if _, listed := inv[k]; !listed && slices.Contains(kubeKinds, k) {
			continue
		}
		fmt.Fprintf(&b, "%-32s %d", k, len(inv[k]))
		if len(inv[k]) > 0 {
			fmt.Fprintf(&b, "  %s", strings.Join(inv[k], ", "))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// Options are where to look: the AWS configuration (endpoints come from its environment, as
// AWS_ENDPOINT_URL for the sandbox) and the ParallelCluster API endpoint ("" to skip).
type Options struct {
	AWS                aws.Config
	ParallelClusterURL string
	// Kube is the Kubernetes API of the Ray side (nil to skip).
	Kube *rest.Config
}

// FromEnv builds Options from the environment the sandbox exports (AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_PARALLELCLUSTER, credentials, region, and RAYHPC_SANDBOX_KUBECONFIG).
func FromEnv(ctx context.Context) (Options, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return Options{}, err
	}
	kube, err := kubeFromEnv()
	if err != nil {
		return Options{}, err
	}
	return Options{AWS: cfg, ParallelClusterURL: os.Getenv("AWS_ENDPOINT_URL_PARALLELCLUSTER"), Kube: kube}, nil
}

// List lists every kind. Security groups named "default" (every VPC has one) and instances that are
// terminated or shutting down are left out.
func List(ctx context.Context, o Options) (Inventory, error) {
	inv := Inventory{}
	for _, f := range []func(context.Context, Options, Inventory) error{listFSx, listEC2, listDataSync, listParallelCluster, listKube} {
		if err := f(ctx, o, inv); err != nil {
			return nil, err
		}
	}
	for k := range inv {
		slices.Sort(inv[k])
	}
	return inv, nil
}

func listFSx(ctx context.Context, o Options, inv Inventory) error {
	c := fsx.NewFromConfig(o.AWS)
	fs := fsx.NewDescribeFileSystemsPaginator(c, &fsx.DescribeFileSystemsInput{})
	for fs.HasMorePages() {
		page, err := fs.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing FSx file systems: %w", err)
		}
		for _, f := range page.FileSystems {
			inv["fsx file system"] = append(inv["fsx file system"], aws.ToString(f.FileSystemId)+" ("+string(f.Lifecycle)+")")
		}
	}
	dra := fsx.NewDescribeDataRepositoryAssociationsPaginator(c, &fsx.DescribeDataRepositoryAssociationsInput{})
	for dra.HasMorePages() {
		page, err := dra.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing FSx data repository associations: %w", err)
		}
		for _, a := range page.Associations {
			inv["fsx data repository association"] = append(inv["fsx data repository association"], aws.ToString(a.AssociationId))
		}
	}
	return nil
}

func listEC2(ctx context.Context, o Options, inv Inventory) error {
	c := ec2.NewFromConfig(o.AWS)
	sgs := ec2.NewDescribeSecurityGroupsPaginator(c, &ec2.DescribeSecurityGroupsInput{})
	for sgs.HasMorePages() {
		page, err := sgs.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing security groups: %w", err)
		}
		for _, g := range page.SecurityGroups {
			if aws.ToString(g.GroupName) != "default" {
				inv["ec2 security group"] = append(inv["ec2 security group"], aws.ToString(g.GroupId)+" ("+aws.ToString(g.GroupName)+")")
			}
		}
	}
	pgs, err := c.DescribePlacementGroups(ctx, &ec2.DescribePlacementGroupsInput{})
	if err != nil {
		return fmt.Errorf("listing placement groups: %w", err)
	}
	for _, g := range pgs.PlacementGroups {
		if g.State != ec2types.PlacementGroupStateDeleted {
			inv["ec2 placement group"] = append(inv["ec2 placement group"], aws.ToString(g.GroupName))
		}
	}
	lts := ec2.NewDescribeLaunchTemplatesPaginator(c, &ec2.DescribeLaunchTemplatesInput{})
	for lts.HasMorePages() {
		page, err := lts.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing launch templates: %w", err)
		}
		for _, lt := range page.LaunchTemplates {
			inv["ec2 launch template"] = append(inv["ec2 launch template"], aws.ToString(lt.LaunchTemplateId)+" ("+aws.ToString(lt.LaunchTemplateName)+")")
		}
	}
	ins := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{})
	for ins.HasMorePages() {
		page, err := ins.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing instances: %w", err)
		}
		for _, r := range page.Reservations {
			for _, i := range r.Instances {
				if s := i.State; s != nil && (s.Name == ec2types.InstanceStateNameTerminated || s.Name == ec2types.InstanceStateNameShuttingDown) {
					continue
				}
				inv["ec2 instance"] = append(inv["ec2 instance"], aws.ToString(i.InstanceId))
			}
		}
	}
	return nil
}

func listDataSync(ctx context.Context, o Options, inv Inventory) error {
	c := datasync.NewFromConfig(o.AWS)
	locs := datasync.NewListLocationsPaginator(c, &datasync.ListLocationsInput{})
	for locs.HasMorePages() {
		page, err := locs.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing DataSync locations: %w", err)
		}
		for _, l := range page.Locations {
			inv["datasync location"] = append(inv["datasync location"], aws.ToString(l.LocationUri))
		}
	}
	tasks := datasync.NewListTasksPaginator(c, &datasync.ListTasksInput{})
	for tasks.HasMorePages() {
		page, err := tasks.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing DataSync tasks: %w", err)
		}
		for _, t := range page.Tasks {
			inv["datasync task"] = append(inv["datasync task"], aws.ToString(t.Name)+" ("+aws.ToString(t.TaskArn)+")")
		}
	}
	return nil
}

func listParallelCluster(ctx context.Context, o Options, inv Inventory) error {
	if o.ParallelClusterURL == "" {
		return nil
	}
	pc, err := api.NewSignedClient(o.ParallelClusterURL, &api.SigningDoer{Credentials: o.AWS.Credentials, Region: o.AWS.Region,
		HTTP: http.DefaultClient, MaxAttempts: 10})
	if err != nil {
		return err
	}
	var next *string
	for {
		resp, err := pc.ListClustersWithResponse(ctx, &api.ListClustersParams{Region: &o.AWS.Region, NextToken: next})
		if err != nil {
			return fmt.Errorf("listing ParallelCluster clusters: %w", err)
		}
		if resp.JSON200 == nil {
			return fmt.Errorf("listing ParallelCluster clusters: HTTP %d: %s", resp.StatusCode(), resp.Body)
		}
		for _, cl := range resp.JSON200.Clusters {
			inv["parallelcluster cluster"] = append(inv["parallelcluster cluster"], cl.ClusterName+" ("+string(cl.ClusterStatus)+")")
		}
		if next = resp.JSON200.NextToken; next == nil || *next == "" {
			return nil
		}
	}
}
