package replication

import (
	"strings"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// withAddressGroups adds to the fixture address group "office" (one address inside the db subnet at its
// start, one at its end, one outside every subnet), a rule of db matching it and a rule of web matching
// an address group of another tenant.
func withAddressGroups() *Snapshot {
	snap := threeTier()
	snap.AddressGroups = []openstack.AddressGroup{
		{ID: "ag-office", ProjectID: fxProject, Name: "office", Description: "admins",
			Addresses: []string{"10.0.3.0/26", "10.0.3.200/30", "192.0.2.0/24"}},
	}
	snap.Rules = append(snap.Rules,
		openstack.SecurityGroupRule{ID: "r-ag", SecurityGroupID: fxSGDB, Direction: "ingress", EtherType: "IPv4", Protocol: "tcp",
			PortRangeMin: ptr(22), PortRangeMax: ptr(22), RemoteAddressGroupID: "ag-office"},
		openstack.SecurityGroupRule{ID: "r-foreign-ag", SecurityGroupID: fxSGWeb, Direction: "ingress", EtherType: "IPv4",
			RemoteAddressGroupID: "ag-of-another-tenant"})
	return snap
}

func TestPlanAddressGroups(t *testing.T) {
	p := mustPlan(t, withAddressGroups(), Mappings{}, baseFacts())
	assertEqual(t, "address groups", p.AddressGroups, []AddressGroupPlan{
		{SourceID: "ag-office", Name: "office", Description: "admins", Addresses: []string{"10.0.3.0/26", "10.0.3.200/30", "192.0.2.0/24"}},
	})
	if r, ok := rulePlan(p, "r-ag"); !ok || r.RemoteAddressGroupSourceID != "ag-office" || r.RemoteIPPrefix != "" {
		t.Errorf("rule r-ag: %+v (planned %v), want it matching ag-office", r, ok)
	}
	if _, ok := rulePlan(p, "r-foreign-ag"); ok {
		t.Error("a rule matching another tenant's address group is planned: without it the rule would allow any address")
	}
	skipped := skippedOf(p, "security_group_rule")
	found := false
	for _, s := range skipped {
		found = found || (s.SourceID == "r-foreign-ag" && strings.Contains(s.Reason, "ag-of-another-tenant"))
	}
	if !found {
		t.Errorf("r-foreign-ag not reported: %+v", skipped)
	}
}

func TestPlanAddressGroupsMoveWithRemaps(t *testing.T) {
	// The db subnet moves to a smaller CIDR: its first quarter fits, the address near its end does not and
	// is left out (the group narrows, never widens); the address outside every subnet stays.
	p := mustPlan(t, withAddressGroups(), Mappings{Subnets: remaps("10.0.3.0/24", "10.50.0.0/25")}, baseFacts())
	assertEqual(t, "addresses", p.AddressGroups[0].Addresses, []string{"10.50.0.0/26", "192.0.2.0/24"})
	skipped := skippedOf(p, "address_group_address")
	if len(skipped) != 1 || skipped[0].SourceID != "ag-office" || !strings.Contains(skipped[0].Reason, "10.0.3.200/30") {
		t.Errorf("skipped addresses: %+v, want 10.0.3.200/30 of ag-office", skipped)
	}
}

func TestPlanAddressGroupsWithoutDestinationSupport(t *testing.T) {
	facts := baseFacts()
	facts.NoAddressGroups = true
	p := mustPlan(t, withAddressGroups(), Mappings{}, facts)
	if len(p.AddressGroups) != 0 {
		t.Errorf("address groups planned for a destination without them: %+v", p.AddressGroups)
	}
	if s := skippedOf(p, "address_group"); len(s) != 1 || s[0].SourceID != "ag-office" {
		t.Errorf("skipped address groups: %+v", s)
	}
	if _, ok := rulePlan(p, "r-ag"); ok {
		t.Error("the rule matching an address group that is not copied is planned: it would allow any address")
	}
	found := false
	for _, s := range skippedOf(p, "security_group_rule") {
		found = found || (s.SourceID == "r-ag" && strings.Contains(s.Reason, "destination has no address groups"))
	}
	if !found {
		t.Errorf("r-ag not reported with its reason: %+v", skippedOf(p, "security_group_rule"))
	}
}

func TestAddressGroupKey(t *testing.T) {
	a := addressGroupKey("office", "d", []string{"192.0.2.0/24", "10.0.0.0/8", "10.0.0.0/8"})
	b := addressGroupKey("office", "d", []string{"10.0.0.0/8", "192.0.2.7/24"})
	if a != b {
		t.Errorf("the same set of networks, in another order, gives %q and %q", a, b)
	}
	for _, other := range []string{
		addressGroupKey("office", "", []string{"10.0.0.0/8", "192.0.2.0/24"}),
		addressGroupKey("office", "d", []string{"10.0.0.0/8"}),
		addressGroupKey("lab", "d", []string{"10.0.0.0/8", "192.0.2.0/24"}),
	} {
		if other == a {
			t.Errorf("different groups share key %q", a)
		}
	}
}

func TestPairInIDOrder(t *testing.T) {
	into := map[string]string{"s-done": "d-done"}
	pairInIDOrder(into,
		[]keyed{{id: "s-b", key: "twin"}, {id: "s-a", key: "twin"}, {id: "s-solo", key: "solo"}, {id: "s-done", key: "twin"}, {id: "s-lost", key: "lost"}},
		[]keyed{{id: "d-9", key: "twin"}, {id: "d-done", key: "twin"}, {id: "d-1", key: "twin"}, {id: "d-solo", key: "solo"}, {id: "d-extra", key: "extra"}})
	assertEqual(t, "pairs", into, map[string]string{"s-done": "d-done", "s-a": "d-1", "s-b": "d-9", "s-solo": "d-solo"})
}
