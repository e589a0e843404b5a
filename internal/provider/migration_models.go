package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// migrationModel is the state of waldur_openstack_migration. DestroyForeignObjects is null unless
// configured (null is false), so a state written before the attribute existed needs no upgrade.
type migrationModel struct {
	ID                    types.String   `tfsdk:"id"`
	SrcResource           types.String   `tfsdk:"src_resource"`
	DstOffering           types.String   `tfsdk:"dst_offering"`
	DstPlan               types.String   `tfsdk:"dst_plan"`
	Name                  types.String   `tfsdk:"name"`
	Description           types.String   `tfsdk:"description"`
	Mappings              types.Object   `tfsdk:"mappings"`
	FollowSource          types.Bool     `tfsdk:"follow_source"`
	SourceDrift           types.Map      `tfsdk:"source_drift"`
	DestroyDestination    types.Bool     `tfsdk:"destroy_destination"`
	DestroyForeignObjects types.Bool     `tfsdk:"destroy_foreign_objects"`
	Concurrency           types.Int64    `tfsdk:"concurrency"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
	State                 types.String   `tfsdk:"state"`
	ErrorMessage          types.String   `tfsdk:"error_message"`
	DstResourceUUID       types.String   `tfsdk:"dst_resource_uuid"`
	DstProjectID          types.String   `tfsdk:"dst_project_id"`
	Credentials           types.Object   `tfsdk:"credentials"`
	NetworkIDs            types.Map      `tfsdk:"network_ids"`
	SubnetIDs             types.Map      `tfsdk:"subnet_ids"`
	RouterIDs             types.Map      `tfsdk:"router_ids"`
	SecurityGroupIDs      types.Map      `tfsdk:"security_group_ids"`
	SecurityGroupRuleIDs  types.Map      `tfsdk:"security_group_rule_ids"`
	AddressGroupIDs       types.Map      `tfsdk:"address_group_ids"`
	PortIDs               types.Map      `tfsdk:"port_ids"`
	FloatingIPIDs         types.Map      `tfsdk:"floating_ip_ids"`
	FloatingIPAddresses   types.Map      `tfsdk:"floating_ip_addresses"`
	ServerGroupIDs        types.Map      `tfsdk:"server_group_ids"`
	Skipped               types.List     `tfsdk:"skipped"`
	Preview               types.Object   `tfsdk:"preview"`
}

type mappingsModel struct {
	Networks             types.List   `tfsdk:"networks"`
	Subnets              types.List   `tfsdk:"subnets"`
	VolumeTypes          types.List   `tfsdk:"volume_types"`
	SyncInstancePorts    types.Bool   `tfsdk:"sync_instance_ports"`
	SkipConnectionExtnet types.Bool   `tfsdk:"skip_connection_extnet"`
	FloatingIPs          types.String `tfsdk:"floating_ips"`
}

type subnetRemapModel struct {
	SrcCIDR types.String `tfsdk:"src_cidr"`
	DstCIDR types.String `tfsdk:"dst_cidr"`
}

type volumeTypeMapModel struct {
	SrcTypeUUID types.String `tfsdk:"src_type_uuid"`
	DstTypeUUID types.String `tfsdk:"dst_type_uuid"`
}

type credentialsModel struct {
	UserID   types.String `tfsdk:"user_id"`
	Username types.String `tfsdk:"username"`
	Password types.String `tfsdk:"password"`
}

type skippedModel struct {
	Kind     string `tfsdk:"kind"`
	SourceID string `tfsdk:"source_id"`
	Reason   string `tfsdk:"reason"`
}

// mappingsFromModel converts the mappings attribute for the engine; a null attribute means no mappings.
func mappingsFromModel(ctx context.Context, obj types.Object) (replication.Mappings, diag.Diagnostics) {
	var out replication.Mappings
	var diags diag.Diagnostics
	if obj.IsNull() || obj.IsUnknown() {
		return out, diags
	}
	var m mappingsModel
	diags.Append(obj.As(ctx, &m, basetypes.ObjectAsOptions{})...)
	if diags.HasError() {
		return out, diags
	}
	if !m.Networks.IsNull() && !m.Networks.IsUnknown() {
		diags.Append(m.Networks.ElementsAs(ctx, &out.Networks, false)...)
	}
	if !m.Subnets.IsNull() && !m.Subnets.IsUnknown() {
		var remaps []subnetRemapModel
		diags.Append(m.Subnets.ElementsAs(ctx, &remaps, false)...)
		for _, r := range remaps {
			out.Subnets = append(out.Subnets, replication.SubnetRemap{SrcCIDR: r.SrcCIDR.ValueString(), DstCIDR: r.DstCIDR.ValueString()})
		}
	}
	if !m.VolumeTypes.IsNull() && !m.VolumeTypes.IsUnknown() {
		var vts []volumeTypeMapModel
		diags.Append(m.VolumeTypes.ElementsAs(ctx, &vts, false)...)
		for _, v := range vts {
			out.VolumeTypes = append(out.VolumeTypes, replication.VolumeTypeMap{SrcTypeID: v.SrcTypeUUID.ValueString(), DstTypeID: v.DstTypeUUID.ValueString()})
		}
	}
	out.SyncInstancePorts = m.SyncInstancePorts.ValueBool()
	out.SkipConnectionExtnet = m.SkipConnectionExtnet.ValueBool()
	out.FloatingIPs = m.FloatingIPs.ValueString()
	return out, diags
}

// inputsOf converts the resource's arguments for the backend: values not known (yet) are "".
func inputsOf(ctx context.Context, m migrationModel) (backend.Inputs, diag.Diagnostics) {
	mappings, diags := mappingsFromModel(ctx, m.Mappings)
	return backend.Inputs{
		SrcResource:  knownString(m.SrcResource),
		DstOffering:  knownString(m.DstOffering),
		DstPlan:      knownString(m.DstPlan),
		Name:         knownString(m.Name),
		Description:  knownString(m.Description),
		Mappings:     mappings,
		Concurrency:  int(m.Concurrency.ValueInt64()),
		FollowSource: m.FollowSource.ValueBool(),
	}, diags
}

// migrationOf is the migration the state records, for the backend's Read, Delete and Sync.
func migrationOf(ctx context.Context, m migrationModel) (backend.Migration, diag.Diagnostics) {
	in, diags := inputsOf(ctx, m)
	out := backend.Migration{
		Inputs:                in,
		ID:                    knownString(m.ID),
		DestroyDestination:    m.DestroyDestination.ValueBool(),
		DestroyForeignObjects: m.DestroyForeignObjects.ValueBool(),
		State:                 knownString(m.State),
		ErrorMessage:          knownString(m.ErrorMessage),
		DstResourceUUID:       knownString(m.DstResourceUUID),
		DstProjectID:          knownString(m.DstProjectID),
		Credentials:           credentialsOf(ctx, m),
		IDs:                   idMapsOf(m),
		SourceDrift:           stringMapOf(m.SourceDrift),
	}
	return out, diags
}

// credentialsOf returns the credentials kept in state when a later run can use them: with the user's
// id and password (nil otherwise, as after an import: a password cannot be read back).
func credentialsOf(ctx context.Context, m migrationModel) *replication.Credentials {
	if m.Credentials.IsNull() || m.Credentials.IsUnknown() {
		return nil
	}
	var c credentialsModel
	if diags := m.Credentials.As(ctx, &c, basetypes.ObjectAsOptions{}); diags.HasError() || c.Password.ValueString() == "" || c.UserID.ValueString() == "" {
		return nil
	}
	return &replication.Credentials{UserID: c.UserID.ValueString(), Username: c.Username.ValueString(), Password: c.Password.ValueString()}
}

// applyMigration fills the computed attributes that describe what the backend built (or, after a
// failure, what it had built so far). Strings the backend leaves empty are null where the schema has
// no value for them: the project id, and the user's id and password.
func applyMigration(ctx context.Context, m *migrationModel, out *backend.Migration) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(out.ID)
	m.DstResourceUUID = types.StringValue(out.DstResourceUUID)
	m.DstProjectID = stringOrNull(out.DstProjectID)
	m.State = types.StringValue(out.State)
	m.ErrorMessage = types.StringValue(out.ErrorMessage)
	if out.Credentials == nil {
		m.Credentials = types.ObjectNull(credentialsTypes)
	} else {
		var d diag.Diagnostics
		m.Credentials, d = types.ObjectValueFrom(ctx, credentialsTypes, credentialsModel{
			UserID:   stringOrNull(out.Credentials.UserID),
			Username: types.StringValue(out.Credentials.Username),
			Password: stringOrNull(out.Credentials.Password),
		})
		diags.Append(d...)
	}
	setIDMaps(m, out.IDs)
	m.SourceDrift = driftMap(out.SourceDrift)
	var d diag.Diagnostics
	m.Skipped, d = skippedList(ctx, out.Skipped)
	diags.Append(d...)
	return diags
}

// idMapField is one of the model's source → destination id maps with its map in backend.IDMaps.
type idMapField struct {
	model *types.Map
	ids   *map[string]string
}

// idMapFields pairs each of m's id maps with its map in ids.
func idMapFields(m *migrationModel, ids *backend.IDMaps) []idMapField {
	return []idMapField{
		{&m.NetworkIDs, &ids.Networks}, {&m.SubnetIDs, &ids.Subnets}, {&m.RouterIDs, &ids.Routers},
		{&m.SecurityGroupIDs, &ids.SecurityGroups}, {&m.SecurityGroupRuleIDs, &ids.SecurityGroupRules},
		{&m.AddressGroupIDs, &ids.AddressGroups}, {&m.PortIDs, &ids.Ports}, {&m.FloatingIPIDs, &ids.FloatingIPs},
		{&m.FloatingIPAddresses, &ids.FloatingIPAddresses}, {&m.ServerGroupIDs, &ids.ServerGroups},
	}
}

// modelIDMaps lists m's id maps.
func modelIDMaps(m *migrationModel) []*types.Map {
	var out []*types.Map
	for _, f := range idMapFields(m, &backend.IDMaps{}) {
		out = append(out, f.model)
	}
	return out
}

// idMapsOf converts m's id maps for the backend; a null or unknown map is nil.
func idMapsOf(m migrationModel) backend.IDMaps {
	var ids backend.IDMaps
	for _, f := range idMapFields(&m, &ids) {
		*f.ids = stringMapOf(*f.model)
	}
	return ids
}

// setIDMaps sets m's id maps from ids.
func setIDMaps(m *migrationModel, ids backend.IDMaps) {
	for _, f := range idMapFields(m, &ids) {
		*f.model = idMap(*f.ids)
	}
}

// stringMapOf converts a map of strings of the model; a null or unknown map is nil.
func stringMapOf(v types.Map) map[string]string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	out := make(map[string]string, len(v.Elements()))
	for k, e := range v.Elements() {
		if s, ok := e.(types.String); ok {
			out[k] = s.ValueString()
		}
	}
	return out
}

// driftMap is the value of source_drift: always known, empty when in sync (or not followed).
func driftMap(drift map[string]string) types.Map {
	return idMap(drift)
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// idMap is a known map, empty rather than null when nothing was built, so that outputs and `for`
// expressions over it need no null checks.
func idMap(ids map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(ids))
	for k, v := range ids {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

func skippedList(ctx context.Context, skipped []replication.Skipped) (types.List, diag.Diagnostics) {
	items := make([]skippedModel, 0, len(skipped))
	for _, s := range skipped {
		items = append(items, skippedModel{Kind: s.Kind, SourceID: s.SourceID, Reason: s.Reason})
	}
	return types.ListValueFrom(ctx, types.ObjectType{AttrTypes: skippedTypes}, items)
}
