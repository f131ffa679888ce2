// SPDX-License-Identifier: MPL-2.0

// Package concurrency holds one test: several workspaces, EFA networks and a DataSync transfer applied
// and destroyed together by the terraform CLI with -parallelism=10 and debug logging, against the provider
// binary built as a user builds it. It proves that concurrent requests reach AWS as they were signed (the
// sandbox verifies every signature) and that nothing is created twice.
package concurrency
