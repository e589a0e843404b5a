package provider

import (
	"cmp"
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
)

// addBackendError adds the diagnostics of an error a backend returned (nothing for nil): the engine's
// validation errors (the Waldur backend's too) each on its attribute (validation_paths.go), a
// *backend.Error with its summary on its attribute, and anything else as one error under summary,
// which is also the summary of a *backend.Error that has none. Errors joined with errors.Join come out
// one by one, in order.
func addBackendError(diags *diag.Diagnostics, summary string, err error) {
	if err == nil {
		return
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			addBackendError(diags, summary, e)
		}
		return
	}
	if addValidationErrors(diags, err) {
		return
	}
	var e *backend.Error
	if !errors.As(err, &e) {
		diags.AddError(summary, err.Error())
		return
	}
	summary = cmp.Or(e.Summary, summary)
	if p, ok := attributePath(e.Attribute); ok {
		diags.AddAttributeError(p, summary, e.Error())
	} else {
		diags.AddError(summary, e.Error())
	}
}

// notConfigured is the diagnostic of a resource or data source used before the provider was
// configured.
func notConfigured(diags *diag.Diagnostics) {
	diags.AddError("Provider not configured",
		"The waldur provider was not configured before use. This is a bug in the provider or in Terraform; please report it.")
}

// tfLogger sends what the backends say to Terraform's log.
type tfLogger struct{}

func (tfLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(ctx, msg, fields)
}

func (tfLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(ctx, msg, fields)
}
