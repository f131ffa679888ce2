// SPDX-License-Identifier: MPL-2.0

package datasync

// Exports for the external test package.
var (
	FindTask      = findTask
	IsNotFound    = isNotFound
	ValidateSched = ValidateSchedule
	OwnerOf       = ownerOf
)

// Parts, as their ownership tags name them.
const (
	PartSource      = partSource
	PartDestination = partDestination
	PartTask        = partTask
)
