package replication

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

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

// ---- the fixture as is -------------------------------------------------------------------------------

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
		"security_groups": 4, "security_group_rules": 17, "address_groups": 0, "ports": 0,
	})
	assertEqual(t, "quotas", p.Quotas, Quotas{
		Compute: map[string]int{"cores": 64, "ram": 131072, "instances": 20, "key_pairs": 10, "server_groups": 10, "server_group_members": 10},
		Network: map[string]int{"network": 10, "subnet": 20, "port": 200, "router": 4, "security_group": 20, "security_group_rule": 200, "floatingip": 10},
		Volume: map[string]int{
			"volumes": 50, "snapshots": 50, "gigabytes": 2000, "backups": 10, "backup_gigabytes": 1000, "per_volume_gigabytes": -1,
			"gigabytes_ssd": 100, "volumes_ssd": 10, "snapshots_ssd": -1,
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

// ---- CIDR remaps --------------------------------------------------------------------------------------

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
					DNSNameservers:  []string{"10.0.3.53", "1.1.1.1"}, // name servers are not subnet addresses: kept
					HostRoutes: []openstack.HostRoute{
						{Destination: "10.20.0.0/16", NextHop: "192.168.10.5"},
						{Destination: "172.16.3.0/24", NextHop: "192.168.10.1"}, // destination is the remapped db subnet
						{Destination: "172.31.0.0/16", NextHop: "192.168.10.254"},
					}},
				fxSubApp: {CIDR: "192.168.20.0/24", SourceCIDR: "10.0.2.0/24", GatewayIP: ptr("192.168.20.1"),
					AllocationPools: pools("192.168.20.100", "192.168.20.200"), DNSNameservers: []string{"10.0.3.53"},
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
					DNSNameservers:  []string{"10.0.3.53", "1.1.1.1"},
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

// ---- static routes ------------------------------------------------------------------------------------

func TestRouterRoutes(t *testing.T) {
	tests := []struct {
		name        string
		routes      []openstack.Route
		m           Mappings
		wantRoutes  []openstack.Route
		wantDropped []DroppedRoute
	}{
		{
			name: "destination outside every copied subnet",
			routes: []openstack.Route{
				{Destination: "0.0.0.0/0", NextHop: "10.0.1.254"},
				{Destination: "10.0.0.0/16", NextHop: "10.0.1.254"}, // contains the subnets, but is not inside one
				{Destination: "10.0.2.0/24", NextHop: "10.0.1.254"}, // exactly a copied subnet: inside
			},
			wantRoutes: []openstack.Route{{Destination: "10.0.2.0/24", NextHop: "10.0.1.254"}},
			wantDropped: []DroppedRoute{
				{Route: openstack.Route{Destination: "0.0.0.0/0", NextHop: "10.0.1.254"}, Reason: "destination 0.0.0.0/0 is not inside any copied subnet"},
				{Route: openstack.Route{Destination: "10.0.0.0/16", NextHop: "10.0.1.254"}, Reason: "destination 10.0.0.0/16 is not inside any copied subnet"},
			},
		},
		{
			name: "next hop not on an attached subnet",
			routes: []openstack.Route{
				{Destination: "10.0.1.64/26", NextHop: "10.0.3.5"}, // db is not copied, so not attached
				{Destination: "10.0.1.64/26", NextHop: "10.0.9.5"}, // on no subnet at all
				{Destination: "10.0.1.128/26", NextHop: "10.0.2.5"},
			},
			m:          Mappings{Networks: []string{fxNetWeb, fxNetApp}},
			wantRoutes: []openstack.Route{{Destination: "10.0.1.128/26", NextHop: "10.0.2.5"}},
			wantDropped: []DroppedRoute{
				{Route: openstack.Route{Destination: "10.0.1.64/26", NextHop: "10.0.3.5"}, Reason: "next hop 10.0.3.5 is not on a subnet the router is attached to"},
				{Route: openstack.Route{Destination: "10.0.1.64/26", NextHop: "10.0.9.5"}, Reason: "next hop 10.0.9.5 is not on a subnet the router is attached to"},
			},
		},
		{
			name: "after a remap: moved when it fits, dropped when it does not",
			routes: []openstack.Route{
				{Destination: "10.0.3.0/26", NextHop: "10.0.2.10"},    // destination moves
				{Destination: "10.0.3.64/26", NextHop: "10.0.2.10"},   // offset 64 is beyond the /26
				{Destination: "10.0.1.0/25", NextHop: "10.0.3.20"},    // next hop moves
				{Destination: "10.0.1.0/25", NextHop: "10.0.3.200"},   // next hop beyond the /26
				{Destination: "10.0.3.0/24", NextHop: "10.0.1.7"},     // the whole remapped subnet
				{Destination: "192.168.30.0/27", NextHop: "10.0.1.7"}, // already in destination terms: inside
			},
			m: Mappings{Subnets: remaps("10.0.3.0/24", "192.168.30.0/26")},
			wantRoutes: []openstack.Route{
				{Destination: "192.168.30.0/26", NextHop: "10.0.2.10"},
				{Destination: "10.0.1.0/25", NextHop: "192.168.30.20"},
				{Destination: "192.168.30.0/26", NextHop: "10.0.1.7"},
				{Destination: "192.168.30.0/27", NextHop: "10.0.1.7"},
			},
			wantDropped: []DroppedRoute{
				{Route: openstack.Route{Destination: "10.0.3.64/26", NextHop: "10.0.2.10"}, Reason: "does not fit the remapped subnet"},
				{Route: openstack.Route{Destination: "10.0.1.0/25", NextHop: "10.0.3.200"}, Reason: "does not fit the remapped subnet"},
			},
		},
		{
			name: "not parseable",
			routes: []openstack.Route{
				{Destination: "10.0.1.0/24", NextHop: "router-1"},
				{Destination: "web", NextHop: "10.0.1.5"},
			},
			wantRoutes: []openstack.Route{},
			wantDropped: []DroppedRoute{
				{Route: openstack.Route{Destination: "10.0.1.0/24", NextHop: "router-1"}, Reason: "not a valid destination CIDR and next hop"},
				{Route: openstack.Route{Destination: "web", NextHop: "10.0.1.5"}, Reason: "not a valid destination CIDR and next hop"},
			},
		},
		{
			name:        "no routes",
			routes:      nil,
			wantRoutes:  []openstack.Route{},
			wantDropped: []DroppedRoute{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := threeTier()
			snap.Routers[0].Routes = tt.routes
			r := routerPlan(t, mustPlan(t, snap, tt.m, baseFacts()), fxRouter)
			assertEqual(t, "routes", r.Routes, tt.wantRoutes)
			assertEqual(t, "dropped", r.DroppedRoutes, tt.wantDropped)
		})
	}
}

func TestRouterGateway(t *testing.T) {
	tests := []struct {
		name        string
		m           Mappings
		facts       func(*Facts)
		mutate      func(*Snapshot)
		wantGateway bool
		wantSNAT    *bool
		wantSkipped []Skipped
	}{
		{name: "copied onto the destination's external network", wantGateway: true, wantSNAT: ptr(true)},
		{name: "skip_connection_extnet", m: Mappings{SkipConnectionExtnet: true},
			wantSkipped: []Skipped{{Kind: "router_gateway", SourceID: fxRouter, Reason: "mappings.skip_connection_extnet is set"}}},
		{name: "destination without an external network", facts: func(f *Facts) { f.ExternalNetworkID = "" },
			wantSkipped: []Skipped{{Kind: "router_gateway", SourceID: fxRouter, Reason: "the destination has no external network"}}},
		{name: "source router without a gateway", mutate: func(s *Snapshot) { s.Routers[0].ExternalGateway = nil }},
		{name: "SNAT left to the destination's default", mutate: func(s *Snapshot) { s.Routers[0].ExternalGateway.EnableSNAT = nil }, wantGateway: true},
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
			p := mustPlan(t, snap, tt.m, facts)
			r := routerPlan(t, p, fxRouter)
			if r.ExternalGateway != tt.wantGateway {
				t.Errorf("ExternalGateway = %v, want %v", r.ExternalGateway, tt.wantGateway)
			}
			assertEqual(t, "enable_snat", r.EnableSNAT, tt.wantSNAT)
			assertEqual(t, "skipped gateways", skippedOf(p, "router_gateway"), tt.wantSkipped)
			if len(r.Interfaces) != 3 || len(r.Routes) != 2 {
				t.Errorf("interfaces/routes changed: %d/%d", len(r.Interfaces), len(r.Routes))
			}
		})
	}
}

// ---- quotas and volume types --------------------------------------------------------------------------

func TestVolumeTypeQuotas(t *testing.T) {
	generic := map[string]int{"volumes": 50, "snapshots": 50, "gigabytes": 2000, "backups": 10, "backup_gigabytes": 1000, "per_volume_gigabytes": -1}
	with := func(extra map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range generic {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name        string
		mutate      func(*Snapshot)
		facts       func(*Facts)
		types       []VolumeTypeMap
		wantVolume  map[string]int
		wantSkipped []Skipped
		wantErrs    []errText
	}{
		{
			name:       "many to one is summed",
			types:      []VolumeTypeMap{{fxVTSSD, fxDVTFst}, {fxVTHDD, fxDVTFst}},
			wantVolume: with(map[string]int{"gigabytes_fast": 150, "volumes_fast": 30, "snapshots_fast": -1}),
		},
		{
			name: "unlimited is never summed into a number",
			mutate: func(s *Snapshot) {
				s.Quotas.Volume["gigabytes_ssd"], s.Quotas.Volume["gigabytes_hdd"] = -1, 100
				s.Quotas.Volume["volumes_ssd"], s.Quotas.Volume["volumes_hdd"] = 10, -1
			},
			types:      []VolumeTypeMap{{fxVTSSD, fxDVTFst}, {fxVTHDD, fxDVTFst}},
			wantVolume: with(map[string]int{"gigabytes_fast": -1, "volumes_fast": -1, "snapshots_fast": -1}),
		},
		{
			name:       "one to one renames",
			types:      []VolumeTypeMap{{fxVTSSD, fxDVTFst}, {fxVTHDD, fxDVTSSD}},
			wantVolume: with(map[string]int{"gigabytes_fast": 100, "volumes_fast": 10, "snapshots_fast": -1, "gigabytes_ssd": 50, "volumes_ssd": 20, "snapshots_ssd": 5}),
		},
		{
			name:       "an unmapped type passes through unchanged",
			types:      []VolumeTypeMap{{fxVTSSD, fxDVTFst}},
			wantVolume: with(map[string]int{"gigabytes_fast": 100, "volumes_fast": 10, "snapshots_fast": -1, "gigabytes_hdd": 50, "volumes_hdd": 20, "snapshots_hdd": 5}),
		},
		{
			// limits of an unmapped type add to those mapped onto its name; its unlimited values do not
			// wipe out the mapped limits, and are reported
			name:       "an unmapped type landing on a mapped one",
			types:      []VolumeTypeMap{{fxVTHDD, fxDVTSSD}},
			wantVolume: with(map[string]int{"gigabytes_ssd": 150, "volumes_ssd": 30, "snapshots_ssd": 5}),
			wantSkipped: []Skipped{{Kind: "volume_type_quota", SourceID: "ssd",
				Reason: "unmapped source type with unlimited per-type quotas, not added to the limits mapped onto the destination type of the same name"}},
		},
		{
			name:  "an unmapped type with limits and no destination type of its name",
			facts: func(f *Facts) { f.VolumeTypes = f.VolumeTypes[2:] }, // only "fast"
			types: []VolumeTypeMap{{fxVTSSD, fxDVTFst}},
			wantErrs: []errText{{Attribute: "mappings.volume_types", Value: "hdd",
				Message: `the source volume type has per-type quotas (gigabytes_hdd=50, snapshots_hdd=5, volumes_hdd=20) but the destination has no volume type named "hdd": map it with mappings.volume_types`}},
		},
		{
			name: "an unmapped type with only unlimited values is skipped, not an error",
			mutate: func(s *Snapshot) {
				s.VolumeTypes = append(s.VolumeTypes, openstack.VolumeType{ID: "vt-archive", Name: "archive"})
				s.Quotas.Volume["gigabytes_archive"], s.Quotas.Volume["volumes_archive"], s.Quotas.Volume["snapshots_archive"] = -1, -1, -1
			},
			wantVolume: with(map[string]int{"gigabytes_ssd": 100, "volumes_ssd": 10, "snapshots_ssd": -1, "gigabytes_hdd": 50, "volumes_hdd": 20, "snapshots_hdd": 5}),
			wantSkipped: []Skipped{{Kind: "volume_type_quota", SourceID: "archive",
				Reason: "no destination volume type of that name; its per-type quotas are unlimited, so nothing is lost"}},
		},
		{
			name: "a per-type key of a type the source does not know is an ordinary key",
			mutate: func(s *Snapshot) {
				s.Quotas.Volume["gigabytes_lvmdriver-1"] = 7
			},
			wantVolume: with(map[string]int{"gigabytes_ssd": 100, "volumes_ssd": 10, "snapshots_ssd": -1, "gigabytes_hdd": 50, "volumes_hdd": 20, "snapshots_hdd": 5, "gigabytes_lvmdriver-1": 7}),
		},
		{
			name:  "unknown source type uuid",
			types: []VolumeTypeMap{{"vt-gone", fxDVTFst}},
			wantErrs: []errText{{Attribute: "mappings.volume_types[0].src_type_uuid", Value: "vt-gone",
				Message: "is not a volume type available in the source tenant"}},
		},
		{
			name:  "unknown destination type uuid",
			types: []VolumeTypeMap{{fxVTSSD, fxDVTFst}, {fxVTHDD, "dvt-gone"}},
			wantErrs: []errText{{Attribute: "mappings.volume_types[1].dst_type_uuid", Value: "dvt-gone",
				Message: "is not a volume type of the destination offering"}},
		},
		{
			name:  "destination uuid of a source type",
			types: []VolumeTypeMap{{fxVTSSD, fxVTHDD}},
			wantErrs: []errText{{Attribute: "mappings.volume_types[0].dst_type_uuid", Value: fxVTHDD,
				Message: "is not a volume type of the destination offering"}},
		},
		{
			name:  "both unknown",
			types: []VolumeTypeMap{{"vt-gone", "dvt-gone"}},
			wantErrs: []errText{
				{Attribute: "mappings.volume_types[0].src_type_uuid", Value: "vt-gone", Message: "is not a volume type available in the source tenant"},
				{Attribute: "mappings.volume_types[0].dst_type_uuid", Value: "dvt-gone", Message: "is not a volume type of the destination offering"},
			},
		},
		{
			name:  "a source type mapped twice",
			types: []VolumeTypeMap{{fxVTSSD, fxDVTFst}, {fxVTSSD, fxDVTHDD}},
			wantErrs: []errText{{Attribute: "mappings.volume_types[1].src_type_uuid", Value: fxVTSSD,
				Message: "is already mapped by mappings.volume_types[0]"}},
		},
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
			m := Mappings{VolumeTypes: tt.types}
			if tt.wantErrs != nil {
				assertEqual(t, "errors", errTexts(mustFail(t, snap, m, facts)), tt.wantErrs)
				return
			}
			p := mustPlan(t, snap, m, facts)
			assertEqual(t, "volume quotas", p.Quotas.Volume, tt.wantVolume)
			assertEqual(t, "compute quotas", p.Quotas.Compute, snap.Quotas.Compute)
			assertEqual(t, "network quotas", p.Quotas.Network, snap.Quotas.Network)
			assertEqual(t, "skipped quotas", skippedOf(p, "volume_type_quota"), tt.wantSkipped)
		})
	}
}

