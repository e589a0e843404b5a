package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// What the backend reports is recorded attribute by attribute, in the schema's types.
func TestApplyMigration(t *testing.T) {
	ctx := context.Background()
	out := &backend.Migration{
		ID: "new/p-dst", DstResourceUUID: "new/p-dst", DstProjectID: "p-dst", State: backend.StateOK,
		Credentials: &replication.Credentials{UserID: "u1", Username: "shop-copy-abc234", Password: "s3cret-s3cret-s3cret"},
		IDs: backend.IDMaps{
			Networks:           map[string]string{"net-web": "d-net-web"},
			Subnets:            map[string]string{"sub-web": "d-sub-web"},
			Routers:            map[string]string{"rtr": "d-rtr"},
			SecurityGroups:     map[string]string{"sg-default": "d-sg-default", "sg-web": "d-sg-web"},
			SecurityGroupRules: map[string]string{"r-web-https": "d-r1"},
			Ports:              map[string]string{},
		},
		Skipped: []replication.Skipped{{Kind: "router_gateway", SourceID: "rtr", Reason: "mappings.skip_connection_extnet is set"}},
	}
	var m migrationModel
	requireNoErrors(t, applyMigration(ctx, &m, out))

	if m.ID.ValueString() != "new/p-dst" || m.DstResourceUUID.ValueString() != "new/p-dst" || m.DstProjectID.ValueString() != "p-dst" {
		t.Errorf("ids = %s, %s, %s", m.ID, m.DstResourceUUID, m.DstProjectID)
	}
	var creds credentialsModel
	requireNoErrors(t, m.Credentials.As(ctx, &creds, basetypesObjectAsOptions))
	if creds.UserID.ValueString() != "u1" || creds.Username.ValueString() != "shop-copy-abc234" || creds.Password.ValueString() != "s3cret-s3cret-s3cret" {
		t.Errorf("credentials = %+v", creds)
	}
	if got := m.SecurityGroupIDs.Elements()["sg-web"]; !got.Equal(types.StringValue("d-sg-web")) {
		t.Errorf("security_group_ids[sg-web] = %v", got)
	}
	if m.PortIDs.IsNull() || len(m.PortIDs.Elements()) != 0 {
		t.Errorf("port_ids = %v, want an empty map", m.PortIDs)
	}
	if m.AddressGroupIDs.IsNull() || len(m.AddressGroupIDs.Elements()) != 0 {
		t.Errorf("address_group_ids = %v, want an empty map (the backend reported none)", m.AddressGroupIDs)
	}
	if m.State.ValueString() != backend.StateOK || m.ErrorMessage.ValueString() != "" {
		t.Errorf("state = %s, %s", m.State, m.ErrorMessage)
	}
	var skipped []skippedModel
	requireNoErrors(t, m.Skipped.ElementsAs(ctx, &skipped, false))
	if len(skipped) != 1 || skipped[0].Kind != "router_gateway" || skipped[0].SourceID != "rtr" {
		t.Errorf("skipped = %+v", skipped)
	}
	for name, v := range map[string]types.Map{"network_ids": m.NetworkIDs, "subnet_ids": m.SubnetIDs, "router_ids": m.RouterIDs, "security_group_rule_ids": m.SecurityGroupRuleIDs} {
		if len(v.Elements()) != 1 {
			t.Errorf("%s = %v", name, v)
		}
	}
	if want := resourceSchema.Attributes["credentials"].GetType(); !m.Credentials.Type(ctx).Equal(want) {
		t.Errorf("credentials type %s, schema %s", m.Credentials.Type(ctx), want)
	}
	if want := resourceSchema.Attributes["skipped"].GetType(); !m.Skipped.Type(ctx).Equal(want) {
		t.Errorf("skipped type %s, schema %s", m.Skipped.Type(ctx), want)
	}
}

// A run that failed before the user was made, or an import (no password can be read back), or a
// Waldur migration (Waldur shows no user id, and the password only to some).
func TestApplyMigrationWithoutCredentials(t *testing.T) {
	ctx := context.Background()
	var m migrationModel
	requireNoErrors(t, applyMigration(ctx, &m, &backend.Migration{DstProjectID: "p"}))
	if !m.Credentials.IsNull() {
		t.Errorf("credentials = %v, want null", m.Credentials)
	}
	if m.NetworkIDs.IsNull() || m.Skipped.IsNull() {
		t.Errorf("maps and skipped must be known and empty, got %v, %v", m.NetworkIDs, m.Skipped)
	}

	requireNoErrors(t, applyMigration(ctx, &m, &backend.Migration{DstProjectID: "p", Credentials: &replication.Credentials{UserID: "u", Username: "shop-abc234"}}))
	var creds credentialsModel
	requireNoErrors(t, m.Credentials.As(ctx, &creds, basetypesObjectAsOptions))
	if creds.Username.ValueString() != "shop-abc234" || !creds.Password.IsNull() {
		t.Errorf("credentials = %+v, want the username and a null password", creds)
	}

	requireNoErrors(t, applyMigration(ctx, &m, &backend.Migration{Credentials: &replication.Credentials{Username: "shop-abc234"}}))
	requireNoErrors(t, m.Credentials.As(ctx, &creds, basetypesObjectAsOptions))
	if !creds.UserID.IsNull() || !m.DstProjectID.IsNull() {
		t.Errorf("credentials = %+v, dst_project_id %s: want null for what the backend does not know", creds, m.DstProjectID)
	}
}

