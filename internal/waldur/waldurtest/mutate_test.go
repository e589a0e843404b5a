package waldurtest

import (
	"testing"
)

// SetObjects: what stays keeps its uuid (a rule that stays, its id), what is new is listed with a new
// uuid, what is left out is no longer listed; a set that does not hold together changes nothing.
func TestSetObjects(t *testing.T) {
	s := New(Options{})
	t.Cleanup(s.Close)
	off := s.AddOffering(Offering{Name: "A"})
	tn := s.AddTenant(Tenant{OfferingUUID: off.UUID, Name: "t"})
	port := 22
	before := s.AddObjects(tn.UUID, Objects{
		Networks:       []Network{{BackendID: "n1", Name: "web"}, {BackendID: "n2", Name: "db"}},
		SecurityGroups: []SecurityGroup{{BackendID: "g1", Name: "web", Rules: []SecurityGroupRule{{Protocol: "tcp", FromPort: &port, ToPort: &port}, {Protocol: "icmp"}}}},
	})
	ruleIDs := func() []int { return s.st.sgs.get(before.SecurityGroups[0].UUID).ruleIDs }
	oldRules := ruleIDs()

	o := s.TenantObjects(tn.UUID)
	o.Networks = []Network{o.Networks[0], {BackendID: "n3", Name: "reports"}}
	o.Networks[0].Description = "changed"
	o.SecurityGroups[0].Rules = []SecurityGroupRule{o.SecurityGroups[0].Rules[1], {Protocol: "udp"}}
	s.SetObjects(tn.UUID, o)

	got := s.TenantObjects(tn.UUID)
	if len(got.Networks) != 2 || got.Networks[0].UUID != before.Networks[0].UUID || got.Networks[0].Description != "changed" ||
		got.Networks[1].Name != "reports" || got.Networks[1].UUID == before.Networks[1].UUID {
		t.Fatalf("networks after SetObjects: %+v", got.Networks)
	}
	if got.SecurityGroups[0].UUID != before.SecurityGroups[0].UUID {
		t.Errorf("the group's uuid changed")
	}
	if ids := ruleIDs(); len(ids) != 2 || ids[0] != oldRules[1] || ids[1] == oldRules[0] || ids[1] == oldRules[1] {
		t.Errorf("rule ids %v after SetObjects, were %v: want the kept rule's id and a new one", ids, oldRules)
	}

	func() {
		defer func() {
			if recover() == nil {
				t.Error("SetObjects of a subnet on an unknown network did not panic")
			}
		}()
		bad := s.TenantObjects(tn.UUID)
		bad.Subnets = []Subnet{{NetworkBackendID: "nope", CIDR: "10.0.0.0/24"}}
		s.SetObjects(tn.UUID, bad)
	}()
	if after := s.TenantObjects(tn.UUID); len(after.Networks) != 2 || after.Networks[0].UUID != before.Networks[0].UUID || len(after.Subnets) != 0 {
		t.Errorf("a failed SetObjects changed the tenant: %+v", after)
	}

	s.SetLimits(tn.UUID, map[string]int{"cores": 4})
	res := s.st.resources.get(tn.ResourceUUID)
	if res.limits["cores"] != 4 {
		t.Errorf("limits %v after SetLimits", res.limits)
	}
}
