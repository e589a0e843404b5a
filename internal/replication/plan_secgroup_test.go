package replication

import (
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

func TestSecurityGroups(t *testing.T) {
	p := mustPlan(t, threeTier(), Mappings{}, baseFacts())
	assertEqual(t, "groups", p.SecurityGroups, []SecurityGroupPlan{
		{SourceID: fxSGApp, Name: "app", Description: "application servers"},
		{SourceID: fxSGDB, Name: "db", Description: "database servers"},
		{SourceID: fxSGDefault, Name: "default", Description: "Default security group", IsDefault: true},
		{SourceID: fxSGWeb, Name: "web", Description: "web servers"},
	})
	var ids []string
	for _, r := range p.Rules {
		ids = append(ids, r.SourceID)
	}
	assertEqual(t, "rule order", ids, []string{
		"r-app-cluster", "r-app-eg", "r-app-from-web", "r-app-metrics",
		"r-db-admin", "r-db-eg", "r-db-from-app", "r-db-repl",
		"r-def-eg4", "r-def-eg6", "r-def-in4", "r-def-in6",
		"r-web-echo", "r-web-eg", "r-web-http", "r-web-https", "r-web-ssh",
	})
	want := map[string]RulePlan{
		// references to the default group keep the reference (resolved to the destination's own default)
		"r-def-in4":  {SourceID: "r-def-in4", GroupSourceID: fxSGDefault, Direction: "ingress", EtherType: "IPv4", RemoteGroupSourceID: fxSGDefault},
		"r-def-eg6":  {SourceID: "r-def-eg6", GroupSourceID: fxSGDefault, Direction: "egress", EtherType: "IPv6"},
		"r-db-admin": {SourceID: "r-db-admin", GroupSourceID: fxSGDB, Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(22), PortRangeMax: ptr(22), RemoteGroupSourceID: fxSGDefault},
		// self and cross references
		"r-app-cluster":  {SourceID: "r-app-cluster", GroupSourceID: fxSGApp, Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(5701), PortRangeMax: ptr(5703), RemoteGroupSourceID: fxSGApp},
		"r-app-from-web": {SourceID: "r-app-from-web", GroupSourceID: fxSGApp, Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ptr(8080), PortRangeMax: ptr(8080), RemoteGroupSourceID: fxSGWeb},
		// ICMP type 0 is not "any"
		"r-web-echo": {SourceID: "r-web-echo", GroupSourceID: fxSGWeb, Direction: "ingress", EtherType: "IPv4", Protocol: "icmp", PortRangeMin: ptr(0), RemoteIPPrefix: "10.0.0.0/16"},
	}
	for id, w := range want {
		got, ok := rulePlan(p, id)
		if !ok {
			t.Errorf("rule %s not planned", id)
			continue
		}
		assertEqual(t, "rule "+id, got, w)
	}
	if _, ok := rulePlan(p, "r-db-monitor"); ok {
		t.Error("rule with a remote group outside the tenant was planned")
	}
	assertEqual(t, "skipped", p.Skipped, []Skipped{{Kind: "security_group_rule", SourceID: "r-db-monitor", Reason: ruleForeign}})
}

func TestSecurityGroupEdgeCases(t *testing.T) {
	snap := threeTier()
	// a rule of a group that is not the tenant's (a listing artefact) is not copied
	snap.Rules = append(snap.Rules, rule("r-foreign-group", fxSGForeign, "ingress", "IPv4", "tcp", ptr(1), ptr(1), "", ""))
	p := mustPlan(t, snap, Mappings{}, baseFacts())
	if _, ok := rulePlan(p, "r-foreign-group"); ok {
		t.Error("rule of a foreign group planned")
	}
	if n := len(p.Rules); n != 17 {
		t.Errorf("%d rules planned, want 17", n)
	}
}

func TestPlanSecurityGroupsKeepsStatelessGroups(t *testing.T) {
	no := false
	snap := &Snapshot{SecurityGroups: []openstack.SecurityGroup{
		{ID: "g0", Name: "default", Stateful: &no}, {ID: "g1", Name: "lb", Stateful: &no}, {ID: "g2", Name: "web"},
	}}
	p := &Plan{}
	planSecurityGroups(snap, Facts{}, nil, p)
	got := map[string]bool{}
	for _, g := range p.SecurityGroups {
		got[g.SourceID] = g.Stateless
	}
	if got["g0"] || !got["g1"] || got["g2"] {
		t.Errorf("stateless: %v, want only g1", got)
	}
	if len(p.Skipped) != 1 || p.Skipped[0].SourceID != "g0" || p.Skipped[0].Kind != "security_group_stateful" {
		t.Errorf("skipped: %+v, want the stateless default group reported", p.Skipped)
	}
}
