package replication

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"net/netip"
	"reflect"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

// The fixture is a realistic, synthetic three-tier source tenant ("shop-prod"):
//
//   - networks web, app and db with subnets 10.0.1.0/24, 10.0.2.0/24 and 10.0.3.0/24 (allocation pools,
//     DNS servers, host routes);
//   - router "main" attached to all three subnets (the app interface at 10.0.2.254, not at the gateway),
//     with an external gateway and three static routes, one of which cannot be kept;
//   - security groups default/web/app/db whose rules reference each other and themselves, one rule
//     referencing a group of another tenant, rules with remote CIDRs inside the subnets;
//   - instance ports, free VIP ports, router interface, router gateway and DHCP ports, and one port that
//     is neither an instance nor a VIP port;
//   - compute, network and volume quotas with per-type keys for the source volume types "ssd" and "hdd".
//
// Ids are readable on purpose: the tests assert exact values.

const (
	fxProject = "proj-shop"

	fxNetWeb = "net-web"
	fxNetApp = "net-app"
	fxNetDB  = "net-db"

	fxSubWeb = "sub-web"
	fxSubApp = "sub-app"
	fxSubDB  = "sub-db"

	fxRouter    = "rtr-main"
	fxSrcExtNet = "src-ext-net"
	fxDstExtNet = "dst-ext-net"

	fxSGDefault = "sg-default"
	fxSGWeb     = "sg-web"
	fxSGApp     = "sg-app"
	fxSGDB      = "sg-db"
	fxSGForeign = "sg-other-tenant-monitoring"

	fxVTSSD  = "vt-ssd"
	fxVTHDD  = "vt-hdd"
	fxDVTSSD = "dvt-ssd"
	fxDVTHDD = "dvt-hdd"
	fxDVTFst = "dvt-fast"
)

func ptr[T any](v T) *T { return &v }

