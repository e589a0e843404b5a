package replication

import (
	"strings"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

func TestPorts(t *testing.T) {
	p := mustPlan(t, threeTier(), Mappings{SyncInstancePorts: true}, baseFacts())
	pairs := []openstack.AddressPair{{IPAddress: "10.0.1.250"}}
	assertEqual(t, "ports", p.Ports, []PortPlan{
		{SourceID: "port-app-1", Kind: "instance", NetworkSourceID: fxNetApp, Name: "app-1-eth0", AdminStateUp: true, MACAddress: "fa:16:3e:01:02:01",
			FixedIPs: []PlannedFixedIP{{SubnetSourceID: fxSubApp, IPAddress: "10.0.2.11"}}, SecurityGroupSourceIDs: []string{fxSGApp},
			PortSecurityEnabled: ptr(true), AllowedAddressPairs: pairs},
		{SourceID: "port-db-1", Kind: "instance", NetworkSourceID: fxNetDB, Name: "db-1-eth0", AdminStateUp: true, MACAddress: "fa:16:3e:01:03:01",
			FixedIPs: []PlannedFixedIP{{SubnetSourceID: fxSubDB, IPAddress: "10.0.3.11"}}, SecurityGroupSourceIDs: []string{fxSGDB},
			PortSecurityEnabled: ptr(true), AllowedAddressPairs: pairs},
		{SourceID: "port-db-vip", Kind: "vip", NetworkSourceID: fxNetDB, Name: "db-vip", Description: "patroni VIP", AdminStateUp: true,
			MACAddress: "fa:16:3e:02:03:01", FixedIPs: []PlannedFixedIP{{SubnetSourceID: fxSubDB, IPAddress: "10.0.3.250"}},
			SecurityGroupSourceIDs: []string{fxSGDB}},
		{SourceID: "port-web-1", Kind: "instance", NetworkSourceID: fxNetWeb, Name: "web-1-eth0", AdminStateUp: true, MACAddress: "fa:16:3e:01:01:01",
			FixedIPs: []PlannedFixedIP{{SubnetSourceID: fxSubWeb, IPAddress: "10.0.1.11"}}, SecurityGroupSourceIDs: []string{fxSGDefault, fxSGWeb},
			PortSecurityEnabled: ptr(true), AllowedAddressPairs: pairs},
		{SourceID: "port-web-2", Kind: "instance", NetworkSourceID: fxNetWeb, Name: "web-2-eth0", AdminStateUp: true, MACAddress: "fa:16:3e:01:01:02",
			FixedIPs: []PlannedFixedIP{{SubnetSourceID: fxSubWeb, IPAddress: "10.0.1.12"}}, SecurityGroupSourceIDs: []string{fxSGDefault, fxSGWeb},
			PortSecurityEnabled: ptr(true), AllowedAddressPairs: pairs},
		{SourceID: "port-web-vip", Kind: "vip", NetworkSourceID: fxNetWeb, Name: "web-vip", Description: "keepalived VIP", AdminStateUp: true,
			MACAddress: "fa:16:3e:02:01:01", FixedIPs: []PlannedFixedIP{{SubnetSourceID: fxSubWeb, IPAddress: "10.0.1.250"}},
			SecurityGroupSourceIDs: []string{fxSGWeb}},
	})
	// router interfaces, the router gateway and DHCP are infrastructure: neither copied nor reported
	for _, s := range p.Skipped {
		if strings.HasPrefix(s.SourceID, "port-ri-") || s.SourceID == "port-rgw" || s.SourceID == "port-dhcp-web" {
			t.Errorf("infrastructure port reported as skipped: %+v", s)
		}
	}
	assertEqual(t, "skipped", p.Skipped, []Skipped{
		{Kind: "security_group_rule", SourceID: "r-db-monitor", Reason: ruleForeign},
		{Kind: "port_security_group", SourceID: "port-db-1", Reason: "security group sg-other-tenant-monitoring is not a group of the source tenant"},
		{Kind: "port", SourceID: "port-lb", Reason: `neither an instance port nor a free VIP port (device_owner "Octavia", status ACTIVE)`},
	})
}

func TestPortKind(t *testing.T) {
	tests := []struct {
		port openstack.Port
		want string
	}{
		{openstack.Port{DeviceOwner: "compute:nova", DeviceID: "vm-1", Status: "ACTIVE", AdminStateUp: true}, "instance"},
		{openstack.Port{DeviceOwner: "compute:az-2", DeviceID: "vm-1", Status: "DOWN"}, "instance"},
		{openstack.Port{DeviceOwner: "compute:nova", Status: "DOWN", AdminStateUp: true}, "vip"},
		{openstack.Port{DeviceOwner: "compute:nova", Status: "DOWN", AdminStateUp: false}, ""},
		{openstack.Port{DeviceOwner: "compute:nova", Status: "ACTIVE", AdminStateUp: true}, ""},
		{openstack.Port{DeviceOwner: "", Status: "DOWN", AdminStateUp: true}, ""},
		{openstack.Port{DeviceOwner: "Octavia", DeviceID: "lb-1", Status: "ACTIVE", AdminStateUp: true}, ""},
		{openstack.Port{DeviceOwner: "network:router_interface", DeviceID: "r1"}, "infrastructure"},
		{openstack.Port{DeviceOwner: "network:router_interface_distributed", DeviceID: "r1"}, "infrastructure"},
		{openstack.Port{DeviceOwner: "network:router_gateway", DeviceID: "r1"}, "infrastructure"},
		{openstack.Port{DeviceOwner: "network:dhcp", DeviceID: "dhcp1"}, "infrastructure"},
		{openstack.Port{DeviceOwner: "network:floatingip", DeviceID: "fip1"}, "infrastructure"},
	}
	for _, tt := range tests {
		if got := portKind(tt.port); got != tt.want {
			t.Errorf("portKind(owner %q, device %q, %s, admin %v) = %q, want %q", tt.port.DeviceOwner, tt.port.DeviceID, tt.port.Status, tt.port.AdminStateUp, got, tt.want)
		}
	}
}

// The tenant: an instance port with an IPv4 address and one on each kind of IPv6 subnet. Neutron
// refuses any address sent for an auto-addressed subnet (SLAAC or DHCPv6-stateless, by either mode), so
// those are planned as derived, the preview showing the EUI-64 address the destination will give.
func TestPortsOnAutoAddressedSubnets(t *testing.T) {
	snap := threeTier()
	v6 := func(id, cidr, addressMode, raMode string) openstack.Subnet {
		return openstack.Subnet{ID: id, ProjectID: fxProject, NetworkID: fxNetWeb, Name: id, IPVersion: 6, CIDR: cidr,
			GatewayIP: ptr(strings.TrimSuffix(cidr, "/64") + "1"), EnableDHCP: true, IPv6AddressMode: addressMode, IPv6RAMode: raMode}
	}
	snap.Subnets = append(snap.Subnets, v6("v6-slaac", "fd00:20:1::/64", "slaac", "slaac"),
		v6("v6-stateless", "fd00:20:2::/64", "dhcpv6-stateless", "dhcpv6-stateless"),
		v6("v6-ra-only", "fd00:20:3::/64", "", "slaac"),
		v6("v6-stateful", "fd00:20:4::/64", "dhcpv6-stateful", "dhcpv6-stateful"))
	port := instancePort("port-v6", "dual-stack", fxNetWeb, fxSubWeb, "10.0.1.40", "fa:16:3e:00:20:01", "vm-v6", fxSGWeb)
	port.FixedIPs = append(port.FixedIPs,
		openstack.FixedIP{SubnetID: "v6-slaac", IPAddress: "fd00:20:1:0:f816:3eff:fe00:2001"},
		openstack.FixedIP{SubnetID: "v6-stateless", IPAddress: "fd00:20:2:0:f816:3eff:fe00:2001"},
		openstack.FixedIP{SubnetID: "v6-ra-only", IPAddress: "fd00:20:3:0:f816:3eff:fe00:2001"},
		openstack.FixedIP{SubnetID: "v6-stateful", IPAddress: "fd00:20:4::77"})
	snap.Ports = append(snap.Ports, port)
	p := mustPlan(t, snap, Mappings{SyncInstancePorts: true}, baseFacts())
	var got []PlannedFixedIP
	for _, pp := range p.Ports {
		if pp.SourceID == "port-v6" {
			got = pp.FixedIPs
		}
	}
	assertEqual(t, "fixed IPs", got, []PlannedFixedIP{
		{SubnetSourceID: fxSubWeb, IPAddress: "10.0.1.40"},
		{SubnetSourceID: "v6-slaac", IPAddress: "fd00:20:1:0:f816:3eff:fe00:2001", Derived: true},
		{SubnetSourceID: "v6-stateless", IPAddress: "fd00:20:2:0:f816:3eff:fe00:2001", Derived: true},
		{SubnetSourceID: "v6-ra-only", IPAddress: "fd00:20:3:0:f816:3eff:fe00:2001", Derived: true},
		{SubnetSourceID: "v6-stateful", IPAddress: "fd00:20:4::77"},
	})
}

// The derived address is computed in the subnet's destination prefix, not copied from the source.
func TestPortDerivedAddressFollowsTheDestinationPrefix(t *testing.T) {
	sp := SubnetPlan{SourceID: "s6", IPVersion: 6, CIDR: "fd99:1:2:3::/64", IPv6AddressMode: "slaac", IPv6RAMode: "slaac"}
	p := &Plan{Subnets: []SubnetPlan{sp}}
	snap := &Snapshot{Ports: []openstack.Port{{ID: "p", NetworkID: "n", DeviceOwner: "compute:nova", DeviceID: "vm", MACAddress: "02:00:00:aa:bb:cc",
		FixedIPs: []openstack.FixedIP{{SubnetID: "s6", IPAddress: "fd00::ff:fe00:1"}}}}}
	planPorts(snap, map[string]bool{"n": true}, Facts{}, p)
	assertEqual(t, "fixed IPs", p.Ports[0].FixedIPs, []PlannedFixedIP{{SubnetSourceID: "s6", IPAddress: "fd99:1:2:3:0:ff:feaa:bbcc", Derived: true}})
}

func TestEUI64(t *testing.T) {
	for _, tt := range []struct{ cidr, mac, want string }{
		{"fd00:20:1::/64", "fa:16:3e:00:20:01", "fd00:20:1:0:f816:3eff:fe00:2001"},
		{"2001:db8::/64", "00:00:00:00:00:00", "2001:db8::200:ff:fe00:0"},
		{"2001:db8:1::/48", "fa:16:3e:00:20:01", "2001:db8:1:0:f816:3eff:fe00:2001"},
		{"2001:db8::/80", "fa:16:3e:00:20:01", ""},
		{"10.0.0.0/24", "fa:16:3e:00:20:01", ""},
		{"fd00::/64", "not-a-mac", ""},
	} {
		a, ok := eui64(tt.cidr, tt.mac)
		got := ""
		if ok {
			got = a.String()
		}
		if got != tt.want {
			t.Errorf("eui64(%s, %s) = %q, want %q", tt.cidr, tt.mac, got, tt.want)
		}
	}
}

// DNS names, DNS domains and extra DHCP options are copied where the destination has their extensions,
// and reported, not sent, where it lacks them.
func TestDNSAndDHCPOptions(t *testing.T) {
	snap := threeTier()
	snap.Networks[0].DNSDomain = "shop.example.org."
	opts := []openstack.ExtraDHCPOpt{{OptName: "bootfile-name", OptValue: "pxelinux.0"}}
	for i := range snap.Ports {
		if snap.Ports[i].ID == "port-web-1" {
			snap.Ports[i].DNSName, snap.Ports[i].ExtraDHCPOpts = "web-1", opts
		}
	}
	find := func(p *Plan) (NetworkPlan, PortPlan) {
		var n NetworkPlan
		var port PortPlan
		for _, x := range p.Networks {
			if x.SourceID == snap.Networks[0].ID {
				n = x
			}
		}
		for _, x := range p.Ports {
			if x.SourceID == "port-web-1" {
				port = x
			}
		}
		return n, port
	}
	n, port := find(mustPlan(t, snap, Mappings{SyncInstancePorts: true}, baseFacts()))
	assertEqual(t, "copied", []any{n.DNSDomain, port.DNSName, port.ExtraDHCPOpts}, []any{"shop.example.org.", "web-1", opts})

	facts := baseFacts()
	facts.NoDNS, facts.NoExtraDHCPOpts = true, true
	p := mustPlan(t, snap, Mappings{SyncInstancePorts: true}, facts)
	n, port = find(p)
	assertEqual(t, "left out", []any{n.DNSDomain, port.DNSName, len(port.ExtraDHCPOpts)}, []any{"", "", 0})
	for _, kind := range []string{"network_dns_domain", "port_dns_name", "port_extra_dhcp_opts"} {
		if len(skippedOf(p, kind)) != 1 {
			t.Errorf("skipped %s: %+v, want one", kind, skippedOf(p, kind))
		}
	}
}