// ---- security groups ----------------------------------------------------------------------------------

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

func TestRemapOntoAnotherRoutersSubnetIsAllowed(t *testing.T) {
	// Subnets on different routers may overlap (they are separate networks); only one router's interfaces
	// must not. Move db to its own router and remap it onto app's CIDR.
	snap := threeTier()
	snap.Routers = append(snap.Routers, openstack.Router{ID: "rtr-db", Name: "db-router", AdminStateUp: true})
	for i := range snap.Ports {
		if snap.Ports[i].ID == "port-ri-db" {
			snap.Ports[i].DeviceID = "rtr-db"
		}
	}
	p := mustPlan(t, snap, Mappings{Subnets: remaps("10.0.3.0/24", "10.0.2.0/24")}, baseFacts())
	assertEqual(t, "db router interfaces", routerPlan(t, p, "rtr-db").Interfaces, []InterfacePlan{
		{SourcePortID: "port-ri-db", SubnetSourceID: fxSubDB, IPAddress: "10.0.2.1", AtGateway: true},
	})
	if got := subnetPlan(t, p, fxSubDB).CIDR; got != "10.0.2.0/24" {
		t.Errorf("db cidr = %s", got)
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

// ---- ports --------------------------------------------------------------------------------------------

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
		"security_groups": 300, "security_group_rules": 6000, "address_groups": 0, "ports": 3000,
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