// threeTier returns a fresh copy of the fixture snapshot; tests may modify it freely.
func threeTier() *Snapshot {
	yes := ptr(true)
	return &Snapshot{
		Project: openstack.Project{ID: fxProject, Name: "shop-prod", Description: "Three-tier web shop, production", DomainID: "default", Enabled: true},
		Networks: []openstack.Network{
			{ID: fxNetWeb, ProjectID: fxProject, Name: "web", Description: "public-facing tier", AdminStateUp: true, MTU: 1450, PortSecurityEnabled: yes},
			{ID: fxNetApp, ProjectID: fxProject, Name: "app", Description: "application tier", AdminStateUp: true, MTU: 1450, PortSecurityEnabled: yes},
			{ID: fxNetDB, ProjectID: fxProject, Name: "db", Description: "database tier", AdminStateUp: true, MTU: 9000, PortSecurityEnabled: ptr(false)},
		},
		Subnets: []openstack.Subnet{
			{
				ID: fxSubWeb, ProjectID: fxProject, NetworkID: fxNetWeb, Name: "web-v4", Description: "web hosts",
				IPVersion: 4, CIDR: "10.0.1.0/24", GatewayIP: ptr("10.0.1.1"),
				AllocationPools: []openstack.AllocationPool{{Start: "10.0.1.10", End: "10.0.1.99"}, {Start: "10.0.1.150", End: "10.0.1.199"}},
				DNSNameservers:  []string{"10.0.3.53", "1.1.1.1"},
				HostRoutes: []openstack.HostRoute{
					{Destination: "10.20.0.0/16", NextHop: "10.0.1.5"},    // next hop inside the subnet: moves with it
					{Destination: "10.0.3.0/24", NextHop: "10.0.1.1"},     // destination is the db subnet
					{Destination: "172.31.0.0/16", NextHop: "10.0.1.254"}, // a next hop near the end of the range
				},
				EnableDHCP: true,
			},
			{
				ID: fxSubApp, ProjectID: fxProject, NetworkID: fxNetApp, Name: "app-v4", Description: "app hosts",
				IPVersion: 4, CIDR: "10.0.2.0/24", GatewayIP: ptr("10.0.2.1"),
				AllocationPools: []openstack.AllocationPool{{Start: "10.0.2.100", End: "10.0.2.200"}},
				DNSNameservers:  []string{"10.0.3.53"},
				HostRoutes:      []openstack.HostRoute{{Destination: "10.30.0.0/16", NextHop: "10.0.2.250"}},
				EnableDHCP:      true,
			},
			{
				ID: fxSubDB, ProjectID: fxProject, NetworkID: fxNetDB, Name: "db-v4", Description: "database hosts",
				IPVersion: 4, CIDR: "10.0.3.0/24", GatewayIP: ptr("10.0.3.1"),
				AllocationPools: []openstack.AllocationPool{{Start: "10.0.3.2", End: "10.0.3.254"}},
				DNSNameservers:  []string{},
				HostRoutes:      []openstack.HostRoute{},
				EnableDHCP:      false,
			},
		},
		Routers: []openstack.Router{{
			ID: fxRouter, ProjectID: fxProject, Name: "main", Description: "edge router", AdminStateUp: true,
			ExternalGateway: &openstack.GatewayInfo{NetworkID: fxSrcExtNet, EnableSNAT: ptr(true)},
			Routes: []openstack.Route{
				{Destination: "10.0.3.128/25", NextHop: "10.0.2.10"}, // kept: inside db, hop on app
				{Destination: "10.0.1.64/26", NextHop: "10.0.1.20"},  // kept: inside web, hop on web
				{Destination: "172.16.50.0/24", NextHop: "10.0.3.5"}, // dropped: outside every copied subnet
			},
		}},
		Ports: []openstack.Port{
			// router interfaces: web and db at the gateway, app at .254
			routerPort("port-ri-web", fxNetWeb, fxSubWeb, "10.0.1.1", "fa:16:3e:aa:00:01"),
			routerPort("port-ri-app", fxNetApp, fxSubApp, "10.0.2.254", "fa:16:3e:aa:00:02"),
			routerPort("port-ri-db", fxNetDB, fxSubDB, "10.0.3.1", "fa:16:3e:aa:00:03"),
			{ID: "port-rgw", ProjectID: "", NetworkID: fxSrcExtNet, AdminStateUp: true, Status: "ACTIVE", MACAddress: "fa:16:3e:aa:00:04",
				FixedIPs: []openstack.FixedIP{{SubnetID: "src-ext-subnet", IPAddress: "203.0.113.10"}}, DeviceID: fxRouter,
				DeviceOwner: "network:router_gateway", SecurityGroups: []string{}},
			{ID: "port-dhcp-web", ProjectID: fxProject, NetworkID: fxNetWeb, AdminStateUp: true, Status: "ACTIVE", MACAddress: "fa:16:3e:aa:00:05",
				FixedIPs: []openstack.FixedIP{{SubnetID: fxSubWeb, IPAddress: "10.0.1.2"}}, DeviceID: "dhcp-web", DeviceOwner: "network:dhcp",
				SecurityGroups: []string{}},
			// instance ports
			instancePort("port-web-1", "web-1-eth0", fxNetWeb, fxSubWeb, "10.0.1.11", "fa:16:3e:01:01:01", "vm-web-1", fxSGWeb, fxSGDefault),
			instancePort("port-web-2", "web-2-eth0", fxNetWeb, fxSubWeb, "10.0.1.12", "fa:16:3e:01:01:02", "vm-web-2", fxSGDefault, fxSGWeb),
			instancePort("port-app-1", "app-1-eth0", fxNetApp, fxSubApp, "10.0.2.11", "fa:16:3e:01:02:01", "vm-app-1", fxSGApp),
			instancePort("port-db-1", "db-1-eth0", fxNetDB, fxSubDB, "10.0.3.11", "fa:16:3e:01:03:01", "vm-db-1", fxSGDB, fxSGForeign),
			// free VIP ports
			{ID: "port-web-vip", ProjectID: fxProject, NetworkID: fxNetWeb, Name: "web-vip", Description: "keepalived VIP",
				AdminStateUp: true, Status: "DOWN", MACAddress: "fa:16:3e:02:01:01",
				FixedIPs:    []openstack.FixedIP{{SubnetID: fxSubWeb, IPAddress: "10.0.1.250"}},
				DeviceOwner: "compute:nova", SecurityGroups: []string{fxSGWeb}},
			{ID: "port-db-vip", ProjectID: fxProject, NetworkID: fxNetDB, Name: "db-vip", Description: "patroni VIP",
				AdminStateUp: true, Status: "DOWN", MACAddress: "fa:16:3e:02:03:01",
				FixedIPs:    []openstack.FixedIP{{SubnetID: fxSubDB, IPAddress: "10.0.3.250"}},
				DeviceOwner: "compute:nova", SecurityGroups: []string{fxSGDB}},
			// neither: a load balancer's port
			{ID: "port-lb", ProjectID: fxProject, NetworkID: fxNetApp, Name: "octavia-lb-vip", AdminStateUp: true, Status: "ACTIVE",
				MACAddress: "fa:16:3e:03:02:01", FixedIPs: []openstack.FixedIP{{SubnetID: fxSubApp, IPAddress: "10.0.2.50"}},
				DeviceID: "lb-1", DeviceOwner: "Octavia", SecurityGroups: []string{fxSGApp}},
		},
		SecurityGroups: []openstack.SecurityGroup{
			{ID: fxSGDefault, ProjectID: fxProject, Name: "default", Description: "Default security group"},
			{ID: fxSGWeb, ProjectID: fxProject, Name: "web", Description: "web servers"},
			{ID: fxSGApp, ProjectID: fxProject, Name: "app", Description: "application servers"},
			{ID: fxSGDB, ProjectID: fxProject, Name: "db", Description: "database servers"},
		},
		Rules: []openstack.SecurityGroupRule{
			// default: the rules Neutron creates
			rule("r-def-eg4", fxSGDefault, "egress", "IPv4", "", nil, nil, "", ""),
			rule("r-def-eg6", fxSGDefault, "egress", "IPv6", "", nil, nil, "", ""),
			rule("r-def-in4", fxSGDefault, "ingress", "IPv4", "", nil, nil, "", fxSGDefault),
			rule("r-def-in6", fxSGDefault, "ingress", "IPv6", "", nil, nil, "", fxSGDefault),
			// web
			rule("r-web-https", fxSGWeb, "ingress", "IPv4", "tcp", ptr(443), ptr(443), "0.0.0.0/0", ""),
			rule("r-web-http", fxSGWeb, "ingress", "IPv4", "tcp", ptr(80), ptr(80), "0.0.0.0/0", ""),
			rule("r-web-ssh", fxSGWeb, "ingress", "IPv4", "tcp", ptr(22), ptr(22), "10.0.1.10/32", ""), // bastion on web
			rule("r-web-echo", fxSGWeb, "ingress", "IPv4", "icmp", ptr(0), nil, "10.0.0.0/16", ""),
			rule("r-web-eg", fxSGWeb, "egress", "IPv4", "", nil, nil, "", ""),
			// app
			rule("r-app-from-web", fxSGApp, "ingress", "IPv4", "tcp", ptr(8080), ptr(8080), "", fxSGWeb),
			rule("r-app-cluster", fxSGApp, "ingress", "IPv4", "tcp", ptr(5701), ptr(5703), "", fxSGApp),
			rule("r-app-metrics", fxSGApp, "ingress", "IPv4", "tcp", ptr(9100), ptr(9100), "10.0.1.0/24", ""),
			rule("r-app-eg", fxSGApp, "egress", "IPv4", "", nil, nil, "", ""),
			// db
			rule("r-db-from-app", fxSGDB, "ingress", "IPv4", "tcp", ptr(5432), ptr(5432), "", fxSGApp),
			rule("r-db-repl", fxSGDB, "ingress", "IPv4", "tcp", ptr(5432), ptr(5432), "10.0.3.128/25", ""),
			rule("r-db-admin", fxSGDB, "ingress", "IPv4", "tcp", ptr(22), ptr(22), "", fxSGDefault),
			rule("r-db-monitor", fxSGDB, "ingress", "IPv4", "tcp", ptr(9187), ptr(9187), "", fxSGForeign),
			rule("r-db-eg", fxSGDB, "egress", "IPv4", "", nil, nil, "", ""),
		},
		Quotas: Quotas{
			Compute: map[string]int{"cores": 64, "ram": 131072, "instances": 20, "key_pairs": 10, "server_groups": 10, "server_group_members": 10},
			Network: map[string]int{"network": 10, "subnet": 20, "port": 200, "router": 4, "security_group": 20, "security_group_rule": 200, "floatingip": 10},
			Volume: map[string]int{
				"volumes": 50, "snapshots": 50, "gigabytes": 2000, "backups": 10, "backup_gigabytes": 1000, "per_volume_gigabytes": -1,
				"gigabytes_ssd": 100, "volumes_ssd": 10, "snapshots_ssd": -1,
				"gigabytes_hdd": 50, "volumes_hdd": 20, "snapshots_hdd": 5,
			},
		},
		VolumeTypes: []openstack.VolumeType{
			{ID: fxVTSSD, Name: "ssd", Description: "NVMe", IsPublic: true},
			{ID: fxVTHDD, Name: "hdd", Description: "spinning", IsPublic: true},
		},
	}
}

