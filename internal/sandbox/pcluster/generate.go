// SPDX-License-Identifier: MPL-2.0

package pcluster

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config oapi-server.yaml ../../pcluster/api/openapi.yaml
