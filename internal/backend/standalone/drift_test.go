package standalone

import (
	"maps"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
)

func TestPruneMissing(t *testing.T) {
	ids := backend.IDMaps{
		Networks:           map[string]string{"sn1": "dn1", "sn2": "dn2"},
		Subnets:            map[string]string{"ss1": "ds1"},
		Routers:            nil,
		SecurityGroups:     map[string]string{},
		SecurityGroupRules: map[string]string{"sr1": "dr1", "sr2": "dr2", "sr3": "dr3"},
		AddressGroups:      map[string]string{},
		Ports:              map[string]string{"sp1": "dp1"},
	}
	recorded := ids.Networks
	exists := map[string]bool{"dn1": true, "ds1": true, "dr2": true}
	missing := pruneMissing(&ids, exists)
	want := map[string]int{"network": 1, "security group rule": 2, "port": 1}
	if !maps.Equal(missing, want) {
		t.Fatalf("missing %v, want %v", missing, want)
	}
	if got := describeMissing(missing); got != "1 network, 1 port, 2 security group rules" {
		t.Errorf("describeMissing = %q", got)
	}
	for name, tc := range map[string]struct {
		m    map[string]string
		want map[string]string
	}{
		"network_ids": {ids.Networks, map[string]string{"sn1": "dn1"}},
		"subnet_ids":  {ids.Subnets, map[string]string{"ss1": "ds1"}},
		"rule_ids":    {ids.SecurityGroupRules, map[string]string{"sr2": "dr2"}},
		"port_ids":    {ids.Ports, map[string]string{}},
	} {
		if !maps.Equal(tc.m, tc.want) {
			t.Errorf("%s = %v, want %v", name, tc.m, tc.want)
		}
	}
	if ids.Routers != nil {
		t.Error("a nil (null) map must stay nil")
	}
	if len(recorded) != 2 {
		t.Errorf("the recorded map was written to: %v", recorded)
	}
	if again := pruneMissing(&ids, exists); len(again) != 0 {
		t.Errorf("a second prune found %v missing, want nothing", again)
	}
}
