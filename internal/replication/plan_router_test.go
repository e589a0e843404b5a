package replication

import (
	"slices"
	"testing"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
)

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
				{Destination: "192.168.30.0/27", NextHop: "10.0.1.7"}, // an outside range the remap now covers: dropped
			},
			m: Mappings{Subnets: remaps("10.0.3.0/24", "192.168.30.0/26")},
			wantRoutes: []openstack.Route{
				{Destination: "192.168.30.0/26", NextHop: "10.0.2.10"},
				{Destination: "10.0.1.0/25", NextHop: "192.168.30.20"},
				{Destination: "192.168.30.0/26", NextHop: "10.0.1.7"},
			},
			wantDropped: []DroppedRoute{
				{Route: openstack.Route{Destination: "10.0.3.64/26", NextHop: "10.0.2.10"}, Reason: "does not fit the remapped subnet"},
				{Route: openstack.Route{Destination: "10.0.1.0/25", NextHop: "10.0.3.200"}, Reason: "does not fit the remapped subnet"},
				{Route: openstack.Route{Destination: "192.168.30.0/27", NextHop: "10.0.1.7"}, Reason: "destination 192.168.30.0/27 is not inside any copied subnet"},
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
		{name: "the destination picks the external network itself", facts: func(f *Facts) { f.ExternalNetworkID, f.GatewaysByDestination = "", true },
			wantGateway: true, wantSNAT: ptr(true)},
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

// A route to an outside range stays dropped when a remap moves a subnet onto that very range: kept, it
// would send the tenant's own subnet's traffic to the old next hop.
func TestRouteToTheRangeOfARemapIsDropped(t *testing.T) {
	snap := threeTier()
	snap.Routers[0].Routes = append(snap.Routers[0].Routes, openstack.Route{Destination: "192.168.10.0/24", NextHop: "10.0.1.20"})
	p := mustPlan(t, snap, Mappings{Subnets: remaps("10.0.1.0/24", "192.168.10.0/24")}, baseFacts())
	r := routerPlan(t, p, fxRouter)
	for _, route := range r.Routes {
		if route.Destination == "192.168.10.0/24" {
			t.Fatalf("route to the outside range 192.168.10.0/24 kept as %+v", route)
		}
	}
	if !slices.ContainsFunc(r.DroppedRoutes, func(d DroppedRoute) bool { return d.Destination == "192.168.10.0/24" }) {
		t.Fatalf("route to 192.168.10.0/24 not reported as dropped: %+v", r.DroppedRoutes)
	}
}
