package replication

import (
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// withFloatingIPs adds to the fixture tenant: one floating IP on web-1, one on the web VIP, one free
// (tagged), one free without description, one on the load balancer port (never copied), and two
// server groups.
func withFloatingIPs() *Snapshot {
	snap := threeTier()
	snap.FloatingIPs = []openstack.FloatingIP{
		{ID: "fip-web-1", FloatingIPAddress: "203.0.113.21", FloatingNetworkID: fxSrcExtNet, PortID: "port-web-1", FixedIPAddress: "10.0.1.11", Description: "www"},
		{ID: "fip-vip", FloatingIPAddress: "203.0.113.9", FloatingNetworkID: fxSrcExtNet, PortID: "port-web-vip", FixedIPAddress: "10.0.1.250", Description: "vip"},
		{ID: "fip-free", FloatingIPAddress: "203.0.113.30", FloatingNetworkID: fxSrcExtNet, Description: "spare", Tags: []string{"dns:spare", SourceTag("x")}},
		{ID: "fip-free-2", FloatingIPAddress: "203.0.113.31", FloatingNetworkID: fxSrcExtNet},
		{ID: "fip-lb", FloatingIPAddress: "203.0.113.40", FloatingNetworkID: fxSrcExtNet, PortID: "port-lb", FixedIPAddress: "10.0.1.100"},
	}
	snap.ServerGroups = []openstack.ServerGroup{
		{ID: "sg-b", Name: "web", Policy: "anti-affinity", Rules: map[string]int{"max_server_per_host": 2}},
		{ID: "sg-a", Name: "db", Policies: []string{"soft-affinity"}},
	}
	return snap
}

func TestFloatingIPsWithPorts(t *testing.T) {
	p := mustPlan(t, withFloatingIPs(), Mappings{SyncInstancePorts: true}, baseFacts())
	assertEqual(t, "floating IPs", p.FloatingIPs, []FloatingIPPlan{
		{SourceID: "fip-vip", SourceAddress: "203.0.113.9", Description: "vip", PortSourceID: "port-web-vip", FixedIPAddress: "10.0.1.250"},
		{SourceID: "fip-web-1", SourceAddress: "203.0.113.21", Description: "www", PortSourceID: "port-web-1", FixedIPAddress: "10.0.1.11"},
		{SourceID: "fip-free", SourceAddress: "203.0.113.30", Description: "spare", Tags: []string{"dns:spare"}},
		{SourceID: "fip-free-2", SourceAddress: "203.0.113.31", Marker: true}, // free, no description, like fip-lb's copy
		{SourceID: "fip-lb", SourceAddress: "203.0.113.40", Marker: true},
	})
	assertEqual(t, "association skipped", skippedOf(p, "floating_ip_association"), []Skipped{{Kind: "floating_ip_association", SourceID: "fip-lb",
		Reason: `203.0.113.40 stays free on the destination: its port port-lb (device_owner "Octavia") is not copied`}})
	assertEqual(t, "counts", p.Counts()["floating_ips"], 5)
	assertEqual(t, "server groups", p.ServerGroups, []ServerGroupPlan{
		{SourceID: "sg-a", Name: "db", Policy: "soft-affinity"},
		{SourceID: "sg-b", Name: "web", Policy: "anti-affinity", Rules: map[string]int{"max_server_per_host": 2}},
	})
	assertEqual(t, "server group count", p.Counts()["server_groups"], 2)
}

func TestFloatingIPsWithoutPorts(t *testing.T) {
	p := mustPlan(t, withFloatingIPs(), Mappings{}, baseFacts())
	for _, f := range p.FloatingIPs {
		if f.PortSourceID != "" {
			t.Errorf("%s associated although no port is copied", f.SourceID)
		}
	}
	if got := len(skippedOf(p, "floating_ip_association")); got != 3 {
		t.Errorf("association skips = %d, want 3: %+v", got, p.Skipped)
	}
	// every free one shares its (empty or not) description with another free one now: markers
	marked := 0
	for _, f := range p.FloatingIPs {
		if f.Marker {
			marked++
		}
	}
	assertEqual(t, "marked", marked, 2) // the two without description
}

func TestFloatingIPsModes(t *testing.T) {
	p := mustPlan(t, withFloatingIPs(), Mappings{SyncInstancePorts: true, FloatingIPs: FloatingIPsAssociated}, baseFacts())
	assertEqual(t, "associated only", len(p.FloatingIPs), 3)
	assertEqual(t, "free reported", len(skippedOf(p, "floating_ip")), 2)
	p = mustPlan(t, withFloatingIPs(), Mappings{FloatingIPs: FloatingIPsNone}, baseFacts())
	assertEqual(t, "none", len(p.FloatingIPs), 0)
	assertEqual(t, "all reported", len(skippedOf(p, "floating_ip")), 5)
	errs := mustFail(t, withFloatingIPs(), Mappings{FloatingIPs: "some"}, baseFacts())
	assertEqual(t, "bad mode", errs[0].Attribute.String(), "mappings.floating_ips")
}

func TestFloatingIPsValidation(t *testing.T) {
	facts := baseFacts()
	facts.ExternalNetworkID = ""
	errs := mustFail(t, withFloatingIPs(), Mappings{SkipConnectionExtnet: true}, facts)
	assertEqual(t, "no external network", errs[0].Attribute.String(), "dst_offering")
	// opting out plans without error
	mustPlan(t, withFloatingIPs(), Mappings{SkipConnectionExtnet: true, FloatingIPs: FloatingIPsNone}, facts)

	// a floatingip quota below the floating IPs copied is raised (TestQuotasBelowTheCopy), not an error
	snap := withFloatingIPs()
	snap.Quotas.Network["floatingip"] = 3
	p := mustPlan(t, snap, Mappings{}, baseFacts())
	assertEqual(t, "floatingip quota", p.Quotas.Network["floatingip"], 5)
}

func TestFloatingIPUnreachableSubnet(t *testing.T) {
	// without a gateway no copied router reaches the ports: the floating IPs stay free, reported
	p := mustPlan(t, withFloatingIPs(), Mappings{SyncInstancePorts: true, SkipConnectionExtnet: true}, baseFacts())
	for _, f := range p.FloatingIPs {
		if f.PortSourceID != "" {
			t.Errorf("%s associated through a router without gateway", f.SourceID)
		}
	}
}

func TestFloatingIPKeepAddress(t *testing.T) {
	facts := baseFacts()
	facts.ExternalNetworkID = fxSrcExtNet // a copy inside the source's region, on its network
	p := mustPlan(t, withFloatingIPs(), Mappings{}, facts)
	for _, f := range p.FloatingIPs {
		if !f.KeepAddress {
			t.Errorf("%s: KeepAddress false on the source's own external network", f.SourceID)
		}
	}
}

func TestServerGroupKey(t *testing.T) {
	a := serverGroupKey("web", "anti-affinity", map[string]int{"max_server_per_host": 2})
	if a == serverGroupKey("web", "anti-affinity", nil) || a == serverGroupKey("web", "affinity", map[string]int{"max_server_per_host": 2}) {
		t.Error("rules and policy must be part of the key")
	}
	if !serverGroupChanged(ServerGroupPlan{Name: "x", Policy: "affinity"}, openstack.ServerGroup{Name: "x", Policies: []string{"anti-affinity"}}) {
		t.Error("policy change not seen")
	}
	if serverGroupChanged(ServerGroupPlan{Name: "x", Policy: "affinity"}, openstack.ServerGroup{Name: "x", Policies: []string{"affinity"}}) {
		t.Error("old-microversion policies not read")
	}
}

func TestFloatingIPPairingAndDrift(t *testing.T) {
	p := mustPlan(t, withFloatingIPs(), Mappings{SyncInstancePorts: true}, baseFacts())
	dest := ProjectObjects{
		Ports: []openstack.Port{{ID: "d-web-1", NetworkID: "d-net-web", MACAddress: "fa:16:3e:01:01:01", DeviceOwner: ""}},
		FloatingIPs: []openstack.FloatingIP{
			{ID: "d-fip-spare", FloatingIPAddress: "198.51.100.5", Description: "spare", Tags: []string{"dns:spare"}},
			{ID: "d-fip-old", FloatingIPAddress: "198.51.100.6", Description: "gone"},
		},
		ServerGroups: []openstack.ServerGroup{{ID: "d-sg-a", Name: "db", Policy: "soft-affinity"}, {ID: "d-sg-stale", Name: "old", Policy: "affinity"}},
	}
	prior := NewIDMaps()
	prior.FloatingIPs["fip-deleted"] = "d-fip-old"
	prior.ServerGroups["sg-deleted"] = "d-sg-stale"
	pr := pairDestination(p, &prior, dest)
	assertEqual(t, "free paired by description", pr.floatingIPs["fip-free"].ID, "d-fip-spare")
	assertEqual(t, "stale fip", pr.stale.floatingIPs["fip-deleted"].ID, "d-fip-old")
	assertEqual(t, "group paired by content", pr.serverGroups["sg-a"].ID, "d-sg-a")
	assertEqual(t, "stale group", pr.stale.serverGroups["sg-deleted"].ID, "d-sg-stale")
	d := Compare(p, prior, dest, nil)
	assertEqual(t, "fip removes", d.Kinds["floating_ips"].Remove, []string{"198.51.100.6"})
	assertEqual(t, "group adds", d.Kinds["server_groups"].Add, []string{"web"})
	assertEqual(t, "group removes", d.Kinds["server_groups"].Remove, []string{"old"})
}

func TestFloatingIPChanges(t *testing.T) {
	f := FloatingIPPlan{Description: "www", PortSourceID: "p", FixedIPAddress: "10.0.1.11"}
	assertEqual(t, "same", floatingIPChanges(f, "dp", openstack.FloatingIP{Description: "www", PortID: "dp", FixedIPAddress: "10.0.1.11"}), map[string]any(nil))
	assertEqual(t, "re-associate", floatingIPChanges(f, "dp", openstack.FloatingIP{Description: "www"}),
		map[string]any{"port_id": "dp", "fixed_ip_address": "10.0.1.11"})
	assertEqual(t, "disassociate", floatingIPChanges(FloatingIPPlan{}, "", openstack.FloatingIP{PortID: "dp", Description: "x"}),
		map[string]any{"port_id": nil, "description": ""})
}
