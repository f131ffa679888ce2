// SPDX-License-Identifier: MPL-2.0

package efa

// Exported for the external test package.
var (
	FindLaunchTemplate        = findLaunchTemplate
	FindLaunchTemplateVersion = findLaunchTemplateVersion
	FindSecurityGroup         = findSecurityGroup
	FindPlacementGroup        = findPlacementGroup
	OwnerOf                   = ownerOf
)

// Parts, as their ownership tags name them.
const (
	PartSecurityGroup  = partSecurityGroup
	PartPlacementGroup = partPlacementGroup
)
