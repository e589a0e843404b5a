package replication

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// scaledTenant is a synthetic source tenant of about objects objects, in the proportions of a large
// production tenant: per network one /24 subnet and ten ports (nine instance ports, one free VIP port
// with an address pair), a router per five networks attached at their gateways with four static routes,
// a security group per three networks with twenty rules (every third referencing another group), and a
// floating IP per five ports on routed networks: about 22 objects per network.
func scaledTenant(objects int) *Snapshot {
	nets := max(objects/22, 5)
	s := &Snapshot{
		Project: openstack.Project{ID: "proj-scaled", Name: "scaled", Enabled: true},
		Quotas: Quotas{
			Compute: map[string]int{"cores": 10 * nets, "ram": 40960 * nets, "instances": 10 * nets},
			Network: map[string]int{"network": nets, "subnet": nets, "port": 12 * nets, "router": nets/5 + 1,
				"security_group": nets/3 + 2, "security_group_rule": 25 * nets, "floatingip": 2*nets + 1},
			Volume: map[string]int{"gigabytes": 1000 * nets, "gigabytes_ssd": 100 * nets, "volumes_ssd": nets},
		},
		VolumeTypes: []openstack.VolumeType{{ID: fxVTSSD, Name: "ssd"}, {ID: fxVTHDD, Name: "hdd"}},
	}
	octets := func(i int) (int, int) { return 10 + i/256, i % 256 }
	for i := range nets {
		a, b := octets(i)
		net, sub := fmt.Sprintf("net-%05d", i), fmt.Sprintf("sub-%05d", i)
		s.Networks = append(s.Networks, openstack.Network{ID: net, Name: fmt.Sprintf("tier-%05d", i), AdminStateUp: true, MTU: 1450})
		s.Subnets = append(s.Subnets, openstack.Subnet{
			ID: sub, NetworkID: net, Name: fmt.Sprintf("tier-%05d-v4", i), IPVersion: 4,
			CIDR: fmt.Sprintf("%d.%d.0.0/24", a, b), GatewayIP: ptr(fmt.Sprintf("%d.%d.0.1", a, b)),
			AllocationPools: []openstack.AllocationPool{{Start: fmt.Sprintf("%d.%d.0.2", a, b), End: fmt.Sprintf("%d.%d.0.254", a, b)}},
			DNSNameservers:  []string{"1.1.1.1"}, HostRoutes: []openstack.HostRoute{}, EnableDHCP: true,
		})
	}
	for r := range nets / 5 {
		id := fmt.Sprintf("rtr-%05d", r)
		router := openstack.Router{ID: id, Name: id, AdminStateUp: true, ExternalGateway: &openstack.GatewayInfo{NetworkID: "ext"}}
		for k := range 5 {
			i := r*5 + k
			a, b := octets(i)
			s.Ports = append(s.Ports, openstack.Port{ID: fmt.Sprintf("ri-%05d", i), NetworkID: fmt.Sprintf("net-%05d", i),
				FixedIPs: []openstack.FixedIP{{SubnetID: fmt.Sprintf("sub-%05d", i), IPAddress: fmt.Sprintf("%d.%d.0.1", a, b)}},
				DeviceID: id, DeviceOwner: "network:router_interface", AdminStateUp: true, Status: "ACTIVE"})
			if k < 4 {
				router.Routes = append(router.Routes, openstack.Route{Destination: fmt.Sprintf("%d.%d.0.128/25", a, b), NextHop: fmt.Sprintf("%d.%d.0.5", a, b)})
			}
		}
		s.Routers = append(s.Routers, router)
	}
	groups := nets/3 + 1
	for g := range groups {
		gid := fmt.Sprintf("sg-%05d", g)
		name := fmt.Sprintf("group-%05d", g)
		if g == 0 {
			name = "default"
		}
		s.SecurityGroups = append(s.SecurityGroups, openstack.SecurityGroup{ID: gid, Name: name})
		for k := range 20 {
			r := rule(fmt.Sprintf("r-%05d-%02d", g, k), gid, "ingress", "IPv4", "tcp", ptr(1000+k), ptr(1000+k), "", "")
			if k%3 == 0 {
				r.RemoteGroupID = fmt.Sprintf("sg-%05d", (g+k)%groups)
			} else {
				a, b := octets((g + k) % nets)
				r.RemoteIPPrefix = fmt.Sprintf("%d.%d.0.0/24", a, b)
			}
			s.Rules = append(s.Rules, r)
		}
	}
	for p := range 10 * nets {
		i := p % nets
		a, b := octets(i)
		port := openstack.Port{ID: fmt.Sprintf("port-%06d", p), NetworkID: fmt.Sprintf("net-%05d", i), Name: fmt.Sprintf("vm-%06d-eth0", p),
			AdminStateUp: true, Status: "ACTIVE", MACAddress: fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", p>>16&0xff, p>>8&0xff, p&0xff),
			FixedIPs: []openstack.FixedIP{{SubnetID: fmt.Sprintf("sub-%05d", i), IPAddress: fmt.Sprintf("%d.%d.0.%d", a, b, 10+p/nets)}},
			DeviceID: fmt.Sprintf("vm-%06d", p), DeviceOwner: "compute:nova",
			SecurityGroups: []string{fmt.Sprintf("sg-%05d", p%groups), "sg-00000"}}
		if p%10 == 9 {
			port.DeviceID, port.Status, port.Name = "", "DOWN", fmt.Sprintf("vip-%06d", p)
			port.AllowedAddressPairs = []openstack.AddressPair{{IPAddress: fmt.Sprintf("%d.%d.0.250", a, b)}}
		}
		s.Ports = append(s.Ports, port)
		if p%5 == 0 && i/5 < nets/5 { // on a network a router connects to the external network
			s.FloatingIPs = append(s.FloatingIPs, openstack.FloatingIP{ID: fmt.Sprintf("fip-%06d", p), FloatingNetworkID: "src-ext",
				FloatingIPAddress: fmt.Sprintf("172.%d.%d.%d", 16+p>>16&0xf, p>>8&0xff, p&0xff), PortID: port.ID, FixedIPAddress: port.FixedIPs[0].IPAddress})
		}
	}
	return s
}

