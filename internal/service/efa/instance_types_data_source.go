// SPDX-License-Identifier: MPL-2.0

package efa

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewInstanceTypesDataSource is the rayhpc_efa_instance_types data source.
func NewInstanceTypesDataSource() datasource.DataSource { return nil }
