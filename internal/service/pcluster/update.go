// SPDX-License-Identifier: MPL-2.0

package pcluster

// Updates and dry runs. ParallelCluster checks every update against its update policies: some changes
// need the compute fleet stopped (or a QueueUpdateStrategy), some cannot be made at all
// (config/update_policy.py in aws-parallelcluster; its messages start "All compute nodes must be
// stopped" and "Update actions are not currently supported"). An update dry-runs first; when the only
// obstacle is a running fleet and the user allows it, the fleet is stopped, the cluster updated and the
// fleet started again, also when the update fails.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// Message is a validation message of a dry run.
type Message struct {
	Level     string // ERROR, WARNING, INFO
	Parameter string // the setting, for update policy messages
	Text      string
}

// DryRun is what the API says of a create or an update without making it.
type DryRun struct {
	Messages []Message
	// StopRequired lists the settings whose change needs the compute fleet stopped.
	StopRequired []string
	// Unsupported lists the update policy violations no fleet stop cures.
	Unsupported []Message
	// Changes is the update's change set.
	Changes   []string
	NoChanges bool
	// Exists is set when a create's cluster name is taken (Owned: by a cluster of ours).
	Exists, Owned bool
}

const stopRequiredPrefix = "All compute nodes must be stopped"

// fleetRestartTimeout bounds starting the fleet again after an update, whatever the update's timeout.
const fleetRestartTimeout = 30 * time.Minute

func isStopRequired(u api.UpdateError) bool {
	return strings.HasPrefix(deref(u.Message), stopRequiredPrefix)
}

func dryRunFromError(d *DryRun, e *APIError) {
	for _, v := range e.ValidationErrors {
		d.Messages = append(d.Messages, Message{Level: deref(v.Level), Text: deref(v.Message)})
	}
	for _, u := range e.UpdateErrors {
		if isStopRequired(u) {
			d.StopRequired = append(d.StopRequired, deref(u.Parameter))
		} else {
			d.Unsupported = append(d.Unsupported, Message{Level: "ERROR", Parameter: deref(u.Parameter), Text: deref(u.Message)})
		}
	}
	if len(e.ValidationErrors) == 0 && len(e.UpdateErrors) == 0 {
		if strings.Contains(e.Message, "No changes found") {
			d.NoChanges = true
			return
		}
		d.Messages = append(d.Messages, Message{Level: "ERROR", Text: e.Message})
	}
}

func messages(in *[]api.ConfigValidationMessage) []Message {
	var out []Message
	for _, m := range deref2(in) {
		out = append(out, Message{Level: deref(m.Level), Text: deref(m.Message)})
	}
	return out
}

func changeList(in *[]api.Change) []string {
	var out []string
	for _, c := range deref2(in) {
		out = append(out, fmt.Sprintf("%s: %s -> %s", deref(c.Parameter), deref(c.CurrentValue), deref(c.RequestedValue)))
	}
	return out
}

// DryRunCreate asks the API to validate a create.
func DryRunCreate(ctx context.Context, c *conns.Client, spec ClusterSpec) (*DryRun, error) {
	pc, err := c.ParallelCluster(ctx)
	if err != nil {
		return nil, err
	}
	spec.Region = regionOf(c, spec)
	return dryRunCreate(ctx, pc, spec)
}

func dryRunCreate(ctx context.Context, pc API, spec ClusterSpec) (*DryRun, error) {
	doc, err := RenderConfig(spec)
	if err != nil {
		return nil, err
	}
	dry := true
	resp, err := pc.CreateClusterWithResponse(ctx, &api.CreateClusterParams{Region: &spec.Region, Dryrun: &dry}, api.CreateClusterJSONRequestBody{ClusterName: spec.Name, ClusterConfiguration: doc})
	if err != nil {
		return nil, err
	}
	out := &DryRun{}
	switch {
	case resp.JSON412 != nil:
		out.Messages = messages(resp.JSON412.ValidationMessages)
	case resp.StatusCode() == http.StatusConflict:
		out.Exists = true
		if d, err := findCluster(ctx, pc, spec.Region, spec.Name); err == nil {
			out.Owned = tagMap(d.Tags)[OwnerTagKey] == OwnerValue(spec.Name)
		}
	case resp.StatusCode() == http.StatusBadRequest:
		var e *APIError
		if errors.As(apiError("CreateCluster", resp.HTTPResponse, resp.Body), &e) {
			dryRunFromError(out, e)
		}
	default:
		return nil, apiError("CreateCluster", resp.HTTPResponse, resp.Body)
	}
	return out, nil
}

