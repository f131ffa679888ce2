// SPDX-License-Identifier: MPL-2.0

package lustre

// Exports for the external test package.
var (
	ResourceTags   = (*workspaceModel).resourceTags
	FlattenRepos   = flattenRepos
	ExpandUpdate   = expandUpdate
	ResourceSchema = func() *workspaceResource { return &workspaceResource{} }
)