// baseFacts is a destination with an external network, types ssd/hdd/fast, and admin credentials.
func baseFacts() Facts {
	return Facts{
		ExternalNetworkID: fxDstExtNet,
		VolumeTypes: []openstack.VolumeType{
			{ID: fxDVTSSD, Name: "ssd", IsPublic: true},
			{ID: fxDVTHDD, Name: "hdd", IsPublic: true},
			{ID: fxDVTFst, Name: "fast", IsPublic: true},
		},
		CanCreateProjects: true,
		User:              "admin",
	}
}

func routerPort(id, network, subnet, ip, mac string) openstack.Port {
	return openstack.Port{ID: id, ProjectID: fxProject, NetworkID: network, AdminStateUp: true, Status: "ACTIVE", MACAddress: mac,
		FixedIPs: []openstack.FixedIP{{SubnetID: subnet, IPAddress: ip}}, DeviceID: fxRouter,
		DeviceOwner: "network:router_interface", SecurityGroups: []string{}}
}

func instancePort(id, name, network, subnet, ip, mac, device string, groups ...string) openstack.Port {
	return openstack.Port{ID: id, ProjectID: fxProject, NetworkID: network, Name: name, AdminStateUp: true, Status: "ACTIVE",
		MACAddress: mac, FixedIPs: []openstack.FixedIP{{SubnetID: subnet, IPAddress: ip}}, DeviceID: device,
		DeviceOwner: "compute:nova", SecurityGroups: groups, PortSecurityEnabled: ptr(true),
		AllowedAddressPairs: []openstack.AddressPair{{IPAddress: "10.0.1.250"}}}
}

