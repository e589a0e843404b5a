package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestPruneMissing(t *testing.T) {
	m := migrationModel{
		NetworkIDs:           idMap(map[string]string{"sn1": "dn1", "sn2": "dn2"}),
		SubnetIDs:            idMap(map[string]string{"ss1": "ds1"}),
		RouterIDs:            types.MapNull(types.StringType),
		SecurityGroupIDs:     idMap(nil),
		SecurityGroupRuleIDs: idMap(map[string]string{"sr1": "dr1", "sr2": "dr2", "sr3": "dr3"}),
		AddressGroupIDs:      idMap(nil),
		PortIDs:              idMap(map[string]string{"sp1": "dp1"}),
	}
	exists := map[string]bool{"dn1": true, "ds1": true, "dr2": true}
	missing := pruneMissing(&m, exists)
	want := map[string]int{"network": 1, "security group rule": 2, "port": 1}
	if len(missing) != len(want) {
		t.Fatalf("missing %v, want %v", missing, want)
	}
	for k, n := range want {
		if missing[k] != n {
			t.Fatalf("missing %v, want %v", missing, want)
		}
	}
	if got := describeMissing(missing); got != "1 network, 1 port, 2 security group rules" {
		t.Errorf("describeMissing = %q", got)
	}
	for name, tc := range map[string]struct {
		m    types.Map
		want map[string]string
	}{
		"network_ids": {m.NetworkIDs, map[string]string{"sn1": "dn1"}},
		"subnet_ids":  {m.SubnetIDs, map[string]string{"ss1": "ds1"}},
		"rule_ids":    {m.SecurityGroupRuleIDs, map[string]string{"sr2": "dr2"}},
		"port_ids":    {m.PortIDs, map[string]string{}},
	} {
		got := map[string]string{}
		for k, v := range tc.m.Elements() {
			got[k] = v.(types.String).ValueString()
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s = %v, want %v", name, got, tc.want)
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s = %v, want %v", name, got, tc.want)
			}
		}
	}
	if !m.RouterIDs.IsNull() {
		t.Error("a null map must stay null")
	}
	if again := pruneMissing(&m, exists); len(again) != 0 {
		t.Errorf("a second prune found %v missing, want nothing", again)
	}
}

func TestMarkForRepair(t *testing.T) {
	m := migrationModel{
		State: types.StringValue(stateIncomplete), ErrorMessage: types.StringValue("1 port ..."),
		PortIDs: idMap(map[string]string{"a": "b"}), Skipped: types.ListNull(types.StringType),
	}
	markForRepair(context.Background(), &m)
	for name, unknown := range map[string]bool{
		"state": m.State.IsUnknown(), "error_message": m.ErrorMessage.IsUnknown(), "port_ids": m.PortIDs.IsUnknown(),
		"network_ids": m.NetworkIDs.IsUnknown(), "skipped": m.Skipped.IsUnknown(), "credentials": m.Credentials.IsUnknown(),
	} {
		if !unknown {
			t.Errorf("%s is known in the repair's plan", name)
		}
	}
}
