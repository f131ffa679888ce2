// SPDX-License-Identifier: MPL-2.0

package pcluster

// Exported for the external test package.
var (
	FindCluster = findCluster
)
