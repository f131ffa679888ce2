// SPDX-License-Identifier: MPL-2.0

package framework

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The tag toolkit, Terraform side. The AWS side (MergeTags, TagsDiff, sorted EC2/FSx/DataSync tag lists,
// Update{EC2,FSx,DataSync}Tags) is in internal/conns, so that the plain Go layers can use it without
// Terraform types.

// FlattenTags turns the tags read from AWS into a resource's `tags` value. Tags that came from the
// provider's default_tags (same key and value) are left out unless the resource's own configuration
// (prior) names them too, so default tags never show as drift; any other tag, including one added
// out of band, is kept, so it shows as a diff. An empty result stays null when prior was null.
// Callers remove tags they set implicitly (such as Name) before calling.
func FlattenTags(ctx context.Context, remote map[string]string, prior types.Map, defaults map[string]string) (types.Map, diag.Diagnostics) {
	var diags diag.Diagnostics
	configured := map[string]string{}
	if !prior.IsNull() && !prior.IsUnknown() {
		diags.Append(prior.ElementsAs(ctx, &configured, false)...)
	}
	own := make(map[string]string, len(remote))
	for k, v := range remote {
		if dv, isDefault := defaults[k]; isDefault && dv == v {
			if _, ok := configured[k]; !ok {
				continue
			}
		}
		own[k] = v
	}
	if len(own) == 0 && (prior.IsNull() || prior.IsUnknown()) {
		return types.MapNull(types.StringType), diags
	}
	out, d := types.MapValueFrom(ctx, types.StringType, own)
	diags.Append(d...)
	return out, diags
}