// The state's id maps go to the backend and come back unchanged.
func TestIDMapsRoundTrip(t *testing.T) {
	ctx := context.Background()
	var m migrationModel
	ids := backend.IDMaps{Networks: map[string]string{"a": "b"}, Ports: map[string]string{}}
	requireNoErrors(t, applyMigration(ctx, &m, &backend.Migration{IDs: ids}))
	m.RouterIDs = types.MapNull(types.StringType)
	got := idMapsOf(m)
	if len(got.Networks) != 1 || got.Networks["a"] != "b" || got.Ports == nil || got.Routers != nil {
		t.Errorf("id maps = %+v", got)
	}
}

func TestMappingsFromModel(t *testing.T) {
	ctx := context.Background()
	got, diags := mappingsFromModel(ctx, types.ObjectNull(mappingsTypes))
	requireNoErrors(t, diags)
	if got.SyncInstancePorts || len(got.Networks)+len(got.Subnets)+len(got.VolumeTypes) != 0 {
		t.Errorf("null mappings = %+v, want none", got)
	}

	subnetType := mustBe[types.ObjectType](t, mustBe[types.ListType](t, mappingsTypes["subnets"]).ElemType)
	vtType := mustBe[types.ObjectType](t, mustBe[types.ListType](t, mappingsTypes["volume_types"]).ElemType)
	obj := types.ObjectValueMust(mappingsTypes, map[string]attrValue{
		"networks": types.ListValueMust(types.StringType, []attrValue{types.StringValue("net-web")}),
		"subnets": types.ListValueMust(subnetType, []attrValue{types.ObjectValueMust(subnetType.AttrTypes, map[string]attrValue{
			"src_cidr": types.StringValue("10.0.1.0/24"), "dst_cidr": types.StringValue("192.168.1.0/24"),
		})}),
		"volume_types": types.ListValueMust(vtType, []attrValue{types.ObjectValueMust(vtType.AttrTypes, map[string]attrValue{
			"src_type_uuid": types.StringValue("vt-ssd"), "dst_type_uuid": types.StringValue("dvt-fast"),
		})}),
		"sync_instance_ports":    types.BoolValue(false),
		"skip_connection_extnet": types.BoolValue(true),
		"floating_ips":           types.StringValue("associated"),
	})
	got, diags = mappingsFromModel(ctx, obj)
	requireNoErrors(t, diags)
	if len(got.Networks) != 1 || got.Networks[0] != "net-web" ||
		len(got.Subnets) != 1 || got.Subnets[0] != (replication.SubnetRemap{SrcCIDR: "10.0.1.0/24", DstCIDR: "192.168.1.0/24"}) ||
		len(got.VolumeTypes) != 1 || got.VolumeTypes[0] != (replication.VolumeTypeMap{SrcTypeID: "vt-ssd", DstTypeID: "dvt-fast"}) ||
		got.SyncInstancePorts || !got.SkipConnectionExtnet || got.FloatingIPs != replication.FloatingIPsAssociated {
		t.Errorf("mappings = %+v", got)
	}
}

// The credentials a forgotten migration hands to the run that resumes it, from its state. (Not from
// private state: Terraform gives Delete of a replaced object the private state planned for its
// replacement.)
func TestCredentialsOf(t *testing.T) {
	ctx := context.Background()
	var m migrationModel
	requireNoErrors(t, applyMigration(ctx, &m, &backend.Migration{DstProjectID: "p",
		Credentials: &replication.Credentials{UserID: "u1", Username: "shop-abc234", Password: "pw-pw-pw-pw-pw-pw-pw"}}))
	got := credentialsOf(ctx, m)
	if got == nil || *got != (replication.Credentials{UserID: "u1", Username: "shop-abc234", Password: "pw-pw-pw-pw-pw-pw-pw"}) {
		t.Errorf("credentialsOf = %+v", got)
	}
	requireNoErrors(t, applyMigration(ctx, &m, &backend.Migration{DstProjectID: "p",
		Credentials: &replication.Credentials{UserID: "u1", Username: "shop-abc234"}}))
	if credentialsOf(ctx, m) != nil {
		t.Error("credentials without a password")
	}
	m.Credentials = types.ObjectNull(credentialsTypes)
	if credentialsOf(ctx, m) != nil {
		t.Error("credentials out of null")
	}
}
