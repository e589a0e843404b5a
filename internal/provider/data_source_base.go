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
	if req.ProviderData == nil {
		return
	}
	b, ok := req.ProviderData.(backend.Backend)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("Expected a backend.Backend, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	d.backend = b
}

// backendOr returns the backend, or adds the diagnostic saying there is none.
func (d *dataSourceBase) backendOr(diags *diag.Diagnostics) backend.Backend {
	if d.backend == nil {
		notConfigured(diags)
	}
	return d.backend
}
