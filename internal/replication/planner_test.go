package replication

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// ---- the fixture as is --------------------------------------------------------------------------------

func TestBuildPlanFixtureWithoutMappings(t *testing.T) {
	snap := threeTier()
	before := deepCopy(t, snap)
	p := mustPlan(t, snap, Mappings{}, baseFacts())

	assertEqual(t, "snapshot after BuildPlan", deepCopy(t, snap), before)
	if p.SourceProjectID != fxProject {
		t.Errorf("SourceProjectID = %q", p.SourceProjectID)
	}
	assertEqual(t, "project", p.Project, ProjectPlan{Name: "shop-prod", Description: "Three-tier web shop, production"})
	assertEqual(t, "networks", p.Networks, []NetworkPlan{
		{SourceID: fxNetApp, Name: "app", Description: "application tier", MTU: 1450, AdminStateUp: true, PortSecurityEnabled: ptr(true)},
		{SourceID: fxNetDB, Name: "db", Description: "database tier", MTU: 9000, AdminStateUp: true, PortSecurityEnabled: ptr(false)},
		{SourceID: fxNetWeb, Name: "web", Description: "public-facing tier", MTU: 1450, AdminStateUp: true, PortSecurityEnabled: ptr(true)},
	})
	assertEqual(t, "subnets", p.Subnets, []SubnetPlan{
		{SourceID: fxSubApp, NetworkSourceID: fxNetApp, Name: "app-v4", Description: "app hosts", IPVersion: 4,
			SourceCIDR: "10.0.2.0/24", CIDR: "10.0.2.0/24", GatewayIP: ptr("10.0.2.1"),
			AllocationPools: pools("10.0.2.100", "10.0.2.200"), DNSNameservers: []string{"10.0.3.53"},
			HostRoutes: []openstack.HostRoute{{Destination: "10.30.0.0/16", NextHop: "10.0.2.250"}}, EnableDHCP: true},
		{SourceID: fxSubDB, NetworkSourceID: fxNetDB, Name: "db-v4", Description: "database hosts", IPVersion: 4,
			SourceCIDR: "10.0.3.0/24", CIDR: "10.0.3.0/24", GatewayIP: ptr("10.0.3.1"),
			AllocationPools: pools("10.0.3.2", "10.0.3.254"), DNSNameservers: []string{}, HostRoutes: []openstack.HostRoute{}},
		{SourceID: fxSubWeb, NetworkSourceID: fxNetWeb, Name: "web-v4", Description: "web hosts", IPVersion: 4,
			SourceCIDR: "10.0.1.0/24", CIDR: "10.0.1.0/24", GatewayIP: ptr("10.0.1.1"),
			AllocationPools: pools("10.0.1.10", "10.0.1.99", "10.0.1.150", "10.0.1.199"), DNSNameservers: []string{"10.0.3.53", "1.1.1.1"},
			HostRoutes: []openstack.HostRoute{
				{Destination: "10.20.0.0/16", NextHop: "10.0.1.5"},
				{Destination: "10.0.3.0/24", NextHop: "10.0.1.1"},
				{Destination: "172.31.0.0/16", NextHop: "10.0.1.254"},
			}, EnableDHCP: true},
	})
	assertEqual(t, "routers", p.Routers, []RouterPlan{{
		SourceID: fxRouter, Name: "main", Description: "edge router", AdminStateUp: true,
		ExternalGateway: true, EnableSNAT: ptr(true),
		Interfaces: []InterfacePlan{
			{SourcePortID: "port-ri-app", SubnetSourceID: fxSubApp, IPAddress: "10.0.2.254", AtGateway: false},
			{SourcePortID: "port-ri-db", SubnetSourceID: fxSubDB, IPAddress: "10.0.3.1", AtGateway: true},
			{SourcePortID: "port-ri-web", SubnetSourceID: fxSubWeb, IPAddress: "10.0.1.1", AtGateway: true},
		},
		Routes: []openstack.Route{
			{Destination: "10.0.3.128/25", NextHop: "10.0.2.10"},
			{Destination: "10.0.1.64/26", NextHop: "10.0.1.20"},
		},
		DroppedRoutes: []DroppedRoute{droppedOutside},
	}})
	if p.Ports != nil {
		t.Errorf("ports planned without sync_instance_ports: %+v", p.Ports)
	}
	assertEqual(t, "skipped", p.Skipped, []Skipped{{Kind: "security_group_rule", SourceID: "r-db-monitor", Reason: ruleForeign}})
	assertEqual(t, "counts", p.Counts(), map[string]int{
		"networks": 3, "subnets": 3, "routers": 1, "router_interfaces": 3, "routes": 2,
		"security_groups": 4, "security_group_rules": 17, "address_groups": 0, "ports": 0, "floating_ips": 0, "server_groups": 0,
	})
	assertEqual(t, "quotas", p.Quotas, Quotas{
		Compute: map[string]int{"cores": 64, "ram": 131072, "instances": 20, "key_pairs": 10, "server_groups": 10, "server_group_members": 10},
		Network: map[string]int{"network": 10, "subnet": 20, "port": 200, "router": 4, "security_group": 20, "security_group_rule": 200, "floatingip": 10},
		Volume: map[string]int{
			"volumes": 50, "snapshots": 50, "gigabytes": 2000, "backups": 10, "backup_gigabytes": 1000, "per_volume_gigabytes": -1,
			"gigabytes_ssd": 100, "volumes_ssd": 10, // snapshots_ssd: unlimited and unmapped, left out
			"gigabytes_hdd": 50, "volumes_hdd": 20, "snapshots_hdd": 5,
		},
	})
}

