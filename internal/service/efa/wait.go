// SPDX-License-Identifier: MPL-2.0

package efa

import (
	"context"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// statusExists is the refresh function of a part that has no lifecycle states of its own: "exists"
// while find finds it, gone when find returns a NotFoundError.
func statusExists(find func(context.Context) error) func(context.Context) (struct{}, string, error) {
	return func(ctx context.Context) (struct{}, string, error) {
		if err := find(ctx); err != nil {
			return struct{}{}, "", err
		}
		return struct{}{}, "exists", nil
	}
}

// waitGone polls find, at the provider's polling, until the part is gone. The caller's context
// deadline bounds the wait.
func waitGone(ctx context.Context, c *conns.Client, find func(context.Context) error) error {
	_, err := wait.Waiter[struct{}]{
		Refresh: statusExists(find),
		Pending: []string{"exists"}, TargetGone: true,
		Polling: c.Polling(),
	}.Wait(ctx)
	return err
}

func waitLaunchTemplateDeleted(ctx context.Context, c *conns.Client, id string) error {
	return waitGone(ctx, c, func(ctx context.Context) error { _, err := findLaunchTemplate(ctx, c.EC2(), id, ""); return err })
}

func waitSecurityGroupDeleted(ctx context.Context, c *conns.Client, id string) error {
	return waitGone(ctx, c, func(ctx context.Context) error { _, err := findSecurityGroup(ctx, c.EC2(), id); return err })
}

func waitPlacementGroupDeleted(ctx context.Context, c *conns.Client, name string) error {
	return waitGone(ctx, c, func(ctx context.Context) error { _, err := findPlacementGroup(ctx, c.EC2(), name); return err })
}
