// SPDX-License-Identifier: MPL-2.0

package datasync

// Creates that are safe to repeat. DataSync's CreateLocation* and CreateTask take no idempotency
// token and refuse nothing as a duplicate, so a create whose answer was lost (the SDK retries it) or
// that a crash interrupted leaves a location or task no state knows. Every object of a transfer
// therefore carries the provider's ownership tags (package owner): before it creates a part, Create
// looks for the part this transfer already made and adopts it; after it creates one, it deletes any
// other object with the same owner and part (what a lost answer's retry left behind). The task is the
// main object: it carries rayhpc:create=pending until Create has finished, so a finished transfer of
// the same name (another configuration's) is refused, not adopted.

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

const (
	resourceType    = "rayhpc_datasync_transfer"
	partSource      = "source-location"
	partDestination = "destination-location"
	partTask        = "task"
)

func ownerOf(name string) owner.ID { return owner.New(resourceType, name) }

// taggedObject is a DataSync task or location with its tags.
type taggedObject struct {
	ARN  string
	Tags map[string]string
}

// selectByTags reads the tags of each ARN (DataSync lists carry none: ListTagsForResource, one call each) and
// returns those for which keep says yes; an object deleted meanwhile is passed over.
func selectByTags(ctx context.Context, ds *datasync.Client, arns []string, keep func(tags map[string]string) bool) ([]taggedObject, error) {
	var out []taggedObject
	for _, arn := range arns {
		tags, err := listTags(ctx, ds, arn)
		if wait.NotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if keep(tags) {
			out = append(out, taggedObject{ARN: arn, Tags: tags})
		}
	}
	return out, nil
}

// locationARNs lists the ARNs of every location.
func locationARNs(ctx context.Context, ds *datasync.Client) ([]string, error) {
	var out []string
	p := datasync.NewListLocationsPaginator(ds, &datasync.ListLocationsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, l := range page.Locations {
			out = append(out, aws.ToString(l.LocationArn))
		}
	}
	return out, nil
}

// taskARNs lists the ARNs of the tasks whose name name says yes to (all when name is nil).
func taskARNs(ctx context.Context, ds *datasync.Client, name func(string) bool) ([]string, error) {
	var out []string
	p := datasync.NewListTasksPaginator(ds, &datasync.ListTasksInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range page.Tasks {
			if name == nil || name(aws.ToString(t.Name)) {
				out = append(out, aws.ToString(t.TaskArn))
			}
		}
	}
	return out, nil
}

// ownedLocations lists the ARNs of the locations that carry id's tags for part.
func ownedLocations(ctx context.Context, ds *datasync.Client, id owner.ID, part string) ([]string, error) {
	arns, err := locationARNs(ctx, ds)
	if err != nil {
		return nil, err
	}
	found, err := selectByTags(ctx, ds, arns, func(tags map[string]string) bool { return id.Owns(tags, part) })
	out := make([]string, len(found))
	for i, f := range found {
		out[i] = f.ARN
	}
	return out, err
}

// ownedTask is a task that carries id's tags, with whether its create is still pending.
type ownedTask struct {
	ARN     string
	Pending bool
}

// ownedTasks lists the tasks named name that carry id's task tags.
func ownedTasks(ctx context.Context, ds *datasync.Client, id owner.ID, name string) ([]ownedTask, error) {
	arns, err := taskARNs(ctx, ds, func(n string) bool { return n == name })
	if err != nil {
		return nil, err
	}
	found, err := selectByTags(ctx, ds, arns, func(tags map[string]string) bool { return id.Owns(tags, partTask) })
	out := make([]ownedTask, len(found))
	for i, f := range found {
		out[i] = ownedTask{ARN: f.ARN, Pending: owner.IsPending(f.Tags)}
	}
	return out, err
}

// ensureLocation adopts the location this transfer made for part in an interrupted create, or creates
// one; after a create it deletes other locations with the same owner and part (a lost answer's).
func ensureLocation(ctx context.Context, ds *datasync.Client, id owner.ID, part string, create func(context.Context) (string, error)) (string, error) {
	found, err := ownedLocations(ctx, ds, id, part)
	if err != nil {
		return "", err
	}
	if len(found) > 0 {
		tflog.Info(ctx, "adopting a DataSync location of an interrupted create", map[string]any{"location_arn": found[0], "part": part})
		for _, extra := range found[1:] {
			if err := deleteLocation(ctx, ds, extra); err != nil {
				return "", err
			}
		}
		return found[0], nil
	}
	arn, err := create(ctx)
	if err != nil {
		return "", err
	}
	return arn, dropOthers(ctx, ds, id, part, arn)
}

// dropOthers deletes the locations with id's tags for part other than keep.
func dropOthers(ctx context.Context, ds *datasync.Client, id owner.ID, part, keep string) error {
	found, err := ownedLocations(ctx, ds, id, part)
	if err != nil {
		return err
	}
	for _, arn := range found {
		if arn != keep {
			tflog.Info(ctx, "deleting a duplicate DataSync location (a lost answer's)", map[string]any{"location_arn": arn})
			if err := deleteLocation(ctx, ds, arn); err != nil {
				return err
			}
		}
	}
	return nil
}

// adoptTask returns the pending task an interrupted create of this transfer made ("" when there is
// none); a finished task of this owner is a conflict. Other owned tasks (a lost answer's) are deleted.
func adoptTask(ctx context.Context, ds *datasync.Client, id owner.ID, name string) (string, error) {
	found, err := ownedTasks(ctx, ds, id, name)
	if err != nil || len(found) == 0 {
		return "", err
	}
	keep := ""
	for _, t := range found {
		if !t.Pending {
			return "", &owner.ConflictError{Owner: id, What: "DataSync task " + t.ARN}
		}
		if keep == "" {
			keep = t.ARN
		}
	}
	return keep, dropOtherTasks(ctx, ds, found, keep)
}

func dropOtherTasks(ctx context.Context, ds *datasync.Client, found []ownedTask, keep string) error {
	for _, t := range found {
		if t.ARN == keep {
			continue
		}
		tflog.Info(ctx, "deleting a duplicate DataSync task (a lost answer's)", map[string]any{"task_arn": t.ARN})
		if _, err := ds.DeleteTask(ctx, &datasync.DeleteTaskInput{TaskArn: aws.String(t.ARN)}); err != nil && !isNotFound(err) {
			return err
		}
	}
	return nil
}

// createTask creates the task (pending) unless an interrupted create left one, then deletes duplicates.
func createTask(ctx context.Context, ds *datasync.Client, id owner.ID, spec TransferSpec, src, dst string) (string, error) {
	arn, err := adoptTask(ctx, ds, id, spec.Name)
	if err != nil || arn != "" {
		return arn, err
	}
	in := expandCreateTask(spec, src, dst)
	in.Tags = conns.DataSyncTags(owner.With(spec.Tags, id.PendingTags(partTask)))
	out, err := ds.CreateTask(ctx, in)
	if err != nil {
		return "", err
	}
	arn = aws.ToString(out.TaskArn)
	found, err := ownedTasks(ctx, ds, id, spec.Name)
	if err != nil {
		return arn, err
	}
	return arn, dropOtherTasks(ctx, ds, found, arn)
}

// finishCreate removes the pending mark from the task: the create has finished.
func finishCreate(ctx context.Context, ds *datasync.Client, taskARN string) error {
	_, err := ds.UntagResource(ctx, &datasync.UntagResourceInput{ResourceArn: aws.String(taskARN), Keys: []string{owner.TagCreate}})
	return err
}