// snapshotObjects counts the objects of s a migration copies or reads.
func snapshotObjects(s *Snapshot) int {
	return len(s.Networks) + len(s.Subnets) + len(s.Routers) + len(s.Ports) + len(s.SecurityGroups) + len(s.Rules) +
		len(s.AddressGroups) + len(s.FloatingIPs) + len(s.ServerGroups)
}

// BenchmarkBuildPlanScale runs the planner on scaled tenants up to 100,000 objects: ns/op per object
// should stay flat (the planner is linear), which `make bench` reports.
func BenchmarkBuildPlanScale(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		snap := scaledTenant(n)
		objects := snapshotObjects(snap)
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			m := Mappings{SyncInstancePorts: true, VolumeTypes: []VolumeTypeMap{{fxVTSSD, fxDVTFst}}}
			if _, err := BuildPlan(snap, m, baseFacts(), Target{}); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := BuildPlan(snap, m, baseFacts(), Target{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(objects), "objects")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(objects), "ns/object")
		})
	}
}

func TestScaledTenantPlans(t *testing.T) {
	snap := scaledTenant(10_000)
	if n := snapshotObjects(snap); n < 9_000 || n > 11_000 {
		t.Errorf("scaledTenant(10000) has %d objects", n)
	}
	p := mustPlan(t, snap, Mappings{SyncInstancePorts: true}, baseFacts())
	if len(p.Ports) != 10*len(snap.Networks) || len(p.FloatingIPs) != len(snap.FloatingIPs) || len(p.FloatingIPs) == 0 {
		t.Errorf("planned %d ports and %d floating IPs of %d networks and %d floating IPs", len(p.Ports), len(p.FloatingIPs),
			len(snap.Networks), len(snap.FloatingIPs))
	}
	for _, f := range p.FloatingIPs {
		if f.PortSourceID == "" {
			t.Fatalf("floating IP %s lost its association: %v", f.SourceID, p.Skipped)
		}
	}
}

func TestInsidePrefixIndex(t *testing.T) {
	idx := indexPrefixes(map[string]netip.Prefix{
		"a": netip.MustParsePrefix("10.0.0.0/16"), "b": netip.MustParsePrefix("192.168.1.0/24"),
		"c": netip.MustParsePrefix("fd00:1::/64"), "d": netip.MustParsePrefix("10.0.5.0/24"),
	})
	for p, want := range map[string]bool{
		"10.0.3.0/24": true, "10.0.5.128/25": true, "10.1.0.0/24": false, "10.0.0.0/8": false, // wider than any subnet
		"192.168.1.7/32": true, "192.168.2.0/24": false, "fd00:1::/80": true, "fd00:2::/64": false, "::/0": false,
	} {
		if got := inside(netip.MustParsePrefix(p), idx); got != want {
			t.Errorf("inside(%s) = %v, want %v", p, got, want)
		}
	}
	ifaces := []InterfacePlan{{SubnetSourceID: "b"}, {SubnetSourceID: "c"}}
	for hop, want := range map[string]bool{"192.168.1.250": true, "fd00:1::5": true, "10.0.0.9": false} {
		if got := onAttached(netip.MustParseAddr(hop), ifaces, idx); got != want {
			t.Errorf("onAttached(%s) = %v, want %v", hop, got, want)
		}
	}
}
