package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// migrationSchemaVersion is the version of the resource's schema that states are written with.
//
// Version 0 is every state written before the version was set: the schema gained address_group_ids and
// preview.address_groups without a version change, so a version-0 state may or may not hold them.
// Version 1 is the same schema, with every collection of a state filled in. Version 2 added
// follow_source and source_drift (keeping a replica in sync); a state of an earlier version is a one-off
// copy, in sync as far as anyone looked. Version 3 added floating IPs and server groups: the id maps
// floating_ip_ids, floating_ip_addresses and server_group_ids, preview.floating_ips and
// preview.server_groups (empty in an earlier state: nothing of the kind was copied) and
// mappings.floating_ips, recorded as `all`, its default, so that a configuration without it plans no
// change (a replica, follow_source = true, then shows the source's floating IPs in source_drift and
// its next apply adds them, as it would for any object the source gained).
const migrationSchemaVersion = 3

// UpgradeState upgrades a state written with an earlier schema version to the current one. The framework
// does not chain upgraders: each takes its version straight to the current one.
func (r *MigrationResource) UpgradeState(ctx context.Context) map[int64]resource.StateUpgrader {
	v0, v1, v2 := priorSchema(ctx, 0), priorSchema(ctx, 1), priorSchema(ctx, 2)
	return map[int64]resource.StateUpgrader{
		0: {PriorSchema: &v0, StateUpgrader: upgradeStateFrom(0)},
		1: {PriorSchema: &v1, StateUpgrader: upgradeStateFrom(1)},
		2: {PriorSchema: &v2, StateUpgrader: upgradeStateFrom(2)},
	}
}

// priorSchema is the schema a state of an earlier version is read with: today's attributes, those it
// gained since read as null when a state lacks them (the framework decodes a missing attribute as null).
// It is not today's schema minus those attributes: version-0 states written since address groups were
// added hold them, and a schema without them would drop what those states recorded (the framework
// ignores attributes a prior schema lacks).
func priorSchema(ctx context.Context, version int64) schema.Schema {
	s := migrationSchema(ctx)
	s.Version = version
	return s
}

// upgradeStateFrom upgrades a state of an earlier version: what it lacks of the schema reads back as
// null and is filled in. A collection becomes empty (a null one breaks configurations that iterate over
// it: "Iteration over null value"); a version-1 state has them all, and keeps them as they are. A state
// written before follow_source existed is a one-off copy: follow_source = false, source_drift empty,
// which is what the configurations that do not set follow_source plan, so the upgrade plans no change.
func upgradeStateFrom(version int64) func(context.Context, resource.UpgradeStateRequest, *resource.UpgradeStateResponse) {
	return func(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
		if req.State == nil {
			resp.Diagnostics.AddError("Cannot upgrade the migration's state", fmt.Sprintf("The state of version %d could not be read "+
				"with the prior schema. Please report this issue to the provider developers.", version))
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
		if m.FollowSource.IsNull() {
			m.FollowSource = types.BoolValue(false)
		}
		if m.SourceDrift.IsNull() {
			m.SourceDrift = driftMap(nil)
		}
		resp.Diagnostics.Append(defaultFloatingIPsMapping(&m)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
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

// defaultFloatingIPsMapping records mappings.floating_ips = "all" (its default) in a state written
// before it existed.
func defaultFloatingIPsMapping(m *migrationModel) diag.Diagnostics {
	if m.Mappings.IsNull() || m.Mappings.IsUnknown() {
		return nil
	}
	attrs := maps.Clone(m.Mappings.Attributes())
	if v, ok := attrs["floating_ips"]; ok && !v.IsNull() {
		return nil
	}
	attrs["floating_ips"] = types.StringValue(replication.FloatingIPsAll)
	obj, diags := types.ObjectValue(mappingsTypes, attrs)
	if !diags.HasError() {
		m.Mappings = obj
	}
	return diags
}
