// SPDX-License-Identifier: MPL-2.0

package efa_test

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/provider"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/service/efa"
)

// efaOnly serves the real provider (schema, Configure) with only this package's resource and data
// source, so these tests do not depend on other packages' schemas while they are being written.
type efaOnly struct{ fwprovider.Provider }

func (efaOnly) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{efa.NewNetworkResource}
}

func (efaOnly) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{efa.NewInstanceTypesDataSource}
}

var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"rayhpc": providerserver.NewProtocol6WithError(efaOnly{provider.New("acctest")()}),
}
