package waldurmode

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/backend"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/openstack"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/replication"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur"
	"github.com/waldur/terraform-provider-waldur-openstack-migration/internal/waldur/waldurtest"
)

// replicaFixture is a Waldur test server with a source tenant "shop" (networks web and db, router edge
// on both with a static route, groups default and web, an instance port and a free VIP port, limits),
// migrated by the Waldur backend with follow_source = true and sync_instance_ports: the replica whose
// source the tests change (waldurtest's SetObjects, SetLimits) before refreshing it (Read).
type replicaFixture struct {
	srv  *waldurtest.Server
	b    *Backend
	shop waldurtest.Tenant
	m    backend.Migration // as the create recorded it
}

func newReplicaFixture(t *testing.T, mappings func(shop waldurtest.Objects) replication.Mappings) *replicaFixture {
	t.Helper()
	srv := waldurtest.New(waldurtest.Options{StepDuration: 2 * time.Millisecond})
	t.Cleanup(srv.Close)
	srcOff := srv.AddOffering(waldurtest.Offering{Name: "Cloud A"})
	dstOff := srv.AddOffering(waldurtest.Offering{Name: "Cloud B"})
	srcPlan := srv.AddPlan(waldurtest.Plan{OfferingUUID: srcOff.UUID, Name: "a"})
	dstPlan := srv.AddPlan(waldurtest.Plan{OfferingUUID: dstOff.UUID, Name: "b"})
	shop := srv.AddTenant(waldurtest.Tenant{OfferingUUID: srcOff.UUID, PlanUUID: srcPlan.UUID, Name: "shop", Description: "the shop",
		ExternalNetworkID: "ext-net", Limits: map[string]int{"cores": 16, "ram": 32768, "storage": 500}})
	objects := srv.AddObjects(shop.UUID, waldurtest.Objects{
		Networks: []waldurtest.Network{{BackendID: "net-web", Name: "web"}, {BackendID: "net-db", Name: "db", Description: "data"}},
		Subnets: []waldurtest.Subnet{
			{BackendID: "sub-web", NetworkBackendID: "net-web", Name: "web-v4", CIDR: "10.0.1.0/24", GatewayIP: "10.0.1.1",
				AllocationPools: []waldurtest.AllocationPool{{Start: "10.0.1.10", End: "10.0.1.99"}}, EnableDHCP: true, DNSNameservers: []string{"1.1.1.1"}},
			{BackendID: "sub-db", NetworkBackendID: "net-db", Name: "db-v4", CIDR: "10.0.3.0/24", GatewayIP: "10.0.3.1",
				AllocationPools: []waldurtest.AllocationPool{{Start: "10.0.3.10", End: "10.0.3.200"}}},
		},
		Routers: []waldurtest.Router{{BackendID: "rtr-edge", Name: "edge",
			Interfaces: []waldurtest.FixedIP{{IPAddress: "10.0.1.1", SubnetBackendID: "sub-web"}, {IPAddress: "10.0.3.1", SubnetBackendID: "sub-db"}},
			Routes:     []waldurtest.Route{{Destination: "10.0.1.128/25", NextHop: "10.0.1.20"}},
		}},
		SecurityGroups: []waldurtest.SecurityGroup{
			{BackendID: "sg-default", Name: "default", Rules: []waldurtest.SecurityGroupRule{{Direction: "egress"}}},
			{BackendID: "sg-web", Name: "web", Rules: []waldurtest.SecurityGroupRule{
				{Protocol: "tcp", FromPort: ptr(443), ToPort: ptr(443), CIDR: "0.0.0.0/0"},
				{Protocol: "tcp", FromPort: ptr(22), ToPort: ptr(22), CIDR: "10.0.1.0/24"},
				{RemoteGroupBackendID: "sg-default"},
			}},
		},
		Ports: []waldurtest.Port{
			{BackendID: "port-web-1", NetworkBackendID: "net-web", Name: "web-1", MACAddress: "fa:16:3e:00:01:11", DeviceID: "vm-1", DeviceOwner: "compute:nova",
				FixedIPs: []waldurtest.FixedIP{{IPAddress: "10.0.1.11", SubnetBackendID: "sub-web"}}, SecurityGroupBackendIDs: []string{"sg-web"},
				AdminStateUp: true, Status: "ACTIVE"},
			{BackendID: "port-vip", NetworkBackendID: "net-db", Name: "db-vip", MACAddress: "fa:16:3e:00:03:64", DeviceOwner: "compute:nova",
				FixedIPs: []waldurtest.FixedIP{{IPAddress: "10.0.3.100", SubnetBackendID: "sub-db"}}, AdminStateUp: true, Status: "DOWN"},
		},
	})
	b := New(Settings{Endpoint: srv.URL, Token: srv.Token, Poll: waldur.WaitOptions{MinInterval: 2 * time.Millisecond, MaxInterval: 10 * time.Millisecond}}, nil)
	in := backend.Inputs{SrcResource: shop.ResourceUUID, DstOffering: dstOff.UUID, DstPlan: dstPlan.UUID, Name: "shop-dr", Mappings: mappings(objects), FollowSource: true}
	out, err := b.Create(context.Background(), in, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if out.State != backend.StateOK {
		t.Fatalf("migration %s, want OK", out.State)
	}
	out.Inputs = in
	return &replicaFixture{srv: srv, b: b, shop: shop, m: *out}
}

// read refreshes the replica and returns its drift, failing on an error.
func (f *replicaFixture) read(t *testing.T) *backend.Migration {
	t.Helper()
	out, err := f.b.Read(context.Background(), f.m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// change edits the source tenant's objects as Waldur lists them, keeping the uuids of those that stay.
func (f *replicaFixture) change(edit func(o *waldurtest.Objects)) {
	o := f.srv.TenantObjects(f.shop.UUID)
	edit(&o)
	f.srv.SetObjects(f.shop.UUID, o)
}

func syncPorts(waldurtest.Objects) replication.Mappings {
	return replication.Mappings{SyncInstancePorts: true}
}

// A replica Waldur has just made, and one whose source has not changed since, are in sync; without
// follow_source the source is not read at all.
func TestReadReplicaInSync(t *testing.T) {
	for name, m := range map[string]func(waldurtest.Objects) replication.Mappings{
		"all networks, ports": syncPorts,
		"no ports":            func(waldurtest.Objects) replication.Mappings { return replication.Mappings{} },
		"remapped subnet": func(waldurtest.Objects) replication.Mappings {
			return replication.Mappings{Subnets: []replication.SubnetRemap{{SrcCIDR: "10.0.3.0/24", DstCIDR: "192.168.3.0/24"}}}
		},
		"one network, ports": func(o waldurtest.Objects) replication.Mappings {
			return replication.Mappings{Networks: []string{o.Networks[0].UUID}, SyncInstancePorts: true}
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newReplicaFixture(t, m)
			out := f.read(t)
			if len(out.SourceDrift) != 0 || len(out.Warnings) != 0 {
				t.Fatalf("source_drift = %v, warnings %v; want in sync", out.SourceDrift, out.Warnings)
			}
			f.m.FollowSource = false
			f.change(func(o *waldurtest.Objects) {
				o.Networks = append(o.Networks, waldurtest.Network{BackendID: "net-new", Name: "reports"})
			})
			calls := f.srv.RequestCount()
			if out := f.read(t); len(out.SourceDrift) != 0 {
				t.Fatalf("follow_source = false: source_drift = %v, want none", out.SourceDrift)
			}
			if n := f.srv.RequestCount() - calls; n > 3 {
				t.Errorf("a one-off copy's refresh made %d calls; it must not read the source", n)
			}
		})
	}
}

// Each kind of change to the source shows in source_drift, under its kind, by name, in the engine's
// words; kinds that did not change are absent.
func TestReadReplicaDrift(t *testing.T) {
	for name, tc := range map[string]struct {
		edit   func(o *waldurtest.Objects)
		limits map[string]int
		want   map[string]string
	}{
		"network added": {
			edit: func(o *waldurtest.Objects) {
				o.Networks = append(o.Networks, waldurtest.Network{BackendID: "net-rep", Name: "reports"})
			},
			want: map[string]string{"networks": "add: reports"},
		},
		"network changed": {
			edit: func(o *waldurtest.Objects) { o.Networks[1].Name, o.Networks[1].Description = "database", "the data" },
			want: map[string]string{"networks": "change: database (description, name)"},
		},
		"network removed": {
			edit: func(o *waldurtest.Objects) {
				o.Networks = o.Networks[:1]
				o.Subnets = o.Subnets[:1]
				o.Routers[0].Interfaces = o.Routers[0].Interfaces[:1]
				o.Ports = o.Ports[:1]
			},
			want: map[string]string{"networks": "remove: db", "subnets": "remove: db-v4", "router_interfaces": "remove: edge/db-v4", "ports": "remove: db-vip"},
		},
		"subnet added": {
			edit: func(o *waldurtest.Objects) {
				o.Subnets = append(o.Subnets, waldurtest.Subnet{BackendID: "sub-web6", NetworkBackendID: "net-web", Name: "web-v4b", CIDR: "10.0.2.0/24", GatewayIP: "10.0.2.1",
					AllocationPools: []waldurtest.AllocationPool{{Start: "10.0.2.10", End: "10.0.2.20"}}})
			},
			want: map[string]string{"subnets": "add: web-v4b"},
		},
		"subnet changed": {
			edit: func(o *waldurtest.Objects) {
				o.Subnets[0].DNSNameservers = []string{"9.9.9.9"}
				o.Subnets[0].AllocationPools = []waldurtest.AllocationPool{{Start: "10.0.1.10", End: "10.0.1.150"}}
				o.Subnets[0].HostRoutes = []waldurtest.Route{{Destination: "192.168.0.0/16", NextHop: "10.0.1.254"}}
			},
			want: map[string]string{"subnets": "change: web-v4 (allocation_pools, dns_nameservers, host_routes)"},
		},
		"subnet CIDR changed": {
			edit: func(o *waldurtest.Objects) {
				o.Subnets[1].CIDR, o.Subnets[1].GatewayIP = "10.0.4.0/24", "10.0.4.1"
				o.Subnets[1].AllocationPools = []waldurtest.AllocationPool{{Start: "10.0.4.10", End: "10.0.4.200"}}
				o.Routers[0].Interfaces[1].IPAddress = "10.0.4.1"
				o.Ports[1].FixedIPs[0].IPAddress = "10.0.4.100"
			},
			want: map[string]string{"subnets": "change: db-v4 (cidr)", "router_interfaces": "add: edge/db-v4; remove: edge/db-v4",
				"ports": "change: db-vip (fixed_ips)"},
		},
		"subnet removed": {
			edit: func(o *waldurtest.Objects) {
				o.Subnets = o.Subnets[:1]
				o.Routers[0].Interfaces = o.Routers[0].Interfaces[:1]
				o.Ports = o.Ports[:1]
			},
			want: map[string]string{"subnets": "remove: db-v4", "router_interfaces": "remove: edge/db-v4", "ports": "remove: db-vip"},
		},
		"router added": {
			edit: func(o *waldurtest.Objects) {
				o.Routers = append(o.Routers, waldurtest.Router{BackendID: "rtr-back", Name: "back"})
			},
			want: map[string]string{"routers": "add: back"},
		},
		"router changed": {
			edit: func(o *waldurtest.Objects) {
				o.Routers[0].Description = "the edge"
				o.Routers[0].Routes = []waldurtest.Route{{Destination: "10.0.3.0/25", NextHop: "10.0.1.21"}}
			},
			want: map[string]string{"routers": "change: edge (description)",
				"routes": "add: edge: 10.0.3.0/25 via 10.0.1.21; remove: edge: 10.0.1.128/25 via 10.0.1.20"},
		},
		"router removed": {
			edit: func(o *waldurtest.Objects) { o.Routers = nil },
			want: map[string]string{"routers": "remove: edge", "router_interfaces": "remove: edge/db-v4, edge/web-v4"},
		},
		"group added": {
			edit: func(o *waldurtest.Objects) {
				o.SecurityGroups = append(o.SecurityGroups, waldurtest.SecurityGroup{BackendID: "sg-db", Name: "db",
					Rules: []waldurtest.SecurityGroupRule{{Protocol: "tcp", FromPort: ptr(5432), ToPort: ptr(5432), RemoteGroupBackendID: "sg-web"}}})
			},
			want: map[string]string{"security_groups": "add: db", "security_group_rules": "add: db: ingress IPv4 tcp 5432-5432 from group web"},
		},
		"group and rules changed": {
			edit: func(o *waldurtest.Objects) {
				o.SecurityGroups[1].Description = "public web"
				o.SecurityGroups[1].Rules[1].CIDR = "10.0.0.0/16"
				o.SecurityGroups[1].Rules = append(o.SecurityGroups[1].Rules, waldurtest.SecurityGroupRule{Protocol: "udp", FromPort: ptr(53), ToPort: ptr(53), CIDR: "0.0.0.0/0"})
			},
			want: map[string]string{"security_groups": "change: web (description)",
				"security_group_rules": "add: web: ingress IPv4 tcp 22-22 from 10.0.0.0/16, web: ingress IPv4 udp 53-53; remove: web: ingress IPv4 tcp 22-22 from 10.0.1.0/24"},
		},
		"group removed": {
			edit: func(o *waldurtest.Objects) {
				o.SecurityGroups = o.SecurityGroups[:1]
				o.Ports[0].SecurityGroupBackendIDs = nil
			},
			want: map[string]string{"security_groups": "remove: web", "ports": "change: web-1 (security_groups)"},
		},
		"port added": {
			edit: func(o *waldurtest.Objects) {
				o.Ports = append(o.Ports, waldurtest.Port{BackendID: "port-web-2", NetworkBackendID: "net-web", Name: "web-2", MACAddress: "fa:16:3e:00:01:12",
					DeviceID: "vm-2", DeviceOwner: "compute:nova", FixedIPs: []waldurtest.FixedIP{{IPAddress: "10.0.1.12", SubnetBackendID: "sub-web"}},
					AdminStateUp: true, Status: "ACTIVE"})
			},
			want: map[string]string{"ports": "add: web-2"},
		},
		"port changed": {
			edit: func(o *waldurtest.Objects) {
				o.Ports[0].FixedIPs[0].IPAddress = "10.0.1.50"
				o.Ports[0].SecurityGroupBackendIDs = []string{"sg-web", "sg-default"}
				o.Ports[0].Description = "the web server"
			},
			want: map[string]string{"ports": "change: web-1 (description, fixed_ips, security_groups)"},
		},
		"port removed": {
			edit: func(o *waldurtest.Objects) { o.Ports = o.Ports[1:] },
			want: map[string]string{"ports": "remove: web-1"},
		},
		"limits raised": {
			limits: map[string]int{"cores": 32, "ram": 32768, "storage": 800},
			want:   map[string]string{"quotas": "change: compute (cores), volume (storage)"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newReplicaFixture(t, syncPorts)
			if tc.edit != nil {
				f.change(tc.edit)
			}
			if tc.limits != nil {
				f.srv.SetLimits(f.shop.UUID, tc.limits)
			}
			out := f.read(t)
			if !reflect.DeepEqual(out.SourceDrift, tc.want) {
				t.Errorf("source_drift =\n%v\nwant\n%v", out.SourceDrift, tc.want)
			}
			if len(out.Warnings) != 0 {
				t.Errorf("warnings %v", out.Warnings)
			}
			// Waldur applies none of it: nothing in the destination changed, and the state's ids stay.
			if !reflect.DeepEqual(out.IDs, f.m.IDs) || out.State != backend.StateOK {
				t.Errorf("the refresh changed the migration: state %s, ids %+v, want %+v", out.State, out.IDs, f.m.IDs)
			}
		})
	}
}

// A source that can no longer be read (terminated in Waldur) or planned (Waldur shows it without
// limits, which it refuses to migrate): refresh warns, records no drift, keeps the replica as it is.
func TestReadReplicaSourceGone(t *testing.T) {
	for name, tc := range map[string]struct {
		why  string
		lose func(t *testing.T, f *replicaFixture)
	}{
		"source without limits": {"no quota limits", func(_ *testing.T, f *replicaFixture) { f.srv.SetLimits(f.shop.UUID, nil) }},
		"source terminated": {"is Terminated in Waldur", func(t *testing.T, f *replicaFixture) {
			ctx := context.Background()
			api, err := f.b.api()
			if err != nil {
				t.Fatal(err)
			}
			order, err := api.TerminateResource(ctx, f.shop.ResourceUUID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := waldur.WaitForOrder(ctx, api, order, waldur.WaitOptions{MinInterval: 2 * time.Millisecond, MaxInterval: 10 * time.Millisecond}); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(name, func(t *testing.T) {
			f := newReplicaFixture(t, syncPorts)
			f.change(func(o *waldurtest.Objects) { o.Networks = append(o.Networks, waldurtest.Network{Name: "reports"}) }) // a drift, were the source readable
			tc.lose(t, f)
			out := f.read(t)
			if len(out.SourceDrift) != 0 {
				t.Errorf("source_drift = %v, want none", out.SourceDrift)
			}
			if len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "could not be read from Waldur or planned") ||
				!strings.Contains(out.Warnings[0], "kept as it is") || !strings.Contains(out.Warnings[0], tc.why) {
				t.Fatalf("warnings %q, want one saying the source could not be read (%s)", out.Warnings, tc.why)
			}
			if !reflect.DeepEqual(out.IDs, f.m.IDs) || out.State != backend.StateOK {
				t.Errorf("the refresh changed the migration: state %s, ids %+v", out.State, out.IDs)
			}
		})
	}
}

// The comparison leaves out what Waldur does not show or decides itself: markers and tags, MTUs, router
// gateways, a port's admin state and address pairs.
func TestComparableLeavesOutWhatWaldurDecides(t *testing.T) {
	sp := ptr(true)
	p := &replication.Plan{
		ExternalNetworkID: "ext",
		Networks:          []replication.NetworkPlan{{SourceID: "n", Name: "web", MTU: 1400, Marker: true, Tags: []string{"t"}}},
		Routers:           []replication.RouterPlan{{SourceID: "r", Name: "edge", ExternalGateway: true, EnableSNAT: sp, Marker: true}},
		Ports:             []replication.PortPlan{{SourceID: "p", Name: "vm", AdminStateUp: false, AllowedAddressPairs: []openstack.AddressPair{{IPAddress: "10.0.0.5"}}}},
	}
	objects := replication.ProjectObjects{}
	c := comparableOf(p, &objects)
	if c.Networks[0].MTU != 0 || c.Networks[0].Marker || c.Networks[0].Tags != nil || c.Routers[0].ExternalGateway || c.Routers[0].EnableSNAT != nil ||
		!c.Ports[0].AdminStateUp || c.Ports[0].AllowedAddressPairs != nil || c.ExternalNetworkID != "" {
		t.Errorf("comparable plan %+v", c)
	}
	if p.Networks[0].MTU != 1400 || !p.Routers[0].ExternalGateway || !slices.Equal(p.Networks[0].Tags, []string{"t"}) {
		t.Error("comparable changed the plan it was given")
	}
}