// DryRunUpdate asks the API to validate an update to spec.
func DryRunUpdate(ctx context.Context, c *conns.Client, spec ClusterSpec) (*DryRun, error) {
	pc, err := c.ParallelCluster(ctx)
	if err != nil {
		return nil, err
	}
	spec.Region = regionOf(c, spec)
	return dryRunUpdate(ctx, pc, spec)
}

func dryRunUpdate(ctx context.Context, pc API, spec ClusterSpec) (*DryRun, error) {
	doc, err := RenderConfig(spec)
	if err != nil {
		return nil, err
	}
	resp, err := updateRequest(ctx, pc, spec.Region, spec.Name, doc, true)
	if err != nil {
		return nil, err
	}
	out := &DryRun{}
	switch {
	case resp.JSON412 != nil:
		out.Messages, out.Changes = messages(resp.JSON412.ValidationMessages), changeList(resp.JSON412.ChangeSet)
	case resp.StatusCode() == http.StatusBadRequest:
		var e *APIError
		if errors.As(apiError("UpdateCluster", resp.HTTPResponse, resp.Body), &e) {
			dryRunFromError(out, e)
			out.Changes = changeList(&e.ChangeSet)
		}
	default:
		return nil, apiError("UpdateCluster", resp.HTTPResponse, resp.Body)
	}
	return out, nil
}

func updateRequest(ctx context.Context, pc API, region, name, doc string, dryRun bool) (*api.UpdateClusterResponse, error) {
	resp, err := pc.UpdateClusterWithResponse(ctx, name, &api.UpdateClusterParams{Region: &region, Dryrun: &dryRun}, api.UpdateClusterJSONRequestBody{ClusterConfiguration: doc})
	if err != nil {
		return nil, fmt.Errorf("updating ParallelCluster cluster %s: %w", name, err)
	}
	return resp, nil
}

// StopRequiredError says an update needs the compute fleet stopped and the user did not allow it.
type StopRequiredError struct {
	Cluster    string
	Parameters []string
}

func (e *StopRequiredError) Error() string {
	return fmt.Sprintf("updating ParallelCluster cluster %s needs its compute fleet stopped for these settings: %s. "+
		"Set stop_compute_fleet_when_required = true to let the provider stop the fleet, update and start it again, "+
		"or stop it yourself (pcluster update-compute-fleet --status STOP_REQUESTED), or set slurm.queue_update_strategy "+
		"to DRAIN or TERMINATE where ParallelCluster accepts it.", e.Cluster, strings.Join(e.Parameters, ", "))
}

// UpdateCluster updates the cluster from its current configuration to spec: a dry run first, then, when
// the change needs the compute fleet stopped and spec allows it, stop the fleet, update, wait for
// UPDATE_COMPLETE and start the fleet again (also when the update fails).
func UpdateCluster(ctx context.Context, c *conns.Client, spec ClusterSpec) (*Cluster, error) {
	pc, err := c.ParallelCluster(ctx)
	if err != nil {
		return nil, err
	}
	spec.Region = regionOf(c, spec)
	return updateCluster(ctx, pc, c.Polling(), spec)
}

