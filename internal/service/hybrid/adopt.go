// SPDX-License-Identifier: MPL-2.0

package hybrid

// Adoption: Terraform records an environment only when its Create returns, so a create interrupted by a
// crash (or a lost answer) leaves parts no state knows, and the layers regard a part whose own create
// finished as someone else's. The environment therefore marks its network with TagCreatePending while
// its whole create runs; the next create finds an environment still pending by the environment's tag and
// takes over its finished parts here, and leaves a part whose own create was interrupted to its layer's
// adoption (package owner; the ParallelCluster ownership tag).

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/datasync"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/efa"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// ResourceType is the environment's Terraform type, its owner identity's type.
const ResourceType = "rayhpc_hybrid_cluster"

// TagCreatePending marks the network of an environment whose create has not finished (value
// owner.Pending); the create removes it as its last step.
const TagCreatePending = "rayhpc:hybrid-create"

// AdoptHybrid fills h with the finished parts an interrupted create of the environment left. A network of
// the name that is not pending belongs to a finished environment (another configuration, or a lost state):
// *owner.ConflictError.
func AdoptHybrid(ctx context.Context, c *conns.Client, spec HybridSpec, h *Hybrid) error {
	n, pending, err := findEnvironmentNetwork(ctx, c, spec.Name)
	if err != nil || n == nil {
		return err
	}
	if !pending {
		return &owner.ConflictError{Owner: owner.New(ResourceType, spec.Name), What: "the EFA network " + spec.Name + " of a hybrid cluster"}
	}
	if n.SecurityGroupID != "" {
		read, err := efa.ReadNetwork(ctx, c, *n)
		switch {
		case err == nil && read.PlacementGroupName != "" && read.LaunchTemplateID != "":
			read.Tags[TagCreatePending] = owner.Pending
			h.Network = read
		case err != nil && !wait.NotFound(err):
			return fmt.Errorf("reading the EFA network an interrupted create made: %w", err)
		}
	}
	// An unfinished network is left to efa.CreateNetwork, which adopts its parts.
	w, err := findWorkspace(ctx, c, spec.Name)
	if err != nil {
		return err
	}
	if w != nil && !owner.IsPending(conns.FSxTagMap(w.FileSystem.Tags)) {
		if h.Workspace, err = readWorkspace(ctx, c, w); err != nil {
			return fmt.Errorf("reading the Lustre workspace an interrupted create made: %w", err)
		}
	}
	t, err := findTransfer(ctx, c, spec.Name)
	if err != nil || t == nil {
		return err
	}
	if h.Transfer, err = datasync.ReadTransfer(ctx, c, *t); err != nil {
		return fmt.Errorf("reading the ingest an interrupted create made: %w", err)
	}
	return nil
}

// findEnvironmentNetwork finds what exists of the environment's network: its security group or, when a
// create was interrupted before that, its placement group (each named name, with the environment's tag);
// pending says whether the environment's create had not finished.
func findEnvironmentNetwork(ctx context.Context, c *conns.Client, name string) (*efa.Network, bool, error) {
	n, err := findNetwork(ctx, c, name)
	if err != nil {
		return nil, false, err
	}
	if n != nil {
		return n, n.Tags[TagCreatePending] == owner.Pending, nil
	}
	pgs, err := c.EC2().DescribePlacementGroups(ctx, &ec2.DescribePlacementGroupsInput{
		Filters: []ec2types.Filter{{Name: aws.String("group-name"), Values: []string{name}}}})
	if err != nil {
		return nil, false, fmt.Errorf("finding the EFA placement group: %w", err)
	}
	for _, g := range pgs.PlacementGroups {
		tags := conns.EC2TagMap(g.Tags)
		if aws.ToString(g.GroupName) == name && g.State != ec2types.PlacementGroupStateDeleted && tags[TagKey] == name {
			return &efa.Network{Name: name, PlacementStrategy: efa.PlacementStrategyCluster, PlacementGroupName: name, GPUCount: -1},
				tags[TagCreatePending] == owner.Pending, nil
		}
	}
	return nil, false, nil
}
