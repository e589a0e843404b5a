package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// migrationModel is the state of waldur_openstack_migration.
type migrationModel struct {
	ID                   types.String   `tfsdk:"id"`
	SrcResource          types.String   `tfsdk:"src_resource"`
	DstOffering          types.String   `tfsdk:"dst_offering"`
	DstPlan              types.String   `tfsdk:"dst_plan"`
	Name                 types.String   `tfsdk:"name"`
	Description          types.String   `tfsdk:"description"`
	Mappings             types.Object   `tfsdk:"mappings"`
	DestroyDestination   types.Bool     `tfsdk:"destroy_destination"`
	Concurrency          types.Int64    `tfsdk:"concurrency"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
	State                types.String   `tfsdk:"state"`
	ErrorMessage         types.String   `tfsdk:"error_message"`
	DstResourceUUID      types.String   `tfsdk:"dst_resource_uuid"`
	DstProjectID         types.String   `tfsdk:"dst_project_id"`
	Credentials          types.Object   `tfsdk:"credentials"`
	NetworkIDs           types.Map      `tfsdk:"network_ids"`
	SubnetIDs            types.Map      `tfsdk:"subnet_ids"`
	RouterIDs            types.Map      `tfsdk:"router_ids"`
	SecurityGroupIDs     types.Map      `tfsdk:"security_group_ids"`
	SecurityGroupRuleIDs types.Map      `tfsdk:"security_group_rule_ids"`
	AddressGroupIDs      types.Map      `tfsdk:"address_group_ids"`
	PortIDs              types.Map      `tfsdk:"port_ids"`
	Skipped              types.List     `tfsdk:"skipped"`
	Preview              types.Object   `tfsdk:"preview"`
}

// Migration states, as Waldur spells them.
const (
	stateOK     = "OK"
	stateErred  = "ERRED"
	defaultPlan = "default"
)

type mappingsModel struct {
	Networks             types.List `tfsdk:"networks"`
	Subnets              types.List `tfsdk:"subnets"`
	VolumeTypes          types.List `tfsdk:"volume_types"`
	SyncInstancePorts    types.Bool `tfsdk:"sync_instance_ports"`
	SkipConnectionExtnet types.Bool `tfsdk:"skip_connection_extnet"`
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
	return out, diags
}

// applyResult fills the computed attributes that describe what a run built (or, after a failure, what
// it had built so far). dstOffering is the name the ids are built with.
func applyResult(ctx context.Context, m *migrationModel, dstOffering string, res *replication.Result) diag.Diagnostics {
	var diags diag.Diagnostics
	dst := tenantRef{Offering: dstOffering, ProjectID: res.ProjectID}.String()
	m.ID = types.StringValue(dst)
	m.DstResourceUUID = types.StringValue(dst)
	m.DstProjectID = types.StringValue(res.ProjectID)

	if res.Credentials.Username == "" {
		m.Credentials = types.ObjectNull(credentialsTypes)
	} else {
		password := types.StringNull()
		if res.Credentials.Password != "" {
			password = types.StringValue(res.Credentials.Password)
		}
		var d diag.Diagnostics
		m.Credentials, d = types.ObjectValueFrom(ctx, credentialsTypes, credentialsModel{
			UserID: types.StringValue(res.Credentials.UserID), Username: types.StringValue(res.Credentials.Username), Password: password,
		})
		diags.Append(d...)
	}
	for _, f := range []struct {
		to   *types.Map
		from map[string]string
	}{
		{&m.NetworkIDs, res.Networks}, {&m.SubnetIDs, res.Subnets}, {&m.RouterIDs, res.Routers},
		{&m.SecurityGroupIDs, res.SecurityGroups}, {&m.SecurityGroupRuleIDs, res.SecurityGroupRules},
		{&m.AddressGroupIDs, res.AddressGroups}, {&m.PortIDs, res.Ports},
	} {
		*f.to = idMap(f.from)
	}
	var d diag.Diagnostics
	m.Skipped, d = skippedList(ctx, res.Skipped)
	diags.Append(d...)
	return diags
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