func updateCluster(ctx context.Context, pc API, polling wait.Polling, spec ClusterSpec) (*Cluster, error) {
	region, name := spec.Region, spec.Name
	tflog.Info(ctx, "dry-running the ParallelCluster cluster update")
	dry, err := dryRunUpdate(ctx, pc, spec)
	if err != nil {
		return nil, err
	}
	if errs := dryErrors(dry); len(errs) > 0 {
		return nil, fmt.Errorf("updating ParallelCluster cluster %s: the API refuses the update:\n  - %s", name, strings.Join(errs, "\n  - "))
	}
	if dry.NoChanges {
		tflog.Info(ctx, "the ParallelCluster configuration has no changes")
		return readCluster(ctx, pc, region, name, nil)
	}
	if len(dry.StopRequired) == 0 {
		if err := applyUpdate(ctx, pc, polling, spec, dry.Changes); err != nil {
			return nil, err
		}
		return readCluster(ctx, pc, region, name, nil)
	}
	if !spec.StopComputeFleetWhenRequired {
		return nil, &StopRequiredError{Cluster: name, Parameters: dry.StopRequired}
	}
	tflog.Info(ctx, "the update needs the compute fleet stopped: stopping it", map[string]any{"settings": dry.StopRequired})
	if err := setComputeFleet(ctx, pc, polling, region, name, api.RequestedComputeFleetStatusSTOPREQUESTED, api.ComputeFleetStatusSTOPPED); err != nil {
		return nil, errors.Join(fmt.Errorf("stopping the compute fleet of %s: %w", name, err), restartFleet(ctx, pc, polling, region, name))
	}
	err = applyUpdate(ctx, pc, polling, spec, dry.Changes)
	// Start the fleet again whatever happened to the update.
	if err := errors.Join(err, restartFleet(ctx, pc, polling, region, name)); err != nil {
		return nil, err
	}
	return readCluster(ctx, pc, region, name, nil)
}

// applyUpdate sends the update and waits for UPDATE_COMPLETE.
func applyUpdate(ctx context.Context, pc API, polling wait.Polling, spec ClusterSpec, changes []string) error {
	region, name := spec.Region, spec.Name
	doc, err := RenderConfig(spec)
	if err != nil {
		return err
	}
	tflog.Info(ctx, "updating ParallelCluster cluster", map[string]any{"changes": changes})
	started := time.Now().Add(-time.Minute) // stack event times come from another clock
	resp, err := updateRequest(ctx, pc, region, name, doc, false)
	if err != nil {
		return err
	}
	if resp.JSON202 == nil {
		return apiError("UpdateCluster", resp.HTTPResponse, resp.Body)
	}
	if _, err := waitClusterUpdated(ctx, pc, polling, region, name, 0); err != nil {
		err = fmt.Errorf("waiting for ParallelCluster cluster %s update: %w", name, err)
		var unexpected *wait.UnexpectedStateError
		if errors.As(err, &unexpected) && unexpected.State == string(api.ClusterStatusUPDATEFAILED) {
			err = withStackEvents(ctx, pc, region, name, err, started, "ParallelCluster rolled the cluster back to its previous configuration.")
		}
		return err
	}
	tflog.Info(ctx, "ParallelCluster cluster updated")
	return nil
}

// dryErrors lists what a dry run refuses, beyond a running fleet.
func dryErrors(d *DryRun) []string {
	var out []string
	for _, m := range d.Messages {
		if m.Level == "ERROR" {
			out = append(out, m.Text)
		}
	}
	for _, u := range d.Unsupported {
		out = append(out, u.Parameter+": "+u.Text)
	}
	return out
}

// restartFleet starts the compute fleet again and waits until it runs, with its own timeout so that it
// also runs when the update's context has expired.
func restartFleet(ctx context.Context, pc API, polling wait.Polling, region, name string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fleetRestartTimeout)
	defer cancel()
	tflog.Info(ctx, "starting the compute fleet again")
	if err := setComputeFleet(ctx, pc, polling, region, name, api.RequestedComputeFleetStatusSTARTREQUESTED, api.ComputeFleetStatusRUNNING); err != nil {
		return fmt.Errorf("starting the compute fleet of %s again (start it with pcluster update-compute-fleet --status START_REQUESTED): %w", name, err)
	}
	tflog.Info(ctx, "compute fleet running")
	return nil
}

func setComputeFleet(ctx context.Context, pc API, polling wait.Polling, region, name string, req api.RequestedComputeFleetStatus, target api.ComputeFleetStatus) error {
	resp, err := pc.UpdateComputeFleetWithResponse(ctx, name, &api.UpdateComputeFleetParams{Region: &region}, api.UpdateComputeFleetJSONRequestBody{Status: req})
	if err != nil {
		return err
	}
	if resp.StatusCode() >= 300 {
		return apiError("UpdateComputeFleet", resp.HTTPResponse, resp.Body)
	}
	return waitComputeFleet(ctx, pc, polling, region, name, target, 0)
}
