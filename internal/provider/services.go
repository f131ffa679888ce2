// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/datasync"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/efa"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/hybrid"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/kuberay"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/lustre"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/pcluster"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/workflow"
)

// resources lists every resource type the service packages contribute.
func resources() []func() resource.Resource {
	return []func() resource.Resource{
		datasync.NewTransferResource,
		efa.NewNetworkResource,
		hybrid.NewHybridResource,
		kuberay.NewRayClusterResource,
		lustre.NewWorkspaceResource,
		pcluster.NewClusterResource,
		workflow.NewWorkflowPlacementResource,
	}
}

// dataSources lists every data source type the service packages contribute.
func dataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		efa.NewInstanceTypesDataSource,
		workflow.NewStagePlacementDataSource,
	}
}
