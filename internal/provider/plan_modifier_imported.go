package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
)

// privateImported marks a migration that came from `terraform import`: its state knows the tenants but
// not the dst_plan and mappings the migration was made with, which no API tells.
const privateImported = "imported"

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

func wasImported(ctx context.Context, p privateGetter) bool {
	if p == nil {
		return false
	}
	v, _ := p.GetKey(ctx, privateImported)
	return string(v) == "true"
}

const replaceUnlessImportedDescription = "Changing this value forces a new migration, except on the first apply after an import, " +
	"which records the configured value without rebuilding."

// requiresReplaceUnlessImported is RequiresReplace, except that an imported migration takes its first
// configured value in place: the value was not lost by the user but unknowable at import, and rebuilding
// a tenant over it would be absurd. `mappings` has the same grace, decided in ModifyPlan (planUpdate),
// which also knows whether the backend applies a change of them in place.
func requiresReplaceUnlessImported() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull() || !wasImported(ctx, req.Private)
	}, replaceUnlessImportedDescription, replaceUnlessImportedDescription)
}
