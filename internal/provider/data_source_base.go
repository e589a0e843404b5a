package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
)

// dataSourceBase gives the data sources the backend the provider configured.
type dataSourceBase struct {
	backend backend.Backend
}

func (d *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if b, ok := backendOf(req.ProviderData, &resp.Diagnostics); ok {
		d.backend = b
	}
}

// backendOr returns the backend, or adds the diagnostic saying there is none.
func (d *dataSourceBase) backendOr(diags *diag.Diagnostics) backend.Backend {
	return backendOr(d.backend, diags)
}

// backendOf takes the backend out of the provider data that Configure handed a resource or data source.
// ok is false while the provider is not configured yet (nil data), and for data of another type (a bug,
// reported).
func backendOf(providerData any, diags *diag.Diagnostics) (b backend.Backend, ok bool) {
	if providerData == nil {
		return nil, false
	}
	b, ok = providerData.(backend.Backend)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected a backend.Backend, got %T. Please report this issue to the provider developers.", providerData))
	}
	return b, ok
}

// backendOr returns b, or adds the diagnostic saying there is no backend.
func backendOr(b backend.Backend, diags *diag.Diagnostics) backend.Backend {
	if b == nil {
		notConfigured(diags)
	}
	return b
}
