// SPDX-License-Identifier: MPL-2.0

// Package framework holds the few pieces every resource and data source shares: the client wiring and
// validators and plan modifiers used by more than one service package.
package framework

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

// WithClient is embedded by every resource and data source. It receives the provider's *conns.Client in
// Configure and fails loudly when the provider hands over anything else.
type WithClient struct {
	client *conns.Client
}

// Client returns the configured client. It is nil only before Configure ran (validation, early plan).
func (w *WithClient) Client() *conns.Client { return w.client }

func (w *WithClient) configure(providerData any, diags *diag.Diagnostics) {
	if providerData == nil {
		return
	}
	c, ok := providerData.(*conns.Client)
	if !ok {
		diags.AddError("Unexpected Configure Type",
			fmt.Sprintf("expected *conns.Client, got %T; please report this bug to the provider developers", providerData))
		return
	}
	w.client = c
}

// Configure implements resource.ResourceWithConfigure.
func (w *WithClient) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	w.configure(req.ProviderData, &resp.Diagnostics)
}

// DataSourceWithClient is the data-source flavour of WithClient.
type DataSourceWithClient struct {
	WithClient
}

// Configure implements datasource.DataSourceWithConfigure.
func (w *DataSourceWithClient) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	w.configure(req.ProviderData, &resp.Diagnostics)
}