func rule(id, group, direction, ethertype, protocol string, portMin, portMax *int, remoteIP, remoteGroup string) openstack.SecurityGroupRule {
	return openstack.SecurityGroupRule{ID: id, ProjectID: fxProject, SecurityGroupID: group, Direction: direction, EtherType: ethertype,
		Protocol: protocol, PortRangeMin: portMin, PortRangeMax: portMax, RemoteIPPrefix: remoteIP, RemoteGroupID: remoteGroup}
}

// shuffled returns a deep copy of snap with every top-level list in a random order.
func shuffled(t testing.TB, snap *Snapshot, seed int64) *Snapshot {
	t.Helper()
	out := deepCopy(t, snap)
	r := rand.New(rand.NewSource(seed))
	shuffle := func(n int, swap func(i, j int)) { r.Shuffle(n, swap) }
	shuffle(len(out.Networks), func(i, j int) { out.Networks[i], out.Networks[j] = out.Networks[j], out.Networks[i] })
	shuffle(len(out.Subnets), func(i, j int) { out.Subnets[i], out.Subnets[j] = out.Subnets[j], out.Subnets[i] })
	shuffle(len(out.Routers), func(i, j int) { out.Routers[i], out.Routers[j] = out.Routers[j], out.Routers[i] })
	shuffle(len(out.Ports), func(i, j int) { out.Ports[i], out.Ports[j] = out.Ports[j], out.Ports[i] })
	shuffle(len(out.SecurityGroups), func(i, j int) {
		out.SecurityGroups[i], out.SecurityGroups[j] = out.SecurityGroups[j], out.SecurityGroups[i]
	})
	shuffle(len(out.Rules), func(i, j int) { out.Rules[i], out.Rules[j] = out.Rules[j], out.Rules[i] })
	shuffle(len(out.VolumeTypes), func(i, j int) { out.VolumeTypes[i], out.VolumeTypes[j] = out.VolumeTypes[j], out.VolumeTypes[i] })
	return out
}

