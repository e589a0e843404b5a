package replication

import (
	"slices"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

func TestMarkAmbiguous(t *testing.T) {
	snap := &Snapshot{
		Networks: []openstack.Network{
			{ID: "n1", Name: "app"}, {ID: "n2", Name: "app"}, {ID: "n3", Name: "app", Description: "other"}, {ID: "n4", Name: "db"},
		},
		Routers: []openstack.Router{{ID: "r1", Name: "edge"}, {ID: "r2", Name: "core"}, {ID: "r3", Name: "core"}},
		SecurityGroups: []openstack.SecurityGroup{
			{ID: "g0", Name: "default"}, {ID: "g1", Name: "web"}, {ID: "g2", Name: "web"}, {ID: "g3", Name: "db"},
		},
		Subnets: []openstack.Subnet{
			{ID: "s1", NetworkID: "n4", Name: "a", CIDR: "10.0.1.0/24"},
			{ID: "s2", NetworkID: "n4", Name: "b", CIDR: "10.0.2.0/24"},
			{ID: "s3", NetworkID: "n4", Name: "b", CIDR: "10.0.3.0/24"},
			{ID: "s4", NetworkID: "n1", Name: "b", CIDR: "10.0.4.0/24"},
		},
		Ports: []openstack.Port{
			{ID: "p1", NetworkID: "n4", MACAddress: "fa:16:3e:00:00:01"},
			{ID: "p2", NetworkID: "n1", MACAddress: "fa:16:3e:00:00:01"},
		},
	}
	p := &Plan{
		Networks: []NetworkPlan{{SourceID: "n1", Name: "app"}, {SourceID: "n3", Name: "app", Description: "other"}, {SourceID: "n4", Name: "db"}},
		Routers:  []RouterPlan{{SourceID: "r1", Name: "edge"}, {SourceID: "r2", Name: "core"}},
		SecurityGroups: []SecurityGroupPlan{
			{SourceID: "g0", Name: "default", IsDefault: true}, {SourceID: "g1", Name: "web"}, {SourceID: "g3", Name: "db"},
		},
		Subnets: []SubnetPlan{
			{SourceID: "s1", NetworkSourceID: "n4", Name: "a", SourceCIDR: "10.0.1.0/24", CIDR: "10.0.2.0/24"},   // onto s2's CIDR
			{SourceID: "s2", NetworkSourceID: "n4", Name: "b", SourceCIDR: "10.0.2.0/24", CIDR: "10.0.2.0/24"},   // kept
			{SourceID: "s3", NetworkSourceID: "n4", Name: "b", SourceCIDR: "10.0.3.0/24", CIDR: "172.16.3.0/24"}, // name shared with s2
			{SourceID: "s4", NetworkSourceID: "n1", Name: "b", SourceCIDR: "10.0.4.0/24", CIDR: "172.16.4.0/24"}, // name unique on n1
		},
		Ports: []PortPlan{{SourceID: "p1", NetworkSourceID: "n4", MACAddress: "fa:16:3e:00:00:01"}, {SourceID: "p3", NetworkSourceID: "n4"}},
	}
	markAmbiguous(snap, p)
	want := map[string]bool{
		"n1": true, "n3": false, "n4": false, "r1": false, "r2": true, "g0": false, "g1": true, "g3": false,
		"s1": true, "s2": false, "s3": true, "s4": false, "p1": false, "p3": true,
	}
	got := map[string]bool{}
	for _, n := range p.Networks {
		got[n.SourceID] = n.Marker
	}
	for _, r := range p.Routers {
		got[r.SourceID] = r.Marker
	}
	for _, g := range p.SecurityGroups {
		got[g.SourceID] = g.Marker
	}
	for _, s := range p.Subnets {
		got[s.SourceID] = s.Marker
	}
	for _, port := range p.Ports {
		got[port.SourceID] = port.Marker
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: Marker = %v, want %v", id, got[id], w)
		}
	}
	if !p.hasMarkers() {
		t.Error("hasMarkers() = false with markers planned")
	}
}

