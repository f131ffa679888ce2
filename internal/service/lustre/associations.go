// SPDX-License-Identifier: MPL-2.0

package lustre

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
)

// NormalizePath drops trailing slashes, so that /raw and /raw/ (or s3://b/p and s3://b/p/) compare equal.
func NormalizePath(p string) string { return strings.TrimRight(p, "/") }

// SameAssociation reports whether an existing association (a) can stay for a wanted one (b): same file
// system path, S3 path and import setting (FSx cannot change those in place). Events may differ: they
// are updated in place.
func SameAssociation(a, b DataRepositorySpec) bool {
	return NormalizePath(a.FileSystemPath) == NormalizePath(b.FileSystemPath) &&
		NormalizePath(a.S3URI) == NormalizePath(b.S3URI) && a.ImportMetadataOnCreate == b.ImportMetadataOnCreate
}

// SameEvents reports whether two associations have the same automatic import and export events.
func SameEvents(a, b DataRepositorySpec) bool {
	return sameSet(a.AutoImport, b.AutoImport) && sameSet(a.AutoExport, b.AutoExport)
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// associationSpecs turns associations read from FSx into specs with their IDs.
func associationSpecs(assocs []fsxtypes.DataRepositoryAssociation) []DataRepositorySpec {
	out := make([]DataRepositorySpec, 0, len(assocs))
	for _, a := range assocs {
		s := DataRepositorySpec{
			ID: aws.ToString(a.AssociationId), FileSystemPath: aws.ToString(a.FileSystemPath),
			S3URI: aws.ToString(a.DataRepositoryPath), ImportMetadataOnCreate: aws.ToBool(a.BatchImportMetaDataOnCreate),
		}
		if a.S3 != nil && a.S3.AutoImportPolicy != nil {
			s.AutoImport = events(a.S3.AutoImportPolicy.Events)
		}
		if a.S3 != nil && a.S3.AutoExportPolicy != nil {
			s.AutoExport = events(a.S3.AutoExportPolicy.Events)
		}
		out = append(out, s)
	}
	return out
}

func events(evs []fsxtypes.EventType) []string {
	out := make([]string, 0, len(evs))
	for _, e := range evs {
		out = append(out, string(e))
	}
	return out
}

func eventTypes(evs []string) []fsxtypes.EventType {
	out := make([]fsxtypes.EventType, 0, len(evs))
	for _, e := range evs {
		out = append(out, fsxtypes.EventType(e))
	}
	return out
}

// s3Config builds an association's S3 configuration; forUpdate sends empty event lists for unset
// policies so that removing a policy turns it off.
func s3Config(r DataRepositorySpec, forUpdate bool) *fsxtypes.S3DataRepositoryConfiguration {
	if !forUpdate && len(r.AutoImport) == 0 && len(r.AutoExport) == 0 {
		return nil
	}
	c := &fsxtypes.S3DataRepositoryConfiguration{}
	if forUpdate || len(r.AutoImport) > 0 {
		c.AutoImportPolicy = &fsxtypes.AutoImportPolicy{Events: eventTypes(r.AutoImport)}
	}
	if forUpdate || len(r.AutoExport) > 0 {
		c.AutoExportPolicy = &fsxtypes.AutoExportPolicy{Events: eventTypes(r.AutoExport)}
	}
	return c
}

// applyAssociations moves the file system's associations from have (with IDs) to want, one at a time
// (FSx processes a file system's association changes serially): removals first (they free paths), then
// event changes in place, then additions. Additions carry an idempotency token derived from the owner,
// the file system and the path, so a repeated create returns the same association. A failure is a
// *StepError naming the position in want.
func applyAssociations(ctx context.Context, c *conns.Client, o owner.ID, fsID string, have, want []DataRepositorySpec) error {
	kept := make([]int, len(want)) // index into have, or -1
	used := make([]bool, len(have))
	for i, w := range want {
		kept[i] = -1
		for j, h := range have {
			if !used[j] && h.ID != "" && SameAssociation(h, w) {
				kept[i], used[j] = j, true
				break
			}
		}
	}
	for j, h := range have {
		if used[j] || h.ID == "" {
			continue
		}
		if err := deleteAssociation(ctx, c, h); err != nil {
			return &StepError{Step: StepAssociation, Index: -1, Err: err}
		}
	}
	for i, w := range want {
		if kept[i] < 0 || SameEvents(have[kept[i]], w) {
			continue
		}
		id := have[kept[i]].ID
		tflog.Info(ctx, "updating data repository association", map[string]any{"association_id": id})
		if _, err := c.FSx().UpdateDataRepositoryAssociation(ctx, &fsx.UpdateDataRepositoryAssociationInput{AssociationId: aws.String(id), S3: s3Config(w, true)}); err != nil {
			return &StepError{Step: StepAssociation, Index: i, Err: fmt.Errorf("updating association %s (%s): %w", id, w.FileSystemPath, err)}
		}
		if _, err := WaitAssociationAvailable(ctx, c, id); err != nil {
			return &StepError{Step: StepAssociation, Index: i, Err: fmt.Errorf("waiting for association %s update: %w", id, err)}
		}
	}
	for i, w := range want {
		if kept[i] >= 0 {
			continue
		}
		if err := createAssociation(ctx, c, o, fsID, w); err != nil {
			return &StepError{Step: StepAssociation, Index: i, Err: fmt.Errorf("creating association %s -> %s: %w", w.FileSystemPath, w.S3URI, err)}
		}
	}
	return nil
}

func deleteAssociation(ctx context.Context, c *conns.Client, h DataRepositorySpec) error {
	tflog.Info(ctx, "deleting data repository association", map[string]any{"association_id": h.ID})
	_, err := c.FSx().DeleteDataRepositoryAssociation(ctx, &fsx.DeleteDataRepositoryAssociationInput{
		AssociationId: aws.String(h.ID), DeleteDataInFileSystem: aws.Bool(false),
	})
	var nf *fsxtypes.DataRepositoryAssociationNotFound
	if err != nil && !errors.As(err, &nf) {
		return fmt.Errorf("deleting association %s (%s): %w", h.ID, h.FileSystemPath, err)
	}
	if err := WaitAssociationDeleted(ctx, c, h.ID); err != nil {
		return fmt.Errorf("waiting for association %s delete: %w", h.ID, err)
	}
	return nil
}

// createAssociation creates one association and waits until it is AVAILABLE.
func createAssociation(ctx context.Context, c *conns.Client, o owner.ID, fsID string, w DataRepositorySpec) error {
	out, err := c.FSx().CreateDataRepositoryAssociation(ctx, &fsx.CreateDataRepositoryAssociationInput{
		FileSystemId:                aws.String(fsID),
		FileSystemPath:              aws.String(w.FileSystemPath),
		DataRepositoryPath:          aws.String(w.S3URI),
		BatchImportMetaDataOnCreate: aws.Bool(w.ImportMetadataOnCreate),
		S3:                          s3Config(w, false),
		ClientRequestToken:          aws.String(o.Token(partAssociation, fsID, NormalizePath(w.FileSystemPath), NormalizePath(w.S3URI))),
	})
	if err != nil {
		return err
	}
	_, err = WaitAssociationAvailable(ctx, c, aws.ToString(out.Association.AssociationId))
	return err
}