// deepCopy copies a snapshot through JSON (every field of the snapshot types is exported and tagged).
func deepCopy(t testing.TB, snap *Snapshot) *Snapshot {
	t.Helper()
	b, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	var out Snapshot
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// bigTenant is a synthetic tenant of about 10,000 objects for the benchmark: 100 networks with one /24
// subnet each, 20 routers each attached to 5 subnets with 4 static routes, 300 security groups with 20
// rules each (a third referencing another group), and 3,000 instance and VIP ports.
func bigTenant() *Snapshot {
	s := &Snapshot{
		Project: openstack.Project{ID: "proj-big", Name: "big", Enabled: true},
		Quotas: Quotas{
			Compute: map[string]int{"cores": 1000, "ram": 4096000, "instances": 500},
			Network: map[string]int{"network": 200, "subnet": 200, "port": 5000, "router": 40, "security_group": 400, "security_group_rule": 8000},
			Volume:  map[string]int{"gigabytes": 100000, "gigabytes_ssd": 20000, "volumes_ssd": 200, "gigabytes_hdd": -1},
		},
		VolumeTypes: []openstack.VolumeType{{ID: fxVTSSD, Name: "ssd"}, {ID: fxVTHDD, Name: "hdd"}},
	}
	for i := range 100 {
		net, sub := fmt.Sprintf("net-%03d", i), fmt.Sprintf("sub-%03d", i)
		s.Networks = append(s.Networks, openstack.Network{ID: net, Name: fmt.Sprintf("tier-%03d", i), AdminStateUp: true, MTU: 1450})
		s.Subnets = append(s.Subnets, openstack.Subnet{
			ID: sub, NetworkID: net, Name: fmt.Sprintf("tier-%03d-v4", i), IPVersion: 4,
			CIDR: fmt.Sprintf("10.%d.%d.0/24", i/100, i%100), GatewayIP: ptr(fmt.Sprintf("10.%d.%d.1", i/100, i%100)),
			AllocationPools: []openstack.AllocationPool{{Start: fmt.Sprintf("10.%d.%d.2", i/100, i%100), End: fmt.Sprintf("10.%d.%d.254", i/100, i%100)}},
			DNSNameservers:  []string{"1.1.1.1"}, HostRoutes: []openstack.HostRoute{}, EnableDHCP: true,
		})
	}
	for r := range 20 {
		id := fmt.Sprintf("rtr-%02d", r)
		router := openstack.Router{ID: id, Name: id, AdminStateUp: true, ExternalGateway: &openstack.GatewayInfo{NetworkID: "ext"}}
		for k := range 5 {
			i := r*5 + k
			s.Ports = append(s.Ports, openstack.Port{ID: fmt.Sprintf("ri-%03d", i), NetworkID: fmt.Sprintf("net-%03d", i),
				FixedIPs: []openstack.FixedIP{{SubnetID: fmt.Sprintf("sub-%03d", i), IPAddress: fmt.Sprintf("10.0.%d.1", i)}},
				DeviceID: id, DeviceOwner: "network:router_interface", AdminStateUp: true, Status: "ACTIVE"})
			router.Routes = append(router.Routes, openstack.Route{Destination: fmt.Sprintf("10.0.%d.128/25", i), NextHop: fmt.Sprintf("10.0.%d.5", i)})
		}
		router.Routes = router.Routes[:4]
		s.Routers = append(s.Routers, router)
	}
	for g := range 300 {
		gid := fmt.Sprintf("sg-%03d", g)
		name := fmt.Sprintf("group-%03d", g)
		if g == 0 {
			name = "default"
		}
		s.SecurityGroups = append(s.SecurityGroups, openstack.SecurityGroup{ID: gid, Name: name})
		for k := range 20 {
			r := rule(fmt.Sprintf("r-%03d-%02d", g, k), gid, "ingress", "IPv4", "tcp", ptr(1000+k), ptr(1000+k), "", "")
			if k%3 == 0 {
				r.RemoteGroupID = fmt.Sprintf("sg-%03d", (g+k)%300)
			} else {
				r.RemoteIPPrefix = fmt.Sprintf("10.0.%d.0/24", (g+k)%100)
			}
			s.Rules = append(s.Rules, r)
		}
	}
	for p := range 3000 {
		i := p % 100
		port := openstack.Port{ID: fmt.Sprintf("port-%04d", p), NetworkID: fmt.Sprintf("net-%03d", i), Name: fmt.Sprintf("vm-%04d-eth0", p),
			AdminStateUp: true, Status: "ACTIVE", MACAddress: fmt.Sprintf("fa:16:3e:00:%02x:%02x", p/256, p%256),
			FixedIPs: []openstack.FixedIP{{SubnetID: fmt.Sprintf("sub-%03d", i), IPAddress: fmt.Sprintf("10.0.%d.%d", i, 10+p/100)}},
			DeviceID: fmt.Sprintf("vm-%04d", p), DeviceOwner: "compute:nova",
			SecurityGroups: []string{fmt.Sprintf("sg-%03d", p%300), "sg-000"}}
		if p%10 == 0 {
			port.DeviceID, port.Status = "", "DOWN"
		}
		s.Ports = append(s.Ports, port)
	}
	return s
}

// ---- helpers ------------------------------------------------------------------------------------------

func mustPlan(t testing.TB, snap *Snapshot, m Mappings, facts Facts) *Plan {
	t.Helper()
	p, err := BuildPlan(snap, m, facts, Target{})
	if err != nil {
		t.Fatalf("BuildPlan: unexpected error: %v", err)
	}
	if p == nil {
		t.Fatal("BuildPlan returned neither a plan nor an error")
	}
	return p
}

func mustFail(t testing.TB, snap *Snapshot, m Mappings, facts Facts) ValidationErrors {
	t.Helper()
	p, err := BuildPlan(snap, m, facts, Target{})
	if err == nil {
		t.Fatalf("BuildPlan: expected validation errors, got a plan")
	}
	if p != nil {
		t.Errorf("BuildPlan returned a plan together with errors")
	}
	var errs ValidationErrors
	if !errors.As(err, &errs) {
		t.Fatalf("BuildPlan error is %T, want ValidationErrors: %v", err, err)
	}
	return errs
}

func assertEqual(t testing.TB, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("%s:\n got: %s\nwant: %s", what, g, w)
	}
}

