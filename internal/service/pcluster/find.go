// SPDX-License-Identifier: MPL-2.0

package pcluster

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// API is the ParallelCluster API as the provider uses it (the generated client).
type API = api.ClientWithResponsesInterface

// APIError is an error answer of the ParallelCluster API (or of API Gateway in front of it).
type APIError struct {
	Operation  string
	StatusCode int
	Type       string // x-amzn-ErrorType, when API Gateway set it
	Message    string
	// ValidationErrors are the configuration's validation messages (CreateCluster, UpdateCluster).
	ValidationErrors []api.ConfigValidationMessage
	// UpdateErrors are the update policy violations (UpdateCluster).
	UpdateErrors []api.UpdateError
	ChangeSet    []api.Change
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ParallelCluster API %s: %d", e.Operation, e.StatusCode)
	if e.Type != "" {
		b.WriteString(" " + e.Type)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for _, v := range e.ValidationErrors {
		fmt.Fprintf(&b, "\n  - %s %s: %s", deref(v.Level), deref(v.Type), deref(v.Message))
	}
	for _, u := range e.UpdateErrors {
		fmt.Fprintf(&b, "\n  - %s (%s -> %s): %s", deref(u.Parameter), deref(u.CurrentValue), deref(u.RequestedValue), deref(u.Message))
	}
	return b.String()
}

func deref[T ~string](p *T) string {
	if p == nil {
		return ""
	}
	return string(*p)
}

// apiError builds the error of a non-success answer from its body.
func apiError(op string, resp *http.Response, body []byte) error {
	e := &APIError{Operation: op, StatusCode: resp.StatusCode, Type: resp.Header.Get("x-amzn-ErrorType")}
	var b struct {
		Message                       string                        `json:"message"`
		ConfigurationValidationErrors []api.ConfigValidationMessage `json:"configurationValidationErrors"`
		UpdateValidationErrors        []api.UpdateError             `json:"updateValidationErrors"`
		ChangeSet                     []api.Change                  `json:"changeSet"`
	}
	if json.Unmarshal(body, &b) == nil {
		e.Message, e.ValidationErrors, e.UpdateErrors, e.ChangeSet = b.Message, b.ConfigurationValidationErrors, b.UpdateValidationErrors, b.ChangeSet
	} else {
		e.Message = strings.TrimSpace(string(body))
	}
	return e
}

// findCluster describes a cluster; a 404 is a wait.NotFoundError.
func findCluster(ctx context.Context, pc API, region, name string) (*api.DescribeClusterResponseContent, error) {
	resp, err := pc.DescribeClusterWithResponse(ctx, name, &api.DescribeClusterParams{Region: &region})
	if err != nil {
		return nil, fmt.Errorf("describing ParallelCluster cluster %s: %w", name, err)
	}
	switch {
	case resp.JSON200 != nil:
		return resp.JSON200, nil
	case resp.StatusCode() == http.StatusNotFound:
		return nil, wait.NewNotFound(fmt.Sprintf("ParallelCluster cluster (%s)", name), apiError("DescribeCluster", resp.HTTPResponse, resp.Body))
	}
	return nil, apiError("DescribeCluster", resp.HTTPResponse, resp.Body)
}

// findHeadNode lists the cluster's head node instance (nil when it has none).
func findHeadNode(ctx context.Context, pc API, region, name string) (*api.ClusterInstance, error) {
	head := api.HeadNode
	resp, err := pc.DescribeClusterInstancesWithResponse(ctx, name, &api.DescribeClusterInstancesParams{Region: &region, NodeType: &head})
	if err != nil {
		return nil, fmt.Errorf("describing the instances of ParallelCluster cluster %s: %w", name, err)
	}
	if resp.JSON200 == nil {
		return nil, apiError("DescribeClusterInstances", resp.HTTPResponse, resp.Body)
	}
	for _, i := range resp.JSON200.Instances {
		if i.NodeType == api.HeadNode {
			return &i, nil
		}
	}
	return nil, nil
}

// findFailedEvents returns the stack events that explain a failure (resources in a *_FAILED status),
// oldest first.
func findFailedEvents(ctx context.Context, pc API, region, name string) ([]api.StackEvent, error) {
	var out []api.StackEvent
	var token *string
	for page := 0; page < 20; page++ {
		resp, err := pc.GetClusterStackEventsWithResponse(ctx, name, &api.GetClusterStackEventsParams{Region: &region, NextToken: token})
		if err != nil {
			return nil, err
		}
		if resp.JSON200 == nil {
			return nil, apiError("GetClusterStackEvents", resp.HTTPResponse, resp.Body)
		}
		if resp.JSON200.Events != nil {
			for _, e := range *resp.JSON200.Events {
				if strings.HasSuffix(string(e.ResourceStatus), "_FAILED") && e.ResourceStatusReason != nil {
					out = append([]api.StackEvent{e}, out...)
				}
			}
		}
		if token = resp.JSON200.NextToken; token == nil {
			break
		}
	}
	return out, nil
}

// FetchConfiguration reads the cluster configuration ParallelCluster holds, from the presigned URL
// DescribeCluster gives (an S3 object in the API's bucket).
func FetchConfiguration(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("reading the cluster configuration: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return "", fmt.Errorf("reading the cluster configuration: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("reading the cluster configuration: %s", resp.Status)
	}
	return string(body), nil
}
