package provider

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// upgradeState sends rawJSON, a state of the given schema version as Terraform stores it, through the
// provider's UpgradeResourceState as Terraform does, and returns the upgraded state.
func upgradeState(t *testing.T, version int64, rawJSON []byte) tftypes.Value {
	t.Helper()
	ctx := context.Background()
	server, err := testAccProtoV6ProviderFactories["waldur"]()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "waldur_openstack_migration",
		Version:  version,
		RawState: &tfprotov6.RawState{JSON: rawJSON},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("UpgradeResourceState: %s: %s", d.Summary, d.Detail)
		}
	}
	if resp.UpgradedState == nil {
		t.Fatal("UpgradeResourceState returned no state")
	}
	v, err := resp.UpgradedState.Unmarshal(resourceSchema.Type().TerraformType(ctx))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// stateJSON reads a state from testdata/state_upgrade and applies edit to its decoded JSON.
func stateJSON(t *testing.T, name string, edit func(state map[string]any)) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "state_upgrade", name))
	if err != nil {
		t.Fatal(err)
	}
	if edit == nil {
		return raw
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	edit(state)
	out, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// currentState decodes rawJSON with the current schema, as the framework does for a state of the
// current version.
func currentState(t *testing.T, rawJSON []byte) tftypes.Value {
	t.Helper()
	v, err := (&tfprotov6.RawState{JSON: rawJSON}).Unmarshal(resourceSchema.Type().TerraformType(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// stateModel reads an upgraded state into the resource's model.
func stateModel(t *testing.T, v tftypes.Value) migrationModel {
	t.Helper()
	var m migrationModel
	if d := (tfsdk.State{Schema: resourceSchema, Raw: v}).Get(context.Background(), &m); d.HasError() {
		t.Fatal(d)
	}
	return m
}

// A state written before the schema had address groups (testdata/state_upgrade/
// v0_before_address_groups.json, version 0) lacks address_group_ids and preview.address_groups; the
// upgrade makes both empty (configurations iterate over them) and keeps everything else as it was.
func TestUpgradeStateFromVersion0BeforeAddressGroups(t *testing.T) {
	got := upgradeState(t, 0, stateJSON(t, "v0_before_address_groups.json", nil))
	want := currentState(t, stateJSON(t, "v0_before_address_groups.json", func(s map[string]any) {
		oneOffCopy(s)
		s["address_group_ids"] = map[string]any{}
		preview, ok := s["preview"].(map[string]any)
		if !ok {
			t.Fatalf("preview of the test state is %T", s["preview"])
		}
		preview["address_groups"] = []any{}
	}))
	if diffs, err := got.Diff(want); err != nil || len(diffs) > 0 {
		t.Fatalf("upgraded state differs from the old one with empty address groups (err %v):\n%v", err, diffs)
	}
	m := stateModel(t, got)
	if m.AddressGroupIDs.IsNull() || len(m.AddressGroupIDs.Elements()) != 0 {
		t.Fatalf("address_group_ids = %v, want an empty map", m.AddressGroupIDs)
	}
	groups, ok := m.Preview.Attributes()["address_groups"].(types.List)
	if !ok || groups.IsNull() || len(groups.Elements()) != 0 {
		t.Fatalf("preview.address_groups = %v, want an empty list", m.Preview.Attributes()["address_groups"])
	}
	if got := m.NetworkIDs.Elements()["0d5c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b"]; got != types.StringValue("9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d") {
		t.Fatalf("network_ids lost its entry: %v", m.NetworkIDs)
	}
	if m.State.ValueString() != "OK" || m.ID.ValueString() != "new/c0a8010b2f3e4d5c9b8a7f6e5d4c3b2a" {
		t.Fatalf("state %q, id %q changed", m.State.ValueString(), m.ID.ValueString())
	}
}

// oneOffCopy adds to a state written before follow_source existed what the upgrade fills in: a one-off
// copy, in sync.
func oneOffCopy(s map[string]any) {
	s["follow_source"] = false
	s["source_drift"] = map[string]any{}
	floatingAdded(s)
}

// floatingAdded adds to a state written before version 3 what the upgrade fills in: no floating IP or
// server group copied, and mappings.floating_ips at its default.
func floatingAdded(s map[string]any) {
	s["floating_ip_ids"] = map[string]any{}
	s["floating_ip_addresses"] = map[string]any{}
	s["server_group_ids"] = map[string]any{}
	if preview, ok := s["preview"].(map[string]any); ok {
		preview["floating_ips"] = []any{}
		preview["server_groups"] = []any{}
	}
	if mappings, ok := s["mappings"].(map[string]any); ok {
		mappings["floating_ips"] = "all"
	}
}

// A version-0 state written after the schema gained address groups keeps them: the upgrade changes
// nothing in it but what version 2 added.
func TestUpgradeStateFromVersion0WithAddressGroups(t *testing.T) {
	got := upgradeState(t, 0, stateJSON(t, "v0_with_address_groups.json", nil))
	if diffs, err := got.Diff(currentState(t, stateJSON(t, "v0_with_address_groups.json", oneOffCopy))); err != nil || len(diffs) > 0 {
		t.Fatalf("upgrade changed a complete state (err %v):\n%v", err, diffs)
	}
	m := stateModel(t, got)
	if got := m.AddressGroupIDs.Elements()["2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"]; got != types.StringValue("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0") {
		t.Fatalf("address_group_ids lost its entry: %v", m.AddressGroupIDs)
	}
}

// A version-1 state (testdata/state_upgrade/v1_before_follow_source.json) becomes a one-off copy in sync:
// follow_source = false and source_drift empty, what a configuration that does not set follow_source
// plans, so that the upgrade plans no change; everything else is kept as it was.
func TestUpgradeStateFromVersion1(t *testing.T) {
	got := upgradeState(t, 1, stateJSON(t, "v1_before_follow_source.json", nil))
	if diffs, err := got.Diff(currentState(t, stateJSON(t, "v1_before_follow_source.json", oneOffCopy))); err != nil || len(diffs) > 0 {
		t.Fatalf("upgraded state differs from the old one as a one-off copy (err %v):\n%v", err, diffs)
	}
	m := stateModel(t, got)
	if m.FollowSource != types.BoolValue(false) || m.SourceDrift.IsNull() || len(m.SourceDrift.Elements()) != 0 {
		t.Fatalf("follow_source = %v, source_drift = %v, want false and an empty map", m.FollowSource, m.SourceDrift)
	}
	if got := m.NetworkIDs.Elements()["0d5c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b"]; got != types.StringValue("9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d") {
		t.Fatalf("network_ids lost its entry: %v", m.NetworkIDs)
	}
}

// A version-2 state (testdata/state_upgrade/v2_before_floating_ips.json, a replica) gains empty
// floating IP and server group maps and previews, and mappings.floating_ips = "all" (its default, so a
// configuration without it plans no change); everything else, follow_source and the drift included,
// is kept.
func TestUpgradeStateFromVersion2(t *testing.T) {
	got := upgradeState(t, 2, stateJSON(t, "v2_before_floating_ips.json", nil))
	if diffs, err := got.Diff(currentState(t, stateJSON(t, "v2_before_floating_ips.json", floatingAdded))); err != nil || len(diffs) > 0 {
		t.Fatalf("upgraded state differs from the old one with floating IPs added (err %v):\n%v", err, diffs)
	}
	m := stateModel(t, got)
	if m.FollowSource != types.BoolValue(true) || len(m.SourceDrift.Elements()) != 1 || m.FloatingIPIDs.IsNull() || m.ServerGroupIDs.IsNull() {
		t.Fatalf("follow_source %v, source_drift %v, floating_ip_ids %v, server_group_ids %v", m.FollowSource, m.SourceDrift, m.FloatingIPIDs, m.ServerGroupIDs)
	}
	mappings, diags := mappingsFromModel(context.Background(), m.Mappings)
	if diags.HasError() || mappings.FloatingIPs != replication.FloatingIPsAll {
		t.Fatalf("mappings.floating_ips = %q (%v), want all", mappings.FloatingIPs, diags)
	}
}

// A state of the current version is read as it is: a replica with its drift keeps both.
func TestUpgradeStateCurrentVersion(t *testing.T) {
	raw := stateJSON(t, "v1_before_follow_source.json", func(s map[string]any) {
		s["follow_source"] = true
		s["source_drift"] = map[string]any{"networks": "add: db"}
		floatingAdded(s)
		s["floating_ip_ids"] = map[string]any{"f1": "f2"}
		s["server_group_ids"] = map[string]any{"g1": "g2"}
		if mappings, ok := s["mappings"].(map[string]any); ok {
			mappings["floating_ips"] = "associated"
		}
	})
	if resourceSchema.Version != migrationSchemaVersion || migrationSchemaVersion != 3 {
		t.Fatalf("schema version %d, want %d", resourceSchema.Version, migrationSchemaVersion)
	}
	got := upgradeState(t, migrationSchemaVersion, raw)
	if diffs, err := got.Diff(currentState(t, raw)); err != nil || len(diffs) > 0 {
		t.Fatalf("a current state changed (err %v):\n%v", err, diffs)
	}
}

// fillNullCollections fills every null id map and every null collection of the preview, and leaves
// everything else as it was.
func TestFillNullCollections(t *testing.T) {
	ctx := context.Background()
	preview, d := previewFromPlan(ctx, &replication.Plan{Networks: []replication.NetworkPlan{{SourceID: "n1", Name: "web"}}})
	if d.HasError() {
		t.Fatal(d)
	}
	listType, ok := previewTypes["address_groups"].(types.ListType)
	if !ok {
		t.Fatalf("preview.address_groups is %T, want a list", previewTypes["address_groups"])
	}
	attrs := preview.Attributes()
	attrs["address_groups"] = types.ListNull(listType.ElemType)
	old, d := types.ObjectValue(previewTypes, attrs)
	if d.HasError() {
		t.Fatal(d)
	}
	m := migrationModel{Preview: old, NetworkIDs: idMap(map[string]string{"n1": "d1"}), AddressGroupIDs: types.MapNull(types.StringType)}
	for _, ids := range modelIDMaps(&m) {
		if ids != &m.NetworkIDs && ids != &m.AddressGroupIDs {
			*ids = idMap(nil)
		}
	}
	if d := fillNullCollections(ctx, &m); d.HasError() {
		t.Fatal(d)
	}
	groups, ok := m.Preview.Attributes()["address_groups"].(types.List)
	if !ok || groups.IsNull() || len(groups.Elements()) != 0 {
		t.Fatalf("preview.address_groups = %v, want an empty list", m.Preview.Attributes()["address_groups"])
	}
	if m.AddressGroupIDs.IsNull() || len(m.AddressGroupIDs.Elements()) != 0 {
		t.Fatalf("address_group_ids = %v, want an empty map", m.AddressGroupIDs)
	}
	if got := m.NetworkIDs.Elements()["n1"]; got != types.StringValue("d1") {
		t.Fatalf("network_ids lost its entry: %v", m.NetworkIDs)
	}
	nets, ok := m.Preview.Attributes()["networks"].(types.List)
	if !ok || len(nets.Elements()) != 1 {
		t.Fatalf("preview.networks changed: %v", m.Preview.Attributes()["networks"])
	}
	net, ok := nets.Elements()[0].(types.Object)
	if !ok || net.Attributes()["name"] != types.StringValue("web") {
		t.Fatalf("preview.networks changed: %v", nets)
	}
	// A complete state passes unchanged.
	again := m
	if d := fillNullCollections(ctx, &again); d.HasError() || !again.Preview.Equal(m.Preview) || !again.AddressGroupIDs.Equal(m.AddressGroupIDs) {
		t.Fatalf("a complete state changed: %v", d)
	}
	// Null collections that are not lists, maps or sets stay null (nothing to fill them with).
	if v := emptyIfNullCollection(ctx, types.StringNull()); !v.IsNull() {
		t.Fatalf("a null string became %v", v)
	}
}