// errKey is an error without its message, for comparing where and what.
type errKey struct{ Attribute, Value string }

func errKeys(errs ValidationErrors) []errKey {
	out := make([]errKey, len(errs))
	for i, e := range errs {
		out[i] = errKey{e.Attribute.String(), e.Value}
	}
	return out
}

// errText is an error with its path as the user reads it, for comparing the exact text.
type errText struct{ Attribute, Value, Message string }

func errTexts(errs ValidationErrors) []errText {
	out := make([]errText, len(errs))
	for i, e := range errs {
		out[i] = errText{e.Attribute.String(), e.Value, e.Message}
	}
	return out
}

func subnetPlan(t testing.TB, p *Plan, id string) SubnetPlan {
	t.Helper()
	for _, s := range p.Subnets {
		if s.SourceID == id {
			return s
		}
	}
	t.Fatalf("subnet %s not in plan", id)
	return SubnetPlan{}
}

func routerPlan(t testing.TB, p *Plan, id string) RouterPlan {
	t.Helper()
	for _, r := range p.Routers {
		if r.SourceID == id {
			return r
		}
	}
	t.Fatalf("router %s not in plan", id)
	return RouterPlan{}
}

func rulePlan(p *Plan, id string) (RulePlan, bool) {
	for _, r := range p.Rules {
		if r.SourceID == id {
			return r, true
		}
	}
	return RulePlan{}, false
}

func skippedOf(p *Plan, kind string) []Skipped {
	var out []Skipped
	for _, s := range p.Skipped {
		if s.Kind == kind {
			out = append(out, s)
		}
	}
	return out
}

func subnetByID(s *Snapshot, id string) *openstack.Subnet {
	for i := range s.Subnets {
		if s.Subnets[i].ID == id {
			return &s.Subnets[i]
		}
	}
	panic("no subnet " + id)
}

func remaps(pairs ...string) []SubnetRemap {
	var out []SubnetRemap
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, SubnetRemap{SrcCIDR: pairs[i], DstCIDR: pairs[i+1]})
	}
	return out
}

func pools(pairs ...string) []openstack.AllocationPool {
	out := []openstack.AllocationPool{}
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, openstack.AllocationPool{Start: pairs[i], End: pairs[i+1]})
	}
	return out
}

const (
	reasonOutside = "destination 172.16.50.0/24 is not inside any copied subnet"
	ruleForeign   = "remote group sg-other-tenant-monitoring is not a group of the source tenant"
)

var droppedOutside = DroppedRoute{Route: openstack.Route{Destination: "172.16.50.0/24", NextHop: "10.0.3.5"}, Reason: reasonOutside}

var (
	mpfx = netip.MustParsePrefix
	madr = netip.MustParseAddr
)
