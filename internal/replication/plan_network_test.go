package replication

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

func TestSortedPoolsIgnoresNeutronOrder(t *testing.T) {
	got := sortedPools([]openstack.AllocationPool{{Start: "10.0.1.150", End: "10.0.1.200"}, {Start: "10.0.1.10", End: "10.0.1.99"}, {Start: "10.0.1.9", End: "10.0.1.9"}})
	want := []openstack.AllocationPool{{Start: "10.0.1.9", End: "10.0.1.9"}, {Start: "10.0.1.10", End: "10.0.1.99"}, {Start: "10.0.1.150", End: "10.0.1.200"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestRemapKeepsOffsets(t *testing.T) {
	tests := []struct {
		name        string
		remaps      []SubnetRemap
		wantSubnets map[string]SubnetPlan // only the fields below are compared
		wantIfaces  []InterfacePlan
		wantRoutes  []openstack.Route
		wantDropped []DroppedRoute
		wantRules   map[string]string // rule id -> remote_ip_prefix
	}{
		{
			name:   "web to 192.168.10.0/24",
			remaps: remaps("10.0.1.0/24", "192.168.10.0/24"),
			wantSubnets: map[string]SubnetPlan{
				fxSubWeb: {CIDR: "192.168.10.0/24", SourceCIDR: "10.0.1.0/24", GatewayIP: ptr("192.168.10.1"),
					AllocationPools: pools("192.168.10.10", "192.168.10.99", "192.168.10.150", "192.168.10.199"),
					DNSNameservers:  []string{"10.0.3.53", "1.1.1.1"},
					HostRoutes: []openstack.HostRoute{
						{Destination: "10.20.0.0/16", NextHop: "192.168.10.5"},
						{Destination: "10.0.3.0/24", NextHop: "192.168.10.1"},
						{Destination: "172.31.0.0/16", NextHop: "192.168.10.254"},
					}},
				fxSubApp: {CIDR: "10.0.2.0/24", SourceCIDR: "10.0.2.0/24", GatewayIP: ptr("10.0.2.1"),
					AllocationPools: pools("10.0.2.100", "10.0.2.200"), DNSNameservers: []string{"10.0.3.53"},
					HostRoutes: []openstack.HostRoute{{Destination: "10.30.0.0/16", NextHop: "10.0.2.250"}}},
			},
			wantIfaces: []InterfacePlan{
				{SourcePortID: "port-ri-app", SubnetSourceID: fxSubApp, IPAddress: "10.0.2.254"},
				{SourcePortID: "port-ri-db", SubnetSourceID: fxSubDB, IPAddress: "10.0.3.1", AtGateway: true},
				{SourcePortID: "port-ri-web", SubnetSourceID: fxSubWeb, IPAddress: "192.168.10.1", AtGateway: true},
			},
			wantRoutes: []openstack.Route{
				{Destination: "10.0.3.128/25", NextHop: "10.0.2.10"},
				{Destination: "192.168.10.64/26", NextHop: "192.168.10.20"},
			},
			wantDropped: []DroppedRoute{droppedOutside},
			wantRules: map[string]string{
				"r-web-ssh":     "192.168.10.10/32", // inside the remapped subnet: moves
				"r-app-metrics": "192.168.10.0/24",  // the remapped subnet itself
				"r-web-echo":    "10.0.0.0/16",      // wider than the subnet: kept
				"r-db-repl":     "10.0.3.128/25",    // another subnet: kept
				"r-web-https":   "0.0.0.0/0",
			},
		},
		{
			name: "all three, the app interface off the gateway moves with app",
			remaps: remaps("10.0.1.0/24", "192.168.10.0/24", "10.0.2.0/24", "192.168.20.0/24",
				"10.0.3.0/24", "172.16.3.0/24"),
			wantSubnets: map[string]SubnetPlan{
				fxSubWeb: {CIDR: "192.168.10.0/24", SourceCIDR: "10.0.1.0/24", GatewayIP: ptr("192.168.10.1"),
					AllocationPools: pools("192.168.10.10", "192.168.10.99", "192.168.10.150", "192.168.10.199"),
					DNSNameservers:  []string{"172.16.3.53", "1.1.1.1"}, // the resolver in db moves with db
					HostRoutes: []openstack.HostRoute{
						{Destination: "10.20.0.0/16", NextHop: "192.168.10.5"},
						{Destination: "172.16.3.0/24", NextHop: "192.168.10.1"}, // destination is the remapped db subnet
						{Destination: "172.31.0.0/16", NextHop: "192.168.10.254"},
					}},
				fxSubApp: {CIDR: "192.168.20.0/24", SourceCIDR: "10.0.2.0/24", GatewayIP: ptr("192.168.20.1"),
					AllocationPools: pools("192.168.20.100", "192.168.20.200"), DNSNameservers: []string{"172.16.3.53"},
					HostRoutes: []openstack.HostRoute{{Destination: "10.30.0.0/16", NextHop: "192.168.20.250"}}},
				fxSubDB: {CIDR: "172.16.3.0/24", SourceCIDR: "10.0.3.0/24", GatewayIP: ptr("172.16.3.1"),
					AllocationPools: pools("172.16.3.2", "172.16.3.254"), DNSNameservers: []string{}, HostRoutes: []openstack.HostRoute{}},
			},
			wantIfaces: []InterfacePlan{
				{SourcePortID: "port-ri-app", SubnetSourceID: fxSubApp, IPAddress: "192.168.20.254"},
				{SourcePortID: "port-ri-db", SubnetSourceID: fxSubDB, IPAddress: "172.16.3.1", AtGateway: true},
				{SourcePortID: "port-ri-web", SubnetSourceID: fxSubWeb, IPAddress: "192.168.10.1", AtGateway: true},
			},
			wantRoutes: []openstack.Route{
				{Destination: "172.16.3.128/25", NextHop: "192.168.20.10"},
				{Destination: "192.168.10.64/26", NextHop: "192.168.10.20"},
			},
			wantDropped: []DroppedRoute{droppedOutside},
			wantRules: map[string]string{
				"r-web-ssh": "192.168.10.10/32", "r-app-metrics": "192.168.10.0/24", "r-db-repl": "172.16.3.128/25",
				"r-web-echo": "10.0.0.0/16",
			},
		},
		{
			name:   "db to a larger network keeps offsets from its start",
			remaps: remaps("10.0.3.0/24", "10.128.0.0/16"),
			wantSubnets: map[string]SubnetPlan{
				// not remapped itself, but its host route to db follows db
				fxSubWeb: {CIDR: "10.0.1.0/24", SourceCIDR: "10.0.1.0/24", GatewayIP: ptr("10.0.1.1"),
					AllocationPools: pools("10.0.1.10", "10.0.1.99", "10.0.1.150", "10.0.1.199"),
					DNSNameservers:  []string{"10.128.0.53", "1.1.1.1"},
					HostRoutes: []openstack.HostRoute{
						{Destination: "10.20.0.0/16", NextHop: "10.0.1.5"},
						{Destination: "10.128.0.0/16", NextHop: "10.0.1.1"},
						{Destination: "172.31.0.0/16", NextHop: "10.0.1.254"},
					}},
				fxSubDB: {CIDR: "10.128.0.0/16", SourceCIDR: "10.0.3.0/24", GatewayIP: ptr("10.128.0.1"),
					AllocationPools: pools("10.128.0.2", "10.128.0.254"), DNSNameservers: []string{}, HostRoutes: []openstack.HostRoute{}},
			},
			wantIfaces: []InterfacePlan{
				{SourcePortID: "port-ri-app", SubnetSourceID: fxSubApp, IPAddress: "10.0.2.254"},
				{SourcePortID: "port-ri-db", SubnetSourceID: fxSubDB, IPAddress: "10.128.0.1", AtGateway: true},
				{SourcePortID: "port-ri-web", SubnetSourceID: fxSubWeb, IPAddress: "10.0.1.1", AtGateway: true},
			},
			wantRoutes: []openstack.Route{
				{Destination: "10.128.0.128/25", NextHop: "10.0.2.10"},
				{Destination: "10.0.1.64/26", NextHop: "10.0.1.20"},
			},
			// the next hop moved, the destination is still outside
			wantDropped: []DroppedRoute{droppedOutside},
			wantRules:   map[string]string{"r-db-repl": "10.128.0.128/25"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPlan(t, threeTier(), Mappings{Subnets: tt.remaps}, baseFacts())
			for id, want := range tt.wantSubnets {
				got := subnetPlan(t, p, id)
				if got.PoolsRegenerated {
					t.Errorf("%s: pools regenerated, want them moved", id)
				}
				gotSel := SubnetPlan{CIDR: got.CIDR, SourceCIDR: got.SourceCIDR, GatewayIP: got.GatewayIP,
					AllocationPools: got.AllocationPools, DNSNameservers: got.DNSNameservers, HostRoutes: got.HostRoutes}
				assertEqual(t, "subnet "+id, gotSel, want)
			}
			r := routerPlan(t, p, fxRouter)
			assertEqual(t, "interfaces", r.Interfaces, tt.wantIfaces)
			assertEqual(t, "routes", r.Routes, tt.wantRoutes)
			assertEqual(t, "dropped routes", r.DroppedRoutes, tt.wantDropped)
			for id, want := range tt.wantRules {
				got, ok := rulePlan(p, id)
				if !ok {
					t.Errorf("rule %s not planned", id)
					continue
				}
				if got.RemoteIPPrefix != want {
					t.Errorf("rule %s remote_ip_prefix = %q, want %q", id, got.RemoteIPPrefix, want)
				}
			}
			assertEqual(t, "skipped", p.Skipped, []Skipped{{Kind: "security_group_rule", SourceID: "r-db-monitor", Reason: ruleForeign}})
		})
	}
}

func TestRemapRegeneratesPools(t *testing.T) {
	tests := []struct {
		name         string
		mutate       func(*Snapshot)
		remaps       []SubnetRemap
		subnet       string
		wantCIDR     string
		wantGateway  *string
		wantPools    []openstack.AllocationPool
		wantRegen    bool
		wantRoutes   []openstack.HostRoute
		wantIface    *InterfacePlan
		wantSkipped  []Skipped
		wantRtRoutes []openstack.Route
		wantDropped  []DroppedRoute
	}{
		{
			name:        "app /24 pool .100-.200 onto a /26",
			remaps:      remaps("10.0.2.0/24", "192.168.20.0/26"),
			subnet:      fxSubApp,
			wantCIDR:    "192.168.20.0/26",
			wantGateway: ptr("192.168.20.1"),
			wantPools:   pools("192.168.20.2", "192.168.20.62"),
			wantRegen:   true,
			wantRoutes:  []openstack.HostRoute{}, // its next hop .250 does not fit
			// the .254 interface cannot keep its offset: attached at the gateway, reported
			wantIface: &InterfacePlan{SourcePortID: "port-ri-app", SubnetSourceID: fxSubApp, IPAddress: "192.168.20.1", AtGateway: true},
			wantSkipped: []Skipped{
				{Kind: "subnet_host_route", SourceID: fxSubApp, Reason: "host route 10.30.0.0/16 via 10.0.2.250: next hop does not fit the remapped subnet"},
				{Kind: "router_interface_ip", SourceID: "port-ri-app", Reason: "address 10.0.2.254 does not fit the remapped subnet 192.168.20.0/26; attached at 192.168.20.1"},
				{Kind: "security_group_rule", SourceID: "r-db-monitor", Reason: ruleForeign},
			},
			wantRtRoutes: []openstack.Route{
				{Destination: "10.0.3.128/25", NextHop: "192.168.20.10"},
				{Destination: "10.0.1.64/26", NextHop: "10.0.1.20"},
			},
			wantDropped: []DroppedRoute{droppedOutside},
		},
		{
			name:        "web onto a /26: the pool at .150 does not fit, a route into the lost range is dropped",
			remaps:      remaps("10.0.1.0/24", "192.168.10.0/26"),
			subnet:      fxSubWeb,
			wantCIDR:    "192.168.10.0/26",
			wantGateway: ptr("192.168.10.1"),
			wantPools:   pools("192.168.10.2", "192.168.10.62"),
			wantRegen:   true,
			wantRoutes: []openstack.HostRoute{
				{Destination: "10.20.0.0/16", NextHop: "192.168.10.5"},
				{Destination: "10.0.3.0/24", NextHop: "192.168.10.1"},
			},
			wantIface: &InterfacePlan{SourcePortID: "port-ri-web", SubnetSourceID: fxSubWeb, IPAddress: "192.168.10.1", AtGateway: true},
			wantSkipped: []Skipped{
				{Kind: "subnet_host_route", SourceID: fxSubWeb, Reason: "host route 172.31.0.0/16 via 10.0.1.254: next hop does not fit the remapped subnet"},
				{Kind: "security_group_rule", SourceID: "r-db-monitor", Reason: ruleForeign},
			},
			wantRtRoutes: []openstack.Route{{Destination: "10.0.3.128/25", NextHop: "10.0.2.10"}},
			wantDropped: []DroppedRoute{
				{Route: openstack.Route{Destination: "10.0.1.64/26", NextHop: "10.0.1.20"}, Reason: "does not fit the remapped subnet"},
				droppedOutside,
			},
		},
		{
			name: "gateway beyond the new range is reset to network+1, pools that fit are kept",
			mutate: func(s *Snapshot) {
				db := subnetByID(s, fxSubDB)
				db.GatewayIP, db.AllocationPools = ptr("10.0.3.254"), pools("10.0.3.2", "10.0.3.50")
				web := subnetByID(s, fxSubWeb)
				web.HostRoutes = append(web.HostRoutes, openstack.HostRoute{Destination: "10.0.3.128/25", NextHop: "10.0.1.5"})
			},
			remaps:      remaps("10.0.3.0/24", "192.168.30.0/26"),
			subnet:      fxSubDB,
			wantCIDR:    "192.168.30.0/26",
			wantGateway: ptr("192.168.30.1"),
			wantPools:   pools("192.168.30.2", "192.168.30.50"),
			wantRoutes:  []openstack.HostRoute{},
			// the interface was at .1, not at the old gateway; it keeps .1, now the gateway
			wantIface: &InterfacePlan{SourcePortID: "port-ri-db", SubnetSourceID: fxSubDB, IPAddress: "192.168.30.1", AtGateway: true},
			wantSkipped: []Skipped{
				{Kind: "subnet_host_route", SourceID: fxSubWeb, Reason: "host route 10.0.3.128/25 via 10.0.1.5: destination does not fit the remapped subnet"},
				{Kind: "security_group_rule", SourceID: "r-db-monitor", Reason: ruleForeign},
				{Kind: "security_group_rule", SourceID: "r-db-repl", Reason: "remote IP prefix 10.0.3.128/25 does not fit the remapped subnet"},
			},
			wantRtRoutes: []openstack.Route{{Destination: "10.0.1.64/26", NextHop: "10.0.1.20"}},
			wantDropped: []DroppedRoute{
				{Route: openstack.Route{Destination: "10.0.3.128/25", NextHop: "10.0.2.10"}, Reason: "does not fit the remapped subnet"},
				{Route: openstack.Route{Destination: "172.16.50.0/24", NextHop: "10.0.3.5"}, Reason: "destination 172.16.50.0/24 is not inside any copied subnet"},
			},
		},
		{
			name: "gateway reset onto a moved pool regenerates the pools",
			mutate: func(s *Snapshot) {
				db := subnetByID(s, fxSubDB)
				db.GatewayIP, db.AllocationPools = ptr("10.0.3.254"), pools("10.0.3.1", "10.0.3.50")
			},
			remaps:      remaps("10.0.3.0/24", "192.168.30.0/26"),
			subnet:      fxSubDB,
			wantCIDR:    "192.168.30.0/26",
			wantGateway: ptr("192.168.30.1"),
			wantPools:   pools("192.168.30.2", "192.168.30.62"),
			wantRegen:   true,
			wantRoutes:  []openstack.HostRoute{},
		},
		{
			name: "gateway inside the new range stays at its offset and is cut out of the pools",
			mutate: func(s *Snapshot) {
				app := subnetByID(s, fxSubApp)
				app.GatewayIP = ptr("10.0.2.30")
			},
			remaps:      remaps("10.0.2.0/24", "192.168.20.0/26"),
			subnet:      fxSubApp,
			wantCIDR:    "192.168.20.0/26",
			wantGateway: ptr("192.168.20.30"),
			wantPools:   pools("192.168.20.2", "192.168.20.29", "192.168.20.31", "192.168.20.62"),
			wantRegen:   true,
			wantRoutes:  []openstack.HostRoute{},
			wantIface:   &InterfacePlan{SourcePortID: "port-ri-app", SubnetSourceID: fxSubApp, IPAddress: "192.168.20.30", AtGateway: true},
		},
		{
			name: "no gateway: stays disabled, pools cover network+2..broadcast-1",
			mutate: func(s *Snapshot) {
				subnetByID(s, fxSubDB).GatewayIP = nil
			},
			remaps:      remaps("10.0.3.0/24", "192.168.30.0/28"),
			subnet:      fxSubDB,
			wantCIDR:    "192.168.30.0/28",
			wantGateway: nil,
			wantPools:   pools("192.168.30.2", "192.168.30.14"),
			wantRegen:   true,
			wantRoutes:  []openstack.HostRoute{},
			wantIface:   &InterfacePlan{SourcePortID: "port-ri-db", SubnetSourceID: fxSubDB, IPAddress: "192.168.30.1", AtGateway: false},
		},
		{
			name: "IPv6 /64 onto a /64 keeps offsets",
			mutate: func(s *Snapshot) {
				s.Subnets = append(s.Subnets, openstack.Subnet{ID: "sub-web6", NetworkID: fxNetWeb, Name: "web-v6", IPVersion: 6,
					CIDR: "fd00:1::/64", GatewayIP: ptr("fd00:1::1"), AllocationPools: pools("fd00:1::10", "fd00:1::ffff"),
					HostRoutes: []openstack.HostRoute{{Destination: "fd00:77::/48", NextHop: "fd00:1::5"}}, EnableDHCP: true,
					IPv6AddressMode: "dhcpv6-stateful", IPv6RAMode: "dhcpv6-stateful"})
			},
			remaps:      remaps("fd00:1::/64", "fd12:3456::/64"),
			subnet:      "sub-web6",
			wantCIDR:    "fd12:3456::/64",
			wantGateway: ptr("fd12:3456::1"),
			wantPools:   pools("fd12:3456::10", "fd12:3456::ffff"),
			wantRoutes:  []openstack.HostRoute{{Destination: "fd00:77::/48", NextHop: "fd12:3456::5"}},
		},
		{
			name: "IPv6 onto a /120 regenerates up to the last address",
			mutate: func(s *Snapshot) {
				s.Subnets = append(s.Subnets, openstack.Subnet{ID: "sub-web6", NetworkID: fxNetWeb, Name: "web-v6", IPVersion: 6,
					CIDR: "fd00:1::/64", GatewayIP: ptr("fd00:1::1"), AllocationPools: pools("fd00:1::2", "fd00:1::ffff:ffff:ffff:ffff"),
					EnableDHCP: true})
			},
			remaps:      remaps("fd00:1::/64", "fd12:3456::/120"),
			subnet:      "sub-web6",
			wantCIDR:    "fd12:3456::/120",
			wantGateway: ptr("fd12:3456::1"),
			wantPools:   pools("fd12:3456::2", "fd12:3456::ff"),
			wantRegen:   true,
			wantRoutes:  []openstack.HostRoute{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := threeTier()
			if tt.mutate != nil {
				tt.mutate(snap)
			}
			p := mustPlan(t, snap, Mappings{Subnets: tt.remaps}, baseFacts())
			s := subnetPlan(t, p, tt.subnet)
			if s.CIDR != tt.wantCIDR {
				t.Errorf("cidr = %s, want %s", s.CIDR, tt.wantCIDR)
			}
			assertEqual(t, "gateway", s.GatewayIP, tt.wantGateway)
			assertEqual(t, "pools", s.AllocationPools, tt.wantPools)
			if s.PoolsRegenerated != tt.wantRegen {
				t.Errorf("PoolsRegenerated = %v, want %v", s.PoolsRegenerated, tt.wantRegen)
			}
			assertEqual(t, "host routes", s.HostRoutes, tt.wantRoutes)
			r := routerPlan(t, p, fxRouter)
			if tt.wantIface != nil {
				found := false
				for _, i := range r.Interfaces {
					if i.SourcePortID == tt.wantIface.SourcePortID {
						found = true
						assertEqual(t, "interface", i, *tt.wantIface)
					}
				}
				if !found {
					t.Errorf("interface %s not planned", tt.wantIface.SourcePortID)
				}
			}
			if tt.wantSkipped != nil {
				assertEqual(t, "skipped", p.Skipped, tt.wantSkipped)
			}
			if tt.wantRtRoutes != nil {
				assertEqual(t, "router routes", r.Routes, tt.wantRtRoutes)
				assertEqual(t, "dropped routes", r.DroppedRoutes, tt.wantDropped)
			}
		})
	}
}

func TestRegeneratePools(t *testing.T) {
	tests := []struct {
		p, gateway string // "" gateway: none
		want       []openstack.AllocationPool
	}{
		{"192.168.10.0/26", "192.168.10.1", pools("192.168.10.2", "192.168.10.62")},
		{"192.168.10.0/26", "", pools("192.168.10.2", "192.168.10.62")},
		{"192.168.10.0/26", "192.168.10.30", pools("192.168.10.2", "192.168.10.29", "192.168.10.31", "192.168.10.62")},
		{"192.168.10.0/26", "192.168.10.2", pools("192.168.10.3", "192.168.10.62")},
		{"192.168.10.0/26", "192.168.10.62", pools("192.168.10.2", "192.168.10.61")},
		{"192.168.10.0/26", "192.168.10.63", pools("192.168.10.2", "192.168.10.62")}, // outside the range
		{"192.168.10.0/26", "10.9.9.9", pools("192.168.10.2", "192.168.10.62")},
		{"192.168.10.0/24", "192.168.10.1", pools("192.168.10.2", "192.168.10.254")},
		{"192.168.10.0/30", "192.168.10.1", pools("192.168.10.2", "192.168.10.2")},
		{"192.168.10.0/30", "192.168.10.2", nil}, // the only host is the gateway
		{"192.168.10.0/31", "", nil},
		{"192.168.10.7/32", "", nil},
		{"fd00:9::/120", "fd00:9::1", pools("fd00:9::2", "fd00:9::ff")},
		{"fd00:9::/64", "fd00:9::1", pools("fd00:9::2", "fd00:9::ffff:ffff:ffff:ffff")},
		{"fd00:9::/64", "fd00:9::ffff:ffff:ffff:ffff", pools("fd00:9::2", "fd00:9::ffff:ffff:ffff:fffe")},
		{"fd00:9::/126", "fd00:9::1", pools("fd00:9::2", "fd00:9::3")},
		{"fd00:9::/127", "", nil},
		{"fd00:9::/128", "", nil},
	}
	for _, tt := range tests {
		var gw netip.Addr
		if tt.gateway != "" {
			gw = madr(tt.gateway)
		}
		got := regeneratePools(mpfx(tt.p), gw)
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("regeneratePools(%s, %q) = %v, want %v", tt.p, tt.gateway, got, tt.want)
		}
	}
}

func TestMovePools(t *testing.T) {
	r := remap{src: mpfx("10.0.1.0/24"), dst: mpfx("192.168.10.0/26")}
	if got, ok := movePools(pools("10.0.1.2", "10.0.1.30", "10.0.1.40", "10.0.1.62"), r); !ok ||
		!reflect.DeepEqual(got, pools("192.168.10.2", "192.168.10.30", "192.168.10.40", "192.168.10.62")) {
		t.Errorf("movePools = %v, %v", got, ok)
	}
	for _, bad := range [][]openstack.AllocationPool{
		pools("10.0.1.2", "10.0.1.63"), // ends on the new broadcast address
		pools("10.0.1.0", "10.0.1.10"), // starts on the network address
		pools("10.0.1.2", "10.0.1.64"), // ends beyond
		pools("10.0.1.2", "nope"),
	} {
		if got, ok := movePools(bad, r); ok {
			t.Errorf("movePools(%v) = %v, want no fit", bad, got)
		}
	}
	if got, ok := movePools(nil, r); !ok || len(got) != 0 {
		t.Errorf("movePools(nil) = %v, %v", got, ok)
	}
}

func TestUsableHost(t *testing.T) {
	tests := []struct {
		p, a string
		want bool
	}{
		{"192.168.10.0/26", "192.168.10.0", false},
		{"192.168.10.0/26", "192.168.10.1", true},
		{"192.168.10.0/26", "192.168.10.62", true},
		{"192.168.10.0/26", "192.168.10.63", false},
		{"192.168.10.0/26", "192.168.10.64", false},
		{"192.168.10.6/31", "192.168.10.6", true},
		{"192.168.10.6/31", "192.168.10.7", true},
		{"192.168.10.7/32", "192.168.10.7", true},
		{"fd00:9::/64", "fd00:9::", true},
		{"fd00:9::/64", "fd00:9::ffff:ffff:ffff:ffff", true},
		{"fd00:9::/64", "fd00:8::1", false},
	}
	for _, tt := range tests {
		if got := usableHost(mpfx(tt.p), madr(tt.a)); got != tt.want {
			t.Errorf("usableHost(%s, %s) = %v, want %v", tt.p, tt.a, got, tt.want)
		}
	}
}

// A DNS server inside a remapped subnet (the tenant's own resolver) moves with it, in order; one outside
// every remapped subnet stays.
func TestSubnetNameserversMoveWithTheirSubnet(t *testing.T) {
	p := mustPlan(t, threeTier(), Mappings{Subnets: remaps("10.0.3.0/24", "192.168.3.0/24")}, baseFacts())
	assertEqual(t, "web dns", subnetPlan(t, p, fxSubWeb).DNSNameservers, []string{"192.168.3.53", "1.1.1.1"})
	assertEqual(t, "app dns", subnetPlan(t, p, fxSubApp).DNSNameservers, []string{"192.168.3.53"})
}

// A subnet allocated from a subnet pool is copied as a plain subnet at its (remapped) range, reported:
// the destination does not have the pool, and a subnet naming another region's pool is refused.
func TestSubnetFromAPool(t *testing.T) {
	snap := threeTier()
	snap.SubnetPools = map[string]string{fxSubWeb: "pool-1", fxSubDB: "pool-1"}
	p := mustPlan(t, snap, Mappings{Subnets: []SubnetRemap{{SrcCIDR: "10.0.1.0/24", DstCIDR: "192.168.1.0/24"}}}, baseFacts())
	assertEqual(t, "skipped", skippedOf(p, "subnet_pool"), []Skipped{
		{Kind: "subnet_pool", SourceID: fxSubDB, Reason: "allocated from subnet pool pool-1 in the source: copied at 10.0.3.0/24 without a subnet pool (the destination does not have that pool)"},
		{Kind: "subnet_pool", SourceID: fxSubWeb, Reason: "allocated from subnet pool pool-1 in the source: copied at 192.168.1.0/24 without a subnet pool (the destination does not have that pool)"},
	})
	if len(p.Subnets) != 3 {
		t.Errorf("%d subnets planned, want all 3", len(p.Subnets))
	}
}

// A destination without net-mtu-writable refuses an mtu in a network create: the copies are planned
// without one (the destination's default), each reported; with the extension the MTU is kept.
func TestNetworkMTUWithoutMTUWritable(t *testing.T) {
	snap := threeTier()
	for i := range snap.Networks {
		snap.Networks[i].MTU = 1500
	}
	p := mustPlan(t, snap, Mappings{}, baseFacts())
	for _, n := range p.Networks {
		if n.MTU != 1500 {
			t.Errorf("network %s: mtu %d planned, want the source's 1500", n.Name, n.MTU)
		}
	}
	assertEqual(t, "skipped", skippedOf(p, "network_mtu"), []Skipped(nil))

	facts := baseFacts()
	facts.NoMTUWritable = true
	p = mustPlan(t, snap, Mappings{}, facts)
	var want []Skipped
	for _, n := range p.Networks {
		if n.MTU != 0 {
			t.Errorf("network %s: mtu %d planned on a destination that refuses it", n.Name, n.MTU)
		}
		want = append(want, Skipped{Kind: "network_mtu", SourceID: n.SourceID,
			Reason: "mtu 1500: the destination Neutron lacks the net-mtu-writable extension (it refuses an MTU in a create): the copy gets the destination's default MTU"})
	}
	if len(want) != 3 {
		t.Fatalf("%d networks planned, want 3", len(want))
	}
	assertEqual(t, "skipped", skippedOf(p, "network_mtu"), want)
}