func TestBuildPlanTargetOverridesNameAndDescription(t *testing.T) {
	p, err := BuildPlan(threeTier(), Mappings{}, baseFacts(), Target{Name: "shop-dr", Description: "disaster recovery copy"})
	if err != nil {
		t.Fatal(err)
	}
	assertEqual(t, "project", p.Project, ProjectPlan{Name: "shop-dr", Description: "disaster recovery copy"})
	p, err = BuildPlan(threeTier(), Mappings{}, baseFacts(), Target{Name: "shop-dr"})
	if err != nil {
		t.Fatal(err)
	}
	assertEqual(t, "project (description defaulted)", p.Project, ProjectPlan{Name: "shop-dr", Description: "Three-tier web shop, production"})
}

// ---- validation of mappings ---------------------------------------------------------------------------

func TestSubnetRemapValidation(t *testing.T) {
	addV6 := func(s *Snapshot) {
		s.Subnets = append(s.Subnets, openstack.Subnet{ID: "sub-web6", NetworkID: fxNetWeb, Name: "web-v6", IPVersion: 6,
			CIDR: "fd00:1::/64", GatewayIP: ptr("fd00:1::1"), AllocationPools: pools("fd00:1::2", "fd00:1::ff")})
	}
	noRouter := func(s *Snapshot) { s.Routers = nil }
	tests := []struct {
		name   string
		mutate func(*Snapshot)
		m      Mappings
		want   []errText
	}{
		{name: "source not parseable", m: Mappings{Subnets: remaps("10.0.1.0/33", "192.168.10.0/24")},
			want: []errText{{"mappings.subnets[0].src_cidr", "10.0.1.0/33", "not a valid CIDR"}}},
		{name: "destination not parseable", m: Mappings{Subnets: remaps("10.0.1.0/24", "192.168.10.0")},
			want: []errText{{"mappings.subnets[0].dst_cidr", "192.168.10.0", "not a valid CIDR"}}},
		{name: "source host bits", m: Mappings{Subnets: remaps("10.0.1.1/24", "192.168.10.0/24")},
			want: []errText{{"mappings.subnets[0].src_cidr", "10.0.1.1/24", "host bits are set (did you mean 10.0.1.0/24?)"}}},
		{name: "destination host bits", m: Mappings{Subnets: remaps("10.0.1.0/24", "192.168.10.7/24")},
			want: []errText{{"mappings.subnets[0].dst_cidr", "192.168.10.7/24", "host bits are set (did you mean 192.168.10.0/24?)"}}},
		{name: "public destination", m: Mappings{Subnets: remaps("10.0.1.0/24", "203.0.113.0/24")},
			want: []errText{{"mappings.subnets[0].dst_cidr", "203.0.113.0/24", "is not a private network (expected inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, or fc00::/7 for IPv6)"}}},
		{name: "destination wider than a private range", m: Mappings{Subnets: remaps("10.0.1.0/24", "192.168.0.0/15")},
			want: []errText{{"mappings.subnets[0].dst_cidr", "192.168.0.0/15", "is not a private network (expected inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, or fc00::/7 for IPv6)"}}},
		{name: "public IPv6 destination", mutate: addV6, m: Mappings{Subnets: remaps("fd00:1::/64", "2001:db8::/64")},
			want: []errText{{"mappings.subnets[0].dst_cidr", "2001:db8::/64", "is not a private network (expected inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, or fc00::/7 for IPv6)"}}},
		{name: "IP version mismatch", m: Mappings{Subnets: remaps("10.0.1.0/24", "fd00:9::/64")},
			want: []errText{{"mappings.subnets[0].dst_cidr", "fd00:9::/64", `is not of the same IP version as src_cidr "10.0.1.0/24"`}}},
		{name: "source matching no subnet", m: Mappings{Subnets: remaps("10.0.9.0/24", "192.168.9.0/24")},
			want: []errText{{"mappings.subnets[0].src_cidr", "10.0.9.0/24", "matches no subnet of the copied source networks"}}},
		{name: "source inside a subnet is not a subnet", m: Mappings{Subnets: remaps("10.0.1.0/25", "192.168.9.0/25")},
			want: []errText{{"mappings.subnets[0].src_cidr", "10.0.1.0/25", "matches no subnet of the copied source networks"}}},
		{name: "source on a network that is not selected", m: Mappings{Networks: []string{fxNetWeb}, Subnets: remaps("10.0.2.0/24", "192.168.20.0/24")},
			want: []errText{{"mappings.subnets[0].src_cidr", "10.0.2.0/24", "matches no subnet of the copied source networks"}}},
		{name: "duplicate source", m: Mappings{Subnets: remaps("10.0.1.0/24", "192.168.10.0/24", "10.0.1.0/24", "192.168.11.0/24")},
			want: []errText{{"mappings.subnets[1].src_cidr", "10.0.1.0/24", "is already remapped by mappings.subnets[0]"}}},
		{name: "two remaps onto the same destination", mutate: noRouter,
			m:    Mappings{Subnets: remaps("10.0.1.0/24", "192.168.10.0/24", "10.0.2.0/24", "192.168.10.0/24")},
			want: []errText{{"mappings.subnets[1].dst_cidr", "192.168.10.0/24", "overlaps the destination of another remap (10.0.1.0/24 -> 192.168.10.0/24)"}}},
		{name: "two remaps onto overlapping destinations", mutate: noRouter,
			m:    Mappings{Subnets: remaps("10.0.1.0/24", "192.168.0.0/23", "10.0.3.0/24", "192.168.1.128/25")},
			want: []errText{{"mappings.subnets[1].dst_cidr", "192.168.1.128/25", "overlaps the destination of another remap (10.0.1.0/24 -> 192.168.0.0/23)"}}},
		{name: "overlapping destinations of subnets on one router are reported twice",
			m: Mappings{Subnets: remaps("10.0.1.0/24", "192.168.10.0/24", "10.0.2.0/24", "192.168.10.0/24")},
			want: []errText{
				{"mappings.subnets[1].dst_cidr", "192.168.10.0/24", "overlaps the destination of another remap (10.0.1.0/24 -> 192.168.10.0/24)"},
				{"mappings.subnets[0].dst_cidr", "192.168.10.0/24", `router "main" would be attached to overlapping subnets 192.168.10.0/24 and 192.168.10.0/24`},
			}},
		{name: "remap onto a CIDR overlapping another subnet on the same router",
			m:    Mappings{Subnets: remaps("10.0.1.0/24", "10.0.2.0/25")},
			want: []errText{{"mappings.subnets[0].dst_cidr", "10.0.2.0/25", `router "main" would be attached to overlapping subnets 10.0.2.0/24 and 10.0.2.0/25`}}},
		{name: "remap onto a CIDR containing another subnet on the same router",
			m: Mappings{Subnets: remaps("10.0.3.0/24", "10.0.0.0/16")},
			want: []errText{
				{"mappings.subnets[0].dst_cidr", "10.0.0.0/16", `router "main" would be attached to overlapping subnets 10.0.2.0/24 and 10.0.0.0/16`},
				{"mappings.subnets[0].dst_cidr", "10.0.0.0/16", `router "main" would be attached to overlapping subnets 10.0.0.0/16 and 10.0.1.0/24`},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := threeTier()
			if tt.mutate != nil {
				tt.mutate(snap)
			}
			assertEqual(t, "errors", errTexts(mustFail(t, snap, tt.m, baseFacts())), tt.want)
		})
	}
}

func TestSourceAndDestinationValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Snapshot)
		facts  func(*Facts)
		m      Mappings
		want   []errKey
	}{
		{name: "no quotas", mutate: func(s *Snapshot) { s.Quotas = Quotas{} }, want: []errKey{{"src_resource", fxProject}}},
		{name: "empty quota maps", mutate: func(s *Snapshot) {
			s.Quotas = Quotas{Compute: map[string]int{}, Network: map[string]int{}, Volume: map[string]int{}}
		},
			want: []errKey{{"src_resource", fxProject}}},
		{name: "may not create projects", facts: func(f *Facts) { f.CanCreateProjects = false }, want: []errKey{{"dst_offering", "admin"}}},
		{name: "sync_instance_ports with a subnet remap", m: Mappings{SyncInstancePorts: true, Subnets: remaps("10.0.1.0/24", "192.168.10.0/24")},
			want: []errKey{{"mappings.sync_instance_ports", "true"}}},
		{name: "a foreign network", m: Mappings{Networks: []string{fxNetWeb, "net-of-another-tenant"}},
			want: []errKey{{"mappings.networks[1]", "net-of-another-tenant"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap, facts := threeTier(), baseFacts()
			if tt.mutate != nil {
				tt.mutate(snap)
			}
			if tt.facts != nil {
				tt.facts(&facts)
			}
			errs := mustFail(t, snap, tt.m, facts)
			assertEqual(t, "errors", errKeys(errs), tt.want)
			for _, e := range errs {
				if e.Message == "" || !strings.HasPrefix(e.Error(), e.Attribute.String()+" = ") {
					t.Errorf("diagnostic %q does not name the attribute and value", e.Error())
				}
			}
		})
	}
	// and the messages, once
	errs := mustFail(t, &Snapshot{Project: openstack.Project{ID: "p1"}}, Mappings{SyncInstancePorts: true, Subnets: remaps("10.0.1.0/24", "192.168.1.0/24"), Networks: []string{"n1"}}, Facts{User: "bob"})
	assertEqual(t, "messages", errTexts(errs), []errText{
		{"src_resource", "p1", "the source tenant has no quota limits set"},
		{"dst_offering", "bob", "the destination credentials may not create projects, users and quotas (the admin role is needed)"},
		{"mappings.sync_instance_ports", "true", "cannot be used together with mappings.subnets: copied ports keep their fixed IPs, which would not fit remapped subnets"},
		{"mappings.networks[0]", "n1", `is not a network of the source tenant "p1"`},
		{"mappings.subnets[0].src_cidr", "10.0.1.0/24", "matches no subnet of the copied source networks"},
	})
}

