// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// manifestLocationModel is the manifest block: where the manifest is written.
type manifestLocationModel struct {
	Bucket types.String `tfsdk:"bucket"`
	Key    types.String `tfsdk:"key"`
}

// workflowPlacementModel is the resource's state: the placement inputs and outputs and the manifest's location and version.
type workflowPlacementModel struct {
	inputsModel
	outputsModel
	ID                types.String           `tfsdk:"id"`
	Manifest          *manifestLocationModel `tfsdk:"manifest"`
	ManifestJSON      types.String           `tfsdk:"manifest_json"`
	ManifestETag      types.String           `tfsdk:"manifest_etag"`
	ManifestVersionID types.String           `tfsdk:"manifest_version_id"`
	Moves             types.List             `tfsdk:"moves"`
	Timeouts          timeouts.Value         `tfsdk:"timeouts"`
}

func (m *workflowPlacementModel) location() (bucket, key string) {
	if m.Manifest == nil {
		return "", ""
	}
	return m.Manifest.Bucket.ValueString(), m.Manifest.Key.ValueString()
}
