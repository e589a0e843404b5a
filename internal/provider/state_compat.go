package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// upgradeOlderState fills in what a state written by an earlier build of this provider lacks: a list,
// map or set of the preview, or an id map, that the schema gained since reads back as null, which
// breaks configurations that iterate over it ("Iteration over null value"). That build copied nothing
// of the kind, so empty is what it built.
func upgradeOlderState(ctx context.Context, m *migrationModel) diag.Diagnostics {
	for _, ids := range modelIDMaps(m) {
		if ids.IsNull() {
			*ids = types.MapValueMust(types.StringType, map[string]attr.Value{})
		}
	}
	if m.Preview.IsNull() || m.Preview.IsUnknown() {
		return nil
	}
	attrs := m.Preview.Attributes()
	filled := make(map[string]attr.Value, len(attrs))
	for name, v := range attrs {
		filled[name] = emptyIfNullCollection(ctx, v)
	}
	preview, diags := types.ObjectValue(m.Preview.AttributeTypes(ctx), filled)
	if !diags.HasError() {
		m.Preview = preview
	}
	return diags
}

// emptyIfNullCollection returns an empty collection of v's type when v is a null list, map or set, and
// v otherwise.
func emptyIfNullCollection(ctx context.Context, v attr.Value) attr.Value {
	if !v.IsNull() {
		return v
	}
	switch t := v.Type(ctx).(type) {
	case types.ListType:
		return types.ListValueMust(t.ElemType, []attr.Value{})
	case types.MapType:
		return types.MapValueMust(t.ElemType, map[string]attr.Value{})
	case types.SetType:
		return types.SetValueMust(t.ElemType, []attr.Value{})
	}
	return v
}