func TestAllErrorsAtOnce(t *testing.T) {
	snap := threeTier()
	snap.Quotas = Quotas{}
	facts := baseFacts()
	facts.CanCreateProjects = false
	m := Mappings{
		Networks:          []string{fxNetWeb, "net-x"},
		Subnets:           remaps("10.0.1.0/24", "8.8.8.0/24", "10.0.1.0/24", "192.168.1.0/24", "10.0.7.0/24", "bad"),
		VolumeTypes:       []VolumeTypeMap{{"vt-x", fxDVTFst}, {fxVTSSD, "dvt-x"}},
		SyncInstancePorts: true,
	}
	errs := mustFail(t, snap, m, facts)
	assertEqual(t, "errors", errKeys(errs), []errKey{
		{"src_resource", fxProject},
		{"dst_offering", "admin"},
		{"mappings.sync_instance_ports", "true"},
		{"mappings.networks[1]", "net-x"},
		{"mappings.subnets[0].dst_cidr", "8.8.8.0/24"},
		{"mappings.subnets[1].src_cidr", "10.0.1.0/24"}, // already remapped by [0], even though [0] is invalid
		{"mappings.subnets[2].dst_cidr", "bad"},
		{"mappings.volume_types[0].src_type_uuid", "vt-x"},
		{"mappings.volume_types[1].dst_type_uuid", "dvt-x"},
	})
	if n := strings.Count(errs.Error(), "; "); n != len(errs)-1 {
		t.Errorf("Error() joins %d messages, want %d: %s", n+1, len(errs), errs.Error())
	}
}

