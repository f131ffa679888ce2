// SPDX-License-Identifier: MPL-2.0

//go:build !race

package placement

const raceEnabled = false
