// SPDX-License-Identifier: MPL-2.0

package pcluster

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

func statusCluster(pc API, region, name string) func(context.Context) (*api.DescribeClusterResponseContent, string, error) {
	return func(ctx context.Context) (*api.DescribeClusterResponseContent, string, error) {
		c, err := findCluster(ctx, pc, region, name)
		if err != nil {
			return nil, "", err
		}
		return c, string(c.ClusterStatus), nil
	}
}

func clusterReason(c *api.DescribeClusterResponseContent) string {
	if c == nil || c.Failures == nil {
		return ""
	}
	var parts []string
	for _, f := range *c.Failures {
		s := deref(f.FailureReason)
		if code := deref(f.FailureCode); code != "" {
			s = code + ": " + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func logPoll(what string) func(context.Context, *api.DescribeClusterResponseContent, string) {
	return func(ctx context.Context, _ *api.DescribeClusterResponseContent, state string) {
		tflog.Debug(ctx, "waiting for ParallelCluster cluster "+what, map[string]any{"status": state})
	}
}

// waitClusterCreated waits for CREATE_COMPLETE; CREATE_FAILED ends the wait with the failures' reasons.
func waitClusterCreated(ctx context.Context, pc API, polling wait.Polling, region, name string, timeout time.Duration) (*api.DescribeClusterResponseContent, error) {
	return wait.Waiter[*api.DescribeClusterResponseContent]{
		Refresh: statusCluster(pc, region, name),
		Pending: []string{string(api.ClusterStatusCREATEINPROGRESS)},
		Target:  []string{string(api.ClusterStatusCREATECOMPLETE)},
		Reason:  clusterReason,
		Timeout: timeout,
		Polling: polling,
		OnPoll:  logPoll("create"),
	}.Wait(ctx)
}

// waitClusterUpdated waits for UPDATE_COMPLETE; UPDATE_FAILED ends the wait.
func waitClusterUpdated(ctx context.Context, pc API, polling wait.Polling, region, name string, timeout time.Duration) (*api.DescribeClusterResponseContent, error) {
	return wait.Waiter[*api.DescribeClusterResponseContent]{
		Refresh: statusCluster(pc, region, name),
		Pending: []string{string(api.ClusterStatusUPDATEINPROGRESS)},
		Target:  []string{string(api.ClusterStatusUPDATECOMPLETE)},
		Reason:  clusterReason,
		Timeout: timeout,
		Polling: polling,
		OnPoll:  logPoll("update"),
	}.Wait(ctx)
}

// waitClusterDeleted waits until the cluster is gone; DELETE_FAILED ends the wait.
func waitClusterDeleted(ctx context.Context, pc API, polling wait.Polling, region, name string, timeout time.Duration) error {
	_, err := wait.Waiter[*api.DescribeClusterResponseContent]{
		Refresh:    statusCluster(pc, region, name),
		Pending:    []string{string(api.ClusterStatusDELETEINPROGRESS)},
		Target:     []string{string(api.ClusterStatusDELETECOMPLETE)},
		TargetGone: true,
		Reason:     clusterReason,
		Timeout:    timeout,
		Polling:    polling,
		OnPoll:     logPoll("delete"),
	}.Wait(ctx)
	return err
}

// waitComputeFleet waits for the compute fleet to reach target (STOPPED or RUNNING).
func waitComputeFleet(ctx context.Context, pc API, polling wait.Polling, region, name string, target api.ComputeFleetStatus, timeout time.Duration) error {
	pending := []string{string(api.ComputeFleetStatusSTOPREQUESTED), string(api.ComputeFleetStatusSTOPPING)}
	if target == api.ComputeFleetStatusRUNNING {
		pending = []string{string(api.ComputeFleetStatusSTARTREQUESTED), string(api.ComputeFleetStatusSTARTING)}
	}
	_, err := wait.Waiter[*api.DescribeComputeFleetResponseContent]{
		Refresh: func(ctx context.Context) (*api.DescribeComputeFleetResponseContent, string, error) {
			resp, err := pc.DescribeComputeFleetWithResponse(ctx, name, &api.DescribeComputeFleetParams{Region: &region})
			if err != nil {
				return nil, "", err
			}
			if resp.JSON200 == nil {
				return nil, "", apiError("DescribeComputeFleet", resp.HTTPResponse, resp.Body)
			}
			return resp.JSON200, string(resp.JSON200.Status), nil
		},
		Pending: pending,
		Target:  []string{string(target)},
		Timeout: timeout,
		Polling: polling,
		OnPoll: func(ctx context.Context, _ *api.DescribeComputeFleetResponseContent, state string) {
			tflog.Debug(ctx, "waiting for the ParallelCluster compute fleet", map[string]any{"status": state, "target": string(target)})
		},
	}.Wait(ctx)
	return err
}