// ---- network selection --------------------------------------------------------------------------------

func TestNetworkSelection(t *testing.T) {
	p := mustPlan(t, threeTier(), Mappings{Networks: []string{fxNetWeb, fxNetApp}, SyncInstancePorts: true}, baseFacts())
	var nets, subs, ports []string
	for _, n := range p.Networks {
		nets = append(nets, n.SourceID)
	}
	for _, s := range p.Subnets {
		subs = append(subs, s.SourceID)
	}
	for _, pp := range p.Ports {
		ports = append(ports, pp.SourceID)
	}
	assertEqual(t, "networks", nets, []string{fxNetApp, fxNetWeb})
	assertEqual(t, "subnets", subs, []string{fxSubApp, fxSubWeb})
	assertEqual(t, "ports", ports, []string{"port-app-1", "port-web-1", "port-web-2", "port-web-vip"})
	r := routerPlan(t, p, fxRouter)
	assertEqual(t, "interfaces", r.Interfaces, []InterfacePlan{
		{SourcePortID: "port-ri-app", SubnetSourceID: fxSubApp, IPAddress: "10.0.2.254"},
		{SourcePortID: "port-ri-web", SubnetSourceID: fxSubWeb, IPAddress: "10.0.1.1", AtGateway: true},
	})
	assertEqual(t, "routes", r.Routes, []openstack.Route{{Destination: "10.0.1.64/26", NextHop: "10.0.1.20"}})
	assertEqual(t, "dropped", r.DroppedRoutes, []DroppedRoute{
		{Route: openstack.Route{Destination: "10.0.3.128/25", NextHop: "10.0.2.10"}, Reason: "destination 10.0.3.128/25 is not inside any copied subnet"},
		droppedOutside,
	})
	// security groups are tenant-wide: all copied
	if len(p.SecurityGroups) != 4 {
		t.Errorf("%d security groups, want 4", len(p.SecurityGroups))
	}
	assertEqual(t, "skipped", p.Skipped, []Skipped{
		{Kind: "network", SourceID: fxNetDB, Reason: "not selected in mappings.networks"},
		{Kind: "subnet", SourceID: fxSubDB, Reason: "network net-db is not copied"},
		{Kind: "router_interface", SourceID: "port-ri-db", Reason: "subnet sub-db is not copied"},
		{Kind: "security_group_rule", SourceID: "r-db-monitor", Reason: ruleForeign},
		{Kind: "port", SourceID: "port-db-1", Reason: "network net-db is not copied"},
		{Kind: "port", SourceID: "port-db-vip", Reason: "network net-db is not copied"},
		{Kind: "port", SourceID: "port-lb", Reason: `neither an instance port nor a free VIP port (device_owner "Octavia", status ACTIVE)`},
	})
}

func TestExternalNetworkOfTheTenantIsNotCopied(t *testing.T) {
	for _, m := range []Mappings{{}, {Networks: []string{fxNetWeb, "net-ext"}}} {
		snap := threeTier()
		snap.Networks = append(snap.Networks, openstack.Network{ID: "net-ext", Name: "provider", External: true, AdminStateUp: true})
		snap.Subnets = append(snap.Subnets, openstack.Subnet{ID: "sub-ext", NetworkID: "net-ext", Name: "provider-v4", IPVersion: 4, CIDR: "203.0.113.0/24"})
		p := mustPlan(t, snap, m, baseFacts())
		for _, n := range p.Networks {
			if n.SourceID == "net-ext" {
				t.Errorf("%+v: external network planned", m)
			}
		}
		assertEqual(t, "skipped", skippedOf(p, "network")[len(skippedOf(p, "network"))-1],
			Skipped{Kind: "network", SourceID: "net-ext", Reason: "external network: provider infrastructure, not tenant data"})
		assertEqual(t, "skipped subnet", skippedOf(p, "subnet")[len(skippedOf(p, "subnet"))-1],
			Skipped{Kind: "subnet", SourceID: "sub-ext", Reason: "network net-ext is not copied"})
	}
}