func TestPairKindByPriorThenMarkerThenOnceByKey(t *testing.T) {
	ports := []openstack.Port{
		{ID: "marked", NetworkID: "n", MACAddress: "fa:16:3e:00:00:01", Tags: []string{SourceTag("src-a")}},
		{ID: "by-mac", NetworkID: "n", MACAddress: "FA:16:3E:00:00:02"},
		{ID: "iface", NetworkID: "n", MACAddress: "fa:16:3e:00:00:03", FixedIPs: []openstack.FixedIP{{SubnetID: "s", IPAddress: "10.0.0.5"}}},
		{ID: "prior", NetworkID: "n", MACAddress: "fa:16:3e:00:00:04"},
		{ID: "elsewhere", NetworkID: "other", MACAddress: "fa:16:3e:00:00:05"},
		{ID: "gone-source", NetworkID: "n", MACAddress: "fa:16:3e:00:00:06"},
	}
	plan := []planned{
		{"src-a", macKey("n", "fa:16:3e:00:00:09")},
		{"src-b", macKey("n", "fa:16:3e:00:00:02")},
		{"src-c", macKey("n", "fa:16:3e:00:00:02")}, // the same key: taken by src-b already
		{"src-d", addressKey("n", "s", "10.0.0.5")},
		{"src-e", macKey("n", "fa:16:3e:00:00:03")}, // the same port, taken by its address
		{"src-p", macKey("n", "fa:16:3e:00:00:99")}, // renamed, new MAC: its prior copy still
		{"src-x", macKey("n", "fa:16:3e:00:00:98")}, // its prior copy is on another network
	}
	place := map[string]string{}
	for _, p := range plan {
		place[p.source] = "n"
	}
	prior := map[string]string{"src-p": "prior", "src-x": "elsewhere", "src-gone": "gone-source", "src-deleted": "no-such-port"}
	paired, stale := map[string]openstack.Port{}, map[string]openstack.Port{}
	pairKind(plan, prior, ports, func(p openstack.Port) string { return p.ID }, func(p openstack.Port) []string { return p.Tags },
		func(p openstack.Port) []string { return []string{p.NetworkID} }, portKeys, paired, stale, withPlace(place))
	got := map[string]string{}
	for s, p := range paired {
		got[s] = p.ID
	}
	assertEqual(t, "paired", got, map[string]string{"src-a": "marked", "src-b": "by-mac", "src-d": "iface", "src-p": "prior"})
	gotStale := map[string]string{}
	for s, p := range stale {
		gotStale[s] = p.ID
	}
	assertEqual(t, "stale", gotStale, map[string]string{"src-x": "elsewhere", "src-gone": "gone-source"})
}

// User tags are planned onto every copy, markers left out; a destination that cannot tag gets none, and
// each object's tags are reported.
func TestUserTags(t *testing.T) {
	snap := threeTier()
	snap.Networks[0].Tags = []string{"team:net", "wom:src:older-source", "env=prod"}
	snap.Routers[0].Tags = []string{"edge"}
	p := mustPlan(t, snap, Mappings{}, baseFacts())
	for _, n := range p.Networks {
		if n.SourceID == snap.Networks[0].ID {
			assertEqual(t, "network tags", n.Tags, []string{"env=prod", "team:net"})
		}
	}
	assertEqual(t, "router tags", p.Routers[0].Tags, []string{"edge"})
	if got := wantedTags("src-1", true, []string{"a"}); !slices.Equal(got, []string{"a", "wom:src:src-1"}) {
		t.Errorf("wantedTags = %v", got)
	}
	if !lacksTags([]string{"wom:src:src-1"}, []string{"a", "wom:src:src-1"}) || lacksTags([]string{"a", "b"}, []string{"a"}) {
		t.Error("lacksTags is wrong")
	}

	facts := baseFacts()
	facts.NoTags = true
	p = mustPlan(t, snap, Mappings{}, facts)
	if len(p.Routers[0].Tags) != 0 || len(skippedOf(p, "network_tags")) != 1 || len(skippedOf(p, "router_tags")) != 1 {
		t.Errorf("without tags on the destination: router tags %v, skipped %+v", p.Routers[0].Tags, p.Skipped)
	}
}
