package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// migrationSchemaVersion is the version of the resource's schema that states are written with.
//
// Version 0 is every state written before the version was set: the schema gained address_group_ids and
// preview.address_groups without a version change, so a version-0 state may or may not hold them.
// Version 1 is the same schema, with every collection of a state filled in.
const migrationSchemaVersion = 1

// UpgradeState upgrades a state written with an earlier schema version to the current one.
func (r *MigrationResource) UpgradeState(ctx context.Context) map[int64]resource.StateUpgrader {
	prior := migrationSchemaV0(ctx)
	return map[int64]resource.StateUpgrader{
		0: {PriorSchema: &prior, StateUpgrader: upgradeStateV0},
	}
}

// migrationSchemaV0 is the schema of a version-0 state: today's attributes, those it gained since read
// as null when a state lacks them (the framework decodes a missing attribute as null). It is not today's
// schema minus those attributes: version-0 states written since they were added hold them, and a schema
// without them would drop what those states recorded (the framework ignores attributes a prior schema
// lacks).
func migrationSchemaV0(ctx context.Context) schema.Schema {
	s := migrationSchema(ctx)
	s.Version = 0
	return s
}

// upgradeStateV0 upgrades a version-0 state: what it lacks of the schema reads back as null, which
// breaks configurations that iterate over it ("Iteration over null value"), and becomes empty.
func upgradeStateV0(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	if req.State == nil {
		resp.Diagnostics.AddError("Cannot upgrade the migration's state", "The state of version 0 could not be read with the prior schema. Please report this issue to the provider developers.")
		return
	}
	var m migrationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(fillNullCollections(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// fillNullCollections fills in what a state written by an earlier build of this provider lacks: a
// list, map or set of the preview, or an id map, that the schema gained since reads back as null. That
// build copied nothing of the kind, so empty is what it built.
func fillNullCollections(ctx context.Context, m *migrationModel) diag.Diagnostics {
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
