// SPDX-License-Identifier: MPL-2.0

package lustre

// Unexported pieces the external test package (lustre_test) uses.
var (
	FindOwnedFileSystem = findOwnedFileSystem
	GroupName           = groupName
	OwnerOf             = ownerOf
)

// Parts, as their ownership tags name them.
const (
	PartFileSystem    = partFileSystem
	PartSecurityGroup = partSecurityGroup
)
