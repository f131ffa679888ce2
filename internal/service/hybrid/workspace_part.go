// SPDX-License-Identifier: MPL-2.0

package hybrid

// The Lustre workspace part, through the lustre package's plain Go layer.

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/efa"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
)

// withWorkspaceNetwork completes a workspace spec with its name, subnet, compression, the client security
// groups allowed on the Lustre ports, and the tags (the lustre layer sets Name itself).
func withWorkspaceNetwork(spec lustre.WorkspaceSpec, name, subnetID, compression string, clients []string, tags map[string]string) lustre.WorkspaceSpec {
	delete(tags, "Name")
	spec.Name, spec.SubnetID, spec.AllowedSecurityGroupIDs, spec.Tags = name, subnetID, clients, tags
	spec.DataCompression = compression
	return spec
}

// workspaceRef is what the private state keeps of the workspace: its identifiers and addresses.
type workspaceRef struct {
	ID              string
	SecurityGroupID string `json:",omitempty"`
	DNSName         string `json:",omitempty"`
	MountName       string `json:",omitempty"`
}

func refOf(w *lustre.Workspace) *workspaceRef {
	if w == nil {
		return nil
	}
	dns, mount := workspaceAddresses(w)
	return &workspaceRef{ID: w.ID(), SecurityGroupID: w.SecurityGroupID, DNSName: dns, MountName: mount}
}

func (r *workspaceRef) workspace() *lustre.Workspace {
	if r == nil {
		return nil
	}
	fs := &fsxtypes.FileSystem{FileSystemId: aws.String(r.ID), DNSName: optional(r.DNSName)}
	if r.MountName != "" {
		fs.LustreConfiguration = &fsxtypes.LustreFileSystemConfiguration{MountName: aws.String(r.MountName)}
	}
	return &lustre.Workspace{FileSystem: fs, SecurityGroupID: r.SecurityGroupID}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// findWorkspace finds the workspace: the FSx for Lustre file system carrying the environment's tag.
func findWorkspace(ctx context.Context, c *conns.Client, name string) (*lustre.Workspace, error) {
	p := fsx.NewDescribeFileSystemsPaginator(c.FSx(), &fsx.DescribeFileSystemsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("finding the Lustre workspace: %w", err)
		}
		for _, fs := range page.FileSystems {
			for _, t := range fs.Tags {
				if aws.ToString(t.Key) == TagKey && aws.ToString(t.Value) == name {
					return &lustre.Workspace{FileSystem: &fs}, nil
				}
			}
		}
	}
	return nil, nil
}

func createWorkspace(ctx context.Context, c *conns.Client, spec HybridSpec, n *efa.Network) (*lustre.Workspace, error) {
	w, err := lustre.CreateWorkspace(ctx, c, spec.workspace(n))
	if w != nil && w.ID() == "" && w.SecurityGroupID == "" {
		w = nil
	}
	return w, err
}

// readWorkspace reads the workspace; one found by its tag (import) has its security group looked up.
func readWorkspace(ctx context.Context, c *conns.Client, prior *lustre.Workspace) (*lustre.Workspace, error) {
	return lustre.ReadWorkspace(ctx, c, prior.ID(), prior.SecurityGroupID, prior.SecurityGroupID == "")
}

// updateWorkspace reads the workspace (for its associations' IDs) and moves it from one spec to the other.
func updateWorkspace(ctx context.Context, c *conns.Client, w *lustre.Workspace, from, to HybridSpec, fromNet, toNet *efa.Network) (*lustre.Workspace, error) {
	cur, err := readWorkspace(ctx, c, w)
	if err != nil {
		return w, err
	}
	fromSpec := from.workspace(fromNet)
	for i, d := range fromSpec.DataRepositories {
		for _, a := range cur.Associations {
			if lustre.NormalizePath(aws.ToString(a.FileSystemPath)) == lustre.NormalizePath(d.FileSystemPath) {
				fromSpec.DataRepositories[i].ID = aws.ToString(a.AssociationId)
			}
		}
	}
	out, err := lustre.UpdateWorkspace(ctx, c, cur, fromSpec, to.workspace(toNet))
	if out == nil {
		out = cur
	}
	return out, err
}

func deleteWorkspace(ctx context.Context, c *conns.Client, w *lustre.Workspace) error {
	return lustre.DeleteWorkspace(ctx, c, w.ID(), w.SecurityGroupID)
}

func workspaceID(w *lustre.Workspace) string {
	if w == nil {
		return ""
	}
	return w.ID()
}

// workspaceSecurityGroups are the groups of the file system's interfaces (DataSync's FSx location joins them).
func workspaceSecurityGroups(w *lustre.Workspace) []string {
	if w == nil || w.SecurityGroupID == "" {
		return nil
	}
	return []string{w.SecurityGroupID}
}

// workspaceAddresses are the file system's DNS name and mount name ("" until known).
func workspaceAddresses(w *lustre.Workspace) (dns, mount string) {
	if w == nil || w.FileSystem == nil {
		return "", ""
	}
	dns = aws.ToString(w.FileSystem.DNSName)
	if lc := w.FileSystem.LustreConfiguration; lc != nil {
		mount = aws.ToString(lc.MountName)
	}
	return dns, mount
}
