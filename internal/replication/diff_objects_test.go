package replication

import (
	"fmt"
	"slices"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

func TestNetworkChanges(t *testing.T) {
	yes := true
	no := false
	p := NetworkPlan{SourceID: "n", Name: "web", Description: "d", AdminStateUp: true, MTU: 0, PortSecurityEnabled: &yes, DNSDomain: "example.org."}
	have := openstack.Network{ID: "x", Name: "web", Description: "d", AdminStateUp: true, MTU: 1442, PortSecurityEnabled: &yes, DNSDomain: "example.org"}
	if got := networkChanges(p, have); got != nil {
		t.Errorf("in sync: %v", got)
	}
	p.MTU, p.PortSecurityEnabled, p.Name = 1400, &no, "web2"
	assertEqual(t, "changes", networkChanges(p, have), map[string]any{"mtu": 1400, "port_security_enabled": false, "name": "web2"})
}

func TestSubnetChanges(t *testing.T) {
	gw := "fd00::1"
	p := SubnetPlan{Name: "s", IPVersion: 6, CIDR: "fd00::/64", GatewayIP: &gw, EnableDHCP: true,
		AllocationPools: []openstack.AllocationPool{{Start: "fd00::10", End: "fd00::20"}, {Start: "fd00::2", End: "fd00::5"}},
		DNSNameservers:  []string{"fd00::53", "fd00::54"}}
	haveGW := "fd00:0::1"
	have := openstack.Subnet{Name: "s", CIDR: "fd00:0::/64", GatewayIP: &haveGW, EnableDHCP: true,
		AllocationPools: []openstack.AllocationPool{{Start: "fd00::2", End: "fd00::5"}, {Start: "fd00::10", End: "fd00::20"}},
		DNSNameservers:  []string{"fd00::53", "fd00::54"}, HostRoutes: nil}
	if got := subnetChanges(p, have); got != nil {
		t.Errorf("in sync (pools in another order, addresses spelled otherwise, nil host routes): %v", got)
	}
	if subnetReplaced(p, have) {
		t.Error("the same CIDR spelled otherwise is a replacement")
	}
	have.DNSNameservers = []string{"fd00::54", "fd00::53"}
	have.GatewayIP = nil
	got := subnetChanges(p, have)
	assertEqual(t, "attributes", changedAttributes(got, false), []string{"dns_nameservers", "gateway_ip"})
	p.CIDR = "fd01::/64"
	if !subnetReplaced(p, have) {
		t.Error("another CIDR is not a replacement")
	}
}

func TestRouterChanges(t *testing.T) {
	no := false
	have := openstack.Router{Name: "r", AdminStateUp: true, ExternalGateway: &openstack.GatewayInfo{NetworkID: "ext", EnableSNAT: new(bool)}}
	p := RouterPlan{Name: "r", AdminStateUp: true, ExternalGateway: true, EnableSNAT: &no}
	if got := routerChanges(p, "ext", have); got != nil {
		t.Errorf("in sync: %v", got)
	}
	p.ExternalGateway = false
	assertEqual(t, "gateway removed", routerChanges(p, "ext", have), map[string]any{"external_gateway_info": map[string]any{}})
	p.ExternalGateway, p.EnableSNAT = true, nil
	if got := routerChanges(p, "other", have); got == nil {
		t.Error("another external network is no change")
	}
	if routesDiffer([]openstack.Route{{Destination: "10.0.0.0/24", NextHop: "10.0.1.1"}}, []openstack.Route{{Destination: "10.0.0.0/24", NextHop: "10.0.1.1"}}) ||
		!routesDiffer(nil, []openstack.Route{{Destination: "10.0.0.0/24", NextHop: "10.0.1.1"}}) {
		t.Error("routesDiffer is wrong")
	}
}

func TestSecurityGroupAndAddressGroupChanges(t *testing.T) {
	stateful := true
	if got := securityGroupChanges(SecurityGroupPlan{IsDefault: true, Name: "default", Description: "x"}, openstack.SecurityGroup{Name: "default"}); got != nil {
		t.Errorf("the default group is never changed but for its tags: %v", got)
	}
	assertEqual(t, "stateless", securityGroupChanges(SecurityGroupPlan{Name: "g", Stateless: true}, openstack.SecurityGroup{Name: "g", Stateful: &stateful}),
		map[string]any{"stateful": false})
	if got := securityGroupChanges(SecurityGroupPlan{Name: "g", Stateless: true}, openstack.SecurityGroup{Name: "g"}); got != nil {
		t.Errorf("a destination without stateful groups: %v", got)
	}
	body, add, remove := addressGroupChanges(AddressGroupPlan{Name: "a", Addresses: []string{"10.0.0.1/32", "10.1.0.0/16"}},
		openstack.AddressGroup{Name: "b", Addresses: []string{"10.0.0.1", "10.2.0.0/16"}})
	assertEqual(t, "body", body, map[string]any{"name": "a"})
	assertEqual(t, "add", add, []string{"10.1.0.0/16"})
	assertEqual(t, "remove", remove, []string{"10.2.0.0/16"})
}

func TestPortChanges(t *testing.T) {
	yes, no := true, false
	ids := IDMaps{Subnets: map[string]string{"s1": "d1"}, SecurityGroups: map[string]string{"g1": "dg1"}}
	p := PortPlan{Name: "p", AdminStateUp: true, MACAddress: "fa:16:3e:00:00:01", FixedIPs: []PlannedFixedIP{{SubnetSourceID: "s1", IPAddress: "10.0.0.5"}},
		SecurityGroupSourceIDs: []string{"g1"}, PortSecurityEnabled: &yes, AllowedAddressPairs: []openstack.AddressPair{{IPAddress: "10.0.0.100"}},
		ExtraDHCPOpts: []openstack.ExtraDHCPOpt{{OptName: "mtu", OptValue: "1400", IPVersion: 4}}}
	have := openstack.Port{Name: "p", AdminStateUp: true, MACAddress: "FA:16:3E:00:00:01", FixedIPs: []openstack.FixedIP{{SubnetID: "d1", IPAddress: "10.0.0.5"}},
		SecurityGroups: []string{"dg1"}, PortSecurityEnabled: &yes, AllowedAddressPairs: []openstack.AddressPair{{IPAddress: "10.0.0.100", MACAddress: "fa:16:3e:00:00:01"}},
		ExtraDHCPOpts: []openstack.ExtraDHCPOpt{{OptName: "mtu", OptValue: "1400"}}}
	if got := portChanges(p, &ids, have); got != nil {
		t.Errorf("in sync: %v", got)
	}
	// Port security off: the groups and address pairs go in the same update.
	off := p
	off.PortSecurityEnabled, off.SecurityGroupSourceIDs, off.AllowedAddressPairs = &no, nil, nil
	got := portChanges(off, &ids, have)
	assertEqual(t, "attributes", changedAttributes(got, false), []string{"allowed_address_pairs", "port_security_enabled", "security_groups"})
	// A DHCP option the plan lacks is sent with a null value.
	opts := p
	opts.ExtraDHCPOpts = nil
	got = portChanges(opts, &ids, have)
	assertEqual(t, "extra_dhcp_opts", got["extra_dhcp_opts"], []map[string]any{{"opt_name": "mtu", "opt_value": nil}})
	// An address on a subnet not built yet differs.
	moved := p
	moved.FixedIPs = []PlannedFixedIP{{SubnetSourceID: "s-new", IPAddress: "10.0.0.5"}}
	if got := portChanges(moved, &ids, have); got["fixed_ips"] == nil {
		t.Errorf("fixed IPs on a new subnet: %v", got)
	}
	// A derived address is compared by the address the plan expects and sent without it.
	derived := p
	derived.FixedIPs = []PlannedFixedIP{{SubnetSourceID: "s1", IPAddress: "fd00::f816:3eff:fe00:1", Derived: true}}
	have6 := have
	have6.FixedIPs = []openstack.FixedIP{{SubnetID: "d1", IPAddress: "fd00:0::f816:3eff:fe00:1"}}
	if got := portChanges(derived, &ids, have6); got != nil {
		t.Errorf("derived address in sync: %v", got)
	}
	got = portChanges(derived, &ids, have)
	if sent, ok := got["fixed_ips"].([]openstack.FixedIP); !ok || !slices.Equal(sent, []openstack.FixedIP{{SubnetID: "d1"}}) {
		t.Errorf("derived address sent as %v", got["fixed_ips"])
	}
}

func TestTagsDiffer(t *testing.T) {
	if tagsDiffer([]string{"b", "a"}, []string{"a", "b"}) || tagsDiffer(nil, []string{}) {
		t.Error("equal tag sets differ")
	}
	if !tagsDiffer([]string{"a", "extra"}, []string{"a"}) || !tagsDiffer(nil, []string{"wom:src:x"}) {
		t.Error("different tag sets are equal")
	}
}

// syncPlan is a small plan: networks n1 (subnet s1) and n2, router r1 on s1, group g1 with a rule,
// address group a1, port p1 on s1.
func syncPlan() *Plan {
	gw := "10.0.1.1"
	return &Plan{
		ExternalNetworkID: "ext",
		Quotas:            Quotas{Compute: map[string]int{"cores": 10}},
		Networks:          []NetworkPlan{{SourceID: "n1", Name: "net1", AdminStateUp: true}, {SourceID: "n2", Name: "net2", AdminStateUp: true}},
		Subnets: []SubnetPlan{{SourceID: "s1", NetworkSourceID: "n1", Name: "sub1", IPVersion: 4, CIDR: "10.0.1.0/24", SourceCIDR: "10.0.1.0/24",
			GatewayIP: &gw, AllocationPools: []openstack.AllocationPool{{Start: "10.0.1.2", End: "10.0.1.254"}}, EnableDHCP: true}},
		Routers: []RouterPlan{{SourceID: "r1", Name: "rtr", AdminStateUp: true, Interfaces: []InterfacePlan{{SubnetSourceID: "s1", IPAddress: gw, AtGateway: true}},
			Routes: []openstack.Route{{Destination: "10.0.1.128/26", NextHop: "10.0.1.5"}}}},
		SecurityGroups: []SecurityGroupPlan{{SourceID: "gd", Name: "default", IsDefault: true}, {SourceID: "g1", Name: "grp"}},
		Rules:          []RulePlan{{SourceID: "rule1", GroupSourceID: "g1", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", RemoteGroupSourceID: "g1"}},
		AddressGroups:  []AddressGroupPlan{{SourceID: "a1", Name: "ag", Addresses: []string{"10.0.1.0/28"}}},
		Ports: []PortPlan{{SourceID: "p1", NetworkSourceID: "n1", Name: "port", AdminStateUp: true, MACAddress: "fa:16:3e:00:00:01",
			FixedIPs: []PlannedFixedIP{{SubnetSourceID: "s1", IPAddress: "10.0.1.5"}}, SecurityGroupSourceIDs: []string{"g1"}}},
	}
}

// syncDest is a destination in sync with syncPlan, and the prior maps of the run that built it.
func syncDest() (ProjectObjects, IDMaps) {
	gw := "10.0.1.1"
	d := ProjectObjects{
		Networks: []openstack.Network{{ID: "N1", Name: "net1", AdminStateUp: true}, {ID: "N2", Name: "net2", AdminStateUp: true}},
		Subnets: []openstack.Subnet{{ID: "S1", NetworkID: "N1", Name: "sub1", CIDR: "10.0.1.0/24", GatewayIP: &gw, EnableDHCP: true,
			AllocationPools: []openstack.AllocationPool{{Start: "10.0.1.2", End: "10.0.1.254"}}}},
		Routers: []openstack.Router{{ID: "R1", Name: "rtr", AdminStateUp: true, Routes: []openstack.Route{{Destination: "10.0.1.128/26", NextHop: "10.0.1.5"}}}},
		Ports: []openstack.Port{
			{ID: "P1", NetworkID: "N1", Name: "port", AdminStateUp: true, MACAddress: "fa:16:3e:00:00:01", FixedIPs: []openstack.FixedIP{{SubnetID: "S1", IPAddress: "10.0.1.5"}}, SecurityGroups: []string{"G1"}},
			{ID: "IF1", NetworkID: "N1", DeviceID: "R1", DeviceOwner: "network:router_interface", FixedIPs: []openstack.FixedIP{{SubnetID: "S1", IPAddress: gw}}},
			{ID: "DHCP", NetworkID: "N1", DeviceOwner: "network:dhcp", FixedIPs: []openstack.FixedIP{{SubnetID: "S1", IPAddress: "10.0.1.2"}}},
		},
		SecurityGroups: []openstack.SecurityGroup{{ID: "GD", Name: "default"}, {ID: "G1", Name: "grp", Rules: []openstack.SecurityGroupRule{
			{ID: "RULE1", SecurityGroupID: "G1", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", RemoteGroupID: "G1"}}}},
		AddressGroups: []openstack.AddressGroup{{ID: "A1", Name: "ag", Addresses: []string{"10.0.1.0/28"}}},
	}
	prior := IDMaps{Networks: map[string]string{"n1": "N1", "n2": "N2"}, Subnets: map[string]string{"s1": "S1"}, Routers: map[string]string{"r1": "R1"},
		SecurityGroups: map[string]string{"gd": "GD", "g1": "G1"}, SecurityGroupRules: map[string]string{"rule1": "RULE1"},
		AddressGroups: map[string]string{"a1": "A1"}, Ports: map[string]string{"p1": "P1"}}
	return d, prior
}

func TestCompareInSync(t *testing.T) {
	d, prior := syncDest()
	q := Quotas{Compute: map[string]int{"cores": 10, "ram": 5}}
	if got := Compare(syncPlan(), prior, d, &q); !got.Empty() {
		t.Errorf("in sync: %v", got.Summary())
	}
	// Without prior maps the same destination pairs by content.
	if got := Compare(syncPlan(), IDMaps{}, d, nil); !got.Empty() {
		t.Errorf("in sync, paired by content: %v", got.Summary())
	}
}

func TestCompareChanges(t *testing.T) {
	p := syncPlan()
	d, prior := syncDest()
	p.Networks[0].Name = "net1-renamed"                                        // paired by prior, renamed
	p.Networks = p.Networks[:1]                                                // n2 gone in the source: its prior copy is removed
	p.Networks = append(p.Networks, NetworkPlan{SourceID: "n3", Name: "net3"}) // new
	p.Subnets[0].CIDR = "10.0.2.0/24"                                          // remapped: replaced
	p.Routers[0].Routes = nil                                                  // route gone
	p.Rules = append(p.Rules, RulePlan{SourceID: "rule2", GroupSourceID: "g1", Direction: "egress", EtherType: "IPv4", Protocol: "udp"})
	p.AddressGroups[0].Addresses = []string{"10.0.1.0/28", "10.9.0.0/16"}
	p.Ports[0].Tags = []string{"blue"}
	p.SecurityGroups = p.SecurityGroups[:1] // g1 gone (its rules and the port's reference with it)
	p.Rules = nil
	p.Ports[0].SecurityGroupSourceIDs = nil
	q := Quotas{Compute: map[string]int{"cores": 8}}
	got := Compare(p, prior, d, &q)
	want := map[string]*KindDrift{
		"networks":          {Add: []string{"net3"}, Change: []Change{{"net1-renamed", []string{"name"}}}, Remove: []string{"net2"}},
		"subnets":           {Change: []Change{{"sub1", []string{"cidr"}}}},
		"router_interfaces": {Add: []string{"rtr/sub1"}, Remove: []string{"rtr/sub1"}},
		"routes":            {Remove: []string{"rtr: 10.0.1.128/26 via 10.0.1.5"}},
		"security_groups":   {Remove: []string{"grp"}},
		"address_groups":    {Change: []Change{{"ag", []string{"addresses"}}}},
		"ports":             {Change: []Change{{"port", []string{"fixed_ips", "security_groups", "tags"}}}},
		"quotas":            {Change: []Change{{"compute", []string{"cores"}}}},
	}
	assertEqual(t, "drift", got.Kinds, want)
	assertEqual(t, "summary", got.Summary()["networks"], "add: net3; change: net1-renamed (name); remove: net2")
}

func TestDriftSummaryLimitsNames(t *testing.T) {
	var d Drift
	k := d.kind("ports")
	for i := range 13 {
		k.Add = append(k.Add, fmt.Sprintf("p%02d", i))
	}
	d.sortDrift()
	assertEqual(t, "summary", d.Summary(), map[string]string{"ports": "add: p00, p01, p02, p03, p04, p05, p06, p07, p08, p09 and 3 more"})
	if d.Empty() {
		t.Error("Empty with additions")
	}
	if !(Drift{}).Empty() {
		t.Error("a zero Drift is not Empty")
	}
}
