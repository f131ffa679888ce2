// SPDX-License-Identifier: MPL-2.0

package datasync

// Exports for the external test package.
var (
	FindTask      = findTask
	IsNotFound    = isNotFound
	ValidateSched = ValidateSchedule
)