// ---- determinism --------------------------------------------------------------------------------------

func TestBuildPlanIsDeterministic(t *testing.T) {
	cases := []struct {
		name string
		snap func() *Snapshot
		m    Mappings
	}{
		{"three-tier with ports", threeTier, Mappings{SyncInstancePorts: true, VolumeTypes: []VolumeTypeMap{{fxVTSSD, fxDVTFst}, {fxVTHDD, fxDVTFst}}}},
		{"three-tier with remaps", threeTier, Mappings{Subnets: remaps("10.0.2.0/24", "192.168.20.0/26", "10.0.3.0/24", "172.16.3.0/24")}},
		{"three-tier with a selection", threeTier, Mappings{Networks: []string{fxNetApp, fxNetWeb}, SyncInstancePorts: true}},
		{"big tenant", bigTenant, Mappings{SyncInstancePorts: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := deepCopy(t, c.snap())
			first := mustPlan(t, base, c.m, baseFacts())
			again := mustPlan(t, base, c.m, baseFacts())
			if !reflect.DeepEqual(first, again) {
				t.Fatal("two runs on the same snapshot differ")
			}
			want, _ := json.Marshal(first)
			for seed := int64(1); seed <= 5; seed++ {
				got := mustPlan(t, shuffled(t, base, seed), c.m, baseFacts())
				if !reflect.DeepEqual(first, got) {
					g, _ := json.Marshal(got)
					t.Fatalf("seed %d: plan of the shuffled snapshot differs:\n got: %s\nwant: %s", seed, g, want)
				}
			}
		})
	}
	// error lists are deterministic too
	m := Mappings{Subnets: remaps("10.0.1.0/24", "192.168.0.0/23", "10.0.2.0/24", "192.168.1.0/24", "10.0.3.0/24", "8.8.8.0/24")}
	first := mustFail(t, threeTier(), m, baseFacts())
	for seed := int64(1); seed <= 5; seed++ {
		assertEqual(t, "errors of a shuffled snapshot", mustFail(t, shuffled(t, threeTier(), seed), m, baseFacts()), first)
	}
}

func TestBigTenantPlan(t *testing.T) {
	p := mustPlan(t, bigTenant(), Mappings{SyncInstancePorts: true}, baseFacts())
	assertEqual(t, "counts", p.Counts(), map[string]int{
		"networks": 100, "subnets": 100, "routers": 20, "router_interfaces": 100, "routes": 80,
		"security_groups": 300, "security_group_rules": 6000, "address_groups": 0, "ports": 3000, "floating_ips": 0, "server_groups": 0,
	})
	if len(p.Skipped) != 0 {
		t.Errorf("skipped: %+v", p.Skipped[:min(len(p.Skipped), 5)])
	}
	vips := 0
	for _, pp := range p.Ports {
		if pp.Kind == "vip" {
			vips++
		}
	}
	if vips != 300 {
		t.Errorf("%d VIP ports, want 300", vips)
	}
	if !slices.IsSortedFunc(p.Networks, func(a, b NetworkPlan) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("networks not sorted by name")
	}
}

// BenchmarkBuildPlan plans a tenant of about 10,000 objects (100 networks and subnets, 20 routers with 100
// interfaces and 80 routes, 300 groups, 6,000 rules, 3,000 ports, plus router interface ports).
func BenchmarkBuildPlan(b *testing.B) {
	snap := bigTenant()
	m := Mappings{SyncInstancePorts: true, VolumeTypes: []VolumeTypeMap{{fxVTSSD, fxDVTFst}}}
	facts := baseFacts()
	if _, err := BuildPlan(snap, m, facts, Target{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildPlan(snap, m, facts, Target{}); err != nil {
			b.Fatal(err)
		}
	}
}
