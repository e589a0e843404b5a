package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
)

// A state written before the schema had address groups reads back with a null preview.address_groups
// and a null address_group_ids; after upgradeOlderState both are empty and everything else is as it was.
func TestUpgradeOlderStateFillsCollectionsTheSchemaGained(t *testing.T) {
	ctx := context.Background()
	preview, d := previewFromPlan(ctx, &replication.Plan{Networks: []replication.NetworkPlan{{SourceID: "n1", Name: "web"}}})
	if d.HasError() {
		t.Fatal(d)
	}
	attrs := preview.Attributes()
	attrs["address_groups"] = types.ListNull(previewTypes["address_groups"].(types.ListType).ElemType)
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
	if d := upgradeOlderState(ctx, &m); d.HasError() {
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
	nets := m.Preview.Attributes()["networks"].(types.List).Elements()
	if len(nets) != 1 || nets[0].(types.Object).Attributes()["name"] != types.StringValue("web") {
		t.Fatalf("preview.networks changed: %v", nets)
	}
	// A current state passes unchanged.
	again := m
	if d := upgradeOlderState(ctx, &again); d.HasError() || !again.Preview.Equal(m.Preview) || !again.AddressGroupIDs.Equal(m.AddressGroupIDs) {
		t.Fatalf("a complete state changed: %v", d)
	}
	// Null collections that are not lists, maps or sets stay null (nothing to fill them with).
	if v := emptyIfNullCollection(ctx, types.StringNull()); !v.IsNull() {
		t.Fatalf("a null string became %v", v)
	}
}
